package bigcommerce

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// v2Order is a V2 order as BigCommerce writes it: money as decimal strings,
// RFC-2822 dates, "" for an unset date, null external_id, links to sub-resources.
func v2Order(id int) string {
	return fmt.Sprintf(`{
  "id": %d, "customer_id": 11, "date_created": "Mon, 11 Mar 2019 15:17:25 +0000",
  "date_modified": "Tue, 12 Mar 2019 08:00:01 +0000", "date_shipped": "", "status_id": 11,
  "status": "Awaiting Fulfillment", "custom_status": "Awaiting Fulfillment",
  "subtotal_ex_tax": "62.6793", "subtotal_inc_tax": "67.6900", "subtotal_tax": "5.0107",
  "base_shipping_cost": "0.0000", "shipping_cost_ex_tax": "0.0000", "shipping_cost_inc_tax": "0.0000",
  "handling_cost_ex_tax": "0.0000", "handling_cost_inc_tax": "0.0000",
  "total_ex_tax": "62.6793", "total_inc_tax": "67.6900", "total_tax": "5.0107",
  "items_total": 2, "items_shipped": 0, "payment_method": "Cash", "payment_provider_id": null,
  "payment_status": "", "refunded_amount": "0.0000", "order_is_digital": false,
  "store_credit_amount": "0.0000", "gift_certificate_amount": "0.0000", "ip_address": "127.0.0.1",
  "currency_id": 1, "currency_code": "USD", "currency_exchange_rate": "1.0000000000",
  "default_currency_id": 1, "default_currency_code": "USD", "staff_notes": "", "customer_message": "Ring twice",
  "discount_amount": "0.0000", "coupon_discount": "0.0000", "shipping_address_count": 1,
  "is_deleted": false, "ebay_order_id": "0", "cart_id": "", "is_email_opt_in": false,
  "credit_card_type": null, "order_source": "manual", "channel_id": 1, "external_source": null,
  "external_id": null, "external_merchant_id": null, "tax_provider_id": "BasicTaxProvider",
  "customer_locale": "en",
  "billing_address": {"first_name": "Jane", "last_name": "Doe", "company": "", "street_1": "123 Main Street",
    "street_2": "", "city": "Austin", "state": "Texas", "zip": "78751", "country": "United States",
    "country_iso2": "US", "phone": "", "email": "janedoe@example.com", "form_fields": []},
  "products": {"url": "https://api.bigcommerce.com/stores/abc123/v2/orders/%d/products", "resource": "/orders/%d/products"},
  "shipping_addresses": {"url": "https://api.bigcommerce.com/stores/abc123/v2/orders/%d/shipping_addresses", "resource": "/orders/%d/shipping_addresses"},
  "coupons": {"url": "https://api.bigcommerce.com/stores/abc123/v2/orders/%d/coupons", "resource": "/orders/%d/coupons"}
}`, id, id, id, id, id, id, id)
}

