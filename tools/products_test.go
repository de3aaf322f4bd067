package tools

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/sandbox"
)

// shirt is a product with variants whose stock is tracked per variant.
func shirt(name, sku string) in {
	return in{
		"name": name, "sku": sku, "price": "25.00", "weight": 0.4, "type": "physical",
		"inventory_tracking": "variant",
		"variants": []in{
			{"sku": sku + "-S", "options": []in{{"option": "Size", "value": "S"}}, "inventory_level": 3},
			{"sku": sku + "-L", "options": []in{{"option": "Size", "value": "L"}}, "inventory_level": 5, "price": "27.50"},
		},
		"custom_fields": []in{{"name": "Material", "value": "Cotton"}},
		"images":        []in{{"url": "https://cdn.example.com/shirt.jpg", "is_thumbnail": true}},
		"metafields":    []in{{"key": "pim_id", "value": "P-1"}},
	}
}

func TestCreateProduct(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{})
	out := mustCall[CreateProductOutput](t, h, h.full, "create-product", shirt("Harbour Tee", "HT-1"))
	p := out.Product
	if out.Reconciled || p.ID == 0 || p.Name != "Harbour Tee" || p.SKU != "HT-1" || !decimalEqual(p.Price, "25") {
		t.Fatalf("created %+v (reconciled %v)", p.ProductSummary, out.Reconciled)
	}
	var skus []string
	for _, v := range p.Variants {
		skus = append(skus, v.SKU)
	}
	if !slices.Contains(skus, "HT-1-S") || !slices.Contains(skus, "HT-1-L") {
		t.Errorf("variants %v, want HT-1-S and HT-1-L", skus)
	}
	if len(p.CustomFields) != 1 || p.CustomFields[0].Value != "Cotton" || len(p.Images) != 1 {
		t.Errorf("custom fields %+v, images %+v", p.CustomFields, p.Images)
	}
	if len(out.Metafields) != 1 || out.Metafields[0].Namespace != "bigc" || out.Metafields[0].Value != "P-1" {
		t.Errorf("metafields %+v", out.Metafields)
	}

	t.Run("retry is reconciled", func(t *testing.T) {
		again := mustCall[CreateProductOutput](t, h, h.full, "create-product", shirt("Harbour Tee", "HT-1"))
		if !again.Reconciled || again.Product.ID != p.ID {
			t.Errorf("retry gave product %d reconciled=%v, want %d reconciled", again.Product.ID, again.Reconciled, p.ID)
		}
		if n := len(productsNamed(t, h, "Harbour Tee")); n != 1 {
			t.Errorf("store holds %d products named Harbour Tee, want 1", n)
		}
	})
	t.Run("conflicts", func(t *testing.T) {
		for _, tt := range []struct {
			name  string
			input in
		}{
			{"same name, other price", in{"name": "Harbour Tee", "sku": "HT-1", "price": "30"}},
			{"same name, other SKU", in{"name": "Harbour Tee", "sku": "HT-9", "price": "25"}},
			{"same SKU, other name", in{"name": "Harbour Tee II", "sku": "HT-1", "price": "25"}},
		} {
			_, err := call[CreateProductOutput](t, h, h.full, "create-product", tt.input)
			e := wantError(t, err, CategoryConflict, "")
			if !strings.Contains(e.Message, strconv.Itoa(p.ID)) || !strings.Contains(e.Next, "update-product") {
				t.Errorf("%s: %v does not name product %d and update-product", tt.name, e, p.ID)
			}
		}
		if n := len(productsNamed(t, h, "Harbour Tee II")); n != 0 {
			t.Errorf("a conflicting create wrote %d products", n)
		}
	})
	t.Run("read-only token", func(t *testing.T) {
		_, err := call[CreateProductOutput](t, h, h.ro, "create-product", in{"name": "RO Mug", "price": 9})
		wantMissingScope(t, err)
		if n := len(productsNamed(t, h, "RO Mug")); n != 0 {
			t.Errorf("store holds %d RO Mug products", n)
		}
	})
	t.Run("bad input", func(t *testing.T) {
		for _, tt := range []struct {
			input in
			field string
		}{
			{in{"price": 5}, "name"},
			{in{"name": "  ", "price": 5}, "name"},
			{in{"name": "Mug"}, "price"},
			{in{"name": "Mug", "price": "5,00"}, "price"},
			{in{"name": "Mug", "price": -5}, "price"},
			{in{"name": "Mug", "price": 5, "type": "service"}, "type"},
			{in{"name": "Mug", "price": 5, "inventory_tracking": "sku"}, "inventory_tracking"},
			{in{"name": "Mug", "price": 5, "variants": []in{{"sku": "M-1", "options": []in{}}}}, "variants[0].options"},
			{in{"name": "Mug", "price": 5, "images": []in{{"url": "file:///etc/passwd"}}}, "images[0].url"},
			{in{"name": "Mug", "price": 5, "brand": "No Such Brand"}, "brand"},
			{in{"name": "Mug", "price": 5, "metafields": []in{{"key": "", "value": "v"}}}, "metafields[0].key"},
			{in{"name": "Mug", "price": 5, "categories": []int{3, 0}}, "categories[1]"},
			{in{"name": "Mug\u0000Name", "price": 5}, "name"},
			{in{"name": "Mug", "price": json.Number(strings.Repeat("9", 100_001))}, "price"},
		} {
			_, err := call[CreateProductOutput](t, h, h.full, "create-product", tt.input)
			wantError(t, err, CategoryBadInput, tt.field)
		}
		if n := len(productsNamed(t, h, "Mug")); n != 0 {
			t.Errorf("bad input wrote %d products", n)
		}
	})
}

