package bigcommerce

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
)

// TestValueRulesAreLeftToTheStore: allowed values, lengths and ranges are the
// tools' schemas' to declare (issue 17); the client checks only what the
// wire format needs, so a value only those rules refuse is sent, and the
// store's own refusal (422) comes back.
func TestValueRulesAreLeftToTheStore(t *testing.T) {
	t.Parallel()
	mux, c := setupResources(t)
	refuse := func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 422, `{"status":422,"title":"The request payload is invalid","errors":{"field":"refused by the store"}}`)
	}
	for _, route := range []string{"GET /v3/customers", "POST /v3/customers", "GET /v3/catalog/products",
		"POST /v3/orders/1/metafields", "POST /v3/catalog/products/1/custom-fields"} {
		mux.handle(route, refuse)
	}
	mux.handle("GET /v2/orders", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 400, `[{"status":400,"message":"The field 'sort' is invalid."}]`)
	})
	mux.handle("PUT /v2/orders/1", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 400, `[{"status":400,"message":"The field 'status_id' is invalid."}]`)
	})
	ctx := context.Background()
	long := strings.Repeat("x", 300)
	for name, call := range map[string]func() error{
		"customer sort": func() error {
			_, _, err := c.Customers.List(ctx, &CustomerListOptions{Sort: "email:asc"})
			return err
		},
		"order sort": func() error { _, _, err := c.Orders.List(ctx, &OrderListOptions{Sort: "total:up"}); return err },
		"order status id": func() error {
			_, _, err := c.Orders.Update(ctx, 1, &OrderUpdateRequest{StatusID: Ptr(15)})
			return err
		},
		"product availability": func() error {
			_, _, err := c.Products.List(ctx, &ProductListOptions{Availability: "sold_out"})
			return err
		},
		"customer email, name length, country code, address type": func() error {
			_, err := c.Customers.Create(ctx, []*CustomerCreateRequest{{Email: "no-at-sign", FirstName: long, LastName: "N",
				Addresses: []*AddressCreateRequest{{AddressFields: AddressFields{FirstName: "C", LastName: "N", Address1: "1 St", City: "X", CountryCode: "USA", AddressType: "home"}}}}})
			return err
		},
		"metafield lengths": func() error {
			_, _, err := c.Metafields.Create(ctx, MetafieldOwner{Type: MetafieldOwnerOrder, ID: 1},
				&MetafieldCreateRequest{Namespace: long, Key: long, Value: "v", PermissionSet: "app_only", Description: long})
			return err
		},
		"custom field lengths": func() error {
			_, _, err := c.Products.CreateCustomField(ctx, 1, &CustomFieldRequest{Name: long, Value: long})
			return err
		},
	} {
		var api *APIError
		if err := call(); !errors.As(err, &api) {
			t.Errorf("%s: %v is not the store's answer (*APIError): the client refused it itself", name, err)
		}
	}
}
