//go:build go1.27 && goexperiment.jsonv2

package bigcommerce

import (
	"encoding/json/jsontext"
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

func (p *Product) decodeMember(d *batchDecoder, name []byte) (bool, error) {
	var err error
	switch string(name) {
	case "id":
		err = decodeInt(d, &p.ID)
	case "name":
		err = decodeString(d, &p.Name, false)
	case "type":
		err = decodeString(d, &p.Type, true)
	case "sku":
		err = decodeString(d, &p.SKU, false)
	case "description":
		err = decodeString(d, &p.Description, false)
	case "weight":
		err = decodeDecimal(d, &p.Weight)
	case "width":
		err = decodeDecimal(d, &p.Width)
	case "depth":
		err = decodeDecimal(d, &p.Depth)
	case "height":
		err = decodeDecimal(d, &p.Height)
	case "price":
		err = decodeDecimal(d, &p.Price)
	case "cost_price":
		err = decodeDecimal(d, &p.CostPrice)
	case "retail_price":
		err = decodeDecimal(d, &p.RetailPrice)
	case "sale_price":
		err = decodeDecimal(d, &p.SalePrice)
	case "calculated_price":
		err = decodeDecimal(d, &p.CalculatedPrice)
	case "tax_class_id":
		err = decodeInt(d, &p.TaxClassID)
	case "categories":
		err = decodeInts(d, &p.Categories)
	case "brand_id":
		err = decodeInt(d, &p.BrandID)
	case "inventory_level":
		err = decodeInt(d, &p.InventoryLevel)
	case "inventory_warning_level":
		err = decodeInt(d, &p.InventoryWarningLevel)
	case "inventory_tracking":
		err = decodeString(d, &p.InventoryTracking, true)
	case "total_sold":
		err = decodeInt(d, &p.TotalSold)
	case "fixed_cost_shipping_price":
		err = decodeDecimal(d, &p.FixedCostShippingPrice)
	case "is_free_shipping":
		err = decodeBool(d, &p.IsFreeShipping)
	case "is_visible":
		err = decodeBool(d, &p.IsVisible)
	case "is_featured":
		err = decodeBool(d, &p.IsFeatured)
	case "warranty":
		err = decodeString(d, &p.Warranty, false)
	case "bin_picking_number":
		err = decodeString(d, &p.BinPickingNumber, false)
	case "upc":
		err = decodeString(d, &p.UPC, false)
	case "mpn":
		err = decodeString(d, &p.MPN, false)
	case "gtin":
		err = decodeString(d, &p.GTIN, false)
	case "search_keywords":
		err = decodeString(d, &p.SearchKeywords, false)
	case "availability":
		err = decodeString(d, &p.Availability, true)
	case "availability_description":
		err = decodeString(d, &p.AvailabilityDescription, true)
	case "condition":
		err = decodeString(d, &p.Condition, true)
	case "sort_order":
		err = decodeInt(d, &p.SortOrder)
	case "order_quantity_minimum":
		err = decodeInt(d, &p.OrderQuantityMinimum)
	case "order_quantity_maximum":
		err = decodeInt(d, &p.OrderQuantityMaximum)
	case "page_title":
		err = decodeString(d, &p.PageTitle, false)
	case "meta_description":
		err = decodeString(d, &p.MetaDescription, false)
	case "view_count":
		err = decodeInt(d, &p.ViewCount)
	case "custom_url":
		err = decodeInto(d, &p.CustomURL, customURLNames)
	case "base_variant_id":
		err = decodeInt(d, &p.BaseVariantID)
	case "date_created":
		err = decodeTime(d, &p.DateCreated)
	case "date_modified":
		err = decodeTime(d, &p.DateModified)
	case "variants":
		err = decodeList(d, &p.Variants, variantNames)
	case "images":
		err = decodeList(d, &p.Images, imageNames)
	case "primary_image":
		err = decodeInto(d, &p.PrimaryImage, imageNames)
	case "custom_fields":
		err = decodeList(d, &p.CustomFields, customFieldNames)
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

func (v *Variant) decodeMember(d *batchDecoder, name []byte) (bool, error) {
	var err error
	switch string(name) {
	case "id":
		err = decodeInt(d, &v.ID)
	case "product_id":
		err = decodeInt(d, &v.ProductID)
	case "sku":
		err = decodeString(d, &v.SKU, false)
	case "sku_id":
		err = decodeInt(d, &v.SKUID)
	case "price":
		err = decodeDecimal(d, &v.Price)
	case "calculated_price":
		err = decodeDecimal(d, &v.CalculatedPrice)
	case "sale_price":
		err = decodeDecimal(d, &v.SalePrice)
	case "retail_price":
		err = decodeDecimal(d, &v.RetailPrice)
	case "cost_price":
		err = decodeDecimal(d, &v.CostPrice)
	case "weight":
		err = decodeDecimal(d, &v.Weight)
	case "calculated_weight":
		err = decodeDecimal(d, &v.CalculatedWeight)
	case "width":
		err = decodeDecimal(d, &v.Width)
	case "height":
		err = decodeDecimal(d, &v.Height)
	case "depth":
		err = decodeDecimal(d, &v.Depth)
	case "is_free_shipping":
		err = decodeBool(d, &v.IsFreeShipping)
	case "fixed_cost_shipping_price":
		err = decodeDecimal(d, &v.FixedCostShippingPrice)
	case "purchasing_disabled":
		err = decodeBool(d, &v.PurchasingDisabled)
	case "purchasing_disabled_message":
		err = decodeString(d, &v.PurchasingDisabledMessage, true)
	case "image_url":
		err = decodeString(d, &v.ImageURL, false)
	case "upc":
		err = decodeString(d, &v.UPC, false)
	case "mpn":
		err = decodeString(d, &v.MPN, false)
	case "gtin":
		err = decodeString(d, &v.GTIN, false)
	case "inventory_level":
		err = decodeInt(d, &v.InventoryLevel)
	case "inventory_warning_level":
		err = decodeInt(d, &v.InventoryWarningLevel)
	case "bin_picking_number":
		err = decodeString(d, &v.BinPickingNumber, false)
	case "option_values":
		err = decodeList(d, &v.OptionValues, optionValueNames)
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

func (o *VariantOptionValue) decodeMember(d *batchDecoder, name []byte) (bool, error) {
	var err error
	switch string(name) {
	case "id":
		err = decodeInt(d, &o.ID)
	case "label":
		err = decodeString(d, &o.Label, true)
	case "option_id":
		err = decodeInt(d, &o.OptionID)
	case "option_display_name":
		err = decodeString(d, &o.OptionDisplayName, true)
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

func (im *ProductImage) decodeMember(d *batchDecoder, name []byte) (bool, error) {
	var err error
	switch string(name) {
	case "id":
		err = decodeInt(d, &im.ID)
	case "product_id":
		err = decodeInt(d, &im.ProductID)
	case "is_thumbnail":
		err = decodeBool(d, &im.IsThumbnail)
	case "sort_order":
		err = decodeInt(d, &im.SortOrder)
	case "description":
		err = decodeString(d, &im.Description, false)
	case "image_file":
		err = decodeString(d, &im.ImageFile, false)
	case "url_zoom":
		err = decodeString(d, &im.URLZoom, false)
	case "url_standard":
		err = decodeString(d, &im.URLStandard, false)
	case "url_thumbnail":
		err = decodeString(d, &im.URLThumbnail, false)
	case "url_tiny":
		err = decodeString(d, &im.URLTiny, false)
	case "date_modified":
		err = decodeTime(d, &im.DateModified)
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

func (f *CustomField) decodeMember(d *batchDecoder, name []byte) (bool, error) {
	var err error
	switch string(name) {
	case "id":
		err = decodeInt(d, &f.ID)
	case "name":
		err = decodeString(d, &f.Name, true)
	case "value":
		err = decodeString(d, &f.Value, true)
	default:
		return false, nil
	}
	return true, err
}

var customURLNames = fieldNames[CustomURL]()

func (u *CustomURL) decodeMember(d *batchDecoder, name []byte) (bool, error) {
	var err error
	switch string(name) {
	case "url":
		err = decodeString(d, &u.URL, false)
	case "is_customized":
		err = decodeBool(d, &u.IsCustomized)
	default:
		return false, nil
	}
	return true, err
}