// TestCreateProductLostAnswer: every write is applied and its answer lost;
// the tool finds the product by name and SKU instead of creating another.
func TestCreateProductLostAnswer(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{Faults: lostAnswers(t)})
	out := mustCall[CreateProductOutput](t, h, h.full, "create-product", in{"name": "Lost Lamp", "sku": "LL-1", "price": "40", "weight": 2})
	if !out.Reconciled || out.Product.Name != "Lost Lamp" || out.Product.SKU != "LL-1" {
		t.Errorf("got %+v reconciled=%v, want the lamp, reconciled", out.Product.ProductSummary, out.Reconciled)
	}
	if n := len(productsNamed(t, h, "Lost Lamp")); n != 1 {
		t.Errorf("store holds %d Lost Lamps, want exactly 1", n)
	}
	if s := h.srv.Store.Stats(); s.ConnectionsDropped == 0 {
		t.Error("the sandbox dropped no connection; the test did not lose an answer")
	}
}

func TestListProducts(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{Products: 30})
	ctx := t.Context()
	// Fixtures of our own, so the filters have something certain to find.
	brand, _, err := h.full.Client.Brands.Create(ctx, &bigcommerce.BrandCreateRequest{Name: "Tidewater"})
	if err != nil {
		t.Fatal(err)
	}
	cat := firstCategory(t, h)
	empty := mustCall[CreateProductOutput](t, h, h.full, "create-product", in{"name": "Empty Kettle", "sku": "EK-1", "price": 30,
		"inventory_tracking": "product", "inventory_level": 0, "brand": "tidewater", "categories": []int{cat.ID}}).Product
	untracked := mustCall[CreateProductOutput](t, h, h.full, "create-product", in{"name": "Gift Note", "price": 1, "type": "digital",
		"inventory_tracking": "none", "is_visible": false}).Product

	tests := []struct {
		name  string
		env   *Env
		input in
		check func(t *testing.T, out ListProductsOutput)
	}{
		{"agent default page", agent(h.full), in{}, func(t *testing.T, out ListProductsOutput) {
			if len(out.Items) != 20 || out.Next == nil || out.Next.Page != 2 || out.Total != 32 {
				t.Errorf("got %d items of %d, next %+v; want 20 of 32 and page 2", len(out.Items), out.Total, out.Next)
			}
		}},
		{"last page", h.full, in{"limit": 30, "page": 2}, func(t *testing.T, out ListProductsOutput) {
			if len(out.Items) != 2 || out.Next != nil {
				t.Errorf("got %d items, next %+v", len(out.Items), out.Next)
			}
		}},
		{"brand by name", h.full, in{"brand": "TIDEWATER"}, func(t *testing.T, out ListProductsOutput) {
			if len(out.Items) != 1 || out.Items[0].ID != empty.ID || out.Items[0].BrandID != brand.ID {
				t.Errorf("got %+v, want only product %d", out.Items, empty.ID)
			}
		}},
		{"category by name", h.full, in{"category": strings.ToLower(cat.Name)}, func(t *testing.T, out ListProductsOutput) {
			if !containsProduct(out.Items, empty.ID) {
				t.Errorf("product %d missing from category %q", empty.ID, cat.Name)
			}
			for _, p := range out.Items {
				if !slices.Contains(p.Categories, cat.ID) {
					t.Errorf("product %d is not in category %d", p.ID, cat.ID)
				}
			}
		}},
		{"out of stock leaves out untracked products", h.full, in{"out_of_stock": true, "limit": 250}, func(t *testing.T, out ListProductsOutput) {
			if !containsProduct(out.Items, empty.ID) || containsProduct(out.Items, untracked.ID) {
				t.Errorf("got %v, want %d and not %d", out.Items, empty.ID, untracked.ID)
			}
			for _, p := range out.Items {
				if p.InventoryLevel > 0 || p.InventoryTracking == "none" {
					t.Errorf("product %d (level %d, tracking %s) is not out of stock", p.ID, p.InventoryLevel, p.InventoryTracking)
				}
			}
		}},
		{"hidden only", h.full, in{"is_visible": false, "limit": 250}, func(t *testing.T, out ListProductsOutput) {
			if !containsProduct(out.Items, untracked.ID) {
				t.Errorf("hidden product %d missing", untracked.ID)
			}
			for _, p := range out.Items {
				if p.IsVisible {
					t.Errorf("product %d is visible", p.ID)
				}
			}
		}},
		{"sku", h.ro, in{"sku": "EK-1"}, func(t *testing.T, out ListProductsOutput) {
			if len(out.Items) != 1 || out.Items[0].ID != empty.ID {
				t.Errorf("got %+v", out.Items)
			}
		}},
		{"keyword", h.full, in{"keyword": "kettle"}, func(t *testing.T, out ListProductsOutput) {
			if !containsProduct(out.Items, empty.ID) {
				t.Errorf("keyword kettle misses product %d", empty.ID)
			}
		}},
		{"modified range", h.full, in{"modified_from": empty.DateModified}, func(t *testing.T, out ListProductsOutput) {
			if !containsProduct(out.Items, empty.ID) {
				t.Errorf("product %d modified %s missing", empty.ID, empty.DateModified)
			}
			for _, p := range out.Items {
				if p.DateModified < empty.DateModified {
					t.Errorf("product %d modified %s, before %s", p.ID, p.DateModified, empty.DateModified)
				}
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.check(t, mustCall[ListProductsOutput](t, h, tt.env, "list-products", tt.input))
		})
	}
	t.Run("bad input", func(t *testing.T) {
		for _, tt := range []struct {
			input in
			field string
		}{
			{in{"category": "No Such Aisle"}, "category"},
			{in{"brand": "No Such Brand"}, "brand"},
			{in{"availability": "sold"}, "availability"},
			{in{"sort": "colour"}, "sort"},
			{in{"sort": "name"}, "sort"}, // the schema's enum names a direction every time
			{in{"modified_to": "tomorrow"}, "modified_to"},
			{in{"limit": 0.5}, "limit"},
		} {
			_, err := call[ListProductsOutput](t, h, h.full, "list-products", tt.input)
			wantError(t, err, CategoryBadInput, tt.field)
		}
	})
}

