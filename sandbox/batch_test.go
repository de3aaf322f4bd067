package sandbox

import "testing"

// A refused batch changes nothing, even when its first items are valid.
func TestBatchUpdatesAreAllOrNothing(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Products: 40, Orders: 1})
	pv := productWithOptions(t, c)
	ids := c.srv.Store.ProductIDs()
	p1, _ := c.srv.Store.Product(ids[0])
	p2, _ := c.srv.Store.Product(ids[1])
	if r := c.do("PUT", "/v3/catalog/products", []obj{{"id": p1.ID, "sku": "BATCH-DUP"}, {"id": p2.ID, "sku": "BATCH-DUP"}}); r.status != 409 {
		t.Errorf("two products given one SKU = %d %s, want 409", r.status, r.body)
	}
	if r := c.do("PUT", "/v3/catalog/products", []obj{{"id": p1.ID, "name": "Same name"}, {"id": p2.ID, "name": "Same name"}}); r.status != 409 {
		t.Errorf("two products given one name = %d %s, want 409", r.status, r.body)
	}
	if after, _ := c.srv.Store.Product(p1.ID); after.SKU != p1.SKU || after.Name != p1.Name {
		t.Errorf("a refused batch changed product %d: %q %q", p1.ID, after.SKU, after.Name)
	}
	v0, v1 := pv.Variants[0], pv.Variants[1]
	cases := []struct {
		name   string
		second obj
		status int
	}{
		{"negative stock", obj{"id": v1.ID, "inventory_level": -1}, 422},
		{"a SKU the first item takes", obj{"id": v1.ID, "sku": "BATCH-V"}, 409},
		{"a new variant without option values", obj{"product_id": pv.ID, "sku": "BATCH-NEW"}, 422},
	}
	for _, tc := range cases {
		first := obj{"id": v0.ID, "inventory_level": v0.InventoryLevel + 7, "sku": "BATCH-V"}
		if r := c.do("PUT", "/v3/catalog/variants", []obj{first, tc.second}); r.status != tc.status {
			t.Errorf("%s = %d %s, want %d", tc.name, r.status, r.body, tc.status)
		}
		if after, _ := c.srv.Store.Product(pv.ID); after.Variants[0].InventoryLevel != v0.InventoryLevel || after.Variants[0].SKU != v0.SKU {
			t.Fatalf("%s: the refused batch changed variant %d to %+v", tc.name, v0.ID, after.Variants[0])
		}
	}
}
