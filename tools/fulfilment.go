package tools

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/bigc-dev/bigc/bigcommerce"
)

// Shipments of an order: /v2/orders/{id}/shipments. Creating one ships its
// lines, and BigCommerce moves the order to Shipped when every line has
// shipped, else to Partially Shipped.

// shipmentOut is a shipment as the tools answer it.
func shipmentOut(s *bigcommerce.Shipment) OrderShipmentOut {
	so := OrderShipmentOut{ID: s.ID, DateCreated: formatTime(s.DateCreated.Time), TrackingNumber: s.TrackingNumber,
		ShippingProvider: s.ShippingProvider, TrackingCarrier: s.TrackingCarrier, Items: []ShipmentItemOut{}}
	for _, it := range s.Items {
		if it != nil {
			so.Items = append(so.Items, ShipmentItemOut{LineItemID: it.OrderProductID, Quantity: it.Quantity})
		}
	}
	return so
}

// ---- list-shipments: GET /v2/orders/{id}/shipments

// ListShipmentsInput names an order and a page of its shipments.
type ListShipmentsInput struct {
	OrderID int `json:"order_id" bigc:"minimum=1"`
	Limit   int `json:"limit,omitempty" bigc:"minimum=1;maximum=250"`
	Page    int `json:"page,omitempty" bigc:"minimum=1"`
}

// ListShipmentsOutput is a page of an order's shipments.
type ListShipmentsOutput struct {
	Items []OrderShipmentOut `json:"items" jsonschema:"oldest first; empty when nothing has shipped"`
	Next  *NextPage          `json:"next" jsonschema:"null on the last page"`
	Hint  string             `json:"hint" jsonschema:"what to do next"`
}

func addListShipments(r *Registry) {
	add(r, Spec[ListShipmentsInput, ListShipmentsOutput]{
		Name:        "list-shipments",
		Title:       "List an order's shipments",
		Description: "An order's shipments: tracking number, carrier and the lines each shipped.",
		Annotations: Annotations{ReadOnly: true, Idempotent: true, OpenWorld: true},
		Handler: func(ctx context.Context, env *Env, in ListShipmentsInput) (ListShipmentsOutput, error) {
			out := ListShipmentsOutput{Items: []OrderShipmentOut{}}
			limit, page := pageArgs(env, in.Limit, in.Page)
			// An order has few shipments: the client reads them whole.
			list, err := env.Client.Orders.Shipments(ctx, in.OrderID)
			if err != nil {
				return out, apiError(err, findOrderHint)
			}
			start := min((page-1)*limit, len(list))
			for _, s := range list[start:min(start+limit, len(list))] {
				out.Items = append(out.Items, shipmentOut(s))
			}
			switch {
			case start+limit < len(list):
				out.Next = &NextPage{Page: page + 1}
				out.Hint = "more shipments: call again with next.page"
			case len(list) == 0:
				out.Hint = "nothing has shipped; create-shipment ships the order"
			default:
				out.Hint = "every shipment is listed; get-order shows what is left to ship"
			}
			return out, nil
		},
	})
}

// ---- create-shipment: POST /v2/orders/{id}/shipments

// CreateShipmentInput ships some or all of an order's lines.
type CreateShipmentInput struct {
	OrderID        int    `json:"order_id" bigc:"minimum=1"`
	TrackingNumber string `json:"tracking_number,omitempty" bigc:"maxLength=50"`
	Carrier        string `json:"carrier,omitempty" bigc:"enum=auspost|canadapost|endicia|usps|fedex|royalmail|ups|upsready|shipperhq"`
	Comments       string `json:"comments,omitempty" jsonschema:"staff only"`
	// Items default to every line's unshipped quantity.
	Items []ShipItem `json:"items,omitempty"`
}

// ShipItem is a line of the order and how many of it to ship.
type ShipItem struct {
	LineItemID int `json:"line_item_id" bigc:"minimum=1"`
	Quantity   int `json:"quantity" bigc:"minimum=1"`
}

// CreateShipmentOutput is the shipment and where the order now stands.
type CreateShipmentOutput struct {
	Shipment    OrderShipmentOut `json:"shipment"`
	OrderStatus string           `json:"order_status" jsonschema:"after the shipment, as the store set it"`
	Reconciled  bool             `json:"reconciled" jsonschema:"true: the answer was lost and the shipment found (created once)"`
}

func addCreateShipment(r *Registry) {
	add(r, Spec[CreateShipmentInput, CreateShipmentOutput]{
		Name:        "create-shipment",
		Title:       "Ship an order",
		Description: "Ship an order's lines, by default every unshipped one.",
		Annotations: Annotations{OpenWorld: true},
		Preview:     previewCreateShipment,
		Handler:     createShipment,
	})
}

