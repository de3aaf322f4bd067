package sandbox

import (
	"bytes"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// serve sends one GET straight to the handler, with a fixed Host so that
// resource links compare equal across stores.
func serve(t *testing.T, s *Store, path string) []byte {
	t.Helper()
	req := httptest.NewRequest("GET", "http://sandbox.test/stores/"+s.StoreHash()+path, nil)
	req.Header.Set("X-Auth-Token", s.Tokens().Full)
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Fatalf("GET %s = %d %s", path, rec.Code, rec.Body)
	}
	return rec.Body.Bytes()
}

func newStore(t *testing.T, opts Options) *Store {
	t.Helper()
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestSeedIsDeterministic(t *testing.T) {
	t.Parallel()
	clock := newFakeClock(time.Date(2030, 5, 5, 12, 0, 0, 0, time.UTC))
	opts := Options{Seed: 42, Products: 20, Customers: 10, Orders: 50}
	a := newStore(t, opts)
	opts.Now = clock.Now // another start time must not change the data
	b := newStore(t, opts)
	if a.StoreHash() != b.StoreHash() || a.Tokens() != b.Tokens() || len(a.StoreHash()) != 10 {
		t.Errorf("hash %q/%q tokens %v/%v", a.StoreHash(), b.StoreHash(), a.Tokens(), b.Tokens())
	}
	for _, p := range []string{"/v2/orders?limit=50", "/v3/catalog/products?include=variants,images,custom_fields&limit=20", "/v3/customers?include=addresses", "/v2/orders/120/products", "/v3/catalog/trees/categories"} {
		if !bytes.Equal(serve(t, a, p), serve(t, b, p)) {
			t.Errorf("%s differs between two stores with the same seed", p)
		}
	}
	c := newStore(t, Options{Seed: 43, Products: 20, Customers: 10, Orders: 50})
	if bytes.Equal(serve(t, a, "/v2/orders?limit=50"), serve(t, c, "/v2/orders?limit=50")) {
		t.Error("different seeds gave the same orders")
	}
}

func TestSeededOrdersReferenceRealVariants(t *testing.T) {
	t.Parallel()
	s := newStore(t, Options{Products: 30, Customers: 10, Orders: 200})
	for id := firstOrderID; id < firstOrderID+200; id++ {
		o, ok := s.Order(id)
		if !ok || len(o.Lines) == 0 {
			t.Fatalf("order %d: %+v", id, o)
		}
		if o.DateCreated.After(anchor) || o.DateCreated.Before(anchor.AddDate(-1, 0, 0)) || o.DateModified.Before(o.DateCreated) {
			t.Errorf("order %d dates %v / %v outside the year before the anchor", id, o.DateCreated, o.DateModified)
		}
		for _, l := range o.Lines {
			p, ok := s.Product(l.ProductID)
			if !ok {
				t.Fatalf("order %d line references missing product %d", id, l.ProductID)
			}
			found := false
			for _, v := range p.Variants {
				found = found || v.ID == l.VariantID && v.SKU == l.SKU
			}
			if !found {
				t.Errorf("order %d line: variant %d / %s is not a variant of product %d", id, l.VariantID, l.SKU, p.ID)
			}
		}
	}
	tracking := map[string]int{}
	for _, id := range s.ProductIDs() {
		p, _ := s.Product(id)
		tracking[p.InventoryTracking]++
	}
	if tracking["none"] == 0 || tracking["product"] == 0 || tracking["variant"] == 0 {
		t.Errorf("inventory tracking spread = %v", tracking)
	}
}

func TestOperatorEndpoints(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Orders: 3, Products: 3, Customers: 2})
	op := func(method, path string, body any) reply { return c.raw(method, c.srv.URL+"/_sandbox/"+path, body) }
	c.get("/v2/orders")
	c.get("/v2/orders/100")
	st := must[Stats](t, op("GET", "stats", nil), 200)
	if st.Requests != 2 || st.ByPath["/v2/orders/{id}"] != 1 || st.ByStatus["200"] != 2 {
		t.Errorf("stats = %+v", st)
	}
	o := must[orderJSON](t, op("POST", "orders", nil), 200)
	if o.ID != firstOrderID+3 || o.ItemsTotal == 0 {
		t.Errorf("random order = %+v", o)
	}
	o2 := must[orderJSON](t, op("POST", "orders", obj{"billing_address": billing(), "products": []obj{{"name": "X", "price_ex_tax": 3}}}), 200)
	if o2.BillingAddress.Email != "ada@example.com" {
		t.Errorf("order = %+v", o2)
	}
	if got := must[orderJSON](t, op("PUT", "orders/100", obj{"status_id": 5}), 200); got.StatusID != 5 {
		t.Errorf("PUT order = %+v", got)
	}
	p := must[envelope[productJSON]](t, op("POST", "products", obj{"name": "Op", "type": "physical", "weight": 1, "price": 2}), 200).Data
	if got := must[envelope[productJSON]](t, op("PUT", "products/"+strconv.Itoa(p.ID), obj{"price": 3}), 200).Data; got.Price != 3 {
		t.Errorf("PUT product = %+v", got)
	}
	if cs := must[envelope[[]customerJSON]](t, op("POST", "customers", obj{"email": "op@example.com", "first_name": "O", "last_name": "P"}), 200).Data; len(cs) != 1 {
		t.Errorf("customers = %+v", cs)
	}
	must[obj](t, op("POST", "faults", obj{"spec": "503=1"}), 200)
	if r := c.get("/v2/time"); r.status != 503 {
		t.Errorf("after POST faults = %d", r.status)
	}
	if r := op("POST", "faults", obj{"spec": "boom=1"}); r.status != 422 {
		t.Errorf("bad spec = %d", r.status)
	}
	must[obj](t, op("POST", "faults", obj{"spec": ""}), 200)
	must[obj](t, op("POST", "quota", obj{"quota": 1, "window": "1h"}), 200)
	c.get("/v2/time")
	if r := c.get("/v2/time"); r.status != 429 {
		t.Errorf("after POST quota = %d", r.status)
	}
	if r := op("GET", "deliveries", nil); r.status != 200 || !bytes.HasPrefix(r.body, []byte("[")) {
		t.Errorf("deliveries = %d %s", r.status, r.body)
	}
	if r := op("GET", "nothing", nil); r.status != 404 {
		t.Errorf("unknown operator path = %d", r.status)
	}
	if s := must[Stats](t, op("GET", "stats", nil), 200); s.Requests != 5 {
		t.Errorf("operator calls are not counted: requests = %d, want 5", s.Requests)
	}
}

