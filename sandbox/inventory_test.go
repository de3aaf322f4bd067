package sandbox

import (
	"fmt"
	"strings"
	"testing"
)

type inventoryItemJSON struct {
	Identity struct {
		SKU       string `json:"sku"`
		VariantID *int   `json:"variant_id"`
		ProductID int    `json:"product_id"`
	} `json:"identity"`
	Locations []struct {
		LocationID           int  `json:"location_id"`
		AvailableToSell      int  `json:"available_to_sell"`
		TotalInventoryOnhand int  `json:"total_inventory_onhand"`
		LocationEnabled      bool `json:"location_enabled"`
		Settings             struct {
			SafetyStock int `json:"safety_stock"`
		} `json:"settings"`
	} `json:"locations"`
}

// seededProduct returns the first seeded product keep accepts; what says
// what was looked for.
func seededProduct(t *testing.T, c *client, what string, keep func(ProductSnapshot) bool) ProductSnapshot {
	t.Helper()
	for _, id := range c.srv.Store.ProductIDs() {
		if p, _ := c.srv.Store.Product(id); keep(p) {
			return p
		}
	}
	t.Fatalf("no seeded product is %s", what)
	return ProductSnapshot{}
}

// productTrackedWhole is a seeded product without options whose stock is
// tracked per product.
func productTrackedWhole(t *testing.T, c *client) ProductSnapshot {
	t.Helper()
	return seededProduct(t, c, "tracked per product without options", func(p ProductSnapshot) bool {
		return p.InventoryTracking == "product" && len(p.Variants) == 1
	})
}

func TestAbsoluteAdjustmentSetsCatalogStock(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Products: 40, Orders: 1})
	rc := newReceiver(t)
	must[envelope[obj]](t, c.do("POST", "/v3/hooks", obj{"scope": "store/*", "destination": rc.srv.URL}), 200)
	pv, pp := productWithOptions(t, c), productTrackedWhole(t, c)
	r := must[obj](t, c.do("PUT", "/v3/inventory/adjustments/absolute", obj{"reason": "count", "items": []obj{
		{"location_id": 1, "sku": pv.Variants[0].SKU, "quantity": 7},
		{"location_id": 1, "variant_id": pv.Variants[1].ID, "quantity": 11},
		{"location_id": 1, "product_id": pp.ID, "quantity": 42},
	}}), 200)
	if id, _ := r["transaction_id"].(string); id == "" {
		t.Errorf("answer %v has no transaction_id", r)
	}
	after, _ := c.srv.Store.Product(pv.ID)
	if after.Variants[0].InventoryLevel != 7 || after.Variants[1].InventoryLevel != 11 {
		t.Errorf("variant levels = %d, %d; want 7, 11", after.Variants[0].InventoryLevel, after.Variants[1].InventoryLevel)
	}
	sum := 0
	for _, v := range after.Variants {
		sum += v.InventoryLevel
	}
	if after.InventoryLevel != sum {
		t.Errorf("product level %d, want the variants' sum %d", after.InventoryLevel, sum)
	}
	if whole, _ := c.srv.Store.Product(pp.ID); whole.InventoryLevel != 42 || whole.Variants[0].InventoryLevel != 42 {
		t.Errorf("product-tracked level = %d (base variant %d), want 42", whole.InventoryLevel, whole.Variants[0].InventoryLevel)
	}
	events := map[string]int{}
	for range 3 {
		d := rc.next(t)
		if strings.Contains(d.body.Scope, "inventory") {
			events[d.body.Scope]++
			if !containsAll(string(d.body.Data), `"method":"absolute"`) {
				t.Errorf("inventory event data = %s", d.body.Data)
			}
		}
	}
	if n := events["store/product/inventory/updated"] + events["store/sku/inventory/updated"]; n == 0 {
		t.Errorf("no inventory event among %v", events)
	}
}

func TestAdjustmentRefusesWholePayload(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Products: 40, Orders: 1})
	pv, pp := productWithOptions(t, c), productTrackedWhole(t, c)
	before, _ := c.srv.Store.Product(pp.ID)
	cases := []struct {
		name string
		bad  obj
		key  string
	}{
		{"product id of a variant-tracked product", obj{"location_id": 1, "product_id": pv.ID, "quantity": 1}, "items.1.identity"},
		{"unknown sku", obj{"location_id": 1, "sku": "NO-SUCH-SKU", "quantity": 1}, "items.1.identity"},
		{"unknown location", obj{"location_id": 99, "product_id": pp.ID, "quantity": 1}, "items.1.location_id"},
		{"missing quantity", obj{"location_id": 1, "product_id": pp.ID}, "items.1.quantity"},
		{"negative level", obj{"location_id": 1, "product_id": pp.ID, "quantity": -1}, "items.1.quantity"},
	}
	for _, tc := range cases {
		e := must[v3Err](t, c.do("PUT", "/v3/inventory/adjustments/absolute", obj{"items": []obj{
			{"location_id": 1, "product_id": pp.ID, "quantity": before.InventoryLevel + 5}, tc.bad}}), 422)
		if _, ok := e.Errors[tc.key]; !ok {
			t.Errorf("%s: errors %v do not name %s", tc.name, e.Errors, tc.key)
		}
	}
	if after, _ := c.srv.Store.Product(pp.ID); after.InventoryLevel != before.InventoryLevel {
		t.Errorf("a refused payload changed stock: %d -> %d", before.InventoryLevel, after.InventoryLevel)
	}
	var big []obj
	for range maxAdjustmentItems + 1 {
		big = append(big, obj{"location_id": 1, "product_id": pp.ID, "quantity": 1})
	}
	if r := c.do("PUT", "/v3/inventory/adjustments/absolute", obj{"items": big}); r.status != 413 {
		t.Errorf("%d items = %d, want 413", len(big), r.status)
	}
	if r := c.readOnly().do("PUT", "/v3/inventory/adjustments/absolute", obj{"items": []obj{}}); r.status != 403 || !strings.Contains(string(r.body), "store_inventory") {
		t.Errorf("read-only token = %d %s, want 403 naming store_inventory", r.status, r.body)
	}
}

