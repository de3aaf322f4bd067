package bigcommerce

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const customerFixture = `{"id":7,"email":"jane@example.com","first_name":"Jane","last_name":"Doe","company":"Acme",
  "phone":"555","notes":"","tax_exempt_category":"","customer_group_id":2,"registration_ip_address":"",
  "accepts_product_review_abandoned_cart_emails":true,"origin_channel_id":1,"channel_ids":[1],
  "address_count":1,"attribute_count":1,"date_created":"2024-05-14T09:34:00Z","date_modified":"2024-06-01T10:00:00Z",
  "store_credit_amounts":[{"amount":43.15}],
  "addresses":[{"id":3,"customer_id":7,"first_name":"Jane","last_name":"Doe","address1":"1 Main St","city":"Austin",
    "state_or_province":"Texas","postal_code":"78751","country":"United States","country_code":"US","address_type":"residential"}],
  "attributes":[{"id":1,"attribute_id":2,"attribute_value":"gold","customer_id":7,"date_created":"2024-05-14T09:34:00Z","date_modified":"2024-05-14T09:34:00Z"}]}`

func v3CursorPage(data, endCursor, next string) string {
	return fmt.Sprintf(`{"data":%s,"meta":{"cursor_pagination":{"count":0,"per_page":250,"start_cursor":"s","end_cursor":%q,"links":{"next":%q}}}}`, data, endCursor, next)
}

func TestCustomersAllFollowsCursor(t *testing.T) {
	t.Parallel()
	mux, c := setupResources(t)
	calls := mux.handle("GET /v3/customers", func(w http.ResponseWriter, r *http.Request) {
		after := r.URL.Query().Get("after")
		base := url.Values{"date_modified:min": {"2024-05-14T00:00:00+00:00"}, "sort": {"date_modified:asc"}, "limit": {"250"}}
		item := func(off int) func(int) string {
			return func(i int) string { return fmt.Sprintf(`{"id":%d,"email":"c%d@example.com"}`, off+i+1, off+i+1) }
		}
		switch after {
		case "":
			wantQuery(t, r, base)
			writeJSON(w, 200, v3CursorPage(jsonArray(250, item(0)), "Y3Vyc29yMQ==", "?after=Y3Vyc29yMQ=="))
		case "Y3Vyc29yMQ==":
			base.Set("after", after)
			wantQuery(t, r, base)
			writeJSON(w, 200, v3CursorPage(jsonArray(4, item(250)), "Y3Vyc29yMg==", ""))
		default:
			t.Errorf("after=%q", after)
			writeJSON(w, 200, v3CursorPage("[]", "", ""))
		}
	})
	var n int
	for cu, err := range c.Customers.All(context.Background(), &CustomerListOptions{
		DateModifiedMin: mustTime(t, "2024-05-14T00:00:00Z"), Sort: "date_modified:asc", After: "ignored", Page: 3,
	}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		if cu.ID != n {
			t.Fatalf("customer %d at position %d", cu.ID, n)
		}
	}
	if n != 254 || calls.Load() != 2 {
		t.Errorf("%d customers in %d calls, want 254 in 2", n, calls.Load())
	}
}

func TestCustomersGet(t *testing.T) {
	t.Parallel()
	mux, c := setupResources(t)
	mux.handle("GET /v3/customers", func(w http.ResponseWriter, r *http.Request) {
		id := r.URL.Query().Get("id:in")
		wantQuery(t, r, url.Values{"id:in": {id}, "include": {"addresses,attributes"}})
		if id == "7" {
			writeJSON(w, 200, v3CursorPage("["+customerFixture+"]", "x", ""))
			return
		}
		writeJSON(w, 200, v3CursorPage("[]", "", ""))
	})
	cu, _, err := c.Customers.Get(context.Background(), 7)
	if err != nil {
		t.Fatal(err)
	}
	want := &Customer{ID: 7, Email: "jane@example.com", FirstName: "Jane", LastName: "Doe", Company: "Acme", Phone: "555",
		CustomerGroupID: 2, AcceptsProductReviewAbandonedCartEmails: true, OriginChannelID: 1, ChannelIDs: []int{1},
		AddressCount: 1, AttributeCount: 1,
		DateCreated: Time{mustTime(t, "2024-05-14T09:34:00Z")}, DateModified: Time{mustTime(t, "2024-06-01T10:00:00Z")},
		Addresses: []*CustomerAddress{{ID: 3, CustomerID: 7, FirstName: "Jane", LastName: "Doe", Address1: "1 Main St", City: "Austin",
			StateOrProvince: "Texas", PostalCode: "78751", Country: "United States", CountryCode: "US", AddressType: "residential"}},
		Attributes: []*CustomerAttribute{{ID: 1, AttributeID: 2, AttributeValue: "gold", CustomerID: 7,
			DateCreated: Time{mustTime(t, "2024-05-14T09:34:00Z")}, DateModified: Time{mustTime(t, "2024-05-14T09:34:00Z")}}},
	}
	if diff := cmp.Diff(want, cu, cmp.Comparer(func(a, b Time) bool { return a.Equal(b.Time) })); diff != "" {
		t.Errorf("customer (-want +got):\n%s", diff)
	}
	_, _, err = c.Customers.Get(context.Background(), 8)
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("err = %v, want ErrNotFound", err)
	}
}

