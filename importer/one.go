package importer

import (
	"context"
	"fmt"

	"github.com/bigc-dev/bigc/bigcommerce"
)

// Outcome is what upserting one product did (or, in a dry run, would do).
type Outcome struct {
	Action    string            // create, update or unchanged
	ID        int               // the product's ID (0 for a planned create)
	Changes   map[string][2]any // field: [old, new]
	Completes []string          // variants, images and custom fields added
}

// UpsertProduct applies one product as an import applies a row: looked up
// by its SKUs, created with its variants in one request or updated in the
// fields that differ and completed, a lost create reconciled by SKU. A row
// the store cannot take comes back as a *RowError naming the field. With
// dryRun it only plans.
func UpsertProduct(ctx context.Context, c *bigcommerce.Client, p Product, createCategories, dryRun bool) (Outcome, error) {
	if err := p.Normalize(); err != nil {
		return Outcome{}, err
	}
	j := &Job{Client: c, DryRun: dryRun, CreateCategories: createCategories, Workers: 1}
	j.names = newNames(c, &j.stats)
	found, err := j.findProducts(ctx, p.SKUs())
	if err != nil {
		return Outcome{}, err
	}
	r := &productRow{outcome: outcome{line: 1, key: productKey(&p)}, p: &p}
	if err := j.planProduct(ctx, j.names, r, found); err != nil {
		return Outcome{}, err
	}
	if r.err == nil && !dryRun {
		err = j.applyProducts(ctx, []*productRow{r})
	}
	if err != nil {
		return Outcome{}, err
	}
	if r.err != nil {
		return Outcome{}, r.err
	}
	return Outcome{Action: r.action, ID: r.id, Changes: r.changes, Completes: r.completes}, nil
}

// Level is one item's stock as SetLevels found and set it.
type Level struct {
	SKU        string
	LocationID int
	ProductID  int // set when the product tracks stock as a whole
	VariantID  int // set when it tracks stock per variant
	Before     int // the catalog's level before (all locations)
	After      int
}

// SetLevels sets absolute stock levels by SKU through the Inventory API,
// 2,000 per request. Every SKU is checked first: if any is unknown or at the
// wrong tracking level, nothing is written and the error (a *RowError whose
// field is items[i]...) names the first. With dryRun it only checks and reads.
func SetLevels(ctx context.Context, c *bigcommerce.Client, items []Stock, dryRun bool) ([]Level, error) {
	j := &Job{Client: c, DryRun: dryRun}
	rows := make([]*stockRow, len(items))
	skus := make([]string, len(items))
	seen := map[string]int{}
	for i := range items {
		s := items[i]
		if err := s.normalize(bigcommerce.DefaultLocationID); err != nil {
			return nil, &RowError{Field: fmt.Sprintf("items[%d].%s", i, err.Field), Reason: err.Reason}
		}
		k := fmt.Sprintf("%s@%d", s.SKU, s.LocationID)
		if first, dup := seen[k]; dup {
			return nil, rowErr(fmt.Sprintf("items[%d].sku", i), "%q at location %d is also items[%d]; give each SKU once per location", s.SKU, s.LocationID, first)
		}
		seen[k] = i
		rows[i] = &stockRow{outcome: outcome{line: i, key: s.SKU}, s: &s}
		skus[i] = s.SKU
	}
	if err := j.addressStock(ctx, skus, rows); err != nil {
		return nil, err
	}
	for i, r := range rows {
		if r.err != nil {
			return nil, &RowError{Field: fmt.Sprintf("items[%d].%s", i, r.err.Field), Reason: r.err.Reason}
		}
	}
	out := make([]Level, len(rows))
	for i, r := range rows {
		out[i] = Level{SKU: r.s.SKU, LocationID: r.s.LocationID, ProductID: r.item.ProductID, VariantID: r.item.VariantID, Before: r.cur, After: *r.s.Quantity}
	}
	if dryRun {
		return out, nil
	}
	for i := 0; i < len(rows); i += bigcommerce.MaxInventoryAdjustment {
		chunk := rows[i:min(i+bigcommerce.MaxInventoryAdjustment, len(rows))]
		if err := j.setLevels(ctx, chunk); err != nil {
			return nil, err
		}
		for k, r := range chunk {
			if r.err != nil {
				return nil, &RowError{Field: fmt.Sprintf("items[%d].%s", i+k, r.err.Field), Reason: r.err.Reason}
			}
		}
	}
	return out, nil
}
