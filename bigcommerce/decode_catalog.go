//go:build go1.27 && goexperiment.jsonv2

package bigcommerce

import (
	"encoding/json/jsontext"
	jsonv2 "encoding/json/v2"
)

// The catalog records of a product page (products, variants, images, custom
// fields, option values) decode member by member (decode_members.go): a page
// of 250 products with variants is some 50,000 members. decode_catalog_test.go
// checks every field of every record against encoding/json. This is the
// build for Go 1.27 and later; on earlier releases these records decode by
// reflection.

var productNames = fieldNames[Product]()

// UnmarshalJSONFrom decodes a product from dec (see decodeRecord).
func (p *Product) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return decodeRecord(dec, p, productNames)
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
		err = decodeDecimal(dec, &p.Weight)
	case "width":
		err = decodeDecimal(dec, &p.Width)
	case "depth":
		err = decodeDecimal(dec, &p.Depth)
	case "height":
		err = decodeDecimal(dec, &p.Height)
	case "price":
		err = decodeDecimal(dec, &p.Price)
	case "cost_price":
		err = decodeDecimal(dec, &p.CostPrice)
	case "retail_price":
		err = decodeDecimal(dec, &p.RetailPrice)
	case "sale_price":
		err = decodeDecimal(dec, &p.SalePrice)
	case "calculated_price":
		err = decodeDecimal(dec, &p.CalculatedPrice)
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
		err = decodeDecimal(dec, &p.FixedCostShippingPrice)
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
		err = decodeTime(dec, &p.DateCreated)
	case "date_modified":
		err = decodeTime(dec, &p.DateModified)
	case "variants":
		err = decodeList(dec, &p.Variants, variantNames)
	case "images":
		err = decodeList(dec, &p.Images, imageNames)
	case "primary_image":
		err = decodeInto(dec, &p.PrimaryImage, imageNames)
	case "custom_fields":
		err = decodeList(dec, &p.CustomFields, customFieldNames)
	default:
		return false, nil
	}
	return true, err
}

var variantNames = fieldNames[Variant]()

// UnmarshalJSONFrom decodes a variant from dec (see decodeRecord).
func (v *Variant) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return decodeRecord(dec, v, variantNames)
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
		err = decodeDecimal(dec, &v.Price)
	case "calculated_price":
		err = decodeDecimal(dec, &v.CalculatedPrice)
	case "sale_price":
		err = decodeDecimal(dec, &v.SalePrice)
	case "retail_price":
		err = decodeDecimal(dec, &v.RetailPrice)
	case "cost_price":
		err = decodeDecimal(dec, &v.CostPrice)
	case "weight":
		err = decodeDecimal(dec, &v.Weight)
	case "calculated_weight":
		err = decodeDecimal(dec, &v.CalculatedWeight)
	case "width":
		err = decodeDecimal(dec, &v.Width)
	case "height":
		err = decodeDecimal(dec, &v.Height)
	case "depth":
		err = decodeDecimal(dec, &v.Depth)
	case "is_free_shipping":
		err = decodeBool(dec, &v.IsFreeShipping)
	case "fixed_cost_shipping_price":
		err = decodeDecimal(dec, &v.FixedCostShippingPrice)
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
		err = decodeList(dec, &v.OptionValues, optionValueNames)
	default:
		return false, nil
	}
	return true, err
}

var optionValueNames = fieldNames[VariantOptionValue]()

// UnmarshalJSONFrom decodes an option value from dec (see decodeRecord).
func (o *VariantOptionValue) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return decodeRecord(dec, o, optionValueNames)
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

var imageNames = fieldNames[ProductImage]()

// UnmarshalJSONFrom decodes a product image from dec (see decodeRecord).
func (im *ProductImage) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return decodeRecord(dec, im, imageNames)
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
		err = decodeTime(dec, &im.DateModified)
	default:
		return false, nil
	}
	return true, err
}

var customFieldNames = fieldNames[CustomField]()

// UnmarshalJSONFrom decodes a custom field from dec (see decodeRecord).
func (f *CustomField) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return decodeRecord(dec, f, customFieldNames)
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
