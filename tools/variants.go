package tools

import (
	"context"
	"fmt"
	"strings"

	"github.com/bigc-dev/bigc/bigcommerce"
)

// ParentProduct is the product a variant belongs to.
type ParentProduct struct {
	ID                int    `json:"id"`
	Name              string `json:"name"`
	SKU               string `json:"sku,omitempty" jsonschema:"product SKU"`
	InventoryTracking string `json:"inventory_tracking" bigc:"enum=none|product|variant"`
}

func parentProduct(p *bigcommerce.Product) ParentProduct {
	return ParentProduct{ID: p.ID, Name: p.Name, SKU: p.SKU, InventoryTracking: p.InventoryTracking}
}

// ---- find-variant

// FindVariantInput names a SKU.
type FindVariantInput struct {
	SKU string `json:"sku" jsonschema:"exact" bigc:"pattern=nonblank"`
}

// FindVariantOutput is the variant with that SKU and its product.
type FindVariantOutput struct {
	Variant VariantSummary `json:"variant" jsonschema:"the variant"`
	Product ParentProduct  `json:"product" jsonschema:"its parent product"`
}

func addFindVariant(r *Registry) {
	add(r, Spec[FindVariantInput, FindVariantOutput]{
		Name:        "find-variant",
		Title:       "Find a variant by SKU",
		Description: "The variant with an exact SKU: its ids, price, stock, options and parent product.",
		Annotations: Annotations{ReadOnly: true, Idempotent: true, OpenWorld: true},
		Handler: func(ctx context.Context, env *Env, in FindVariantInput) (FindVariantOutput, error) {
			v, p, err := variantBySKU(ctx, env, "sku", in.SKU)
			if err != nil {
				return FindVariantOutput{}, err
			}
			return FindVariantOutput{Variant: variantSummary(v), Product: parentProduct(p)}, nil
		},
	})
}

// variantBySKU finds the variant with sku and its product.
func variantBySKU(ctx context.Context, env *Env, field, sku string) (*bigcommerce.Variant, *bigcommerce.Product, error) {
	sku = strings.TrimSpace(sku)
	if sku == "" {
		return nil, nil, BadInput(field, "is required: the exact SKU")
	}
	v, err := env.Client.Variants.FindBySKU(ctx, sku)
	if err != nil {
		return nil, nil, apiError(err, fmt.Sprintf("no variant has SKU %q; SKUs are exact and case-sensitive: call list-products with keyword=%q to search", sku, sku))
	}
	return withParent(ctx, env, v)
}

// withParent reads the product v belongs to and returns both.
func withParent(ctx context.Context, env *Env, v *bigcommerce.Variant) (*bigcommerce.Variant, *bigcommerce.Product, error) {
	p, _, err := env.Client.Products.Get(ctx, v.ProductID, nil)
	if err != nil {
		return nil, nil, apiError(err, "")
	}
	return v, p, nil
}

// ---- update-variant

// UpdateVariantInput changes one variant's price or stock.
type UpdateVariantInput struct {
	ID                    int                 `json:"id,omitempty" jsonschema:"or sku" bigc:"minimum=1"`
	ProductID             int                 `json:"product_id,omitempty" bigc:"minimum=1"`
	SKU                   string              `json:"sku,omitempty" jsonschema:"or id"`
	Price                 bigcommerce.Decimal `json:"price,omitempty" bigc:"minimum=0"`
	SalePrice             bigcommerce.Decimal `json:"sale_price,omitempty" jsonschema:"0 removes it" bigc:"minimum=0"`
	RetailPrice           bigcommerce.Decimal `json:"retail_price,omitempty" bigc:"minimum=0"`
	CostPrice             bigcommerce.Decimal `json:"cost_price,omitempty" bigc:"minimum=0"`
	InventoryLevel        *int                `json:"inventory_level,omitempty" bigc:"minimum=0"`
	InventoryWarningLevel *int                `json:"inventory_warning_level,omitempty"`
	Purchasable           *bool               `json:"purchasable,omitempty"`
}

// UpdateVariantOutput is the variant after the change.
type UpdateVariantOutput struct {
	Variant VariantSummary `json:"variant" jsonschema:"after the change"`
	Product ParentProduct  `json:"product" jsonschema:"its parent product"`
	Changed []string       `json:"changed" jsonschema:"fields sent"`
}

func addUpdateVariant(r *Registry) {
	add(r, Spec[UpdateVariantInput, UpdateVariantOutput]{
		Name:        "update-variant",
		Title:       "Update a variant",
		Description: "Change a variant's prices or stock (per-variant tracking), by id or SKU.",
		Annotations: Annotations{Idempotent: true, OpenWorld: true},
		Preview:     previewUpdateVariant,
		Handler:     updateVariant,
	})
}

// variantUpdate is a checked update-variant call.
type variantUpdate struct {
	req     *bigcommerce.VariantUpdateRequest
	changed []string
	v       *bigcommerce.Variant
	p       *bigcommerce.Product
}