func containsProduct(items []ProductSummary, id int) bool {
	return slices.ContainsFunc(items, func(p ProductSummary) bool { return p.ID == id })
}

// firstCategory returns a category of the store whose name no other category shares.
func firstCategory(t *testing.T, h *harness) CategoryOut {
	t.Helper()
	out := mustCall[ListCategoriesOutput](t, h, h.full, "list-categories", in{"flat": true, "limit": 250})
	count := map[string]int{}
	for _, c := range out.Items {
		count[strings.ToLower(c.Name)]++
	}
	for _, c := range out.Items {
		if count[strings.ToLower(c.Name)] == 1 {
			return c
		}
	}
	t.Fatal("the sandbox has no uniquely named category")
	return CategoryOut{}
}

func TestGetProduct(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{})
	made := mustCall[CreateProductOutput](t, h, h.full, "create-product", shirt("Dune Hoodie", "DH")).Product
	got := mustCall[GetProductOutput](t, h, h.ro, "get-product", in{"id": made.ID}).Product
	if got.ID != made.ID || len(got.Variants) != 2 || len(got.Images) != 1 || len(got.CustomFields) != 1 {
		t.Errorf("got %+v", got)
	}
	for _, v := range got.Variants {
		if v.ProductID != made.ID || len(v.Options) != 1 || v.Options[0].Option != "Size" {
			t.Errorf("variant %+v", v)
		}
	}
	_, err := call[GetProductOutput](t, h, h.full, "get-product", in{"id": 987654})
	e := wantError(t, err, CategoryNotFound, "")
	if !strings.Contains(e.Next, "list-products") {
		t.Errorf("next %q does not point at list-products", e.Next)
	}
	_, err = call[GetProductOutput](t, h, h.full, "get-product", in{"id": "12"})
	wantError(t, err, CategoryBadInput, "id")
}

