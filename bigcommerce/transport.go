package bigcommerce

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"syscall"
	"time"
)

// maxBodyBytes bounds how much of one answer is read. A page of 250 products with
// every include is a few megabytes; anything near this is not an API answer.
const maxBodyBytes = 64 << 20

// Backoff after a 5xx or a network failure: equal jitter, doubling from
// Client.retryBase, capped.
const (
	maxBackoff = 30 * time.Second
	// max429Backoff caps the wait after a 429 that carries no rate-limit headers.
	max429Backoff = 60 * time.Second
	// maxQuickRetries bounds the retries after a refused connection or a
	// name that does not resolve: a stopped store or a mistyped host does
	// not come back within a backoff, and the user should hear so at once.
	maxQuickRetries = 2
	// maxQuickBackoff caps the wait before each of those retries.
	maxQuickBackoff = time.Second
)

// RetryEvent is a retry the client is about to make, for WithRetryNotify.
type RetryEvent struct {
	Method string
	Path   string // the API path, e.g. /v2/orders
	// Attempt is the attempt that failed (1-based); MaxAttempts how many
	// are allowed in all for this failure.
	Attempt, MaxAttempts int
	Wait                 time.Duration // before the next attempt
	Status               int           // the answer's status, or 0 when none arrived
	// Reason is the failure in a few words: "503 Service Unavailable",
	// "connection refused".
	Reason string
}

// WithRetryNotify calls fn before every retry (after a 429, a retryable 5xx
// or a network failure), from the goroutine making the request, so that a
// program can tell its user what it is waiting for. fn must return quickly.
func WithRetryNotify(fn func(RetryEvent)) Option {
	return func(c *Client) error {
		c.retryNotify = fn
		return nil
	}
}

// notifyRetry reports a retry to the WithRetryNotify callback, if any.
func (c *Client) notifyRetry(method, path string, e *APIError, attempt, maxAttempts int, wait time.Duration) {
	if c.retryNotify == nil {
		return
	}
	reason := scrub(e.reason(), c.token)
	if e.Status != 0 {
		reason = fmt.Sprintf("%d %s", e.Status, http.StatusText(e.Status))
	}
	c.retryNotify(RetryEvent{Method: method, Path: path, Attempt: attempt, MaxAttempts: maxAttempts,
		Wait: wait, Status: e.Status, Reason: reason})
}

// do sends r through the store's governor, retries what is safe to retry, and
// decodes the JSON answer into out (which may be nil). For V3, out is usually a
// *envelope[T]. A 204 or an empty body leaves out untouched and is not an error.
// An answer of 300 or more is an *APIError, returned with the Response.
func (c *Client) do(ctx context.Context, r request, out any) (*Response, error) {
	var body []byte
	if r.body != nil {
		b, err := json.Marshal(r.body)
		if err != nil {
			return nil, badInput("body", scrub(fmt.Sprintf("%s /%s%s: the request body cannot be encoded: %v", r.method, r.version, r.path, err), c.token))
		}
		body = b
	}
	// The answer is decoded as it arrives, in one pass: the decoder checks the
	// JSON as it goes, so there is no separate validity pass. A body that does
	// not decode and is not valid JSON was cut off and is retried by send; one
	// that is valid JSON of another shape is shapeErr.
	var check func([]byte) error
	var shapeErr error
	if out != nil {
		decoded := false
		check = func(data []byte) error {
			if decoded { // a retried answer starts from an empty out
				if v := reflect.ValueOf(out); v.Kind() == reflect.Pointer && !v.IsNil() {
					v.Elem().SetZero()
				}
			}
			decoded, shapeErr = true, nil
			err := decodeJSON(data, out)
			if err != nil && !json.Valid(data) {
				return err
			}
			shapeErr = err
			return nil
		}
	}
	res, data, err := c.send(ctx, r.method, r.version, r.path, r.query, body, check)
	if err != nil {
		return res, err
	}
	if out == nil || res.StatusCode == http.StatusNoContent || len(bytes.TrimSpace(data)) == 0 {
		return res, nil
	}
	if err := shapeErr; err != nil {
		// The body is valid JSON, so the shape differs from ours.
		// A POST was applied all the same; the caller must look the record up.
		kind := ErrUpstream
		if r.method == http.MethodPost {
			kind = ErrOutcomeUnknown
		}
		return res, &APIError{Status: res.StatusCode, Method: r.method, Path: scrub("/"+r.version+r.path, c.token),
			Title: "the answer does not have the expected shape: " + shortText(err.Error()), kind: kind}
	}
	if m, ok := out.(interface{ meta() *Meta }); ok {
		res.Meta = m.meta()
	}
	return res, nil
}

