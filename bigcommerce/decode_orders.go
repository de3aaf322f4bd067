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
	return decodeWith(dec, func(d *batchDecoder) error { return decodeList(d, (*[]*Order)(l), orderNames) })
}

// UnmarshalJSONFrom decodes one order from dec, an object member by member,
// anything else as encoding/json decodes an Order.
func (a *orderAnswer) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	if dec.PeekKind() != '{' {
		return jsonv2.UnmarshalDecode(dec, (*Order)(a))
	}
	return decodeWith(dec, func(d *batchDecoder) error { return decodeObject(d, (*Order)(a), orderNames) })
}

func (o *Order) decodeMember(d *batchDecoder, name []byte) (bool, error) {
	var err error
	switch string(name) {
	case "id":
		err = decodeInt(d, &o.ID)
	case "customer_id":
		err = decodeInt(d, &o.CustomerID)
	case "status_id":
		err = decodeInt(d, &o.StatusID)
	case "status":
		err = decodeString(d, &o.Status, true)
	case "custom_status":
		err = decodeString(d, &o.CustomStatus, true)
	case "date_created":
		err = decodeTime(d, &o.DateCreated)
	case "date_modified":
		err = decodeTime(d, &o.DateModified)
	case "date_shipped":
		err = decodeTime(d, &o.DateShipped)
	case "subtotal_ex_tax":
		err = decodeDecimal(d, &o.SubtotalExTax)
	case "subtotal_inc_tax":
		err = decodeDecimal(d, &o.SubtotalIncTax)
	case "subtotal_tax":
		err = decodeDecimal(d, &o.SubtotalTax)
	case "base_shipping_cost":
		err = decodeDecimal(d, &o.BaseShippingCost)
	case "shipping_cost_ex_tax":
		err = decodeDecimal(d, &o.ShippingCostExTax)
	case "shipping_cost_inc_tax":
		err = decodeDecimal(d, &o.ShippingCostIncTax)
	case "handling_cost_ex_tax":
		err = decodeDecimal(d, &o.HandlingCostExTax)
	case "handling_cost_inc_tax":
		err = decodeDecimal(d, &o.HandlingCostIncTax)
	case "total_ex_tax":
		err = decodeDecimal(d, &o.TotalExTax)
	case "total_inc_tax":
		err = decodeDecimal(d, &o.TotalIncTax)
	case "total_tax":
		err = decodeDecimal(d, &o.TotalTax)
	case "discount_amount":
		err = decodeDecimal(d, &o.DiscountAmount)
	case "coupon_discount":
		err = decodeDecimal(d, &o.CouponDiscount)
	case "refunded_amount":
		err = decodeDecimal(d, &o.RefundedAmount)
	case "store_credit_amount":
		err = decodeDecimal(d, &o.StoreCreditAmount)
	case "gift_certificate_amount":
		err = decodeDecimal(d, &o.GiftCertificateAmount)
	case "items_total":
		err = decodeInt(d, &o.ItemsTotal)
	case "items_shipped":
		err = decodeInt(d, &o.ItemsShipped)
	case "payment_method":
		err = decodeString(d, &o.PaymentMethod, true)
	case "payment_status":
		err = decodeString(d, &o.PaymentStatus, true)
	case "currency_code":
		err = decodeString(d, &o.CurrencyCode, true)
	case "currency_exchange_rate":
		err = decodeDecimal(d, &o.CurrencyExchangeRate)
	case "default_currency_code":
		err = decodeString(d, &o.DefaultCurrencyCode, true)
	case "staff_notes":
		err = decodeString(d, &o.StaffNotes, false)
	case "customer_message":
		err = decodeString(d, &o.CustomerMessage, false)
	case "ip_address":
		err = decodeString(d, &o.IPAddress, false)
	case "order_source":
		err = decodeString(d, &o.OrderSource, true)
	case "channel_id":
		err = decodeInt(d, &o.ChannelID)
	case "external_id":
		err = decodeString(d, &o.ExternalID, false)
	case "external_order_id":
		err = decodeString(d, &o.ExternalOrderID, false)
	case "external_source":
		err = decodeString(d, &o.ExternalSource, true)
	case "cart_id":
		err = decodeString(d, &o.CartID, false)
	case "shipping_address_count":
		err = decodeInt(d, &o.ShippingAddressCount)
	case "is_deleted":
		err = decodeBool(d, &o.IsDeleted)
	case "is_email_opt_in":
		err = decodeBool(d, &o.IsEmailOptIn)
	case "order_is_digital":
		err = decodeBool(d, &o.OrderIsDigital)
	case "customer_locale":
		err = decodeString(d, &o.CustomerLocale, true)
	case "billing_address":
		err = decodeInto(d, &o.BillingAddress, billingAddressNames)
	case "products":
		err = decodeInto(d, &o.Products, resourceLinkNames)
	case "shipping_addresses":
		err = decodeInto(d, &o.ShippingAddresses, resourceLinkNames)
	case "coupons":
		err = decodeInto(d, &o.Coupons, resourceLinkNames)
	case "consignments":
		err = decodeConsignments(d, &o.Consignments)
	default:
		return false, nil
	}
	return true, err
}

