package bigcommerce

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"maps"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Sentinel errors. Test a failure with errors.Is(err, bigcommerce.ErrNotFound) and so
// on; errors.As(err, &apiErr) gives the details.
var (
	// ErrNotFound: 404, the record or the path does not exist.
	ErrNotFound = errors.New("not found")
	// ErrUnauthorized: 401, the access token is wrong, missing or revoked.
	ErrUnauthorized = errors.New("unauthorized: the access token is wrong or revoked")
	// ErrForbidden: 403, the token is valid but lacks the OAuth scope the call needs
	// (or the store hash does not match the token).
	ErrForbidden = errors.New("forbidden: the token lacks a required scope")
	// ErrConflict: 409 (duplicate name or SKU, missing category or brand, duplicate
	// metafield) and 423 (locked).
	ErrConflict = errors.New("conflict")
	// ErrValidation: the API refused the input (400, 413, 422); field messages are kept.
	ErrValidation = errors.New("validation failed")
	// ErrRateLimited: 429 that outlasted every retry.
	ErrRateLimited = errors.New("rate limited")
	// ErrUpstream: a 5xx, a network failure, or a truncated or invalid body that
	// outlasted every retry.
	ErrUpstream = errors.New("upstream failure")
	// ErrOutcomeUnknown: a POST may have reached the server and no usable answer came
	// (connection dropped, timeout, 5xx, truncated body). BigCommerce has no
	// idempotency key, so the POST is never resent: look the record up by a natural
	// key (SKU, name, email, metafield) before creating it again.
	ErrOutcomeUnknown = errors.New("outcome unknown: the request may or may not have been applied")
	// ErrBadRequest: the client refused the input before sending any request.
	ErrBadRequest = errors.New("bad request")
)

// APIError is every failure of a call: an answer from the API with a 4xx or 5xx
// status, or a call that got no usable answer (Status 0). It never holds the
// access token, a host name or a query string.
type APIError struct {
	// Status is the HTTP status, or 0 when no answer came.
	Status int
	// Method and Path name the call, e.g. "GET" and "/v3/catalog/products/12".
	Method string
	Path   string
	// Title is the API's summary (V3 title, first V2 message, or trimmed text).
	Title string
	// Detail is the V3 detail or instance text, when present.
	Detail string
	// Messages are every message of a V2 error array or a list of V3 errors.
	Messages []string
	// FieldErrors maps a field (or batch index) to its message, from V3 "errors".
	FieldErrors map[string]string
	// MissingScope names the OAuth scope a 403 points at: the one the body names, or
	// the scope this kind of call needs when the body names none.
	MissingScope string
	// RetryAfter is how long the API asked us to wait (429).
	RetryAfter time.Duration
	// Attempts is how many times the request was sent.
	Attempts int
	// Err is the cause when no answer came (network error, context error).
	Err error

	kind error // the sentinel errors.Is matches
}

// Error describes the failure in one line, without the token: Summary, the
// API's field messages, the attempts and the Remedy.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("bigcommerce: ")
	b.WriteString(e.Summary())
	if len(e.FieldErrors) > 0 {
		for _, k := range slices.Sorted(maps.Keys(e.FieldErrors)) {
			fmt.Fprintf(&b, "; %s: %s", k, e.FieldErrors[k])
		}
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " [%d attempts]", e.Attempts)
	}
	if r := Remedy(e); r != "" {
		b.WriteString(" (")
		b.WriteString(r)
		b.WriteString(")")
	}
	return b.String()
}

