package sandbox

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// tricky is text with everything encoding/json escapes: quotes, HTML
// characters, control characters, U+2028/U+2029, and non-ASCII letters.
const tricky = "Ship <fast> & \"careful\"\\ \n\ttab\b\f\x01 \u2028\u2029 é漢😀"

// TestHandEncodedPagesMatchEncodingJSON proves the hand encoders
// (jsonwrite.go) answer every page they serve with the very bytes
// encoding/json gives for the same views: the pages of orders (with and
// without consignments and line items), products (with their
// sub-resources) and customers, on a seeded store and again after writes
// that change orders, products and customers with text that needs escaping.
func TestHandEncodedPagesMatchEncodingJSON(t *testing.T) {
	t.Parallel()
	clock := newFakeClock(anchor.Add(time.Hour))
	s, err := New(Options{Products: 150, Customers: 120, Orders: 700, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	host := "sandbox.test" // the links' base comes from the request's Host
	serve := func(method, path string, body any) *httptest.ResponseRecorder {
		t.Helper()
		var r *http.Request
		if body != nil {
			b, err := json.Marshal(body)
			if err != nil {
				t.Fatal(err)
			}
			r = httptest.NewRequest(method, "http://sandbox.test/stores/"+s.StoreHash()+path, bytes.NewReader(b))
			r.Header.Set("Content-Type", "application/json")
		} else {
			r = httptest.NewRequest(method, "http://sandbox.test/stores/"+s.StoreHash()+path, nil)
		}
		r.Header.Set("X-Auth-Token", s.Tokens().Full)
		r.Host = host
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, r)
		return rec
	}
	write := func(method, path string, body any, status int) []byte {
		t.Helper()
		rec := serve(method, path, body)
		if rec.Code != status {
			t.Fatalf("%s %s = %d, want %d: %.400s", method, path, rec.Code, status, rec.Body)
		}
		return rec.Body.Bytes()
	}
	since := url.QueryEscape(anchor.AddDate(0, -3, 0).Format(time.RFC3339))
	until := url.QueryEscape(anchor.Add(2 * time.Hour).Format(time.RFC3339))
	pages := []string{
		"/v2/orders?limit=250",
		"/v2/orders?limit=250&page=3",
		"/v2/orders?limit=250&include=consignments.line_items&consignment_structure=object",
		"/v2/orders?limit=100&page=2&include=consignments.line_items",
		"/v2/orders?limit=100&include=consignments,fees&sort=date_modified:desc",
		"/v2/orders?include=consignments.line_items&consignment_structure=object&sort=date_modified:asc&max_date_modified=" + until + "&limit=250&page=2",
		"/v3/catalog/products?limit=250",
		"/v3/catalog/products?limit=100&page=2&include=variants,images,custom_fields",
		"/v3/catalog/products?include=variants,images,custom_fields,options,primary_image,modifiers",
		"/v3/catalog/products?sort=date_modified&direction=asc&include=variants,images,custom_fields&date_modified:min=" + since + "&date_modified:max=" + until + "&limit=250",
		"/v3/customers?limit=250&include=addresses,attributes&sort=date_modified:asc",
		"/v3/customers?limit=50&page=2&include=addresses",
		"/v3/customers?limit=40&sort=date_modified:desc&date_modified:min=" + since,
		"/v3/customers?limit=20&after=" + encodeCursor(30) + "&include=addresses",
	}
	compare := func(when string) {
		t.Helper()
		for _, p := range pages {
			s.reflectJSON = false
			hand := serve("GET", p, nil)
			s.reflectJSON = true
			ref := serve("GET", p, nil)
			s.reflectJSON = false
			if hand.Code != 200 || ref.Code != 200 || hand.Body.Len() < 100 {
				t.Errorf("%s: GET %s = %d (hand) and %d (encoding/json), %d bytes", when, p, hand.Code, ref.Code, hand.Body.Len())
				continue
			}
			if !bytes.Equal(hand.Body.Bytes(), ref.Body.Bytes()) {
				h, r := hand.Body.Bytes(), ref.Body.Bytes()
				i := 0
				for i < min(len(h), len(r)) && h[i] == r[i] {
					i++
				}
				t.Errorf("%s: GET %s: the hand-encoded answer differs from encoding/json's at byte %d:\n hand %.200q\n json %.200q",
					when, p, i, h[max(0, i-60):], r[max(0, i-60):])
			}
			if ct := hand.Header().Get("Content-Type"); ct != ref.Header().Get("Content-Type") {
				t.Errorf("%s: GET %s: Content-Type %q, encoding/json's %q", when, p, ct, ref.Header().Get("Content-Type"))
			}
		}
	}
	compare("seeded")

	clock.Advance(time.Minute)
	// Orders: notes and external fields that need escaping, a new order
	// shipped elsewhere with a discount, a refund by quantity, an archive.
	write("PUT", "/v2/orders/150", obj{"staff_notes": tricky, "customer_message": tricky, "external_source": "POS<1>", "external_id": "E&1"}, 200)
	var made struct {
		ID int `json:"id"`
	}
	if err := json.Unmarshal(write("POST", "/v2/orders", obj{
		"billing_address":    obj{"first_name": tricky, "last_name": "Buyer", "street_1": "1 Main St", "city": "Austin", "zip": "78701", "country": "United States", "country_iso2": "US", "email": "b@example.com"},
		"shipping_addresses": []obj{{"first_name": "Ship", "last_name": "To", "street_1": "9 Side St", "city": "Denver", "zip": "80202", "country": "United States", "country_iso2": "US", "email": "s@example.com"}},
		"products":           []obj{{"product_id": 120, "quantity": 2}, {"name": "Custom <item>", "quantity": 1, "price_ex_tax": 5, "price_inc_tax": 5.5}},
		"discount_amount":    3, "external_order_id": "X-1", "status_id": 11,
	}, 200), &made); err != nil {
		t.Fatal(err)
	}
	var lines []struct {
		ID int `json:"id"`
	}
	if err := json.Unmarshal(write("GET", "/v2/orders/"+strconv.Itoa(made.ID)+"/products", nil, 200), &lines); err != nil || len(lines) == 0 {
		t.Fatalf("lines of order %d: %v", made.ID, err)
	}
	write("POST", "/v3/orders/"+strconv.Itoa(made.ID)+"/payment_actions/refunds", obj{
		"items":    []obj{{"item_type": "PRODUCT", "item_id": lines[0].ID, "quantity": 1}},
		"payments": []obj{{"provider_id": "custom", "amount": 1, "offline": true}}}, 201)
	write("DELETE", "/v2/orders/160", nil, 204)
	// Products: a renamed one, a new one with custom fields and images.
	write("PUT", "/v3/catalog/products/120", obj{"name": "Mug " + tricky, "description": "<p>" + tricky + "</p>", "price": 12.5, "sale_price": 9.99}, 200)
	write("POST", "/v3/catalog/products", obj{"name": "New & <shiny>", "type": "physical", "weight": 1.25, "price": 3.3, "sku": "NEW-<1>",
		"custom_fields": []obj{{"name": "Care", "value": tricky}}, "images": []obj{{"image_url": "https://images.example.com/a.jpg?x=1&y=2", "is_thumbnail": true, "description": tricky}}}, 200)
	write("DELETE", "/v3/catalog/products/130", nil, 204)
	// Customers: changed, created with an address, an address added.
	write("PUT", "/v3/customers", []obj{{"id": 7, "company": tricky, "notes": tricky}}, 200)
	write("POST", "/v3/customers", []obj{{"email": "new@example.com", "first_name": "Zoë", "last_name": "<Doe>",
		"addresses": []obj{{"first_name": "Zoë", "last_name": "Doe", "address1": "1 <Main> St", "city": "Austin", "country_code": "US"}}}}, 200)
	write("POST", "/v3/customers/addresses", []obj{{"customer_id": 9, "first_name": "A", "last_name": "B", "address1": tricky, "city": "Denver", "country_code": "US"}}, 200)
	pages = append(pages, "/v2/orders?is_deleted=true", "/v2/orders?min_id="+strconv.Itoa(made.ID)+"&include=consignments.line_items", "/v2/orders?id=150&include=consignments")
	compare("after writes")
	pages = []string{"/v2/orders?limit=20&include=consignments.line_items&consignment_structure=object"}
	for _, host = range []string{"shop<&>.test", "bad\xffhost.test"} { // escaped, and not UTF-8
		compare("Host " + host)
	}
}

// TestAppendJSONStringMatchesEncodingJSON checks the string encoder against
// encoding/json on every ASCII byte, on the characters it escapes, and on
// random strings of valid and invalid UTF-8.
func TestAppendJSONStringMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	cases := []string{"", tricky, "\x7f", "\xff", "a\xc3", "\xed\xa0\x80", "\U0010FFFF", "\uFFFD"}
	for c := range 128 {
		cases = append(cases, string(rune(c)))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "<", ">", "&", "\"", "\\", "\n", "\x00", "\x1f", "é", "漢", "😀", "\u2028", "\u2029", "\xff", "\xc3", "\x80", "\xe2\x80"}
	for range 4000 {
		var b strings.Builder
		for range rng.IntN(40) {
			if rng.IntN(3) > 0 { // long plain runs, as most text has
				b.WriteString("plain text ")
			}
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		cases = append(cases, b.String())
	}
	for _, s := range cases {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Errorf("appendJSONString(%q) = %s, encoding/json %s (valid UTF-8: %v)", s, got, want, utf8.ValidString(s))
		}
	}
}