func TestCustomersCreateSplits(t *testing.T) {
	t.Parallel()
	mux, c := setupResources(t)
	var sizes []int
	next := 100
	mux.handle("POST /v3/customers", func(w http.ResponseWriter, r *http.Request) {
		var in []map[string]any
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, len(in))
		out := make([]string, len(in))
		for i, cu := range in {
			next++
			out[i] = fmt.Sprintf(`{"id":%d,"email":%q}`, next, cu["email"])
		}
		writeJSON(w, 200, `{"data":[`+strings.Join(out, ",")+`],"meta":{}}`)
	})
	in := make([]*CustomerCreateRequest, 11)
	for i := range in {
		in[i] = &CustomerCreateRequest{Email: fmt.Sprintf("c%d@example.com", i), FirstName: "C", LastName: "N"}
	}
	in[0].Addresses = []*AddressCreateRequest{{AddressFields: AddressFields{FirstName: "C", LastName: "N", Address1: "1 St", City: "X", CountryCode: "US"}}}
	got, err := c.Customers.Create(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(sizes, []int{10, 1}) {
		t.Errorf("request sizes %v, want [10 1]", sizes)
	}
	if len(got) != 11 || got[10].Email != "c10@example.com" || got[10].ID != 111 {
		t.Errorf("got %d customers", len(got))
	}
	in[3].Addresses = []*AddressCreateRequest{{AddressFields: AddressFields{FirstName: "C", LastName: "N", Address1: "1 St", CountryCode: "US"}}}
	_, err = c.Customers.Create(context.Background(), in)
	wantBadRequest(t, err, "customers[3].addresses[0].city")
}

func TestCustomersUpdateAndDelete(t *testing.T) {
	t.Parallel()
	mux, c := setupResources(t)
	var sizes []int
	mux.handle("PUT /v3/customers", func(w http.ResponseWriter, r *http.Request) {
		var in []map[string]any
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			t.Fatal(err)
		}
		if len(sizes) == 0 {
			if diff := cmp.Diff(map[string]any{"id": float64(1), "notes": "", "customer_group_id": float64(0)}, in[0]); diff != "" {
				t.Errorf("first update (-want +got):\n%s", diff)
			}
		}
		sizes = append(sizes, len(in))
		writeJSON(w, 200, `{"data":`+jsonArray(len(in), func(i int) string { return fmt.Sprintf(`{"id":%d}`, i+1) })+`,"meta":{}}`)
	})
	var deleted []string
	mux.handle("DELETE /v3/customers", func(w http.ResponseWriter, r *http.Request) {
		deleted = append(deleted, r.URL.Query().Get("id:in"))
		w.WriteHeader(204)
	})
	ups := make([]*CustomerUpdate, 21)
	for i := range ups {
		ups[i] = &CustomerUpdate{ID: i + 1, Notes: Ptr(""), CustomerGroupID: Ptr(0)}
	}
	got, err := c.Customers.Update(context.Background(), ups)
	if err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(sizes, []int{10, 10, 1}) || len(got) != 21 {
		t.Errorf("request sizes %v, %d customers; want [10 10 1], 21", sizes, len(got))
	}
	if err := c.Customers.Delete(context.Background(), []int{4, 5, 6}); err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(deleted, []string{"4,5,6"}) {
		t.Errorf("deleted %v", deleted)
	}
}

func TestCustomerAddresses(t *testing.T) {
	t.Parallel()
	mux, c := setupResources(t)
	mux.handle("GET /v3/customers/addresses", func(w http.ResponseWriter, r *http.Request) {
		wantQuery(t, r, url.Values{"customer_id:in": {"7"}, "page": {"1"}, "limit": {"250"}})
		writeJSON(w, 200, v3Page(`[{"id":3,"customer_id":7,"city":"Austin","country_code":"US"}]`, 1, 1))
	})
	mux.handle("POST /v3/customers/addresses", func(w http.ResponseWriter, r *http.Request) {
		wantBody(t, r, `[{"customer_id":7,"first_name":"J","last_name":"D","address1":"2 Side St","city":"Austin","country_code":"US","address_type":"commercial"}]`)
		writeJSON(w, 200, `{"data":[{"id":4,"customer_id":7,"address1":"2 Side St"}],"meta":{}}`)
	})
	ctx := context.Background()
	var ids []int
	for a, err := range c.Customers.AllAddresses(ctx, &AddressListOptions{CustomerIDs: []int{7}}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
	}
	if !cmp.Equal(ids, []int{3}) {
		t.Errorf("addresses %v", ids)
	}
	got, err := c.Customers.CreateAddresses(ctx, []*AddressCreateRequest{{CustomerID: 7, AddressFields: AddressFields{FirstName: "J", LastName: "D",
		Address1: "2 Side St", City: "Austin", CountryCode: "US", AddressType: "commercial"}}})
	if err != nil || len(got) != 1 || got[0].ID != 4 {
		t.Fatalf("CreateAddresses = %v, %v", got, err)
	}
	_, err = c.Customers.CreateAddresses(ctx, []*AddressCreateRequest{{AddressFields: AddressFields{FirstName: "J", LastName: "D", Address1: "x", City: "y", CountryCode: "US"}}})
	wantBadRequest(t, err, "addresses[0].customer_id")
}
