package sandbox

import (
	"fmt"
	"testing"
)

type variantJSON struct {
	ID              int      `json:"id"`
	ProductID       int      `json:"product_id"`
	SKU             string   `json:"sku"`
	Price           *float64 `json:"price"`
	CalculatedPrice float64  `json:"calculated_price"`
	InventoryLevel  int      `json:"inventory_level"`
	OptionValues    []obj    `json:"option_values"`
}

// productWithOptions returns a seeded product whose stock is tracked per variant.
func productWithOptions(t *testing.T, c *client) ProductSnapshot {
	t.Helper()
	for _, id := range c.srv.Store.ProductIDs() {
		if p, _ := c.srv.Store.Product(id); p.InventoryTracking == "variant" && len(p.Variants) > 1 {
			return p
		}
	}
	t.Fatal("no seeded product tracks stock per variant")
	return ProductSnapshot{}
}

func TestStoreWideVariants(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Products: 30, Orders: 1})
	p := productWithOptions(t, c)
	one := must[envelope[[]variantJSON]](t, c.get("/v3/catalog/variants?sku="+p.Variants[1].SKU), 200).Data
	if len(one) != 1 || one[0].ID != p.Variants[1].ID || one[0].ProductID != p.ID {
		t.Fatalf("sku filter = %+v", one)
	}
	two := must[envelope[[]variantJSON]](t, c.get(fmt.Sprintf("/v3/catalog/variants?sku:in=%s,%s", p.Variants[0].SKU, p.Variants[1].SKU)), 200).Data
	if len(two) != 2 {
		t.Errorf("sku:in = %d variants, want 2", len(two))
	}
	var items []obj
	for i := range 51 {
		items = append(items, obj{"id": p.Variants[i%len(p.Variants)].ID, "inventory_level": 3})
	}
	if r := c.do("PUT", "/v3/catalog/variants", items); r.status != 413 {
		t.Fatalf("51 variants = %d, want 413", r.status)
	}
	upd := must[envelope[[]variantJSON]](t, c.do("PUT", "/v3/catalog/variants", []obj{
		{"id": p.Variants[0].ID, "inventory_level": 4, "price": 9.5},
		{"id": p.Variants[1].ID, "inventory_level": 6},
	}), 200).Data
	if len(upd) != 2 || upd[0].Price == nil || *upd[0].Price != 9.5 || upd[0].CalculatedPrice != 9.5 {
		t.Fatalf("batch update = %+v", upd)
	}
	after, _ := c.srv.Store.Product(p.ID)
	want := 0
	for _, v := range after.Variants {
		want += v.InventoryLevel
	}
	if after.InventoryLevel != want || after.Variants[0].InventoryLevel != 4 {
		t.Errorf("product inventory_level %d, want the variants' sum %d", after.InventoryLevel, want)
	}
	if r := c.do("PUT", "/v3/catalog/variants", []obj{{"inventory_level": 1}}); r.status != 422 {
		t.Errorf("item without id or product_id = %d, want 422", r.status)
	}
}

