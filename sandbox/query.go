package sandbox

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Paging limits. A limit above maxLimit is answered 413, as BigCommerce's
// status-codes page documents ("the limit parameter exceeded the maximum").
const (
	defaultLimit = 50
	maxLimit     = 250
)

// page is a requested offset page.
type page struct {
	num, limit int
}

func (p page) offset() int { return (p.num - 1) * p.limit }

// paging reads page and limit, limit at most maxLimit. Values that are not
// positive integers fall back to the defaults.
func (c *call) paging() page { return c.pagingUpTo(maxLimit) }

// pagingUpTo is paging for a list whose largest page is most items; a
// larger limit is remembered for refuseOverLimit with that maximum.
func (c *call) pagingUpTo(most int) page {
	p := page{num: 1, limit: defaultLimit}
	if n, err := strconv.Atoi(c.q.Get("page")); err == nil && n > 0 {
		p.num = n
	}
	if n, err := strconv.Atoi(c.q.Get("limit")); err == nil && n > 0 {
		p.limit = min(n, most)
		if n > most {
			c.overLimit, c.limitMax = n, most
		}
	}
	return p
}

// refuseOverLimit replaces a list's answer with BigCommerce's 413 when the
// request asked for more items a page than the list's maximum. Lists are reads, so
// nothing was changed on the way.
func (c *call) refuseOverLimit() {
	if c.overLimit == 0 {
		return
	}
	c.header.Del("Content-Type")
	c.fail(http.StatusRequestEntityTooLarge, "The limit parameter exceeded the maximum.",
		map[string]string{"limit": fmt.Sprintf("The limit %d is over the maximum of %d items a page.", c.overLimit, c.limitMax)})
}

// window is the slice bounds of page p over n items.
func (p page) window(n int) (lo, hi int) {
	lo = min(p.offset(), n)
	return lo, min(lo+p.limit, n)
}

// pagination is V3's meta.pagination.
type pagination struct {
	Total       int   `json:"total"`
	Count       int   `json:"count"`
	PerPage     int   `json:"per_page"`
	CurrentPage int   `json:"current_page"`
	TotalPages  int   `json:"total_pages"`
	Links       links `json:"links"`
}

type links struct {
	Previous string `json:"previous,omitempty"`
	Current  string `json:"current"`
	Next     string `json:"next,omitempty"`
}

// otherParams is the request's query without the paging parameters, encoded
// with a trailing "&" when not empty, for building links.
func (c *call) otherParams(drop ...string) string {
	q := url.Values{}
	for k, v := range c.q {
		q[k] = v
	}
	for _, k := range append(drop, "page", "limit", "before", "after") {
		q.Del(k)
	}
	if len(q) == 0 {
		return ""
	}
	return q.Encode() + "&"
}

// offsetMeta builds meta.pagination for page p of total items, count on this page.
func (c *call) offsetMeta(p page, total, count int) pagination {
	pages := 0
	if total > 0 {
		pages = (total + p.limit - 1) / p.limit
	}
	base := "?" + c.otherParams()
	link := func(n int) string { return fmt.Sprintf("%spage=%d&limit=%d", base, n, p.limit) }
	m := pagination{Total: total, Count: count, PerPage: p.limit, CurrentPage: p.num, TotalPages: pages, Links: links{Current: link(p.num)}}
	if p.num > 1 {
		m.Links.Previous = link(p.num - 1)
	}
	if p.num < pages {
		m.Links.Next = link(p.num + 1)
	}
	return m
}

// v3Page answers {data, meta:{pagination}} for one offset page.
func (c *call) v3Page(data any, p page, total, count int) {
	c.v3Answer(data, map[string]any{"pagination": c.offsetMeta(p, total, count)})
}

// v3Answer answers 200 with {data, meta}: data by its own encoder when it
// has one (jsonwrite.go), the small meta through encoding/json.
func (c *call) v3Answer(data any, meta map[string]any) {
	body := map[string]any{"data": data, "meta": meta}
	a, ok := data.(jsonAppender)
	if !ok {
		c.json(200, body)
		return
	}
	m, err := json.Marshal(meta)
	if err != nil {
		c.fail(http.StatusInternalServerError, "The sandbox could not encode the answer: "+err.Error(), nil)
		return
	}
	c.answer(200, func() any { return body }, func(b []byte) []byte {
		b = append(b, `{"data":`...)
		b = a.appendJSON(b)
		b = append(b, `,"meta":`...)
		b = append(b, m...)
		return append(b, '}')
	})
}

