package sandbox

import (
	"bytes"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"testing"
	"time"
)

type refundJSON struct {
	ID          int     `json:"id"`
	OrderID     int     `json:"order_id"`
	Created     string  `json:"created"`
	TotalAmount float64 `json:"total_amount"`
	Items       []struct {
		ItemType string `json:"item_type"`
		ItemID   int    `json:"item_id"`
		Quantity *int   `json:"quantity"`
	} `json:"items"`
	Payments []struct {
		ProviderID string  `json:"provider_id"`
		Amount     float64 `json:"amount"`
	} `json:"payments"`
}

type transactionJSON struct {
	ID                     int     `json:"id"`
	OrderID                string  `json:"order_id"`
	Event                  string  `json:"event"`
	Amount                 float64 `json:"amount"`
	Gateway                string  `json:"gateway"`
	Status                 string  `json:"status"`
	ReferenceTransactionID *int    `json:"reference_transaction_id"`
}

type seededOrder struct {
	ID             int    `json:"id"`
	StatusID       int    `json:"status_id"`
	CustomerID     int    `json:"customer_id"`
	TotalIncTax    string `json:"total_inc_tax"`
	RefundedAmount string `json:"refunded_amount"`
	PaymentStatus  string `json:"payment_status"`
}

func money(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("money %q: %v", s, err)
	}
	return f
}

func TestSeededRefundsAndTransactions(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Orders: 200, Products: 10, Customers: 5})
	orders := must[[]seededOrder](t, c.get("/v2/orders?limit=200"), 200)
	refunded := 0
	for _, o := range orders {
		base := fmt.Sprintf("/v3/orders/%d", o.ID)
		refunds := must[envelope[[]refundJSON]](t, c.get(base+"/payment_actions/refunds"), 200).Data
		r := c.get(base + "/transactions")
		switch o.StatusID {
		case 4, 14:
			refunded++
			if len(refunds) != 1 || refunds[0].TotalAmount != money(t, o.RefundedAmount) || refunds[0].TotalAmount <= 0 {
				t.Fatalf("order %d (status %d, refunded %s): refunds %+v", o.ID, o.StatusID, o.RefundedAmount, refunds)
			}
			if o.StatusID == 4 && refunds[0].TotalAmount != money(t, o.TotalIncTax) {
				t.Errorf("fully refunded order %d: refund %v of total %s", o.ID, refunds[0].TotalAmount, o.TotalIncTax)
			}
			if o.StatusID == 4 {
				for _, l := range must[[]struct {
					Quantity         int  `json:"quantity"`
					QuantityRefunded int  `json:"quantity_refunded"`
					IsRefunded       bool `json:"is_refunded"`
				}](t, c.get(fmt.Sprintf("/v2/orders/%d/products", o.ID)), 200) {
					if l.QuantityRefunded != l.Quantity || !l.IsRefunded {
						t.Errorf("fully refunded order %d has line %+v", o.ID, l)
					}
				}
			}
			ts := must[envelope[[]transactionJSON]](t, r, 200).Data
			if len(ts) != 2 || ts[0].Event != "purchase" || ts[1].Event != "refund" || ts[1].ReferenceTransactionID == nil || *ts[1].ReferenceTransactionID != ts[0].ID {
				t.Errorf("order %d transactions = %+v", o.ID, ts)
			}
		case 1, 7, 0:
			if len(refunds) != 0 || r.status != 204 {
				t.Errorf("unpaid order %d (status %d): refunds %v, transactions %d %s", o.ID, o.StatusID, refunds, r.status, r.body)
			}
		default:
			if money(t, o.RefundedAmount) != 0 || len(refunds) != 0 {
				t.Errorf("order %d (status %d) refunded %s: %v", o.ID, o.StatusID, o.RefundedAmount, refunds)
			}
			ts := must[envelope[[]transactionJSON]](t, r, 200).Data
			if len(ts) != 1 || ts[0].OrderID != strconv.Itoa(o.ID) || ts[0].Amount != money(t, o.TotalIncTax) || ts[0].Gateway == "" {
				t.Errorf("order %d transactions = %+v, want one purchase of %s", o.ID, ts, o.TotalIncTax)
			}
		}
	}
	if refunded == 0 {
		t.Fatal("no seeded order is refunded")
	}
	all := must[envelope[[]refundJSON]](t, c.get("/v3/orders/payment_actions/refunds?limit=250"), 200)
	if all.Meta.Pagination.Total != refunded {
		t.Fatalf("store-wide refunds = %d, want %d", all.Meta.Pagination.Total, refunded)
	}
	mid := all.Data[len(all.Data)/2]
	later := must[envelope[[]refundJSON]](t, c.get("/v3/orders/payment_actions/refunds?limit=250&created:min="+url.QueryEscape(mid.Created)), 200).Data
	cut, _ := time.Parse(time.RFC3339, mid.Created)
	for _, r := range later {
		if at, _ := time.Parse(time.RFC3339, r.Created); at.Before(cut) {
			t.Errorf("created:min=%s returned refund %d created %s", mid.Created, r.ID, r.Created)
		}
	}
	if len(later) == 0 || len(later) == len(all.Data) && all.Data[0].Created != mid.Created {
		t.Errorf("created:min kept %d of %d refunds", len(later), len(all.Data))
	}
	one := must[envelope[[]refundJSON]](t, c.get(fmt.Sprintf("/v3/orders/payment_actions/refunds?order_id:in=%d", mid.OrderID)), 200).Data
	if len(one) != 1 || one[0].ID != mid.ID {
		t.Errorf("order_id:in = %+v", one)
	}
	got := must[envelope[refundJSON]](t, c.get(fmt.Sprintf("/v3/orders/payment_actions/refunds/%d", mid.ID)), 200).Data
	if got.OrderID != mid.OrderID || got.TotalAmount != mid.TotalAmount {
		t.Errorf("GET refund %d = %+v", mid.ID, got)
	}
}

