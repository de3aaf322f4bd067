package bigcommerce

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// An order is encoded by hand because the sync writes every order it reads:
// encoding/json's reflection over an order with its line items, addresses
// and coupons took some 22 µs a record, a fifth of the sync's CPU at 16
// requests in flight (issue 18). The encoders below write exactly the bytes
// encoding/json writes for the same values, member for member in the
// struct's declaration order, with the same omitempty rules and the same
// escaping; encode_orders_test.go holds them to it on every order of seeded
// sandbox stores, on hand-made edge cases and on records whose every field
// is set, so a field added to a type without its line here fails there.
// Each type has one function, its members in declaration order; the rare
// members whose form encoding/json decides (raw JSON) go through it.

// OrderLists are an order's line items, shipping addresses and coupons read
// whole, written in place of the links to them (the "products",
// "shipping_addresses" and "coupons" members).
type OrderLists struct {
	Products          []*OrderProduct
	ShippingAddresses []*OrderShippingAddress
	Coupons           []*OrderCoupon
}

// AppendOrderJSON appends o's JSON encoding to b, byte for byte what
// encoding/json writes. With lists nil it is json.Marshal(o). With lists it
// is json.Marshal of a struct that embeds *Order and then declares
// []*OrderProduct `json:"products"`, []*OrderShippingAddress
// `json:"shipping_addresses"` and []*OrderCoupon `json:"coupons"` (as
// syncer.OrderRecord does): those three hide o's links and come after all of
// o's members, and a nil o adds no member of its own. An amount that is not
// a decimal is an error, as it is for encoding/json; b is then returned as
// it was.
func AppendOrderJSON(b []byte, o *Order, lists *OrderLists) ([]byte, error) {
	w := jsonWriter{b: b}
	switch {
	case o == nil && lists == nil:
		w.raw("null")
	case o == nil:
		w.raw("{")
		w.orderListMembers(lists)
		w.raw("}")
	default:
		w.raw("{")
		w.orderMembers(o, lists == nil)
		if lists != nil {
			w.raw(",")
			w.orderListMembers(lists)
		}
		w.raw("}")
	}
	if w.err != nil {
		id := 0
		if o != nil {
			id = o.ID
		}
		return b, fmt.Errorf("bigcommerce: encoding order %d: %w", id, w.err)
	}
	return w.b, nil
}

// jsonWriter appends JSON to b. Each method that takes a key appends it
// first: the member's name as written, with the comma before it where one
// belongs, so the encoders read as the JSON they write. err keeps the first
// value that could not be encoded; what follows it is discarded.
type jsonWriter struct {
	b   []byte
	err error
}

func (w *jsonWriter) raw(s string) { w.b = append(w.b, s...) }

func (w *jsonWriter) int(key string, v int) {
	w.b = strconv.AppendInt(append(w.b, key...), int64(v), 10)
}

func (w *jsonWriter) bool(key string, v bool) {
	w.b = strconv.AppendBool(append(w.b, key...), v)
}

func (w *jsonWriter) str(key, v string) {
	w.b = appendJSONString(append(w.b, key...), v)
}

func (w *jsonWriter) time(key string, v Time) {
	w.b = v.appendJSON(append(w.b, key...))
}

func (w *jsonWriter) decimal(key string, v Decimal) {
	var err error
	w.b, err = v.appendJSON(append(w.b, key...))
	w.fail(key, err)
}

// marshal appends v through encoding/json, for members whose form it
// decides (raw JSON, which it checks, compacts and escapes).
func (w *jsonWriter) marshal(key string, v any) {
	raw, err := json.Marshal(v)
	w.b = append(append(w.b, key...), raw...)
	w.fail(key, err)
}

// fail keeps err, if it is the first, naming the member key starts.
func (w *jsonWriter) fail(key string, err error) {
	if err != nil && w.err == nil {
		w.err = fmt.Errorf("%s: %w", strings.Trim(key, `,{":`), err)
	}
}

// listElement is what the encoders write lists of.
type listElement interface {
	OrderProduct | OrderProductOption | OrderShippingAddress | OrderCoupon | ShippingConsignment
}

