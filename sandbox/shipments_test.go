package sandbox

import (
	"fmt"
	"testing"
	"time"
)

// shippingOrder creates an order of two lines (2 and 3 units) through the API.
func shippingOrder(t *testing.T, c *client) (base string, addrID int, lines []lineJSON) {
	t.Helper()
	ids := c.srv.Store.ProductIDs()
	var products []obj
	for _, id := range ids {
		if p, _ := c.srv.Store.Product(id); len(p.Variants) == 1 && len(products) < 2 {
			products = append(products, obj{"product_id": id, "quantity": 2 + len(products)})
		}
	}
	o := must[orderJSON](t, c.do("POST", "/v2/orders", obj{"billing_address": billing(), "products": products, "status_id": 11}), 200)
	base = fmt.Sprintf("/v2/orders/%d", o.ID)
	addrID = num(must[[]obj](t, c.get(base+"/shipping_addresses"), 200)[0]["id"])
	return base, addrID, must[[]lineJSON](t, c.get(base+"/products"), 200)
}

type shippedJSON struct {
	StatusID     int `json:"status_id"`
	ItemsTotal   int `json:"items_total"`
	ItemsShipped int `json:"items_shipped"`
}

// Issue 14 item 4: a status move to Shipped ships nothing.
func TestStatusShippedInventsNoShipment(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Orders: 5, Products: 20, Customers: 3})
	base, _, _ := shippingOrder(t, c)
	got := must[shippedJSON](t, c.do("PUT", base, obj{"status_id": 2}), 200)
	if got.StatusID != 2 || got.ItemsShipped != 0 {
		t.Errorf("after PUT status 2: %+v", got)
	}
	if r := c.get(base + "/shipments"); r.status != 204 {
		t.Errorf("shipments after a status move = %d %s, want 204 (none)", r.status, r.body)
	}
	if n := must[obj](t, c.get(base+"/shipments/count"), 200)["count"]; n != 0.0 {
		t.Errorf("count = %v, want 0", n)
	}
}

func TestShipmentsMoveStatusAndItemsShipped(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Orders: 5, Products: 20, Customers: 3})
	rc := newReceiver(t)
	must[envelope[obj]](t, c.do("POST", "/v3/hooks", obj{"scope": "store/shipment/*", "destination": rc.srv.URL}), 200)
	base, addrID, lines := shippingOrder(t, c)
	first := must[obj](t, c.do("POST", base+"/shipments", obj{"order_address_id": addrID, "tracking_number": "T1", "tracking_carrier": "ups",
		"items": []obj{{"order_product_id": lines[0].ID, "quantity": 2}, {"order_product_id": lines[1].ID, "quantity": 1}}}), 201)
	if got := must[shippedJSON](t, c.get(base), 200); got.StatusID != 3 || got.ItemsShipped != 3 || got.ItemsTotal != 5 {
		t.Errorf("after a partial shipment: %+v, want status 3 and 3 of 5 shipped", got)
	}
	if r := c.do("POST", base+"/shipments", obj{"order_address_id": addrID,
		"items": []obj{{"order_product_id": lines[1].ID, "quantity": 1}, {"order_product_id": lines[1].ID, "quantity": 2}}}); r.status != 400 {
		t.Errorf("shipping 3 more of a line with 2 left = %d, want 400", r.status)
	}
	if r := c.do("POST", base+"/shipments", obj{"order_address_id": addrID, "shipping_provider": "pigeon",
		"items": []obj{{"order_product_id": lines[1].ID, "quantity": 1}}}); r.status != 400 || !containsAll(string(r.body), "shipping_provider") {
		t.Errorf("unknown shipping_provider = %d %s, want 400 naming it", r.status, r.body)
	}
	second := must[obj](t, c.do("POST", base+"/shipments", obj{"order_address_id": addrID,
		"shipping_provider": "carrier_7", "items": []obj{{"order_product_id": lines[1].ID, "quantity": 2}}}), 201)
	if got := must[shippedJSON](t, c.get(base), 200); got.StatusID != 2 || got.ItemsShipped != 5 {
		t.Errorf("after shipping the rest: %+v, want status 2, 5 shipped", got)
	}
	firstID, secondID := num(first["id"]), num(second["id"])
	upd := must[obj](t, c.do("PUT", fmt.Sprintf("%s/shipments/%d", base, firstID), obj{"tracking_number": "T1-B"}), 200)
	if upd["tracking_number"] != "T1-B" || len(upd["items"].([]any)) != 2 {
		t.Errorf("updated shipment = %v", upd)
	}
	c.do("DELETE", fmt.Sprintf("%s/shipments/%d", base, secondID), nil)
	if got := must[shippedJSON](t, c.get(base), 200); got.ItemsShipped != 3 {
		t.Errorf("after deleting a shipment of 2: items_shipped %d, want 3", got.ItemsShipped)
	}
	if r := c.do("DELETE", base+"/shipments", nil); r.status != 204 {
		t.Errorf("DELETE all = %d", r.status)
	}
	if got := must[shippedJSON](t, c.get(base), 200); got.ItemsShipped != 0 {
		t.Errorf("after deleting every shipment: items_shipped %d, want 0", got.ItemsShipped)
	}
	// Deliveries are concurrent: count the scopes, in any order.
	got := map[string]int{}
	for range 5 {
		d := rc.next(t)
		got[d.body.Scope]++
		if !containsAll(string(d.body.Data), `"type":"shipment"`, `"orderId"`) {
			t.Errorf("delivery %s data = %s", d.body.Scope, d.body.Data)
		}
	}
	if got["store/shipment/created"] != 2 || got["store/shipment/updated"] != 1 || got["store/shipment/deleted"] != 2 {
		t.Errorf("deliveries = %v, want 2 created, 1 updated, 2 deleted", got)
	}
}