// prepareVariantUpdate checks in, finds the variant and its product, and
// refuses a stock change the product does not keep per variant. The handler
// and the preview share it.
func prepareVariantUpdate(ctx context.Context, env *Env, in UpdateVariantInput) (*variantUpdate, error) {
	req := &bigcommerce.VariantUpdateRequest{InventoryLevel: in.InventoryLevel, InventoryWarningLevel: in.InventoryWarningLevel}
	changed := setAmounts(nil, amount{"price", in.Price, &req.Price}, amount{"sale_price", in.SalePrice, &req.SalePrice},
		amount{"retail_price", in.RetailPrice, &req.RetailPrice}, amount{"cost_price", in.CostPrice, &req.CostPrice})
	if in.InventoryLevel != nil {
		changed = append(changed, "inventory_level")
	}
	if in.InventoryWarningLevel != nil {
		changed = append(changed, "inventory_warning_level")
	}
	if in.Purchasable != nil {
		req.PurchasingDisabled = bigcommerce.Ptr(!*in.Purchasable)
		changed = append(changed, "purchasable")
	}
	if len(changed) == 0 {
		return nil, BadInput("", "nothing to change: give price, sale_price, retail_price, cost_price, inventory_level, inventory_warning_level or purchasable")
	}

	v, p, err := variantToUpdate(ctx, env, in)
	if err != nil {
		return nil, err
	}
	if field := stockField(in.InventoryLevel, in.InventoryWarningLevel); field != "" {
		switch p.InventoryTracking {
		case "product":
			return nil, &Error{Category: CategoryBadInput, Field: field,
				Message: fmt.Sprintf("product %d %q tracks inventory on the product, not per variant, so variant %d (SKU %s) holds no stock of its own", p.ID, p.Name, v.ID, v.SKU),
				Next:    fmt.Sprintf("call update-product with id=%d and %s", p.ID, field)}
		case "none":
			return nil, &Error{Category: CategoryBadInput, Field: field,
				Message: fmt.Sprintf("product %d %q does not track inventory, so a stock level on variant %d (SKU %s) would be ignored", p.ID, p.Name, v.ID, v.SKU),
				Next:    fmt.Sprintf("call update-product with id=%d and inventory_tracking=variant first", p.ID)}
		}
	}
	return &variantUpdate{req: req, changed: changed, v: v, p: p}, nil
}

func updateVariant(ctx context.Context, env *Env, in UpdateVariantInput) (UpdateVariantOutput, error) {
	vu, err := prepareVariantUpdate(ctx, env, in)
	if err != nil {
		return UpdateVariantOutput{}, err
	}
	upd, _, err := env.Client.Variants.Update(ctx, vu.v.ProductID, vu.v.ID, vu.req)
	if err != nil {
		return UpdateVariantOutput{}, apiError(err, "call find-variant with the SKU to check the variant still exists")
	}
	return UpdateVariantOutput{Variant: variantSummary(upd), Product: parentProduct(vu.p), Changed: vu.changed}, nil
}

func previewUpdateVariant(ctx context.Context, env *Env, in UpdateVariantInput) (string, error) {
	vu, err := prepareVariantUpdate(ctx, env, in)
	if err != nil {
		return "", err
	}
	v, r := vu.v, vu.req
	var d diff
	d.dec("price", v.Price, r.Price)
	d.dec("sale_price", v.SalePrice, r.SalePrice)
	d.dec("retail_price", v.RetailPrice, r.RetailPrice)
	d.dec("cost_price", v.CostPrice, r.CostPrice)
	diffVal(&d, "inventory_level", v.InventoryLevel, r.InventoryLevel)
	diffVal(&d, "inventory_warning_level", v.InventoryWarningLevel, r.InventoryWarningLevel)
	if in.Purchasable != nil {
		diffVal(&d, "purchasable", !v.PurchasingDisabled, in.Purchasable)
	}
	return fmt.Sprintf("would change variant %d (SKU %s) of product %d %q: %s", v.ID, v.SKU, vu.p.ID, vu.p.Name, strings.Join(d, ", ")), nil
}

// variantToUpdate finds the variant update-variant names, by id or by SKU.
func variantToUpdate(ctx context.Context, env *Env, in UpdateVariantInput) (*bigcommerce.Variant, *bigcommerce.Product, error) {
	if in.ID == 0 && in.SKU == "" {
		return nil, nil, BadInput("id", "give the variant's id or its sku")
	}
	if in.ID == 0 {
		v, p, err := variantBySKU(ctx, env, "sku", in.SKU)
		if err != nil {
			return nil, nil, err
		}
		if in.ProductID != 0 && in.ProductID != v.ProductID {
			return nil, nil, BadInput("product_id", "SKU %q belongs to product %d, not %d", in.SKU, v.ProductID, in.ProductID)
		}
		return v, p, nil
	}
	var v *bigcommerce.Variant
	if in.ProductID != 0 {
		got, _, err := env.Client.Variants.Get(ctx, in.ProductID, in.ID)
		if err != nil {
			return nil, nil, apiError(err, fmt.Sprintf("no variant %d on product %d; call get-product with id=%d to see its variants", in.ID, in.ProductID, in.ProductID))
		}
		v = got
	} else {
		vs, _, err := env.Client.Variants.List(ctx, &bigcommerce.VariantListOptions{IDs: []int{in.ID}, Limit: 1})
		if err != nil {
			return nil, nil, apiError(err, "")
		}
		for _, x := range vs {
			if x.ID == in.ID {
				v = x
			}
		}
		if v == nil {
			return nil, nil, &Error{Category: CategoryNotFound, Message: fmt.Sprintf("no variant has id %d", in.ID),
				Next: "call find-variant with the SKU, or get-product to see a product's variant ids"}
		}
	}
	if in.SKU != "" && in.SKU != v.SKU {
		return nil, nil, BadInput("sku", "variant %d has SKU %q, not %q; give id or sku, not both", v.ID, v.SKU, in.SKU)
	}
	return withParent(ctx, env, v)
}
