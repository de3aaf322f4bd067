package sandbox

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// resourceLink is V2's pointer to a sub-resource instead of embedded data:
// {"url": base + resource, "resource": resource}, the resource being path +
// sub (e.g. "/orders/100" + "/products"). The strings are joined as they
// are encoded, so an order's links share one path.
type resourceLink struct {
	base      *apiBase
	path, sub string
}

func (l resourceLink) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		URL      string `json:"url"`
		Resource string `json:"resource"`
	}{l.base.url + l.path + l.sub, l.path + l.sub})
}

// apiBase is the absolute V2 base URL a request came in on, with its JSON
// string form (escaped, without quotes) when it is valid UTF-8, so that a
// page's links do not escape it again each.
type apiBase struct {
	url     string
	escaped []byte // nil when url is not valid UTF-8
}

// orderView is a V2 order as the API renders it: v2Money as decimal strings,
// dates in RFC-2822.
type orderView struct {
	ID                     int          `json:"id"`
	CustomerID             int          `json:"customer_id"`
	DateCreated            rfcTime      `json:"date_created"`
	DateModified           rfcTime      `json:"date_modified"`
	DateShipped            rfcTime      `json:"date_shipped"`
	StatusID               int          `json:"status_id"`
	Status                 string       `json:"status"`
	CustomStatus           string       `json:"custom_status"`
	SubtotalExTax          v2Money      `json:"subtotal_ex_tax"`
	SubtotalIncTax         v2Money      `json:"subtotal_inc_tax"`
	SubtotalTax            v2Money      `json:"subtotal_tax"`
	BaseShippingCost       v2Money      `json:"base_shipping_cost"`
	ShippingCostExTax      v2Money      `json:"shipping_cost_ex_tax"`
	ShippingCostIncTax     v2Money      `json:"shipping_cost_inc_tax"`
	ShippingCostTax        v2Money      `json:"shipping_cost_tax"`
	ShippingCostTaxClassID int          `json:"shipping_cost_tax_class_id"`
	BaseHandlingCost       v2Money      `json:"base_handling_cost"`
	HandlingCostExTax      v2Money      `json:"handling_cost_ex_tax"`
	HandlingCostIncTax     v2Money      `json:"handling_cost_inc_tax"`
	HandlingCostTax        v2Money      `json:"handling_cost_tax"`
	BaseWrappingCost       v2Money      `json:"base_wrapping_cost"`
	WrappingCostExTax      v2Money      `json:"wrapping_cost_ex_tax"`
	WrappingCostIncTax     v2Money      `json:"wrapping_cost_inc_tax"`
	WrappingCostTax        v2Money      `json:"wrapping_cost_tax"`
	TotalExTax             v2Money      `json:"total_ex_tax"`
	TotalIncTax            v2Money      `json:"total_inc_tax"`
	TotalTax               v2Money      `json:"total_tax"`
	ItemsTotal             int          `json:"items_total"`
	ItemsShipped           int          `json:"items_shipped"`
	PaymentMethod          string       `json:"payment_method"`
	PaymentProviderID      string       `json:"payment_provider_id"`
	PaymentStatus          string       `json:"payment_status"`
	RefundedAmount         v2Money      `json:"refunded_amount"`
	OrderIsDigital         bool         `json:"order_is_digital"`
	StoreCreditAmount      v2Money      `json:"store_credit_amount"`
	GiftCertificateAmount  v2Money      `json:"gift_certificate_amount"`
	IPAddress              string       `json:"ip_address"`
	IPAddressV6            string       `json:"ip_address_v6"`
	GeoipCountry           string       `json:"geoip_country"`
	GeoipCountryISO2       string       `json:"geoip_country_iso2"`
	CurrencyID             int          `json:"currency_id"`
	CurrencyCode           string       `json:"currency_code"`
	CurrencyExchangeRate   string       `json:"currency_exchange_rate"`
	DefaultCurrencyID      int          `json:"default_currency_id"`
	DefaultCurrencyCode    string       `json:"default_currency_code"`
	StoreDefaultCurrency   string       `json:"store_default_currency_code"`
	StaffNotes             string       `json:"staff_notes"`
	CustomerMessage        string       `json:"customer_message"`
	DiscountAmount         v2Money      `json:"discount_amount"`
	CouponDiscount         v2Money      `json:"coupon_discount"`
	ShippingAddressCount   int          `json:"shipping_address_count"`
	IsDeleted              bool         `json:"is_deleted"`
	IsEmailOptIn           bool         `json:"is_email_opt_in"`
	OrderSource            string       `json:"order_source"`
	ChannelID              int          `json:"channel_id"`
	ExternalSource         *string      `json:"external_source"`
	ExternalID             *string      `json:"external_id"`
	ExternalOrderID        string       `json:"external_order_id"`
	CartID                 string       `json:"cart_id"`
	CustomerLocale         string       `json:"customer_locale"`
	BillingAddress         billingView  `json:"billing_address"`
	Products               resourceLink `json:"products"`
	ShippingAddresses      resourceLink `json:"shipping_addresses"`
	Coupons                resourceLink `json:"coupons"`
	Consignments           any          `json:"consignments,omitempty"`
	Fees                   any          `json:"fees,omitempty"`
}

