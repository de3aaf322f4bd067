package tools

import (
	"fmt"
	"strings"
	"testing"

	"github.com/bigc-dev/bigc/sandbox"
)

func TestUpsertProduct(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{})
	tee := in{"name": "Upsert Tee", "sku": "UT", "price": "12", "categories": []string{"Upserts/Shirts"}, "create_categories": true,
		"variants": []in{
			{"sku": "UT-S", "options": []in{{"option": "Size", "value": "S"}}, "inventory_level": 2},
			{"sku": "UT-M", "options": []in{{"option": "Size", "value": "M"}}, "inventory_level": 3},
		}}
	out := mustCall[UpsertProductOutput](t, h, h.full, "upsert-product", tee)
	if out.Action != "created" || len(out.Product.Variants) != 2 || len(out.Product.Categories) != 1 {
		t.Fatalf("first call: %+v", out)
	}
	id := out.Product.ID

	// The same call again changes nothing.
	out = mustCall[UpsertProductOutput](t, h, h.full, "upsert-product", tee)
	if out.Action != "unchanged" || len(out.Changes) != 0 || len(out.Completed) != 0 || out.Product.ID != id {
		t.Errorf("repeat: %+v", out)
	}

	// Found by a variant's SKU alone: the price and a variant's stock change.
	upd := in{"name": "Upsert Tee", "price": "14", "variants": []in{
		{"sku": "UT-M", "options": []in{{"option": "Size", "value": "M"}}, "inventory_level": 7},
	}}
	out = mustCall[UpsertProductOutput](t, h, h.full, "upsert-product", upd)
	if out.Action != "updated" || out.Product.ID != id || len(out.Product.Variants) != 2 || !decimalEqual(out.Product.Price, "14") {
		t.Fatalf("update: %+v", out)
	}
	if changed := fmt.Sprint(out.Changes); !strings.Contains(changed, "{price 12 14}") || !strings.Contains(changed, "{variants[UT-M].inventory_level 3 7}") {
		t.Errorf("changes %v", out.Changes)
	}

	// A product made without options gets the variants it lacks: the
	// option is created, then each variant.
	mustCall[UpsertProductOutput](t, h, h.full, "upsert-product", in{"name": "Upsert Cap", "sku": "UC", "price": "8"})
	out = mustCall[UpsertProductOutput](t, h, h.full, "upsert-product", in{"name": "Upsert Cap", "sku": "UC", "variants": []in{
		{"sku": "UC-RED", "options": []in{{"option": "Colour", "value": "Red"}}},
		{"sku": "UC-BLUE", "options": []in{{"option": "Colour", "value": "Blue"}}},
	}})
	if out.Action != "updated" || len(out.Completed) != 2 || len(out.Product.Variants) < 2 {
		t.Errorf("completion: %+v", out)
	}
	// A value the product's option lacks is refused, naming it (see docs/imports.md).
	_, err := call[any](t, h, h.full, "upsert-product", in{"name": "Upsert Tee", "sku": "UT", "variants": []in{
		{"sku": "UT-XL", "options": []in{{"option": "Size", "value": "XL"}}},
	}})
	if e := wantError(t, err, CategoryBadInput, "variants[UT-XL].options"); !strings.Contains(e.Message, `no value "XL"`) {
		t.Errorf("missing option value: %v", e)
	}

	// A category that does not exist is refused, naming the path.
	_, err = call[any](t, h, h.full, "upsert-product", in{"name": "Upsert Mug", "sku": "UM", "price": "3", "categories": []string{"No/Such"}})
	if e := wantError(t, err, CategoryBadInput, "categories[0]"); !strings.Contains(e.Message, "No/Such") {
		t.Errorf("missing category: %v", e)
	}

	// On a production connection the preview says what would change.
	prod := *h.full
	prod.Production = true
	_, err = call[any](t, h, &prod, "upsert-product", in{"name": "Upsert Tee", "sku": "UT", "price": "15"})
	e := wantError(t, err, CategoryConfirmationRequired, "")
	if want := fmt.Sprintf("would change product %d: price 14 → 15", id); !strings.HasPrefix(e.Message, want) {
		t.Errorf("preview %q, want %q", e.Message, want)
	}
}

func TestSetInventory(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{})
	mustCall[CreateProductOutput](t, h, h.full, "create-product", in{"name": "Stock Board", "sku": "SB", "price": "9", "inventory_tracking": "product", "inventory_level": 4})
	mustCall[CreateProductOutput](t, h, h.full, "create-product", shirt("Stock Tee", "ST"))

	out := mustCall[SetInventoryOutput](t, h, h.full, "set-inventory", in{"items": []in{{"sku": "SB", "quantity": 11}, {"sku": "ST-L", "quantity": 6}}})
	if len(out.Items) != 2 || out.Items[0].ProductID == 0 || out.Items[0].Before != 4 || out.Items[0].After != 11 || out.Items[1].VariantID == 0 {
		t.Fatalf("set: %+v", out)
	}
	v := mustCall[FindVariantOutput](t, h, h.full, "find-variant", in{"sku": "ST-L"})
	if v.Variant.InventoryLevel != 6 {
		t.Errorf("ST-L level %d, want 6", v.Variant.InventoryLevel)
	}
	// An unknown SKU refuses the whole call, naming the item; nothing is set.
	_, err := call[any](t, h, h.full, "set-inventory", in{"items": []in{{"sku": "SB", "quantity": 1}, {"sku": "NOPE", "quantity": 1}}})
	wantError(t, err, CategoryBadInput, "items[1].sku")
	if v := mustCall[FindVariantOutput](t, h, h.full, "find-variant", in{"sku": "SB"}); v.Variant.InventoryLevel != 11 {
		t.Errorf("SB level %d after a refused call, want 11", v.Variant.InventoryLevel)
	}
	// A negative level is refused by the schema.
	_, err = call[any](t, h, h.full, "set-inventory", in{"items": []in{{"sku": "SB", "quantity": -1}}})
	wantError(t, err, CategoryBadInput, "items[0].quantity")
}
