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

func TestVariantsFindBySKU(t *testing.T) {
	t.Parallel()
	mux, c := setupResources(t)
	mux.handle("GET /v3/catalog/variants", func(w http.ResponseWriter, r *http.Request) {
		sku := r.URL.Query().Get("sku")
		wantQuery(t, r, url.Values{"sku": {sku}, "limit": {"250"}})
		switch sku {
		case "MUG-1-BLK":
			writeJSON(w, 200, v3Page(`[{"id":501,"product_id":111,"sku":"MUG-1-BLK","price":12.5,"inventory_level":4}]`, 1, 1))
		case "near":
			// A server that matched loosely must not fool the lookup.
			writeJSON(w, 200, v3Page(`[{"id":502,"product_id":111,"sku":"NEAR"}]`, 1, 1))
		default:
			writeJSON(w, 200, v3Page(`[]`, 1, 0))
		}
	})
	ctx := context.Background()
	v, err := c.Variants.FindBySKU(ctx, "MUG-1-BLK")
	if err != nil {
		t.Fatal(err)
	}
	if v.ID != 501 || v.ProductID != 111 || v.Price != "12.5" || v.InventoryLevel != 4 {
		t.Errorf("got %+v", v)
	}
	for _, sku := range []string{"NOPE", "near"} {
		_, err := c.Variants.FindBySKU(ctx, sku)
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("FindBySKU(%q) err = %v, want ErrNotFound", sku, err)
		}
		if err != nil && !strings.Contains(err.Error(), sku) {
			t.Errorf("error %q does not name the SKU", err)
		}
	}
}

