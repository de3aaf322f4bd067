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
	"time"

	"github.com/google/go-cmp/cmp"
)

const productFixture = `{
  "id": 111, "name": "Coffee Mug", "type": "physical", "sku": "MUG-1", "description": "<p>A mug</p>",
  "weight": 0.5, "width": 0, "depth": 0, "height": 10, "price": 12.99, "cost_price": 4.1, "retail_price": 0,
  "sale_price": 0, "calculated_price": 12.99, "tax_class_id": 0, "categories": [23, 24], "brand_id": 7,
  "inventory_level": 40, "inventory_warning_level": 5, "inventory_tracking": "variant", "total_sold": 3,
  "fixed_cost_shipping_price": 0, "is_free_shipping": false, "is_visible": true, "is_featured": false,
  "availability": "available", "condition": "New", "date_created": "2025-01-15T00:03:17+00:00",
  "date_modified": "2025-02-01T10:00:00+00:00", "custom_url": {"url": "/coffee-mug/", "is_customized": false},
  "base_variant_id": 0, "map_price": 0,
  "variants": [{"id": 501, "product_id": 111, "sku": "MUG-1-BLK", "sku_id": 9, "price": null,
    "calculated_price": 12.99, "sale_price": null, "map_price": {}, "weight": null, "calculated_weight": 0.5,
    "inventory_level": 15, "inventory_warning_level": 0, "purchasing_disabled": false, "image_url": "",
    "option_values": [{"id": 176, "label": "Black", "option_id": 220, "option_display_name": "Color"}]}],
  "images": [{"id": 9, "product_id": 111, "is_thumbnail": true, "sort_order": 0, "url_standard": "https://cdn.example.com/a.jpg", "date_modified": "2025-02-01T10:00:00+00:00"}],
  "custom_fields": [{"id": 3, "name": "Material", "value": "Ceramic"}]
}`

func TestProductsList(t *testing.T) {
	t.Parallel()
	mux, c := setupResources(t)
	mux.handle("GET /v3/catalog/products", func(w http.ResponseWriter, r *http.Request) {
		wantQuery(t, r, url.Values{"sku:in": {"MUG-1,MUG-2"}, "include": {"variants,images,custom_fields"}, "limit": {"50"}})
		writeJSON(w, 200, v3Page("["+productFixture+"]", 1, 1))
	})
	got, resp, err := c.Products.List(context.Background(), &ProductListOptions{
		SKUs: []string{"MUG-1", "MUG-2"}, Include: []string{"variants", "images", "custom_fields"}, Limit: 50,
	})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Meta == nil || resp.Meta.Pagination == nil || resp.Meta.Pagination.TotalPages != 1 {
		t.Errorf("pagination meta not returned: %+v", resp.Meta)
	}
	if len(got) != 1 {
		t.Fatalf("got %d products, want 1", len(got))
	}
	p := got[0]
	want := &Product{
		ID: 111, Name: "Coffee Mug", Type: "physical", SKU: "MUG-1", Description: "<p>A mug</p>",
		Weight: "0.5", Width: "0", Depth: "0", Height: "10", Price: "12.99", CostPrice: "4.1", RetailPrice: "0",
		SalePrice: "0", CalculatedPrice: "12.99", Categories: []int{23, 24}, BrandID: 7, InventoryLevel: 40,
		InventoryWarningLevel: 5, InventoryTracking: "variant", TotalSold: 3, FixedCostShippingPrice: "0",
		IsVisible: true, Availability: "available", Condition: "New",
		DateCreated:  Time{mustTime(t, "2025-01-15T00:03:17Z")},
		DateModified: Time{mustTime(t, "2025-02-01T10:00:00Z")},
		CustomURL:    &CustomURL{URL: "/coffee-mug/"},
		Variants: []*Variant{{ID: 501, ProductID: 111, SKU: "MUG-1-BLK", SKUID: 9, CalculatedPrice: "12.99",
			CalculatedWeight: "0.5", InventoryLevel: 15,
			OptionValues: []*VariantOptionValue{{ID: 176, Label: "Black", OptionID: 220, OptionDisplayName: "Color"}}}},
		Images: []*ProductImage{{ID: 9, ProductID: 111, IsThumbnail: true, URLStandard: "https://cdn.example.com/a.jpg",
			DateModified: Time{mustTime(t, "2025-02-01T10:00:00Z")}}},
		CustomFields: []*CustomField{{ID: 3, Name: "Material", Value: "Ceramic"}},
	}
	if diff := cmp.Diff(want, p, cmp.Comparer(func(a, b Time) bool { return a.Equal(b.Time) })); diff != "" {
		t.Errorf("product (-want +got):\n%s", diff)
	}
}