// send is the transport: governor, one attempt, retry decision, repeat. It
// returns the body of a 2xx answer. When check is set, it is given every 2xx
// body that is not empty (after trimming) and not a 204; an error from it means
// the body is not valid JSON, which counts as truncated and is retried like a
// dropped connection.
func (c *Client) send(ctx context.Context, method, version, path string, q url.Values, body []byte, check func([]byte) error) (*Response, []byte, error) {
	apiPath := "/" + version + path
	u := *c.baseURL
	u.Path = strings.TrimRight(u.Path, "/") + "/stores/" + c.storeHash + apiPath
	u.RawPath = ""
	if len(q) > 0 {
		u.RawQuery = q.Encode()
	}
	target := u.String()
	post := method == http.MethodPost
	// shownPath is the path as errors and logs show it.
	shownPath := scrub(apiPath, c.token)

	var last *APIError
	for attempt := 1; ; attempt++ {
		out := c.attempt(ctx, method, shownPath, target, body, check)
		if out.err == nil {
			return out.res, out.data, nil
		}
		last = out.err
		last.Attempts = attempt
		if out.ctxErr {
			return out.res, nil, last
		}
		if !out.retry || attempt > c.maxRetries {
			return out.res, nil, last
		}
		maxAttempts := c.maxRetries + 1
		if out.quick {
			maxAttempts = min(maxAttempts, maxQuickRetries+1)
			if attempt >= maxAttempts {
				return out.res, nil, last
			}
		}
		wait := out.wait
		if out.governed {
			// A 429: hold back every request of the store, not just this one.
			if wait <= 0 {
				wait = Backoff(c.retryBase, attempt, max429Backoff)
			}
			wait += jitter(max(wait/10, 10*time.Millisecond))
			c.gov.pause(time.Now().Add(wait))
			c.notifyRetry(method, shownPath, last, attempt, maxAttempts, wait)
			c.logger.LogAttrs(ctx, slog.LevelWarn, "bigcommerce: rate limited; waiting",
				slog.String("method", method), slog.String("path", shownPath),
				slog.Int("attempt", attempt), slog.Duration("wait", wait))
			continue // the governor does the waiting
		}
		if wait == 0 {
			limit := maxBackoff
			if out.quick {
				limit = maxQuickBackoff
			}
			wait = Backoff(c.retryBase, attempt, limit)
		}
		c.notifyRetry(method, shownPath, last, attempt, maxAttempts, wait)
		c.logger.LogAttrs(ctx, slog.LevelWarn, "bigcommerce: retrying",
			slog.String("method", method), slog.String("path", shownPath),
			slog.Int("status", last.Status), slog.Int("attempt", attempt),
			slog.Duration("wait", wait), slog.String("reason", scrub(last.reason(), c.token)))
		if err := sleepCtx(ctx, wait); err != nil {
			return out.res, nil, &APIError{Method: method, Path: shownPath, Attempts: attempt,
				Title: "gave up waiting to retry", Err: err, kind: kindOf(err, post, false)}
		}
	}
}

