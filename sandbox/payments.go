package sandbox

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strconv"
)

// V3 order transactions (/v3/orders/{id}/transactions) and refunds
// (/v3/orders/{id}/payment_actions/refunds, the store-wide
// /v3/orders/payment_actions/refunds with its order_id:in, id:in and
// created:min/max filters, and /v3/orders/payment_actions/refunds/{id}).
//
// A million orders must stay cheap, so the payments of seeded and live
// orders are derived from the order when read, never stored: an order whose
// payment was taken (payment_status captured, refunded or partially
// refunded) has one purchase transaction for its total, by its payment
// method's gateway, on its creation date; a declined one has a purchase in
// status error. A seeded order in status Refunded or Partially Refunded
// carries a refund of its refunded_amount (the whole order, or half of it),
// made a few days after the order, and a refund transaction for it. Orders
// created through POST /v2/orders have no transactions, as on BigCommerce
// (the payment happened elsewhere). Refunds created through the API are
// stored; each adds a refund transaction, raises refunded_amount and moves
// the order to Refunded or Partially Refunded, as BigCommerce does.

// paymentBook holds what cannot be derived: refunds made through the API
// and the orders created without a payment.
type paymentBook struct {
	refunds   []*refund         // made through the API, ascending id
	byOrder   map[int][]*refund // the same, per order
	unpaid    map[int]bool      // orders created through POST /v2/orders
	seededTop int               // orders with a smaller id are seeded
	refundTx  map[int]int       // refund id -> its transaction id
	nextID    int               // next refund id
	nextTx    int               // next transaction id for API refunds
}

// First ids of API-made refunds and their transactions, above every
// derived id (derived refunds take the order id, derived transactions
// 10 x order id + 0 or 1).
const (
	firstRefundID      = 900000000
	firstRefundTxID    = 9000000000
	refundDelayMaxDays = 7
)

func newPaymentBook(seededOrders int) paymentBook {
	return paymentBook{byOrder: map[int][]*refund{}, unpaid: map[int]bool{}, refundTx: map[int]int{},
		seededTop: firstOrderID + seededOrders, nextID: firstRefundID, nextTx: firstRefundTxID}
}

// seededRefund is the amount the seed refunds of an order in status o.status.
func seededRefund(o *order) decimal {
	switch o.status {
	case 4:
		return o.total
	case 14:
		return roundDecimal(o.total / 2)
	}
	return 0
}

type transaction struct {
	ID                     int            `json:"id"`
	OrderID                string         `json:"order_id"`
	Event                  string         `json:"event"`
	Method                 string         `json:"method"`
	Amount                 decimal        `json:"amount"`
	Currency               string         `json:"currency"`
	Gateway                string         `json:"gateway"`
	GatewayTransactionID   string         `json:"gateway_transaction_id"`
	PaymentMethodID        string         `json:"payment_method_id"`
	DateCreated            isoTime        `json:"date_created"`
	Test                   bool           `json:"test"`
	Status                 string         `json:"status"`
	FraudReview            bool           `json:"fraud_review"`
	ReferenceTransactionID *int           `json:"reference_transaction_id"`
	AVSResult              map[string]any `json:"avs_result"`
	CVVResult              map[string]any `json:"cvv_result"`
	CreditCard             *creditCard    `json:"credit_card"`
	Offline                *displayName   `json:"offline"`
	Custom                 *customPayment `json:"custom"`
}

type creditCard struct {
	CardType        string `json:"card_type"`
	CardIIN         string `json:"card_iin"`
	CardLast4       string `json:"card_last4"`
	CardExpiryMonth int    `json:"card_expiry_month"`
	CardExpiryYear  int    `json:"card_expiry_year"`
}

type displayName struct {
	DisplayName string `json:"display_name"`
}

type customPayment struct {
	PaymentMethod string `json:"payment_method"`
}