func TestOrdersList(t *testing.T) {
	t.Parallel()
	mux, c := setupResources(t)
	mux.handle("GET /v2/orders", func(w http.ResponseWriter, r *http.Request) {
		wantQuery(t, r, url.Values{"status_id": {"11"}, "min_date_modified": {"2019-03-01T00:00:00+00:00"}, "sort": {"date_modified:asc"}, "limit": {"50"}})
		writeJSON(w, 200, "["+v2Order(218)+"]")
	})
	got, _, err := c.Orders.List(context.Background(), &OrderListOptions{
		StatusID: Ptr(11), MinDateModified: mustTime(t, "2019-03-01T00:00:00Z"), Sort: "date_modified:asc", Limit: 50,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("got %d orders", len(got))
	}
	o := got[0]
	if !o.DateCreated.Equal(mustTime(t, "2019-03-11T15:17:25Z")) || !o.DateShipped.IsZero() {
		t.Errorf("dates: created %v shipped %v", o.DateCreated, o.DateShipped)
	}
	if o.TotalIncTax != "67.6900" || o.SubtotalExTax != "62.6793" || o.CurrencyExchangeRate != "1.0000000000" {
		t.Errorf("money: total %q subtotal %q rate %q", o.TotalIncTax, o.SubtotalExTax, o.CurrencyExchangeRate)
	}
	if o.ExternalID != "" || o.StatusID != 11 || o.CustomerMessage != "Ring twice" || o.ChannelID != 1 {
		t.Errorf("fields: %+v", o)
	}
	if o.BillingAddress == nil || o.BillingAddress.Email != "janedoe@example.com" || o.BillingAddress.CountryISO2 != "US" {
		t.Errorf("billing address %+v", o.BillingAddress)
	}
	if o.Products == nil || o.Products.Resource != "/orders/218/products" || o.Consignments != nil {
		t.Errorf("links: products %+v consignments %+v", o.Products, o.Consignments)
	}
}

func TestOrdersList204IsEmpty(t *testing.T) {
	t.Parallel()
	mux, c := setupResources(t)
	mux.handle("GET /v2/orders", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	got, resp, err := c.Orders.List(context.Background(), &OrderListOptions{Page: 9})
	if err != nil || len(got) != 0 || resp.StatusCode != 204 {
		t.Fatalf("List = %v, %+v, %v; want empty, 204, nil", got, resp, err)
	}
}

func TestOrdersAllEndings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		pages []int // items per page; -1 is a 204
		want  int
		calls int
	}{
		{"204 after a full page", []int{250, -1}, 250, 2},
		{"empty array after a full page", []int{250, 0}, 250, 2},
		{"short page", []int{250, 250, 7}, 507, 3},
		{"204 at once", []int{-1}, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mux, c := setupResources(t)
			calls := mux.handle("GET /v2/orders", func(w http.ResponseWriter, r *http.Request) {
				page, _ := strconv.Atoi(r.URL.Query().Get("page"))
				wantQuery(t, r, url.Values{"customer_id": {"4"}, "page": {strconv.Itoa(page)}, "limit": {"250"}})
				if page < 1 || page > len(tt.pages) {
					t.Errorf("page %d requested", page)
					w.WriteHeader(204)
					return
				}
				n := tt.pages[page-1]
				if n < 0 {
					w.WriteHeader(http.StatusNoContent)
					return
				}
				off := (page - 1) * 250
				writeJSON(w, 200, jsonArray(n, func(i int) string {
					return fmt.Sprintf(`{"id":%d,"date_modified":"Tue, 12 Mar 2019 08:00:01 +0000","total_inc_tax":"1.00"}`, off+i+1)
				}))
			})
			count := 0
			for o, err := range c.Orders.All(context.Background(), &OrderListOptions{CustomerID: 4}) {
				if err != nil {
					t.Fatal(err)
				}
				count++
				if o.ID != count {
					t.Fatalf("order %d at position %d", o.ID, count)
				}
			}
			if count != tt.want || int(calls.Load()) != tt.calls {
				t.Errorf("%d orders in %d calls, want %d in %d", count, calls.Load(), tt.want, tt.calls)
			}
		})
	}
}