type billingView struct {
	*OrderAddress
	FormFields []any `json:"form_fields"`
}

// apiBase is the V2 base URL the request came in on, for resource links;
// joined once per call.
func (c *call) apiBase() *apiBase {
	if c.base == nil {
		scheme := "http"
		if c.r.TLS != nil {
			scheme = "https"
		}
		c.base = &apiBase{url: scheme + "://" + c.r.Host + "/stores/" + c.s.hash + "/v2"}
		if utf8.ValidString(c.base.url) {
			c.base.escaped = appendJSONChars(nil, c.base.url)
		}
	}
	return c.base
}

// link is the resourceLink to path+sub under the request's API base.
func (c *call) link(path, sub string) resourceLink {
	return resourceLink{base: c.apiBase(), path: path, sub: sub}
}

// orderPath is the path of order id, which its links start with.
func orderPath(id int) string { return "/orders/" + strconv.Itoa(id) }

// orderIPs are the ip_address values of orders, by id % 250: seeded orders
// come from 192.0.2.1-250 (TEST-NET-1).
var orderIPs = func() (ips [250]string) {
	for i := range ips {
		ips[i] = "192.0.2." + strconv.Itoa(i+1)
	}
	return ips
}()

// noExtra stands for the rarely set fields of an order that has none.
var noExtra orderExtra

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func (c *call) orderView(o *order) orderView {
	items, shipped := o.itemsTotal()
	const zero = v2Money(0)
	ex := o.extra
	if ex == nil {
		ex = &noExtra
	}
	path := orderPath(o.id)
	v := orderView{
		ID: o.id, CustomerID: o.customerID, DateCreated: rfcTime(o.created), DateModified: rfcTime(o.modified),
		DateShipped: rfcTime(o.shipped), StatusID: int(o.status), Status: statusNames[o.status], CustomStatus: statusNames[o.status],
		SubtotalExTax: v2Money(o.subtotal), SubtotalIncTax: v2Money(o.subtotal + o.tax), SubtotalTax: v2Money(o.tax),
		BaseShippingCost: v2Money(o.shipping), ShippingCostExTax: v2Money(o.shipping), ShippingCostIncTax: v2Money(o.shipping), ShippingCostTax: zero,
		BaseHandlingCost: zero, HandlingCostExTax: zero, HandlingCostIncTax: zero, HandlingCostTax: zero,
		BaseWrappingCost: zero, WrappingCostExTax: zero, WrappingCostIncTax: zero, WrappingCostTax: zero,
		TotalExTax: v2Money(o.total - o.tax), TotalIncTax: v2Money(o.total), TotalTax: v2Money(o.tax),
		ItemsTotal: items, ItemsShipped: shipped, PaymentMethod: paymentMethods[o.payment], PaymentStatus: paymentStatus(o.status),
		RefundedAmount: v2Money(o.refunded), StoreCreditAmount: zero, GiftCertificateAmount: zero,
		IPAddress: orderIPs[o.id%250], GeoipCountry: o.billing.Country, GeoipCountryISO2: o.billing.CountryISO2,
		CurrencyID: 1, CurrencyCode: "USD", CurrencyExchangeRate: "1.0000000000", DefaultCurrencyID: 1, DefaultCurrencyCode: "USD",
		StoreDefaultCurrency: "USD", StaffNotes: ex.staffNotes, CustomerMessage: ex.customerMessage,
		DiscountAmount: v2Money(o.discount), CouponDiscount: v2Money(couponDiscount(c.s, o)), ShippingAddressCount: 1,
		IsDeleted: o.deleted, OrderSource: "www", ChannelID: o.channelID, ExternalSource: strPtr(ex.externalSource),
		ExternalID: strPtr(ex.externalID), ExternalOrderID: ex.externalOrderID, CartID: ex.cartID, CustomerLocale: "en",
		BillingAddress:    billingView{OrderAddress: o.billing, FormFields: []any{}},
		Products:          c.link(path, "/products"),
		ShippingAddresses: c.link(path, "/shipping_addresses"),
		Coupons:           c.link(path, "/coupons"),
	}
	inc := c.includes()
	if inc["consignments"] || inc["consignments.line_items"] {
		v.Consignments = c.consignments(o, inc["consignments.line_items"])
	}
	if inc["fees"] {
		v.Fees = []any{}
	}
	return v
}