// gateways maps the sandbox's payment methods (paymentMethods) to the
// gateway, transaction method and provider id BigCommerce reports.
var gateways = []struct{ gateway, method, provider string }{
	{"braintree", "credit_card", "braintree"},
	{"paypalcommerce", "electronic_wallet", "paypalcommerce"},
	{"cod", "offline", "cod"},
	{"bankdeposit", "offline", "bankdeposit"},
	{"custom", "custom", "custom"},
	{"storecredit", "store_credit", "storecredit"},
}

// purchase is the transaction that paid for o, or nil.
func (s *Store) purchase(o *order) *transaction {
	if s.pay.unpaid[o.id] {
		return nil
	}
	status := "ok"
	switch paymentStatus(o.status) {
	case "pending":
		return nil
	case "declined":
		if o.status == 0 {
			return nil
		}
		status = "error"
	}
	g := gateways[o.payment]
	t := &transaction{ID: o.id * 10, OrderID: strconv.Itoa(o.id), Event: "purchase", Method: g.method, Amount: o.total, Currency: "USD",
		Gateway: g.gateway, GatewayTransactionID: fmt.Sprintf("%s-%d", g.gateway, o.id), PaymentMethodID: g.gateway,
		DateCreated: isoTime(o.created), Status: status, AVSResult: map[string]any{}, CVVResult: map[string]any{}}
	switch g.method {
	case "credit_card":
		t.CreditCard = &creditCard{CardType: "visa", CardIIN: "411111", CardLast4: fmt.Sprintf("%04d", o.id%10000), CardExpiryMonth: 1 + o.id%12, CardExpiryYear: 2029}
	case "offline":
		t.Offline = &displayName{paymentMethods[o.payment]}
	case "custom":
		t.Custom = &customPayment{paymentMethods[o.payment]}
	}
	return t
}

// refund is a V3 order refund.
type refund struct {
	ID                         int             `json:"id"`
	OrderID                    int             `json:"order_id"`
	UserID                     int             `json:"user_id"`
	Created                    isoTime         `json:"created"`
	Reason                     string          `json:"reason"`
	TotalAmount                decimal         `json:"total_amount"`
	TotalTax                   decimal         `json:"total_tax"`
	UsesMerchantOverrideValues bool            `json:"uses_merchant_override_values"`
	Payments                   []refundPayment `json:"payments"`
	Items                      []refundItem    `json:"items"`
}

type refundPayment struct {
	ID              int     `json:"id"`
	ProviderID      string  `json:"provider_id"`
	Amount          decimal `json:"amount"`
	Offline         bool    `json:"offline"`
	IsDeclined      bool    `json:"is_declined"`
	DeclinedMessage string  `json:"declined_message"`
}

// refundItem is one item of a refund. The refunds spec populates quantity
// only for PRODUCT items, so it is left out of the others, never null.
type refundItem struct {
	ItemType        string   `json:"item_type"`
	ItemID          int      `json:"item_id"`
	Quantity        *int     `json:"quantity,omitempty"`
	RequestedAmount *decimal `json:"requested_amount"`
	Reason          string   `json:"reason"`
}

// refundByID is a refund as GET /v3/orders/payment_actions/refunds/{id}
// answers it. The orders V3 spec gives that one operation its own schema
// (RefundID_Get), which types an item's requested_amount as a nullable
// string with two decimal places ("109.11"); every other refund answer uses
// the Refund schema, whose requested_amount is a number.
type refundByID struct {
	*refund
	Items []refundItemByID `json:"items"`
}

type refundItemByID struct {
	refundItem
	RequestedAmount *string `json:"requested_amount"`
}

func newRefundByID(r *refund) refundByID {
	out := refundByID{refund: r, Items: make([]refundItemByID, len(r.Items))}
	for i, it := range r.Items {
		out.Items[i].refundItem = it
		if it.RequestedAmount != nil {
			s := it.RequestedAmount.v2()
			out.Items[i].RequestedAmount = ptr(s[:len(s)-2])
		}
	}
	return out
}