// Summary describes the failure in one line for a person: the call, the
// status, the API's title, detail and messages, and the cause when no answer
// came; without the package name, the field messages (FieldErrors) and the
// remedy, which a caller shows in their own places.
func (e *APIError) Summary() string {
	// what: the status and the API's title (or the kind of failure), then
	// the details; each part joined to what came before only when both are
	// there, so that no separator stands next to an empty part ("GET
	// /v2/store: : dial tcp").
	what := ""
	if e.Status != 0 {
		what = fmt.Sprint(e.Status)
	}
	switch {
	case e.Title != "":
		what = joinPart(what, " ", e.Title)
	case e.kind != nil:
		// For an unknown outcome this is the only place it is said; the
		// cause (a context that ended mid-POST) follows it.
		what = joinPart(what, " ", e.kind.Error())
	}
	if e.Detail != "" && e.Detail != e.Title {
		what = joinPart(what, ": ", e.Detail)
	}
	for _, m := range e.Messages {
		if m != e.Title && m != e.Detail {
			what = joinPart(what, "; ", m)
		}
	}
	if e.Err != nil {
		what = joinPart(what, ": ", strings.TrimPrefix(e.Err.Error(), "bigcommerce: "))
	}
	return strings.TrimSpace(joinPart(strings.TrimSpace(e.Method+" "+e.Path), ": ", strings.TrimSpace(what)))
}

// joinPart is a+sep+b, or whichever of a and b is not empty.
func joinPart(a, sep, b string) string {
	switch {
	case b == "":
		return a
	case a == "":
		return b
	}
	return a + sep + b
}

// storeAccounts is where a store's API accounts and their tokens are made.
const storeAccounts = "Settings > API > Store-level API accounts"

// Remedy says what a person can do about err when the fix lies outside the
// call itself: a token without a scope, a wrong token, a write whose outcome
// is unknown, a spent quota. It is the one place these words are written;
// "" for every other failure. err may be an *APIError or a bare sentinel.
func Remedy(err error) string {
	var e *APIError
	errors.As(err, &e)
	switch {
	case errors.Is(err, ErrForbidden):
		lacks := "the token lacks the scope this call needs"
		if e != nil && e.Path != "" {
			what, scope := "read "+resourceName(e.Path), "the read scope for this data"
			if e.Method != http.MethodGet {
				what, scope = "write "+resourceName(e.Path), "the modify scope"
			}
			lacks = "the token may not " + what + ": it lacks " + scope
		}
		if e != nil && e.MissingScope != "" {
			lacks += " (" + e.MissingScope + ")"
		}
		return lacks + "; re-issue it with broader scopes in " + storeAccounts + " (the old token is invalidated), or check the store hash"
	case errors.Is(err, ErrUnauthorized):
		return "the access token is wrong or its API account was deleted; create a new token in " + storeAccounts
	case errors.Is(err, ErrOutcomeUnknown):
		return "the write may or may not have happened and was not resent; look the record up by a natural key (SKU, name or email) before trying again"
	case errors.Is(err, ErrRateLimited):
		if e != nil && e.RetryAfter > 0 {
			return fmt.Sprintf("the store's API quota is spent; wait %g seconds and call again", RetryAfterSeconds(e.RetryAfter))
		}
		return "the store's API quota is spent; wait a few seconds and call again, and prefer fewer, larger requests (limit=250)"
	}
	return ""
}

// RetryAfterSeconds is d in seconds, rounded up to the millisecond, as
// messages and error bodies give it.
func RetryAfterSeconds(d time.Duration) float64 {
	return math.Ceil(d.Seconds()*1000) / 1000
}

// Is makes errors.Is(err, ErrNotFound) and the other sentinels work.
func (e *APIError) Is(target error) bool { return target != nil && target == e.kind }

// Unwrap returns the cause when no answer came, so errors.Is(err,
// context.DeadlineExceeded) works too.
func (e *APIError) Unwrap() error { return e.Err }

// Kind returns the sentinel the error matches, or nil.
func (e *APIError) Kind() error { return e.kind }

// maxErrorText bounds the text kept from a non-JSON error body.
const maxErrorText = 300