// A product with options tracked as a whole is adjusted by its own SKU or
// id, and refused by a variant's.
func TestAdjustProductWithOptionsTrackedWhole(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Products: 5, Orders: 1})
	p := must[envelope[productJSON]](t, c.do("POST", "/v3/catalog/products", obj{"name": "Whole", "type": "physical", "weight": 1, "price": 5,
		"sku": "WHOLE", "inventory_tracking": "product", "variants": []obj{
			{"sku": "WHOLE-S", "option_values": []obj{{"option_display_name": "Size", "label": "S"}}},
			{"sku": "WHOLE-M", "option_values": []obj{{"option_display_name": "Size", "label": "M"}}}}}), 200).Data
	must[obj](t, c.do("PUT", "/v3/inventory/adjustments/absolute", obj{"items": []obj{{"location_id": 1, "sku": "WHOLE", "quantity": 12}}}), 200)
	if got, _ := c.srv.Store.Product(p.ID); got.InventoryLevel != 12 {
		t.Errorf("level by the product's SKU = %d, want 12", got.InventoryLevel)
	}
	e := must[v3Err](t, c.do("PUT", "/v3/inventory/adjustments/absolute", obj{"items": []obj{{"location_id": 1, "sku": "WHOLE-S", "quantity": 1}}}), 422)
	if !strings.Contains(e.Errors["items.0.identity"], "tracked by product") {
		t.Errorf("a variant of a product tracked whole: %v", e.Errors)
	}
}

func TestRelativeAdjustment(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Products: 40, Orders: 1})
	pp := productTrackedWhole(t, c)
	must[obj](t, c.do("PUT", "/v3/inventory/adjustments/absolute", obj{"items": []obj{{"location_id": 1, "product_id": pp.ID, "quantity": 10}}}), 200)
	must[obj](t, c.do("POST", "/v3/inventory/adjustments/relative", obj{"items": []obj{
		{"location_id": 1, "sku": pp.SKU, "quantity": -3}, {"location_id": 1, "product_id": pp.ID, "quantity": 5}}}), 200)
	if p, _ := c.srv.Store.Product(pp.ID); p.InventoryLevel != 12 {
		t.Errorf("level after 10 -3 +5 = %d, want 12", p.InventoryLevel)
	}
	e := must[v3Err](t, c.do("POST", "/v3/inventory/adjustments/relative", obj{"items": []obj{{"location_id": 1, "product_id": pp.ID, "quantity": -13}}}), 422)
	if _, ok := e.Errors["items.0.quantity"]; !ok {
		t.Errorf("going below zero: errors %v", e.Errors)
	}
}