// v3List answers the requested offset page of items, all of which match.
func v3List[T any](c *call, items []T) {
	pg := c.paging()
	lo, hi := pg.window(len(items))
	c.v3Page(nonNil(items[lo:hi]), pg, len(items), hi-lo)
}

// sortRecords orders a list by less, ties by id, the whole reversed when desc.
func sortRecords[T any](list []T, less func(a, b T) int, id func(T) int, desc bool) {
	slices.SortStableFunc(list, func(a, b T) int {
		r := cmp.Or(less(a, b), cmp.Compare(id(a), id(b)))
		if desc {
			return -r
		}
		return r
	})
}

// cursorPagination is V3's meta.cursor_pagination.
type cursorPagination struct {
	Count       int    `json:"count"`
	PerPage     int    `json:"per_page"`
	StartCursor string `json:"start_cursor,omitempty"`
	EndCursor   string `json:"end_cursor,omitempty"`
	Links       links  `json:"links"`
}

// encodeCursor is BigCommerce's opaque cursor form, e.g. "aWQ6Nw==" for id 7.
func encodeCursor(id int) string {
	return base64.StdEncoding.EncodeToString([]byte("id:" + strconv.Itoa(id)))
}

func decodeCursor(s string) (int, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		b, err = base64.URLEncoding.DecodeString(s)
	}
	rest, ok := strings.CutPrefix(string(b), "id:")
	if err != nil || !ok {
		return 0, fmt.Errorf("cursor %q is not valid", s)
	}
	return strconv.Atoi(rest)
}

// numFilter is a set of numeric conditions on one attribute: equality, :in,
// :not_in, :min, :max, :greater, :less. Dates are Unix seconds and decimals
// ten-thousandths, so one type serves them all.
type numFilter struct {
	in, notIn []int64
	lo, hi    int64 // inclusive bounds
}

func anyNum() numFilter { return numFilter{lo: math.MinInt64, hi: math.MaxInt64} }

func (f numFilter) match(v int64) bool {
	if v < f.lo || v > f.hi {
		return false
	}
	if f.in != nil && !containsNum(f.in, v) {
		return false
	}
	return !containsNum(f.notIn, v)
}

func (f numFilter) active() bool {
	return f.in != nil || f.notIn != nil || f.lo != math.MinInt64 || f.hi != math.MaxInt64
}

func containsNum(list []int64, v int64) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// filterError is a query filter the sandbox could not read; the handler turns
// it into a 400 (V2) or 422 (V3) naming the parameter.
type filterError struct{ param, value, want string }

func (e *filterError) Error() string {
	return fmt.Sprintf("The filter '%s' is invalid: %q is not %s.", e.param, e.value, e.want)
}

// parser converts one query value to the int64 a numFilter compares.
type parser struct {
	want  string
	parse func(string) (int64, error)
}

func intParser() parser {
	return parser{"an integer", func(s string) (int64, error) { return strconv.ParseInt(strings.TrimSpace(s), 10, 64) }}
}

func decimalParser() parser {
	return parser{"a decimal", func(s string) (int64, error) { d, err := parseDecimal(s); return int64(d), err }}
}

func (c *call) dateParser() parser {
	return parser{"an RFC-2822 or ISO-8601 date", func(s string) (int64, error) { return parseFilterDate(s, c.now) }}
}