// appendJSONList appends list as a JSON array, a nil element as null; a nil
// list is null.
func appendJSONList[T listElement](w *jsonWriter, list []*T) {
	if list == nil {
		w.raw("null")
		return
	}
	w.raw("[")
	for i, v := range list {
		if i > 0 {
			w.raw(",")
		}
		if v == nil {
			w.raw("null")
		} else {
			w.element(v)
		}
	}
	w.raw("]")
}

// element appends v, one of the listElement types, by its type's encoder.
// It dispatches by a type switch rather than taking the encoder as a
// function value, through which w would escape to the heap.
func (w *jsonWriter) element(v any) {
	switch v := v.(type) {
	case *OrderProduct:
		w.orderProduct(v)
	case *OrderProductOption:
		w.orderProductOption(v)
	case *OrderShippingAddress:
		w.orderShippingAddress(v)
	case *OrderCoupon:
		w.orderCoupon(v)
	case *ShippingConsignment:
		w.shippingConsignment(v)
	}
}

// orderMembers appends the members of an Order, without the braces; links
// says whether its links to products, shipping addresses and coupons are
// written (they are hidden when OrderLists take their place).
func (w *jsonWriter) orderMembers(o *Order, links bool) {
	w.int(`"id":`, o.ID)
	w.int(`,"customer_id":`, o.CustomerID)
	w.int(`,"status_id":`, o.StatusID)
	w.str(`,"status":`, o.Status)
	w.str(`,"custom_status":`, o.CustomStatus)
	w.time(`,"date_created":`, o.DateCreated)
	w.time(`,"date_modified":`, o.DateModified)
	w.time(`,"date_shipped":`, o.DateShipped)
	w.decimal(`,"subtotal_ex_tax":`, o.SubtotalExTax)
	w.decimal(`,"subtotal_inc_tax":`, o.SubtotalIncTax)
	w.decimal(`,"subtotal_tax":`, o.SubtotalTax)
	w.decimal(`,"base_shipping_cost":`, o.BaseShippingCost)
	w.decimal(`,"shipping_cost_ex_tax":`, o.ShippingCostExTax)
	w.decimal(`,"shipping_cost_inc_tax":`, o.ShippingCostIncTax)
	w.decimal(`,"handling_cost_ex_tax":`, o.HandlingCostExTax)
	w.decimal(`,"handling_cost_inc_tax":`, o.HandlingCostIncTax)
	w.decimal(`,"total_ex_tax":`, o.TotalExTax)
	w.decimal(`,"total_inc_tax":`, o.TotalIncTax)
	w.decimal(`,"total_tax":`, o.TotalTax)
	w.decimal(`,"discount_amount":`, o.DiscountAmount)
	w.decimal(`,"coupon_discount":`, o.CouponDiscount)
	w.decimal(`,"refunded_amount":`, o.RefundedAmount)
	w.decimal(`,"store_credit_amount":`, o.StoreCreditAmount)
	w.decimal(`,"gift_certificate_amount":`, o.GiftCertificateAmount)
	w.int(`,"items_total":`, o.ItemsTotal)
	w.int(`,"items_shipped":`, o.ItemsShipped)
	w.str(`,"payment_method":`, o.PaymentMethod)
	w.str(`,"payment_status":`, o.PaymentStatus)
	w.str(`,"currency_code":`, o.CurrencyCode)
	w.decimal(`,"currency_exchange_rate":`, o.CurrencyExchangeRate)
	w.str(`,"default_currency_code":`, o.DefaultCurrencyCode)
	w.str(`,"staff_notes":`, o.StaffNotes)
	w.str(`,"customer_message":`, o.CustomerMessage)
	w.str(`,"ip_address":`, o.IPAddress)
	w.str(`,"order_source":`, o.OrderSource)
	w.int(`,"channel_id":`, o.ChannelID)
	w.str(`,"external_id":`, o.ExternalID)
	w.str(`,"external_order_id":`, o.ExternalOrderID)
	w.str(`,"external_source":`, o.ExternalSource)
	w.str(`,"cart_id":`, o.CartID)
	w.int(`,"shipping_address_count":`, o.ShippingAddressCount)
	w.bool(`,"is_deleted":`, o.IsDeleted)
	w.bool(`,"is_email_opt_in":`, o.IsEmailOptIn)
	w.bool(`,"order_is_digital":`, o.OrderIsDigital)
	w.str(`,"customer_locale":`, o.CustomerLocale)
	w.raw(`,"billing_address":`)
	if o.BillingAddress == nil {
		w.raw("null")
	} else {
		w.billingAddress(o.BillingAddress)
	}
	if links && o.Products != nil {
		w.raw(`,"products":`)
		w.resourceLink(o.Products)
	}
	if links && o.ShippingAddresses != nil {
		w.raw(`,"shipping_addresses":`)
		w.resourceLink(o.ShippingAddresses)
	}
	if links && o.Coupons != nil {
		w.raw(`,"coupons":`)
		w.resourceLink(o.Coupons)
	}
	if o.Consignments != nil {
		w.raw(`,"consignments":`)
		w.consignments(o.Consignments)
	}
}

