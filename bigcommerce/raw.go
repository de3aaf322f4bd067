package bigcommerce

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// RawRequest is a call to any V2 or V3 endpoint, for what the typed services do
// not cover (carts, checkouts, refunds, ...).
type RawRequest struct {
	// Method is GET, POST, PUT or DELETE.
	Method string
	// Path is below the store, starting with /v2/ or /v3/, e.g.
	// "/v3/catalog/products/12". It carries no query string.
	Path string
	// Query is the query string.
	Query url.Values
	// Body is the JSON body, for POST and PUT.
	Body json.RawMessage
}

// RawResponse is the answer to a RawRequest.
type RawResponse struct {
	StatusCode int
	// Header is a safe subset of the answer's headers: Content-Type,
	// X-Rate-Limit-*, X-Retry-After and X-BC-*.
	Header http.Header
	// Body is the JSON answer; nil for a 204. A body that is not JSON (an HTML
	// error page, a plain-text 401) is given as a JSON string.
	Body json.RawMessage
}

// Do sends a raw request to {base}/stores/{hash}{Path} through the same governor
// and retry rules as every other call (a POST is never resent once it may have
// reached the server). Dangerous or malformed requests are refused before
// anything is sent, with an error matching ErrBadRequest: a path that is not
// below /v2/ or /v3/ or could leave the store's API, PATCH and other methods, and
// a DELETE of a whole collection with no filter in Query or Body (always for
// DELETE /v2/orders, which archives every order). A path whose last segment
// holds a digit names a record and may be deleted. An answer of 300 or more
// returns both the RawResponse and an *APIError.
func (c *Client) Do(ctx context.Context, r RawRequest) (*RawResponse, error) {
	method, version, path, err := checkRawRequest(r)
	if err != nil {
		var ie *InputError
		if errors.As(err, &ie) {
			ie.Message = scrub(ie.Message, c.token)
		}
		return nil, err
	}
	var body []byte
	if len(bytes.TrimSpace(r.Body)) > 0 {
		body = r.Body
	}
	res, data, err := c.send(ctx, method, version, path, r.Query, body, checkJSON)
	if res == nil {
		return nil, err
	}
	out := &RawResponse{StatusCode: res.StatusCode, Header: safeHeaders(res.Header)}
	if err != nil {
		var ae *APIError
		if errors.As(err, &ae) && ae.Status != 0 {
			out.Body = ae.rawBody()
		}
		return out, err
	}
	if t := bytes.TrimSpace(data); len(t) > 0 {
		out.Body = json.RawMessage(t)
	}
	return out, nil
}

// checkJSON is the check of an answer Do passes through undecoded: it must be
// valid JSON.
func checkJSON(data []byte) error {
	if !json.Valid(data) {
		return errNotJSON
	}
	return nil
}

var errNotJSON = errors.New("not valid JSON")

// rawBody gives an API error back as JSON for a RawResponse.
func (e *APIError) rawBody() json.RawMessage {
	v := struct {
		Status      int               `json:"status"`
		Title       string            `json:"title,omitempty"`
		Detail      string            `json:"detail,omitempty"`
		Messages    []string          `json:"messages,omitempty"`
		FieldErrors map[string]string `json:"errors,omitempty"`
	}{e.Status, e.Title, e.Detail, e.Messages, e.FieldErrors}
	b, _ := json.Marshal(v)
	return b
}

// safeHeaders keeps the headers a caller may see: nothing that could carry a
// cookie, a session or an internal host name.
func safeHeaders(h http.Header) http.Header {
	out := http.Header{}
	for k, v := range h {
		lk := strings.ToLower(k)
		if lk == "content-type" || lk == "x-retry-after" ||
			strings.HasPrefix(lk, "x-rate-limit-") || strings.HasPrefix(lk, "x-bc-") {
			out[http.CanonicalHeaderKey(k)] = append([]string(nil), v...)
		}
	}
	return out
}

// maxDecodeRounds bounds how many times a path is percent-decoded when looking
// for hidden characters.
const maxDecodeRounds = 4