// newAPIError decodes an error answer: the V3 error object, the V2 error array, a
// plain-text body or an HTML page. method is the request's; path is
// "/v2/..." or "/v3/..." without host or query.
func newAPIError(status int, method, path string, header http.Header, body []byte) *APIError {
	e := &APIError{Status: status, Method: method, Path: path}
	decodeErrorBody(e, header.Get("Content-Type"), body)
	if e.Title == "" {
		e.Title = http.StatusText(status)
	}
	e.kind = classify(status, method)
	if status == http.StatusTooManyRequests {
		e.RetryAfter = retryAfter(header)
	}
	if e.kind == ErrForbidden {
		e.MissingScope = scopeIn(e)
		if e.MissingScope == "" {
			e.MissingScope = requiredScope(method, path)
		}
	}
	return e
}

// classify maps a status to its sentinel. A 5xx on POST is outcome-unknown:
// BigCommerce can commit a POST and still answer 500, and a gateway (502, 504) can
// time out after the store committed.
func classify(status int, method string) error {
	switch {
	case status == http.StatusUnauthorized:
		return ErrUnauthorized
	case status == http.StatusForbidden:
		return ErrForbidden
	case status == http.StatusNotFound:
		return ErrNotFound
	case status == http.StatusConflict, status == http.StatusLocked:
		return ErrConflict
	case status == http.StatusBadRequest, status == http.StatusUnprocessableEntity,
		status == http.StatusRequestEntityTooLarge:
		return ErrValidation
	case status == http.StatusTooManyRequests:
		return ErrRateLimited
	case status >= 500:
		if method == http.MethodPost && retryableStatus(status) {
			return ErrOutcomeUnknown
		}
		return ErrUpstream
	}
	return nil
}

// decodeErrorBody fills e from body, whatever its shape.
func decodeErrorBody(e *APIError, contentType string, body []byte) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return
	}
	switch body[0] {
	case '{':
		if decodeV3Error(e, body) {
			return
		}
	case '[':
		if decodeV2Error(e, body) {
			return
		}
	}
	if strings.Contains(strings.ToLower(contentType), "html") || body[0] == '<' {
		e.Title = shortText(htmlToText(string(body)))
		return
	}
	e.Title = shortText(string(body))
}

// v3Error is the V3 error object and the single-object V2 form {status, message}.
type v3Error struct {
	Status   json.RawMessage `json:"status"`
	Title    string          `json:"title"`
	Type     string          `json:"type"`
	Detail   string          `json:"detail"`
	Instance string          `json:"instance"`
	Message  string          `json:"message"`
	Errors   json.RawMessage `json:"errors"`
	// BatchErrors is the variants batch 422 form.
	BatchErrors json.RawMessage `json:"batch_errors"`
}

func decodeV3Error(e *APIError, body []byte) bool {
	var v v3Error
	if err := json.Unmarshal(body, &v); err != nil {
		return false
	}
	e.Title = shortText(v.Title)
	if e.Title == "" {
		e.Title = shortText(v.Message)
	}
	e.Detail = shortText(v.Detail)
	if e.Detail == "" && v.Instance != "" && !strings.HasPrefix(v.Instance, "/") {
		e.Detail = shortText(v.Instance)
	}
	addErrorList(e, v.Errors)
	addErrorList(e, v.BatchErrors)
	return true
}

// addErrorList adds V3 "errors": an object of field messages, or a list.
func addErrorList(e *APIError, raw json.RawMessage) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] == 'n' {
		return
	}
	switch raw[0] {
	case '{':
		var m map[string]json.RawMessage
		if json.Unmarshal(raw, &m) != nil {
			return
		}
		for k, v := range m {
			if e.FieldErrors == nil {
				e.FieldErrors = make(map[string]string, len(m))
			}
			e.FieldErrors[shortText(k)] = shortText(jsonText(v))
		}
	case '[':
		var l []json.RawMessage
		if json.Unmarshal(raw, &l) != nil {
			return
		}
		for i, v := range l {
			if i >= 50 {
				e.Messages = append(e.Messages, fmt.Sprintf("... and %d more", len(l)-i))
				break
			}
			e.Messages = append(e.Messages, shortText(jsonText(v)))
		}
	default:
		e.Messages = append(e.Messages, shortText(jsonText(raw)))
	}
}