// A seeded order's shipment ships what the seed shipped, no more.
func TestSeededShipmentsMatchItemsShipped(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Orders: 80, Products: 10, Customers: 5})
	checked := 0
	for _, o := range must[[]struct {
		ID           int `json:"id"`
		StatusID     int `json:"status_id"`
		ItemsShipped int `json:"items_shipped"`
	}](t, c.get("/v2/orders?limit=80"), 200) {
		r := c.get(fmt.Sprintf("/v2/orders/%d/shipments", o.ID))
		if o.ItemsShipped == 0 {
			if r.status != 204 {
				t.Errorf("order %d ships nothing but lists shipments: %d %s", o.ID, r.status, r.body)
			}
			continue
		}
		sum := 0
		for _, sh := range must[[]struct {
			Items []shipmentItem `json:"items"`
		}](t, r, 200) {
			for _, it := range sh.Items {
				sum += it.Quantity
			}
		}
		if sum != o.ItemsShipped {
			t.Errorf("order %d (status %d): shipments carry %d items, items_shipped is %d", o.ID, o.StatusID, sum, o.ItemsShipped)
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("no seeded order has shipped items")
	}
}

// A live order the schedule moves to Shipped has shipped its items, in
// the same shipment in every process.
func TestLiveOrdersShipBeforeShipped(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 11, 26, 10, 0, 30, 0, time.UTC)
	opts := Options{Seed: 3, Products: 10, Customers: 5, Orders: 2, Live: 0.5}
	c := newClient(t, withClock(opts, newFakeClock(start)))
	shipped := 0
	for _, o := range must[[]struct {
		ID           int `json:"id"`
		StatusID     int `json:"status_id"`
		ItemsTotal   int `json:"items_total"`
		ItemsShipped int `json:"items_shipped"`
	}](t, c.get(fmt.Sprintf("/v2/orders?min_id=%d&status_id=2&limit=250", liveFirstOrderID)), 200) {
		shipped++
		if o.ItemsShipped != o.ItemsTotal {
			t.Errorf("live order %d reads Shipped with %d of %d items shipped", o.ID, o.ItemsShipped, o.ItemsTotal)
		}
		list := must[[]obj](t, c.get(fmt.Sprintf("/v2/orders/%d/shipments", o.ID)), 200)
		if len(list) != 1 || num(list[0]["id"]) != o.ID {
			t.Errorf("live order %d shipments = %v", o.ID, list)
		}
	}
	if shipped == 0 {
		t.Fatal("no live order reached Shipped in the backlog")
	}
	d := newClient(t, withClock(opts, newFakeClock(start)))
	path := fmt.Sprintf("/v2/orders/%d/shipments", lowestShipped(t, c))
	ra, rb := c.get(path), d.get(path)
	if string(ra.body) != string(rb.body) {
		t.Errorf("the same slot shipped differently:\n%s\n%s", ra.body, rb.body)
	}
}

func lowestShipped(t *testing.T, c *client) int {
	t.Helper()
	list := must[[]obj](t, c.get(fmt.Sprintf("/v2/orders?min_id=%d&status_id=2&limit=1", liveFirstOrderID)), 200)
	return num(list[0]["id"])
}
