package sandbox

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// orderBook holds the V2 orders. Orders are compact because a store may
// hold a million of them: seeded orders share their address with their
// customer and their names and SKUs with the catalog.
type orderBook struct {
	// orders is sorted by id. Seeded orders and orders created through the
	// API or the operator endpoints take ids from nextID upwards; live
	// orders take liveFirstOrderID + slot (see live.go), far above them.
	orders []*order
	nextID int // id of the next seeded or created order
	// byModified lists live (not archived) orders sorted by
	// (date_modified, id), so that the incremental-sync query
	// (min_date_modified, sort=date_modified:asc) is a binary search.
	byModified modIndex
	statuses   [15]statusLabel
	archived   int // archived orders, which the fast paths must not count
}

type modKey struct {
	modified int64
	id       int
}

func cmpModKey(a, b modKey) int {
	return cmp.Or(cmp.Compare(a.modified, b.modified), cmp.Compare(a.id, b.id))
}

type order struct {
	id, customerID int
	status         uint8
	deleted        bool
	payment        uint8 // index into paymentMethods
	channelID      int
	created        int64
	modified       int64
	shipped        int64
	subtotal       decimal // ex tax
	shipping       decimal
	tax            decimal
	discount       decimal
	total          decimal // inc tax
	refunded       decimal
	shippingAddrID int
	lines          []orderLine
	billing        *OrderAddress
	shipTo         *OrderAddress // nil means the billing address
	extra          *orderExtra   // nil for most seeded orders
}

// orderExtra holds the rarely set order fields.
type orderExtra struct {
	staffNotes, customerMessage        string
	externalSource, externalID, cartID string
	externalOrderID                    string
	shipments                          []*shipment
	shipmentsSet                       bool          // shipments replaces the seeded ones
	coupons                            []orderCoupon // nil: the seeded coupon, if any, explains the discount
}

func (o *order) ext() *orderExtra {
	if o.extra == nil {
		o.extra = &orderExtra{}
	}
	return o.extra
}

type orderLine struct {
	id, productID, variantID int
	name, sku                string
	qty, qtyShipped          int
	price                    decimal // unit price ex tax
	options                  []optionValueRef
}

// unitTax is the tax on one unit of the line: the sandbox taxes every line at
// 10 %.
func (l *orderLine) unitTax() decimal { return roundDecimal(l.price / 10) }