func (a *BillingAddress) decodeMember(d *batchDecoder, name []byte) (bool, error) {
	var err error
	switch string(name) {
	case "first_name":
		err = decodeString(d, &a.FirstName, false)
	case "last_name":
		err = decodeString(d, &a.LastName, false)
	case "company":
		err = decodeString(d, &a.Company, false)
	case "street_1":
		err = decodeString(d, &a.Street1, false)
	case "street_2":
		err = decodeString(d, &a.Street2, false)
	case "city":
		err = decodeString(d, &a.City, true)
	case "state":
		err = decodeString(d, &a.State, true)
	case "zip":
		err = decodeString(d, &a.Zip, false)
	case "country":
		err = decodeString(d, &a.Country, true)
	case "country_iso2":
		err = decodeString(d, &a.CountryISO2, true)
	case "phone":
		err = decodeString(d, &a.Phone, false)
	case "email":
		err = decodeString(d, &a.Email, false)
	default:
		return false, nil
	}
	return true, err
}

func (r *ResourceLink) decodeMember(d *batchDecoder, name []byte) (bool, error) {
	var err error
	switch string(name) {
	case "url":
		err = decodeString(d, &r.URL, false)
	case "resource":
		err = decodeString(d, &r.Resource, false)
	default:
		return false, nil
	}
	return true, err
}

func (sd *ShippingDestination) decodeMember(d *batchDecoder, name []byte) (bool, error) {
	var err error
	switch string(name) {
	case "items_total":
		err = decodeInt(d, &sd.ItemsTotal)
	case "items_shipped":
		err = decodeInt(d, &sd.ItemsShipped)
	case "shipping_method":
		err = decodeString(d, &sd.ShippingMethod, true)
	case "cost_ex_tax":
		err = decodeDecimal(d, &sd.CostExTax)
	case "cost_inc_tax":
		err = decodeDecimal(d, &sd.CostIncTax)
	default:
		return sd.BillingAddress.decodeMember(d, name)
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
func decodeConsignments(d *batchDecoder, p **Consignments) error {
	if k := d.PeekKind(); k != '{' && k != '[' {
		return d.fallback(p)
	}
	if *p == nil {
		*p = new(Consignments)
	}
	return (*p).decode(d)
}

// UnmarshalJSONFrom decodes the object form (consignment_structure=object)
// member by member, and the older form, an array of such objects, into one
// set as UnmarshalJSON does; anything else as encoding/json does.
func (c *Consignments) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	if k := dec.PeekKind(); k != '{' && k != '[' {
		return errors.ErrUnsupported
	}
	return decodeWith(dec, c.decode)
}

// decode decodes the object or array next in d (see UnmarshalJSONFrom).
func (c *Consignments) decode(d *batchDecoder) error {
	if d.PeekKind() == '{' {
		return decodeObject(d, c, consignmentsNames)
	}
	if _, err := d.ReadToken(); err != nil {
		return err
	}
	*c = Consignments{}
	for d.PeekKind() != ']' {
		set := new(Consignments)
		if d.PeekKind() == '{' {
			if err := decodeObject(d, set, consignmentsNames); err != nil {
				return err
			}
		} else if err := d.fallback((*consignmentsObject)(set)); err != nil {
			return err
		}
		c.merge(set)
	}
	_, err := d.ReadToken()
	return err
}

func (c *Consignments) decodeMember(d *batchDecoder, name []byte) (bool, error) {
	var err error
	switch string(name) {
	case "shipping":
		err = decodeList(d, &c.Shipping, shippingConsignmentNames)
	case "pickups":
		err = d.fallback(&c.Pickups)
	case "downloads":
		err = d.fallback(&c.Downloads)
	case "email":
		err = d.fallback(&c.Email)
	default:
		return false, nil
	}
	return true, err
}

// UnmarshalJSONFrom decodes a shipping consignment from dec (see decodeRecord).
func (s *ShippingConsignment) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return decodeRecord(dec, s, shippingConsignmentNames)
}

