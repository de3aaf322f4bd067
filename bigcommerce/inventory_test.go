package bigcommerce_test

import (
	"context"
	"errors"
	"testing"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/sandbox"
)

func TestInventoryAdjustmentsAndSKULookups(t *testing.T) {
	t.Parallel()
	c, _ := sandboxClient(t, sandbox.Options{Seed: 9, Products: -1, Customers: -1, Orders: -1})
	ctx := context.Background()
	mug, _, err := c.Products.Create(ctx, &bigcommerce.ProductCreateRequest{Name: "Inv Mug", Type: "physical", Weight: "1", Price: "5", SKU: "INV,MUG",
		InventoryTracking: "product", InventoryLevel: 2})
	if err != nil {
		t.Fatal(err)
	}
	tee, _, err := c.Products.Create(ctx, &bigcommerce.ProductCreateRequest{Name: "Inv Tee", Type: "physical", Weight: "1", Price: "9", SKU: "INV-TEE",
		InventoryTracking: "variant", Variants: []*bigcommerce.VariantCreateRequest{
			{SKU: "INV-TEE-S", InventoryLevel: 1, OptionValues: []*bigcommerce.VariantOptionValue{{OptionDisplayName: "Size", Label: "S"}}},
			{SKU: "INV-TEE-M", InventoryLevel: 1, OptionValues: []*bigcommerce.VariantOptionValue{{OptionDisplayName: "Size", Label: "M"}}},
		}})
	if err != nil {
		t.Fatal(err)
	}

	// sku:in over variants finds the base variant of the mug (whose SKU
	// holds a comma, so it is read on its own) and the tee's variants.
	vs, err := c.Variants.BySKUs(ctx, []string{"INV,MUG", "INV-TEE-S", "INV-TEE-M", "NOPE", "INV-TEE-S"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, v := range vs {
		got[v.SKU] = v.ProductID
	}
	if len(vs) != 3 || got["INV,MUG"] != mug.ID || got["INV-TEE-M"] != tee.ID {
		t.Errorf("variants by SKU: %v", got)
	}
	// Products by their own SKU: the tee's SKU is no variant's.
	ps, err := c.Products.BySKUs(ctx, []string{"INV-TEE", "INV-TEE-S"}, nil)
	if err != nil || len(ps) != 1 || ps[0].ID != tee.ID {
		t.Errorf("products by SKU: %v %v", ps, err)
	}

	_, _, err = c.Inventory.SetAbsolute(ctx, &bigcommerce.InventoryAdjustment{Reason: "test", Items: []bigcommerce.InventoryAdjustmentItem{
		{LocationID: 1, ProductID: mug.ID, Quantity: 10},
		{LocationID: 1, SKU: "INV-TEE-S", Quantity: 4},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err = c.Inventory.AdjustRelative(ctx, &bigcommerce.InventoryAdjustment{Items: []bigcommerce.InventoryAdjustmentItem{
		{LocationID: 1, VariantID: tee.Variants[1].ID, Quantity: 3},
	}}); err != nil {
		t.Fatal(err)
	}
	levels := map[string]int{}
	for it, err := range c.Inventory.Items(ctx, &bigcommerce.InventoryItemListOptions{ProductIDs: []int{mug.ID, tee.ID}}) {
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range it.Locations {
			if l.LocationID == 1 {
				levels[it.Identity.SKU] = l.TotalInventoryOnhand
			}
		}
	}
	if levels["INV,MUG"] != 10 || levels["INV-TEE-S"] != 4 || levels["INV-TEE-M"] != 4 {
		t.Errorf("levels: %v", levels)
	}

	// A variant of a product tracked as a whole is refused by the store; an
	// item named twice ways, or none, is refused before any request.
	_, _, err = c.Inventory.SetAbsolute(ctx, &bigcommerce.InventoryAdjustment{Items: []bigcommerce.InventoryAdjustmentItem{{LocationID: 1, ProductID: tee.ID, Quantity: 1}}})
	if !errors.Is(err, bigcommerce.ErrValidation) {
		t.Errorf("product_id of a product tracked per variant: %v", err)
	}
	for _, bad := range []bigcommerce.InventoryAdjustmentItem{{LocationID: 1, Quantity: 1}, {LocationID: 1, SKU: "A", ProductID: 3, Quantity: 1}, {LocationID: 0, SKU: "A"}, {LocationID: 1, SKU: "A", Quantity: -1}} {
		if _, _, err := c.Inventory.SetAbsolute(ctx, &bigcommerce.InventoryAdjustment{Items: []bigcommerce.InventoryAdjustmentItem{bad}}); !errors.Is(err, bigcommerce.ErrBadRequest) {
			t.Errorf("%+v: %v, want a local bad-request error", bad, err)
		}
	}
}
