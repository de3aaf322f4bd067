package sandbox

import (
	"strconv"
	"unicode/utf8"
)

// The hand encoders of the V2 order views (jsonwrite.go says why): each
// writes its struct's fields in declaration order under their JSON tags,
// as encoding/json does.

// appendJSON appends the order as encoding/json encodes orderView.
func (v *orderView) appendJSON(b []byte) []byte {
	o := openObject(b)
	o.int("id", v.ID)
	o.int("customer_id", v.CustomerID)
	o.rfcTime("date_created", v.DateCreated)
	o.rfcTime("date_modified", v.DateModified)
	o.rfcTime("date_shipped", v.DateShipped)
	o.int("status_id", v.StatusID)
	o.str("status", v.Status)
	o.str("custom_status", v.CustomStatus)
	o.v2Money("subtotal_ex_tax", v.SubtotalExTax)
	o.v2Money("subtotal_inc_tax", v.SubtotalIncTax)
	o.v2Money("subtotal_tax", v.SubtotalTax)
	o.v2Money("base_shipping_cost", v.BaseShippingCost)
	o.v2Money("shipping_cost_ex_tax", v.ShippingCostExTax)
	o.v2Money("shipping_cost_inc_tax", v.ShippingCostIncTax)
	o.v2Money("shipping_cost_tax", v.ShippingCostTax)
	o.int("shipping_cost_tax_class_id", v.ShippingCostTaxClassID)
	o.v2Money("base_handling_cost", v.BaseHandlingCost)
	o.v2Money("handling_cost_ex_tax", v.HandlingCostExTax)
	o.v2Money("handling_cost_inc_tax", v.HandlingCostIncTax)
	o.v2Money("handling_cost_tax", v.HandlingCostTax)
	o.v2Money("base_wrapping_cost", v.BaseWrappingCost)
	o.v2Money("wrapping_cost_ex_tax", v.WrappingCostExTax)
	o.v2Money("wrapping_cost_inc_tax", v.WrappingCostIncTax)
	o.v2Money("wrapping_cost_tax", v.WrappingCostTax)
	o.v2Money("total_ex_tax", v.TotalExTax)
	o.v2Money("total_inc_tax", v.TotalIncTax)
	o.v2Money("total_tax", v.TotalTax)
	o.int("items_total", v.ItemsTotal)
	o.int("items_shipped", v.ItemsShipped)
	o.str("payment_method", v.PaymentMethod)
	o.str("payment_provider_id", v.PaymentProviderID)
	o.str("payment_status", v.PaymentStatus)
	o.v2Money("refunded_amount", v.RefundedAmount)
	o.bool("order_is_digital", v.OrderIsDigital)
	o.v2Money("store_credit_amount", v.StoreCreditAmount)
	o.v2Money("gift_certificate_amount", v.GiftCertificateAmount)
	o.str("ip_address", v.IPAddress)
	o.str("ip_address_v6", v.IPAddressV6)
	o.str("geoip_country", v.GeoipCountry)
	o.str("geoip_country_iso2", v.GeoipCountryISO2)
	o.int("currency_id", v.CurrencyID)
	o.str("currency_code", v.CurrencyCode)
	o.str("currency_exchange_rate", v.CurrencyExchangeRate)
	o.int("default_currency_id", v.DefaultCurrencyID)
	o.str("default_currency_code", v.DefaultCurrencyCode)
	o.str("store_default_currency_code", v.StoreDefaultCurrency)
	o.str("staff_notes", v.StaffNotes)
	o.str("customer_message", v.CustomerMessage)
	o.v2Money("discount_amount", v.DiscountAmount)
	o.v2Money("coupon_discount", v.CouponDiscount)
	o.int("shipping_address_count", v.ShippingAddressCount)
	o.bool("is_deleted", v.IsDeleted)
	o.bool("is_email_opt_in", v.IsEmailOptIn)
	o.str("order_source", v.OrderSource)
	o.int("channel_id", v.ChannelID)
	o.strPtr("external_source", v.ExternalSource)
	o.strPtr("external_id", v.ExternalID)
	o.str("external_order_id", v.ExternalOrderID)
	o.str("cart_id", v.CartID)
	o.str("customer_locale", v.CustomerLocale)
	o.key("billing_address")
	o.b = v.BillingAddress.appendJSON(o.b)
	o.key("products")
	o.b = v.Products.appendJSON(o.b)
	o.key("shipping_addresses")
	o.b = v.ShippingAddresses.appendJSON(o.b)
	o.key("coupons")
	o.b = v.Coupons.appendJSON(o.b)
	if v.Consignments != nil {
		o.value("consignments", v.Consignments)
	}
	if v.Fees != nil {
		o.value("fees", v.Fees)
	}
	return o.close()
}

// appendFields appends the address's fields to an object it is embedded
// in; a nil address has none.
func (a *OrderAddress) appendFields(o *jsonObject) {
	if a == nil {
		return
	}
	o.str("first_name", a.FirstName)
	o.str("last_name", a.LastName)
	o.str("company", a.Company)
	o.str("street_1", a.Street1)
	o.str("street_2", a.Street2)
	o.str("city", a.City)
	o.str("state", a.State)
	o.str("zip", a.Zip)
	o.str("country", a.Country)
	o.str("country_iso2", a.CountryISO2)
	o.str("phone", a.Phone)
	o.str("email", a.Email)
}

