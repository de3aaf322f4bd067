package sandbox

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
)

// events subscribes one receiver to every scope (store/*), runs act, waits
// until every delivery the actions caused has been made, and returns the
// deliveries by scope.
func events(t *testing.T, c *client, act func()) map[string][]obj {
	t.Helper()
	rc := newReceiver(t)
	must[envelope[obj]](t, c.do("POST", "/v3/hooks", obj{"scope": "store/*", "destination": rc.srv.URL}), 200)
	act()
	c.srv.Store.delivery.wg.Wait() // every event is enqueued before its API answer
	rc.mu.Lock()
	defer rc.mu.Unlock()
	out := map[string][]obj{}
	for _, r := range rc.got {
		var data obj
		if err := json.Unmarshal(r.body.Data, &data); err != nil {
			t.Fatalf("%s: data %s: %v", r.body.Scope, r.body.Data, err)
		}
		out[r.body.Scope] = append(out[r.body.Scope], data)
	}
	return out
}

func scopes(got map[string][]obj) []string {
	var out []string
	for s := range got {
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

func TestInventoryEventsFollowTheTrackingLevel(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Orders: 1, Products: 1, Customers: 1})
	sizes := []obj{{"option_values": []obj{{"option_display_name": "Size", "label": "S"}}, "sku": "EV-S", "inventory_level": 5},
		{"option_values": []obj{{"option_display_name": "Size", "label": "M"}}, "sku": "EV-M", "inventory_level": 7}}
	var byVariant productJSON
	got := events(t, c, func() {
		byVariant = must[envelope[productJSON]](t, c.do("POST", "/v3/catalog/products", obj{"name": "Eventful", "type": "physical",
			"weight": 1, "price": 3, "inventory_tracking": "variant", "variants": sizes}), 200).Data
	})
	if len(got["store/sku/created"]) != 2 || len(got["store/product/created"]) != 1 {
		t.Errorf("creating a product with two variants fired %v", scopes(got))
	}
	v := byVariant.Variants[0]
	var skuID int
	for _, d := range got["store/sku/created"] {
		sku := d["sku"].(obj)
		if d["type"] != "sku" || num(sku["product_id"]) != byVariant.ID {
			t.Errorf("store/sku/created data = %v", d)
		}
		if num(sku["variant_id"]) == v.ID {
			skuID = num(d["id"])
		}
	}
	vr := must[envelope[obj]](t, c.get(fmt.Sprintf("/v3/catalog/products/%d/variants/%d", byVariant.ID, v.ID)), 200).Data
	if skuID == 0 || vr["sku_id"] == nil || num(vr["sku_id"]) != skuID {
		t.Errorf("the SKU event's id %d is not the variant's sku_id %v", skuID, vr["sku_id"])
	}

	got = events(t, c, func() {
		must[envelope[obj]](t, c.do("PUT", fmt.Sprintf("/v3/catalog/products/%d/variants/%d", byVariant.ID, v.ID), obj{"inventory_level": 9}), 200)
	})
	inv := got["store/sku/inventory/updated"]
	if len(inv) != 1 || len(got["store/product/inventory/updated"]) != 0 {
		t.Fatalf("a variant-tracked stock change fired %v", scopes(got))
	}
	if d, in := inv[0], inv[0]["inventory"].(obj); d["type"] != "sku" || num(d["id"]) != skuID || num(in["product_id"]) != byVariant.ID ||
		num(in["variant_id"]) != v.ID || in["method"] != "absolute" || num(in["value"]) != 9 {
		t.Errorf("store/sku/inventory/updated data = %v", d)
	}
	if len(got["store/sku/updated"]) != 1 {
		t.Errorf("a variant change fires store/sku/updated: %v", scopes(got))
	}

	got = events(t, c, func() {
		must[orderJSON](t, c.do("POST", "/v2/orders", obj{"billing_address": billing(), "products": []obj{{"product_id": byVariant.ID, "variant_id": v.ID, "quantity": 2}}}), 200)
	})
	ord := got["store/sku/inventory/order/updated"]
	if len(ord) != 1 || len(got["store/product/inventory/order/updated"]) != 0 {
		t.Fatalf("an order for a variant-tracked item fired %v", scopes(got))
	}
	if in := ord[0]["inventory"].(obj); ord[0]["type"] != "sku" || in["method"] != "relative" || num(in["value"]) != -2 || num(in["variant_id"]) != v.ID {
		t.Errorf("store/sku/inventory/order/updated data = %v", ord[0])
	}

	simple := must[envelope[productJSON]](t, c.do("POST", "/v3/catalog/products", obj{"name": "Plain", "type": "physical",
		"weight": 1, "price": 3, "sku": "PLAIN", "inventory_tracking": "product", "inventory_level": 4}), 200).Data
	got = events(t, c, func() {
		must[envelope[productJSON]](t, c.do("PUT", fmt.Sprintf("/v3/catalog/products/%d", simple.ID), obj{"inventory_level": 6}), 200)
		must[orderJSON](t, c.do("POST", "/v2/orders", obj{"billing_address": billing(), "products": []obj{{"product_id": simple.ID, "quantity": 1}}}), 200)
	})
	if len(got["store/product/inventory/updated"]) != 1 || len(got["store/product/inventory/order/updated"]) != 1 || len(got["store/sku/inventory/updated"]) != 0 {
		t.Fatalf("a product-tracked product fired %v", scopes(got))
	}
	if d := got["store/product/inventory/updated"][0]; d["type"] != "product" || num(d["id"]) != simple.ID || num(d["inventory"].(obj)["value"]) != 6 {
		t.Errorf("store/product/inventory/updated data = %v", d)
	}

	got = events(t, c, func() {
		c.do("DELETE", fmt.Sprintf("/v3/catalog/products/%d/variants/%d", byVariant.ID, v.ID), nil)
	})
	if d := got["store/sku/deleted"]; len(d) != 1 || num(d[0]["id"]) != skuID {
		t.Errorf("deleting a variant fired %v", got)
	}
}