func TestLocationsAndItemsPerLocation(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Products: 40, Orders: 1})
	pv := productWithOptions(t, c)
	locs := must[envelope[[]obj]](t, c.get("/v3/inventory/locations"), 200).Data
	if len(locs) != 1 || num(locs[0]["id"]) != 1 {
		t.Fatalf("locations = %v, want the default location alone", locs)
	}
	e := must[v3Err](t, c.do("POST", "/v3/inventory/locations", []obj{{"code": "WH-2"}}), 422)
	if _, ok := e.Errors["0.label"]; !ok {
		t.Errorf("location without label: errors %v", e.Errors)
	}
	must[obj](t, c.do("POST", "/v3/inventory/locations", []obj{{"code": "WH-2", "label": "Warehouse", "time_zone": "Etc/UTC", "type_id": "VIRTUAL"}}), 200)
	if r := c.do("POST", "/v3/inventory/locations", []obj{{"code": "WH-2", "label": "Again", "time_zone": "Etc/UTC", "type_id": "VIRTUAL"}}); r.status != 422 {
		t.Errorf("duplicate code = %d, want 422", r.status)
	}
	wh := must[envelope[[]obj]](t, c.get("/v3/inventory/locations?location_code:in=WH-2"), 200).Data
	if len(wh) != 1 {
		t.Fatalf("location_code:in = %v", wh)
	}
	whID := num(wh[0]["id"])
	v := pv.Variants[0]
	must[obj](t, c.do("PUT", "/v3/inventory/adjustments/absolute", obj{"items": []obj{
		{"location_id": 1, "variant_id": v.ID, "quantity": 4}, {"location_id": whID, "variant_id": v.ID, "quantity": 6}}}), 200)
	if p, _ := c.srv.Store.Product(pv.ID); p.Variants[0].InventoryLevel != 10 {
		t.Errorf("catalog level = %d, want 4 + 6", p.Variants[0].InventoryLevel)
	}
	items := must[envelope[[]inventoryItemJSON]](t, c.get("/v3/inventory/items?sku:in="+v.SKU), 200).Data
	if len(items) != 1 || items[0].Identity.VariantID == nil || *items[0].Identity.VariantID != v.ID || len(items[0].Locations) != 2 {
		t.Fatalf("items = %+v", items)
	}
	at := map[int]int{}
	for _, l := range items[0].Locations {
		at[l.LocationID] = l.TotalInventoryOnhand
	}
	if at[1] != 4 || at[whID] != 6 {
		t.Errorf("levels per location = %v, want 1:4 %d:6", at, whID)
	}
	must[obj](t, c.do("PUT", fmt.Sprintf("/v3/inventory/locations/%d/items", whID), obj{"settings": []obj{{"identity": obj{"variant_id": v.ID}, "safety_stock": 2}}}), 200)
	one := must[envelope[[]obj]](t, c.get(fmt.Sprintf("/v3/inventory/locations/%d/items?variant_id:in=%d", whID, v.ID)), 200).Data
	if len(one) != 1 || num(one[0]["total_inventory_onhand"]) != 6 || num(one[0]["available_to_sell"]) != 4 {
		t.Errorf("location items = %v, want on hand 6, available 6-2", one)
	}
	if r := c.get("/v3/inventory/locations/77/items"); r.status != 404 {
		t.Errorf("unknown location = %d, want 404", r.status)
	}
	// An order takes stock from the default location first.
	if _, err := c.srv.Store.CreateOrder(&OrderInput{BillingAddress: &OrderAddress{FirstName: "A", Email: "a@example.com"},
		Products: []OrderProductInput{{VariantID: &v.ID, Quantity: ptr(3)}}}); err != nil {
		t.Fatal(err)
	}
	items = must[envelope[[]inventoryItemJSON]](t, c.get(fmt.Sprintf("/v3/inventory/items?variant_id:in=%d", v.ID)), 200).Data
	for _, l := range items[0].Locations {
		if want := map[int]int{1: 1, whID: 6}[l.LocationID]; l.TotalInventoryOnhand != want {
			t.Errorf("after an order of 3, location %d holds %d, want %d", l.LocationID, l.TotalInventoryOnhand, want)
		}
	}
	if r := c.do("DELETE", "/v3/inventory/locations?location_id:in=1", nil); r.status != 422 {
		t.Errorf("deleting the default location = %d, want 422", r.status)
	}
	must[obj](t, c.do("DELETE", fmt.Sprintf("/v3/inventory/locations?location_id:in=%d", whID), nil), 200)
	if p, _ := c.srv.Store.Product(pv.ID); p.Variants[0].InventoryLevel != 1 {
		t.Errorf("after deleting the warehouse the level is %d, want the default location's 1", p.Variants[0].InventoryLevel)
	}
}

func TestInventoryItemsPageUpTo1000(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Products: 300, Orders: 1})
	all := must[envelope[[]inventoryItemJSON]](t, c.get("/v3/inventory/items?limit=1000"), 200)
	if all.Meta.Pagination.PerPage != 1000 || len(all.Data) != all.Meta.Pagination.Total || len(all.Data) <= 250 {
		t.Errorf("limit=1000: %d items of %d, per_page %d", len(all.Data), all.Meta.Pagination.Total, all.Meta.Pagination.PerPage)
	}
	second := must[envelope[[]inventoryItemJSON]](t, c.get("/v3/inventory/items?limit=100&page=2"), 200)
	if second.Meta.Pagination.Total != all.Meta.Pagination.Total || len(second.Data) != 100 {
		t.Fatalf("page 2 of 100: %d items, total %d", len(second.Data), second.Meta.Pagination.Total)
	}
	for i, it := range second.Data {
		if want := all.Data[100+i].Identity; it.Identity.SKU != want.SKU || it.Identity.ProductID != want.ProductID {
			t.Fatalf("page 2 item %d = %+v, want %+v", i, it.Identity, want)
		}
	}
	// The 413 names this list's own maximum, not the catalog's 250.
	over := must[v3Err](t, c.get("/v3/inventory/items?limit=1001"), 413)
	if got := over.Errors["limit"]; !strings.Contains(got, "1001") || !strings.Contains(got, "maximum of 1000") {
		t.Errorf("limit=1001 error %q does not name the maximum of 1000", got)
	}
}

func TestInventoryEndpointsTakeFaults(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Products: 5, Orders: 1, Faults: Faults{ServerErrors: map[int]float64{503: 1}}})
	if r := c.get("/v3/inventory/items"); r.status != 503 {
		t.Errorf("items under a 503 fault = %d", r.status)
	}
}
