package importer

import (
	"fmt"
	"io"
	"strings"
)

// newWooProducts reads WooCommerce's product CSV export (Products > Export):
// one row per simple or variable product, and one per variation, which the
// exporter writes after its parent and links by Parent ("id:N" or the
// parent's SKU). The mapping is the table in docs/imports.md.
func newWooProducts(r io.Reader) (Reader[Product], error) {
	t, err := newCSVTable(r)
	if err != nil {
		return nil, err
	}
	for _, col := range []string{"type", "sku", "name", "regular price"} {
		if !t.has(col) {
			return nil, rowErr(col, "column missing: this does not look like a WooCommerce product export (want ID, Type, SKU, Name, Regular price, ...)")
		}
	}
	weightCol := t.columnWithPrefix("weight (")
	attrs := 0
	for t.has(fmt.Sprintf("attribute %d name", attrs+1)) {
		attrs++
	}
	var parentKeys []string // the open variable product's "id:N" and SKU
	return &grouper[Product]{t: t,
		start: func(r csvRow, rec *Record[Product]) {
			parentKeys = nil
			c := &cell{r: r}
			types := splitList(strings.ToLower(r.get("type")), ",")
			kind := ""
			if len(types) > 0 {
				kind = types[0]
			}
			switch kind {
			case "simple", "variable":
			case "variation":
				rec.Err = rowErr("Parent", "variation %q does not follow its variable product (Parent %q); WooCommerce exports list variations right after their parent", r.get("sku"), r.get("parent"))
				return
			case "":
				rec.Err = rowErr("Type", "is empty; want simple, variable or variation")
				return
			default:
				rec.Err = rowErr("Type", "%q products have no BigCommerce equivalent; only simple, variable and variation rows are imported", kind)
				return
			}
			p := Product{SKU: c.str("sku"), Name: c.str("name"), Price: c.decimal("regular price"), SalePrice: c.decimal("sale price"),
				Brand: firstOf(splitList(c.str("brands"), ","))}
			if weightCol != "" {
				p.Weight = c.decimal(weightCol)
			}
			for _, t := range types[1:] {
				if t == "virtual" || t == "downloadable" {
					p.Type = "digital"
				}
			}
			desc := c.str("description")
			if desc == "" {
				desc = c.str("short description")
			}
			if desc != "" {
				p.Description = &desc
			}
			switch c.str("published") {
			case "1":
				p.IsVisible = ptr(true)
			case "0", "-1":
				p.IsVisible = ptr(false)
			}
			for _, cat := range splitWooList(c.str("categories")) {
				p.Categories = append(p.Categories, strings.ReplaceAll(cat, " > ", "/"))
			}
			for i, u := range splitWooList(c.str("images")) {
				p.Images = append(p.Images, Image{URL: u, IsThumbnail: i == 0})
			}
			if kind == "simple" {
				p.InventoryLevel = c.intPtr("stock")
			} else {
				parentKeys = []string{"id:" + r.get("id"), p.SKU}
			}
			rec.Item, rec.Err = p, c.err
		},
		add: func(r csvRow, rec *Record[Product]) bool {
			if !strings.EqualFold(r.get("type"), "variation") || len(parentKeys) == 0 {
				return false
			}
			parent := r.get("parent")
			if parent == "" || (parent != parentKeys[0] && parent != parentKeys[1]) {
				return false
			}
			if rec.Err != nil {
				return true
			}
			c := &cell{r: r}
			v := Variant{SKU: c.str("sku"), Price: c.decimal("regular price"), SalePrice: c.decimal("sale price"),
				InventoryLevel: c.intPtr("stock")}
			if weightCol != "" {
				v.Weight = c.decimal(weightCol)
			}
			if imgs := splitWooList(c.str("images")); len(imgs) > 0 {
				v.ImageURL = imgs[0]
			}
			for i := 1; i <= attrs; i++ {
				name, value := r.get(fmt.Sprintf("attribute %d name", i)), r.get(fmt.Sprintf("attribute %d value(s)", i))
				if name == "" {
					continue
				}
				if value == "" && c.err == nil {
					c.err = rowErr(fmt.Sprintf("Attribute %d value(s)", i), "variation %q has no %s: an \"any %s\" variation has no BigCommerce equivalent; give it a value", v.SKU, name, name)
				}
				v.Options = append(v.Options, OptionValue{Option: name, Value: value})
			}
			if c.err != nil {
				rec.Err = rowErr(c.err.Field, "line %d (variation %s): %s", r.line, v.SKU, c.err.Reason)
				return true
			}
			rec.Item.Variants = append(rec.Item.Variants, v)
			return true
		},
		finish: func(rec *Record[Product]) {
			if len(parentKeys) > 0 && len(rec.Item.Variants) == 0 {
				rec.Err = rowErr("Type", "variable product %q has no variation rows after it", rec.Item.Name)
			}
		},
	}, nil
}

// splitWooList splits WooCommerce's comma-separated cells, where a comma
// inside a value is written "\,".
func splitWooList(s string) []string {
	const mark = "\x00"
	s = strings.ReplaceAll(s, `\,`, mark)
	var out []string
	for _, p := range splitList(s, ",") {
		out = append(out, strings.ReplaceAll(p, mark, ","))
	}
	return out
}

func firstOf(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

func ptr[T any](v T) *T { return &v }
