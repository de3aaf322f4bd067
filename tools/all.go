package tools

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/bigc-dev/bigc/bigcommerce"
)

// NewRegistry returns the registry of every tool, in a fixed order.
func NewRegistry() *Registry {
	r := &Registry{}
	// One call per tool, grouped by entity; each lives in its entity's file.
	addListOrders(r)
	addGetOrder(r)
	addTagOrder(r)
	addListProducts(r)
	addGetProduct(r)
	addCreateProduct(r)
	addUpdateProduct(r)
	addDeleteProduct(r)
	addFindVariant(r)
	addUpdateVariant(r)
	addListCategories(r)
	addListCustomers(r)
	addGetCustomer(r)
	addCreateCustomer(r)
	addRawAPIRequest(r)
	return r
}

// The helpers below are shared by the entity files.

const (
	defaultListLimit      = 50
	defaultAgentListLimit = 20
)

// listLimit returns the page size for a list tool: the caller's limit, else the
// default for the mode (Agent mode answers must fit in a model's context).
func listLimit(env *Env, limit int) (int, error) {
	switch {
	case limit < 0 || limit > bigcommerce.MaxPageSize:
		return 0, badInput("limit", fmt.Sprintf("%d is out of range; want 1 to %d", limit, bigcommerce.MaxPageSize))
	case limit > 0:
		return limit, nil
	case env != nil && env.Agent:
		return defaultAgentListLimit, nil
	default:
		return defaultListLimit, nil
	}
}

func checkPage(page int) (int, error) {
	if page < 0 {
		return 0, badInput("page", fmt.Sprintf("%d is negative; pages start at 1", page))
	}
	if page == 0 {
		return 1, nil
	}
	return page, nil
}

func checkID(field string, id int) error {
	if id <= 0 {
		return badInput(field, fmt.Sprintf("%d is not a valid id; ids are positive integers", id))
	}
	return nil
}

// NextPage says how to get the next page of a list; a null next means this was the last page.
type NextPage struct {
	Page   int    `json:"page,omitempty" jsonschema:"pass this as page to get the next page"`
	Cursor string `json:"cursor,omitempty" jsonschema:"pass this as cursor to get the next page"`
}

func badInput(field, msg string) *Error {
	return &Error{Category: CategoryBadInput, Field: field, Message: msg}
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
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*v = IDOrName(strings.TrimSpace(s))
		return nil
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
	return time.Time{}, badInput(field, fmt.Sprintf("%q is not a date; want RFC 3339 such as 2026-01-15T00:00:00Z, or 2026-01-15", s))
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
		return timeRange{}, badInput(toField, fmt.Sprintf("%s is before %s (%s)", to, fromField, from))
	}
	return timeRange{From: f, To: t}, nil
}

// formatTime writes an API timestamp as RFC 3339 in UTC; the zero time is "".
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// cleanText removes control and invisible characters (keeping newlines and
// tabs) from text that shoppers or staff wrote, so it reaches a model as data.
func cleanText(s string) string {
	clean := true
	for _, r := range s {
		if dropRune(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	return strings.Map(func(r rune) rune {
		if dropRune(r) {
			return -1
		}
		return r
	}, s)
}

func dropRune(r rune) bool {
	if r == '\n' || r == '\t' {
		return false
	}
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == unicode.ReplacementChar
}

// nonNegative refuses a negative amount (the schema has already checked that
// it is a decimal).
func nonNegative(field string, d bigcommerce.Decimal) error {
	if strings.HasPrefix(string(d), "-") {
		return badInput(field, fmt.Sprintf("%s is negative; want 0 or more", d))
	}
	return nil
}
