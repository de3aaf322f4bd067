//go:build go1.27 && goexperiment.jsonv2

package bigcommerce

import (
	"bytes"
	"encoding/json/jsontext"
	jsonv2 "encoding/json/v2"
	"fmt"
	"strings"
	"sync/atomic"
	"unicode/utf8"
)

// The catalog records of a product page (products, variants, images, custom
// fields, option values) decode here straight from the decoder's tokens: a
// page of 250 products with variants is some 50,000 members, and the
// reflection-driven decoder's cost per member (a map lookup of the name, a
// case-folded second lookup for every member we do not model) was most of
// the page's decoding. Each record's fields are a switch on the name; any
// value not in its usual form (a number with a fraction or an exponent, a
// string with escapes or invalid UTF-8, null, a value of another type) is
// handed to encoding/json with the decoder's own options, so the results and
// errors are encoding/json's. Names match as encoding/json matches them,
// without regard to case. decode_catalog_test.go checks every field of every
// record against encoding/json. This is the build for Go 1.27 and later; on
// earlier releases these records decode by reflection.

// The types as encoding/json sees them without these methods: what a value
// that is not an object decodes through, so that null and wrong shapes behave
// exactly as before.
type (
	plainProduct            Product
	plainVariant            Variant
	plainProductImage       ProductImage
	plainCustomField        CustomField
	plainVariantOptionValue VariantOptionValue
)

// memberDecoder is a record that decodes its members by name.
type memberDecoder interface {
	// decodeMember decodes the value of the member name (its JSON name as the
	// type's tag writes it) and reports whether the record has such a field.
	decodeMember(dec *jsontext.Decoder, name []byte) (bool, error)
}

// decodeObject decodes a JSON object's members into r, and anything else into
// plain (r as a type without methods). names are r's JSON names, for the
// members whose name matches one only without regard to case.
func decodeObject(dec *jsontext.Decoder, r memberDecoder, plain any, names []string) error {
	if dec.PeekKind() != '{' {
		return jsonv2.UnmarshalDecode(dec, plain)
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	var unquoted []byte
	for dec.PeekKind() != '}' {
		raw, err := dec.ReadValue()
		if err != nil {
			return err
		}
		name := raw[1 : len(raw)-1]
		if bytes.IndexByte(name, '\\') >= 0 {
			if unquoted, err = jsontext.AppendUnquote(unquoted[:0], raw); err != nil {
				return err
			}
			name = unquoted
		}
		known, err := r.decodeMember(dec, name)
		if err != nil {
			return err
		}
		if !known {
			if canon := foldedName(name, names); canon != "" {
				known, err = r.decodeMember(dec, []byte(canon))
				if err != nil {
					return err
				}
			}
		}
		if !known {
			if reject, _ := jsonv2.GetOption(dec.Options(), jsonv2.RejectUnknownMembers); reject {
				// As encoding/json's Decoder.DisallowUnknownFields asks.
				return fmt.Errorf("json: unknown field %q: %w", name, jsonv2.ErrUnknownName)
			}
			if err := dec.SkipValue(); err != nil {
				return err
			}
		}
	}
	_, err := dec.ReadToken()
	return err
}

// foldedName returns the name of names that name equals without regard to
// case, or "". The names are lower-case ASCII, so a name of lower-case ASCII
// that is not one of them exactly matches none (the common case: a member we
// do not model).
func foldedName(name []byte, names []string) string {
	folds := false
	for _, c := range name {
		if c >= 'A' && c <= 'Z' || c >= utf8.RuneSelf {
			folds = true
			break
		}
	}
	if !folds {
		return ""
	}
	for _, n := range names {
		if strings.EqualFold(n, string(name)) {
			return n
		}
	}
	return ""
}

// decodeInt decodes a number without fraction or exponent in place, and
// anything else as encoding/json does.
func decodeInt(dec *jsontext.Decoder, p *int) error {
	raw, err := dec.ReadValue()
	if err != nil {
		return err
	}
	if n := len(raw); n > 0 && n <= 18 {
		digits, neg := raw, raw[0] == '-'
		if neg {
			digits = digits[1:]
		}
		v, ok := 0, len(digits) > 0
		for _, c := range digits {
			if c < '0' || c > '9' {
				ok = false
				break
			}
			v = v*10 + int(c-'0')
		}
		if ok {
			if neg {
				v = -v
			}
			*p = v
			return nil
		}
	}
	return jsonv2.Unmarshal(raw, p, dec.Options())
}

// decodeString decodes a string without escapes or invalid UTF-8 in place,
// and anything else as encoding/json does. With intern, the text comes from
// the table of recent values (for the values a catalog repeats: types,
// statuses, option names).
func decodeString(dec *jsontext.Decoder, p *string, intern bool) error {
	raw, err := dec.ReadValue()
	if err != nil {
		return err
	}
	if len(raw) < 2 || raw[0] != '"' {
		return jsonv2.Unmarshal(raw, p, dec.Options())
	}
	text := raw[1 : len(raw)-1]
	if bytes.IndexByte(text, '\\') >= 0 || !utf8.Valid(text) {
		return jsonv2.Unmarshal(raw, p, dec.Options())
	}
	if intern {
		*p = recentTexts.intern(text)
	} else {
		*p = string(text)
	}
	return nil
}

// decodeBool decodes true or false, and anything else as encoding/json does.
func decodeBool(dec *jsontext.Decoder, p *bool) error {
	raw, err := dec.ReadValue()
	if err != nil {
		return err
	}
	switch string(raw) {
	case "true":
		*p = true
	case "false":
		*p = false
	default:
		return jsonv2.Unmarshal(raw, p, dec.Options())
	}
	return nil
}

// decodeRaw hands the value's bytes to u, as encoding/json does for a type
// with an UnmarshalJSON method (Decimal, Time).
func decodeRaw(dec *jsontext.Decoder, u interface{ UnmarshalJSON([]byte) error }) error {
	raw, err := dec.ReadValue()
	if err != nil {
		return err
	}
	return u.UnmarshalJSON(raw)
}

// jsonNames returns the JSON names of a record's fields, from their tags.
func jsonNames(tags ...string) []string {
	names := make([]string, len(tags))
	for i, t := range tags {
		names[i], _, _ = strings.Cut(t, ",")
	}
	return names
}

var productNames = jsonNames("id", "name", "type", "sku", "description", "weight", "width", "depth", "height",
	"price", "cost_price", "retail_price", "sale_price", "calculated_price", "tax_class_id", "categories", "brand_id",
	"inventory_level", "inventory_warning_level", "inventory_tracking", "total_sold", "fixed_cost_shipping_price",
	"is_free_shipping", "is_visible", "is_featured", "warranty", "bin_picking_number", "upc", "mpn", "gtin",
	"search_keywords", "availability", "availability_description", "condition", "sort_order",
	"order_quantity_minimum", "order_quantity_maximum", "page_title", "meta_description", "view_count",
	"custom_url", "base_variant_id", "date_created", "date_modified", "variants", "images", "primary_image",
	"custom_fields")

// UnmarshalJSONFrom decodes a product from dec (see decodeObject).
func (p *Product) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return decodeObject(dec, p, (*plainProduct)(p), productNames)
}

