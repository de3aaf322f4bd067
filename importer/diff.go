package importer

import (
	"path"
	"slices"
	"strings"

	"github.com/bigc-dev/bigc/bigcommerce"
)

// changes collects "field: [old, new]" for the plan and tells whether
// anything differs.
type changes map[string][2]any

// str sets *dst and records the change when want is set and differs.
func (c changes) str(field, cur string, want *string, dst **string) {
	if want != nil && *want != cur {
		c[field] = [2]any{cur, *want}
		*dst = want
	}
}

func (c changes) amount(field string, cur, want bigcommerce.Decimal, dst **bigcommerce.Decimal) {
	if !want.IsZero() && cur.Cmp(want) != 0 {
		c[field] = [2]any{cur, want}
		*dst = &want
	}
}

func (c changes) integer(field string, cur int, want *int, dst **int) {
	if want != nil && *want != cur {
		c[field] = [2]any{cur, *want}
		*dst = want
	}
}

func (c changes) boolean(field string, cur bool, want *bool, dst **bool) {
	if want != nil && *want != cur {
		c[field] = [2]any{cur, *want}
		*dst = want
	}
}

func strIf(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// diffProduct compares the product fields p gives with cur. It returns the
// update to send (nil when nothing differs).
func diffProduct(p *Product, cur *bigcommerce.Product, categories []int, brandID int, c changes) *bigcommerce.ProductUpdateRequest {
	var u bigcommerce.ProductUpdateRequest
	before := len(c)
	c.str("name", cur.Name, &p.Name, &u.Name)
	c.str("type", cur.Type, strIf(p.Type), &u.Type)
	c.str("sku", cur.SKU, strIf(p.SKU), &u.SKU)
	c.str("description", cur.Description, p.Description, &u.Description)
	c.amount("price", cur.Price, p.Price, &u.Price)
	c.amount("sale_price", cur.SalePrice, p.SalePrice, &u.SalePrice)
	c.amount("cost_price", cur.CostPrice, p.CostPrice, &u.CostPrice)
	c.amount("retail_price", cur.RetailPrice, p.RetailPrice, &u.RetailPrice)
	c.amount("weight", cur.Weight, p.Weight, &u.Weight)
	c.str("inventory_tracking", cur.InventoryTracking, strIf(p.InventoryTracking), &u.InventoryTracking)
	if p.InventoryTracking == "product" || (p.InventoryTracking == "" && cur.InventoryTracking == "product") {
		c.integer("inventory_level", cur.InventoryLevel, p.InventoryLevel, &u.InventoryLevel)
	}
	c.boolean("is_visible", cur.IsVisible, p.IsVisible, &u.IsVisible)
	if len(categories) > 0 && !sameSet(cur.Categories, categories) {
		c["categories"] = [2]any{cur.Categories, categories}
		u.Categories = categories
	}
	if p.Brand != "" && brandID != cur.BrandID {
		c["brand_id"] = [2]any{cur.BrandID, brandID}
		if brandID != 0 {
			u.BrandID = &brandID
		}
	}
	if len(c) == before {
		return nil
	}
	return &u
}

// diffVariant compares a variant's fields with the store's.
func diffVariant(v *Variant, cur *bigcommerce.Variant, stockPerVariant bool, c changes) *bigcommerce.VariantUpdateRequest {
	var u bigcommerce.VariantUpdateRequest
	before := len(c)
	pre := "variants[" + v.SKU + "]."
	c.amount(pre+"price", cur.Price, v.Price, &u.Price)
	c.amount(pre+"sale_price", cur.SalePrice, v.SalePrice, &u.SalePrice)
	c.amount(pre+"retail_price", cur.RetailPrice, v.RetailPrice, &u.RetailPrice)
	c.amount(pre+"cost_price", cur.CostPrice, v.CostPrice, &u.CostPrice)
	c.amount(pre+"weight", cur.Weight, v.Weight, &u.Weight)
	if stockPerVariant {
		c.integer(pre+"inventory_level", cur.InventoryLevel, v.InventoryLevel, &u.InventoryLevel)
	}
	c.str(pre+"upc", cur.UPC, strIf(v.UPC), &u.UPC)
	if v.ImageURL != "" && cur.ImageURL == "" {
		c[pre+"image_url"] = [2]any{"", v.ImageURL}
		u.ImageURL = &v.ImageURL
	}
	if len(c) == before {
		return nil
	}
	return &u
}

func sameSet(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}

// imageKey is what an image is recognised by: its file name without the
// extension. BigCommerce keeps the file name of an image it downloaded (with
// a suffix of its own), not the URL it came from.
func imageKey(u string) string {
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	base := path.Base(u)
	return strings.ToLower(strings.TrimSuffix(base, path.Ext(base)))
}

// hasImage reports whether one of the product's images came from a file
// named like url.
func hasImage(imgs []*bigcommerce.ProductImage, url string) bool {
	key := imageKey(url)
	if key == "" || key == "." || key == "/" {
		return false
	}
	for _, img := range imgs {
		if img != nil && strings.Contains(strings.ToLower(path.Base(img.ImageFile)), key) {
			return true
		}
	}
	return false
}