func TestProductVariantsEndpoints(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Products: 5, Orders: 1})
	created := must[envelope[productJSON]](t, c.do("POST", "/v3/catalog/products", obj{"name": "Mug", "type": "physical", "weight": 1, "price": 8, "sku": "MUG"}), 200).Data
	if created.BaseVariantID == nil || len(created.Variants) != 1 || created.Variants[0].SKU != "MUG" {
		t.Fatalf("a product without options has one base variant carrying its SKU: %+v", created)
	}
	base := fmt.Sprintf("/v3/catalog/products/%d", created.ID)
	if r := c.do("POST", base+"/variants", obj{"sku": "MUG-L"}); r.status != 422 {
		t.Errorf("variant without option_values = %d, want 422", r.status)
	}
	opt := must[envelope[obj]](t, c.do("POST", base+"/options", obj{"display_name": "Size", "type": "rectangles",
		"option_values": []obj{{"label": "S", "sort_order": 0}, {"label": "L", "sort_order": 1}}}), 200).Data
	optID := num(opt["id"])
	values := opt["option_values"].([]any)
	large := num(values[1].(obj)["id"])
	v := must[envelope[variantJSON]](t, c.do("POST", base+"/variants", obj{"sku": "MUG-L", "price": 10,
		"option_values": []obj{{"id": large, "option_id": optID}}}), 200).Data
	if v.ProductID != created.ID || len(v.OptionValues) != 1 {
		t.Fatalf("variant = %+v", v)
	}
	if r := c.do("POST", base+"/variants", obj{"sku": "MUG-L", "option_values": []obj{{"id": large, "option_id": optID}}}); r.status != 409 {
		t.Errorf("duplicate variant SKU = %d, want 409", r.status)
	}
	list := must[envelope[[]variantJSON]](t, c.get(base+"/variants"), 200)
	if len(list.Data) != 1 || list.Data[0].SKU != "MUG-L" {
		t.Errorf("the base variant gives way to the option variant: %+v", list.Data)
	}
	got := must[envelope[variantJSON]](t, c.do("PUT", fmt.Sprintf("%s/variants/%d", base, v.ID), obj{"inventory_level": 3}), 200).Data
	if got.InventoryLevel != 3 {
		t.Errorf("variant update = %+v", got)
	}
	if r := c.get(fmt.Sprintf("%s/variants/%d", base, 1)); r.status != 404 {
		t.Errorf("variant of another product = %d, want 404", r.status)
	}
	opts := must[envelope[[]obj]](t, c.get(base+"/options"), 200).Data
	if len(opts) != 1 {
		t.Errorf("options = %v", opts)
	}
	if r := c.do("DELETE", fmt.Sprintf("%s/options/%d", base, optID), nil); r.status != 204 {
		t.Errorf("delete option = %d", r.status)
	}
	if list := must[envelope[[]variantJSON]](t, c.get(base+"/variants"), 200); len(list.Data) != 0 {
		t.Errorf("variants of a deleted option remain: %+v", list.Data)
	}
}

func TestImagesAndCustomFields(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Products: 1, Orders: 1})
	p := must[envelope[productJSON]](t, c.do("POST", "/v3/catalog/products", obj{"name": "Bare", "type": "digital", "weight": 0, "price": 1}), 200).Data
	base := fmt.Sprintf("/v3/catalog/products/%d", p.ID)
	if r := c.get(base + "/images"); r.status != 204 || len(r.body) != 0 {
		t.Errorf("no images = %d %q, want 204 with no body", r.status, r.body)
	}
	if r := c.do("POST", base+"/images", obj{"description": "x"}); r.status != 422 {
		t.Errorf("image without image_url = %d", r.status)
	}
	img := must[envelope[obj]](t, c.do("POST", base+"/images", obj{"image_url": "https://example.com/a.png"}), 200).Data
	if img["url_standard"] == "" || img["is_thumbnail"] != true {
		t.Errorf("image = %v", img)
	}
	imgPath := fmt.Sprintf("%s/images/%d", base, num(img["id"]))
	must[envelope[obj]](t, c.do("PUT", imgPath, obj{"description": "front"}), 200)
	if r := c.do("DELETE", imgPath, nil); r.status != 204 {
		t.Errorf("delete image = %d", r.status)
	}
	cf := must[envelope[obj]](t, c.do("POST", base+"/custom-fields", obj{"name": "Origin", "value": "Spain"}), 200).Data
	if r := c.do("POST", base+"/custom-fields", obj{"name": "Origin", "value": "Spain"}); r.status != 409 {
		t.Errorf("duplicate custom field = %d, want 409", r.status)
	}
	if r := c.do("POST", base+"/custom-fields", obj{"name": "", "value": "x"}); r.status != 422 {
		t.Errorf("empty custom field name = %d, want 422", r.status)
	}
	cfPath := fmt.Sprintf("%s/custom-fields/%d", base, num(cf["id"]))
	if got := must[envelope[obj]](t, c.do("PUT", cfPath, obj{"value": "Portugal"}), 200).Data; got["value"] != "Portugal" {
		t.Errorf("custom field update = %v", got)
	}
	if list := must[envelope[[]obj]](t, c.get(base+"/custom-fields"), 200).Data; len(list) != 1 {
		t.Errorf("custom fields = %v", list)
	}
	if r := c.do("DELETE", cfPath, nil); r.status != 204 {
		t.Errorf("delete custom field = %d", r.status)
	}
}
