package bigcommerce

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Ptr returns a pointer to v. Update requests use pointer fields so that a
// zero value ("set the price to 0") differs from a field left unset.
func Ptr[T any](v T) *T { return &v }

// filterTimeLayout is ISO-8601 with an explicit offset ("+00:00" rather than
// "Z"). V2 order filters and V3 date filters both accept it; the "+" must be
// percent-encoded on the wire or the server reads it as a space, which
// url.Values.Encode does.
const filterTimeLayout = "2006-01-02T15:04:05-07:00"

// FormatFilterTime formats t the way date filters are sent.
func FormatFilterTime(t time.Time) string { return t.Format(filterTimeLayout) }

// query builds a query string, skipping unset values so that only filters the
// caller asked for are sent.
type query struct {
	v   url.Values
	err error // the first check that failed
}

func newQuery() *query { return &query{v: url.Values{}} }

// listQuery starts the query of a list's options with their page and limit,
// checked: the filters follow, then encode.
func listQuery(page, limit int) *query {
	q := newQuery()
	q.check(checkPaging(page, limit))
	q.page(page, limit)
	return q
}

// check keeps err when it is the first failed check of the query.
func (q *query) check(err error) {
	if q.err == nil {
		q.err = err
	}
}

// encode returns the query, or the first check that failed.
func (q *query) encode() (url.Values, error) {
	if q.err != nil {
		return nil, q.err
	}
	return q.values(), nil
}

func (q *query) str(key, val string) {
	if val != "" {
		q.v.Set(key, val)
	}
}

func (q *query) int(key string, val int) {
	if val != 0 {
		q.v.Set(key, strconv.Itoa(val))
	}
}

func (q *query) intPtr(key string, val *int) {
	if val != nil {
		q.v.Set(key, strconv.Itoa(*val))
	}
}

func (q *query) boolPtr(key string, val *bool) {
	if val != nil {
		q.v.Set(key, strconv.FormatBool(*val))
	}
}

func (q *query) decimal(key string, val Decimal) {
	if val != "" {
		q.v.Set(key, string(val))
	}
}

func (q *query) time(key string, val time.Time) {
	if !val.IsZero() {
		q.v.Set(key, FormatFilterTime(val))
	}
}

// ints sends a comma-separated list, as the ":in" filters expect.
func (q *query) ints(key string, vals []int) {
	if len(vals) > 0 {
		q.v.Set(key, joinInts(vals))
	}
}

func (q *query) strs(key string, vals []string) {
	if len(vals) > 0 {
		q.v.Set(key, strings.Join(vals, ","))
	}
}

// page sets page and limit; V3 cursor lists pass after instead of page.
func (q *query) page(page, limit int) {
	q.int("page", page)
	q.int("limit", limit)
}

func (q *query) values() url.Values {
	if len(q.v) == 0 {
		return nil
	}
	return q.v
}

func joinInts(vals []int) string {
	var b strings.Builder
	for i, v := range vals {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(v))
	}
	return b.String()
}

