package sandbox

// The hand encoders of the V3 product views (jsonwrite.go says why): each
// writes its struct's fields in declaration order under their JSON tags,
// as encoding/json does.

// productList is a page of products as GET /v3/catalog/products renders it.
type productList []productView

func (l productList) appendJSON(b []byte) []byte { return appendJSONList(b, l) }

// appendJSON appends the product with the sub-resources it includes.
func (v *productView) appendJSON(b []byte) []byte {
	o := openObject(b)
	if p := v.product; p != nil {
		p.appendFields(&o)
	}
	for _, part := range []struct {
		name string
		v    any
	}{{"variants", v.Variants}, {"images", v.Images}, {"custom_fields", v.CustomFields}, {"options", v.Options}, {"primary_image", v.PrimaryImage}} {
		if part.v != nil {
			o.key(part.name)
			o.b = appendProductPart(o.b, part.v)
		}
	}
	return o.close()
}

// appendProductPart appends an included sub-resource: the lists the sync
// reads by their own encoders, anything else through encoding/json.
func appendProductPart(b []byte, v any) []byte {
	switch v := v.(type) {
	case []*variant:
		return appendJSONPtrs(b, v)
	case []*image:
		return appendJSONPtrs(b, v)
	case []*customField:
		return appendJSONPtrs(b, v)
	}
	return appendJSONValue(b, v)
}

func (p *product) appendFields(o *jsonObject) {
	o.int("id", p.ID)
	o.str("name", p.Name)
	o.str("type", p.Type)
	o.str("sku", p.SKU)
	o.str("description", p.Description)
	o.decimal("weight", p.Weight)
	o.decimal("width", p.Width)
	o.decimal("depth", p.Depth)
	o.decimal("height", p.Height)
	o.decimal("price", p.Price)
	o.decimal("cost_price", p.CostPrice)
	o.decimal("retail_price", p.RetailPrice)
	o.decimal("sale_price", p.SalePrice)
	o.decimal("map_price", p.MapPrice)
	o.int("tax_class_id", p.TaxClassID)
	o.str("product_tax_code", p.ProductTaxCode)
	o.decimal("calculated_price", p.CalculatedPrice)
	o.ints("categories", p.Categories)
	o.int("brand_id", p.BrandID)
	o.intPtr("option_set_id", p.OptionSetID)
	o.str("option_set_display", p.OptionSetDisplay)
	o.int("inventory_level", p.InventoryLevel)
	o.int("inventory_warning_level", p.InventoryWarningLevel)
	o.str("inventory_tracking", p.InventoryTracking)
	o.int("reviews_rating_sum", p.ReviewsRatingSum)
	o.int("reviews_count", p.ReviewsCount)
	o.int("total_sold", p.TotalSold)
	o.decimal("fixed_cost_shipping_price", p.FixedCostShippingPrice)
	o.bool("is_free_shipping", p.IsFreeShipping)
	o.bool("is_visible", p.IsVisible)
	o.bool("is_featured", p.IsFeatured)
	o.ints("related_products", p.RelatedProducts)
	o.str("warranty", p.Warranty)
	o.str("bin_picking_number", p.BinPickingNumber)
	o.str("layout_file", p.LayoutFile)
	o.str("upc", p.UPC)
	o.str("mpn", p.MPN)
	o.str("gtin", p.GTIN)
	o.str("search_keywords", p.SearchKeywords)
	o.str("availability", p.Availability)
	o.str("availability_description", p.AvailabilityDescription)
	o.int("sort_order", p.SortOrder)
	o.str("condition", p.Condition)
	o.bool("is_condition_shown", p.IsConditionShown)
	o.int("order_quantity_minimum", p.OrderQuantityMinimum)
	o.int("order_quantity_maximum", p.OrderQuantityMaximum)
	o.str("page_title", p.PageTitle)
	o.str("meta_description", p.MetaDescription)
	o.strs("meta_keywords", p.MetaKeywords)
	o.int("view_count", p.ViewCount)
	o.bool("is_price_hidden", p.IsPriceHidden)
	o.str("price_hidden_label", p.PriceHiddenLabel)
	o.key("custom_url")
	o.b = append(o.b, `{"url":`...)
	o.b = appendJSONString(o.b, p.CustomURL.URL)
	o.b = append(o.b, `,"is_customized":`...)
	o.b = appendBool(o.b, p.CustomURL.IsCustomized)
	o.b = append(o.b, '}')
	o.intPtr("base_variant_id", p.BaseVariantID)
	o.isoTime("date_created", p.DateCreated)
	o.isoTime("date_modified", p.DateModified)
}

func (v *variant) appendJSON(b []byte) []byte {
	o := openObject(b)
	o.int("id", v.ID)
	o.int("product_id", v.ProductID)
	o.str("sku", v.SKU)
	o.intPtr("sku_id", v.SKUID)
	o.optDecimal("price", v.Price)
	o.decimal("calculated_price", v.CalculatedPrice)
	o.optDecimal("sale_price", v.SalePrice)
	o.optDecimal("retail_price", v.RetailPrice)
	o.optDecimal("map_price", v.MapPrice)
	o.optDecimal("weight", v.Weight)
	o.decimal("calculated_weight", v.CalculatedWeight)
	o.optDecimal("width", v.Width)
	o.optDecimal("height", v.Height)
	o.optDecimal("depth", v.Depth)
	o.bool("is_free_shipping", v.IsFreeShipping)
	o.optDecimal("fixed_cost_shipping_price", v.FixedCostShippingPrice)
	o.bool("purchasing_disabled", v.PurchasingDisabled)
	o.str("purchasing_disabled_message", v.PurchasingDisabledMessage)
	o.str("image_url", v.ImageURL)
	o.optDecimal("cost_price", v.CostPrice)
	o.str("upc", v.UPC)
	o.str("mpn", v.MPN)
	o.str("gtin", v.GTIN)
	o.int("inventory_level", v.InventoryLevel)
	o.int("inventory_warning_level", v.InventoryWarningLevel)
	o.str("bin_picking_number", v.BinPickingNumber)
	o.key("option_values")
	o.b = appendJSONList(o.b, v.OptionValues)
	return o.close()
}

func (r *optionValueRef) appendJSON(b []byte) []byte {
	o := openObject(b)
	o.int("id", r.ID)
	o.str("label", r.Label)
	o.int("option_id", r.OptionID)
	o.str("option_display_name", r.OptionDisplayName)
	return o.close()
}

func (im *image) appendJSON(b []byte) []byte {
	o := openObject(b)
	o.int("id", im.ID)
	o.int("product_id", im.ProductID)
	o.bool("is_thumbnail", im.IsThumbnail)
	o.int("sort_order", im.SortOrder)
	o.str("description", im.Description)
	o.str("image_file", im.ImageFile)
	o.str("url_zoom", im.URLZoom)
	o.str("url_standard", im.URLStandard)
	o.str("url_thumbnail", im.URLThumbnail)
	o.str("url_tiny", im.URLTiny)
	o.isoTime("date_modified", im.DateModified)
	return o.close()
}

func (f *customField) appendJSON(b []byte) []byte {
	o := openObject(b)
	o.int("id", f.ID)
	o.str("name", f.Name)
	o.str("value", f.Value)
	return o.close()
}
