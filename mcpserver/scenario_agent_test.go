package mcpserver

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// Scenarios of the tools and the guide issue 12 added. They join the suite
// (scenarios()), so they run in memory on both protocols and through the
// bigc binary over stdio.

// guideStep finds the step of a guide answer with method and path, as an
// agent reads it: only what describe-endpoint said.
func guideStep(a *agent, guide map[string]any, method, path string) map[string]any {
	a.t.Helper()
	for _, st := range get(guide, "guide", "steps").([]any) {
		if get(st, "method") == method && get(st, "path") == path {
			return st.(map[string]any)
		}
	}
	a.t.Fatalf("the guide has no %s %s: %v", method, path, guide)
	return nil
}

// fillBody is the step's minimal body with its placeholders filled in.
func fillBody(a *agent, step map[string]any, values map[string]any) any {
	a.t.Helper()
	s := compactJSON(step["body"]) // unescaped, as a model reads it
	for k, v := range values {
		s = strings.ReplaceAll(s, `"`+k+`"`, fmt.Sprint(v))
	}
	if strings.Contains(s, `"<`) {
		a.t.Fatalf("a placeholder is left in %s", s)
	}
	var body any
	if err := json.Unmarshal([]byte(s), &body); err != nil {
		a.t.Fatal(err)
	}
	return body
}

func agentScenarios() []scenario {
	accept := func() *scriptedUser { return &scriptedUser{action: "accept", typed: firstQuoted} }
	return []scenario{
		{
			// The agent knows carts only from the guide: it reads the guide,
			// creates a cart, adds a line and reads the cart back, all through
			// raw-api-request, each write confirmed by the user.
			name:     "a cart from the endpoint guide",
			allowRaw: true,
			user:     accept,
			setup: func(f *fixture) (string, map[string]string) {
				return "Put two of a product without options in a new cart, one at a time, and tell me the cart's total.", map[string]string{}
			},
			run: func(a *agent, facts map[string]string, _ *scriptedUser) {
				guide := a.call("describe-endpoint", map[string]any{"topic": "carts"})
				var productID int
				for _, it := range get(a.call("list-products", map[string]any{"limit": 20, "fields": []string{"name"}}), "items").([]any) {
					id := num(a.t, get(it, "id"))
					if len(get(a.call("get-product", map[string]any{"id": id}), "product", "variants").([]any)) == 1 {
						productID = id
						break
					}
				}
				if productID == 0 {
					a.t.Fatal("no product without options among the first 20")
				}
				create := guideStep(a, guide, "POST", "/v3/carts")
				made := a.call(RawToolName, map[string]any{"method": "POST", "path": create["path"],
					"body": fillBody(a, create, map[string]any{"<product id>": productID})})
				cartID, _ := get(made, "body", "data", "id").(string)
				if cartID == "" {
					a.t.Fatalf("the cart create answered no data.id: %v", made)
				}
				add := guideStep(a, guide, "POST", "/v3/carts/{cartId}/items")
				a.call(RawToolName, map[string]any{"method": "POST", "path": strings.ReplaceAll(add["path"].(string), "{cartId}", cartID),
					"body": fillBody(a, add, map[string]any{"<product id>": productID})})
				read := guideStep(a, guide, "GET", "/v3/carts/{cartId}")
				cart := a.call(RawToolName, map[string]any{"method": "GET", "path": strings.ReplaceAll(read["path"].(string), "{cartId}", cartID)})
				lines := get(cart, "body", "data", "line_items", "physical_items").([]any)
				if len(lines) != 1 || num(a.t, get(lines[0], "quantity")) != 2 || num(a.t, get(lines[0], "product_id")) != productID {
					a.t.Errorf("the cart read back holds %v", lines)
				}
				facts["cart"], facts["product"] = cartID, fmt.Sprint(productID)
			},
			check: func(t testing.TB, f *fixture, facts map[string]string, u *scriptedUser) {
				var cart struct {
					Data struct {
						LineItems struct {
							PhysicalItems []struct {
								ProductID int `json:"product_id"`
								Quantity  int `json:"quantity"`
							} `json:"physical_items"`
						} `json:"line_items"`
					} `json:"data"`
				}
				f.api("GET", "/v3/carts/"+facts["cart"], nil, &cart)
				items := cart.Data.LineItems.PhysicalItems
				if len(items) != 1 || fmt.Sprint(items[0].ProductID) != facts["product"] || items[0].Quantity != 2 {
					t.Errorf("cart %s holds %+v, want 2 of product %s", facts["cart"], items, facts["product"])
				}
				if q := u.questions(); len(q) != 2 || f.writes() != 2 {
					t.Errorf("%d questions and %d writes; want the two raw POSTs, each confirmed", len(q), f.writes())
				}
			},
		},
		{
			// A new customer orders by SKU, the order ships with tracking,
			// the customer's phone is corrected: the new tools, no raw call.
			name: "order for a new customer, shipped and corrected",
			setup: func(f *fixture) (string, map[string]string) {
				var vs struct {
					Data []struct {
						SKU string `json:"sku"`
					} `json:"data"`
				}
				f.api("GET", "/v3/catalog/variants?limit=1", nil, &vs)
				return fmt.Sprintf("Create Grace Hopper (grace@example.com), order 2 of SKU %s for her, ship it with UPS tracking 1ZGRACE, "+
					"then fix her phone to +1 555 0199.", vs.Data[0].SKU), map[string]string{"sku": vs.Data[0].SKU}
			},
			run: func(a *agent, facts map[string]string, _ *scriptedUser) {
				c := a.call("create-customer", map[string]any{"email": "grace@example.com", "first_name": "Grace", "last_name": "Hopper"})
				cid := num(a.t, get(c, "customer", "id"))
				o := a.call("create-order", map[string]any{"customer_id": cid, "status": "Awaiting Fulfillment",
					"lines": []any{map[string]any{"sku": facts["sku"], "quantity": 2}}})
				oid := num(a.t, get(o, "order", "id"))
				s := a.call("create-shipment", map[string]any{"order_id": oid, "tracking_number": "1ZGRACE", "carrier": "ups"})
				if get(s, "order_status") != "Shipped" {
					a.t.Errorf("after shipping everything the order is %v", get(s, "order_status"))
				}
				if l := get(a.call("list-shipments", map[string]any{"order_id": oid}), "items").([]any); len(l) != 1 {
					a.t.Errorf("list-shipments: %v", l)
				}
				a.call("update-customer", map[string]any{"id": cid, "phone": "+1 555 0199"})
				facts["customer"], facts["order"] = fmt.Sprint(cid), fmt.Sprint(oid)
			},
			check: func(t testing.TB, f *fixture, facts map[string]string, _ *scriptedUser) {
				var c struct {
					Data []struct {
						Phone string `json:"phone"`
					} `json:"data"`
				}
				f.api("GET", "/v3/customers?id:in="+facts["customer"], nil, &c)
				var o struct {
					Status       string `json:"status"`
					CustomerID   int    `json:"customer_id"`
					ItemsShipped int    `json:"items_shipped"`
				}
				f.api("GET", "/v2/orders/"+facts["order"], nil, &o)
				if len(c.Data) != 1 || c.Data[0].Phone != "+1 555 0199" || o.Status != "Shipped" || o.ItemsShipped != 2 ||
					fmt.Sprint(o.CustomerID) != facts["customer"] {
					t.Errorf("customer %+v, order %+v", c.Data, o)
				}
			},
		},
	}
}
