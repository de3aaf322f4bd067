package tools

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bigc-dev/bigc/bigcommerce"
)

// NewRegistry returns the registry of every tool, in a fixed order.
func NewRegistry() *Registry {
	r := &Registry{}
	// One call per tool, grouped by entity; each lives in its entity's file.
	addListOrders(r)
	addGetOrder(r)
	addTagOrder(r)
	addUpdateOrder(r)
	addCreateOrder(r)
	addListShipments(r)
	addCreateShipment(r)
	addListProducts(r)
	addGetProduct(r)
	addCreateProduct(r)
	addUpdateProduct(r)
	addDeleteProduct(r)
	addFindVariant(r)
	addUpdateVariant(r)
	addUpsertProduct(r)
	addSetInventory(r)
	addListCategories(r)
	addListCustomers(r)
	addGetCustomer(r)
	addCreateCustomer(r)
	addUpdateCustomer(r)
	addRawAPIRequest(r)
	addDescribeEndpoint(r)
	return r
}

// The helpers below are shared by the entity files.

const (
	defaultListLimit      = 50
	defaultAgentListLimit = 20
)

// listLimit returns the page size for a list tool: the caller's limit (the
// schema holds it to 1..bigcommerce.MaxPageSize), else the default for the
// mode (Agent mode answers must fit in a model's context).
func listLimit(env *Env, limit int) int {
	switch {
	case limit > 0:
		return limit
	case env != nil && env.Agent:
		return defaultAgentListLimit
	default:
		return defaultListLimit
	}
}

// pageArgs returns the limit and page of a list that pages by number, with
// their defaults.
func pageArgs(env *Env, limit, page int) (int, int) {
	return listLimit(env, limit), max(page, 1)
}

// progress tells env.Progress how far a tool's requests have got, for the
// tools whose work takes several requests (an MCP client shows it while it
// waits). Steps are planned as the work discovers them, so the total may
// grow; done only ever increases. It is safe for concurrent use, and a nil
// *progress (the caller does not listen) does nothing.
type progress struct {
	mu          sync.Mutex
	report      func(done, total int)
	done, total int
}

// newProgress returns a meter for one tool call, or nil when nobody listens.
func newProgress(env *Env) *progress {
	if env == nil || env.Progress == nil {
		return nil
	}
	return &progress{report: env.Progress}
}

// plan adds n steps still to do.
func (p *progress) plan(n int) {
	if p == nil {
		return
	}
	p.mu.Lock()
	p.total += n
	p.mu.Unlock()
}

// step marks one step done and reports it. Reporting under the lock keeps
// the reports in order when steps finish side by side.
func (p *progress) step() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	p.total = max(p.total, p.done)
	p.report(p.done, p.total)
}

// parseSort reads a sort argument, "field" or "field:asc|desc", where field is
// one of fields; dir is "" when the argument gives none.
func parseSort(s string, fields []string) (field, dir string, err error) {
	field, dir, _ = strings.Cut(s, ":")
	if field == "" {
		return "", "", BadInput("sort", "%q names no field; want one of %s, e.g. %s:desc", s, strings.Join(fields, ", "), fields[0])
	}
	if err := oneOf("sort", field, fields...); err != nil {
		return "", "", err
	}
	if dir != "" && dir != "asc" && dir != "desc" {
		return "", "", BadInput("sort", "direction %q is not asc or desc (e.g. %s:desc)", dir, field)
	}
	return field, dir, nil
}

// oneOf refuses val unless it is empty or one of allowed.
func oneOf(field, val string, allowed ...string) error {
	if val == "" || slices.Contains(allowed, val) {
		return nil
	}
	return BadInput(field, "%q is not one of %s", val, strings.Join(allowed, ", "))
}

// pageHint says how to continue after a page of a list: n items came back,
// next is how to get more (nil on the last page), and detail names the tool
// that gives an item's details.
func pageHint(next *NextPage, n int, detail string) string {
	var b strings.Builder
	switch {
	case n == 0:
		return "nothing matches; loosen the filters"
	case next == nil:
		b.WriteString("this is the last page")
	case next.Cursor != "":
		fmt.Fprintf(&b, "more results: repeat the call with the same filters and cursor=%q", next.Cursor)
	default:
		fmt.Fprintf(&b, "more results: repeat the call with the same filters and page=%d", next.Page)
	}
	if detail != "" {
		b.WriteString("; call " + detail)
	}
	return b.String()
}