func TestCreateRefundMovesStatus(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Orders: 5, Products: 20, Customers: 3})
	rc := newReceiver(t)
	must[envelope[obj]](t, c.do("POST", "/v3/hooks", obj{"scope": "store/order/refund/created", "destination": rc.srv.URL}), 200)
	o, err := c.srv.Store.CreateOrder(&OrderInput{CustomerID: ptr(1), StatusID: ptr(11), BillingAddress: &OrderAddress{FirstName: "R", Email: "r@example.com"},
		Products: []OrderProductInput{{ProductID: ptr(c.srv.Store.ProductIDs()[0]), Quantity: ptr(2), Name: ptr("x")}}})
	if err != nil {
		t.Fatal(err)
	}
	base := fmt.Sprintf("/v3/orders/%d", o.ID)
	view := must[seededOrder](t, c.get(fmt.Sprintf("/v2/orders/%d", o.ID)), 200)
	lines := must[[]lineJSON](t, c.get(fmt.Sprintf("/v2/orders/%d/products", o.ID)), 200)
	total := money(t, view.TotalIncTax)
	if r := c.do("POST", base+"/payment_actions/refunds", obj{"items": []obj{{"item_type": "PRODUCT", "item_id": lines[0].ID, "quantity": 3}},
		"payments": []obj{{"provider_id": "custom", "amount": 1}}}); r.status != 422 {
		t.Errorf("refunding 3 of 2 = %d, want 422", r.status)
	}
	if r := c.do("POST", base+"/payment_actions/refunds", obj{"items": []obj{{"item_type": "ORDER", "item_id": o.ID, "amount": total + 1}},
		"payments": []obj{{"provider_id": "custom", "amount": total + 1}}}); r.status != 422 {
		t.Errorf("refunding more than the total = %d, want 422", r.status)
	}
	first := must[envelope[refundJSON]](t, c.do("POST", base+"/payment_actions/refunds", obj{"items": []obj{{"item_type": "PRODUCT", "item_id": lines[0].ID, "quantity": 1}},
		"payments": []obj{{"provider_id": "custom", "amount": 10}}}), 201).Data
	if first.TotalAmount != 10 || first.OrderID != o.ID {
		t.Errorf("refund = %+v", first)
	}
	if v := must[seededOrder](t, c.get(fmt.Sprintf("/v2/orders/%d", o.ID)), 200); v.StatusID != 14 || money(t, v.RefundedAmount) != 10 {
		t.Errorf("after a partial refund: status %d refunded %s", v.StatusID, v.RefundedAmount)
	}
	if l := must[[]struct {
		QuantityRefunded int  `json:"quantity_refunded"`
		IsRefunded       bool `json:"is_refunded"`
	}](t, c.get(fmt.Sprintf("/v2/orders/%d/products", o.ID)), 200)[0]; l.QuantityRefunded != 1 || l.IsRefunded {
		t.Errorf("line after refunding 1 of 2 = %+v", l)
	}
	rest := total - 10
	must[envelope[refundJSON]](t, c.do("POST", base+"/payment_actions/refunds", obj{"items": []obj{{"item_type": "ORDER", "item_id": o.ID, "amount": rest}},
		"payments": []obj{{"provider_id": "custom", "amount": rest}}}), 201)
	if v := must[seededOrder](t, c.get(fmt.Sprintf("/v2/orders/%d", o.ID)), 200); v.StatusID != 4 {
		t.Errorf("after refunding the rest: status %d, want 4 (Refunded)", v.StatusID)
	}
	ts := must[envelope[[]transactionJSON]](t, c.get(base+"/transactions"), 200).Data
	if len(ts) != 3 || ts[1].Event != "refund" || ts[1].Amount != 10 {
		t.Errorf("transactions = %+v, want the purchase and two refunds", ts)
	}
	all := must[envelope[[]refundJSON]](t, c.get(fmt.Sprintf("/v3/orders/payment_actions/refunds?order_id:in=%d", o.ID)), 200).Data
	if len(all) != 2 || all[0].ID != first.ID {
		t.Errorf("store-wide refunds of the order = %+v", all)
	}
	// Two refunds, two events, delivered in either order.
	a, b := rc.next(t), rc.next(t)
	if !containsAll(string(a.body.Data)+string(b.body.Data), fmt.Sprintf(`"refund_id":%d`, first.ID), `"type":"order"`) {
		t.Errorf("refund events = %s %s, want one for refund %d", a.body.Data, b.body.Data, first.ID)
	}
	// An order created through POST /v2/orders was paid elsewhere.
	api := must[orderJSON](t, c.do("POST", "/v2/orders", obj{"billing_address": billing(), "status_id": 11,
		"products": []obj{{"name": "Custom", "quantity": 1, "price_ex_tax": 5}}}), 200)
	if r := c.get(fmt.Sprintf("/v3/orders/%d/transactions", api.ID)); r.status != 204 {
		t.Errorf("transactions of an API-created order = %d %s, want 204", r.status, r.body)
	}
	if r := c.readOnly().do("POST", base+"/payment_actions/refunds", obj{}); r.status != 403 {
		t.Errorf("read-only refund = %d, want 403", r.status)
	}
}

