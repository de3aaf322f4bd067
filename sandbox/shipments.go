package sandbox

import (
	"fmt"
	"slices"
	"strings"
)

// V2 order shipments (/v2/orders/{id}/shipments). A shipment exists only
// when it was created (or, for a seeded order, when the seed shipped some
// of its items): setting an order's status to Shipped ships nothing.
// Creating a shipment ships its items (quantity_shipped, items_shipped) and
// moves the order to Shipped when every item has shipped, else to
// Partially Shipped; deleting one puts its items back to unshipped and
// leaves the status as it is (BigCommerce's docs say nothing of a status
// move on delete).

// shipments are the order's shipments: recorded ones, or for a seeded order
// whose items the seed shipped, the one shipment that shipped them.
func (s *Store) shipments(o *order) []*shipment {
	if o.extra != nil && o.extra.shipmentsSet {
		return o.extra.shipments
	}
	var items []shipmentItem
	for _, l := range o.lines {
		if l.qtyShipped > 0 {
			items = append(items, shipmentItem{OrderProductID: l.id, ProductID: l.productID, Quantity: l.qtyShipped})
		}
	}
	if len(items) == 0 {
		return nil
	}
	shipped := o.shipped
	if shipped == 0 {
		shipped = o.modified
	}
	return []*shipment{{ID: o.id, OrderID: o.id, CustomerID: o.customerID, OrderAddressID: o.shippingAddrID,
		DateCreated: v2Date(shipped), TrackingNumber: fmt.Sprintf("1Z%08d", o.id), ShippingMethod: "Flat Rate",
		ShippingProvider: "ups", TrackingCarrier: "ups", BillingAddress: o.billing, ShippingAddress: o.shippingAddress(), Items: items}}
}

// shipWhole ships every unshipped item of a live order in one shipment, as
// the merchant of a live store does before the order reads Shipped. The
// shipment is derived (id the order's, like a seeded order's) so that a
// slot makes the same shipment in every process; an order whose shipments
// were changed through the API is left to them. The caller holds s.mu.
func (s *Store) shipWhole(o *order, at int64) {
	if o.extra != nil && o.extra.shipmentsSet {
		return
	}
	for i := range o.lines {
		o.lines[i].qtyShipped = o.lines[i].qty
	}
	if o.shipped == 0 {
		o.shipped = at
	}
	s.emitShipment("created", o.id, o.id)
}

// ownShipments makes the seeded shipments real records before a change.
func (s *Store) ownShipments(o *order) *orderExtra {
	if o.extra == nil || !o.extra.shipmentsSet {
		list := s.shipments(o)
		e := o.ext()
		e.shipments, e.shipmentsSet = list, true
	}
	return o.extra
}

// listShipments serves GET /v2/orders/{id}/shipments (204 when none).
func (s *Store) listShipments(c *call) {
	if o := c.orderOr404(); o != nil {
		v2Page(c, s.shipments(o))
	}
}

// countShipments serves GET /v2/orders/{id}/shipments/count.
func (s *Store) countShipments(c *call) {
	if o := c.orderOr404(); o != nil {
		c.json(200, map[string]int{"count": len(s.shipments(o))})
	}
}

func (c *call) shipmentOr404() (*order, *shipment) {
	o := c.orderOr404()
	if o == nil {
		return nil, nil
	}
	for _, sh := range c.s.shipments(o) {
		if sh.ID == c.id(1) {
			return o, sh
		}
	}
	c.notFound()
	return nil, nil
}

// getShipment serves GET /v2/orders/{id}/shipments/{id}.
func (s *Store) getShipment(c *call) {
	if _, sh := c.shipmentOr404(); sh != nil {
		c.json(200, sh)
	}
}

// shippingProviders are the shipping_provider values the V2 spec lists,
// besides "" and carrier_{id} for a third-party shipping provider.
var shippingProviders = []string{"auspost", "canadapost", "endicia", "usps", "fedex", "royalmail", "ups", "upsready", "shipperhq"}

// checkProvider refuses a shipping_provider the spec does not list.
func checkProvider(in *shipmentInput, errs map[string]string) {
	if p := in.ShippingProvider; p != nil && *p != "" && !slices.Contains(shippingProviders, *p) && !strings.HasPrefix(*p, "carrier_") {
		errs["shipping_provider"] = fmt.Sprintf("The field 'shipping_provider' is invalid: %q is not one of %s or carrier_{id}.", *p, strings.Join(shippingProviders, ", "))
	}
}

type shipmentInput struct {
	OrderAddressID   *int           `json:"order_address_id"`
	TrackingNumber   *string        `json:"tracking_number"`
	ShippingMethod   *string        `json:"shipping_method"`
	ShippingProvider *string        `json:"shipping_provider"`
	TrackingCarrier  *string        `json:"tracking_carrier"`
	Comments         *string        `json:"comments"`
	Items            []shipmentItem `json:"items"`
}