// planShipment reads the order's lines and address and builds the request,
// changing nothing.
func planShipment(ctx context.Context, env *Env, in CreateShipmentInput) (*bigcommerce.ShipmentCreateRequest, error) {
	lines, err := env.Client.Orders.Products(ctx, in.OrderID)
	if err != nil {
		return nil, apiError(err, findOrderHint)
	}
	addrs, err := env.Client.Orders.ShippingAddresses(ctx, in.OrderID)
	if err != nil {
		return nil, apiError(err, findOrderHint)
	}
	if len(addrs) == 0 {
		return nil, &Error{Category: CategoryConflict, Message: fmt.Sprintf("order %d has no shipping address: nothing in it ships", in.OrderID)}
	}
	req := &bigcommerce.ShipmentCreateRequest{OrderAddressID: addrs[0].ID, TrackingNumber: strings.TrimSpace(in.TrackingNumber),
		ShippingProvider: in.Carrier, TrackingCarrier: in.Carrier, Comments: in.Comments}
	left := map[int]int{} // line id -> units not yet shipped
	for _, l := range lines {
		left[l.ID] = l.Quantity - l.QuantityShipped
	}
	if len(in.Items) == 0 {
		for _, l := range lines {
			if n := left[l.ID]; n > 0 {
				req.Items = append(req.Items, &bigcommerce.ShipmentItem{OrderProductID: l.ID, Quantity: n})
			}
		}
		if len(req.Items) == 0 {
			return nil, &Error{Category: CategoryConflict, Message: fmt.Sprintf("every line of order %d has shipped already", in.OrderID),
				Next: "call list-shipments to see them"}
		}
		return req, nil
	}
	for i, it := range in.Items {
		n, ok := left[it.LineItemID]
		switch {
		case !ok:
			return nil, BadInput(fmt.Sprintf("items[%d].line_item_id", i), "order %d has no line %d; get-order lists its lines", in.OrderID, it.LineItemID)
		case it.Quantity > n:
			return nil, BadInput(fmt.Sprintf("items[%d].quantity", i), "line %d has %d units left to ship, not %d", it.LineItemID, n, it.Quantity)
		}
		left[it.LineItemID] -= it.Quantity
		req.Items = append(req.Items, &bigcommerce.ShipmentItem{OrderProductID: it.LineItemID, Quantity: it.Quantity})
	}
	return req, nil
}

func previewCreateShipment(ctx context.Context, env *Env, in CreateShipmentInput) (string, error) {
	req, err := planShipment(ctx, env, in)
	if err != nil {
		return "", err
	}
	units := 0
	for _, it := range req.Items {
		units += it.Quantity
	}
	return fmt.Sprintf("would ship %d units on %d lines of order %d (tracking %q)", units, len(req.Items), in.OrderID, req.TrackingNumber), nil
}

func createShipment(ctx context.Context, env *Env, in CreateShipmentInput) (CreateShipmentOutput, error) {
	var out CreateShipmentOutput
	req, err := planShipment(ctx, env, in)
	if err != nil {
		return out, err
	}
	before, err := env.Client.Orders.Shipments(ctx, in.OrderID)
	if err != nil {
		return out, apiError(err, findOrderHint)
	}
	s, _, cerr := env.Client.Orders.CreateShipment(ctx, in.OrderID, req)
	if cerr != nil {
		if !errors.Is(cerr, bigcommerce.ErrOutcomeUnknown) {
			return out, apiError(cerr, findOrderHint)
		}
		if s, err = findNewShipment(ctx, env, in.OrderID, req, before); err != nil {
			return out, err
		}
		if s == nil {
			return out, withNext(cerr, "the answer was lost and the order has no such shipment, so none was made; call create-shipment again")
		}
		out.Reconciled = true
	}
	out.Shipment = shipmentOut(s)
	o, _, err := env.Client.Orders.Get(ctx, in.OrderID, nil)
	if err != nil {
		return out, withNext(err, fmt.Sprintf("shipment %d was made; call get-order with id=%d for the order's status", s.ID, in.OrderID))
	}
	out.OrderStatus = o.Status
	return out, nil
}

// findNewShipment finds a shipment of the order that was not there before
// and ships exactly req's items with req's tracking number.
func findNewShipment(ctx context.Context, env *Env, orderID int, req *bigcommerce.ShipmentCreateRequest, before []*bigcommerce.Shipment) (*bigcommerce.Shipment, error) {
	now, err := env.Client.Orders.Shipments(ctx, orderID)
	if err != nil {
		return nil, apiError(err, "")
	}
	key := func(items []*bigcommerce.ShipmentItem) []string {
		var k []string
		for _, it := range items {
			k = append(k, fmt.Sprintf("%d/%d", it.OrderProductID, it.Quantity))
		}
		slices.Sort(k)
		return k
	}
	want := key(req.Items)
	for _, s := range now {
		known := slices.ContainsFunc(before, func(b *bigcommerce.Shipment) bool { return b.ID == s.ID })
		if !known && s.TrackingNumber == req.TrackingNumber && slices.Equal(key(s.Items), want) {
			return s, nil
		}
	}
	return nil, nil
}