func (s *ShippingConsignment) decodeMember(d *batchDecoder, name []byte) (bool, error) {
	var err error
	switch string(name) {
	case "id":
		err = decodeInt(d, &s.ID)
	case "line_items":
		err = decodeList(d, &s.LineItems, orderProductNames)
	default:
		return s.ShippingDestination.decodeMember(d, name)
	}
	return true, err
}

// UnmarshalJSONFrom decodes a line item from dec (see decodeRecord).
func (p *OrderProduct) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return decodeRecord(dec, p, orderProductNames)
}

func (p *OrderProduct) decodeMember(d *batchDecoder, name []byte) (bool, error) {
	var err error
	switch string(name) {
	case "id":
		err = decodeInt(d, &p.ID)
	case "order_id":
		err = decodeInt(d, &p.OrderID)
	case "product_id":
		err = decodeInt(d, &p.ProductID)
	case "variant_id":
		err = decodeInt(d, &p.VariantID)
	case "order_address_id":
		err = decodeInt(d, &p.OrderAddressID)
	case "name":
		err = decodeString(d, &p.Name, false)
	case "sku":
		err = decodeString(d, &p.SKU, false)
	case "type":
		err = decodeString(d, &p.Type, true)
	case "quantity":
		err = decodeInt(d, &p.Quantity)
	case "quantity_shipped":
		err = decodeInt(d, &p.QuantityShipped)
	case "quantity_refunded":
		err = decodeInt(d, &p.QuantityRefunded)
	case "base_price":
		err = decodeDecimal(d, &p.BasePrice)
	case "price_ex_tax":
		err = decodeDecimal(d, &p.PriceExTax)
	case "price_inc_tax":
		err = decodeDecimal(d, &p.PriceIncTax)
	case "price_tax":
		err = decodeDecimal(d, &p.PriceTax)
	case "base_total":
		err = decodeDecimal(d, &p.BaseTotal)
	case "total_ex_tax":
		err = decodeDecimal(d, &p.TotalExTax)
	case "total_inc_tax":
		err = decodeDecimal(d, &p.TotalIncTax)
	case "total_tax":
		err = decodeDecimal(d, &p.TotalTax)
	case "weight":
		err = decodeDecimal(d, &p.Weight)
	case "base_cost_price":
		err = decodeDecimal(d, &p.BaseCostPrice)
	case "is_refunded":
		err = decodeBool(d, &p.IsRefunded)
	case "refund_amount":
		err = decodeDecimal(d, &p.RefundAmount)
	case "upc":
		err = decodeString(d, &p.UPC, false)
	case "product_options":
		err = decodeList(d, &p.ProductOptions, orderProductOptionNames)
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
	return decodeWith(dec, func(d *batchDecoder) error { return decodeObject(d, o, orderProductOptionNames) })
}

func (o *OrderProductOption) decodeMember(d *batchDecoder, name []byte) (bool, error) {
	var err error
	switch string(name) {
	case "id":
		err = decodeInt(d, &o.ID)
	case "option_id":
		err = decodeInt(d, &o.OptionID)
	case "display_name":
		err = decodeString(d, &o.DisplayName, true)
	case "display_value":
		err = decodeString(d, &o.DisplayValue, true)
	case "value":
		err = decodeLooseString(d, &o.Value)
	case "type":
		err = decodeString(d, &o.Type, true)
	default:
		return false, nil
	}
	return true, err
}

// decodeLooseString decodes any value as looseString reads it: a string's
// text, null as "", anything else as written.
func decodeLooseString(d *batchDecoder, p *string) error {
	raw, err := d.ReadValue()
	if err != nil {
		return err
	}
	if raw.Kind() == '"' {
		if text, ok := plainText(raw); ok {
			d.setString(p, recentTexts.intern(text))
			return nil
		}
	}
	d.setString(p, looseString(raw))
	return nil
}