// seededRefundOf is the refund the seed made of o, or nil: what
// refunded_amount holds beyond the refunds made through the API.
func (s *Store) seededRefundOf(o *order) *refund {
	amount, at, ok := s.seededRefundKey(o)
	if !ok {
		return nil
	}
	r := &refund{ID: o.id, OrderID: o.id, Created: isoTime(at), Reason: "Seeded refund", TotalAmount: amount,
		Payments: []refundPayment{{ID: o.id, ProviderID: gateways[o.payment].provider, Amount: amount, Offline: gateways[o.payment].method == "offline"}}}
	if amount == o.total {
		r.Reason = "Returned in full"
		r.TotalTax = o.tax
		for _, l := range o.lines {
			r.Items = append(r.Items, refundItem{ItemType: "PRODUCT", ItemID: l.id, Quantity: ptr(l.qty)})
		}
	} else {
		r.Items = []refundItem{{ItemType: "ORDER", ItemID: o.id, RequestedAmount: &amount, Reason: "Partial refund"}}
	}
	return r
}

// seededRefundKey is the amount and date of o's seeded refund, and whether
// it has one, without building it (the store-wide list scans every order).
func (s *Store) seededRefundKey(o *order) (decimal, int64, bool) {
	if o.refunded == 0 || o.id >= s.pay.seededTop {
		return 0, 0, false
	}
	amount := o.refunded
	for _, r := range s.pay.byOrder[o.id] {
		amount -= r.TotalAmount
	}
	at := min(o.created+86400*int64(1+o.id%refundDelayMaxDays), max(o.created, anchor.Unix()))
	return amount, at, amount > 0
}

// refundsOf lists o's refunds by id.
func (s *Store) refundsOf(o *order) []*refund {
	var out []*refund
	if r := s.seededRefundOf(o); r != nil {
		out = append(out, r)
	}
	return append(out, s.pay.byOrder[o.id]...)
}

// refundedQty is how many units of order line lineID o's refunds returned.
func (s *Store) refundedQty(o *order, lineID int) int {
	if o.refunded == 0 {
		return 0
	}
	n := 0
	for _, r := range s.refundsOf(o) {
		for _, it := range r.Items {
			if it.ItemType == "PRODUCT" && it.ItemID == lineID && it.Quantity != nil {
				n += *it.Quantity
			}
		}
	}
	return n
}

// transactionsOf lists o's transactions: the purchase, then one refund
// transaction per refund.
func (s *Store) transactionsOf(o *order) []*transaction {
	var out []*transaction
	p := s.purchase(o)
	if p != nil {
		out = append(out, p)
	}
	for _, r := range s.refundsOf(o) {
		id, ok := s.pay.refundTx[r.ID]
		if !ok {
			id = o.id*10 + 1
		}
		t := &transaction{ID: id, OrderID: strconv.Itoa(o.id), Event: "refund", Method: gateways[o.payment].method, Amount: r.TotalAmount, Currency: "USD",
			Gateway: gateways[o.payment].gateway, GatewayTransactionID: fmt.Sprintf("%s-refund-%d", gateways[o.payment].gateway, r.ID),
			PaymentMethodID: gateways[o.payment].gateway, DateCreated: r.Created, Status: "ok", AVSResult: map[string]any{}, CVVResult: map[string]any{}}
		if p != nil {
			t.ReferenceTransactionID = &p.ID
		}
		out = append(out, t)
	}
	return out
}

// listTransactions serves GET /v3/orders/{id}/transactions (204 when the
// order has none, as the spec says).
func (s *Store) listTransactions(c *call) {
	o := c.orderOr404()
	if o == nil {
		return
	}
	ts := s.transactionsOf(o)
	if len(ts) == 0 {
		c.noContent()
		return
	}
	v3List(c, ts)
}

// listOrderRefunds serves GET /v3/orders/{id}/payment_actions/refunds.
func (s *Store) listOrderRefunds(c *call) {
	if o := c.orderOr404(); o != nil {
		v3List(c, s.refundsOf(o))
	}
}

