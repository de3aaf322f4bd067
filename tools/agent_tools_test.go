package tools

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/sandbox"
)

// Tests of the tools issue 12 added: create-order, list-shipments,
// create-shipment, update-customer and describe-endpoint.

// ordersOf counts the orders of a customer, read behind the tools' back.
func ordersOf(t *testing.T, h *harness, customerID int) []*bigcommerce.Order {
	t.Helper()
	os, _, err := h.full.Client.Orders.List(t.Context(), &bigcommerce.OrderListOptions{CustomerID: customerID, Limit: 250})
	if err != nil {
		t.Fatal(err)
	}
	return os
}

func TestCreateOrder(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{})
	tee := mustCall[CreateProductOutput](t, h, h.full, "create-product", shirt("Order Tee", "OT")).Product
	c := mustCall[CreateCustomerOutput](t, h, h.full, "create-customer", newCustomer("buyer@quay.example")).Customer

	t.Run("for a customer, by SKU", func(t *testing.T) {
		out := mustCall[CreateOrderOutput](t, h, h.full, "create-order", in{"customer_id": c.ID, "status": "Awaiting Fulfillment",
			"lines": []in{{"sku": "OT-L", "quantity": 2}}})
		if out.Order.CustomerID != c.ID || out.Order.Status != "Awaiting Fulfillment" || out.Reconciled {
			t.Errorf("order %+v", out.Order)
		}
		lines, err := h.full.Client.Orders.Products(t.Context(), out.Order.ID)
		if err != nil || len(lines) != 1 || lines[0].SKU != "OT-L" || lines[0].Quantity != 2 {
			t.Errorf("lines %+v, %v", lines, err)
		}
	})
	t.Run("for a guest, by product id", func(t *testing.T) {
		ps, _, err := h.full.Client.Products.List(t.Context(), &bigcommerce.ProductListOptions{Include: []string{"variants"}, Limit: 250})
		if err != nil {
			t.Fatal(err)
		}
		var plain int
		for _, p := range ps {
			if len(p.Variants) == 1 {
				plain = p.ID
				break
			}
		}
		if plain == 0 {
			t.Fatal("the store has no product without options")
		}
		out := mustCall[CreateOrderOutput](t, h, h.full, "create-order", in{
			"billing_address": in{"first_name": "Gus", "last_name": "Guest", "email": "gus@guest.example"},
			"lines":           []in{{"product_id": plain, "quantity": 1}}})
		if out.Order.CustomerID != 0 || out.Order.BillingEmail != "gus@guest.example" {
			t.Errorf("guest order %+v", out.Order)
		}
	})
	t.Run("refused before anything is sent", func(t *testing.T) {
		before := len(ordersOf(t, h, c.ID))
		for _, tt := range []struct {
			input in
			field string
		}{
			{in{"lines": []in{{"sku": "OT-L", "quantity": 1}}}, "billing_address"},
			{in{"customer_id": c.ID, "lines": []in{{"product_id": tee.ID, "quantity": 1}}}, "lines[0].product_id"},
			{in{"customer_id": c.ID, "lines": []in{{"sku": "OT-L", "product_id": tee.ID, "quantity": 1}}}, "lines[0]"},
			{in{"customer_id": c.ID, "lines": []in{}}, "lines"},
			{in{"customer_id": c.ID, "status": "Teleported", "lines": []in{{"sku": "OT-L", "quantity": 1}}}, "status"},
		} {
			_, err := call[CreateOrderOutput](t, h, h.full, "create-order", tt.input)
			wantError(t, err, CategoryBadInput, tt.field)
		}
		if after := len(ordersOf(t, h, c.ID)); after != before {
			t.Errorf("refused calls made %d orders", after-before)
		}
	})
}

// TestCreateOrderLostAnswer: the order is made and the answer lost; the
// tool finds it and never makes a second one.
func TestCreateOrderLostAnswer(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{})
	c := mustCall[CreateCustomerOutput](t, h, h.full, "create-customer", newCustomer("lost-order@quay.example")).Customer
	mustCall[CreateProductOutput](t, h, h.full, "create-product", shirt("Lost Tee", "LT"))
	h.srv.Store.SetFaults(lostAnswers(t))
	out := mustCall[CreateOrderOutput](t, h, h.full, "create-order", in{"customer_id": c.ID, "lines": []in{{"sku": "LT-S", "quantity": 3}}})
	h.srv.Store.SetFaults(sandbox.Faults{})
	if !out.Reconciled || out.Order.ID == 0 {
		t.Errorf("got %+v reconciled=%v", out.Order, out.Reconciled)
	}
	if n := len(ordersOf(t, h, c.ID)); n != 1 {
		t.Errorf("the customer has %d orders, want exactly 1", n)
	}
	if s := h.srv.Store.Stats(); s.ConnectionsDropped == 0 {
		t.Error("the sandbox dropped no connection; the test did not lose an answer")
	}
}