func TestMetafieldEventsCreatedUpdatedDeleted(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Orders: 2, Products: 20, Customers: 1})
	pv := productWithOptions(t, c)
	owners := []struct {
		path, scope, resourceType string
		id                        int
	}{
		{"/v3/orders/101/metafields", "store/order/metafield/", "order", 101},
		{fmt.Sprintf("/v3/catalog/products/%d/variants/%d/metafields", pv.ID, pv.Variants[0].ID), "store/product/variant/metafield/", "variant", pv.Variants[0].ID},
		{fmt.Sprintf("/v3/catalog/products/%d/metafields", pv.ID), "store/product/metafield/", "product", pv.ID},
		{"/v3/customers/1/metafields", "", "customer", 1},
	}
	for _, o := range owners {
		got := events(t, c, func() {
			m := must[envelope[obj]](t, c.do("POST", o.path, obj{"namespace": "bigc", "key": "k", "value": "1", "permission_set": "app_only"}), 200).Data
			path := fmt.Sprintf("%s/%d", o.path, num(m["id"]))
			must[envelope[obj]](t, c.do("PUT", path, obj{"value": "2"}), 200)
			if r := c.do("DELETE", path, nil); r.status != 204 {
				t.Fatalf("DELETE %s = %d", path, r.status)
			}
		})
		for _, verb := range []string{"created", "updated", "deleted"} {
			generic := got["store/metafield/"+verb]
			if len(generic) != 1 || generic[0]["resource_type"] != o.resourceType || generic[0]["resource_id"] != fmt.Sprint(o.id) {
				t.Errorf("%s: store/metafield/%s = %v", o.resourceType, verb, generic)
			}
			if o.scope == "" {
				continue
			}
			own := got[o.scope+verb]
			if len(own) != 1 || own[0]["resource_id"] != fmt.Sprint(o.id) || own[0]["metafield_id"] == nil {
				t.Errorf("%s: %s%s = %v (all: %v)", o.resourceType, o.scope, verb, own, scopes(got))
			}
		}
		if len(got) != map[bool]int{true: 3, false: 6}[o.scope == ""] {
			t.Errorf("%s metafield events = %v", o.resourceType, scopes(got))
		}
	}
}

func TestShipmentEventsCreatedUpdatedDeleted(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Orders: 1, Products: 5, Customers: 1})
	o := must[orderJSON](t, c.do("POST", "/v2/orders", obj{"billing_address": billing(), "products": []obj{{"product_id": c.srv.Store.ProductIDs()[0], "quantity": 1}}}), 200)
	base := fmt.Sprintf("/v2/orders/%d", o.ID)
	addr := num(must[[]obj](t, c.get(base+"/shipping_addresses"), 200)[0]["id"])
	line := must[[]lineJSON](t, c.get(base+"/products"), 200)[0].ID
	got := events(t, c, func() {
		sh := must[obj](t, c.do("POST", base+"/shipments", obj{"order_address_id": addr, "items": []obj{{"order_product_id": line, "quantity": 1}}}), 201)
		path := fmt.Sprintf("%s/shipments/%d", base, num(sh["id"]))
		must[obj](t, c.do("PUT", path, obj{"tracking_number": "T2"}), 200)
		c.do("DELETE", path, nil)
	})
	for _, verb := range []string{"created", "updated", "deleted"} {
		d := got["store/shipment/"+verb]
		if len(d) != 1 || d[0]["type"] != "shipment" || num(d[0]["orderId"]) != o.ID || d[0]["id"] == nil {
			t.Errorf("store/shipment/%s = %v (all: %v)", verb, d, scopes(got))
		}
	}
}