func TestProductsAll(t *testing.T) {
	t.Parallel()
	mux, c := setupResources(t)
	n := mux.handle("GET /v3/catalog/products", func(w http.ResponseWriter, r *http.Request) {
		page := r.URL.Query().Get("page")
		wantQuery(t, r, url.Values{"is_visible": {"true"}, "page": {page}, "limit": {"250"}})
		item := func(off int) func(int) string {
			return func(i int) string { return fmt.Sprintf(`{"id":%d,"name":"P%d","price":"1.00"}`, off+i+1, off+i+1) }
		}
		switch page {
		case "1":
			writeJSON(w, 200, v3Page(jsonArray(250, item(0)), 1, 2))
		case "2":
			writeJSON(w, 200, v3Page(jsonArray(3, item(250)), 2, 2))
		default:
			t.Errorf("page %q requested", page)
			writeJSON(w, 200, v3Page("[]", 3, 2))
		}
	})
	var ids []int
	for p, err := range c.Products.All(context.Background(), &ProductListOptions{IsVisible: Ptr(true), Page: 7, Limit: 3}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	if len(ids) != 253 || ids[0] != 1 || ids[252] != 253 {
		t.Errorf("got %d products (first %v), want 253 in order", len(ids), ids[:min(3, len(ids))])
	}
	if n.Load() != 2 {
		t.Errorf("%d requests, want 2", n.Load())
	}
}

func TestProductsGet(t *testing.T) {
	t.Parallel()
	mux, c := setupResources(t)
	mux.handle("GET /v3/catalog/products/111", func(w http.ResponseWriter, r *http.Request) {
		wantQuery(t, r, url.Values{"include": {"variants,primary_image"}})
		writeJSON(w, 200, `{"data":`+productFixture+`,"meta":{}}`)
	})
	mux.handle("GET /v3/catalog/products/404", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 404, `{"status":404,"title":"The requested product was not found.","type":"/api-docs/getting-started/api-status-codes"}`)
	})
	p, _, err := c.Products.Get(context.Background(), 111, &ProductGetOptions{Include: []string{"variants", "primary_image"}})
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != 111 || len(p.Variants) != 1 || p.Variants[0].ProductID != 111 {
		t.Errorf("got %+v", p)
	}
	_, _, err = c.Products.Get(context.Background(), 404, nil)
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("err = %v, want ErrNotFound", err)
	}
}