// jsonText renders a JSON value as text: a string as itself, an object's
// message/title when it has one, anything else as compact JSON.
func jsonText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var o struct {
		Message string `json:"message"`
		Title   string `json:"title"`
	}
	if json.Unmarshal(raw, &o) == nil {
		if o.Message != "" {
			return o.Message
		}
		if o.Title != "" {
			return o.Title
		}
	}
	var buf bytes.Buffer
	if json.Compact(&buf, raw) == nil {
		return buf.String()
	}
	return string(raw)
}

// v2Error is one element of the V2 error array.
type v2Error struct {
	Status  json.RawMessage `json:"status"`
	Message string          `json:"message"`
	Details json.RawMessage `json:"details"`
}

func decodeV2Error(e *APIError, body []byte) bool {
	var l []v2Error
	if err := json.Unmarshal(body, &l); err != nil {
		return false
	}
	for i, v := range l {
		if i >= 50 {
			break
		}
		msg := shortText(v.Message)
		if d := bytes.TrimSpace(v.Details); len(d) > 0 && d[0] != 'n' {
			msg = strings.TrimSpace(msg + " " + shortText(jsonText(d)))
		}
		if msg == "" {
			continue
		}
		if e.Title == "" {
			e.Title = msg
			continue
		}
		e.Messages = append(e.Messages, msg)
	}
	return true
}