// v3Num reads the V3 filter family of name: name, name:in, name:not_in,
// name:min, name:max, name:greater, name:less.
func (c *call) v3Num(name string, p parser) (numFilter, error) {
	f := anyNum()
	one := func(key string) (int64, bool, error) {
		s, ok := c.q[key]
		if !ok || len(s) == 0 {
			return 0, false, nil
		}
		v, err := p.parse(s[0])
		if err != nil {
			return 0, false, &filterError{key, s[0], p.want}
		}
		return v, true, nil
	}
	list := func(key string) ([]int64, error) {
		s, ok := c.q[key]
		if !ok {
			return nil, nil
		}
		out := []int64{}
		for _, item := range split(strings.Join(s, ",")) {
			v, err := p.parse(item)
			if err != nil {
				return nil, &filterError{key, item, p.want}
			}
			out = append(out, v)
		}
		return out, nil
	}
	var err error
	if f.in, err = list(name + ":in"); err != nil {
		return f, err
	}
	if f.notIn, err = list(name + ":not_in"); err != nil {
		return f, err
	}
	bounds := []struct {
		key    string
		apply  func(int64)
		suffix string
	}{
		{name, func(v int64) { f.in = narrow(f.in, v) }, ""},
		{name + ":min", func(v int64) { f.lo = max(f.lo, v) }, ""},
		{name + ":max", func(v int64) { f.hi = min(f.hi, v) }, ""},
		{name + ":greater", func(v int64) { f.lo = max(f.lo, v+1) }, ""},
		{name + ":less", func(v int64) { f.hi = min(f.hi, v-1) }, ""},
	}
	for _, b := range bounds {
		v, ok, err := one(b.key)
		if err != nil {
			return f, err
		}
		if ok {
			b.apply(v)
		}
	}
	return f, nil
}

// narrow applies an equality to an :in list: v alone if the list allows
// it, else nothing at all.
func narrow(in []int64, v int64) []int64 {
	if in == nil || containsNum(in, v) {
		return []int64{v}
	}
	return []int64{}
}

// v2Num reads V2's min_X / max_X pair (inclusive) and the equality X.
func (c *call) v2Num(name string, p parser) (numFilter, error) {
	f := anyNum()
	for _, k := range []string{"min_" + name, "max_" + name, name} {
		s := c.q.Get(k)
		if s == "" {
			continue
		}
		v, err := p.parse(s)
		if err != nil {
			return f, &filterError{k, s, p.want}
		}
		switch k {
		case "min_" + name:
			f.lo = v
		case "max_" + name:
			f.hi = v
		default:
			f.in = []int64{v}
		}
	}
	return f, nil
}

// strFilter is name, name:in, name:not_in and name:like on a string attribute.
type strFilter struct {
	in, notIn, like []string
}

func (c *call) v3Str(name string) strFilter {
	var f strFilter
	if v, ok := c.q[name]; ok {
		f.in = append(f.in, v...)
	}
	if v, ok := c.q[name+":in"]; ok {
		f.in = append(f.in, split(strings.Join(v, ","))...)
	}
	if v, ok := c.q[name+":not_in"]; ok {
		f.notIn = split(strings.Join(v, ","))
	}
	if v, ok := c.q[name+":like"]; ok {
		for _, s := range v {
			f.like = append(f.like, strings.ToLower(s))
		}
	}
	return f
}

// match compares case-insensitively, as BigCommerce's filters do.
func (f strFilter) match(v string) bool {
	if f.in != nil && !containsFold(f.in, v) || containsFold(f.notIn, v) {
		return false
	}
	if len(f.like) == 0 {
		return true
	}
	lv := strings.ToLower(v)
	for _, l := range f.like {
		if !strings.Contains(lv, strings.Trim(l, "%")) {
			return false
		}
	}
	return true
}

func (f strFilter) active() bool { return f.in != nil || f.notIn != nil || f.like != nil }

func containsFold(list []string, v string) bool {
	for _, x := range list {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}

// boolParam reads an optional true/false/1/0 query parameter.
func (c *call) boolParam(name string) (val, set bool, err error) {
	s := c.q.Get(name)
	if s == "" {
		return false, false, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, false, &filterError{name, s, "true or false"}
	}
	return b, true, nil
}

// includes is the set named by the include parameter, read once per call.
func (c *call) includes() map[string]bool {
	if c.inc == nil {
		c.inc = map[string]bool{}
		for _, v := range split(c.q.Get("include")) {
			c.inc[v] = true
		}
	}
	return c.inc
}

// badFilter answers the error for a filter the sandbox could not read.
func (c *call) badFilter(err error) {
	if c.v2 {
		c.fail(400, err.Error(), nil)
		return
	}
	c.fail(422, "Invalid filter", map[string]string{"filter": err.Error()})
}