func TestProductsCreate(t *testing.T) {
	t.Parallel()
	mux, c := setupResources(t)
	mux.handle("POST /v3/catalog/products", func(w http.ResponseWriter, r *http.Request) {
		wantQuery(t, r, nil)
		wantBody(t, r, `{
			"name": "Tee", "type": "physical", "weight": 0.2, "price": 19.990, "sku": "TEE",
			"categories": [23], "brand_id": 7, "inventory_tracking": "variant", "is_visible": false,
			"variants": [{"sku": "TEE-S", "option_values": [{"label": "S", "option_display_name": "Size"}], "price": 19.99}],
			"custom_fields": [{"name": "Fabric", "value": "Cotton"}],
			"images": [{"image_url": "https://example.com/tee.jpg", "is_thumbnail": true}]
		}`)
		writeJSON(w, 200, `{"data":{"id":112,"name":"Tee","type":"physical","sku":"TEE","price":19.99,"weight":0.2},"meta":{}}`)
	})
	p, _, err := c.Products.Create(context.Background(), &ProductCreateRequest{
		Name: "Tee", Type: "physical", Weight: "0.2", Price: "19.990", SKU: "TEE",
		Categories: []int{23}, BrandID: 7, InventoryTracking: "variant", IsVisible: Ptr(false),
		Variants: []*VariantCreateRequest{{SKU: "TEE-S", Price: "19.99",
			OptionValues: []*VariantOptionValue{{Label: "S", OptionDisplayName: "Size"}}}},
		CustomFields: []*CustomFieldRequest{{Name: "Fabric", Value: "Cotton"}},
		Images:       []*ProductImageRequest{{ImageURL: "https://example.com/tee.jpg", IsThumbnail: true}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != 112 || p.Price != "19.99" {
		t.Errorf("got %+v", p)
	}
}

func TestProductsCreateRefused(t *testing.T) {
	t.Parallel()
	_, c := setupResources(t)
	valid := func() *ProductCreateRequest {
		return &ProductCreateRequest{Name: "Tee", Type: "physical", Weight: "1", Price: "2"}
	}
	tests := []struct {
		name  string
		edit  func(r *ProductCreateRequest)
		field string
	}{
		{"no name", func(r *ProductCreateRequest) { r.Name = "" }, "name"},
		{"no type", func(r *ProductCreateRequest) { r.Type = "" }, "type"},
		{"no weight", func(r *ProductCreateRequest) { r.Weight = "" }, "weight"},
		{"no price", func(r *ProductCreateRequest) { r.Price = "" }, "price"},
		{"float-ish price", func(r *ProductCreateRequest) { r.Price = "1e3" }, "price"},
		{"bad sale price", func(r *ProductCreateRequest) { r.SalePrice = "$5" }, "sale_price"},
		{"image without url", func(r *ProductCreateRequest) { r.Images = []*ProductImageRequest{{}} }, "images[0].image_url"},
		{"variant without sku", func(r *ProductCreateRequest) { r.Variants = []*VariantCreateRequest{{Price: "1"}} }, "variants[0].sku"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := valid()
			tt.edit(r)
			_, _, err := c.Products.Create(context.Background(), r)
			wantBadRequest(t, err, tt.field)
		})
	}
}

func TestProductsUpdateSendsOnlySetFields(t *testing.T) {
	t.Parallel()
	mux, c := setupResources(t)
	mux.handle("PUT /v3/catalog/products/111", func(w http.ResponseWriter, r *http.Request) {
		// Zero values that were set are sent; unset fields are not.
		wantBody(t, r, `{"price": 0, "sale_price": 9.50, "inventory_level": 0, "is_visible": false, "name": "Mug"}`)
		writeJSON(w, 200, `{"data":{"id":111,"name":"Mug","price":0,"sale_price":9.5,"inventory_level":0},"meta":{}}`)
	})
	p, _, err := c.Products.Update(context.Background(), 111, &ProductUpdateRequest{
		Name: Ptr("Mug"), Price: Ptr(Decimal("0")), SalePrice: Ptr(Decimal("9.50")), InventoryLevel: Ptr(0), IsVisible: Ptr(false),
	})
	if err != nil {
		t.Fatal(err)
	}
	if p.Price != "0" || p.SalePrice != "9.5" {
		t.Errorf("got price %q sale %q", p.Price, p.SalePrice)
	}
}

func TestProductsBatchUpdateSplits(t *testing.T) {
	t.Parallel()
	mux, c := setupResources(t)
	var sizes []int
	n := mux.handle("PUT /v3/catalog/products", func(w http.ResponseWriter, r *http.Request) {
		var items []map[string]any
		if err := json.NewDecoder(r.Body).Decode(&items); err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, len(items))
		out := make([]string, len(items))
		for i, it := range items {
			if _, ok := it["id"]; !ok {
				t.Errorf("item %d has no id", i)
			}
			out[i] = fmt.Sprintf(`{"id":%v,"inventory_level":%v}`, it["id"], it["inventory_level"])
		}
		writeJSON(w, 200, `{"data":[`+strings.Join(out, ",")+`],"meta":{}}`)
	})
	updates := make([]ProductBatchUpdate, 11)
	for i := range updates {
		updates[i] = ProductBatchUpdate{ID: i + 1, ProductUpdateRequest: ProductUpdateRequest{InventoryLevel: Ptr(i)}}
	}
	got, err := c.Products.BatchUpdate(context.Background(), updates)
	if err != nil {
		t.Fatal(err)
	}
	if n.Load() != 2 || !cmp.Equal(sizes, []int{10, 1}) {
		t.Errorf("%d requests of sizes %v, want 2 of [10 1]", n.Load(), sizes)
	}
	if len(got) != 11 || got[10].ID != 11 || got[10].InventoryLevel != 10 {
		t.Errorf("got %d products", len(got))
	}
}

func TestProductsBatchUpdateFailureNamesBatch(t *testing.T) {
	t.Parallel()
	mux, c := setupResources(t)
	calls := 0
	mux.handle("PUT /v3/catalog/products", func(w http.ResponseWriter, r *http.Request) {
		calls++
		if calls == 2 {
			writeJSON(w, 422, `{"status":422,"title":"Invalid","errors":{"price":"bad"}}`)
			return
		}
		writeJSON(w, 200, `{"data":[{"id":1}],"meta":{}}`)
	})
	updates := make([]ProductBatchUpdate, 25)
	for i := range updates {
		updates[i] = ProductBatchUpdate{ID: i + 1, ProductUpdateRequest: ProductUpdateRequest{Price: Ptr(Decimal("1"))}}
	}
	got, err := c.Products.BatchUpdate(context.Background(), updates)
	if !errors.Is(err, ErrValidation) {
		t.Fatalf("err = %v, want ErrValidation", err)
	}
	if !strings.Contains(err.Error(), "batch 2 of 3 (items 10 to 19)") {
		t.Errorf("error %q does not name the failed batch", err)
	}
	var be *BatchError
	if !errors.As(err, &be) || be.Batch != 1 || be.Batches != 3 || be.First != 10 || be.Last != 19 {
		t.Errorf("BatchError = %+v", be)
	}
	if len(got) != 1 || calls != 2 {
		t.Errorf("got %d products after %d calls; want the first batch's 1 and no third call", len(got), calls)
	}
}

func TestProductsDelete(t *testing.T) {
	t.Parallel()
	mux, c := setupResources(t)
	mux.handle("DELETE /v3/catalog/products/111", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	var batches []string
	mux.handle("DELETE /v3/catalog/products", func(w http.ResponseWriter, r *http.Request) {
		batches = append(batches, r.URL.Query().Get("id:in"))
		if len(r.URL.Query()) != 1 {
			t.Errorf("query %v, want only id:in", r.URL.Query())
		}
		w.WriteHeader(http.StatusNoContent)
	})
	if _, err := c.Products.Delete(context.Background(), 111); err != nil {
		t.Fatal(err)
	}
	ids := make([]int, 251)
	for i := range ids {
		ids[i] = i + 1
	}
	if err := c.Products.DeleteByIDs(context.Background(), ids); err != nil {
		t.Fatal(err)
	}
	if len(batches) != 2 || strings.Count(batches[0], ",") != 249 || batches[1] != "251" {
		t.Errorf("batches %d: first has %d ids, second %q", len(batches), strings.Count(batches[0], ",")+1, batches[len(batches)-1])
	}
}

func TestProductImagesAndCustomFields(t *testing.T) {
	t.Parallel()
	mux, c := setupResources(t)
	mux.handle("GET /v3/catalog/products/5/images", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent) // no images
	})
	mux.handle("POST /v3/catalog/products/5/images", func(w http.ResponseWriter, r *http.Request) {
		wantBody(t, r, `{"image_url":"https://example.com/a.png","description":"front"}`)
		writeJSON(w, 200, `{"data":{"id":77,"product_id":5,"description":"front"},"meta":{}}`)
	})
	mux.handle("PUT /v3/catalog/products/5/images/77", func(w http.ResponseWriter, r *http.Request) {
		wantBody(t, r, `{"is_thumbnail":true,"sort_order":0}`)
		writeJSON(w, 200, `{"data":{"id":77,"product_id":5,"is_thumbnail":true},"meta":{}}`)
	})
	mux.handle("DELETE /v3/catalog/products/5/images/77", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) })
	mux.handle("GET /v3/catalog/products/5/custom-fields", func(w http.ResponseWriter, r *http.Request) {
		wantQuery(t, r, url.Values{"limit": {"250"}})
		writeJSON(w, 200, v3Page(`[{"id":1,"name":"Material","value":"Wood"}]`, 1, 1))
	})
	mux.handle("POST /v3/catalog/products/5/custom-fields", func(w http.ResponseWriter, r *http.Request) {
		wantBody(t, r, `{"name":"Origin","value":"Italy"}`)
		writeJSON(w, 200, `{"data":{"id":2,"name":"Origin","value":"Italy"},"meta":{}}`)
	})
	mux.handle("PUT /v3/catalog/products/5/custom-fields/2", func(w http.ResponseWriter, r *http.Request) {
		wantBody(t, r, `{"name":"Origin","value":"Spain"}`)
		writeJSON(w, 200, `{"data":{"id":2,"name":"Origin","value":"Spain"},"meta":{}}`)
	})
	mux.handle("DELETE /v3/catalog/products/5/custom-fields/2", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) })

	ctx := context.Background()
	imgs, _, err := c.Products.ListImages(ctx, 5)
	if err != nil || len(imgs) != 0 {
		t.Fatalf("ListImages = %v, %v; want empty on 204", imgs, err)
	}
	img, _, err := c.Products.CreateImage(ctx, 5, &ProductImageRequest{ImageURL: "https://example.com/a.png", Description: "front"})
	if err != nil || img.ID != 77 {
		t.Fatalf("CreateImage = %+v, %v", img, err)
	}
	img, _, err = c.Products.UpdateImage(ctx, 5, 77, &ProductImageUpdateRequest{IsThumbnail: Ptr(true), SortOrder: Ptr(0)})
	if err != nil || !img.IsThumbnail {
		t.Fatalf("UpdateImage = %+v, %v", img, err)
	}
	if _, err := c.Products.DeleteImage(ctx, 5, 77); err != nil {
		t.Fatal(err)
	}
	cfs, _, err := c.Products.ListCustomFields(ctx, 5)
	if err != nil || len(cfs) != 1 || cfs[0].Value != "Wood" {
		t.Fatalf("ListCustomFields = %v, %v", cfs, err)
	}
	cf, _, err := c.Products.CreateCustomField(ctx, 5, &CustomFieldRequest{Name: "Origin", Value: "Italy"})
	if err != nil || cf.ID != 2 {
		t.Fatalf("CreateCustomField = %+v, %v", cf, err)
	}
	cf, _, err = c.Products.UpdateCustomField(ctx, 5, 2, &CustomFieldRequest{Name: "Origin", Value: "Spain"})
	if err != nil || cf.Value != "Spain" {
		t.Fatalf("UpdateCustomField = %+v, %v", cf, err)
	}
	if _, err := c.Products.DeleteCustomField(ctx, 5, 2); err != nil {
		t.Fatal(err)
	}
	_, _, err = c.Products.CreateCustomField(ctx, 5, &CustomFieldRequest{Name: "Origin"})
	wantBadRequest(t, err, "value")
}

