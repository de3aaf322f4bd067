package sandbox

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

type customerJSON struct {
	ID           int    `json:"id"`
	Email        string `json:"email"`
	FirstName    string `json:"first_name"`
	LastName     string `json:"last_name"`
	DateModified string `json:"date_modified"`
	AddressCount int    `json:"address_count"`
	Addresses    []obj  `json:"addresses"`
}

func TestCustomersCursorPagination(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Customers: 12, Orders: 1})
	first := must[envelope[[]customerJSON]](t, c.get("/v3/customers?limit=5"), 200)
	if first.Meta.Pagination == nil || first.Meta.CursorPagination == nil {
		t.Fatalf("the first page must carry both pagination and cursor_pagination: %+v", first.Meta)
	}
	cp := first.Meta.CursorPagination
	if cp.Count != 5 || cp.EndCursor == "" || !strings.HasPrefix(cp.Links.Next, "?after=") {
		t.Fatalf("cursor_pagination = %+v", *cp)
	}
	var ids []int
	for _, cu := range first.Data {
		ids = append(ids, cu.ID)
	}
	next := cp.Links.Next
	for next != "" {
		pg := must[envelope[[]customerJSON]](t, c.get("/v3/customers"+next), 200)
		if pg.Meta.Pagination != nil || pg.Meta.CursorPagination == nil {
			t.Fatalf("an after= page carries only cursor_pagination: %+v", pg.Meta)
		}
		if got := pg.Meta.CursorPagination.Links.Current; got != next {
			t.Errorf("links.current = %q, want the page's own query %q", got, next)
		}
		for _, cu := range pg.Data {
			ids = append(ids, cu.ID)
		}
		next = pg.Meta.CursorPagination.Links.Next
	}
	if len(ids) != 12 || !slices.IsSorted(ids) || slices.Compact(slices.Clone(ids))[11] != ids[11] {
		t.Errorf("walking the cursors gave %v", ids)
	}
	page2 := must[envelope[[]customerJSON]](t, c.get("/v3/customers?limit=5&page=2"), 200)
	if page2.Meta.Pagination == nil || page2.Meta.CursorPagination != nil || page2.Data[0].ID != ids[5] {
		t.Errorf("page=2 carries only pagination and starts at the 6th: %+v", page2.Meta)
	}
	back := must[envelope[[]customerJSON]](t, c.get("/v3/customers?limit=5&before="+encodeCursor(ids[5])), 200)
	if len(back.Data) != 5 || back.Data[0].ID != ids[0] {
		t.Errorf("before= page = %+v", back.Data)
	}
	if got, want := back.Meta.CursorPagination.Links.Current, "?before="+encodeCursor(ids[5])+"&limit=5"; got != want {
		t.Errorf("before= page links.current = %q, want %q", got, want)
	}
	if r := c.get("/v3/customers?after=bm9wZQ=="); r.status != 400 {
		t.Errorf("bad cursor = %d", r.status)
	}
}

func TestCustomerFiltersAndSort(t *testing.T) {
	t.Parallel()
	clock := newFakeClock(anchor.Add(time.Hour))
	c := newClient(t, Options{Customers: 10, Orders: 1, Now: clock.Now})
	got := must[envelope[[]customerJSON]](t, c.get("/v3/customers?id:in=2,4&include=addresses"), 200).Data
	if len(got) != 2 || got[0].ID != 2 || got[1].ID != 4 || len(got[0].Addresses) != got[0].AddressCount || got[0].AddressCount == 0 {
		t.Fatalf("id:in get = %+v", got)
	}
	byEmail := must[envelope[[]customerJSON]](t, c.get("/v3/customers?email:in="+qesc(got[1].Email)), 200).Data
	if len(byEmail) != 1 || byEmail[0].ID != 4 {
		t.Errorf("email:in = %+v", byEmail)
	}
	like := must[envelope[[]customerJSON]](t, c.get("/v3/customers?name:like="+strings.ToLower(got[0].LastName)), 200).Data
	if !slices.ContainsFunc(like, func(cu customerJSON) bool { return cu.ID == 2 }) {
		t.Errorf("name:like did not match customer 2")
	}
	clock.Advance(time.Minute)
	must[envelope[[]customerJSON]](t, c.do("PUT", "/v3/customers", []obj{{"id": 3, "notes": "vip"}}), 200)
	sorted := must[envelope[[]customerJSON]](t, c.get("/v3/customers?sort=date_modified:asc"), 200).Data
	if sorted[len(sorted)-1].ID != 3 || !slices.IsSortedFunc(sorted, func(a, b customerJSON) int { return strings.Compare(a.DateModified, b.DateModified) }) {
		t.Errorf("sort=date_modified:asc ends with %d", sorted[len(sorted)-1].ID)
	}
	recent := must[envelope[[]customerJSON]](t, c.get("/v3/customers?date_modified:min="+qesc(anchor.Add(time.Hour).Format("2006-01-02T15:04:05"))), 200).Data
	if len(recent) != 1 || recent[0].ID != 3 {
		t.Errorf("date_modified:min = %+v", recent)
	}
	if r := c.get("/v3/customers?sort=email:asc"); r.status != 422 {
		t.Errorf("unknown sort = %d", r.status)
	}
}

