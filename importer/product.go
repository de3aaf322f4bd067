package importer

import (
	"fmt"
	"strings"

	"github.com/bigc-dev/bigc/bigcommerce"
)

// Product is one product to import: create-product's input shape, with
// categories named by path ("Apparel/Shirts") and the brand by name. It is one
// line of a JSON Lines file and what the CSV readers make of their rows.
// Fields left out are left alone in the store when the product exists.
type Product struct {
	Name              string              `json:"name"`
	Type              string              `json:"type,omitempty"`
	SKU               string              `json:"sku,omitempty"`
	Description       *string             `json:"description,omitempty"`
	Price             bigcommerce.Decimal `json:"price,omitempty"`
	SalePrice         bigcommerce.Decimal `json:"sale_price,omitempty"`
	CostPrice         bigcommerce.Decimal `json:"cost_price,omitempty"`
	RetailPrice       bigcommerce.Decimal `json:"retail_price,omitempty"`
	Weight            bigcommerce.Decimal `json:"weight,omitempty"`
	Categories        []string            `json:"categories,omitempty"`
	Brand             string              `json:"brand,omitempty"`
	InventoryLevel    *int                `json:"inventory_level,omitempty"`
	InventoryTracking string              `json:"inventory_tracking,omitempty"`
	IsVisible         *bool               `json:"is_visible,omitempty"`
	Variants          []Variant           `json:"variants,omitempty"`
	CustomFields      []CustomField       `json:"custom_fields,omitempty"`
	Images            []Image             `json:"images,omitempty"`
}

// Variant is one variant: a SKU and the option values it stands for.
type Variant struct {
	SKU            string              `json:"sku"`
	Options        []OptionValue       `json:"options"`
	Price          bigcommerce.Decimal `json:"price,omitempty"`
	SalePrice      bigcommerce.Decimal `json:"sale_price,omitempty"`
	RetailPrice    bigcommerce.Decimal `json:"retail_price,omitempty"`
	CostPrice      bigcommerce.Decimal `json:"cost_price,omitempty"`
	Weight         bigcommerce.Decimal `json:"weight,omitempty"`
	InventoryLevel *int                `json:"inventory_level,omitempty"`
	UPC            string              `json:"upc,omitempty"`
	ImageURL       string              `json:"image_url,omitempty"`
}

// OptionValue is one option value of a variant, e.g. Size: L.
type OptionValue struct {
	Option string `json:"option"`
	Value  string `json:"value"`
}

// CustomField is a storefront name/value pair.
type CustomField struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Image is an image BigCommerce downloads from a URL.
type Image struct {
	URL         string `json:"url"`
	IsThumbnail bool   `json:"is_thumbnail,omitempty"`
	Description string `json:"description,omitempty"`
}

// RowError is why a row was rejected: the field at fault and the reason.
type RowError struct {
	Field  string
	Reason string
	// missingCategory marks a row refused for a category path that does
	// not exist (Job.CreateCategories unset): Summary.MissingCategories.
	missingCategory bool
}

func (e *RowError) Error() string {
	if e.Field == "" {
		return e.Reason
	}
	return e.Field + ": " + e.Reason
}