// TestOperatorCreateOrderAppliesGivenFields checks that POST /_sandbox/orders
// without products makes a random order carrying the fields the body gives,
// and refuses a bad one naming the field.
func TestOperatorCreateOrderAppliesGivenFields(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Orders: 2, Products: 4, Customers: 3})
	tests := []struct {
		name       string
		body       obj
		status     int
		customerID int
		guest      bool
		notes      string
	}{
		{name: "status 0", body: obj{"status_id": 0}, status: 0, customerID: -1},
		{name: "status 11 for customer 2", body: obj{"status_id": 11, "customer_id": 2}, status: 11, customerID: 2},
		{name: "guest", body: obj{"customer_id": 0, "status_id": 7, "staff_notes": "op"}, status: 7, guest: true, notes: "op"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := must[orderJSON](t, c.raw("POST", c.srv.URL+"/_sandbox/orders", tt.body), 200)
			if o.StatusID != tt.status || o.ItemsTotal == 0 || o.StaffNotes != tt.notes {
				t.Errorf("order = %+v, want status %d with items and notes %q", o, tt.status, tt.notes)
			}
			if tt.customerID >= 0 && o.CustomerID != tt.customerID {
				t.Errorf("customer_id = %d, want %d", o.CustomerID, tt.customerID)
			}
			if tt.guest && (o.CustomerID != 0 || !strings.HasPrefix(o.BillingAddress.Email, "guest.")) {
				t.Errorf("guest order: customer %d, email %q", o.CustomerID, o.BillingAddress.Email)
			}
			if tt.customerID == 2 {
				cu := must[envelope[[]customerJSON]](t, c.get("/v3/customers?id:in=2"), 200).Data[0]
				if o.BillingAddress.Email != cu.Email {
					t.Errorf("billing email = %q, want customer 2's %q", o.BillingAddress.Email, cu.Email)
				}
			}
		})
	}
	for field, body := range map[string]obj{"status_id": {"status_id": 15}, "customer_id": {"customer_id": 999}} {
		r := c.raw("POST", c.srv.URL+"/_sandbox/orders", body)
		if r.status != 400 || !strings.Contains(string(r.body), field) {
			t.Errorf("bad %s = %d %s, want 400 naming it", field, r.status, r.body)
		}
	}
}
