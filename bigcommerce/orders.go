package bigcommerce

import (
	"bytes"
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"net/url"
	"time"
)

// OrdersService handles orders, which only the V2 API lists and reads
// (/v2/orders). V2 answers are bare JSON with decimal-string money and
// RFC-2822 dates, and an empty page is a 204 with no body.
type OrdersService struct{ c *Client }

// Order is a V2 order. Products, shipping addresses and coupons are links to
// sub-resources; fetch them with Products, ShippingAddresses and Coupons, or
// list orders with IncludeConsignments to get line items inline.
type Order struct {
	ID                    int             `json:"id"`
	CustomerID            int             `json:"customer_id"`
	StatusID              int             `json:"status_id"`
	Status                string          `json:"status"`
	CustomStatus          string          `json:"custom_status"`
	DateCreated           Time            `json:"date_created"`
	DateModified          Time            `json:"date_modified"`
	DateShipped           Time            `json:"date_shipped"` // zero when not shipped
	SubtotalExTax         Decimal         `json:"subtotal_ex_tax"`
	SubtotalIncTax        Decimal         `json:"subtotal_inc_tax"`
	SubtotalTax           Decimal         `json:"subtotal_tax"`
	BaseShippingCost      Decimal         `json:"base_shipping_cost"`
	ShippingCostExTax     Decimal         `json:"shipping_cost_ex_tax"`
	ShippingCostIncTax    Decimal         `json:"shipping_cost_inc_tax"`
	HandlingCostExTax     Decimal         `json:"handling_cost_ex_tax"`
	HandlingCostIncTax    Decimal         `json:"handling_cost_inc_tax"`
	TotalExTax            Decimal         `json:"total_ex_tax"`
	TotalIncTax           Decimal         `json:"total_inc_tax"`
	TotalTax              Decimal         `json:"total_tax"`
	DiscountAmount        Decimal         `json:"discount_amount"`
	CouponDiscount        Decimal         `json:"coupon_discount"`
	RefundedAmount        Decimal         `json:"refunded_amount"`
	StoreCreditAmount     Decimal         `json:"store_credit_amount"`
	GiftCertificateAmount Decimal         `json:"gift_certificate_amount"`
	ItemsTotal            int             `json:"items_total"`
	ItemsShipped          int             `json:"items_shipped"`
	PaymentMethod         string          `json:"payment_method"`
	PaymentStatus         string          `json:"payment_status"`
	CurrencyCode          string          `json:"currency_code"`
	CurrencyExchangeRate  Decimal         `json:"currency_exchange_rate"`
	DefaultCurrencyCode   string          `json:"default_currency_code"`
	StaffNotes            string          `json:"staff_notes"`
	CustomerMessage       string          `json:"customer_message"`
	IPAddress             string          `json:"ip_address"`
	OrderSource           string          `json:"order_source"`
	ChannelID             int             `json:"channel_id"`
	ExternalID            string          `json:"external_id"`
	ExternalOrderID       string          `json:"external_order_id"`
	ExternalSource        string          `json:"external_source"`
	CartID                string          `json:"cart_id"`
	ShippingAddressCount  int             `json:"shipping_address_count"`
	IsDeleted             bool            `json:"is_deleted"`
	IsEmailOptIn          bool            `json:"is_email_opt_in"`
	OrderIsDigital        bool            `json:"order_is_digital"`
	CustomerLocale        string          `json:"customer_locale"`
	BillingAddress        *BillingAddress `json:"billing_address"`
	Products              *ResourceLink   `json:"products,omitempty"`
	ShippingAddresses     *ResourceLink   `json:"shipping_addresses,omitempty"`
	Coupons               *ResourceLink   `json:"coupons,omitempty"`
	Consignments          *Consignments   `json:"consignments,omitempty"` // with IncludeConsignments
}

// orderList is a page of orders as GET /v2/orders answers it, and
// orderAnswer one order as GET, POST and PUT /v2/orders/{id} answer it: on
// Go 1.27 they decode their orders member by member (decode_orders.go),
// which Order itself cannot do (see there).
type (
	orderList   []*Order
	orderAnswer Order
)

