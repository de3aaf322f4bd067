package sandbox

import "net/http"

// refundQuote is the answer of POST /v3/orders/{id}/payment_actions/refund_quotes:
// what refunding the items would return, its tax, and the ways the store
// could pay it back.
type refundQuote struct {
	OrderID              int               `json:"order_id"`
	TotalRefundAmount    decimal           `json:"total_refund_amount"`
	TotalRefundTaxAmount decimal           `json:"total_refund_tax_amount"`
	Rounding             decimal           `json:"rounding"`
	Adjustment           decimal           `json:"adjustment"`
	TaxInclusive         bool              `json:"tax_inclusive"`
	RefundMethods        [][]paymentOption `json:"refund_methods"`
}

// paymentOption is one payment of a refund method: a provider and the amount
// it would refund.
type paymentOption struct {
	ProviderID          string  `json:"provider_id"`
	ProviderDescription string  `json:"provider_description"`
	Amount              decimal `json:"amount"`
	Offline             bool    `json:"offline"`
	OfflineProvider     bool    `json:"offline_provider"`
	OfflineReason       string  `json:"offline_reason"`
}

// providerNames are the descriptions of the providers the sandbox's orders
// are paid with (gateways in payments.go).
var providerNames = map[string]string{
	"braintree": "Braintree", "paypalcommerce": "PayPal", "cod": "Cash on Delivery",
	"bankdeposit": "Bank Deposit", "custom": "Custom", "storecredit": "Store Credit",
}

// createRefundQuote serves POST /v3/orders/{id}/payment_actions/refund_quotes
// (201): it checks the items as a refund does and changes nothing. A PRODUCT
// item by quantity refunds its units with their tax (the sandbox's 10 %);
// every other item its amount, with no tax recalculated. A request for more
// than the order has left to refund is quoted at what is left, the
// difference in adjustment (negative). The refund methods are the order's
// own payment provider when it was paid, store credit for a customer (not a
// guest), and "custom", an offline refund recorded by hand.
func (s *Store) createRefundQuote(c *call) {
	o := c.orderOr404()
	var in struct {
		Items []refundItemInput `json:"items"`
	}
	if o == nil || !c.decode(&in) {
		return
	}
	errs := map[string]string{}
	s.checkRefundItems(o, in.Items, errs)
	if len(errs) > 0 {
		c.invalid("The refund quote is not valid", errs)
		return
	}
	lines := map[int]*orderLine{}
	for i := range o.lines {
		lines[o.lines[i].id] = &o.lines[i]
	}
	q := refundQuote{OrderID: o.id, TaxInclusive: true, RefundMethods: [][]paymentOption{}}
	for _, it := range in.Items {
		switch {
		case it.ItemType == "PRODUCT" && it.Quantity != nil:
			l, n := lines[it.ItemID], decimal(*it.Quantity)
			q.TotalRefundAmount += (l.price + l.unitTax()) * n
			q.TotalRefundTaxAmount += l.unitTax() * n
		case it.Amount != nil:
			q.TotalRefundAmount += *it.Amount
		}
	}
	if left := o.total - o.refunded; q.TotalRefundAmount > left {
		q.Adjustment = left - q.TotalRefundAmount
		q.TotalRefundAmount = left
	}
	option := func(provider string, offline bool) []paymentOption {
		p := paymentOption{ProviderID: provider, ProviderDescription: providerNames[provider], Amount: q.TotalRefundAmount, Offline: offline, OfflineProvider: offline}
		if offline {
			p.OfflineReason = "The provider takes no refunds online; record the refund once it is paid."
		}
		return []paymentOption{p}
	}
	seen := map[string]bool{}
	add := func(provider string, offline bool) {
		if !seen[provider] {
			seen[provider] = true
			q.RefundMethods = append(q.RefundMethods, option(provider, offline))
		}
	}
	if s.purchase(o) != nil {
		g := gateways[o.payment]
		add(g.provider, g.method == "offline" || g.method == "custom")
	}
	if o.customerID != 0 {
		add("storecredit", false)
	}
	add("custom", true)
	c.v3Data(http.StatusCreated, q)
}