func paymentStatus(status uint8) string {
	switch status {
	case 0, 6:
		return "declined"
	case 4:
		return "refunded"
	case 14:
		return "partially refunded"
	case 1, 7:
		return "pending"
	}
	return "captured"
}

// shippingConsignment is one shipping consignment: the shipping address
// fields with the line items going there.
type shippingConsignment struct {
	shippingAddressView
	LineItems any `json:"line_items"`
}

// consignmentSet is the consignments object of an order.
type consignmentSet struct {
	Pickups   []any                  `json:"pickups"`
	Shipping  [1]shippingConsignment `json:"shipping"` // one address an order; an array encodes as a list
	Downloads []any                  `json:"downloads"`
	Email     emailConsignments      `json:"email"`
}

// emailConsignments are an order's email consignments (gift certificates).
type emailConsignments struct {
	GiftCertificates []any `json:"gift_certificates"`
}

// consignmentList is include=consignments without consignment_structure=object.
type consignmentList []consignmentSet

// consignments renders include=consignments[.line_items]: an object with
// consignment_structure=object, else a one-element array of it.
func (c *call) consignments(o *order, withLines bool) any {
	ship := shippingConsignment{shippingAddressView: c.shippingAddressView(o)}
	if withLines {
		ship.LineItems = c.orderLines(o)
	} else {
		ship.LineItems = c.link(orderPath(o.id), "/products")
	}
	cons := consignmentSet{Pickups: []any{}, Shipping: [1]shippingConsignment{ship}, Downloads: []any{},
		Email: emailConsignments{GiftCertificates: []any{}}}
	if c.q.Get("consignment_structure") == "object" {
		return &cons
	}
	return consignmentList{cons}
}

// orderLineView is a V2 order product.
type orderLineView struct {
	ID                int              `json:"id"`
	OrderID           int              `json:"order_id"`
	ProductID         int              `json:"product_id"`
	VariantID         int              `json:"variant_id"`
	OrderAddressID    int              `json:"order_address_id"`
	Name              string           `json:"name"`
	NameCustomer      string           `json:"name_customer"`
	NameMerchant      string           `json:"name_merchant"`
	SKU               string           `json:"sku"`
	UPC               string           `json:"upc"`
	Type              string           `json:"type"`
	BasePrice         v2Money          `json:"base_price"`
	PriceExTax        v2Money          `json:"price_ex_tax"`
	PriceIncTax       v2Money          `json:"price_inc_tax"`
	PriceTax          v2Money          `json:"price_tax"`
	BaseTotal         v2Money          `json:"base_total"`
	TotalExTax        v2Money          `json:"total_ex_tax"`
	TotalIncTax       v2Money          `json:"total_inc_tax"`
	TotalTax          v2Money          `json:"total_tax"`
	Quantity          int              `json:"quantity"`
	BaseCostPrice     v2Money          `json:"base_cost_price"`
	IsRefunded        bool             `json:"is_refunded"`
	QuantityRefunded  int              `json:"quantity_refunded"`
	RefundAmount      v2Money          `json:"refund_amount"`
	QuantityShipped   int              `json:"quantity_shipped"`
	FixedShippingCost v2Money          `json:"fixed_shipping_cost"`
	IsBundledProduct  bool             `json:"is_bundled_product"`
	ParentOrderProdID *int             `json:"parent_order_product_id"`
	AppliedDiscounts  []any            `json:"applied_discounts"`
	ProductOptions    []lineOptionView `json:"product_options"`
	ConfigurableField []any            `json:"configurable_fields"`
}

type lineOptionView struct {
	ID              int       `json:"id"`
	OptionID        int       `json:"option_id"`
	OrderProductID  int       `json:"order_product_id"`
	ProductOptionID int       `json:"product_option_id"`
	DisplayName     string    `json:"display_name"`
	DisplayValue    string    `json:"display_value"`
	Value           quotedInt `json:"value"`
	Type            string    `json:"type"`
	Name            string    `json:"name"`
	DisplayStyle    string    `json:"display_style"`
}