// TestConcurrentPagesKeepTheirBytes reads pages from many goroutines at
// once over HTTP: each answer is encoded into a pooled buffer, and none may
// carry bytes of another answer encoded at the same time.
func TestConcurrentPagesKeepTheirBytes(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Products: 60, Customers: 60, Orders: 300})
	paths := []string{
		"/v2/orders?limit=250&include=consignments.line_items&consignment_structure=object",
		"/v2/orders?limit=50&page=2",
		"/v3/catalog/products?limit=250&include=variants,images,custom_fields",
		"/v3/customers?limit=250&include=addresses&sort=date_modified:asc",
	}
	want := make([][]byte, len(paths))
	for i, p := range paths {
		r := c.get(p)
		if r.status != 200 || len(r.body) < 100 {
			t.Fatalf("GET %s = %d, %d bytes", p, r.status, len(r.body))
		}
		want[i] = r.body
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 12 {
				k := (g + i) % len(paths)
				if r := c.get(paths[k]); r.status != 200 || !bytes.Equal(r.body, want[k]) {
					t.Errorf("GET %s from goroutine %d: %d, %d bytes, not the %d bytes answered alone", paths[k], g, r.status, len(r.body), len(want[k]))
					return
				}
			}
		}()
	}
	wg.Wait()
}