// orderDo sends a request that an order answers.
func orderDo(ctx context.Context, c *Client, method, path string, q url.Values, body any) (*Order, *Response, error) {
	out, resp, err := v2Do[*orderAnswer](ctx, c, method, path, q, body)
	return (*Order)(out), resp, err
}

// looseString reads a JSON string, number or null as text.
func looseString(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}

// ResourceLink is how V2 points at a sub-resource instead of embedding it.
type ResourceLink struct {
	URL      string `json:"url"`
	Resource string `json:"resource"`
}

// BillingAddress is an order's billing address: the name, postal address and
// contact that its shipping addresses and consignments carry too.
type BillingAddress struct {
	FirstName   string `json:"first_name"`
	LastName    string `json:"last_name"`
	Company     string `json:"company"`
	Street1     string `json:"street_1"`
	Street2     string `json:"street_2"`
	City        string `json:"city"`
	State       string `json:"state"`
	Zip         string `json:"zip"`
	Country     string `json:"country"`
	CountryISO2 string `json:"country_iso2"`
	Phone       string `json:"phone"`
	Email       string `json:"email"`
}

// ShippingDestination is what an order's shipping address and its shipping
// consignment share: the address, how many items go there and how.
type ShippingDestination struct {
	BillingAddress
	ItemsTotal     int     `json:"items_total"`
	ItemsShipped   int     `json:"items_shipped"`
	ShippingMethod string  `json:"shipping_method"`
	CostExTax      Decimal `json:"cost_ex_tax"`
	CostIncTax     Decimal `json:"cost_inc_tax"`
}

// Consignments are an order's fulfilment groups, returned with
// include=consignments. Only shipping consignments carry addresses and line
// items that sync needs; the others are kept raw.
type Consignments struct {
	Shipping  []*ShippingConsignment `json:"shipping,omitempty"`
	Pickups   []json.RawMessage      `json:"pickups,omitempty"`
	Downloads []json.RawMessage      `json:"downloads,omitempty"`
	Email     json.RawMessage        `json:"email,omitempty"`
}

// UnmarshalJSON accepts the object form (consignment_structure=object) and
// the older form, an array holding one such object.
func (c *Consignments) UnmarshalJSON(b []byte) error {
	type plain Consignments
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		var list []plain
		if err := json.Unmarshal(b, &list); err != nil {
			return err
		}
		*c = Consignments{}
		for i := range list {
			c.merge((*Consignments)(&list[i]))
		}
		return nil
	}
	return json.Unmarshal(b, (*plain)(c))
}

// merge adds the consignments of set, an element of the older array form, to c.
func (c *Consignments) merge(set *Consignments) {
	c.Shipping = append(c.Shipping, set.Shipping...)
	c.Pickups = append(c.Pickups, set.Pickups...)
	c.Downloads = append(c.Downloads, set.Downloads...)
	if len(set.Email) > 0 {
		c.Email = set.Email
	}
}

// ShippingConsignment is one shipping destination of an order with its line items.
type ShippingConsignment struct {
	ID int `json:"id"`
	ShippingDestination
	LineItems []*OrderProduct `json:"line_items,omitempty"`
}

// OrderProduct is an order line item. ProductID is the catalog product and
// VariantID the SKU that was bought; ID is the line item itself, used to ship it.
type OrderProduct struct {
	ID               int                   `json:"id"`
	OrderID          int                   `json:"order_id"`
	ProductID        int                   `json:"product_id"`
	VariantID        int                   `json:"variant_id"`
	OrderAddressID   int                   `json:"order_address_id"`
	Name             string                `json:"name"`
	SKU              string                `json:"sku"`
	Type             string                `json:"type"`
	Quantity         int                   `json:"quantity"`
	QuantityShipped  int                   `json:"quantity_shipped"`
	QuantityRefunded int                   `json:"quantity_refunded"`
	BasePrice        Decimal               `json:"base_price"`
	PriceExTax       Decimal               `json:"price_ex_tax"`
	PriceIncTax      Decimal               `json:"price_inc_tax"`
	PriceTax         Decimal               `json:"price_tax"`
	BaseTotal        Decimal               `json:"base_total"`
	TotalExTax       Decimal               `json:"total_ex_tax"`
	TotalIncTax      Decimal               `json:"total_inc_tax"`
	TotalTax         Decimal               `json:"total_tax"`
	Weight           Decimal               `json:"weight"`
	BaseCostPrice    Decimal               `json:"base_cost_price"`
	IsRefunded       bool                  `json:"is_refunded"`
	RefundAmount     Decimal               `json:"refund_amount"`
	UPC              string                `json:"upc"`
	ProductOptions   []*OrderProductOption `json:"product_options,omitempty"`
}