func (p *Product) decodeMember(dec *jsontext.Decoder, name []byte) (bool, error) {
	var err error
	switch string(name) {
	case "id":
		err = decodeInt(dec, &p.ID)
	case "name":
		err = decodeString(dec, &p.Name, false)
	case "type":
		err = decodeString(dec, &p.Type, true)
	case "sku":
		err = decodeString(dec, &p.SKU, false)
	case "description":
		err = decodeString(dec, &p.Description, false)
	case "weight":
		err = decodeRaw(dec, &p.Weight)
	case "width":
		err = decodeRaw(dec, &p.Width)
	case "depth":
		err = decodeRaw(dec, &p.Depth)
	case "height":
		err = decodeRaw(dec, &p.Height)
	case "price":
		err = decodeRaw(dec, &p.Price)
	case "cost_price":
		err = decodeRaw(dec, &p.CostPrice)
	case "retail_price":
		err = decodeRaw(dec, &p.RetailPrice)
	case "sale_price":
		err = decodeRaw(dec, &p.SalePrice)
	case "calculated_price":
		err = decodeRaw(dec, &p.CalculatedPrice)
	case "tax_class_id":
		err = decodeInt(dec, &p.TaxClassID)
	case "categories":
		err = jsonv2.UnmarshalDecode(dec, &p.Categories)
	case "brand_id":
		err = decodeInt(dec, &p.BrandID)
	case "inventory_level":
		err = decodeInt(dec, &p.InventoryLevel)
	case "inventory_warning_level":
		err = decodeInt(dec, &p.InventoryWarningLevel)
	case "inventory_tracking":
		err = decodeString(dec, &p.InventoryTracking, true)
	case "total_sold":
		err = decodeInt(dec, &p.TotalSold)
	case "fixed_cost_shipping_price":
		err = decodeRaw(dec, &p.FixedCostShippingPrice)
	case "is_free_shipping":
		err = decodeBool(dec, &p.IsFreeShipping)
	case "is_visible":
		err = decodeBool(dec, &p.IsVisible)
	case "is_featured":
		err = decodeBool(dec, &p.IsFeatured)
	case "warranty":
		err = decodeString(dec, &p.Warranty, false)
	case "bin_picking_number":
		err = decodeString(dec, &p.BinPickingNumber, false)
	case "upc":
		err = decodeString(dec, &p.UPC, false)
	case "mpn":
		err = decodeString(dec, &p.MPN, false)
	case "gtin":
		err = decodeString(dec, &p.GTIN, false)
	case "search_keywords":
		err = decodeString(dec, &p.SearchKeywords, false)
	case "availability":
		err = decodeString(dec, &p.Availability, true)
	case "availability_description":
		err = decodeString(dec, &p.AvailabilityDescription, true)
	case "condition":
		err = decodeString(dec, &p.Condition, true)
	case "sort_order":
		err = decodeInt(dec, &p.SortOrder)
	case "order_quantity_minimum":
		err = decodeInt(dec, &p.OrderQuantityMinimum)
	case "order_quantity_maximum":
		err = decodeInt(dec, &p.OrderQuantityMaximum)
	case "page_title":
		err = decodeString(dec, &p.PageTitle, false)
	case "meta_description":
		err = decodeString(dec, &p.MetaDescription, false)
	case "view_count":
		err = decodeInt(dec, &p.ViewCount)
	case "custom_url":
		err = jsonv2.UnmarshalDecode(dec, &p.CustomURL)
	case "base_variant_id":
		err = decodeInt(dec, &p.BaseVariantID)
	case "date_created":
		err = decodeRaw(dec, &p.DateCreated)
	case "date_modified":
		err = decodeRaw(dec, &p.DateModified)
	case "variants":
		err = jsonv2.UnmarshalDecode(dec, &p.Variants)
	case "images":
		err = jsonv2.UnmarshalDecode(dec, &p.Images)
	case "primary_image":
		err = jsonv2.UnmarshalDecode(dec, &p.PrimaryImage)
	case "custom_fields":
		err = jsonv2.UnmarshalDecode(dec, &p.CustomFields)
	default:
		return false, nil
	}
	return true, err
}