func (c *call) orderLine(o *order, l *orderLine) orderLineView {
	tax := l.unitTax()
	q := decimal(l.qty)
	opts := make([]lineOptionView, 0, len(l.options))
	for i, ov := range l.options {
		opts = append(opts, lineOptionView{ID: l.id*10 + i, OptionID: ov.OptionID, OrderProductID: l.id, ProductOptionID: ov.OptionID,
			DisplayName: ov.OptionDisplayName, DisplayValue: ov.Label, Value: quotedInt(ov.ID), Type: "Multiple choice",
			Name: ov.OptionDisplayName, DisplayStyle: "Rectangle"})
	}
	const zero = v2Money(0)
	v := orderLineView{
		ID: l.id, OrderID: o.id, ProductID: l.productID, VariantID: l.variantID, OrderAddressID: o.shippingAddrID,
		Name: l.name, NameCustomer: l.name, NameMerchant: l.name, SKU: l.sku, Type: "physical",
		BasePrice: v2Money(l.price), PriceExTax: v2Money(l.price), PriceIncTax: v2Money(l.price + tax), PriceTax: v2Money(tax),
		BaseTotal: v2Money(l.price * q), TotalExTax: v2Money(l.price * q), TotalIncTax: v2Money((l.price + tax) * q), TotalTax: v2Money(tax * q),
		Quantity: l.qty, BaseCostPrice: zero, RefundAmount: zero, QuantityShipped: l.qtyShipped, FixedShippingCost: zero,
		AppliedDiscounts: []any{}, ProductOptions: opts, ConfigurableField: []any{},
	}
	if n := c.s.refundedQty(o, l.id); n > 0 { // refunds by quantity (payments.go)
		v.QuantityRefunded, v.IsRefunded, v.RefundAmount = n, n >= l.qty, v2Money((l.price+tax)*decimal(n))
	}
	return v
}

// orderLineList is an order's lines as the API lists them.
type orderLineList []orderLineView

func (c *call) orderLines(o *order) orderLineList {
	out := make(orderLineList, len(o.lines))
	for i := range o.lines {
		out[i] = c.orderLine(o, &o.lines[i])
	}
	return out
}

// shippingAddressView is a V2 order shipping address.
type shippingAddressView struct {
	ID               int          `json:"id"`
	OrderID          int          `json:"order_id"`
	*OrderAddress                 // first_name ... email
	ItemsTotal       int          `json:"items_total"`
	ItemsShipped     int          `json:"items_shipped"`
	ShippingMethod   string       `json:"shipping_method"`
	BaseCost         v2Money      `json:"base_cost"`
	CostExTax        v2Money      `json:"cost_ex_tax"`
	CostIncTax       v2Money      `json:"cost_inc_tax"`
	CostTax          v2Money      `json:"cost_tax"`
	CostTaxClassID   int          `json:"cost_tax_class_id"`
	ShippingZoneID   int          `json:"shipping_zone_id"`
	ShippingZoneName string       `json:"shipping_zone_name"`
	FormFields       []any        `json:"form_fields"`
	ShippingQuotes   resourceLink `json:"shipping_quotes"`
}

func (c *call) shippingAddressView(o *order) shippingAddressView {
	items, shipped := o.itemsTotal()
	return shippingAddressView{
		ID: o.shippingAddrID, OrderID: o.id, OrderAddress: o.shippingAddress(), ItemsTotal: items, ItemsShipped: shipped,
		ShippingMethod: "Flat Rate", BaseCost: v2Money(o.shipping), CostExTax: v2Money(o.shipping), CostIncTax: v2Money(o.shipping),
		ShippingZoneID: 1, ShippingZoneName: "United States", FormFields: []any{},
		ShippingQuotes: c.link(orderPath(o.id)+"/shipping_addresses/"+strconv.Itoa(o.shippingAddrID), "/shipping_quotes"),
	}
}

// couponDiscount is the discount the order's coupons gave: a seeded
// order's one coupon explains all of its discount.
func couponDiscount(s *Store, o *order) decimal {
	if o.extra == nil || o.extra.coupons == nil {
		return o.discount
	}
	var sum decimal
	for _, cp := range s.coupons(o) {
		sum += cp.Discount
	}
	return sum
}

// coupons are the order's coupons: the recorded ones, or for a seeded order
// with a discount, the one coupon that explains it.
func (s *Store) coupons(o *order) []orderCoupon {
	if o.extra != nil && o.extra.coupons != nil {
		return o.extra.coupons
	}
	if o.discount == 0 {
		return nil
	}
	id := 1 + o.id%len(seededCouponCodes) // a seeded coupon (coupons.go)
	return []orderCoupon{{ID: o.id, CouponID: id, OrderID: o.id, Code: seededCouponCode(id),
		Amount: o.discount.v2(), Type: 2, Discount: o.discount}}
}