func rowErr(field, format string, args ...any) *RowError {
	return &RowError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

// SKUs returns the product's SKU and its variants', the keys it is matched by.
func (p *Product) SKUs() []string {
	var out []string
	if p.SKU != "" {
		out = append(out, p.SKU)
	}
	for _, v := range p.Variants {
		out = append(out, v.SKU)
	}
	return out
}

// Normalize checks p and trims it, and sets inventory tracking from where
// stock levels are given. What only a create needs (a price, defaults for
// type and weight) is checked by createRequest: an update leaves out what the
// row leaves out.
func (p *Product) Normalize() *RowError {
	p.Name = strings.TrimSpace(p.Name)
	p.SKU = strings.TrimSpace(p.SKU)
	switch {
	case p.Name == "":
		return rowErr("name", "is required (1 to 250 characters)")
	case len(p.Name) > 250:
		return rowErr("name", "is %d characters; at most 250 are allowed", len(p.Name))
	case len(p.SKU) > 255:
		return rowErr("sku", "is %d characters; at most 255 are allowed", len(p.SKU))
	}
	if p.SKU == "" && len(p.Variants) == 0 {
		return rowErr("sku", "is required: products are matched to the store by SKU (the product's or its variants')")
	}
	if p.Type != "" && p.Type != "physical" && p.Type != "digital" {
		return rowErr("type", "%q: want physical or digital", p.Type)
	}
	for _, d := range []struct {
		field string
		v     bigcommerce.Decimal
	}{{"price", p.Price}, {"sale_price", p.SalePrice}, {"cost_price", p.CostPrice}, {"retail_price", p.RetailPrice}, {"weight", p.Weight}} {
		if err := checkAmount(d.field, d.v); err != nil {
			return err
		}
	}
	if p.InventoryLevel != nil && *p.InventoryLevel < 0 {
		return rowErr("inventory_level", "%d: cannot be negative", *p.InventoryLevel)
	}
	if p.InventoryTracking == "" {
		switch {
		case len(p.Variants) > 0 && p.Variants[0].InventoryLevel != nil:
			p.InventoryTracking = "variant"
		case p.InventoryLevel != nil:
			p.InventoryTracking = "product"
		}
	}
	switch p.InventoryTracking {
	case "", "none", "product", "variant":
	default:
		return rowErr("inventory_tracking", "%q: want none, product or variant", p.InventoryTracking)
	}
	for i, c := range p.Categories {
		if cleanPath(c) == "" {
			return rowErr(fmt.Sprintf("categories[%d]", i), "is empty; want a name path such as Apparel/Shirts")
		}
		p.Categories[i] = cleanPath(c)
	}
	seen := map[string]bool{}
	if p.SKU != "" {
		seen[p.SKU] = true
	}
	var optionNames []string
	for i := range p.Variants {
		v := &p.Variants[i]
		f := fmt.Sprintf("variants[%d]", i)
		v.SKU = strings.TrimSpace(v.SKU)
		if v.SKU == "" {
			return rowErr(f+".sku", "is required: BigCommerce needs a SKU for every variant")
		}
		if seen[v.SKU] {
			return rowErr(f+".sku", "%q appears twice in this product", v.SKU)
		}
		seen[v.SKU] = true
		if len(v.Options) == 0 {
			return rowErr(f+".options", "at least one option value is required, e.g. [{\"option\":\"Size\",\"value\":\"L\"}]")
		}
		var names []string
		for j, o := range v.Options {
			if strings.TrimSpace(o.Option) == "" || strings.TrimSpace(o.Value) == "" {
				return rowErr(fmt.Sprintf("%s.options[%d]", f, j), "option and value are both required")
			}
			names = append(names, o.Option)
		}
		if i == 0 {
			optionNames = names
		} else if strings.Join(names, "\x00") != strings.Join(optionNames, "\x00") {
			return rowErr(f+".options", "options %v differ from the first variant's %v: every variant needs the same options", names, optionNames)
		}
		for _, d := range []struct {
			field string
			v     bigcommerce.Decimal
		}{{"price", v.Price}, {"sale_price", v.SalePrice}, {"retail_price", v.RetailPrice}, {"cost_price", v.CostPrice}, {"weight", v.Weight}} {
			if err := checkAmount(f+"."+d.field, d.v); err != nil {
				return err
			}
		}
		if v.InventoryLevel != nil && *v.InventoryLevel < 0 {
			return rowErr(f+".inventory_level", "%d: cannot be negative", *v.InventoryLevel)
		}
	}
	for i, cf := range p.CustomFields {
		if cf.Name == "" || cf.Value == "" || len(cf.Name) > 250 || len(cf.Value) > 250 {
			return rowErr(fmt.Sprintf("custom_fields[%d]", i), "name and value must each be 1 to 250 characters")
		}
	}
	for i, img := range p.Images {
		if !strings.HasPrefix(img.URL, "http://") && !strings.HasPrefix(img.URL, "https://") {
			return rowErr(fmt.Sprintf("images[%d].url", i), "%q is not an http(s) URL", img.URL)
		}
	}
	return nil
}

// checkAmount accepts an unset amount or a non-negative decimal.
func checkAmount(field string, d bigcommerce.Decimal) *RowError {
	if d.IsZero() {
		return nil
	}
	if _, err := bigcommerce.ParseDecimal(string(d)); err != nil {
		return rowErr(field, "%v", err)
	}
	if d.Sign() < 0 {
		return rowErr(field, "%s: cannot be negative", d)
	}
	return nil
}

// cleanPath trims a category path and the names in it: " A / B " is "A/B".
func cleanPath(p string) string {
	parts := strings.Split(p, "/")
	out := parts[:0]
	for _, s := range parts {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return strings.Join(out, "/")
}
