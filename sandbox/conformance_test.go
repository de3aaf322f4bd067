package sandbox

import (
	"encoding/json"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/jsonschema-go/jsonschema"
)

// conformanceCase is one request and the schema its answer must satisfy.
// The schemas under testdata/conformance are our own fragments, written from
// BigCommerce's OpenAPI specs (reference/catalog/*.yml, orders.v2.oas2.yml,
// customers.v3.yml, inventory.v3.yml, ...): the fields a client relies on, with
// their types and the spec's required lists, never a copy of the specs.
type conformanceCase struct {
	name, method, path string
	body               any
	status             int
	schema             string // file name under testdata/conformance, without .json
}

// TestConformance drives the sandbox's operations, success and error answers,
// and checks each body against our schema for that answer (issue 14).
func TestConformance(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Products: 6, Orders: 60, Customers: 3})
	pid := c.srv.Store.ProductIDs()[0]
	cid := c.srv.Store.CustomerIDs()[0]
	var orders []struct {
		ID int `json:"id"`
	}
	if err := json.Unmarshal(c.get("/v2/orders?limit=1").body, &orders); err != nil || len(orders) == 0 {
		t.Fatalf("listing orders: %v", err)
	}
	oid := orders[0].ID
	p, o := "/v3/catalog/products/"+strconv.Itoa(pid), "/v2/orders/"+strconv.Itoa(oid)

	schemas := conformanceSchemas{}
	cases := []conformanceCase{
		{"list products", "GET", "/v3/catalog/products", nil, 200, "v3_product_list"},
		{"get product", "GET", p, nil, 200, "v3_product"},
		{"get product with variants", "GET", p + "?include=variants,images", nil, 200, "v3_product"},
		{"create product", "POST", "/v3/catalog/products", obj{"name": "Conformance mug", "type": "physical", "weight": 1, "price": 9.5}, 200, "v3_product"},
		{"create product missing name", "POST", "/v3/catalog/products", obj{"type": "physical", "weight": 1, "price": 1}, 422, "v3_error"},
		{"product not found", "GET", "/v3/catalog/products/999999999", nil, 404, "v3_error"},
		{"products over limit", "GET", "/v3/catalog/products?limit=251", nil, 413, "v3_error"},
		{"list variants", "GET", p + "/variants", nil, 200, "v3_variant_list"},
		{"list all variants", "GET", "/v3/catalog/variants", nil, 200, "v3_variant_list"},
		{"list categories", "GET", "/v3/catalog/trees/categories", nil, 200, "v3_category_list"},
		{"list brands", "GET", "/v3/catalog/brands", nil, 200, "v3_brand_list"},
		{"list orders", "GET", "/v2/orders", nil, 200, "v2_order_list"},
		{"get order", "GET", o, nil, 200, "v2_order"},
		{"order products", "GET", o + "/products", nil, 200, "v2_order_product_list"},
		{"order shipping addresses", "GET", o + "/shipping_addresses", nil, 200, "v2_order_shipping_address_list"},
		{"order count", "GET", "/v2/orders/count", nil, 200, "v2_order_count"},
		{"order not found", "GET", "/v2/orders/999999999", nil, 404, "v2_error"},
		{"list customers", "GET", "/v3/customers", nil, 200, "v3_customer_list"},
		{"customers by id", "GET", "/v3/customers?id:in=" + strconv.Itoa(cid), nil, 200, "v3_customer_list"},
		{"create customer without email", "POST", "/v3/customers", []obj{{"first_name": "A", "last_name": "B"}}, 422, "v3_error"},
		{"inventory items", "GET", "/v3/inventory/items", nil, 200, "v3_inventory_item_list"},
		{"inventory items over limit", "GET", "/v3/inventory/items?limit=1001", nil, 413, "v3_error"},
		{"inventory locations", "GET", "/v3/inventory/locations", nil, 200, "v3_location_list"},
		{"list hooks", "GET", "/v3/hooks", nil, 200, "v3_hook_list"},
		{"create hook", "POST", "/v3/hooks", obj{"scope": "store/order/*", "destination": "https://example.com/hook", "is_active": true}, 200, "v3_hook"},
	}
	cases = append(cases, orderWriteCases(t, c, oid)...)
	covered := conformanceCoverage{}
	runConformance(t, c, schemas, cases, covered)
	for _, group := range []func(*testing.T, *client) []conformanceCase{
		catalogPartCases, metafieldCases, catalogWriteCases, customerCases, orderMoreCases,
		inventoryCases, cartCases, storeCases, errorShapeCases,
	} {
		runConformance(t, c, schemas, group(t, c), covered)
	}
	checkConformanceCoverage(t, c.srv.Store, covered)
	checkCoverageTable(t, c.srv.Store, covered)
}

