//go:build go1.27 && goexperiment.jsonv2

package bigcommerce

import (
	"encoding/json/jsontext"
	jsonv2 "encoding/json/v2"
	"errors"
)

// A page of V2 orders with include=consignments.line_items (the orders, their
// addresses and links, consignments, line items and product options) decodes
// member by member (decode_members.go): a page of 250 orders with two line
// items each is some 40,000 members, and the consignments were parsed twice
// (Consignments.UnmarshalJSON handed encoding/json bytes the decoder had
// already read). decode_orders_test.go checks every field of every record
// against encoding/json. This is the build for Go 1.27 and later; on earlier
// releases these records decode by reflection.
//
// Order itself has no UnmarshalJSONFrom: syncer.OrderRecord embeds *Order,
// and the method would be promoted to it and decode a whole record as a
// bare order. Its pages and answers decode through orderList and
// orderAnswer; BillingAddress and ShippingDestination, which other records
// embed, likewise have only decodeMember.

var (
	orderNames               = fieldNames[Order]()
	billingAddressNames      = fieldNames[BillingAddress]()
	resourceLinkNames        = fieldNames[ResourceLink]()
	consignmentsNames        = fieldNames[Consignments]()
	shippingConsignmentNames = fieldNames[ShippingConsignment]()
	orderProductNames        = fieldNames[OrderProduct]()
	orderProductOptionNames  = fieldNames[OrderProductOption]()
)

// UnmarshalJSONFrom decodes a page of orders from dec: an array of objects
// order by order, anything else as encoding/json does.
func (l *orderList) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	if dec.PeekKind() != '[' {
		return errors.ErrUnsupported
	}
	return decodeList(dec, (*[]*Order)(l), orderNames)
}

// UnmarshalJSONFrom decodes one order from dec, an object member by member,
// anything else as encoding/json decodes an Order.
func (a *orderAnswer) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	if dec.PeekKind() != '{' {
		return jsonv2.UnmarshalDecode(dec, (*Order)(a))
	}
	return decodeObject(dec, (*Order)(a), orderNames)
}

func (o *Order) decodeMember(dec *jsontext.Decoder, name []byte) (bool, error) {
	var err error
	switch string(name) {
	case "id":
		err = decodeInt(dec, &o.ID)
	case "customer_id":
		err = decodeInt(dec, &o.CustomerID)
	case "status_id":
		err = decodeInt(dec, &o.StatusID)
	case "status":
		err = decodeString(dec, &o.Status, true)
	case "custom_status":
		err = decodeString(dec, &o.CustomStatus, true)
	case "date_created":
		err = decodeTime(dec, &o.DateCreated)
	case "date_modified":
		err = decodeTime(dec, &o.DateModified)
	case "date_shipped":
		err = decodeTime(dec, &o.DateShipped)
	case "subtotal_ex_tax":
		err = decodeDecimal(dec, &o.SubtotalExTax)
	case "subtotal_inc_tax":
		err = decodeDecimal(dec, &o.SubtotalIncTax)
	case "subtotal_tax":
		err = decodeDecimal(dec, &o.SubtotalTax)
	case "base_shipping_cost":
		err = decodeDecimal(dec, &o.BaseShippingCost)
	case "shipping_cost_ex_tax":
		err = decodeDecimal(dec, &o.ShippingCostExTax)
	case "shipping_cost_inc_tax":
		err = decodeDecimal(dec, &o.ShippingCostIncTax)
	case "handling_cost_ex_tax":
		err = decodeDecimal(dec, &o.HandlingCostExTax)
	case "handling_cost_inc_tax":
		err = decodeDecimal(dec, &o.HandlingCostIncTax)
	case "total_ex_tax":
		err = decodeDecimal(dec, &o.TotalExTax)
	case "total_inc_tax":
		err = decodeDecimal(dec, &o.TotalIncTax)
	case "total_tax":
		err = decodeDecimal(dec, &o.TotalTax)
	case "discount_amount":
		err = decodeDecimal(dec, &o.DiscountAmount)
	case "coupon_discount":
		err = decodeDecimal(dec, &o.CouponDiscount)
	case "refunded_amount":
		err = decodeDecimal(dec, &o.RefundedAmount)
	case "store_credit_amount":
		err = decodeDecimal(dec, &o.StoreCreditAmount)
	case "gift_certificate_amount":
		err = decodeDecimal(dec, &o.GiftCertificateAmount)
	case "items_total":
		err = decodeInt(dec, &o.ItemsTotal)
	case "items_shipped":
		err = decodeInt(dec, &o.ItemsShipped)
	case "payment_method":
		err = decodeString(dec, &o.PaymentMethod, true)
	case "payment_status":
		err = decodeString(dec, &o.PaymentStatus, true)
	case "currency_code":
		err = decodeString(dec, &o.CurrencyCode, true)
	case "currency_exchange_rate":
		err = decodeDecimal(dec, &o.CurrencyExchangeRate)
	case "default_currency_code":
		err = decodeString(dec, &o.DefaultCurrencyCode, true)
	case "staff_notes":
		err = decodeString(dec, &o.StaffNotes, false)
	case "customer_message":
		err = decodeString(dec, &o.CustomerMessage, false)
	case "ip_address":
		err = decodeString(dec, &o.IPAddress, false)
	case "order_source":
		err = decodeString(dec, &o.OrderSource, true)
	case "channel_id":
		err = decodeInt(dec, &o.ChannelID)
	case "external_id":
		err = decodeString(dec, &o.ExternalID, false)
	case "external_order_id":
		err = decodeString(dec, &o.ExternalOrderID, false)
	case "external_source":
		err = decodeString(dec, &o.ExternalSource, true)
	case "cart_id":
		err = decodeString(dec, &o.CartID, false)
	case "shipping_address_count":
		err = decodeInt(dec, &o.ShippingAddressCount)
	case "is_deleted":
		err = decodeBool(dec, &o.IsDeleted)
	case "is_email_opt_in":
		err = decodeBool(dec, &o.IsEmailOptIn)
	case "order_is_digital":
		err = decodeBool(dec, &o.OrderIsDigital)
	case "customer_locale":
		err = decodeString(dec, &o.CustomerLocale, true)
	case "billing_address":
		err = decodeInto(dec, &o.BillingAddress, billingAddressNames)
	case "products":
		err = decodeInto(dec, &o.Products, resourceLinkNames)
	case "shipping_addresses":
		err = decodeInto(dec, &o.ShippingAddresses, resourceLinkNames)
	case "coupons":
		err = decodeInto(dec, &o.Coupons, resourceLinkNames)
	case "consignments":
		err = decodeConsignments(dec, &o.Consignments)
	default:
		return false, nil
	}
	return true, err
}