// TestTimeFilterEncoding checks what reaches the server: a "+" in a date
// filter must arrive as "+", not as a space.
func TestTimeFilterEncoding(t *testing.T) {
	t.Parallel()
	mux, c := setupResources(t)
	mux.handle("GET /v3/catalog/products", func(w http.ResponseWriter, r *http.Request) {
		wantQuery(t, r, url.Values{"date_modified:min": {"2025-03-09T08:00:00+01:00"}})
		writeJSON(w, 200, v3Page("[]", 1, 0))
	})
	cet := time.FixedZone("CET", 3600)
	if _, _, err := c.Products.List(context.Background(), &ProductListOptions{DateModifiedMin: time.Date(2025, 3, 9, 8, 0, 0, 0, cet)}); err != nil {
		t.Fatal(err)
	}
}

// TestProductsCreateLeavesValuesToTheAPI: the client checks what the wire
// format needs (required fields, plain decimals); which types, lengths and
// states a product may have is the API's to say, and its 422 comes back as
// ErrValidation with the field (issue 17 item 1).
func TestProductsCreateLeavesValuesToTheAPI(t *testing.T) {
	t.Parallel()
	mux, c := setupResources(t)
	var sent int
	mux.handle("POST /v3/catalog/products", func(w http.ResponseWriter, r *http.Request) {
		sent++
		writeJSON(w, 422, `{"status":422,"title":"Invalid","errors":{"type":"The field 'type' must be one of: physical, digital."}}`)
	})
	_, _, err := c.Products.Create(context.Background(), &ProductCreateRequest{Name: strings.Repeat("x", 300), Type: "service", Weight: "1", Price: "2"})
	var ae *APIError
	if !errors.Is(err, ErrValidation) || !errors.As(err, &ae) || ae.FieldErrors["type"] == "" || sent != 1 {
		t.Errorf("Create = %v after %d requests; want the API's 422 naming type", err, sent)
	}
}