var variantNames = jsonNames("id", "product_id", "sku", "sku_id", "price", "calculated_price", "sale_price",
	"retail_price", "cost_price", "weight", "calculated_weight", "width", "height", "depth", "is_free_shipping",
	"fixed_cost_shipping_price", "purchasing_disabled", "purchasing_disabled_message", "image_url", "upc", "mpn",
	"gtin", "inventory_level", "inventory_warning_level", "bin_picking_number", "option_values")

// UnmarshalJSONFrom decodes a variant from dec (see decodeObject).
func (v *Variant) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return decodeObject(dec, v, (*plainVariant)(v), variantNames)
}

func (v *Variant) decodeMember(dec *jsontext.Decoder, name []byte) (bool, error) {
	var err error
	switch string(name) {
	case "id":
		err = decodeInt(dec, &v.ID)
	case "product_id":
		err = decodeInt(dec, &v.ProductID)
	case "sku":
		err = decodeString(dec, &v.SKU, false)
	case "sku_id":
		err = decodeInt(dec, &v.SKUID)
	case "price":
		err = decodeRaw(dec, &v.Price)
	case "calculated_price":
		err = decodeRaw(dec, &v.CalculatedPrice)
	case "sale_price":
		err = decodeRaw(dec, &v.SalePrice)
	case "retail_price":
		err = decodeRaw(dec, &v.RetailPrice)
	case "cost_price":
		err = decodeRaw(dec, &v.CostPrice)
	case "weight":
		err = decodeRaw(dec, &v.Weight)
	case "calculated_weight":
		err = decodeRaw(dec, &v.CalculatedWeight)
	case "width":
		err = decodeRaw(dec, &v.Width)
	case "height":
		err = decodeRaw(dec, &v.Height)
	case "depth":
		err = decodeRaw(dec, &v.Depth)
	case "is_free_shipping":
		err = decodeBool(dec, &v.IsFreeShipping)
	case "fixed_cost_shipping_price":
		err = decodeRaw(dec, &v.FixedCostShippingPrice)
	case "purchasing_disabled":
		err = decodeBool(dec, &v.PurchasingDisabled)
	case "purchasing_disabled_message":
		err = decodeString(dec, &v.PurchasingDisabledMessage, true)
	case "image_url":
		err = decodeString(dec, &v.ImageURL, false)
	case "upc":
		err = decodeString(dec, &v.UPC, false)
	case "mpn":
		err = decodeString(dec, &v.MPN, false)
	case "gtin":
		err = decodeString(dec, &v.GTIN, false)
	case "inventory_level":
		err = decodeInt(dec, &v.InventoryLevel)
	case "inventory_warning_level":
		err = decodeInt(dec, &v.InventoryWarningLevel)
	case "bin_picking_number":
		err = decodeString(dec, &v.BinPickingNumber, false)
	case "option_values":
		err = jsonv2.UnmarshalDecode(dec, &v.OptionValues)
	default:
		return false, nil
	}
	return true, err
}