func (a *BillingAddress) decodeMember(dec *jsontext.Decoder, name []byte) (bool, error) {
	var err error
	switch string(name) {
	case "first_name":
		err = decodeString(dec, &a.FirstName, false)
	case "last_name":
		err = decodeString(dec, &a.LastName, false)
	case "company":
		err = decodeString(dec, &a.Company, false)
	case "street_1":
		err = decodeString(dec, &a.Street1, false)
	case "street_2":
		err = decodeString(dec, &a.Street2, false)
	case "city":
		err = decodeString(dec, &a.City, true)
	case "state":
		err = decodeString(dec, &a.State, true)
	case "zip":
		err = decodeString(dec, &a.Zip, false)
	case "country":
		err = decodeString(dec, &a.Country, true)
	case "country_iso2":
		err = decodeString(dec, &a.CountryISO2, true)
	case "phone":
		err = decodeString(dec, &a.Phone, false)
	case "email":
		err = decodeString(dec, &a.Email, false)
	default:
		return false, nil
	}
	return true, err
}

func (r *ResourceLink) decodeMember(dec *jsontext.Decoder, name []byte) (bool, error) {
	var err error
	switch string(name) {
	case "url":
		err = decodeString(dec, &r.URL, false)
	case "resource":
		err = decodeString(dec, &r.Resource, false)
	default:
		return false, nil
	}
	return true, err
}

func (d *ShippingDestination) decodeMember(dec *jsontext.Decoder, name []byte) (bool, error) {
	var err error
	switch string(name) {
	case "items_total":
		err = decodeInt(dec, &d.ItemsTotal)
	case "items_shipped":
		err = decodeInt(dec, &d.ItemsShipped)
	case "shipping_method":
		err = decodeString(dec, &d.ShippingMethod, true)
	case "cost_ex_tax":
		err = decodeDecimal(dec, &d.CostExTax)
	case "cost_inc_tax":
		err = decodeDecimal(dec, &d.CostIncTax)
	default:
		return d.BillingAddress.decodeMember(dec, name)
	}
	return true, err
}

// consignmentsObject is Consignments without its methods: an element of the
// older array form that is not an object decodes through it, as it did
// through UnmarshalJSON's.
type consignmentsObject Consignments

// decodeConsignments decodes an order's consignments into *p, made when nil,
// in either form (see UnmarshalJSONFrom); null and any other value go to
// encoding/json, as for any pointer.
func decodeConsignments(dec *jsontext.Decoder, p **Consignments) error {
	if k := dec.PeekKind(); k != '{' && k != '[' {
		return jsonv2.UnmarshalDecode(dec, p)
	}
	if *p == nil {
		*p = new(Consignments)
	}
	return (*p).UnmarshalJSONFrom(dec)
}

// UnmarshalJSONFrom decodes the object form (consignment_structure=object)
// member by member, and the older form, an array of such objects, into one
// set as UnmarshalJSON does; anything else as encoding/json does.
func (c *Consignments) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	switch dec.PeekKind() {
	case '{':
		return decodeObject(dec, c, consignmentsNames)
	case '[':
	default:
		return errors.ErrUnsupported
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	*c = Consignments{}
	for dec.PeekKind() != ']' {
		set := new(Consignments)
		if dec.PeekKind() == '{' {
			if err := decodeObject(dec, set, consignmentsNames); err != nil {
				return err
			}
		} else if err := jsonv2.UnmarshalDecode(dec, (*consignmentsObject)(set)); err != nil {
			return err
		}
		c.merge(set)
	}
	_, err := dec.ReadToken()
	return err
}

