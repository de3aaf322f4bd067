package sandbox

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func TestAuthRefusesMissingAndWrongTokens(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Orders: 5})
	cases := []struct {
		name, token, path string
		v2                bool
	}{
		{"no token v3", "", "/v3/catalog/products", false},
		{"no token v2", "", "/v2/orders", true},
		{"unknown token", "not-a-token", "/v3/customers", false},
		{"unknown token v2", "not-a-token", "/v2/time", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cl := &client{t: t, srv: c.srv, token: tc.token}
			r := cl.get(tc.path)
			if tc.v2 {
				e := must[v2Err](t, r, 401)
				if len(e) != 1 || e[0].Status != 401 || e[0].Message == "" {
					t.Errorf("V2 401 body = %s", r.body)
				}
				return
			}
			e := must[v3Err](t, r, 401)
			if e.Status != 401 || e.Title == "" || e.Type == "" {
				t.Errorf("V3 401 body = %s", r.body)
			}
		})
	}
}

func TestAuthWrongStoreHashIs401(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Orders: 5})
	r := c.raw("GET", c.srv.URL+"/stores/otherstore1/v2/time", nil)
	if r.status != 401 {
		t.Fatalf("status %d, want 401; body %s", r.status, r.body)
	}
	if strings.Contains(string(r.body), c.token) {
		t.Error("the 401 body echoes the token")
	}
}

func TestReadOnlyTokenReadsButCannotWrite(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Orders: 5, Products: 3})
	ro := c.readOnly()
	for _, p := range []string{"/v2/time", "/v2/orders", "/v3/catalog/products", "/v3/customers"} {
		if r := ro.get(p); r.status != 200 {
			t.Errorf("read-only GET %s = %d", p, r.status)
		}
	}
	writes := []struct {
		method, path, scope string
		body                any
		v2                  bool
	}{
		{"POST", "/v3/catalog/products", "store_v2_products", obj{"name": "x", "type": "physical", "weight": 1, "price": 1}, false},
		{"PUT", "/v2/orders/100", "store_v2_orders", obj{"status_id": 2}, true},
		{"POST", "/v3/customers", "store_v2_customers", []obj{{"email": "a@b.co", "first_name": "a", "last_name": "b"}}, false},
		{"DELETE", "/v3/catalog/products/111", "store_v2_products", nil, false},
	}
	for _, w := range writes {
		r := ro.do(w.method, w.path, w.body)
		if r.status != 403 {
			t.Errorf("read-only %s %s = %d, want 403", w.method, w.path, r.status)
			continue
		}
		if !containsAll(string(r.body), "required scope", w.scope) {
			t.Errorf("403 body does not name the scope %s: %s", w.scope, r.body)
		}
	}
	if _, ok := c.srv.Store.Product(111); !ok {
		t.Error("the refused DELETE deleted the product")
	}
	// Hooks use the default scope every API account has.
	r := ro.do("POST", "/v3/hooks", obj{"scope": "store/order/created", "destination": "https://example.com/hook"})
	if r.status != 200 {
		t.Errorf("read-only POST /v3/hooks = %d, want 200: %s", r.status, r.body)
	}
}

func TestUnknownPathAndWrongMethod(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Orders: 5})
	e := must[v3Err](t, c.get("/v3/catalog/nothing"), 404)
	if e.Status != 404 || e.Title == "" {
		t.Errorf("404 body %+v", e)
	}
	if e2 := must[v2Err](t, c.get("/v2/nothing"), 404); len(e2) != 1 || e2[0].Status != 404 {
		t.Errorf("V2 404 body %+v", e2)
	}
	if r := c.get("/v2/orders/abc"); r.status != 404 {
		t.Errorf("non-numeric id: %d", r.status)
	}
	r := c.do("PATCH", "/v3/catalog/products", nil)
	if r.status != http.StatusMethodNotAllowed {
		t.Fatalf("PATCH = %d, want 405", r.status)
	}
	if got := r.header.Get("Allow"); got != "GET, POST, PUT, DELETE" {
		t.Errorf("Allow = %q", got)
	}
	var body map[string]any
	if err := json.Unmarshal(r.body, &body); err != nil || body["status"] != float64(405) {
		t.Errorf("405 body = %s (%v)", r.body, err)
	} else if errs, ok := body["errors"].(map[string]any); !ok || len(errs) != 0 {
		t.Errorf("405 body errors = %#v, want {} as BigCommerce sends", body["errors"])
	}
	if r := c.do("PUT", "/v2/orders", obj{}); r.status != 405 {
		t.Errorf("PUT /v2/orders = %d, want 405", r.status)
	}
	if r := c.raw("GET", c.srv.URL+"/somewhere", nil); r.status != 404 {
		t.Errorf("path outside /stores = %d", r.status)
	}
}

func TestTimeAndStore(t *testing.T) {
	t.Parallel()
	clock := newFakeClock(anchor.AddDate(0, 3, 0))
	c := newClient(t, Options{Orders: 1, Now: clock.Now})
	tm := must[map[string]int64](t, c.get("/v2/time"), 200)
	if tm["time"] != clock.Now().Unix() {
		t.Errorf("time = %d, want %d", tm["time"], clock.Now().Unix())
	}
	st := must[obj](t, c.get("/v2/store"), 200)
	if st["id"] != c.srv.StoreHash || st["currency"] != "USD" || st["timezone"] == nil || st["features"] == nil {
		t.Errorf("store = %v", st)
	}
	if _, ok := st["store_id"].(float64); !ok {
		t.Errorf("store_id = %v, want a number", st["store_id"])
	}
}