// CheckRawRequest makes the checks Do makes before sending anything: the
// method, the path rules of checkRawPath, and the deletes Do never sends
// (DELETE /v2/orders, a collection delete without a filter). A refusal
// satisfies errors.Is(err, ErrBadRequest) and names the field.
func CheckRawRequest(r RawRequest) error {
	_, _, _, err := checkRawRequest(r)
	return err
}

// checkRawRequest validates r and splits its path into version and the path
// below it.
func checkRawRequest(r RawRequest) (method, version, path string, err error) {
	method = strings.ToUpper(r.Method)
	switch method {
	case http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete:
	case "":
		return "", "", "", badInput("method", "the method is empty: want GET, POST, PUT or DELETE")
	default:
		return "", "", "", badInput("method", fmt.Sprintf("%q is not allowed: want GET, POST, PUT or DELETE (the BigCommerce REST API uses no other)", shortText(r.Method)))
	}
	p, err := checkRawPath(r.Path)
	if err != nil {
		return "", "", "", err
	}
	version, path = p[1:3], p[3:]
	if len(bytes.TrimSpace(r.Body)) > 0 {
		if !json.Valid(r.Body) {
			return "", "", "", badInput("body", "the body is not valid JSON")
		}
		if method == http.MethodGet {
			return "", "", "", badInput("body", "a GET request carries no body; put filters in query")
		}
	}
	if method == http.MethodDelete {
		if err := checkRawDelete(p, r.Query, r.Body); err != nil {
			return "", "", "", err
		}
	}
	return method, version, path, nil
}

// checkRawPath validates a raw-request path and returns it percent-decoded, with
// any trailing slash removed (a trailing slash makes V3 answer 403). It must
// start with /v2/ or /v3/ and may not hold anything that could leave the store's
// API: a scheme or host, "..", "//", a backslash, control characters (CR, LF,
// NUL), whitespace, "?" or "#" (the query goes in Query), nor a percent-encoded
// form of any of these, however many times encoded. Once decoded, it holds
// plain ASCII path characters only (letters, digits, "-", ".", "_", "~", ":"
// and "/"), so look-alikes (U+FF0E, U+2025, overlong UTF-8) and direction
// overrides never reach a server, and a "/" may not be percent-encoded.
func checkRawPath(raw string) (string, error) {
	const want = "want a path below the store such as /v3/catalog/products or /v2/orders/12"
	bad := func(why string) (string, error) {
		return "", badInput("path", fmt.Sprintf("%q %s: %s", shortText(raw), why, want))
	}
	if raw == "" {
		return "", badInput("path", "the path is empty: "+want)
	}
	if len(raw) > 2048 {
		return bad("is too long")
	}
	if strings.Contains(raw, "://") || !strings.HasPrefix(raw, "/") {
		return bad("is not a path below the store (an absolute URL or a relative path is refused)")
	}
	// Check every decoding, so that %2e%2e, %252e%252e and the like are caught.
	s, decoded, levels := raw, raw, 0
	for {
		if why := rawPathProblem(s); why != "" {
			if levels > 0 {
				why += " once percent-decoded"
			}
			return bad(why)
		}
		if levels == 1 {
			decoded = s
		}
		if !strings.Contains(s, "%") {
			break
		}
		if levels == maxDecodeRounds {
			return bad("is percent-encoded too many times")
		}
		d, err := url.PathUnescape(s)
		if err != nil {
			return bad("has a malformed percent-encoding")
		}
		s = d
		levels++
	}
	if levels > 1 {
		return bad("is percent-encoded more than once")
	}
	for i := 0; i < len(decoded); i++ {
		if !plainPathByte(decoded[i]) {
			r, _ := utf8.DecodeRuneInString(decoded[i:])
			what := fmt.Sprintf("%+q", string(r))
			if r == utf8.RuneError {
				what = fmt.Sprintf("the byte 0x%02X", decoded[i])
			}
			return bad(fmt.Sprintf("holds %s, which is not a plain ASCII path character (letters, digits, - . _ ~ : /)", what))
		}
	}
	if strings.Contains(strings.ToLower(raw), "%2f") {
		return bad(`holds a percent-encoded "/" (%2F)`)
	}
	if !strings.HasPrefix(decoded, "/v2/") && !strings.HasPrefix(decoded, "/v3/") {
		return bad("does not start with /v2/ or /v3/")
	}
	decoded = strings.TrimRight(decoded, "/")
	if len(decoded) < len("/v3/x") {
		return bad("names no endpoint")
	}
	return decoded, nil
}