func TestShipments(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{})
	c := mustCall[CreateCustomerOutput](t, h, h.full, "create-customer", newCustomer("ship@quay.example")).Customer
	mustCall[CreateProductOutput](t, h, h.full, "create-product", shirt("Ship Tee", "ST"))
	order := mustCall[CreateOrderOutput](t, h, h.full, "create-order", in{"customer_id": c.ID, "status": "Awaiting Fulfillment",
		"lines": []in{{"sku": "ST-S", "quantity": 2}, {"sku": "ST-L", "quantity": 1}}}).Order
	got := mustCall[GetOrderOutput](t, h, h.full, "get-order", in{"id": order.ID}).Order
	first := got.LineItems[0]

	if l := mustCall[ListShipmentsOutput](t, h, h.full, "list-shipments", in{"order_id": order.ID}); len(l.Items) != 0 {
		t.Errorf("a new order has shipments: %+v", l.Items)
	}
	_, err := call[CreateShipmentOutput](t, h, h.full, "create-shipment", in{"order_id": order.ID, "items": []in{{"line_item_id": first.ID, "quantity": 3}}})
	wantError(t, err, CategoryBadInput, "items[0].quantity")

	part := mustCall[CreateShipmentOutput](t, h, h.full, "create-shipment", in{"order_id": order.ID, "tracking_number": "1ZPART",
		"carrier": "ups", "items": []in{{"line_item_id": first.ID, "quantity": 1}}})
	if part.OrderStatus != "Partially Shipped" || part.Shipment.TrackingNumber != "1ZPART" {
		t.Errorf("partial shipment: %+v", part)
	}
	// The rest by default: one unit of the first line and the whole second.
	rest := mustCall[CreateShipmentOutput](t, h, h.full, "create-shipment", in{"order_id": order.ID, "tracking_number": "1ZREST", "carrier": "fedex"})
	units := 0
	for _, it := range rest.Shipment.Items {
		units += it.Quantity
	}
	if rest.OrderStatus != "Shipped" || units != 2 || len(rest.Shipment.Items) != 2 {
		t.Errorf("shipping the rest: %+v", rest)
	}
	_, err = call[CreateShipmentOutput](t, h, h.full, "create-shipment", in{"order_id": order.ID})
	wantError(t, err, CategoryConflict, "")
	l := mustCall[ListShipmentsOutput](t, h, h.full, "list-shipments", in{"order_id": order.ID})
	if len(l.Items) != 2 || l.Items[0].TrackingNumber != "1ZPART" || l.Next != nil {
		t.Errorf("list-shipments: %+v", l)
	}
	if p := mustCall[ListShipmentsOutput](t, h, h.full, "list-shipments", in{"order_id": order.ID, "limit": 1}); len(p.Items) != 1 || p.Next == nil || p.Next.Page != 2 {
		t.Errorf("list-shipments limit 1: %+v", p)
	}
}

// TestCreateShipmentLostAnswer: the shipment is made and the answer lost;
// it is found, never made twice.
func TestCreateShipmentLostAnswer(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{})
	c := mustCall[CreateCustomerOutput](t, h, h.full, "create-customer", newCustomer("lost-ship@quay.example")).Customer
	mustCall[CreateProductOutput](t, h, h.full, "create-product", shirt("Lost Ship Tee", "LST"))
	order := mustCall[CreateOrderOutput](t, h, h.full, "create-order", in{"customer_id": c.ID, "lines": []in{{"sku": "LST-S", "quantity": 1}}}).Order
	h.srv.Store.SetFaults(lostAnswers(t))
	out := mustCall[CreateShipmentOutput](t, h, h.full, "create-shipment", in{"order_id": order.ID, "tracking_number": "1ZLOST"})
	h.srv.Store.SetFaults(sandbox.Faults{})
	if !out.Reconciled || out.Shipment.TrackingNumber != "1ZLOST" {
		t.Errorf("got %+v", out)
	}
	if l, err := h.full.Client.Orders.Shipments(t.Context(), order.ID); err != nil || len(l) != 1 {
		t.Errorf("the order has %d shipments (%v), want 1", len(l), err)
	}
}