// OrderProductOption is an option chosen on a line item (e.g. Size: L).
type OrderProductOption struct {
	ID           int    `json:"id"`
	OptionID     int    `json:"option_id"`
	DisplayName  string `json:"display_name"`
	DisplayValue string `json:"display_value"`
	Value        string `json:"value"`
	Type         string `json:"type"`
}

// UnmarshalJSON accepts value as a string or a number; V2 writes both.
func (o *OrderProductOption) UnmarshalJSON(b []byte) error {
	type plain OrderProductOption
	aux := struct {
		*plain
		Value json.RawMessage `json:"value"`
	}{plain: (*plain)(o)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	o.Value = looseString(aux.Value)
	return nil
}

// OrderShippingAddress is a shipping address of an order.
type OrderShippingAddress struct {
	ID      int `json:"id"`
	OrderID int `json:"order_id"`
	ShippingDestination
}

// OrderCoupon is a coupon applied to an order.
type OrderCoupon struct {
	ID       int     `json:"id"`
	CouponID int     `json:"coupon_id"`
	OrderID  int     `json:"order_id"`
	Code     string  `json:"code"`
	Amount   Decimal `json:"amount"`
	Type     int     `json:"type"` // 0 per item, 1 percentage, 2 per total, 3 shipping, 4 free shipping, 5 promotion
	Discount Decimal `json:"discount"`
}

// Shipment is a shipment of some of an order's items.
type Shipment struct {
	ID               int             `json:"id"`
	OrderID          int             `json:"order_id"`
	CustomerID       int             `json:"customer_id"`
	OrderAddressID   int             `json:"order_address_id"`
	DateCreated      Time            `json:"date_created"`
	TrackingNumber   string          `json:"tracking_number"`
	ShippingMethod   string          `json:"shipping_method"`
	ShippingProvider string          `json:"shipping_provider"`
	TrackingCarrier  string          `json:"tracking_carrier"`
	TrackingLink     string          `json:"tracking_link"`
	Comments         string          `json:"comments"`
	BillingAddress   *BillingAddress `json:"billing_address,omitempty"`
	ShippingAddress  *BillingAddress `json:"shipping_address,omitempty"`
	Items            []*ShipmentItem `json:"items"`
}

// ShipmentItem is a line item, and how many of it, in a shipment.
type ShipmentItem struct {
	OrderProductID int `json:"order_product_id"`
	ProductID      int `json:"product_id,omitempty"`
	Quantity       int `json:"quantity"`
}

// OrderStatus is one of the store's order statuses.
type OrderStatus struct {
	ID                int    `json:"id"`
	Name              string `json:"name"`
	SystemLabel       string `json:"system_label"`
	CustomLabel       string `json:"custom_label"`
	SystemDescription string `json:"system_description"`
	Count             int    `json:"count,omitempty"`      // in OrderCount only
	SortOrder         int    `json:"sort_order,omitempty"` // in OrderCount only
}

// OrderCount is the answer of GET /v2/orders/count.
type OrderCount struct {
	Count    int            `json:"count"`
	Statuses []*OrderStatus `json:"statuses"`
}

// OrderListOptions filters GET /v2/orders and GET /v2/orders/count.
type OrderListOptions struct {
	StatusID        *int // status_id; a pointer because 0 (Incomplete) is a status
	CustomerID      int
	Email           string
	MinDateCreated  time.Time
	MaxDateCreated  time.Time
	MinDateModified time.Time
	MaxDateModified time.Time
	MinID           int
	MaxID           int
	MinTotal        Decimal
	MaxTotal        Decimal
	ChannelID       int
	CartID          string
	PaymentMethod   string
	ExternalOrderID string
	// Sort is field:direction, e.g. "date_modified:asc" (fields: id,
	// customer_id, date_created, date_modified, status_id, channel_id, external_id).
	Sort string
	// IncludeConsignments asks for consignments with their line items
	// (include=consignments.line_items&consignment_structure=object), so line
	// items come without one extra request per order.
	IncludeConsignments bool

	Page  int
	Limit int // at most 250
}

func (o *OrderListOptions) values(count bool) (url.Values, error) {
	if o == nil {
		return nil, nil
	}
	if err := checkPaging(o.Page, o.Limit); err != nil {
		return nil, err
	}
	if err := checkDecimals(df("min_total", o.MinTotal), df("max_total", o.MaxTotal)); err != nil {
		return nil, err
	}
	q := newQuery()
	q.intPtr("status_id", o.StatusID)
	q.int("customer_id", o.CustomerID)
	q.str("email", o.Email)
	q.time("min_date_created", o.MinDateCreated)
	q.time("max_date_created", o.MaxDateCreated)
	q.time("min_date_modified", o.MinDateModified)
	q.time("max_date_modified", o.MaxDateModified)
	q.int("min_id", o.MinID)
	q.int("max_id", o.MaxID)
	q.decimal("min_total", o.MinTotal)
	q.decimal("max_total", o.MaxTotal)
	q.int("channel_id", o.ChannelID)
	q.str("cart_id", o.CartID)
	q.str("payment_method", o.PaymentMethod)
	q.str("external_order_id", o.ExternalOrderID)
	if !count {
		q.str("sort", o.Sort)
		if o.IncludeConsignments {
			q.str("include", "consignments.line_items")
			q.str("consignment_structure", "object")
		}
		q.page(o.Page, o.Limit)
	}
	return q.values(), nil
}

func (o *OrderListOptions) atPage(p pageRequest) { o.Page, o.Limit = p.Page, p.Limit }

// List lists one page of orders: GET /v2/orders. A page past the end is a
// 204, returned as an empty list.
func (s *OrdersService) List(ctx context.Context, opts *OrderListOptions) ([]*Order, *Response, error) {
	q, err := opts.values(false)
	if err != nil {
		return nil, nil, err
	}
	out, resp, err := v2Do[orderList](ctx, s.c, http.MethodGet, "/orders", q, nil)
	return out, resp, err
}

// All iterates over every order matching opts, 250 per request: GET /v2/orders.
// It stops at a 204, an empty page or a short page. opts.Page and opts.Limit are ignored.
func (s *OrdersService) All(ctx context.Context, opts *OrderListOptions) iter.Seq2[*Order, error] {
	return allPages(ctx, pagingV2, opts, s.List)
}

// Count counts the orders matching opts, in total and per status:
// GET /v2/orders/count. Paging, sort and include in opts are ignored.
func (s *OrdersService) Count(ctx context.Context, opts *OrderListOptions) (*OrderCount, *Response, error) {
	q, err := opts.values(true)
	if err != nil {
		return nil, nil, err
	}
	out, resp, err := v2Do[*OrderCount](ctx, s.c, http.MethodGet, "/orders/count", q, nil)
	if err == nil && out == nil {
		out = &OrderCount{}
	}
	return out, resp, err
}

// OrderGetOptions selects what GET /v2/orders/{id} includes.
type OrderGetOptions struct {
	IncludeConsignments bool
}

// Get fetches one order: GET /v2/orders/{id}.
func (s *OrdersService) Get(ctx context.Context, id int, opts *OrderGetOptions) (*Order, *Response, error) {
	if err := checkID("order_id", id); err != nil {
		return nil, nil, err
	}
	var q url.Values
	if opts != nil && opts.IncludeConsignments {
		q = url.Values{"include": {"consignments.line_items"}, "consignment_structure": {"object"}}
	}
	out, resp, err := orderDo(ctx, s.c, http.MethodGet, "/orders/"+itoa(id), q, nil)
	if err == nil && out == nil {
		return nil, resp, emptyAnswer("GET /v2/orders/" + itoa(id))
	}
	return out, resp, err
}

// OrderCreateRequest is the body of POST /v2/orders. BillingAddress and at
// least one product are required.
type OrderCreateRequest struct {
	CustomerID         int                    `json:"customer_id"`         // 0 is a guest order
	StatusID           int                    `json:"status_id,omitempty"` // default 1 (Pending)
	BillingAddress     *BillingAddress        `json:"billing_address"`
	ShippingAddresses  []*BillingAddress      `json:"shipping_addresses,omitempty"`
	Products           []*OrderProductRequest `json:"products"`
	ChannelID          int                    `json:"channel_id,omitempty"`
	ExternalID         string                 `json:"external_id,omitempty"`
	ExternalSource     string                 `json:"external_source,omitempty"`
	StaffNotes         string                 `json:"staff_notes,omitempty"`
	CustomerMessage    string                 `json:"customer_message,omitempty"`
	PaymentMethod      string                 `json:"payment_method,omitempty"`
	ShippingCostExTax  Decimal                `json:"shipping_cost_ex_tax,omitempty"`
	ShippingCostIncTax Decimal                `json:"shipping_cost_inc_tax,omitempty"`
	DateCreated        string                 `json:"date_created,omitempty"` // RFC-2822
}

// OrderProductRequest is a line item of a new order: a catalog product (by
// ProductID, with VariantID or ProductOptions for one with options) or a
// custom product (by Name with prices).
type OrderProductRequest struct {
	ProductID      int                    `json:"product_id,omitempty"`
	VariantID      int                    `json:"variant_id,omitempty"`
	Quantity       int                    `json:"quantity"`
	Name           string                 `json:"name,omitempty"`
	SKU            string                 `json:"sku,omitempty"`
	PriceExTax     Decimal                `json:"price_ex_tax,omitempty"`
	PriceIncTax    Decimal                `json:"price_inc_tax,omitempty"`
	ProductOptions []*ProductOptionChoice `json:"product_options,omitempty"`
}

// ProductOptionChoice picks an option value for a line item.
type ProductOptionChoice struct {
	ID    int    `json:"id"`
	Value string `json:"value"`
}

func (r *OrderCreateRequest) validate() error {
	if r == nil {
		return invalid("order", "a request body is required")
	}
	if r.BillingAddress == nil {
		return invalid("billing_address", "is required")
	}
	if len(r.Products) == 0 {
		return invalid("products", "at least one product is required")
	}
	for i, p := range r.Products {
		f := "products[" + itoa(i) + "]"
		switch {
		case p == nil:
			return invalid(f, "is null")
		case p.Quantity <= 0:
			return invalid(f+".quantity", "must be at least 1")
		case p.ProductID == 0 && p.Name == "":
			return invalid(f, "needs product_id (a catalog product) or name (a custom product)")
		case p.ProductID < 0:
			return invalid(f+".product_id", "%d is not a valid ID", p.ProductID)
		}
		if err := checkDecimals(df(f+".price_ex_tax", p.PriceExTax), df(f+".price_inc_tax", p.PriceIncTax)); err != nil {
			return err
		}
	}
	return checkDecimals(df("shipping_cost_ex_tax", r.ShippingCostExTax), df("shipping_cost_inc_tax", r.ShippingCostIncTax))
}

// Create creates an order: POST /v2/orders. BigCommerce has no idempotency
// key: when the outcome is unknown, look the order up (e.g. by external_id)
// before trying again.
func (s *OrdersService) Create(ctx context.Context, r *OrderCreateRequest) (*Order, *Response, error) {
	if err := r.validate(); err != nil {
		return nil, nil, err
	}
	return orderDo(ctx, s.c, http.MethodPost, "/orders", nil, r)
}

// OrderUpdateRequest is the body of PUT /v2/orders/{id}; only non-nil fields are sent.
type OrderUpdateRequest struct {
	StatusID        *int            `json:"status_id,omitempty"`
	StaffNotes      *string         `json:"staff_notes,omitempty"`
	CustomerMessage *string         `json:"customer_message,omitempty"`
	CustomerID      *int            `json:"customer_id,omitempty"`
	BillingAddress  *BillingAddress `json:"billing_address,omitempty"`
	ExternalID      *string         `json:"external_id,omitempty"`
	PaymentMethod   *string         `json:"payment_method,omitempty"`
}

// Update changes an order: PUT /v2/orders/{id}.
func (s *OrdersService) Update(ctx context.Context, id int, r *OrderUpdateRequest) (*Order, *Response, error) {
	if err := checkID("order_id", id); err != nil {
		return nil, nil, err
	}
	if r == nil {
		return nil, nil, invalid("order", "a request body is required")
	}
	return orderDo(ctx, s.c, http.MethodPut, "/orders/"+itoa(id), nil, r)
}

// orderSubList collects every page of an order's sub-resource list,
// GET /v2/orders/{id}/{sub}. These lists are small (line items, addresses,
// coupons, shipments), so they are returned whole.
func orderSubList[T any](ctx context.Context, c *Client, orderID int, sub string) ([]*T, error) {
	if err := checkID("order_id", orderID); err != nil {
		return nil, err
	}
	path := "/orders/" + itoa(orderID) + "/" + sub
	var out []*T
	for it, err := range all(ctx, pagingV2, func(ctx context.Context, p pageRequest) ([]*T, *Response, error) {
		return listPage[*T](ctx, c, "v2", path, nil, p)
	}) {
		if err != nil {
			return out, err
		}
		out = append(out, it)
	}
	return out, nil
}

// Products returns all of an order's line items, every page:
// GET /v2/orders/{id}/products.
func (s *OrdersService) Products(ctx context.Context, orderID int) ([]*OrderProduct, error) {
	return orderSubList[OrderProduct](ctx, s.c, orderID, "products")
}

// ShippingAddresses returns an order's shipping addresses:
// GET /v2/orders/{id}/shipping_addresses.
func (s *OrdersService) ShippingAddresses(ctx context.Context, orderID int) ([]*OrderShippingAddress, error) {
	return orderSubList[OrderShippingAddress](ctx, s.c, orderID, "shipping_addresses")
}

// Coupons returns the coupons applied to an order: GET /v2/orders/{id}/coupons.
func (s *OrdersService) Coupons(ctx context.Context, orderID int) ([]*OrderCoupon, error) {
	return orderSubList[OrderCoupon](ctx, s.c, orderID, "coupons")
}

// Shipments returns an order's shipments (none is a 204):
// GET /v2/orders/{id}/shipments.
func (s *OrdersService) Shipments(ctx context.Context, orderID int) ([]*Shipment, error) {
	return orderSubList[Shipment](ctx, s.c, orderID, "shipments")
}

// ShipmentCreateRequest is the body of POST /v2/orders/{id}/shipments.
// OrderAddressID (from ShippingAddresses) and Items are required.
type ShipmentCreateRequest struct {
	OrderAddressID   int             `json:"order_address_id"`
	TrackingNumber   string          `json:"tracking_number,omitempty"`
	ShippingMethod   string          `json:"shipping_method,omitempty"`
	ShippingProvider string          `json:"shipping_provider,omitempty"`
	TrackingCarrier  string          `json:"tracking_carrier,omitempty"`
	Comments         string          `json:"comments,omitempty"`
	Items            []*ShipmentItem `json:"items"`
}

// CreateShipment ships some of an order's items: POST /v2/orders/{id}/shipments.
func (s *OrdersService) CreateShipment(ctx context.Context, orderID int, r *ShipmentCreateRequest) (*Shipment, *Response, error) {
	if err := checkID("order_id", orderID); err != nil {
		return nil, nil, err
	}
	if r == nil {
		return nil, nil, invalid("shipment", "a request body is required")
	}
	if err := checkID("order_address_id", r.OrderAddressID); err != nil {
		return nil, nil, err
	}
	if len(r.Items) == 0 {
		return nil, nil, invalid("items", "at least one item is required")
	}
	for i, it := range r.Items {
		if it == nil || it.OrderProductID <= 0 || it.Quantity <= 0 {
			return nil, nil, invalid("items["+itoa(i)+"]", "needs order_product_id and a quantity of at least 1")
		}
	}
	return v2Do[*Shipment](ctx, s.c, http.MethodPost, "/orders/"+itoa(orderID)+"/shipments", nil, r)
}

// Statuses lists the store's order statuses: GET /v2/order_statuses.
func (s *OrdersService) Statuses(ctx context.Context) ([]*OrderStatus, *Response, error) {
	return v2Do[[]*OrderStatus](ctx, s.c, http.MethodGet, "/order_statuses", nil, nil)
}