// listRefunds serves GET /v3/orders/payment_actions/refunds: every refund
// by id, with order_id:in, id:in and created:min/max.
func (s *Store) listRefunds(c *call) {
	orders, err := c.v3Num("order_id", intParser())
	var ids, created numFilter
	if err == nil {
		ids, err = c.v3Num("id", intParser())
	}
	if err == nil {
		created, err = c.v3Num("created", c.dateParser())
	}
	if err != nil {
		c.badFilter(err)
		return
	}
	// Seeded refunds take their order's id, below every refund made through
	// the API, so walking the orders and then the API's refunds lists them
	// by id; only the requested page's refunds are built.
	pg := c.paging()
	from, to := pg.offset(), pg.offset()+pg.limit
	var out []*refund
	total := 0
	take := func(id int, at isoTime, build func() *refund) {
		if ids.match(int64(id)) && created.match(int64(at)) {
			if total >= from && total < to {
				out = append(out, build())
			}
			total++
		}
	}
	lo, hi := s.ord.span(orders.lo, min(orders.hi, int64(s.pay.seededTop-1)))
	for _, o := range s.ord.orders[lo:hi] {
		if _, at, ok := s.seededRefundKey(o); ok && orders.match(int64(o.id)) {
			take(o.id, isoTime(at), func() *refund { return s.seededRefundOf(o) })
		}
	}
	for _, r := range s.pay.refunds {
		if orders.match(int64(r.OrderID)) {
			take(r.ID, r.Created, func() *refund { return r })
		}
	}
	c.v3Page(nonNil(out), pg, total, len(out))
}

// getRefund serves GET /v3/orders/payment_actions/refunds/{id}.
func (s *Store) getRefund(c *call) {
	id := c.id(0)
	if id < firstRefundID {
		if o := s.ord.get(id); o != nil {
			if r := s.seededRefundOf(o); r != nil {
				c.v3Data(http.StatusOK, newRefundByID(r))
				return
			}
		}
	}
	i, ok := slices.BinarySearchFunc(s.pay.refunds, id, func(r *refund, id int) int { return cmp.Compare(r.ID, id) })
	if !ok {
		c.notFound()
		return
	}
	c.v3Data(http.StatusOK, newRefundByID(s.pay.refunds[i]))
}

// refundInput is POST /v3/orders/{id}/payment_actions/refunds's body.
type refundInput struct {
	Items    []refundItemInput `json:"items"`
	Payments []struct {
		ProviderID string  `json:"provider_id"`
		Amount     decimal `json:"amount"`
		Offline    bool    `json:"offline"`
	} `json:"payments"`
}

// refundItemInput is one item of a refund or refund quote body.
type refundItemInput struct {
	ItemType string   `json:"item_type"`
	ItemID   int      `json:"item_id"`
	Quantity *int     `json:"quantity"`
	Amount   *decimal `json:"amount"`
	Reason   string   `json:"reason"`
}

