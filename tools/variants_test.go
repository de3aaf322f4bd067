package tools

import (
	"strings"
	"testing"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/sandbox"
)

func TestFindVariant(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{})
	p := mustCall[CreateProductOutput](t, h, h.full, "create-product", shirt("Tern Polo", "TP")).Product

	out := mustCall[FindVariantOutput](t, h, h.ro, "find-variant", in{"sku": "TP-L"})
	if out.Variant.SKU != "TP-L" || out.Variant.ProductID != p.ID || out.Product.ID != p.ID || out.Product.Name != "Tern Polo" ||
		out.Product.InventoryTracking != "variant" || out.Variant.InventoryLevel != 5 || !decimalEqual(out.Variant.Price, "27.5") {
		t.Errorf("got %+v", out)
	}
	_, err := call[FindVariantOutput](t, h, h.full, "find-variant", in{"sku": "tp-l"})
	e := wantError(t, err, CategoryNotFound, "")
	if !strings.Contains(e.Next, "list-products") {
		t.Errorf("next %q", e.Next)
	}
	_, err = call[FindVariantOutput](t, h, h.full, "find-variant", in{"sku": " "})
	wantError(t, err, CategoryBadInput, "sku")
	_, err = call[FindVariantOutput](t, h, h.full, "find-variant", in{})
	wantError(t, err, CategoryBadInput, "sku")
}

func TestUpdateVariant(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{})
	tee := mustCall[CreateProductOutput](t, h, h.full, "create-product", shirt("Gull Tee", "GT")).Product
	board := mustCall[CreateProductOutput](t, h, h.full, "create-product", in{"name": "Oak Board", "sku": "OB", "price": 12,
		"inventory_tracking": "product", "inventory_level": 2, "variants": []in{{"sku": "OB-1", "options": []in{{"option": "Finish", "value": "Oiled"}}}}}).Product
	var small VariantSummary
	for _, v := range tee.Variants {
		if v.SKU == "GT-S" {
			small = v
		}
	}

	tests := []struct {
		name      string
		input     in
		wantLevel int
		wantPrice string
	}{
		{"by sku", in{"sku": "GT-S", "inventory_level": 11}, 11, ""},
		{"by id", in{"id": small.ID, "price": "19.99"}, 11, "19.99"},
		{"by id and product", in{"id": small.ID, "product_id": tee.ID, "inventory_level": 0}, 0, "19.99"},
	}
	for _, tt := range tests {
		out := mustCall[UpdateVariantOutput](t, h, h.full, "update-variant", tt.input)
		if out.Variant.ID != small.ID || out.Variant.InventoryLevel != tt.wantLevel || out.Product.ID != tee.ID {
			t.Errorf("%s: got %+v", tt.name, out)
		}
		stored, _, err := h.full.Client.Variants.Get(t.Context(), tee.ID, small.ID)
		if err != nil {
			t.Fatal(err)
		}
		if stored.InventoryLevel != tt.wantLevel || (tt.wantPrice != "" && !decimalEqual(stored.Price, bigcommerce.Decimal(tt.wantPrice))) {
			t.Errorf("%s: store holds level %d price %s", tt.name, stored.InventoryLevel, stored.Price)
		}
	}

	t.Run("stock of a product-tracked product is refused", func(t *testing.T) {
		_, err := call[UpdateVariantOutput](t, h, h.full, "update-variant", in{"sku": "OB-1", "inventory_level": 7})
		e := wantError(t, err, CategoryBadInput, "inventory_level")
		if !strings.Contains(e.Next, "update-product") {
			t.Errorf("next %q does not name update-product", e.Next)
		}
		_ = board
	})
	t.Run("errors", func(t *testing.T) {
		for _, tt := range []struct {
			input in
			cat   Category
			field string
		}{
			{in{"price": 3}, CategoryBadInput, "id"},
			{in{"sku": "GT-S"}, CategoryBadInput, ""},
			{in{"sku": "GT-S", "inventory_level": -2}, CategoryBadInput, "inventory_level"},
			{in{"id": small.ID, "sku": "GT-L", "price": 3}, CategoryBadInput, "sku"},
			{in{"sku": "GT-S", "product_id": board.ID, "price": 3}, CategoryBadInput, "product_id"},
			{in{"sku": "NOPE-1", "price": 3}, CategoryNotFound, ""},
			{in{"id": 987654, "price": 3}, CategoryNotFound, ""},
			{in{"id": small.ID, "product_id": board.ID, "price": 3}, CategoryNotFound, ""},
		} {
			_, err := call[UpdateVariantOutput](t, h, h.full, "update-variant", tt.input)
			wantError(t, err, tt.cat, tt.field)
		}
		_, err := call[UpdateVariantOutput](t, h, h.ro, "update-variant", in{"sku": "GT-S", "price": 1})
		wantMissingScope(t, err)
	})
}