func (v *billingView) appendJSON(b []byte) []byte {
	o := openObject(b)
	v.OrderAddress.appendFields(&o)
	o.anys("form_fields", v.FormFields)
	return o.close()
}

func (l resourceLink) appendJSON(b []byte) []byte {
	b = append(b, `{"url":`...)
	// Valid UTF-8 ends on a rune, so the parts escape as their join does.
	if l.base.escaped != nil && utf8.ValidString(l.path) {
		b = append(b, '"')
		b = append(b, l.base.escaped...)
		b = appendJSONChars(b, l.path)
		b = appendJSONChars(b, l.sub)
		b = append(b, '"')
		b = append(b, `,"resource":"`...)
		b = appendJSONChars(b, l.path)
		b = appendJSONChars(b, l.sub)
		b = append(b, '"')
	} else {
		b = appendJSONString(b, l.base.url+l.path+l.sub)
		b = append(b, `,"resource":`...)
		b = appendJSONString(b, l.path+l.sub)
	}
	return append(b, '}')
}

func (l consignmentList) appendJSON(b []byte) []byte { return appendJSONList(b, l) }

func (s *consignmentSet) appendJSON(b []byte) []byte {
	o := openObject(b)
	o.anys("pickups", s.Pickups)
	o.key("shipping")
	o.b = appendJSONList(o.b, s.Shipping[:])
	o.anys("downloads", s.Downloads)
	o.key("email")
	o.b = append(o.b, `{"gift_certificates":`...)
	o.b = appendJSONAnys(o.b, s.Email.GiftCertificates)
	o.b = append(o.b, '}')
	return o.close()
}

func (s *shippingConsignment) appendJSON(b []byte) []byte {
	o := openObject(b)
	s.shippingAddressView.appendFields(&o)
	o.value("line_items", s.LineItems)
	return o.close()
}

func (v *shippingAddressView) appendJSON(b []byte) []byte {
	o := openObject(b)
	v.appendFields(&o)
	return o.close()
}

func (v *shippingAddressView) appendFields(o *jsonObject) {
	o.int("id", v.ID)
	o.int("order_id", v.OrderID)
	v.OrderAddress.appendFields(o)
	o.int("items_total", v.ItemsTotal)
	o.int("items_shipped", v.ItemsShipped)
	o.str("shipping_method", v.ShippingMethod)
	o.v2Money("base_cost", v.BaseCost)
	o.v2Money("cost_ex_tax", v.CostExTax)
	o.v2Money("cost_inc_tax", v.CostIncTax)
	o.v2Money("cost_tax", v.CostTax)
	o.int("cost_tax_class_id", v.CostTaxClassID)
	o.int("shipping_zone_id", v.ShippingZoneID)
	o.str("shipping_zone_name", v.ShippingZoneName)
	o.anys("form_fields", v.FormFields)
	o.key("shipping_quotes")
	o.b = v.ShippingQuotes.appendJSON(o.b)
}

func (l orderLineList) appendJSON(b []byte) []byte { return appendJSONList(b, l) }

func (v *orderLineView) appendJSON(b []byte) []byte {
	o := openObject(b)
	o.int("id", v.ID)
	o.int("order_id", v.OrderID)
	o.int("product_id", v.ProductID)
	o.int("variant_id", v.VariantID)
	o.int("order_address_id", v.OrderAddressID)
	o.str("name", v.Name)
	o.str("name_customer", v.NameCustomer)
	o.str("name_merchant", v.NameMerchant)
	o.str("sku", v.SKU)
	o.str("upc", v.UPC)
	o.str("type", v.Type)
	o.v2Money("base_price", v.BasePrice)
	o.v2Money("price_ex_tax", v.PriceExTax)
	o.v2Money("price_inc_tax", v.PriceIncTax)
	o.v2Money("price_tax", v.PriceTax)
	o.v2Money("base_total", v.BaseTotal)
	o.v2Money("total_ex_tax", v.TotalExTax)
	o.v2Money("total_inc_tax", v.TotalIncTax)
	o.v2Money("total_tax", v.TotalTax)
	o.int("quantity", v.Quantity)
	o.v2Money("base_cost_price", v.BaseCostPrice)
	o.bool("is_refunded", v.IsRefunded)
	o.int("quantity_refunded", v.QuantityRefunded)
	o.v2Money("refund_amount", v.RefundAmount)
	o.int("quantity_shipped", v.QuantityShipped)
	o.v2Money("fixed_shipping_cost", v.FixedShippingCost)
	o.bool("is_bundled_product", v.IsBundledProduct)
	o.intPtr("parent_order_product_id", v.ParentOrderProdID)
	o.anys("applied_discounts", v.AppliedDiscounts)
	o.key("product_options")
	o.b = appendJSONList(o.b, v.ProductOptions)
	o.anys("configurable_fields", v.ConfigurableField)
	return o.close()
}

func (v *lineOptionView) appendJSON(b []byte) []byte {
	o := openObject(b)
	o.int("id", v.ID)
	o.int("option_id", v.OptionID)
	o.int("order_product_id", v.OrderProductID)
	o.int("product_option_id", v.ProductOptionID)
	o.str("display_name", v.DisplayName)
	o.str("display_value", v.DisplayValue)
	o.key("value")
	o.b = append(o.b, '"')
	o.b = strconv.AppendInt(o.b, int64(v.Value), 10)
	o.b = append(o.b, '"')
	o.str("type", v.Type)
	o.str("name", v.Name)
	o.str("display_style", v.DisplayStyle)
	return o.close()
}
