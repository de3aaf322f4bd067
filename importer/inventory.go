package importer

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/state"
)

// Stock is one row of an inventory file: an absolute level for a SKU (a
// product's or a variant's) at a location (default: the job's LocationID).
type Stock struct {
	SKU        string `json:"sku"`
	Quantity   *int   `json:"quantity"`
	LocationID int    `json:"location_id,omitempty"`
}

// StockReader opens an inventory file: JSON Lines of Stock, or CSV with the
// columns sku, quantity and optionally location_id.
func StockReader(format string, r io.Reader) (Reader[Stock], error) {
	switch format {
	case FormatJSONL:
		return newJSONLReader[Stock](r), nil
	case FormatCSV:
		t, err := newCSVTable(r)
		if err != nil {
			return nil, err
		}
		for _, h := range t.head {
			switch strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))) {
			case "sku", "quantity", "location_id":
			default:
				return nil, rowErr(h, "is not a column of an inventory CSV; want sku, quantity and optionally location_id")
			}
		}
		if !t.has("sku") || !t.has("quantity") {
			return nil, rowErr("sku", "the header needs sku and quantity (and optionally location_id)")
		}
		return &grouper[Stock]{t: t,
			start: func(r csvRow, rec *Record[Stock]) {
				c := &cell{r: r}
				rec.Item = Stock{SKU: c.str("sku"), Quantity: c.intPtr("quantity")}
				if loc := c.intPtr("location_id"); loc != nil {
					rec.Item.LocationID = *loc
				}
				rec.Err = c.err
			},
			add: func(csvRow, *Record[Stock]) bool { return false },
		}, nil
	}
	return nil, rowErr("format", "%q: want jsonl or csv", format)
}

func (s *Stock) normalize(defaultLocation int) *RowError {
	s.SKU = strings.TrimSpace(s.SKU)
	switch {
	case s.SKU == "":
		return rowErr("sku", "is required")
	case s.Quantity == nil:
		return rowErr("quantity", "is required: the absolute stock level, a whole number of 0 or more")
	case *s.Quantity < 0:
		return rowErr("quantity", "%d: an absolute level cannot be negative", *s.Quantity)
	case s.LocationID < 0:
		return rowErr("location_id", "%d is not a location id", s.LocationID)
	}
	if s.LocationID == 0 {
		s.LocationID = defaultLocation
	}
	return nil
}

// stockRow is one inventory row on its way through a batch.
type stockRow struct {
	outcome
	s    *Stock
	item bigcommerce.InventoryAdjustmentItem
	cur  int // the catalog's level (all locations)
}

// ImportInventory sets every row's absolute stock level through the
// Inventory API: PUT /v3/inventory/adjustments/absolute, 2,000 items per
// request, after looking the SKUs up (batched sku:in reads) to reject unknown
// ones and to address each item the way its product tracks stock (by
// product_id or by variant_id). When a SKU repeats for one location, the
// later row goes in a later request, so it wins.
func (j *Job) ImportInventory(ctx context.Context, rd Reader[Stock]) (Summary, error) {
	j.start("inventory")
	loc := j.LocationID
	if loc == 0 {
		loc = bigcommerce.DefaultLocationID
	}
	err := readBatches(ctx, j, rd, bigcommerce.MaxInventoryAdjustment,
		func(s *Stock) *RowError { return s.normalize(loc) },
		func(s *Stock) []string { return []string{fmt.Sprintf("%s@%d", s.SKU, s.LocationID)} },
		func(batch []Record[Stock], done map[int]state.ImportRow) error { return j.stockBatch(ctx, batch, done) })
	return j.snapshot(), err
}

func (j *Job) stockBatch(ctx context.Context, batch []Record[Stock], done map[int]state.ImportRow) error {
	rows, todo := newRows(batch, done, func(s *Stock) string { return s.SKU },
		func(o outcome, s *Stock) *stockRow { return &stockRow{outcome: o, s: s} })
	var skus []string
	for _, r := range todo {
		skus = append(skus, r.s.SKU)
	}
	if len(todo) > 0 {
		if err := j.addressStock(ctx, skus, todo); err != nil {
			return err
		}
	}
	var send []*stockRow
	for _, r := range todo {
		if r.err != nil {
			continue
		}
		send = append(send, r)
		r.action = actionUpdate
		if r.cur == *r.s.Quantity && r.s.LocationID == bigcommerce.DefaultLocationID {
			r.action = actionUnchanged // in the plan; the level is sent all the same
		}
		if j.DryRun && r.action == actionUpdate {
			r.changes = changes{"quantity": {r.cur, *r.s.Quantity}}
		}
	}
	if j.DryRun || len(send) == 0 {
		return finish(ctx, j, rows, nil)
	}
	stop := j.setLevels(ctx, send)
	for _, r := range send {
		if r.err == nil {
			r.action, r.ref = actionUpdate, "sku "+r.s.SKU
		}
	}
	return finish(ctx, j, rows, stop)
}