// attemptResult is the outcome of one attempt.
type attemptResult struct {
	res    *Response
	data   []byte
	err    *APIError
	retry  bool          // safe and useful to send again
	wait   time.Duration // how long to wait first; 0 means the usual backoff
	ctxErr bool          // the context ended: stop now
	// governed: the governor's pause does the waiting (after a 429).
	governed bool
	// quick: the connection was refused or the host did not resolve, which
	// gets only maxQuickRetries quick retries.
	quick bool
}

// attempt sends the request once. shownPath is the API path for errors and logs;
// target is the full URL.
func (c *Client) attempt(ctx context.Context, method, shownPath, target string, body []byte, check func([]byte) error) attemptResult {
	post := method == http.MethodPost
	// res is set once an answer arrives; every later failure carries it.
	var res *Response
	fail := func(status int, title string, cause error, kind error, retry bool) attemptResult {
		return attemptResult{res: res, err: &APIError{Status: status, Method: method, Path: shownPath, Title: title,
			Err: cause, kind: kind}, retry: retry}
	}
	tk, err := c.gov.acquire(ctx, func(d time.Duration, why string) {
		c.logger.LogAttrs(ctx, slog.LevelDebug, "bigcommerce: waiting for the store's quota",
			slog.String("method", method), slog.String("path", shownPath),
			slog.Duration("wait", d), slog.String("reason", why))
	})
	if err != nil {
		r := fail(0, "gave up waiting for the store's quota", err, err, false)
		r.err.kind = kindOf(err, false, false)
		r.ctxErr = true
		return r
	}
	var rdr io.Reader
	if body != nil {
		rdr = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rdr)
	if err != nil {
		c.gov.unstart()
		return fail(0, "cannot build the request", errors.New(scrub(err.Error(), c.token)), ErrBadRequest, false)
	}
	req.Header.Set("X-Auth-Token", c.token)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", c.userAgent)

	resp, err := c.httpClient.Do(req)
	if err != nil {
		c.gov.finish(tk, nil, time.Time{})
		cause := netCause(err, c.token)
		if ctx.Err() != nil {
			r := fail(0, "", cause, kindOf(ctx.Err(), post, isDialError(err)), false)
			r.err.Err = ctx.Err()
			r.ctxErr = true
			return r
		}
		if post && !isDialError(err) {
			return fail(0, "the connection failed after the request may have been sent", cause, ErrOutcomeUnknown, false)
		}
		r := fail(0, "", cause, ErrUpstream, !isPermanentNetError(err))
		r.quick = isRefusedOrUnresolved(err)
		return r
	}
	// The quota's headers are timed when they arrive, not once the body is read:
	// the governor places the window's end from that moment.
	c.gov.finish(tk, resp.Header, time.Now())
	data, readErr := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes+1))
	resp.Body.Close()
	res = &Response{StatusCode: resp.StatusCode, Header: resp.Header}
	status := resp.StatusCode

	if len(data) > maxBodyBytes {
		r := fail(status, fmt.Sprintf("the answer is larger than %d MiB", maxBodyBytes>>20), nil, ErrUpstream, false)
		if post && status < 300 {
			r.err.kind = ErrOutcomeUnknown
		}
		return r
	}
	if status == http.StatusTooManyRequests {
		// The request never ran, so any method may be sent again.
		// Wait the longer of X-Retry-After and the reset; send chooses a backoff
		// when the answer says neither (the platform is under load).
		e := c.apiError(status, method, shownPath, resp.Header, data)
		return attemptResult{res: res, err: e, retry: true, wait: e.RetryAfter, governed: true}
	}
	if readErr != nil && ctx.Err() != nil {
		r := fail(status, "", netCause(readErr, c.token), kindOf(ctx.Err(), post && status < 300, false), false)
		r.err.Err = ctx.Err()
		r.ctxErr = true
		return r
	}
	if status >= 300 {
		// The status is the answer; a body cut off is only lost detail.
		e := c.apiError(status, method, shownPath, resp.Header, data)
		r := attemptResult{res: res, err: e, retry: !post && retryableStatus(status)}
		if r.retry {
			if ra := parseRateHeaders(resp.Header).retryAfter; ra > 0 {
				r.wait = min(ra, maxBackoff)
			}
		}
		return r
	}
	// A 2xx whose body was lost: a POST was applied, so its outcome is unknown
	// and it is never resent; anything else is sent again.
	cutOff := func(title string, cause error) attemptResult {
		if post {
			return fail(status, title+" after the request was applied", cause, ErrOutcomeUnknown, false)
		}
		return fail(status, title, cause, ErrUpstream, true)
	}
	if readErr != nil {
		return cutOff("the answer was cut off", netCause(readErr, c.token))
	}
	if check != nil && status != http.StatusNoContent {
		if t := bytes.TrimSpace(data); len(t) > 0 && check(t) != nil {
			return cutOff("the answer is not valid JSON (cut off?)", nil)
		}
	}
	return attemptResult{res: res, data: data}
}