// createShipment serves POST /v2/orders/{id}/shipments (201): it ships the
// items and moves the order to Shipped or Partially Shipped.
func (s *Store) createShipment(c *call) {
	o := c.orderOr404()
	var in shipmentInput
	if o == nil || !c.decode(&in) {
		return
	}
	errs := map[string]string{}
	if in.OrderAddressID == nil {
		errs["order_address_id"] = requiredV2("order_address_id")
	} else if *in.OrderAddressID != o.shippingAddrID {
		errs["order_address_id"] = fmt.Sprintf("The field 'order_address_id' is invalid: the order's address is %d.", o.shippingAddrID)
	}
	if len(in.Items) == 0 {
		errs["items"] = requiredV2("items")
	}
	checkProvider(&in, errs)
	asked := map[int]int{} // order product id -> quantity asked by earlier items
	for i, it := range in.Items {
		idx := slices.IndexFunc(o.lines, func(l orderLine) bool { return l.id == it.OrderProductID })
		asked[it.OrderProductID] += it.Quantity
		if idx < 0 || it.Quantity < 1 || o.lines[idx].qtyShipped+asked[it.OrderProductID] > o.lines[idx].qty {
			errs[fmt.Sprintf("items[%d]", i)] = fmt.Sprintf("The field 'items' is invalid: order product %d cannot ship %d more.", it.OrderProductID, it.Quantity)
		}
	}
	if len(errs) > 0 {
		c.invalid("Invalid shipment", errs)
		return
	}
	sh := s.addShipment(o, &in)
	c.json(201, sh)
}

func (s *Store) addShipment(o *order, in *shipmentInput) *shipment {
	e := s.ownShipments(o)
	s.ids.shipment++
	now := s.now().Unix()
	sh := &shipment{ID: s.ids.shipment, OrderID: o.id, CustomerID: o.customerID, OrderAddressID: o.shippingAddrID,
		DateCreated: v2Date(now), BillingAddress: o.billing, ShippingAddress: o.shippingAddress()}
	applyShipment(sh, in)
	for _, it := range in.Items {
		for i := range o.lines {
			if o.lines[i].id == it.OrderProductID {
				o.lines[i].qtyShipped += it.Quantity
				sh.Items = append(sh.Items, shipmentItem{OrderProductID: it.OrderProductID, ProductID: o.lines[i].productID, Quantity: it.Quantity})
			}
		}
	}
	e.shipments = append(e.shipments, sh)
	if o.shipped == 0 {
		o.shipped = now
	}
	items, shipped := o.itemsTotal()
	status := 3
	if shipped >= items {
		status = 2
	}
	s.updateOrder(o, &orderUpdate{StatusID: &status}, now)
	s.emitShipment("created", sh.ID, o.id)
	return sh
}

func applyShipment(sh *shipment, in *shipmentInput) {
	setIf(&sh.TrackingNumber, in.TrackingNumber)
	setIf(&sh.ShippingMethod, in.ShippingMethod)
	setIf(&sh.ShippingProvider, in.ShippingProvider)
	setIf(&sh.TrackingCarrier, in.TrackingCarrier)
	setIf(&sh.Comments, in.Comments)
}

// updateShipment serves PUT /v2/orders/{id}/shipments/{id}: tracking,
// carrier, method and comments change; the items shipped do not.
func (s *Store) updateShipment(c *call) {
	o, sh := c.shipmentOr404()
	var in shipmentInput
	if sh == nil || !c.decode(&in) {
		return
	}
	errs := map[string]string{}
	if in.Items != nil {
		errs["items"] = "The field 'items' cannot be changed: delete the shipment and create another."
	}
	if checkProvider(&in, errs); len(errs) > 0 {
		c.invalid("Invalid shipment", errs)
		return
	}
	s.ownShipments(o)
	_, sh = c.shipmentOr404()
	applyShipment(sh, &in)
	s.ord.touch(o, s.now().Unix())
	s.emitShipment("updated", sh.ID, o.id)
	c.json(200, sh)
}

// deleteShipment serves DELETE /v2/orders/{id}/shipments/{id}.
func (s *Store) deleteShipment(c *call) {
	o, sh := c.shipmentOr404()
	if sh == nil {
		return
	}
	s.removeShipments(o, func(x *shipment) bool { return x.ID == sh.ID })
	c.noContent()
}

// deleteAllShipments serves DELETE /v2/orders/{id}/shipments.
func (s *Store) deleteAllShipments(c *call) {
	if o := c.orderOr404(); o != nil {
		s.removeShipments(o, func(*shipment) bool { return true })
		c.noContent()
	}
}

// removeShipments deletes o's shipments that match, unships their items
// and fires store/shipment/deleted for each.
func (s *Store) removeShipments(o *order, match func(*shipment) bool) {
	e := s.ownShipments(o)
	var gone []*shipment
	e.shipments = slices.DeleteFunc(e.shipments, func(x *shipment) bool {
		if match(x) {
			gone = append(gone, x)
			return true
		}
		return false
	})
	if len(gone) == 0 {
		return
	}
	for _, sh := range gone {
		for _, it := range sh.Items {
			for i := range o.lines {
				if o.lines[i].id == it.OrderProductID {
					o.lines[i].qtyShipped = max(0, o.lines[i].qtyShipped-it.Quantity)
				}
			}
		}
	}
	s.ord.touch(o, s.now().Unix())
	for _, sh := range gone {
		s.emitShipment("deleted", sh.ID, o.id)
	}
}