func TestCustomerWrites(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Customers: 3, Orders: 1})
	created := must[envelope[[]customerJSON]](t, c.do("POST", "/v3/customers", []obj{
		{"email": "grace@example.com", "first_name": "Grace", "last_name": "Hopper",
			"addresses": []obj{{"first_name": "Grace", "last_name": "Hopper", "address1": "1 Navy Rd", "city": "Arlington", "country_code": "US"}}},
		{"email": "alan@example.com", "first_name": "Alan", "last_name": "Turing"},
	}), 200).Data
	if len(created) != 2 || created[0].AddressCount != 1 {
		t.Fatalf("created = %+v", created)
	}
	e := must[v3Err](t, c.do("POST", "/v3/customers", []obj{{"email": "GRACE@example.com", "first_name": "G", "last_name": "H"}}), 422)
	if !strings.Contains(fmt.Sprint(e.Errors), "already in use") {
		t.Errorf("duplicate email = %+v", e)
	}
	if e := must[v3Err](t, c.do("POST", "/v3/customers", []obj{{"first_name": "No"}}), 422); len(e.Errors) < 2 {
		t.Errorf("missing fields = %+v", e.Errors)
	}
	var eleven []obj
	for i := range 11 {
		eleven = append(eleven, obj{"email": fmt.Sprintf("n%d@example.com", i), "first_name": "N", "last_name": "N"})
	}
	if r := c.do("POST", "/v3/customers", eleven); r.status != 413 {
		t.Errorf("11 customers = %d, want 413", r.status)
	}
	if r := c.do("PUT", "/v3/customers", eleven); r.status != 413 {
		t.Errorf("PUT 11 customers = %d, want 413", r.status)
	}
	upd := must[envelope[[]customerJSON]](t, c.do("PUT", "/v3/customers", []obj{{"id": created[1].ID, "last_name": "M. Turing"}}), 200).Data
	if upd[0].LastName != "M. Turing" {
		t.Errorf("update = %+v", upd)
	}
	if r := c.do("PUT", "/v3/customers", []obj{{"id": created[1].ID, "email": "grace@example.com"}}); r.status != 422 {
		t.Errorf("update to a taken email = %d, want 422", r.status)
	}
	before := c.srv.Store.Counts().Customers
	if r := c.do("DELETE", "/v3/customers", nil); r.status != 204 || c.srv.Store.Counts().Customers != before {
		t.Errorf("DELETE without id:in = %d and %d customers left, want 204 and nothing deleted", r.status, c.srv.Store.Counts().Customers)
	}
	if r := c.do("DELETE", fmt.Sprintf("/v3/customers?id:in=%d,%d", created[0].ID, created[1].ID), nil); r.status != 204 {
		t.Errorf("DELETE id:in = %d", r.status)
	}
	if n := c.srv.Store.Counts().Customers; n != before-2 {
		t.Errorf("customers = %d, want %d", n, before-2)
	}
}

func TestCustomerAddresses(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Customers: 3, Orders: 1})
	list := must[envelope[[]obj]](t, c.get("/v3/customers/addresses?customer_id:in=1"), 200).Data
	if len(list) == 0 {
		t.Fatal("customer 1 has no seeded address")
	}
	if r := c.do("POST", "/v3/customers/addresses", []obj{{"customer_id": 1, "first_name": "x"}}); r.status != 422 {
		t.Errorf("address missing fields = %d, want 422", r.status)
	}
	a := must[envelope[[]obj]](t, c.do("POST", "/v3/customers/addresses", []obj{{"customer_id": 1, "first_name": "A", "last_name": "B",
		"address1": "2 Side St", "city": "Austin", "country_code": "US", "state_or_province": "Texas", "postal_code": "78701"}}), 200).Data[0]
	id := num(a["id"])
	if a["country"] != "United States" {
		t.Errorf("address = %v", a)
	}
	upd := must[envelope[[]obj]](t, c.do("PUT", "/v3/customers/addresses", []obj{{"id": id, "city": "Dallas"}}), 200).Data[0]
	if upd["city"] != "Dallas" {
		t.Errorf("update = %v", upd)
	}
	if r := c.do("DELETE", fmt.Sprintf("/v3/customers/addresses?id:in=%d", id), nil); r.status != 204 {
		t.Errorf("delete = %d", r.status)
	}
	after := must[envelope[[]obj]](t, c.get("/v3/customers/addresses?customer_id:in=1"), 200).Data
	if len(after) != len(list) {
		t.Errorf("addresses after delete = %d, want %d", len(after), len(list))
	}
}