func TestUpdateCustomer(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{})
	ann := mustCall[CreateCustomerOutput](t, h, h.full, "create-customer", newCustomer("ann@quay.example")).Customer
	bob := mustCall[CreateCustomerOutput](t, h, h.full, "create-customer", newCustomer("bob@quay.example")).Customer

	out := mustCall[UpdateCustomerOutput](t, h, h.full, "update-customer", in{"id": ann.ID, "email": "ann.new@quay.example",
		"company": "New Co", "notes": "VIP", "customer_group_id": 0})
	if out.Customer.Email != "ann.new@quay.example" || out.Customer.Company != "New Co" || out.Customer.Notes != "VIP" ||
		strings.Join(out.Changed, ",") != "email,company,notes" {
		t.Errorf("update: %+v changed %v", out.Customer, out.Changed)
	}
	// Another customer's email, in any letter case, is a conflict naming them; nothing changes.
	_, err := call[UpdateCustomerOutput](t, h, h.full, "update-customer", in{"id": ann.ID, "email": "BOB@quay.example", "phone": "1"})
	if e := wantError(t, err, CategoryConflict, ""); e != nil && !strings.Contains(e.Message, fmt.Sprint(bob.ID)) {
		t.Errorf("the conflict does not name customer %d: %v", bob.ID, e)
	}
	c, _, _ := h.full.Client.Customers.Get(t.Context(), ann.ID)
	if c.Email != "ann.new@quay.example" || c.Phone == "1" {
		t.Errorf("a refused update changed the customer: %+v", c)
	}
	// The customer's own email in another case is no conflict; the same values change nothing.
	same := mustCall[UpdateCustomerOutput](t, h, h.full, "update-customer", in{"id": ann.ID, "company": "New Co"})
	if len(same.Changed) != 0 {
		t.Errorf("an update to the same values changed %v", same.Changed)
	}
	_, err = call[UpdateCustomerOutput](t, h, h.full, "update-customer", in{"id": ann.ID, "first_name": " "})
	wantError(t, err, CategoryBadInput, "first_name")
}

func TestDescribeEndpoint(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{})
	for _, topic := range EndpointTopics() {
		g := mustCall[DescribeEndpointOutput](t, h, h.full, "describe-endpoint", in{"topic": topic}).Guide
		b, _ := json.Marshal(g)
		if len(b) > MaxGuideBytes {
			t.Errorf("%s: %d bytes, over %d", topic, len(b), MaxGuideBytes)
		}
		if len(g.Steps) == 0 || len(g.Pitfalls) == 0 || g.Scope == "" {
			t.Errorf("%s: a guide needs steps, pitfalls and a scope: %+v", topic, g)
		}
		for _, st := range g.Steps {
			// Every path is one raw-api-request takes once its ids are filled in.
			path := strings.NewReplacer("{", "", "}", "").Replace(st.Path)
			if err := bigcommerce.CheckRawRequest(bigcommerce.RawRequest{Method: "GET", Path: path}); err != nil {
				t.Errorf("%s: %s %s: %v", topic, st.Method, st.Path, err)
			}
			if st.Body != nil && !json.Valid(st.Body) {
				t.Errorf("%s: %s %s: the body is not JSON", topic, st.Method, st.Path)
			}
			if (st.Method == "POST" || st.Method == "PUT") && len(st.Required) > 0 && st.Body == nil {
				t.Errorf("%s: %s %s has required fields but no minimal body", topic, st.Method, st.Path)
			}
			// A path of the guide leads back to its own topic.
			if got := mustCall[DescribeEndpointOutput](t, h, h.full, "describe-endpoint", in{"path": strings.ReplaceAll(st.Path, "{cartId}", "abc")}).Guide; got.Topic != topic {
				t.Errorf("path %s gives topic %s, want %s", st.Path, got.Topic, topic)
			}
		}
	}
	if g := mustCall[DescribeEndpointOutput](t, h, h.full, "describe-endpoint", in{"path": "/v3/carts/0c7e/items/9f1d?include=x"}).Guide; g.Topic != "carts" {
		t.Errorf("a concrete cart item path gives %s", g.Topic)
	}
	_, err := call[DescribeEndpointOutput](t, h, h.full, "describe-endpoint", in{"path": "/v3/frobnicators"})
	wantError(t, err, CategoryNotFound, "path")
	_, err = call[DescribeEndpointOutput](t, h, h.full, "describe-endpoint", in{})
	wantError(t, err, CategoryBadInput, "topic")
	_, err = call[DescribeEndpointOutput](t, h, h.full, "describe-endpoint", in{"topic": "teleports"})
	wantError(t, err, CategoryBadInput, "topic")
}