// apiError decodes an error answer with the token scrubbed from its text.
func (c *Client) apiError(status int, method, apiPath string, h http.Header, data []byte) *APIError {
	if c.token != "" {
		data = bytes.ReplaceAll(data, []byte(c.token), []byte("[redacted]"))
	}
	e := newAPIError(status, method, apiPath, h, data)
	e.scrubSecret(c.token)
	return e
}

// reason is a short description of a failed attempt for the retry log.
func (e *APIError) reason() string {
	s := e.Title
	if e.Err != nil {
		if s != "" {
			s += ": "
		}
		s += e.Err.Error()
	}
	if s == "" {
		s = http.StatusText(e.Status)
	}
	return s
}

// retryableStatus reports the 5xx answers worth retrying. 501 and 507 (a plan
// limit) will not change.
func retryableStatus(status int) bool {
	switch status {
	case http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// kindOf classifies a failure with no answer: a context that ended during a POST
// that may have been sent leaves the outcome unknown.
func kindOf(err error, postMaybeSent, dialErr bool) error {
	if postMaybeSent && !dialErr {
		return ErrOutcomeUnknown
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return nil // errors.Is(err, context.Canceled) still works through Unwrap
	}
	return ErrUpstream
}

// netCause strips the URL that net/http puts in its errors (it has no token, but
// a host and query are no business of an error line) and scrubs the rest.
func netCause(err error, token string) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return &causeError{msg: scrub(ue.Err.Error(), token), err: ue.Err}
	}
	return &causeError{msg: scrub(err.Error(), token), err: err}
}

// causeError carries a scrubbed message and keeps the original for errors.Is.
type causeError struct {
	msg string
	err error
}

func (e *causeError) Error() string { return e.msg }
func (e *causeError) Unwrap() error { return e.err }

// isDialError reports a failure before any byte of the request was written
// (dial or DNS), the only network failure after which a POST may be resent.
func isDialError(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}

// isRefusedOrUnresolved reports a refused connection (nothing listens at
// the address) or a host name that does not resolve.
func isRefusedOrUnresolved(err error) bool {
	var dns *net.DNSError
	return errors.Is(err, syscall.ECONNREFUSED) || errors.As(err, &dns)
}

// isPermanentNetError reports failures that retrying will not fix.
func isPermanentNetError(err error) bool {
	var cv *tls.CertificateVerificationError
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var ci x509.CertificateInvalidError
	return errors.As(err, &cv) || errors.As(err, &ua) || errors.As(err, &hn) || errors.As(err, &ci)
}

// Backoff returns the wait before retry n (1-based): base doubled n-1 times,
// capped at limit, with equal jitter so that it is never near zero. It is the
// client's own schedule, for callers that retry a whole operation (a read
// and then a write) the way the client retries a request.
func Backoff(base time.Duration, n int, limit time.Duration) time.Duration {
	if base <= 0 {
		base = time.Millisecond
	}
	d := base
	for i := 1; i < n && d < limit; i++ {
		d *= 2
	}
	d = min(d, limit)
	return d/2 + jitter(d/2+1)
}