// checkRefundItems checks a refund's or a quote's items against what o has
// left to refund: order lines (PRODUCT, by order product id and quantity or
// amount) and SHIPPING, ORDER, HANDLING, GIFT_WRAPPING or FEE by amount. It
// adds field errors ("items.N.field") to errs and returns the items as a
// refund records them.
func (s *Store) checkRefundItems(o *order, in []refundItemInput, errs map[string]string) []refundItem {
	if len(in) == 0 {
		errs["items"] = "The field 'items' is required: what is refunded (PRODUCT by order product id and quantity, SHIPPING or ORDER by amount)."
	}
	qtyLeft := map[int]int{}
	for _, l := range o.lines {
		qtyLeft[l.id] = l.qty
	}
	for _, r := range s.refundsOf(o) {
		for _, it := range r.Items {
			if it.ItemType == "PRODUCT" && it.Quantity != nil {
				qtyLeft[it.ItemID] -= *it.Quantity
			}
		}
	}
	items := make([]refundItem, 0, len(in))
	for i, it := range in {
		f := func(name string) string { return fmt.Sprintf("items.%d.%s", i, name) }
		switch it.ItemType {
		case "PRODUCT":
			left, ok := qtyLeft[it.ItemID]
			switch {
			case !ok:
				errs[f("item_id")] = fmt.Sprintf("Order product %d is not on order %d.", it.ItemID, o.id)
			case it.Quantity == nil && it.Amount == nil:
				errs[f("quantity")] = "Give quantity (or amount) for a PRODUCT item."
			case it.Quantity != nil && (*it.Quantity < 1 || *it.Quantity > left):
				errs[f("quantity")] = fmt.Sprintf("Order product %d has %d left to refund.", it.ItemID, left)
			}
			if it.Quantity != nil {
				qtyLeft[it.ItemID] -= *it.Quantity
			}
		case "SHIPPING", "ORDER", "HANDLING", "GIFT_WRAPPING", "FEE":
			if it.Amount == nil || *it.Amount <= 0 {
				errs[f("amount")] = fmt.Sprintf("Give a positive amount for a %s item.", it.ItemType)
			}
		default:
			errs[f("item_type")] = "The field 'item_type' must be one of PRODUCT, SHIPPING, ORDER, HANDLING, GIFT_WRAPPING, FEE."
		}
		items = append(items, refundItem{ItemType: it.ItemType, ItemID: it.ItemID, Quantity: it.Quantity, RequestedAmount: it.Amount, Reason: it.Reason})
	}
	return items
}

// createRefund serves POST /v3/orders/{id}/payment_actions/refunds (201):
// the items as checkRefundItems takes them; the payments' sum is the
// refund's total and may not exceed what is left to refund. Store credit
// cannot go to a guest (422, as the spec's example says).
func (s *Store) createRefund(c *call) {
	o := c.orderOr404()
	var in refundInput
	if o == nil || !c.decode(&in) {
		return
	}
	errs := map[string]string{}
	items := s.checkRefundItems(o, in.Items, errs)
	var total decimal
	for i, p := range in.Payments {
		if p.ProviderID == "" {
			errs[fmt.Sprintf("payments.%d.provider_id", i)] = "The field 'provider_id' is required."
		}
		if p.Amount <= 0 {
			errs[fmt.Sprintf("payments.%d.amount", i)] = "The field 'amount' must be positive."
		}
		total += p.Amount
	}
	if len(in.Payments) == 0 {
		errs["payments"] = "The field 'payments' is required: the provider_id and amount of each refund payment."
	} else if left := o.total - o.refunded; total > left {
		errs["payments"] = fmt.Sprintf("The payments refund %s; the order has %s left to refund.", total.v2(), left.v2())
	}
	if len(errs) > 0 {
		c.invalid("The refund is not valid", errs)
		return
	}
	for _, p := range in.Payments {
		if p.ProviderID == "storecredit" && o.customerID == 0 {
			c.fail(http.StatusUnprocessableEntity, "Unable to provide store credit for a guest customer.", nil)
			return
		}
	}
	r := &refund{ID: s.pay.nextID, OrderID: o.id, Created: isoTime(c.now.Unix()), TotalAmount: total, Items: items}
	s.pay.nextID++
	for i, p := range in.Payments {
		r.Payments = append(r.Payments, refundPayment{ID: r.ID*10 + i, ProviderID: p.ProviderID, Amount: p.Amount, Offline: p.Offline})
	}
	s.pay.refunds = append(s.pay.refunds, r)
	s.pay.byOrder[o.id] = append(s.pay.byOrder[o.id], r)
	s.pay.refundTx[r.ID] = s.pay.nextTx
	s.pay.nextTx++
	o.refunded += total
	status := 14
	if o.refunded >= o.total {
		status = 4
	}
	s.updateOrder(o, &orderUpdate{StatusID: &status}, c.now.Unix())
	s.emit("store/order/refund/created", "order", o.id, map[string]any{"refund": map[string]int{"refund_id": r.ID}})
	c.v3Data(http.StatusCreated, r)
}