// orderListMembers appends the members OrderLists write, without the braces.
func (w *jsonWriter) orderListMembers(l *OrderLists) {
	w.raw(`"products":`)
	appendJSONList(w, l.Products)
	w.raw(`,"shipping_addresses":`)
	appendJSONList(w, l.ShippingAddresses)
	w.raw(`,"coupons":`)
	appendJSONList(w, l.Coupons)
}

func (w *jsonWriter) resourceLink(l *ResourceLink) {
	w.str(`{"url":`, l.URL)
	w.str(`,"resource":`, l.Resource)
	w.raw("}")
}

func (w *jsonWriter) billingAddress(a *BillingAddress) {
	w.raw("{")
	w.billingAddressMembers(a)
	w.raw("}")
}

// billingAddressMembers appends a BillingAddress's members without the
// braces: the types that embed it write them among their own.
func (w *jsonWriter) billingAddressMembers(a *BillingAddress) {
	w.str(`"first_name":`, a.FirstName)
	w.str(`,"last_name":`, a.LastName)
	w.str(`,"company":`, a.Company)
	w.str(`,"street_1":`, a.Street1)
	w.str(`,"street_2":`, a.Street2)
	w.str(`,"city":`, a.City)
	w.str(`,"state":`, a.State)
	w.str(`,"zip":`, a.Zip)
	w.str(`,"country":`, a.Country)
	w.str(`,"country_iso2":`, a.CountryISO2)
	w.str(`,"phone":`, a.Phone)
	w.str(`,"email":`, a.Email)
}

// shippingDestinationMembers appends a ShippingDestination's members
// without the braces, its BillingAddress's first.
func (w *jsonWriter) shippingDestinationMembers(d *ShippingDestination) {
	w.billingAddressMembers(&d.BillingAddress)
	w.int(`,"items_total":`, d.ItemsTotal)
	w.int(`,"items_shipped":`, d.ItemsShipped)
	w.str(`,"shipping_method":`, d.ShippingMethod)
	w.decimal(`,"cost_ex_tax":`, d.CostExTax)
	w.decimal(`,"cost_inc_tax":`, d.CostIncTax)
}

func (w *jsonWriter) consignments(c *Consignments) {
	w.raw("{")
	sep := ""
	if len(c.Shipping) > 0 {
		w.raw(`"shipping":`)
		appendJSONList(w, c.Shipping)
		sep = ","
	}
	if len(c.Pickups) > 0 {
		w.marshal(sep+`"pickups":`, c.Pickups)
		sep = ","
	}
	if len(c.Downloads) > 0 {
		w.marshal(sep+`"downloads":`, c.Downloads)
		sep = ","
	}
	if len(c.Email) > 0 {
		w.marshal(sep+`"email":`, c.Email)
	}
	w.raw("}")
}

func (w *jsonWriter) shippingConsignment(s *ShippingConsignment) {
	w.int(`{"id":`, s.ID)
	w.raw(",")
	w.shippingDestinationMembers(&s.ShippingDestination)
	if len(s.LineItems) > 0 {
		w.raw(`,"line_items":`)
		appendJSONList(w, s.LineItems)
	}
	w.raw("}")
}

