package importer

import (
	"fmt"
	"io"
	"math/big"
	"sort"
	"strconv"
	"strings"

	"github.com/bigc-dev/bigc/bigcommerce"
)

// newShopifyProducts reads Shopify's product CSV export: one row per variant,
// grouped by Handle, the first row carrying the product's fields, and further
// rows with only Image Src for extra images. The mapping is the table in
// docs/imports.md.
func newShopifyProducts(r io.Reader) (Reader[Product], error) {
	t, err := newCSVTable(r)
	if err != nil {
		return nil, err
	}
	for _, col := range []string{"handle", "title", "variant sku", "variant price"} {
		if !t.has(col) {
			return nil, rowErr(col, "column missing: this does not look like a Shopify product export (want Handle, Title, Variant SKU, Variant Price, ...)")
		}
	}
	var (
		handle      string
		optionNames [3]string
		images      []shopifyImage
	)
	addRow := func(r csvRow, rec *Record[Product]) {
		c := &cell{r: r}
		if src := r.get("image src"); src != "" {
			pos, _ := strconv.Atoi(r.get("image position"))
			images = append(images, shopifyImage{Image{URL: src, Description: r.get("image alt text")}, pos})
		}
		sku := r.get("variant sku")
		var opts []OptionValue
		for i := range 3 {
			if v := r.get(fmt.Sprintf("option%d value", i+1)); v != "" && optionNames[i] != "" {
				opts = append(opts, OptionValue{Option: optionNames[i], Value: v})
			}
		}
		if sku == "" && len(opts) == 0 && r.get("variant price") == "" {
			return // an image row
		}
		v := Variant{SKU: sku, Options: opts, Price: c.decimal("variant price"), RetailPrice: c.decimal("variant compare at price"),
			CostPrice: c.decimal("cost per item"), UPC: r.get("variant barcode"), ImageURL: r.get("variant image")}
		if r.get("variant inventory tracker") != "" || r.get("variant inventory qty") != "" {
			v.InventoryLevel = c.intPtr("variant inventory qty")
		}
		if g := r.get("variant grams"); g != "" {
			kg, ok := new(big.Rat).SetString(g)
			if !ok && c.err == nil {
				c.err = rowErr("Variant Grams", "%q is not a number", g)
			}
			if ok {
				v.Weight = bigcommerce.Decimal(kg.Quo(kg, big.NewRat(1000, 1)).FloatString(3))
			}
		}
		if c.err != nil && rec.Err == nil {
			rec.Err = rowErr(c.err.Field, "line %d: %s", r.line, c.err.Reason)
		}
		rec.Item.Variants = append(rec.Item.Variants, v)
	}
	return &grouper[Product]{t: t,
		start: func(r csvRow, rec *Record[Product]) {
			handle, images = r.get("handle"), nil
			for i := range 3 {
				optionNames[i] = r.get(fmt.Sprintf("option%d name", i+1))
			}
			if handle == "" {
				rec.Err = rowErr("Handle", "is empty")
				return
			}
			p := Product{Name: r.get("title"), Brand: r.get("vendor")}
			if d := r.get("body (html)"); d != "" {
				p.Description = &d
			}
			if cat := r.get("product category"); cat != "" {
				p.Categories = []string{strings.ReplaceAll(cat, " > ", "/")}
			} else if typ := r.get("type"); typ != "" {
				p.Categories = []string{typ}
			}
			if pub := strings.ToLower(r.get("published")); pub != "" {
				p.IsVisible = ptr(pub == "true" && (r.get("status") == "" || strings.EqualFold(r.get("status"), "active")))
			}
			if strings.EqualFold(r.get("gift card"), "true") {
				p.Type = "digital"
			}
			rec.Item = p
			addRow(r, rec)
		},
		add: func(r csvRow, rec *Record[Product]) bool {
			if r.get("handle") != handle {
				return false
			}
			addRow(r, rec)
			return true
		},
		finish: func(rec *Record[Product]) {
			p := &rec.Item
			sort.SliceStable(images, func(i, j int) bool { return images[i].pos < images[j].pos })
			for i, img := range images {
				img.IsThumbnail = i == 0
				p.Images = append(p.Images, img.Image)
			}
			// A product without options is exported as one variant with
			// Option1 "Title" / "Default Title" (or no option at all): it
			// becomes a product with the variant's SKU, price and stock.
			if len(p.Variants) == 1 && (len(p.Variants[0].Options) == 0 ||
				(len(p.Variants[0].Options) == 1 && p.Variants[0].Options[0].Option == "Title" && p.Variants[0].Options[0].Value == "Default Title")) {
				v := p.Variants[0]
				p.SKU, p.Price, p.RetailPrice, p.CostPrice, p.Weight, p.InventoryLevel = v.SKU, v.Price, v.RetailPrice, v.CostPrice, v.Weight, v.InventoryLevel
				p.Variants = nil
			}
			if len(p.Variants) == 0 && p.SKU == "" && rec.Err == nil {
				rec.Err = rowErr("Variant SKU", "product %q (Handle %s) has no variant rows", p.Name, handle)
			}
		},
	}, nil
}

type shopifyImage struct {
	Image
	pos int
}