// TestRefundQuote: a quote prices the items as a refund would take them
// (units with their tax, other items by amount), caps a request at what is
// left to refund with the difference as a negative adjustment, offers the
// order's provider, store credit (a customer's order) and custom, and
// changes nothing.
func TestRefundQuote(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Orders: 5, Products: 20, Customers: 3})
	o, err := c.srv.Store.CreateOrder(&OrderInput{CustomerID: ptr(1), StatusID: ptr(11), BillingAddress: &OrderAddress{FirstName: "Q", Email: "q@example.com"},
		Products: []OrderProductInput{{ProductID: ptr(c.srv.Store.ProductIDs()[0]), Quantity: ptr(2), Name: ptr("x")}}})
	if err != nil {
		t.Fatal(err)
	}
	lines := must[[]struct {
		ID          int    `json:"id"`
		PriceIncTax string `json:"price_inc_tax"`
		PriceTax    string `json:"price_tax"`
	}](t, c.get(fmt.Sprintf("/v2/orders/%d/products", o.ID)), 200)
	before := must[seededOrder](t, c.get(fmt.Sprintf("/v2/orders/%d", o.ID)), 200)
	type quote struct {
		TotalRefundAmount    float64 `json:"total_refund_amount"`
		TotalRefundTaxAmount float64 `json:"total_refund_tax_amount"`
		Adjustment           float64 `json:"adjustment"`
		RefundMethods        [][]struct {
			ProviderID string  `json:"provider_id"`
			Amount     float64 `json:"amount"`
		} `json:"refund_methods"`
	}
	path := fmt.Sprintf("/v3/orders/%d/payment_actions/refund_quotes", o.ID)
	q := must[envelope[quote]](t, c.do("POST", path, obj{"items": []obj{{"item_type": "PRODUCT", "item_id": lines[0].ID, "quantity": 1}, {"item_type": "ORDER", "item_id": o.ID, "amount": 1.5}}}), 201).Data
	if want := money(t, lines[0].PriceIncTax) + 1.5; math.Abs(q.TotalRefundAmount-want) > 0.001 || q.TotalRefundTaxAmount != money(t, lines[0].PriceTax) || q.Adjustment != 0 {
		t.Errorf("quote = %+v, want total %v, tax %s, no adjustment", q, want, lines[0].PriceTax)
	}
	var providers []string
	for _, m := range q.RefundMethods {
		providers = append(providers, m[0].ProviderID)
		if m[0].Amount != q.TotalRefundAmount {
			t.Errorf("method %s refunds %v of %v", m[0].ProviderID, m[0].Amount, q.TotalRefundAmount)
		}
	}
	if !slices.Contains(providers, "storecredit") || !slices.Contains(providers, "custom") {
		t.Errorf("refund methods = %v, want store credit and custom among them", providers)
	}
	total := money(t, before.TotalIncTax)
	over := must[envelope[quote]](t, c.do("POST", path, obj{"items": []obj{{"item_type": "ORDER", "item_id": o.ID, "amount": total + 10}}}), 201).Data
	if over.TotalRefundAmount != total || math.Abs(over.Adjustment+10) > 0.001 {
		t.Errorf("quote over the total = %+v, want %v with adjustment -10", over, total)
	}
	if r := c.do("POST", path, obj{"items": []obj{{"item_type": "PRODUCT", "item_id": lines[0].ID, "quantity": 3}}}); r.status != 422 {
		t.Errorf("quoting 3 of 2 units = %d, want 422", r.status)
	}
	after := must[seededOrder](t, c.get(fmt.Sprintf("/v2/orders/%d", o.ID)), 200)
	if after.RefundedAmount != before.RefundedAmount || after.StatusID != before.StatusID {
		t.Errorf("a quote changed the order: %+v, was %+v", after, before)
	}
	if r := c.get(fmt.Sprintf("/v3/orders/%d/payment_actions/refunds", o.ID)); r.status == 200 && !bytes.Contains(r.body, []byte(`"data":[]`)) {
		t.Errorf("a quote made a refund: %s", r.body)
	}
}