// runConformance sends each case in order, checks its status and its body
// against the case's schema (no body at all when the schema is ""), and
// records the operation (method and route) each case exercised, and the
// answer checked, in covered.
func runConformance(t *testing.T, c *client, schemas conformanceSchemas, cases []conformanceCase, covered conformanceCoverage) {
	t.Helper()
	for _, tc := range cases {
		if rt, _ := c.srv.Store.router.match(strings.SplitN(tc.path, "?", 2)[0]); rt != nil {
			covered.add(tc.method+" "+rt.pattern, tc.status, tc.schema)
		} else {
			t.Errorf("%s: no route serves %s", tc.name, tc.path)
		}
		r := c.do(tc.method, tc.path, tc.body)
		if r.status != tc.status {
			t.Errorf("%s: %s %s = %d, want %d: %.300s", tc.name, tc.method, tc.path, r.status, tc.status, r.body)
			continue
		}
		if tc.schema == "" {
			if len(r.body) != 0 {
				t.Errorf("%s: %s %s answered %d with a body, want none: %.200s", tc.name, tc.method, tc.path, r.status, r.body)
			}
			continue
		}
		schemas.check(t, tc.name, tc.schema, r.body)
	}
}

// conformanceExceptions are the operations the router serves that no
// conformance case drives, each with the reason. Everything else must have a
// case, so that a new endpoint cannot skip the comparison.
var conformanceExceptions = map[string]string{}

// checkConformanceCoverage fails for every operation (method and route) the
// store's router serves that no case exercised and no exception names, and for
// an exception that names an operation the router no longer serves or that a
// case now covers.
func checkConformanceCoverage(t *testing.T, s *Store, covered conformanceCoverage) {
	t.Helper()
	served := map[string]bool{}
	for _, rt := range s.routeTable() {
		for m := range rt.methods {
			op := m + " " + rt.pattern
			served[op] = true
			_, excused := conformanceExceptions[op]
			if covered[op] == nil && !excused {
				t.Errorf("no conformance case covers %s: add one to TestConformance (or an exception with its reason)", op)
			}
			if covered[op] != nil && excused {
				t.Errorf("%s is covered by a case but still listed in conformanceExceptions", op)
			}
		}
	}
	for op := range conformanceExceptions {
		if !served[op] {
			t.Errorf("conformanceExceptions names %s, which the router does not serve", op)
		}
	}
}

// TestConformanceThrottled checks the 429 bodies of both API versions.
func TestConformanceThrottled(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Products: 1, Orders: 1})
	c.srv.Store.SetQuota(1, time.Hour)
	c.get("/v2/time")
	runConformance(t, c, conformanceSchemas{}, []conformanceCase{
		{"V3 throttled", "GET", "/v3/catalog/products", nil, 429, "v3_error"},
		{"V2 throttled", "GET", "/v2/orders", nil, 429, "v2_error"},
	}, conformanceCoverage{})
}