var optionValueNames = jsonNames("id", "label", "option_id", "option_display_name")

// UnmarshalJSONFrom decodes an option value from dec (see decodeObject).
func (o *VariantOptionValue) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return decodeObject(dec, o, (*plainVariantOptionValue)(o), optionValueNames)
}

func (o *VariantOptionValue) decodeMember(dec *jsontext.Decoder, name []byte) (bool, error) {
	var err error
	switch string(name) {
	case "id":
		err = decodeInt(dec, &o.ID)
	case "label":
		err = decodeString(dec, &o.Label, true)
	case "option_id":
		err = decodeInt(dec, &o.OptionID)
	case "option_display_name":
		err = decodeString(dec, &o.OptionDisplayName, true)
	default:
		return false, nil
	}
	return true, err
}

var imageNames = jsonNames("id", "product_id", "is_thumbnail", "sort_order", "description", "image_file",
	"url_zoom", "url_standard", "url_thumbnail", "url_tiny", "date_modified")

// UnmarshalJSONFrom decodes a product image from dec (see decodeObject).
func (im *ProductImage) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return decodeObject(dec, im, (*plainProductImage)(im), imageNames)
}

func (im *ProductImage) decodeMember(dec *jsontext.Decoder, name []byte) (bool, error) {
	var err error
	switch string(name) {
	case "id":
		err = decodeInt(dec, &im.ID)
	case "product_id":
		err = decodeInt(dec, &im.ProductID)
	case "is_thumbnail":
		err = decodeBool(dec, &im.IsThumbnail)
	case "sort_order":
		err = decodeInt(dec, &im.SortOrder)
	case "description":
		err = decodeString(dec, &im.Description, false)
	case "image_file":
		err = decodeString(dec, &im.ImageFile, false)
	case "url_zoom":
		err = decodeString(dec, &im.URLZoom, false)
	case "url_standard":
		err = decodeString(dec, &im.URLStandard, false)
	case "url_thumbnail":
		err = decodeString(dec, &im.URLThumbnail, false)
	case "url_tiny":
		err = decodeString(dec, &im.URLTiny, false)
	case "date_modified":
		err = decodeRaw(dec, &im.DateModified)
	default:
		return false, nil
	}
	return true, err
}

var customFieldNames = jsonNames("id", "name", "value")

// UnmarshalJSONFrom decodes a custom field from dec (see decodeObject).
func (f *CustomField) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return decodeObject(dec, f, (*plainCustomField)(f), customFieldNames)
}

func (f *CustomField) decodeMember(dec *jsontext.Decoder, name []byte) (bool, error) {
	var err error
	switch string(name) {
	case "id":
		err = decodeInt(dec, &f.ID)
	case "name":
		err = decodeString(dec, &f.Name, true)
	case "value":
		err = decodeString(dec, &f.Value, true)
	default:
		return false, nil
	}
	return true, err
}

// textCache remembers recent short texts, so that the words a catalog repeats
// in every record (types, statuses, option names and labels, custom field
// names) are allocated once rather than once per record. It is a fixed table
// indexed by a hash of the text: a new text replaces whichever one held its
// slot, so it never grows. Slots point to strings that never change once
// stored, so decoders on any number of goroutines share it without a lock.
type textCache [4096]atomic.Pointer[string]

// recentTexts is the process's cache.
var recentTexts textCache

// intern returns b as a string, the cached one when b is in the table.
func (c *textCache) intern(b []byte) string {
	if len(b) > 24 {
		return string(b)
	}
	h := uint32(2166136261) // FNV-1a
	for _, ch := range b {
		h = (h ^ uint32(ch)) * 16777619
	}
	slot := &c[h%uint32(len(c))]
	if s := slot.Load(); s != nil && *s == string(b) {
		return *s
	}
	s := string(b)
	slot.Store(&s)
	return s
}
