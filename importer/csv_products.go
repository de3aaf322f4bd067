package importer

import (
	"io"
	"strconv"
	"strings"

	"github.com/bigc-dev/bigc/bigcommerce"
)

// Formats of a product file.
const (
	FormatJSONL       = "jsonl"
	FormatCSV         = "csv"
	FormatWooCommerce = "woocommerce"
	FormatShopify     = "shopify"
)

// ProductReader opens a product file in one of the formats: JSON Lines, our
// CSV, or a WooCommerce or Shopify product export.
func ProductReader(format string, r io.Reader) (Reader[Product], error) {
	switch format {
	case FormatJSONL:
		return newJSONLReader[Product](r), nil
	case FormatCSV:
		return newCSVProducts(r)
	case FormatWooCommerce:
		return newWooProducts(r)
	case FormatShopify:
		return newShopifyProducts(r)
	}
	return nil, rowErr("format", "%q: want csv, jsonl, woocommerce or shopify", format)
}

// cell parses typed cells of a row, keeping the first error.
type cell struct {
	r   csvRow
	err *RowError
}

func (c *cell) str(col string) string { return c.r.get(col) }

func (c *cell) strPtr(col string) *string {
	if !c.r.t.has(col) {
		return nil
	}
	s := c.r.get(col)
	return &s
}

func (c *cell) decimal(col string) bigcommerce.Decimal {
	s := strings.TrimPrefix(c.r.get(col), "$")
	if s == "" {
		return ""
	}
	if err := checkAmount(col, bigcommerce.Decimal(s)); err != nil && c.err == nil {
		c.err = err
	}
	return bigcommerce.Decimal(s)
}

func (c *cell) intPtr(col string) *int {
	s := c.r.get(col)
	if s == "" {
		return nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		// Stock levels are sometimes exported as 12.0.
		if f, ferr := strconv.ParseFloat(s, 64); ferr == nil && f == float64(int(f)) {
			n, err = int(f), nil
		}
	}
	if err != nil && c.err == nil {
		c.err = rowErr(col, "%q is not a whole number", s)
	}
	return &n
}

// boolPtr reads true/false, 1/0 or yes/no; unset when empty.
func (c *cell) boolPtr(col string) *bool {
	s := strings.ToLower(c.r.get(col))
	var b bool
	switch s {
	case "":
		return nil
	case "true", "1", "yes":
		b = true
	case "false", "0", "no":
	default:
		if c.err == nil {
			c.err = rowErr(col, "%q: want true or false (or 1/0, yes/no)", s)
		}
		return nil
	}
	return &b
}

// pairs parses "Name=Value;Name=Value".
func (c *cell) pairs(col string) [][2]string {
	var out [][2]string
	for _, p := range splitList(c.r.get(col), ";") {
		k, v, ok := strings.Cut(p, "=")
		if !ok || strings.TrimSpace(k) == "" || strings.TrimSpace(v) == "" {
			if c.err == nil {
				c.err = rowErr(col, "%q: want name=value pairs separated by ;", p)
			}
			return nil
		}
		out = append(out, [2]string{strings.TrimSpace(k), strings.TrimSpace(v)})
	}
	return out
}

// csvProductColumns are the columns of bigc's own product CSV (docs/imports.md).
var csvProductColumns = []string{"sku", "name", "type", "price", "sale_price", "cost_price", "retail_price", "weight",
	"description", "categories", "brand", "inventory_level", "inventory_tracking", "is_visible", "images", "custom_fields",
	"parent_sku", "options", "upc", "image_url"}

// newCSVProducts reads bigc's product CSV: one row per product, followed by
// one row per variant whose parent_sku is the product's SKU.
func newCSVProducts(r io.Reader) (Reader[Product], error) {
	t, err := newCSVTable(r)
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, c := range csvProductColumns {
		known[c] = true
	}
	for _, h := range t.head {
		if h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))); !known[h] {
			return nil, rowErr(h, "is not a column of bigc's product CSV; columns: %s", strings.Join(csvProductColumns, ", "))
		}
	}
	if !t.has("sku") || !t.has("name") {
		return nil, rowErr("sku", "the header needs at least sku and name; columns: %s", strings.Join(csvProductColumns, ", "))
	}
	return &grouper[Product]{t: t,
		start: func(r csvRow, rec *Record[Product]) {
			c := &cell{r: r}
			if r.get("parent_sku") != "" {
				rec.Err = rowErr("parent_sku", "variant row of %q does not follow its product's row (with sku %q)", r.get("sku"), r.get("parent_sku"))
				return
			}
			p := Product{
				SKU: c.str("sku"), Name: c.str("name"), Type: c.str("type"), Description: c.strPtr("description"),
				Price: c.decimal("price"), SalePrice: c.decimal("sale_price"), CostPrice: c.decimal("cost_price"),
				RetailPrice: c.decimal("retail_price"), Weight: c.decimal("weight"), Brand: c.str("brand"),
				InventoryLevel: c.intPtr("inventory_level"), InventoryTracking: c.str("inventory_tracking"),
				IsVisible:  c.boolPtr("is_visible"),
				Categories: splitList(c.str("categories"), ";"),
			}
			if p.Description != nil && *p.Description == "" {
				p.Description = nil
			}
			for _, u := range splitList(c.str("images"), ";") {
				p.Images = append(p.Images, Image{URL: u})
			}
			for _, kv := range c.pairs("custom_fields") {
				p.CustomFields = append(p.CustomFields, CustomField{Name: kv[0], Value: kv[1]})
			}
			rec.Item, rec.Err = p, c.err
		},
		add: func(r csvRow, rec *Record[Product]) bool {
			parent := r.get("parent_sku")
			if parent == "" || parent != rec.Item.SKU {
				return false
			}
			if rec.Err != nil {
				return true
			}
			c := &cell{r: r}
			v := Variant{SKU: c.str("sku"), Price: c.decimal("price"), SalePrice: c.decimal("sale_price"),
				RetailPrice: c.decimal("retail_price"), CostPrice: c.decimal("cost_price"), Weight: c.decimal("weight"),
				InventoryLevel: c.intPtr("inventory_level"), UPC: c.str("upc"), ImageURL: c.str("image_url")}
			for _, kv := range c.pairs("options") {
				v.Options = append(v.Options, OptionValue{Option: kv[0], Value: kv[1]})
			}
			if c.err != nil {
				rec.Err = rowErr(c.err.Field, "line %d (variant %s): %s", r.line, v.SKU, c.err.Reason)
				return true
			}
			rec.Item.Variants = append(rec.Item.Variants, v)
			return true
		},
	}, nil
}