func TestUpdateProduct(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{})
	plain := mustCall[CreateProductOutput](t, h, h.full, "create-product", in{"name": "Cedar Board", "sku": "CB-1", "price": "18.00",
		"inventory_tracking": "product", "inventory_level": 4}).Product
	tee := mustCall[CreateProductOutput](t, h, h.full, "create-product", shirt("Kelp Tee", "KT")).Product

	out := mustCall[UpdateProductOutput](t, h, h.full, "update-product", in{"id": plain.ID, "price": 16.2, "inventory_level": 9, "name": "Cedar Board XL"})
	if !decimalEqual(out.Product.Price, "16.2") || out.Product.InventoryLevel != 9 || out.Product.Name != "Cedar Board XL" {
		t.Errorf("after update: %+v", out.Product.ProductSummary)
	}
	stored, _, err := h.full.Client.Products.Get(t.Context(), plain.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !decimalEqual(stored.Price, "16.2") || stored.InventoryLevel != 9 {
		t.Errorf("store holds price %s level %d, want 16.2 and 9", stored.Price, stored.InventoryLevel)
	}

	t.Run("variant-tracked stock is refused", func(t *testing.T) {
		_, err := call[UpdateProductOutput](t, h, h.full, "update-product", in{"id": tee.ID, "inventory_level": 50})
		e := wantError(t, err, CategoryBadInput, "inventory_level")
		for _, want := range []string{"KT-S", "KT-L", strconv.Itoa(tee.Variants[0].ID)} {
			if !strings.Contains(e.Message, want) {
				t.Errorf("message %q does not name %s", e.Message, want)
			}
		}
		if !strings.Contains(e.Next, "update-variant") {
			t.Errorf("next %q does not name update-variant", e.Next)
		}
		p, _, _ := h.full.Client.Products.Get(t.Context(), tee.ID, nil)
		if p.InventoryLevel == 50 {
			t.Error("the refused change was written")
		}
	})
	t.Run("price on a variant-tracked product is fine", func(t *testing.T) {
		out := mustCall[UpdateProductOutput](t, h, h.full, "update-product", in{"id": tee.ID, "price": "22"})
		if !decimalEqual(out.Product.Price, "22") {
			t.Errorf("price %s", out.Product.Price)
		}
	})
	t.Run("errors", func(t *testing.T) {
		_, err := call[UpdateProductOutput](t, h, h.full, "update-product", in{"id": 987654, "price": 1})
		wantError(t, err, CategoryNotFound, "")
		_, err = call[UpdateProductOutput](t, h, h.ro, "update-product", in{"id": plain.ID, "price": 1})
		wantMissingScope(t, err)
		_, err = call[UpdateProductOutput](t, h, h.full, "update-product", in{"id": plain.ID})
		wantError(t, err, CategoryBadInput, "")
		_, err = call[UpdateProductOutput](t, h, h.full, "update-product", in{"id": plain.ID, "availability": "gone"})
		wantError(t, err, CategoryBadInput, "availability")
		_, err = call[UpdateProductOutput](t, h, h.full, "update-product", in{"id": plain.ID, "inventory_level": -1})
		wantError(t, err, CategoryBadInput, "inventory_level")
		_, err = call[UpdateProductOutput](t, h, h.full, "update-product", in{"id": plain.ID, "categories": []int{}})
		wantError(t, err, CategoryBadInput, "categories")
		_, err = call[UpdateProductOutput](t, h, h.full, "update-product", in{"id": plain.ID, "name": tee.Name})
		wantError(t, err, CategoryConflict, "")
	})
}

func TestDeleteProduct(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{})
	p := mustCall[CreateProductOutput](t, h, h.full, "create-product", shirt("Reef Cap", "RC")).Product

	_, err := call[DeleteProductOutput](t, h, h.full, "delete-product", in{"id": p.ID})
	e := wantError(t, err, CategoryConfirmationRequired, "")
	want := "would delete product " + strconv.Itoa(p.ID) + ` "Reef Cap" (SKU RC, 2 variants); deletes have no undo`
	if e.Message != want {
		t.Errorf("preview %q, want %q", e.Message, want)
	}
	if len(productsNamed(t, h, "Reef Cap")) != 1 {
		t.Fatal("an unconfirmed delete deleted")
	}

	_, err = call[DeleteProductOutput](t, h, confirmed(h.ro), "delete-product", in{"id": p.ID})
	wantMissingScope(t, err)

	out := mustCall[DeleteProductOutput](t, h, confirmed(h.full), "delete-product", in{"id": p.ID})
	if !out.Deleted || out.ID != p.ID || out.Name != "Reef Cap" || out.Variants != 2 {
		t.Errorf("got %+v", out)
	}
	if n := len(productsNamed(t, h, "Reef Cap")); n != 0 {
		t.Errorf("store still holds %d Reef Caps", n)
	}
	_, err = call[DeleteProductOutput](t, h, confirmed(h.full), "delete-product", in{"id": p.ID})
	wantError(t, err, CategoryNotFound, "")
	_, err = call[DeleteProductOutput](t, h, h.full, "delete-product", in{"id": 0})
	wantError(t, err, CategoryBadInput, "id")
}