// NextPage says how to get the next page of a list; a null next means this was the last page.
type NextPage struct {
	Page   int    `json:"page,omitempty" jsonschema:"pass as page"`
	Cursor string `json:"cursor,omitempty" jsonschema:"pass as cursor"`
}

// apiError turns a client error into an *Error. notFound, when set, replaces
// the next step of a not_found error with the one that fits the tool; other
// categories keep theirs (a missing scope's re-issue hint must survive).
func apiError(err error, notFound string) error {
	e := AsError(err)
	if e == nil {
		return nil
	}
	if notFound != "" && e.Category == CategoryNotFound {
		e.Next = notFound
	}
	return e
}

// withNext classifies err and sets its next step.
func withNext(err error, next string) error {
	e := AsError(err)
	if e == nil {
		return nil
	}
	e.Next = next
	return e
}

// IDOrName is an argument that takes a numeric id or a name: a JSON integer,
// or a string holding either.
type IDOrName string

// UnmarshalJSON accepts a JSON integer or string.
func (v *IDOrName) UnmarshalJSON(b []byte) error {
	if s, ok, err := jsonString(b); ok {
		*v = IDOrName(strings.TrimSpace(s))
		return err
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("want an id or a name, got %s", b)
	}
	if _, err := strconv.Atoi(n.String()); err != nil {
		return fmt.Errorf("want an integer id or a name, got %s", n)
	}
	*v = IDOrName(n.String())
	return nil
}

// jsonString decodes b when it is a JSON string (ok); ok is false for any
// other JSON value, which the caller reads its own way.
func jsonString(b []byte) (s string, ok bool, err error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '"' {
		return "", false, nil
	}
	err = json.Unmarshal(b, &s)
	return s, true, err
}

// checkedID returns v's id when v is one (isID), refusing an id that is not
// positive (the schema cannot bound an id written as a string); a name gives
// isID false and no error.
func (v IDOrName) checkedID(field string) (id int, isID bool, err error) {
	id, isID = v.ID()
	if isID && id <= 0 {
		err = BadInput(field, "%d is not a valid id; ids are positive integers", id)
	}
	return id, isID, err
}

// ID returns the id when v is all digits.
func (v IDOrName) ID() (int, bool) {
	s := string(v)
	if s == "" {
		return 0, false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	id, err := strconv.Atoi(s)
	return id, err == nil
}

// timeRange is an optional RFC 3339 range, parsed with errors that name the field.
type timeRange struct{ From, To time.Time }

func parseTimeArg(field, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	return time.Time{}, BadInput(field, "%q is not a date; want RFC 3339 such as 2026-01-15T00:00:00Z, or 2026-01-15", s)
}

func parseRange(fromField, from, toField, to string) (timeRange, error) {
	f, err := parseTimeArg(fromField, from)
	if err != nil {
		return timeRange{}, err
	}
	t, err := parseTimeArg(toField, to)
	if err != nil {
		return timeRange{}, err
	}
	if !f.IsZero() && !t.IsZero() && t.Before(f) {
		return timeRange{}, BadInput(toField, "%s is before %s (%s)", to, fromField, from)
	}
	return timeRange{From: f, To: t}, nil
}

// parseCreatedModified reads the created_from/created_to and
// modified_from/modified_to filters that list-orders and list-customers share.
func parseCreatedModified(createdFrom, createdTo, modifiedFrom, modifiedTo string) (created, modified timeRange, err error) {
	if created, err = parseRange("created_from", createdFrom, "created_to", createdTo); err != nil {
		return timeRange{}, timeRange{}, err
	}
	if modified, err = parseRange("modified_from", modifiedFrom, "modified_to", modifiedTo); err != nil {
		return timeRange{}, timeRange{}, err
	}
	return created, modified, nil
}

// formatTime writes an API timestamp as RFC 3339 in UTC; the zero time is "".
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// amount is a money or weight argument of an update and the request field
// that takes it.
type amount struct {
	field string
	val   bigcommerce.Decimal
	dst   **bigcommerce.Decimal
}

// setAmounts puts each amount given into its request field and returns
// changed with the fields it set.
func setAmounts(changed []string, amounts ...amount) []string {
	for _, a := range amounts {
		if !a.val.IsZero() {
			*a.dst = bigcommerce.Ptr(a.val)
			changed = append(changed, a.field)
		}
	}
	return changed
}

// stockField names the stock argument an update sets, "" when it sets none.
func stockField(level, warning *int) string {
	switch {
	case level != nil:
		return "inventory_level"
	case warning != nil:
		return "inventory_warning_level"
	}
	return ""
}