var (
	htmlDropRE  = regexp.MustCompile(`(?is)<(script|style|head)\b.*?</(script|style|head)\s*>`)
	htmlTitleRE = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title\s*>`)
	htmlTagRE   = regexp.MustCompile(`(?s)<[^>]*>`)
)

// htmlToText reduces an HTML error page (a gateway's 502, a maintenance page) to
// its title and text.
func htmlToText(s string) string {
	title := ""
	if m := htmlTitleRE.FindStringSubmatch(s); m != nil {
		title = strings.TrimSpace(html.UnescapeString(htmlTagRE.ReplaceAllString(m[1], " ")))
	}
	s = htmlDropRE.ReplaceAllString(s, " ")
	s = html.UnescapeString(htmlTagRE.ReplaceAllString(s, " "))
	s = strings.Join(strings.Fields(s), " ")
	title = strings.Join(strings.Fields(title), " ")
	if title != "" && !strings.HasPrefix(s, title) {
		s = strings.TrimSpace(title + ": " + s)
	}
	return s
}

// shortText collapses whitespace and control characters and bounds the length,
// so an error line stays one short line whatever the server sent.
func shortText(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "?")
	}
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r < 0x20 || r == 0x7f || r == '\u2028' || r == '\u2029' || r == '\u0085' || r == '\u00a0'
	}), " ")
	if len(s) > maxErrorText {
		cut := maxErrorText
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "..."
	}
	return s
}

var scopeRE = regexp.MustCompile(`\bstore_[a-z0-9_]+`)

// scopeIn returns an OAuth scope name the 403 body mentions, if any.
func scopeIn(e *APIError) string {
	texts := append([]string{e.Title, e.Detail}, e.Messages...)
	for _, v := range e.FieldErrors {
		texts = append(texts, v)
	}
	for _, t := range texts {
		if m := scopeRE.FindString(t); m != "" {
			return m
		}
	}
	return ""
}

// resourceName names what a path reads or writes, for messages: "/v3/catalog/products/12"
// gives "products", "/v2/orders/5/shipments" gives "orders".
func resourceName(path string) string {
	segs := strings.FieldsFunc(path, func(r rune) bool { return r == '/' })
	if len(segs) > 0 && (segs[0] == "v2" || segs[0] == "v3") {
		segs = segs[1:]
	}
	if len(segs) > 0 && segs[0] == "catalog" {
		segs = segs[1:]
	}
	if len(segs) == 0 {
		return "this resource"
	}
	return segs[0]
}

// scopeFamilies maps a path's first segment to its OAuth scope family, as listed
// in BigCommerce's API accounts documentation.
var scopeFamilies = map[string]string{
	"catalog":           "store_v2_products",
	"products":          "store_v2_products",
	"orders":            "store_v2_orders",
	"order_statuses":    "store_v2_orders",
	"customers":         "store_v2_customers",
	"customer_groups":   "store_v2_customers",
	"store":             "store_v2_information",
	"time":              "store_v2_information",
	"carts":             "store_cart",
	"checkouts":         "store_checkout",
	"inventory":         "store_inventory",
	"channels":          "store_channel_settings",
	"content":           "store_v2_content",
	"pages":             "store_v2_content",
	"marketing":         "store_v2_marketing",
	"coupons":           "store_v2_marketing",
	"promotions":        "store_v2_marketing",
	"gift_certificates": "store_v2_marketing",
	"transactions":      "store_v2_transactions",
}

// requiredScope guesses the scope a call needs from its method and path; a read
// needs the _read_only scope (or the full one), a write needs the full one.
func requiredScope(method, path string) string {
	segs := strings.FieldsFunc(path, func(r rune) bool { return r == '/' })
	if len(segs) > 0 && (segs[0] == "v2" || segs[0] == "v3") {
		segs = segs[1:]
	}
	if len(segs) == 0 {
		return ""
	}
	family, ok := scopeFamilies[segs[0]]
	if segs[0] == "orders" && len(segs) >= 3 && segs[2] == "transactions" {
		family = "store_v2_transactions"
	}
	if !ok {
		return ""
	}
	if method == http.MethodGet {
		return family + "_read_only"
	}
	return family
}

// InputError is bad input the client refused before sending any request.
// errors.Is(err, ErrBadRequest) holds for it.
type InputError struct {
	// Field names the input at fault, e.g. "store_hash", "path", "method".
	Field string
	// Message says what is wrong and what would be valid.
	Message string
}

func (e *InputError) Error() string { return "bigcommerce: " + e.Field + ": " + e.Message }

// Is makes errors.Is(err, ErrBadRequest) hold.
func (e *InputError) Is(target error) bool { return target == ErrBadRequest }

// scrubSecret removes secret from every text the API sent back, in case a server
// echoes the request's headers in its error body.
func (e *APIError) scrubSecret(secret string) {
	if secret == "" {
		return
	}
	e.Title = scrub(e.Title, secret)
	e.Detail = scrub(e.Detail, secret)
	for i, m := range e.Messages {
		e.Messages[i] = scrub(m, secret)
	}
	for k, v := range e.FieldErrors {
		if sk := scrub(k, secret); sk != k {
			delete(e.FieldErrors, k)
			k = sk
		}
		e.FieldErrors[k] = scrub(v, secret)
	}
	e.MissingScope = scrub(e.MissingScope, secret)
}

func badInput(field, msg string) error { return &InputError{Field: field, Message: msg} }

// Redact returns s with every occurrence of c's access token replaced by
// "[redacted]", for text that may quote what a user typed (a token pasted
// into a tool input and echoed by a validation message or a preview).
func (c *Client) Redact(s string) string {
	if c == nil {
		return s
	}
	return scrub(s, c.token)
}

// RedactSecret returns s with every occurrence of secret (ignoring case)
// replaced by "[redacted]", for a caller that holds a token without a client.
func RedactSecret(s, secret string) string { return scrub(s, secret) }

// scrub removes every occurrence of secret from s, ignoring case (a hash or a
// name may have been lower-cased on the way). The token never goes into a URL,
// so this is a second line of defence for text that quotes input back.
func scrub(s, secret string) string {
	n := len(secret)
	if n == 0 || len(s) < n {
		return s
	}
	var b strings.Builder
	last := 0
	for i := 0; i+n <= len(s); {
		if strings.EqualFold(s[i:i+n], secret) {
			b.WriteString(s[last:i])
			b.WriteString("[redacted]")
			i += n
			last = i
			continue
		}
		i++
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}