func (w *jsonWriter) orderProduct(p *OrderProduct) {
	w.int(`{"id":`, p.ID)
	w.int(`,"order_id":`, p.OrderID)
	w.int(`,"product_id":`, p.ProductID)
	w.int(`,"variant_id":`, p.VariantID)
	w.int(`,"order_address_id":`, p.OrderAddressID)
	w.str(`,"name":`, p.Name)
	w.str(`,"sku":`, p.SKU)
	w.str(`,"type":`, p.Type)
	w.int(`,"quantity":`, p.Quantity)
	w.int(`,"quantity_shipped":`, p.QuantityShipped)
	w.int(`,"quantity_refunded":`, p.QuantityRefunded)
	w.decimal(`,"base_price":`, p.BasePrice)
	w.decimal(`,"price_ex_tax":`, p.PriceExTax)
	w.decimal(`,"price_inc_tax":`, p.PriceIncTax)
	w.decimal(`,"price_tax":`, p.PriceTax)
	w.decimal(`,"base_total":`, p.BaseTotal)
	w.decimal(`,"total_ex_tax":`, p.TotalExTax)
	w.decimal(`,"total_inc_tax":`, p.TotalIncTax)
	w.decimal(`,"total_tax":`, p.TotalTax)
	w.decimal(`,"weight":`, p.Weight)
	w.decimal(`,"base_cost_price":`, p.BaseCostPrice)
	w.bool(`,"is_refunded":`, p.IsRefunded)
	w.decimal(`,"refund_amount":`, p.RefundAmount)
	w.str(`,"upc":`, p.UPC)
	if len(p.ProductOptions) > 0 {
		w.raw(`,"product_options":`)
		appendJSONList(w, p.ProductOptions)
	}
	w.raw("}")
}

func (w *jsonWriter) orderProductOption(o *OrderProductOption) {
	w.int(`{"id":`, o.ID)
	w.int(`,"option_id":`, o.OptionID)
	w.str(`,"display_name":`, o.DisplayName)
	w.str(`,"display_value":`, o.DisplayValue)
	w.str(`,"value":`, o.Value)
	w.str(`,"type":`, o.Type)
	w.raw("}")
}

func (w *jsonWriter) orderShippingAddress(a *OrderShippingAddress) {
	w.int(`{"id":`, a.ID)
	w.int(`,"order_id":`, a.OrderID)
	w.raw(",")
	w.shippingDestinationMembers(&a.ShippingDestination)
	w.raw("}")
}

func (w *jsonWriter) orderCoupon(c *OrderCoupon) {
	w.int(`{"id":`, c.ID)
	w.int(`,"coupon_id":`, c.CouponID)
	w.int(`,"order_id":`, c.OrderID)
	w.str(`,"code":`, c.Code)
	w.decimal(`,"amount":`, c.Amount)
	w.int(`,"type":`, c.Type)
	w.decimal(`,"discount":`, c.Discount)
	w.raw("}")
}

// appendJSONString appends s quoted as encoding/json quotes it: '"', '\\'
// and control characters escaped (\b \f \n \r \t, else \u00XX), '<', '>',
// '&', U+2028 and U+2029 as \u escapes, each invalid UTF-8 byte replaced
// (invalidUTF8). The sandbox has its own copy, as it imports nothing of ours.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if jsonPlain[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', jsonHex[c>>4], jsonHex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, invalidUTF8...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', jsonHex[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

const jsonHex = "0123456789abcdef"

// jsonPlain marks the ASCII bytes a JSON string holds as they are: all but
// control characters, '"', '\\' and the HTML ones.
var jsonPlain = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// invalidUTF8 is what encoding/json writes for a byte that is not UTF-8:
// U+FFFD itself where it is built on encoding/json/v2 (Go 1.27's default),
// the escape \ufffd in the older implementation. It is asked once rather
// than assumed, so the encoders follow the build they are in.
var invalidUTF8 = func() string {
	b, err := json.Marshal("\xff")
	if err != nil || len(b) < 2 {
		return "\ufffd"
	}
	return string(b[1 : len(b)-1])
}()