// addressStock finds each row's item: GET /v3/catalog/variants?sku:in=...
// for the SKUs, then GET /v3/catalog/products?id:in=... for how their
// products track stock. A product tracked per product is adjusted by
// product_id (its own SKU, or a product without options); one tracked per
// variant by variant_id. Unknown SKUs and untracked products are rejected.
func (j *Job) addressStock(ctx context.Context, skus []string, rows []*stockRow) error {
	vs, err := j.Client.Variants.BySKUs(ctx, skus)
	j.countLookups(len(skus))
	if err != nil {
		return err
	}
	bySKU := map[string]*bigcommerce.Variant{}
	ids := map[int]bool{}
	for _, v := range vs {
		bySKU[v.SKU] = v
		ids[v.ProductID] = true
	}
	// Products with options carry a SKU of their own that is no variant's.
	var rest []string
	for _, s := range skus {
		if bySKU[s] == nil {
			rest = append(rest, s)
		}
	}
	products := map[int]*bigcommerce.Product{}
	ownSKU := map[string]*bigcommerce.Product{}
	if len(rest) > 0 {
		ps, err := j.Client.Products.BySKUs(ctx, rest, nil)
		j.countLookups(len(rest))
		if err != nil {
			return err
		}
		for _, p := range ps {
			ownSKU[p.SKU] = p
			products[p.ID] = p
		}
	}
	var list []int
	for id := range ids {
		if products[id] == nil {
			list = append(list, id)
		}
	}
	for i := 0; i < len(list); i += 250 {
		chunk := list[i:min(i+250, len(list))]
		j.stats.read()
		for p, err := range j.Client.Products.All(ctx, &bigcommerce.ProductListOptions{IDs: chunk, IncludeFields: []string{"sku", "inventory_tracking", "inventory_level"}}) {
			if err != nil {
				return err
			}
			products[p.ID] = p
		}
	}
	for _, r := range rows {
		it := bigcommerce.InventoryAdjustmentItem{LocationID: r.s.LocationID, Quantity: *r.s.Quantity}
		if p := ownSKU[r.s.SKU]; p != nil {
			r.cur = p.InventoryLevel
			switch p.InventoryTracking {
			case "product":
				it.ProductID = p.ID
			case "variant":
				r.err = rowErr("sku", "%q is product %d's own SKU, but it tracks stock per variant: give each variant's SKU", r.s.SKU, p.ID)
			default:
				r.err = rowErr("sku", "product %d (SKU %q) does not track inventory; set its inventory_tracking first", p.ID, r.s.SKU)
			}
			r.item = it
			continue
		}
		v := bySKU[r.s.SKU]
		if v == nil {
			r.err = rowErr("sku", "no product or variant in the store has SKU %q", r.s.SKU)
			continue
		}
		p := products[v.ProductID]
		if p == nil {
			r.err = rowErr("sku", "variant %q's product %d was not found (deleted meanwhile?)", r.s.SKU, v.ProductID)
			continue
		}
		switch {
		case p.InventoryTracking == "variant":
			it.VariantID, r.cur = v.ID, v.InventoryLevel
		case p.InventoryTracking == "product" && (p.SKU == v.SKU || len(v.OptionValues) == 0):
			it.ProductID, r.cur = p.ID, p.InventoryLevel
		case p.InventoryTracking == "product":
			r.err = rowErr("sku", "%q is a variant of product %d, which tracks stock for the whole product: give the product's SKU %q", r.s.SKU, p.ID, p.SKU)
		default:
			r.err = rowErr("sku", "product %d (SKU %q) does not track inventory; set its inventory_tracking first", p.ID, r.s.SKU)
		}
		r.item = it
	}
	return nil
}

// setLevels sends the rows' absolute levels, 2,000 per request. When the
// store refuses a request (one bad item fails it), it is split in halves
// until the refused rows are found and rejected; the rest are applied.
func (j *Job) setLevels(ctx context.Context, rows []*stockRow) error {
	if len(rows) == 0 {
		return nil
	}
	items := make([]bigcommerce.InventoryAdjustmentItem, len(rows))
	for i, r := range rows {
		items[i] = r.item
	}
	_, _, err := j.Client.Inventory.SetAbsolute(ctx, &bigcommerce.InventoryAdjustment{Reason: "bigc import", Items: items})
	j.stats.write()
	if !refused(err) {
		return err
	}
	if len(rows) == 1 {
		rows[0].err = apiRowError(err)
		return nil
	}
	half := len(rows) / 2
	if err := j.setLevels(ctx, rows[:half]); err != nil {
		return err
	}
	return j.setLevels(ctx, rows[half:])
}
