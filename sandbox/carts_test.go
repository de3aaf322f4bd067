package sandbox

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

type cartJSON struct {
	ID         string  `json:"id"`
	CustomerID int     `json:"customer_id"`
	Email      string  `json:"email"`
	BaseAmount float64 `json:"base_amount"`
	CartAmount float64 `json:"cart_amount"`
	Version    int     `json:"version"`
	LineItems  struct {
		PhysicalItems []struct {
			ID                string  `json:"id"`
			ProductID         int     `json:"product_id"`
			VariantID         int     `json:"variant_id"`
			SKU               string  `json:"sku"`
			Quantity          int     `json:"quantity"`
			ListPrice         float64 `json:"list_price"`
			ExtendedSalePrice float64 `json:"extended_sale_price"`
		} `json:"physical_items"`
		CustomItems []struct {
			ID  string `json:"id"`
			SKU string `json:"sku"`
		} `json:"custom_items"`
	} `json:"line_items"`
	RedirectURLs *struct {
		CheckoutURL string `json:"checkout_url"`
	} `json:"redirect_urls"`
}

var uuidForm = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// untrackedSimple is a seeded product without options that tracks no stock.
func untrackedSimple(t *testing.T, c *client) ProductSnapshot {
	t.Helper()
	return seededProduct(t, c, "untracked without options", func(p ProductSnapshot) bool {
		return p.InventoryTracking == "none" && len(p.Variants) == 1
	})
}

