package sandbox

import (
	"slices"
	"testing"
	"time"
)

// TestModifiedIndexes checks the (date_modified, id) indexes of products,
// customers and orders against the records themselves: right after seeding
// (which sorts them once at the end instead of inserting one by one) and
// after writes that move, add and drop records.
func TestModifiedIndexes(t *testing.T) {
	t.Parallel()
	clock := newFakeClock(anchor.Add(time.Hour))
	c := newClient(t, Options{Products: 300, Customers: 200, Orders: 500, Now: clock.Now})
	s := c.srv.Store
	check := func(when string) {
		t.Helper()
		var prods, custs, ords []modKey
		for _, p := range s.cat.productList {
			prods = append(prods, modKey{int64(p.DateModified), p.ID})
		}
		for _, id := range s.crm.ids {
			custs = append(custs, modKey{int64(s.crm.customers[id].DateModified), id})
		}
		for _, o := range s.ord.orders {
			if !o.deleted {
				ords = append(ords, modKey{o.modified, o.id})
			}
		}
		for _, ix := range []struct {
			name      string
			got, want []modKey
		}{{"products", s.cat.byModified.keys, prods}, {"customers", s.crm.byModified.keys, custs}, {"orders", s.ord.byModified.keys, ords}} {
			slices.SortFunc(ix.want, cmpModKey)
			if !slices.Equal(ix.got, ix.want) {
				t.Errorf("%s: the %s index (%d keys) is not the sorted keys of its %d records", when, ix.name, len(ix.got), len(ix.want))
			}
		}
	}
	check("after seeding")
	clock.Advance(time.Minute)
	must[obj](t, c.do("PUT", "/v3/customers", []obj{{"id": 7, "notes": "moved"}, {"id": 9, "company": "Moved Ltd"}}), 200)
	if r := c.do("DELETE", "/v3/customers?id:in=11,12", nil); r.status != 204 {
		t.Fatalf("delete customers = %d %s", r.status, r.body)
	}
	must[obj](t, c.do("POST", "/v3/customers", []obj{{"email": "new@example.com", "first_name": "New", "last_name": "One"}}), 200)
	must[obj](t, c.do("PUT", "/v3/catalog/products/120", obj{"price": 12.5}), 200)
	if r := c.do("DELETE", "/v3/catalog/products/130", nil); r.status != 204 {
		t.Fatalf("delete product = %d %s", r.status, r.body)
	}
	must[obj](t, c.do("PUT", "/v2/orders/150", obj{"status_id": 2}), 200)
	if r := c.do("DELETE", "/v2/orders/160", nil); r.status != 204 {
		t.Fatalf("archive order = %d %s", r.status, r.body)
	}
	check("after writes")
}
