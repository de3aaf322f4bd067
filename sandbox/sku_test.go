package sandbox

import (
	"fmt"
	"testing"
)

// TestSKUsUniqueAcrossProductsAndVariants: a product's own SKU stays taken
// once the product has variants, and no product or variant anywhere may take
// a SKU another one holds (409).
func TestSKUsUniqueAcrossProductsAndVariants(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Orders: 1, Products: 30, Customers: 1})
	p := productWithOptions(t, c) // its own SKU (SKU-000NN) is held by no variant
	other := must[envelope[productJSON]](t, c.do("POST", "/v3/catalog/products", obj{"name": "Other", "type": "physical", "weight": 1, "price": 1, "sku": "OTHER-1"}), 200).Data
	withOpts := must[envelope[productJSON]](t, c.do("POST", "/v3/catalog/products", obj{"name": "Opts", "type": "physical", "weight": 1, "price": 1,
		"sku": "OPTS", "variants": []obj{{"sku": "OPTS-S", "option_values": []obj{{"option_display_name": "Size", "label": "S"}}}}}), 200).Data
	vpath := fmt.Sprintf("/v3/catalog/products/%d/variants/%d", withOpts.ID, withOpts.Variants[0].ID)
	for _, tt := range []struct {
		name, method, path string
		body               obj
	}{
		{"new product takes a product-level SKU of a product with variants", "POST", "/v3/catalog/products",
			obj{"name": "Thief", "type": "physical", "weight": 1, "price": 1, "sku": p.SKU}},
		{"product update takes it", "PUT", fmt.Sprintf("/v3/catalog/products/%d", other.ID), obj{"sku": p.SKU}},
		{"variant update takes it", "PUT", vpath, obj{"sku": p.SKU}},
		{"variant update takes another product's SKU", "PUT", vpath, obj{"sku": "OTHER-1"}},
		{"product update takes a variant's SKU", "PUT", fmt.Sprintf("/v3/catalog/products/%d", other.ID), obj{"sku": p.Variants[0].SKU}},
		{"new product's variant takes a product's SKU", "POST", "/v3/catalog/products", obj{"name": "Thief 2", "type": "physical", "weight": 1, "price": 1,
			"variants": []obj{{"sku": "OTHER-1", "option_values": []obj{{"option_display_name": "Size", "label": "S"}}}}}},
		{"batch variant update takes it", "PUT", "/v3/catalog/variants", nil},
	} {
		body := any(tt.body)
		if tt.body == nil {
			body = []obj{{"id": withOpts.Variants[0].ID, "sku": p.SKU}}
		}
		r := c.do(tt.method, tt.path, body)
		e := must[v3Err](t, r, 409)
		if e.Errors["sku"] == "" {
			t.Errorf("%s: 409 without the sku field: %s", tt.name, r.body)
		}
	}
	// A product keeps its own SKU through an update that repeats it, and its
	// base variant shares it.
	must[envelope[productJSON]](t, c.do("PUT", fmt.Sprintf("/v3/catalog/products/%d", other.ID), obj{"sku": "OTHER-1", "price": 2}), 200)
	must[envelope[obj]](t, c.do("PUT", fmt.Sprintf("/v3/catalog/products/%d/variants/%d", other.ID, *other.BaseVariantID), obj{"sku": "OTHER-2"}), 200)
	if got := must[envelope[productJSON]](t, c.get(fmt.Sprintf("/v3/catalog/products/%d", other.ID)), 200).Data; got.SKU != "OTHER-2" {
		t.Errorf("renaming the base variant's SKU renames the product's: %q", got.SKU)
	}
	// The freed SKU is free again.
	must[envelope[productJSON]](t, c.do("POST", "/v3/catalog/products", obj{"name": "Heir", "type": "physical", "weight": 1, "price": 1, "sku": "OTHER-1"}), 200)
}