// orderWriteCases are the order sub-resources that need ids from the order:
// shipments, refunds, transactions; carts for a product; and the V2 error
// shapes of a refused write.
func orderWriteCases(t *testing.T, c *client, oid int) []conformanceCase {
	t.Helper()
	o := "/v2/orders/" + strconv.Itoa(oid)
	var lines []struct {
		ID             int `json:"id"`
		ProductID      int `json:"product_id"`
		VariantID      int `json:"variant_id"`
		Quantity       int `json:"quantity"`
		OrderAddressID int `json:"order_address_id"`
	}
	if err := json.Unmarshal(c.get(o+"/products").body, &lines); err != nil || len(lines) == 0 {
		t.Fatalf("order %d products: %v", oid, err)
	}
	l := lines[0]
	ship := obj{"order_address_id": l.OrderAddressID, "tracking_number": "TRK1", "shipping_provider": "ups", "items": []obj{{"order_product_id": l.ID, "quantity": 1}}}
	badShip := obj{"order_address_id": l.OrderAddressID, "shipping_provider": "pigeon", "items": []obj{{"order_product_id": l.ID, "quantity": 1}}}
	return []conformanceCase{
		{"create shipment", "POST", o + "/shipments", ship, 201, "v2_shipment"},
		{"list shipments", "GET", o + "/shipments", nil, 200, "v2_shipment_list"},
		{"count shipments", "GET", o + "/shipments/count", nil, 200, "v2_count"},
		{"shipment with unknown provider", "POST", o + "/shipments", badShip, 400, "v2_error"},
		{"shipment not found", "GET", o + "/shipments/999999", nil, 404, "v2_error"},
		{"order statuses", "GET", "/v2/order_statuses", nil, 200, "v2_order_status_list"},
		{"list refunds", "GET", "/v3/orders/payment_actions/refunds", nil, 200, "v3_refund_list"},
		{"order transactions", "GET", "/v3/orders/" + strconv.Itoa(oid) + "/transactions", nil, 200, "v3_transaction_list"},
		{"create cart", "POST", "/v3/carts", obj{"line_items": []obj{{"product_id": l.ProductID, "variant_id": l.VariantID, "quantity": 1}}}, 201, "v3_cart"},
		{"cart of unknown product", "POST", "/v3/carts", obj{"line_items": []obj{{"product_id": 999999999, "quantity": 1}}}, 422, "v3_error"},
		{"cart not found", "GET", "/v3/carts/00000000-0000-0000-0000-000000000000", nil, 404, "v3_error"},
		{"get brand", "GET", "/v3/catalog/brands/1", nil, 200, "v3_brand"},
		{"hook not found", "GET", "/v3/hooks/999999", nil, 404, "v3_error"},
		{"product with a taken sku", "POST", "/v3/catalog/products", obj{"name": "Conformance twin", "type": "physical", "weight": 1, "price": 1, "sku": "CONF-TWIN"}, 200, "v3_product"},
		{"product sku taken again", "POST", "/v3/catalog/products", obj{"name": "Conformance twin 2", "type": "physical", "weight": 1, "price": 1, "sku": "CONF-TWIN"}, 409, "v3_error"},
		{"order with unknown status", "PUT", o, obj{"status_id": 99}, 400, "v2_error"},
		{"V2 body of the wrong type", "PUT", o, "not an object", 400, "v2_error"},
		{"V3 body of the wrong type", "POST", "/v3/catalog/brands", "not an object", 422, "v3_error"},
	}
}

// conformanceSchemas holds the resolved schemas by name, each read once.
type conformanceSchemas map[string]*jsonschema.Resolved

// check validates body against testdata/conformance/name.json.
func (cs conformanceSchemas) check(t *testing.T, what, name string, body []byte) {
	t.Helper()
	rs, ok := cs[name]
	if !ok {
		raw, err := os.ReadFile(filepath.Join("testdata", "conformance", name+".json"))
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		var s jsonschema.Schema
		if err := json.Unmarshal(raw, &s); err != nil {
			t.Fatalf("%s: schema %s: %v", what, name, err)
		}
		if rs, err = s.Resolve(&jsonschema.ResolveOptions{BaseURI: "file:///conformance/" + name + ".json", Loader: loadConformanceSchema}); err != nil {
			t.Fatalf("%s: schema %s: %v", what, name, err)
		}
		cs[name] = rs
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Errorf("%s: body is not JSON: %v: %.200s", what, err, body)
		return
	}
	if err := rs.Validate(v); err != nil {
		t.Errorf("%s: answer does not conform to %s: %v\n%.600s", what, name, err, body)
	}
}

// loadConformanceSchema resolves a "$ref" to another file of ours.
func loadConformanceSchema(uri *url.URL) (*jsonschema.Schema, error) {
	raw, err := os.ReadFile(filepath.Join("testdata", "conformance", path.Base(uri.Path)))
	if err != nil {
		return nil, err
	}
	var s jsonschema.Schema
	return &s, json.Unmarshal(raw, &s)
}