// OrderAddress is a V2 billing or shipping address, as order bodies carry it.
type OrderAddress struct {
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

type orderCoupon struct {
	ID       int     `json:"id"`
	CouponID int     `json:"coupon_id"`
	OrderID  int     `json:"order_id"`
	Code     string  `json:"code"`
	Amount   string  `json:"amount"`
	Type     int     `json:"type"`
	Discount decimal `json:"discount"`
}

type shipment struct {
	ID               int            `json:"id"`
	OrderID          int            `json:"order_id"`
	CustomerID       int            `json:"customer_id"`
	OrderAddressID   int            `json:"order_address_id"`
	DateCreated      string         `json:"date_created"`
	TrackingNumber   string         `json:"tracking_number"`
	ShippingMethod   string         `json:"shipping_method"`
	ShippingProvider string         `json:"shipping_provider"`
	TrackingCarrier  string         `json:"tracking_carrier"`
	TrackingLink     string         `json:"tracking_link"`
	Comments         string         `json:"comments"`
	BillingAddress   *OrderAddress  `json:"billing_address"`
	ShippingAddress  *OrderAddress  `json:"shipping_address"`
	Items            []shipmentItem `json:"items"`
}

type shipmentItem struct {
	OrderProductID int `json:"order_product_id"`
	ProductID      int `json:"product_id"`
	Quantity       int `json:"quantity"`
}

var paymentMethods = []string{"Credit Card", "PayPal", "Cash on Delivery", "Bank Deposit", "Manual", "Store Credit"}

// statusLabel is one of BigCommerce's fixed order statuses.
type statusLabel struct {
	ID                int    `json:"id"`
	Name              string `json:"name"`
	SystemLabel       string `json:"system_label"`
	CustomLabel       string `json:"custom_label"`
	SystemDescription string `json:"system_description"`
	Order             int    `json:"order"`
}

var statusNames = [15]string{
	"Incomplete", "Pending", "Shipped", "Partially Shipped", "Refunded", "Cancelled", "Declined",
	"Awaiting Payment", "Awaiting Pickup", "Awaiting Shipment", "Completed", "Awaiting Fulfillment",
	"Manual Verification Required", "Disputed", "Partially Refunded",
}

var statusDescriptions = [15]string{
	"An incomplete order happens when a shopper reached the payment page, but did not complete the transaction.",
	"Customer started the checkout process, but did not complete it.",
	"Order has been shipped, but receipt has not been confirmed; seller has used the Ship Items action.",
	"Only some items in the order have been shipped.",
	"Seller has used the Refund action to refund the whole order.",
	"Seller has cancelled an order, due to a stock inconsistency or other reasons.",
	"Seller has marked the order as declined.",
	"Customer has completed the checkout process, but payment has yet to be confirmed.",
	"Order has been packed and is awaiting customer pickup from a seller-specified location.",
	"Order has been pulled and packaged and is awaiting collection from a shipping provider.",
	"Order has been shipped or picked up, and receipt is confirmed; client has paid for their digital product.",
	"Customer has completed the checkout process and payment has been confirmed.",
	"Order on hold while some aspect, such as tax-exempt documentation, is manually confirmed.",
	"Customer has initiated a dispute resolution process for the PayPal transaction that paid for the order.",
	"Seller has partially refunded the order.",
}

func newOrderBook(first int) orderBook {
	b := orderBook{nextID: first}
	for i := range b.statuses {
		b.statuses[i] = statusLabel{ID: i, Name: statusNames[i], SystemLabel: statusNames[i], CustomLabel: statusNames[i],
			SystemDescription: statusDescriptions[i], Order: i}
	}
	return b
}

func (b *orderBook) get(id int) *order {
	if i, ok := b.index(id); ok {
		return b.orders[i]
	}
	return nil
}

// index is where id is, or would be, in b.orders.
func (b *orderBook) index(id int) (int, bool) {
	return slices.BinarySearchFunc(b.orders, id, func(o *order, id int) int { return cmp.Compare(o.id, id) })
}

// span is the part [lo, hi) of b.orders with lo <= id <= hi.
func (b *orderBook) span(lo, hi int64) (int, int) {
	i, _ := b.index(int(max(lo, 0)))
	j := len(b.orders)
	if hi < math.MaxInt64 {
		j, _ = b.index(int(hi) + 1)
	}
	return i, max(i, j)
}

// newID takes the next id for a seeded or created order. The range ends
// where the live orders' range starts.
func (b *orderBook) newID() (int, error) {
	if b.nextID >= liveFirstOrderID {
		return 0, fmt.Errorf("sandbox: order ids below %d, the start of the live orders' range, are used up", liveFirstOrderID)
	}
	b.nextID++
	return b.nextID - 1, nil
}

// add stores o, whose id must be unused, and indexes it. Ids mostly come in
// rising order, so the usual case is an append.
func (b *orderBook) add(o *order) {
	if n := len(b.orders); n == 0 || b.orders[n-1].id < o.id {
		b.orders = append(b.orders, o)
	} else {
		i, _ := b.index(o.id)
		b.orders = slices.Insert(b.orders, i, o)
	}
	b.indexModified(o)
}

func (b *orderBook) indexModified(o *order) {
	b.byModified.add(modKey{o.modified, o.id})
}

func (b *orderBook) unindexModified(o *order) {
	b.byModified.remove(modKey{o.modified, o.id})
}

// modIndex is a (date_modified, id) index, its keys sorted. While seeding
// is set, keys are appended as they come and endSeeding sorts them once:
// inserting 100,000 random dates one by one would move the slice
// quadratically.
type modIndex struct {
	keys    []modKey
	seeding bool
}

// add indexes k.
func (x *modIndex) add(k modKey) {
	n := len(x.keys)
	if x.seeding || n == 0 || cmpModKey(x.keys[n-1], k) < 0 {
		x.keys = append(x.keys, k) // the usual case: now is the latest
		return
	}
	i, _ := slices.BinarySearchFunc(x.keys, k, cmpModKey)
	x.keys = slices.Insert(x.keys, i, k)
}

// remove drops k from the index.
func (x *modIndex) remove(k modKey) {
	if i, ok := slices.BinarySearchFunc(x.keys, k, cmpModKey); ok {
		x.keys = slices.Delete(x.keys, i, i+1)
	}
}

// endSeeding sorts the keys seeding added.
func (x *modIndex) endSeeding() {
	x.seeding = false
	slices.SortFunc(x.keys, cmpModKey)
}

// modRange is the part [lo, hi) of idx with lo <= modified <= hi.
func modRange(idx []modKey, lo, hi int64) (int, int) {
	i, _ := slices.BinarySearchFunc(idx, modKey{lo, 0}, cmpModKey)
	j, _ := slices.BinarySearchFunc(idx, modKey{hi, int(^uint(0) >> 1)}, cmpModKey)
	return i, max(i, j)
}

// touch moves o's date_modified to now, keeping the index sorted.
func (b *orderBook) touch(o *order, now int64) {
	if !o.deleted {
		b.unindexModified(o)
	}
	o.modified = now
	if !o.deleted {
		b.indexModified(o)
	}
}

// recompute derives the order totals from its lines.
func (o *order) recompute() {
	var sub decimal
	for _, l := range o.lines {
		sub += l.price * decimal(l.qty)
	}
	o.subtotal = sub
	o.tax = roundDecimal(sub / 10) // a flat 10% tax on items
	o.total = sub + o.shipping - o.discount + o.tax
}

// roundDecimal rounds to cents, as the stores' currency does.
func roundDecimal(d decimal) decimal {
	return (d + 50) / 100 * 100
}

func (o *order) itemsTotal() (items, shipped int) {
	for _, l := range o.lines {
		items += l.qty
		shipped += l.qtyShipped
	}
	return items, shipped
}

func (o *order) shippingAddress() *OrderAddress {
	if o.shipTo != nil {
		return o.shipTo
	}
	return o.billing
}
