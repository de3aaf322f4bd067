package sandbox

import (
	"fmt"
	"testing"
)

// TestVariantTrackedStockOnCreate: a product that tracks stock by variant
// takes each variant's inventory_level; a product-level inventory_level is
// ignored, as the spec's prose says ("Simple inventory tracking must be
// enabled ... for this to take any effect"), and the product reports the sum
// of its variants.
func TestVariantTrackedStockOnCreate(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Orders: 1, Products: 1, Customers: 1})
	p := must[envelope[productJSON]](t, c.do("POST", "/v3/catalog/products", obj{"name": "Stocked", "type": "physical", "weight": 1, "price": 3,
		"inventory_tracking": "variant", "inventory_level": 100, "variants": []obj{
			{"sku": "ST-S", "inventory_level": 5, "option_values": []obj{{"option_display_name": "Size", "label": "S"}}},
			{"sku": "ST-M", "inventory_level": 7, "option_values": []obj{{"option_display_name": "Size", "label": "M"}}}}}), 200).Data
	got := must[envelope[productJSON]](t, c.get(fmt.Sprintf("/v3/catalog/products/%d?include=variants", p.ID)), 200).Data
	if got.InventoryLevel != 12 || len(got.Variants) != 2 || got.Variants[0].InventoryLevel != 5 || got.Variants[1].InventoryLevel != 7 {
		t.Errorf("variant-tracked product on create: level %d, variants %+v; want 12 = 5 + 7", got.InventoryLevel, got.Variants)
	}
}

// TestOrderOverStock: BigCommerce's documentation says nothing about an
// order for more units than are in stock; the sandbox accepts it, takes
// the stock to 0 (never below) and counts the units sold, as its package
// documentation lists among its differences.
func TestOrderOverStock(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Orders: 1, Products: 1, Customers: 1})
	p := must[envelope[productJSON]](t, c.do("POST", "/v3/catalog/products", obj{"name": "Scarce", "type": "physical", "weight": 1, "price": 3,
		"sku": "SCARCE", "inventory_tracking": "product", "inventory_level": 2}), 200).Data
	o := must[orderJSON](t, c.do("POST", "/v2/orders", obj{"billing_address": billing(), "products": []obj{{"product_id": p.ID, "quantity": 5}}}), 200)
	if o.ItemsTotal != 5 {
		t.Errorf("order items_total = %d, want 5", o.ItemsTotal)
	}
	snap, _ := c.srv.Store.Product(p.ID)
	if snap.InventoryLevel != 0 || snap.TotalSold != 5 {
		t.Errorf("after an order over stock: level %d, sold %d; want 0 and 5", snap.InventoryLevel, snap.TotalSold)
	}
}

// TestPaymentProviderIDIsAString: an order without a payment provider
// carries payment_provider_id "", as BigCommerce sends it, never null.
func TestPaymentProviderIDIsAString(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Orders: 3, Products: 2, Customers: 1})
	for _, o := range must[[]obj](t, c.get("/v2/orders"), 200) {
		if v, ok := o["payment_provider_id"].(string); !ok || v != "" {
			t.Errorf("order %v: payment_provider_id = %#v, want \"\"", o["id"], o["payment_provider_id"])
		}
	}
}