// plainPathByte reports whether b may appear in a decoded raw path.
func plainPathByte(b byte) bool {
	return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || strings.IndexByte("-._~:/", b) >= 0
}

// rawPathProblem says what is wrong with one decoding of a path, or "".
func rawPathProblem(s string) string {
	switch {
	case strings.Contains(s, "://"):
		return "holds a URL"
	case strings.Contains(s, ".."):
		return `holds ".."`
	case strings.Contains(s, "//"):
		return `holds "//"`
	case strings.Contains(s, `\`):
		return "holds a backslash"
	case strings.ContainsAny(s, "?#"):
		return `holds "?" or "#" (put the query in Query)`
	}
	for _, r := range s {
		switch {
		case r == '\r' || r == '\n':
			return "holds CR or LF"
		case r == 0:
			return "holds NUL"
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return "holds a control character"
		case r == ' ' || r == '\t' || r == '\u00a0' || r == '\u2028' || r == '\u2029' || r == '\ufeff':
			return "holds whitespace"
		}
	}
	segs := strings.Split(s, "/")
	for _, seg := range segs {
		if seg == "." {
			return `holds a "." segment`
		}
	}
	return ""
}

// deleteFilters are, for each collection BigCommerce lets a DELETE empty, the
// query filters its API reference documents for that DELETE that select a
// bounded set of records: a list of ids, or a value unique in the store. A
// filter that selects an open range (id:min, date_modified:min), a whole
// category or tree, or that the endpoint does not document (and would ignore,
// deleting everything) does not make a collection DELETE targeted.
var deleteFilters = map[string][]string{
	"/v3/catalog/products":            {"id:in", "sku", "name"},
	"/v3/catalog/brands":              {"name"},
	"/v3/catalog/categories":          {"id:in"},
	"/v3/catalog/trees":               {"tree_id:in"},
	"/v3/catalog/trees/categories":    {"category_id:in", "category_uuid:in"},
	"/v3/customers":                   {"id:in"},
	"/v3/customers/addresses":         {"id:in"},
	"/v3/customers/attributes":        {"id:in"},
	"/v3/customers/attribute-values":  {"id:in"},
	"/v3/content/pages":               {"id:in"},
	"/v3/promotions":                  {"id:in"},
	"/v2/coupons":                     {"id:in"},
	"/v3/catalog/products/metafields": {"id:in"},
}

// checkRawDelete refuses a DELETE that would empty a whole collection: one
// whose path names no record and that carries neither a bounded filter that
// BigCommerce documents for the collection (deleteFilters) nor a batch of
// records in its body.
func checkRawDelete(path string, q url.Values, body json.RawMessage) error {
	if path == "/v2/orders" {
		return badInput("path", "DELETE /v2/orders archives every order in the store and is never sent; delete one order with DELETE /v2/orders/{id}")
	}
	segs := strings.Split(strings.Trim(path, "/"), "/")
	last := segs[len(segs)-1]
	if strings.ContainsAny(last, "0123456789") {
		return nil // a record, e.g. /v3/catalog/products/12 or /v3/carts/{uuid}
	}
	for _, k := range deleteFilters[path] {
		if strings.TrimSpace(q.Get(k)) != "" {
			return nil
		}
	}
	if b := bytes.TrimSpace(body); len(b) > 0 && !bytes.Equal(b, []byte("null")) &&
		!bytes.Equal(b, []byte("[]")) && !bytes.Equal(b, []byte("{}")) {
		return nil // a batch delete names its records in the body
	}
	msg := fmt.Sprintf("DELETE %s names a whole collection with no filter that selects particular records, and could delete every record in it; ", path)
	if f := deleteFilters[path]; len(f) > 0 {
		msg += fmt.Sprintf("add one of %s in Query (e.g. %s=1,2,3), or delete one record by its ID", strings.Join(f, ", "), f[0])
	} else {
		msg += "delete one record at a time by its ID"
	}
	return badInput("path", msg)
}