func TestCartLifecycle(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Products: 40, Customers: 3, Orders: 1})
	rc := newReceiver(t)
	must[envelope[obj]](t, c.do("POST", "/v3/hooks", obj{"scope": "store/cart/*", "destination": rc.srv.URL}), 200)
	simple, pv := untrackedSimple(t, c), productWithOptions(t, c)
	ct := must[envelope[cartJSON]](t, c.do("POST", "/v3/carts?include=redirect_urls", obj{"customer_id": 1,
		"line_items": []obj{{"product_id": simple.ID, "quantity": 2, "list_price": 5}}}), 201).Data
	if !uuidForm.MatchString(ct.ID) || ct.CustomerID != 1 || ct.Email == "" || ct.Version != 1 {
		t.Errorf("new cart = %+v", ct)
	}
	if ct.BaseAmount != 10 || ct.CartAmount != 10 || len(ct.LineItems.PhysicalItems) != 1 || ct.LineItems.PhysicalItems[0].SKU != simple.SKU {
		t.Errorf("cart amounts and lines = %+v", ct)
	}
	if ct.RedirectURLs == nil || !strings.Contains(ct.RedirectURLs.CheckoutURL, ct.ID) {
		t.Errorf("include=redirect_urls gave %+v", ct.RedirectURLs)
	}
	base := "/v3/carts/" + ct.ID
	v := pv.Variants[1]
	if v.InventoryLevel == 0 {
		must[obj](t, c.do("PUT", "/v3/inventory/adjustments/absolute", obj{"items": []obj{{"location_id": 1, "variant_id": v.ID, "quantity": 5}}}), 200)
		v.InventoryLevel = 5
	}
	added := must[envelope[cartJSON]](t, c.do("POST", base+"/items", obj{"line_items": []obj{{"product_id": pv.ID, "variant_id": v.ID, "quantity": 1}},
		"custom_items": []obj{{"sku": "GIFT-WRAP", "name": "Gift wrap", "quantity": 1, "list_price": 2}}}), 201).Data
	if len(added.LineItems.PhysicalItems) != 2 || len(added.LineItems.CustomItems) != 1 || added.Version != 2 {
		t.Fatalf("after adding = %+v", added)
	}
	// The same product added again adds to its line.
	again := must[envelope[cartJSON]](t, c.do("POST", base+"/items", obj{"line_items": []obj{{"product_id": simple.ID, "quantity": 1}}}), 201).Data
	if len(again.LineItems.PhysicalItems) != 2 || again.LineItems.PhysicalItems[0].Quantity != 3 {
		t.Errorf("same product again = %+v, want its line at 3", again.LineItems.PhysicalItems)
	}
	if r := c.do("POST", base+"/items", obj{"line_items": []obj{{"product_id": pv.ID, "variant_id": v.ID, "quantity": v.InventoryLevel}}}); r.status != 422 {
		t.Errorf("more than the variant holds = %d %s, want 422", r.status, r.body)
	}
	if r := c.do("POST", base+"/items", obj{"line_items": []obj{{"product_id": pv.ID, "quantity": 1}}}); r.status != 422 {
		t.Errorf("a product with options and no variant = %d, want 422", r.status)
	}
	if r := c.do("POST", base+"/items", obj{"version": 1, "line_items": []obj{{"product_id": simple.ID, "quantity": 1}}}); r.status != 409 {
		t.Errorf("stale version = %d, want 409", r.status)
	}
	got := must[envelope[cartJSON]](t, c.get(base), 200).Data
	if got.ID != ct.ID || got.BaseAmount != again.BaseAmount || got.RedirectURLs != nil {
		t.Errorf("GET = %+v, want the cart as last answered", got)
	}
	line := got.LineItems.PhysicalItems[0].ID
	upd := must[envelope[cartJSON]](t, c.do("PUT", base+"/items/"+line, obj{"line_item": obj{"product_id": simple.ID, "quantity": 1}}), 200).Data
	if upd.LineItems.PhysicalItems[0].Quantity != 1 || upd.LineItems.PhysicalItems[0].ExtendedSalePrice != 5 {
		t.Errorf("after PUT quantity 1: %+v", upd.LineItems.PhysicalItems[0])
	}
	must[envelope[cartJSON]](t, c.do("DELETE", base+"/items/"+line, nil), 200)
	if r := c.do("DELETE", base+"/items/"+line, nil); r.status != 404 {
		t.Errorf("deleting a deleted line = %d, want 404", r.status)
	}
	if r := c.readOnly().do("DELETE", base, nil); r.status != 403 {
		t.Errorf("read-only delete = %d, want 403", r.status)
	}
	if r := c.do("DELETE", base, nil); r.status != 204 {
		t.Errorf("DELETE cart = %d", r.status)
	}
	if r := c.get(base); r.status != 404 {
		t.Errorf("deleted cart = %d, want 404", r.status)
	}
	seen := map[string]bool{}
	// 2 for the create, 3 for the add, 2 for the same product again, 2 for
	// the PUT, 2 for the line deleted, 1 for the cart deleted; deliveries
	// may arrive in any order.
	for range 12 {
		d := rc.next(t)
		seen[d.body.Scope] = true
		if strings.HasPrefix(d.body.Scope, "store/cart/lineItem/") && !containsAll(string(d.body.Data), `"type":"cart_line_item"`, `"cartId":"`+ct.ID+`"`) {
			t.Errorf("line event data = %s", d.body.Data)
		}
	}
	for _, want := range []string{"store/cart/created", "store/cart/lineItem/created", "store/cart/lineItem/updated", "store/cart/lineItem/deleted", "store/cart/updated", "store/cart/deleted"} {
		if !seen[want] {
			t.Errorf("no %s among %v", want, seen)
		}
	}
}

func TestCartLastLineDeletesCart(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Products: 20, Orders: 1})
	simple := untrackedSimple(t, c)
	ct := must[envelope[cartJSON]](t, c.do("POST", "/v3/carts", obj{"line_items": []obj{{"product_id": simple.ID, "quantity": 1}}}), 201).Data
	if r := c.do("DELETE", fmt.Sprintf("/v3/carts/%s/items/%s", ct.ID, ct.LineItems.PhysicalItems[0].ID), nil); r.status != 204 {
		t.Errorf("deleting the last line = %d, want 204", r.status)
	}
	if r := c.get("/v3/carts/" + ct.ID); r.status != 404 {
		t.Errorf("cart after its last line went = %d, want 404", r.status)
	}
	e := must[v3Err](t, c.do("POST", "/v3/carts", obj{"line_items": []obj{{"product_id": 999999, "quantity": 1}}}), 422)
	if _, ok := e.Errors["line_items.0.product_id"]; !ok {
		t.Errorf("unknown product: errors %v", e.Errors)
	}
}