func TestOrdersCountGetUpdate(t *testing.T) {
	t.Parallel()
	mux, c := setupResources(t)
	mux.handle("GET /v2/orders/count", func(w http.ResponseWriter, r *http.Request) {
		wantQuery(t, r, url.Values{"min_id": {"100"}})
		writeJSON(w, 200, `{"count":3,"statuses":[{"id":1,"name":"Pending","system_label":"Pending","custom_label":"Pending","system_description":"","count":1,"sort_order":1},{"id":11,"name":"Awaiting Fulfillment","count":2,"sort_order":2}]}`)
	})
	mux.handle("GET /v2/orders/218", func(w http.ResponseWriter, r *http.Request) {
		wantQuery(t, r, url.Values{"include": {"consignments.line_items"}, "consignment_structure": {"object"}})
		var o map[string]any
		if err := json.Unmarshal([]byte(v2Order(218)), &o); err != nil {
			t.Fatal(err)
		}
		o["consignments"] = json.RawMessage(`{"shipping":[{"id":1,"first_name":"Trish","city":"Austin","items_total":2,
			"shipping_method":"Flat Rate","cost_inc_tax":"5.0000",
			"line_items":[{"id":17,"order_id":218,"product_id":111,"variant_id":501,"name":"Coffee Mug","sku":"MUG-1-BLK",
			"quantity":2,"base_price":"12.9900","price_inc_tax":"13.9900","price_ex_tax":"12.9900","total_inc_tax":"27.9800",
			"product_options":[{"id":3,"option_id":220,"display_name":"Color","display_value":"Black","value":"176"}]}]}],
			"pickups":[],"downloads":[],"email":{"gift_certificates":[]}}`)
		b, _ := json.Marshal(o)
		writeJSON(w, 200, string(b))
	})
	mux.handle("GET /v2/orders/999", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 404, `[{"status":404,"message":"The requested resource was not found."}]`)
	})
	mux.handle("PUT /v2/orders/218", func(w http.ResponseWriter, r *http.Request) {
		wantBody(t, r, `{"status_id":2,"staff_notes":""}`)
		writeJSON(w, 200, v2Order(218))
	})
	ctx := context.Background()
	n, _, err := c.Orders.Count(ctx, &OrderListOptions{MinID: 100, Page: 4})
	if err != nil {
		t.Fatal(err)
	}
	if n.Count != 3 || len(n.Statuses) != 2 || n.Statuses[1].Count != 2 || n.Statuses[1].ID != 11 {
		t.Errorf("count %+v", n)
	}
	o, _, err := c.Orders.Get(ctx, 218, &OrderGetOptions{IncludeConsignments: true})
	if err != nil {
		t.Fatal(err)
	}
	if o.Consignments == nil || len(o.Consignments.Shipping) != 1 {
		t.Fatalf("consignments %+v", o.Consignments)
	}
	li := o.Consignments.Shipping[0].LineItems
	want := []*OrderProduct{{ID: 17, OrderID: 218, ProductID: 111, VariantID: 501, Name: "Coffee Mug", SKU: "MUG-1-BLK",
		Quantity: 2, BasePrice: "12.9900", PriceIncTax: "13.9900", PriceExTax: "12.9900", TotalIncTax: "27.9800",
		ProductOptions: []*OrderProductOption{{ID: 3, OptionID: 220, DisplayName: "Color", DisplayValue: "Black", Value: "176"}}}}
	if diff := cmp.Diff(want, li); diff != "" {
		t.Errorf("line items (-want +got):\n%s", diff)
	}
	_, _, err = c.Orders.Get(ctx, 999, nil)
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("err = %v, want ErrNotFound", err)
	}
	if _, _, err := c.Orders.Update(ctx, 218, &OrderUpdateRequest{StatusID: Ptr(2), StaffNotes: Ptr("")}); err != nil {
		t.Fatal(err)
	}
}

func TestConsignmentsForms(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		`{"shipping":[{"id":1,"line_items":[{"id":5}]}],"pickups":[]}`,
		`[{"shipping":[{"id":1,"line_items":[{"id":5}]}],"pickups":[]}]`,
	} {
		var c Consignments
		if err := json.Unmarshal([]byte(in), &c); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if len(c.Shipping) != 1 || len(c.Shipping[0].LineItems) != 1 || c.Shipping[0].LineItems[0].ID != 5 {
			t.Errorf("%s: got %+v", in, c)
		}
	}
}

func TestOrderSubResources(t *testing.T) {
	t.Parallel()
	mux, c := setupResources(t)
	mux.handle("GET /v2/orders/218/products", func(w http.ResponseWriter, r *http.Request) {
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		wantQuery(t, r, url.Values{"page": {strconv.Itoa(page)}, "limit": {"250"}})
		n := map[int]int{1: 250, 2: 1}[page]
		writeJSON(w, 200, jsonArray(n, func(i int) string {
			return fmt.Sprintf(`{"id":%d,"order_id":218,"product_id":111,"variant_id":%d,"sku":"S%d","quantity":1,"base_price":"1.5000","product_options":[{"id":1,"value":12}]}`,
				(page-1)*250+i+1, 500+i, i)
		}))
	})
	mux.handle("GET /v2/orders/218/shipping_addresses", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `[{"id":9,"order_id":218,"first_name":"Trish","street_1":"666 Sussex St","city":"Austin","country_iso2":"US","cost_inc_tax":"5.0000","shipping_method":"Flat Rate"}]`)
	})
	mux.handle("GET /v2/orders/218/coupons", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) })
	mux.handle("GET /v2/orders/218/shipments", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) })
	mux.handle("POST /v2/orders/218/shipments", func(w http.ResponseWriter, r *http.Request) {
		wantBody(t, r, `{"order_address_id":9,"tracking_number":"1Z","items":[{"order_product_id":1,"quantity":1}]}`)
		writeJSON(w, 201, `{"id":4,"order_id":218,"order_address_id":9,"date_created":"Wed, 13 Mar 2019 10:00:00 +0000","tracking_number":"1Z","items":[{"order_product_id":1,"product_id":111,"quantity":1}]}`)
	})
	mux.handle("GET /v2/order_statuses", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `[{"id":0,"name":"Incomplete","system_label":"Incomplete","custom_label":"Incomplete","system_description":"x","order":0},{"id":1,"name":"Pending","order":1}]`)
	})
	ctx := context.Background()
	items, err := c.Orders.Products(ctx, 218)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 251 || items[250].ID != 251 || items[0].ProductOptions[0].Value != "12" || items[0].BasePrice != "1.5000" {
		t.Errorf("got %d line items", len(items))
	}
	addrs, err := c.Orders.ShippingAddresses(ctx, 218)
	if err != nil || len(addrs) != 1 || addrs[0].ID != 9 || addrs[0].OrderID != 218 || addrs[0].CostIncTax != "5.0000" ||
		addrs[0].Street1 != "666 Sussex St" || addrs[0].CountryISO2 != "US" || addrs[0].ShippingMethod != "Flat Rate" {
		t.Fatalf("ShippingAddresses = %+v, %v", addrs, err)
	}
	coupons, err := c.Orders.Coupons(ctx, 218)
	if err != nil || len(coupons) != 0 {
		t.Fatalf("Coupons = %v, %v; want empty on 204", coupons, err)
	}
	ships, err := c.Orders.Shipments(ctx, 218)
	if err != nil || len(ships) != 0 {
		t.Fatalf("Shipments = %v, %v; want empty on 204", ships, err)
	}
	sh, _, err := c.Orders.CreateShipment(ctx, 218, &ShipmentCreateRequest{OrderAddressID: 9, TrackingNumber: "1Z", Items: []*ShipmentItem{{OrderProductID: 1, Quantity: 1}}})
	if err != nil || sh.ID != 4 || sh.DateCreated.IsZero() {
		t.Fatalf("CreateShipment = %+v, %v", sh, err)
	}
	st, _, err := c.Orders.Statuses(ctx)
	if err != nil || len(st) != 2 || st[0].Name != "Incomplete" {
		t.Fatalf("Statuses = %v, %v", st, err)
	}
}