func TestVariantsByProduct(t *testing.T) {
	t.Parallel()
	mux, c := setupResources(t)
	mux.handle("GET /v3/catalog/products/111/variants", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("page") == "" {
			wantQuery(t, r, url.Values{"include_fields": {"sku,price"}, "limit": {"5"}})
		} else {
			wantQuery(t, r, url.Values{"page": {q.Get("page")}, "limit": {"250"}})
		}
		writeJSON(w, 200, v3Page(`[{"id":1,"product_id":111,"sku":"A"},{"id":2,"product_id":111,"sku":"B"}]`, 1, 1))
	})
	mux.handle("GET /v3/catalog/products/111/variants/2", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"data":{"id":2,"product_id":111,"sku":"B","option_values":[]},"meta":{}}`)
	})
	ctx := context.Background()
	vs, _, err := c.Variants.ListByProduct(ctx, 111, &ProductVariantListOptions{IncludeFields: []string{"sku", "price"}, Limit: 5})
	if err != nil || len(vs) != 2 {
		t.Fatalf("ListByProduct = %v, %v", vs, err)
	}
	var skus []string
	for v, err := range c.Variants.AllByProduct(ctx, 111) {
		if err != nil {
			t.Fatal(err)
		}
		skus = append(skus, v.SKU)
	}
	if !cmp.Equal(skus, []string{"A", "B"}) {
		t.Errorf("AllByProduct skus = %v", skus)
	}
	v, _, err := c.Variants.Get(ctx, 111, 2)
	if err != nil || v.SKU != "B" {
		t.Fatalf("Get = %+v, %v", v, err)
	}
}

func TestVariantsCreateUpdateDelete(t *testing.T) {
	t.Parallel()
	mux, c := setupResources(t)
	mux.handle("POST /v3/catalog/products/111/variants", func(w http.ResponseWriter, r *http.Request) {
		wantBody(t, r, `{"sku":"MUG-RED","option_values":[{"id":177,"option_id":220}],"price":13}`)
		writeJSON(w, 200, `{"data":{"id":503,"product_id":111,"sku":"MUG-RED","price":13},"meta":{}}`)
	})
	mux.handle("PUT /v3/catalog/products/111/variants/503", func(w http.ResponseWriter, r *http.Request) {
		wantBody(t, r, `{"inventory_level":0,"purchasing_disabled":true}`)
		writeJSON(w, 200, `{"data":{"id":503,"product_id":111,"sku":"MUG-RED","inventory_level":0,"purchasing_disabled":true},"meta":{}}`)
	})
	mux.handle("DELETE /v3/catalog/products/111/variants/503", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) })
	ctx := context.Background()
	v, _, err := c.Variants.Create(ctx, 111, &VariantCreateRequest{SKU: "MUG-RED", Price: "13", OptionValues: []*VariantOptionValue{{ID: 177, OptionID: 220}}})
	if err != nil || v.ID != 503 {
		t.Fatalf("Create = %+v, %v", v, err)
	}
	v, _, err = c.Variants.Update(ctx, 111, 503, &VariantUpdateRequest{InventoryLevel: Ptr(0), PurchasingDisabled: Ptr(true)})
	if err != nil || !v.PurchasingDisabled {
		t.Fatalf("Update = %+v, %v", v, err)
	}
	if _, err := c.Variants.Delete(ctx, 111, 503); err != nil {
		t.Fatal(err)
	}
	_, _, err = c.Variants.Create(ctx, 111, &VariantCreateRequest{SKU: "X"})
	wantBadRequest(t, err, "option_values")
}

func TestVariantsBatchUpdateSplits(t *testing.T) {
	t.Parallel()
	mux, c := setupResources(t)
	var sizes []int
	mux.handle("PUT /v3/catalog/variants", func(w http.ResponseWriter, r *http.Request) {
		var items []struct {
			ID             int `json:"id"`
			InventoryLevel int `json:"inventory_level"`
		}
		if err := json.NewDecoder(r.Body).Decode(&items); err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, len(items))
		out := make([]string, len(items))
		for i, it := range items {
			out[i] = fmt.Sprintf(`{"id":%d,"product_id":1,"inventory_level":%d}`, it.ID, it.InventoryLevel)
		}
		writeJSON(w, 200, `{"data":[`+strings.Join(out, ",")+`],"meta":{}}`)
	})
	updates := make([]VariantBatchUpdate, 51)
	for i := range updates {
		updates[i] = VariantBatchUpdate{ID: 1000 + i, VariantUpdateRequest: VariantUpdateRequest{InventoryLevel: Ptr(i)}}
	}
	got, err := c.Variants.BatchUpdate(context.Background(), updates)
	if err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(sizes, []int{50, 1}) {
		t.Errorf("request sizes %v, want [50 1]", sizes)
	}
	if len(got) != 51 || got[50].ID != 1050 || got[50].InventoryLevel != 50 {
		t.Errorf("got %d variants", len(got))
	}
}

func TestVariantOptions(t *testing.T) {
	t.Parallel()
	mux, c := setupResources(t)
	mux.handle("GET /v3/catalog/products/111/options", func(w http.ResponseWriter, r *http.Request) {
		wantQuery(t, r, url.Values{"page": {"1"}, "limit": {"250"}})
		writeJSON(w, 200, v3Page(`[{"id":220,"product_id":111,"display_name":"Color","type":"swatch","sort_order":0,
			"option_values":[{"id":176,"label":"Black","sort_order":0,"value_data":{"colors":["#000000"]},"is_default":true}]}]`, 1, 1))
	})
	mux.handle("POST /v3/catalog/products/111/options", func(w http.ResponseWriter, r *http.Request) {
		wantBody(t, r, `{"display_name":"Size","type":"rectangles","option_values":[{"label":"S","sort_order":0},{"label":"M","sort_order":1}]}`)
		writeJSON(w, 200, `{"data":{"id":221,"product_id":111,"display_name":"Size","type":"rectangles","option_values":[{"id":180,"label":"S"},{"id":181,"label":"M","sort_order":1}]},"meta":{}}`)
	})
	ctx := context.Background()
	opts, err := c.Variants.Options(ctx, 111)
	if err != nil {
		t.Fatal(err)
	}
	want := []*VariantOption{{ID: 220, ProductID: 111, DisplayName: "Color", Type: "swatch",
		OptionValues: []*OptionValue{{ID: 176, Label: "Black", IsDefault: true}}}}
	if diff := cmp.Diff(want, opts); diff != "" {
		t.Errorf("options (-want +got):\n%s", diff)
	}
	o, _, err := c.Variants.CreateOption(ctx, 111, &VariantOptionCreateRequest{DisplayName: "Size", Type: "rectangles",
		OptionValues: []*OptionValueCreateRequest{{Label: "S"}, {Label: "M", SortOrder: 1}}})
	if err != nil || o.ID != 221 || len(o.OptionValues) != 2 {
		t.Fatalf("CreateOption = %+v, %v", o, err)
	}
	_, _, err = c.Variants.CreateOption(ctx, 111, &VariantOptionCreateRequest{DisplayName: "Size", Type: "checkbox", OptionValues: []*OptionValueCreateRequest{{Label: "S"}}})
	wantBadRequest(t, err, "type")
}