func (c *Consignments) decodeMember(dec *jsontext.Decoder, name []byte) (bool, error) {
	var err error
	switch string(name) {
	case "shipping":
		err = decodeList(dec, &c.Shipping, shippingConsignmentNames)
	case "pickups":
		err = jsonv2.UnmarshalDecode(dec, &c.Pickups)
	case "downloads":
		err = jsonv2.UnmarshalDecode(dec, &c.Downloads)
	case "email":
		err = jsonv2.UnmarshalDecode(dec, &c.Email)
	default:
		return false, nil
	}
	return true, err
}

// UnmarshalJSONFrom decodes a shipping consignment from dec (see decodeRecord).
func (s *ShippingConsignment) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return decodeRecord(dec, s, shippingConsignmentNames)
}

func (s *ShippingConsignment) decodeMember(dec *jsontext.Decoder, name []byte) (bool, error) {
	var err error
	switch string(name) {
	case "id":
		err = decodeInt(dec, &s.ID)
	case "line_items":
		err = decodeList(dec, &s.LineItems, orderProductNames)
	default:
		return s.ShippingDestination.decodeMember(dec, name)
	}
	return true, err
}

// UnmarshalJSONFrom decodes a line item from dec (see decodeRecord).
func (p *OrderProduct) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return decodeRecord(dec, p, orderProductNames)
}

func (p *OrderProduct) decodeMember(dec *jsontext.Decoder, name []byte) (bool, error) {
	var err error
	switch string(name) {
	case "id":
		err = decodeInt(dec, &p.ID)
	case "order_id":
		err = decodeInt(dec, &p.OrderID)
	case "product_id":
		err = decodeInt(dec, &p.ProductID)
	case "variant_id":
		err = decodeInt(dec, &p.VariantID)
	case "order_address_id":
		err = decodeInt(dec, &p.OrderAddressID)
	case "name":
		err = decodeString(dec, &p.Name, false)
	case "sku":
		err = decodeString(dec, &p.SKU, false)
	case "type":
		err = decodeString(dec, &p.Type, true)
	case "quantity":
		err = decodeInt(dec, &p.Quantity)
	case "quantity_shipped":
		err = decodeInt(dec, &p.QuantityShipped)
	case "quantity_refunded":
		err = decodeInt(dec, &p.QuantityRefunded)
	case "base_price":
		err = decodeDecimal(dec, &p.BasePrice)
	case "price_ex_tax":
		err = decodeDecimal(dec, &p.PriceExTax)
	case "price_inc_tax":
		err = decodeDecimal(dec, &p.PriceIncTax)
	case "price_tax":
		err = decodeDecimal(dec, &p.PriceTax)
	case "base_total":
		err = decodeDecimal(dec, &p.BaseTotal)
	case "total_ex_tax":
		err = decodeDecimal(dec, &p.TotalExTax)
	case "total_inc_tax":
		err = decodeDecimal(dec, &p.TotalIncTax)
	case "total_tax":
		err = decodeDecimal(dec, &p.TotalTax)
	case "weight":
		err = decodeDecimal(dec, &p.Weight)
	case "base_cost_price":
		err = decodeDecimal(dec, &p.BaseCostPrice)
	case "is_refunded":
		err = decodeBool(dec, &p.IsRefunded)
	case "refund_amount":
		err = decodeDecimal(dec, &p.RefundAmount)
	case "upc":
		err = decodeString(dec, &p.UPC, false)
	case "product_options":
		err = decodeList(dec, &p.ProductOptions, orderProductOptionNames)
	default:
		return false, nil
	}
	return true, err
}

// UnmarshalJSONFrom decodes a product option from dec member by member, with
// value read as UnmarshalJSON reads it (a string, or any other value as
// written); anything but an object goes to UnmarshalJSON.
func (o *OrderProductOption) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	if dec.PeekKind() != '{' {
		return errors.ErrUnsupported
	}
	o.Value = "" // as UnmarshalJSON leaves it when the object has no value
	return decodeObject(dec, o, orderProductOptionNames)
}

func (o *OrderProductOption) decodeMember(dec *jsontext.Decoder, name []byte) (bool, error) {
	var err error
	switch string(name) {
	case "id":
		err = decodeInt(dec, &o.ID)
	case "option_id":
		err = decodeInt(dec, &o.OptionID)
	case "display_name":
		err = decodeString(dec, &o.DisplayName, true)
	case "display_value":
		err = decodeString(dec, &o.DisplayValue, true)
	case "value":
		err = decodeLooseString(dec, &o.Value)
	case "type":
		err = decodeString(dec, &o.Type, true)
	default:
		return false, nil
	}
	return true, err
}

// decodeLooseString decodes any value as looseString reads it: a string's
// text, null as "", anything else as written.
func decodeLooseString(dec *jsontext.Decoder, p *string) error {
	raw, err := dec.ReadValue()
	if err != nil {
		return err
	}
	if raw.Kind() == '"' {
		if text, ok := plainText(raw); ok {
			*p = recentTexts.intern(text)
			return nil
		}
	}
	*p = looseString(raw)
	return nil
}
