package tools

import (
	"context"
	"fmt"
	"strings"

	"github.com/bigc-dev/bigc/importer"
)

// SetInventoryInput is many absolute stock levels by SKU.
type SetInventoryInput struct {
	Items []StockArg `json:"items" jsonschema:"each SKU once per location" bigc:"minItems=1;maxItems=2000"`
}

// StockArg is one SKU's absolute level at a location.
type StockArg struct {
	SKU        string `json:"sku" jsonschema:"product or variant SKU" bigc:"pattern=nonblank;maxLength=255"`
	Quantity   int    `json:"quantity" jsonschema:"absolute, not a difference" bigc:"minimum=0"`
	LocationID int    `json:"location_id,omitempty" jsonschema:"default 1" bigc:"minimum=1"`
}

// StockLevel is one level as set.
type StockLevel struct {
	SKU        string `json:"sku"`
	LocationID int    `json:"location_id" jsonschema:"location"`
	ProductID  int    `json:"product_id,omitempty" jsonschema:"product, when it tracks stock as a whole"`
	VariantID  int    `json:"variant_id,omitempty" jsonschema:"variant, when its product tracks stock per variant"`
	Before     int    `json:"before" jsonschema:"the catalog's level before, over all locations"`
	After      int    `json:"after" jsonschema:"the level set at the location"`
}

// SetInventoryOutput lists the levels set.
type SetInventoryOutput struct {
	Items []StockLevel `json:"items" jsonschema:"each level set, in input order"`
}

func addSetInventory(r *Registry) {
	add(r, Spec[SetInventoryInput, SetInventoryOutput]{
		Name:        "set-inventory",
		Title:       "Set stock levels by SKU",
		Description: "Set many SKUs' stock; nothing is written if one is refused.",
		Annotations: Annotations{Idempotent: true, OpenWorld: true},
		Preview: func(ctx context.Context, env *Env, in SetInventoryInput) (string, error) {
			levels, err := importer.SetLevels(ctx, env.Client, stocks(in), true)
			if err != nil {
				return "", importerError(err)
			}
			var parts []string
			for i, l := range levels {
				if i == 10 {
					parts = append(parts, fmt.Sprintf("and %d more", len(levels)-10))
					break
				}
				parts = append(parts, fmt.Sprintf("%s %d → %d", l.SKU, l.Before, l.After))
			}
			return fmt.Sprintf("would set %d stock levels: %s", len(levels), strings.Join(parts, ", ")), nil
		},
		Handler: func(ctx context.Context, env *Env, in SetInventoryInput) (SetInventoryOutput, error) {
			levels, err := importer.SetLevels(ctx, env.Client, stocks(in), false)
			if err != nil {
				return SetInventoryOutput{}, importerError(err)
			}
			out := SetInventoryOutput{Items: make([]StockLevel, len(levels))}
			for i, l := range levels {
				out.Items[i] = StockLevel{SKU: l.SKU, LocationID: l.LocationID, ProductID: l.ProductID, VariantID: l.VariantID, Before: l.Before, After: l.After}
			}
			return out, nil
		},
	})
}

func stocks(in SetInventoryInput) []importer.Stock {
	out := make([]importer.Stock, len(in.Items))
	for i, it := range in.Items {
		out[i] = importer.Stock{SKU: it.SKU, Quantity: &in.Items[i].Quantity, LocationID: it.LocationID}
	}
	return out
}