// invalid reports bad input found before any request was sent. The error names
// the field and what would be valid, and errors.Is(err, ErrBadRequest) holds.
func invalid(field, format string, args ...any) error {
	return &InputError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// checkOneOf refuses a value outside allowed; the empty string means unset.
func checkOneOf(field, val string, allowed ...string) error {
	if val == "" || slices.Contains(allowed, val) {
		return nil
	}
	return invalid(field, "%q is not one of %s", val, strings.Join(allowed, ", "))
}

// checkAllOneOf refuses any value of vals outside allowed.
func checkAllOneOf(field string, vals []string, allowed ...string) error {
	for _, v := range vals {
		if err := checkOneOf(field, v, allowed...); err != nil {
			return err
		}
	}
	return nil
}

// decimalField names a decimal input for checkDecimals.
type decimalField struct {
	name string
	d    Decimal
}

func df(name string, d Decimal) decimalField { return decimalField{name, d} }

// checkDecimals refuses any set value that is not a plain decimal; unset ("")
// values pass.
func checkDecimals(fields ...decimalField) error {
	for _, f := range fields {
		if f.d == "" {
			continue
		}
		if _, err := ParseDecimal(string(f.d)); err != nil {
			return invalid(f.name, "%v", err)
		}
	}
	return nil
}

// decimalPtrField names an optional decimal of an update request.
type decimalPtrField struct {
	name string
	d    *Decimal
}

func dp(name string, d *Decimal) decimalPtrField { return decimalPtrField{name, d} }

// checkDecimalPtrs refuses a set pointer to an empty or malformed decimal: an
// update that means "set to zero" must say 0.
func checkDecimalPtrs(fields ...decimalPtrField) error {
	for _, f := range fields {
		if f.d == nil {
			continue
		}
		if *f.d == "" {
			return invalid(f.name, "is empty; want a decimal such as 19.99")
		}
		if err := checkDecimals(df(f.name, *f.d)); err != nil {
			return err
		}
	}
	return nil
}

// checkIDs refuses an empty list and non-positive IDs, so that a filter meant
// to select some records can never turn into "all records".
func checkIDs(field string, ids []int) error {
	if len(ids) == 0 {
		return invalid(field, "at least one ID is required")
	}
	for i, id := range ids {
		if id <= 0 {
			return invalid(field, "ID at index %d is %d; IDs are positive integers", i, id)
		}
	}
	return nil
}

func checkID(field string, id int) error {
	if id <= 0 {
		return invalid(field, "%d is not a valid ID; IDs are positive integers", id)
	}
	return nil
}

func checkPaging(page, limit int) error {
	if page < 0 {
		return invalid("page", "%d is negative; pages start at 1", page)
	}
	if limit < 0 || limit > MaxPageSize {
		return invalid("limit", "%d is out of range; want 1 to %d", limit, MaxPageSize)
	}
	return nil
}

// chunks splits items into runs of at most n, for batch endpoints that cap
// how many items one request may carry.
func chunks[T any](items []T, n int) [][]T {
	var out [][]T
	for len(items) > n {
		out = append(out, items[:n:n])
		items = items[n:]
	}
	if len(items) > 0 {
		out = append(out, items)
	}
	return out
}

// inBatches calls send with items n at a time, in order, and stops at the first
// failure, which it returns as a *BatchError naming op and the failed batch.
func inBatches[T any](op string, items []T, n int, send func(batch []T) error) error {
	batches := chunks(items, n)
	for b, batch := range batches {
		if err := send(batch); err != nil {
			return &BatchError{Op: op, Batch: b, Batches: len(batches),
				First: b * n, Last: b*n + len(batch) - 1, Err: err}
		}
	}
	return nil
}

// BatchError says which request of a split batch operation failed. Requests
// before it succeeded; requests after it were not sent. errors.Is sees through
// it to the cause (e.g. ErrValidation, or ErrOutcomeUnknown when a create may
// or may not have been applied).
type BatchError struct {
	Op      string // e.g. "create customers"
	Batch   int    // 0-based index of the failed request
	Batches int    // how many requests the input was split into
	First   int    // index in the input of the failed request's first item
	Last    int    // index in the input of its last item
	Err     error
}

func (e *BatchError) Error() string {
	return fmt.Sprintf("bigcommerce: %s: batch %d of %d (items %d to %d): %v", e.Op, e.Batch+1, e.Batches, e.First, e.Last, e.Err)
}

// Unwrap returns the cause.
func (e *BatchError) Unwrap() error { return e.Err }

// v3Data fetches a V3 {data, meta} response and returns data.
func v3Data[T any](ctx context.Context, c *Client, method, path string, q url.Values, body any) (T, *Response, error) {
	var env envelope[T]
	resp, err := c.do(ctx, request{method: method, version: "v3", path: path, query: q, body: body}, &env)
	if err != nil {
		var zero T
		return zero, resp, err
	}
	return env.Data, resp, nil
}

// v3Get is a GET of a V3 {data, meta} response.
func v3Get[T any](ctx context.Context, c *Client, path string, q url.Values) (T, *Response, error) {
	return v3Data[T](ctx, c, http.MethodGet, path, q, nil)
}

// v2Do sends a V2 request; V2 answers are bare objects or arrays.
func v2Do[T any](ctx context.Context, c *Client, method, path string, q url.Values, body any) (T, *Response, error) {
	var out T
	resp, err := c.do(ctx, request{method: method, version: "v2", path: path, query: q, body: body}, &out)
	return out, resp, err
}

// noContent sends a request whose answer carries nothing the caller needs.
func noContent(ctx context.Context, c *Client, method, version, path string, q url.Values) (*Response, error) {
	return c.do(ctx, request{method: method, version: version, path: path, query: q}, nil)
}

// cursorPage is the page number to send for a cursor-paged collection: none
// for the first page (which then carries a cursor) or a cursor page, and the
// page number when the pager fell back to offset paging.
func cursorPage(p pageRequest) int {
	if p.After != "" || p.Page <= 1 {
		return 0
	}
	return p.Page
}

func itoa(i int) string { return strconv.Itoa(i) }

// notFoundError says a lookup that is not a single API GET (a filter, a
// search by SKU) found nothing.
type notFoundError struct {
	What    string
	Message string
}

func notFound(what, msg string) error { return &notFoundError{What: what, Message: msg} }

func (e *notFoundError) Error() string { return "bigcommerce: " + e.What + " not found: " + e.Message }

// Unwrap makes errors.Is(err, ErrNotFound) hold.
func (e *notFoundError) Unwrap() error { return ErrNotFound }

// emptyAnswer reports a success status with no body where a record was due:
// the API misbehaved, so it is an upstream failure.
func emptyAnswer(call string) error {
	return fmt.Errorf("bigcommerce: %s answered without the expected body: %w", call, ErrUpstream)
}