func TestOrdersCreate(t *testing.T) {
	t.Parallel()
	mux, c := setupResources(t)
	mux.handle("POST /v2/orders", func(w http.ResponseWriter, r *http.Request) {
		wantBody(t, r, `{"customer_id":0,"billing_address":{"first_name":"Jane","last_name":"Doe","company":"","street_1":"1 Main St","street_2":"",
			"city":"Austin","state":"Texas","zip":"78751","country":"United States","country_iso2":"US","phone":"","email":"jane@example.com"},
			"products":[{"product_id":111,"variant_id":501,"quantity":2},{"quantity":1,"name":"Gift wrap","price_ex_tax":2.00,"price_inc_tax":2.20}],
			"external_id":"ERP-77"}`)
		writeJSON(w, 200, v2Order(300))
	})
	o, _, err := c.Orders.Create(context.Background(), &OrderCreateRequest{
		BillingAddress: &BillingAddress{FirstName: "Jane", LastName: "Doe", Street1: "1 Main St", City: "Austin", State: "Texas",
			Zip: "78751", Country: "United States", CountryISO2: "US", Email: "jane@example.com"},
		Products:   []*OrderProductRequest{{ProductID: 111, VariantID: 501, Quantity: 2}, {Name: "Gift wrap", Quantity: 1, PriceExTax: "2.00", PriceIncTax: "2.20"}},
		ExternalID: "ERP-77",
	})
	if err != nil || o.ID != 300 {
		t.Fatalf("Create = %+v, %v", o, err)
	}
	_, _, err = c.Orders.Create(context.Background(), &OrderCreateRequest{BillingAddress: &BillingAddress{}, Products: []*OrderProductRequest{{Quantity: 1}}})
	wantBadRequest(t, err, "products[0]")
}

// FuzzDecodeOrder feeds arbitrary bytes to the order decoder (V2 answers are
// outside input): it must fail cleanly or give an order that encodes again.
func FuzzDecodeOrder(f *testing.F) {
	f.Add([]byte(v2Order(1)))
	f.Add([]byte(`{"id":1,"consignments":[{"shipping":[{"line_items":[{"product_options":[{"value":12}]}]}]}]}`))
	f.Add([]byte(`{"id":1,"consignments":{"shipping":null},"date_shipped":"","total_inc_tax":"1e3"}`))
	f.Add([]byte(`{"date_created":"Mon, 11 Mar 2019 15:17:25 +0000","external_id":null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var o Order
		if err := json.Unmarshal(data, &o); err != nil {
			return
		}
		if _, err := json.Marshal(&o); err != nil {
			t.Fatalf("decoded order does not encode: %v", err)
		}
	})
}
