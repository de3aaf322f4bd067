package sandbox

import (
	"encoding/json"
	"strconv"
	"testing"
)

// This file holds TestConformance's cases beyond the first list, one
// function per group of endpoints. Each builds what its cases need through
// plain requests first (those are set-up, not cases), then lists the cases in
// the order they run: create, read, change, delete.

// createdID sends a setup request and returns the id of what it made: data.id
// of a V3 envelope, or id of a V2 object.
func createdID(t *testing.T, c *client, method, path string, body any, status int) int {
	t.Helper()
	r := c.do(method, path, body)
	if r.status != status {
		t.Fatalf("setup %s %s = %d, want %d: %.300s", method, path, r.status, status, r.body)
	}
	var v struct {
		ID   *int `json:"id"`
		Data json.RawMessage
	}
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("setup %s %s: %v", method, path, err)
	}
	if v.ID != nil {
		return *v.ID
	}
	var d struct {
		ID int `json:"id"`
	}
	var ds []struct {
		ID int `json:"id"`
	}
	if json.Unmarshal(v.Data, &d) == nil && d.ID != 0 {
		return d.ID
	}
	if json.Unmarshal(v.Data, &ds) == nil && len(ds) > 0 {
		return ds[0].ID
	}
	t.Fatalf("setup %s %s: no id in %.300s", method, path, r.body)
	return 0
}

func itoa(n int) string { return strconv.Itoa(n) }

// conformanceProduct creates a product with one option of two values and a
// variant for the first, and returns the product, option, value and variant ids.
func conformanceProduct(t *testing.T, c *client, name string) (pid, optID, valueID, variantID int) {
	t.Helper()
	pid = createdID(t, c, "POST", "/v3/catalog/products", obj{"name": name, "type": "physical", "weight": 1, "price": 5, "sku": name + "-SKU"}, 200)
	p := "/v3/catalog/products/" + itoa(pid)
	r := c.do("POST", p+"/options", obj{"display_name": "Size", "type": "rectangles", "option_values": []obj{{"label": "S", "sort_order": 0}, {"label": "M", "sort_order": 1}}})
	o := must[envelope[struct {
		ID           int `json:"id"`
		OptionValues []struct {
			ID int `json:"id"`
		} `json:"option_values"`
	}]](t, r, 200).Data
	optID, valueID = o.ID, o.OptionValues[0].ID
	variantID = createdID(t, c, "POST", p+"/variants", obj{"sku": name + "-S", "price": 6, "option_values": []obj{{"option_id": optID, "id": valueID}}}, 200)
	return pid, optID, valueID, variantID
}

// catalogPartCases covers a product's variants, options, images and custom fields.
func catalogPartCases(t *testing.T, c *client) []conformanceCase {
	pid, optID, _, _ := conformanceProduct(t, c, "CONF-PARTS")
	p := "/v3/catalog/products/" + itoa(pid)
	var values []struct {
		ID int `json:"id"`
	}
	r := must[envelope[struct {
		OptionValues json.RawMessage `json:"option_values"`
	}]](t, c.get(p+"/options/"+itoa(optID)), 200)
	if err := json.Unmarshal(r.Data.OptionValues, &values); err != nil || len(values) < 2 {
		t.Fatalf("option values: %v %s", err, r.Data.OptionValues)
	}
	vid := createdID(t, c, "POST", p+"/variants", obj{"sku": "CONF-PARTS-M", "option_values": []obj{{"option_id": optID, "id": values[1].ID}}}, 200)
	opt2 := createdID(t, c, "POST", p+"/options", obj{"display_name": "Colour", "type": "swatch", "option_values": []obj{{"label": "Red", "value_data": obj{"colors": []string{"#ff0000"}}}}}, 200)
	img := createdID(t, c, "POST", p+"/images", obj{"image_url": "https://example.com/a.png"}, 200)
	cf := createdID(t, c, "POST", p+"/custom-fields", obj{"name": "Material", "value": "Clay"}, 200)
	v, o, i, f := p+"/variants/"+itoa(vid), p+"/options/"+itoa(opt2), p+"/images/"+itoa(img), p+"/custom-fields/"+itoa(cf)
	return []conformanceCase{
		{"get variant", "GET", v, nil, 200, "v3_variant"},
		{"update variant", "PUT", v, obj{"price": 7.25, "inventory_level": 3}, 200, "v3_variant"},
		{"variant not found", "GET", p + "/variants/999999999", nil, 404, "v3_error"},
		{"create variant without options", "POST", p + "/variants", obj{"sku": "CONF-PARTS-X"}, 422, "v3_error"},
		{"list options", "GET", p + "/options", nil, 200, "v3_option_list"},
		{"get option", "GET", o, nil, 200, "v3_option"},
		{"create option", "POST", p + "/options", obj{"display_name": "Finish", "type": "dropdown", "option_values": []obj{{"label": "Matte"}}}, 200, "v3_option"},
		{"update option", "PUT", o, obj{"display_name": "Colour family"}, 200, "v3_option"},
		{"create option without values", "POST", p + "/options", obj{"display_name": "Empty", "type": "dropdown"}, 422, "v3_error"},
		{"list images", "GET", p + "/images", nil, 200, "v3_image_list"},
		{"get image", "GET", i, nil, 200, "v3_image"},
		{"create image", "POST", p + "/images", obj{"image_url": "https://example.com/b.png", "is_thumbnail": true}, 200, "v3_image"},
		{"update image", "PUT", i, obj{"description": "Side view", "sort_order": 2}, 200, "v3_image"},
		{"list custom fields", "GET", p + "/custom-fields", nil, 200, "v3_custom_field_list"},
		{"get custom field", "GET", f, nil, 200, "v3_custom_field"},
		{"create custom field", "POST", p + "/custom-fields", obj{"name": "Origin", "value": "Delft"}, 200, "v3_custom_field"},
		{"update custom field", "PUT", f, obj{"name": "Material", "value": "Porcelain"}, 200, "v3_custom_field"},
		{"custom field without value", "POST", p + "/custom-fields", obj{"name": "Empty"}, 422, "v3_error"},
		{"delete custom field", "DELETE", f, nil, 204, ""},
		{"delete image", "DELETE", i, nil, 204, ""},
		{"delete option", "DELETE", o, nil, 204, ""},
		{"delete variant", "DELETE", v, nil, 204, ""},
	}
}

// metafieldCases covers the metafield operations of every owner the sandbox
// models: products, variants, brands, categories, orders and customers.
func metafieldCases(t *testing.T, c *client) []conformanceCase {
	pid, _, _, variantID := conformanceProduct(t, c, "CONF-META")
	var orders []struct {
		ID int `json:"id"`
	}
	if err := json.Unmarshal(c.get("/v2/orders?limit=1").body, &orders); err != nil || len(orders) == 0 {
		t.Fatalf("listing orders: %v", err)
	}
	var cats envelope[[]struct {
		ID int `json:"category_id"`
	}]
	if err := json.Unmarshal(c.get("/v3/catalog/trees/categories?limit=1").body, &cats); err != nil || len(cats.Data) == 0 {
		t.Fatalf("listing categories: %v", err)
	}
	owners := []struct{ name, path string }{
		{"product", "/v3/catalog/products/" + itoa(pid)},
		{"variant", "/v3/catalog/products/" + itoa(pid) + "/variants/" + itoa(variantID)},
		{"brand", "/v3/catalog/brands/1"},
		{"category", "/v3/catalog/categories/" + itoa(cats.Data[0].ID)},
		{"order", "/v3/orders/" + itoa(orders[0].ID)},
		{"customer", "/v3/customers/" + itoa(c.srv.Store.CustomerIDs()[0])},
	}
	var cases []conformanceCase
	for _, o := range owners {
		m := o.path + "/metafields"
		id := createdID(t, c, "POST", m, obj{"namespace": "conformance", "key": "setup", "value": "1", "permission_set": "app_only"}, 200)
		one := m + "/" + itoa(id)
		cases = append(cases,
			conformanceCase{o.name + " metafields", "GET", m, nil, 200, "v3_metafield_list"},
			conformanceCase{"create " + o.name + " metafield", "POST", m, obj{"namespace": "conformance", "key": "made", "value": "x", "permission_set": "read", "description": "made by a case"}, 200, "v3_metafield"},
			conformanceCase{o.name + " metafield taken", "POST", m, obj{"namespace": "conformance", "key": "made", "value": "y", "permission_set": "read"}, 409, "v3_error"},
			conformanceCase{"get " + o.name + " metafield", "GET", one, nil, 200, "v3_metafield"},
			conformanceCase{"update " + o.name + " metafield", "PUT", one, obj{"value": "2"}, 200, "v3_metafield"},
			conformanceCase{"delete " + o.name + " metafield", "DELETE", one, nil, 204, ""},
		)
	}
	return cases
}

// catalogWriteCases covers product and variant writes (single and batch),
// category trees and tree categories, and brand writes.
func catalogWriteCases(t *testing.T, c *client) []conformanceCase {
	pid, _, _, variantID := conformanceProduct(t, c, "CONF-WRITE")
	gone := createdID(t, c, "POST", "/v3/catalog/products", obj{"name": "CONF-GONE", "type": "physical", "weight": 1, "price": 1}, 200)
	gone2 := createdID(t, c, "POST", "/v3/catalog/products", obj{"name": "CONF-GONE-2", "type": "physical", "weight": 1, "price": 1}, 200)
	brand := createdID(t, c, "POST", "/v3/catalog/brands", obj{"name": "Conformance brand"}, 200)
	tree := createdID(t, c, "PUT", "/v3/catalog/trees", []obj{{"name": "Conformance tree", "channels": []int{1}}}, 200)
	var made envelope[[]struct {
		ID int `json:"category_id"`
	}]
	r := c.do("POST", "/v3/catalog/trees/categories", []obj{{"name": "Conformance root", "tree_id": tree}, {"name": "Conformance doomed", "tree_id": tree}})
	if err := json.Unmarshal(r.body, &made); err != nil || len(made.Data) != 2 {
		t.Fatalf("setup categories = %d: %v %.300s", r.status, err, r.body)
	}
	p := "/v3/catalog/products/" + itoa(pid)
	root := made.Data[0].ID
	return []conformanceCase{
		{"update product", "PUT", p, obj{"price": 11.5, "is_featured": true}, 200, "v3_product"},
		{"update product with a bad type", "PUT", p, obj{"type": "liquid"}, 422, "v3_error"},
		{"batch update products", "PUT", "/v3/catalog/products", []obj{{"id": pid, "sale_price": 4.5}}, 200, "v3_product_batch"},
		{"batch update products over limit", "PUT", "/v3/catalog/products", repeatObj(obj{"id": pid}, 11), 413, "v3_error"},
		{"batch update variants", "PUT", "/v3/catalog/variants", []obj{{"id": variantID, "inventory_level": 2}}, 200, "v3_variant_batch"},
		{"batch update variants with an empty sku", "PUT", "/v3/catalog/variants", []obj{{"id": variantID, "sku": ""}}, 422, "v3_batch_errors"},
		{"batch update variants not an array", "PUT", "/v3/catalog/variants", obj{"id": variantID}, 422, "v3_batch_errors"},
		{"batch update variants over limit", "PUT", "/v3/catalog/variants", repeatObj(obj{"id": variantID}, 51), 413, "v3_error"},
		{"delete product", "DELETE", "/v3/catalog/products/" + itoa(gone), nil, 204, ""},
		{"delete products by filter", "DELETE", "/v3/catalog/products?id:in=" + itoa(gone2), nil, 204, ""},
		{"delete products without a filter", "DELETE", "/v3/catalog/products", nil, 422, "v3_error"},
		{"list trees", "GET", "/v3/catalog/trees", nil, 200, "v3_tree_list"},
		{"upsert trees", "PUT", "/v3/catalog/trees", []obj{{"id": tree, "name": "Conformance tree 2"}}, 200, "v3_tree_list"},
		{"tree categories", "GET", "/v3/catalog/trees/" + itoa(tree) + "/categories", nil, 200, "v3_category_tree"},
		{"tree not found", "GET", "/v3/catalog/trees/999999/categories", nil, 404, "v3_error"},
		{"create categories", "POST", "/v3/catalog/trees/categories", []obj{{"name": "Conformance child", "parent_id": root}}, 201, "v3_category_list_plain"},
		{"create category twice under one parent", "POST", "/v3/catalog/trees/categories", []obj{{"name": "Conformance child", "parent_id": root}}, 422, "v3_tree_error_422"},
		{"create categories not an array", "POST", "/v3/catalog/trees/categories", obj{"name": "x"}, 400, "v3_tree_error_400"},
		{"update categories", "PUT", "/v3/catalog/trees/categories", []obj{{"category_id": root, "description": "Made by a case"}}, 200, "v3_write_meta"},
		{"delete categories", "DELETE", "/v3/catalog/trees/categories?category_id:in=" + itoa(made.Data[1].ID), nil, 202, "v3_write_meta"},
		{"delete categories without a filter", "DELETE", "/v3/catalog/trees/categories", nil, 400, "v3_tree_error_400"},
		{"delete trees", "DELETE", "/v3/catalog/trees?id:in=" + itoa(tree), nil, 204, ""},
		{"delete trees without a filter", "DELETE", "/v3/catalog/trees", nil, 422, "v3_tree_error_422"},
		{"create brand", "POST", "/v3/catalog/brands", obj{"name": "Conformance brand 2", "meta_keywords": []string{"mugs"}}, 200, "v3_brand"},
		{"create brand twice", "POST", "/v3/catalog/brands", obj{"name": "Conformance brand 2"}, 409, "v3_error"},
		{"update brand", "PUT", "/v3/catalog/brands/" + itoa(brand), obj{"page_title": "Conformance"}, 200, "v3_brand"},
		{"delete brand", "DELETE", "/v3/catalog/brands/" + itoa(brand), nil, 204, ""},
	}
}

// repeatObj is a batch of n copies of o.
func repeatObj(o obj, n int) []obj {
	out := make([]obj, n)
	for i := range out {
		out[i] = o
	}
	return out
}

// customerCases covers customer writes, addresses and customer groups.
func customerCases(t *testing.T, c *client) []conformanceCase {
	cust := createdID(t, c, "POST", "/v3/customers", []obj{{"email": "conf-setup@example.com", "first_name": "Con", "last_name": "Form"}}, 200)
	addr := createdID(t, c, "POST", "/v3/customers/addresses", []obj{{"customer_id": cust, "first_name": "Con", "last_name": "Form", "address1": "1 Main St", "city": "Austin", "state_or_province": "Texas", "postal_code": "78701", "country_code": "US"}}, 200)
	group := createdID(t, c, "POST", "/v2/customer_groups", obj{"name": "Conformance group"}, 200)
	g := "/v2/customer_groups/" + itoa(group)
	return []conformanceCase{
		{"create customers", "POST", "/v3/customers", []obj{{"email": "conf-made@example.com", "first_name": "Made", "last_name": "Here", "addresses": []obj{{"first_name": "Made", "last_name": "Here", "address1": "2 Main St", "city": "Austin", "country_code": "US"}}}}, 200, "v3_customer_list_plain"},
		{"update customers", "PUT", "/v3/customers", []obj{{"id": cust, "notes": "conformance"}}, 200, "v3_customer_list_plain"},
		{"customers bad cursor", "GET", "/v3/customers?after=bm9wZQ==", nil, 400, "v3_error"},
		{"list addresses", "GET", "/v3/customers/addresses?customer_id:in=" + itoa(cust), nil, 200, "v3_address_list"},
		{"create addresses", "POST", "/v3/customers/addresses", []obj{{"customer_id": cust, "first_name": "Con", "last_name": "Form", "address1": "3 Main St", "city": "Austin", "country_code": "US", "address_type": "commercial"}}, 200, "v3_address_list_plain"},
		{"create address missing fields", "POST", "/v3/customers/addresses", []obj{{"customer_id": cust, "first_name": "x"}}, 422, "v3_error"},
		{"update addresses", "PUT", "/v3/customers/addresses", []obj{{"id": addr, "city": "Dallas"}}, 200, "v3_address_list_plain"},
		{"delete addresses", "DELETE", "/v3/customers/addresses?id:in=" + itoa(addr), nil, 204, ""},
		{"delete customers", "DELETE", "/v3/customers?id:in=" + itoa(cust), nil, 204, ""},
		{"list customer groups", "GET", "/v2/customer_groups", nil, 200, "v2_customer_group_list"},
		{"count customer groups", "GET", "/v2/customer_groups/count", nil, 200, "v2_count"},
		{"get customer group", "GET", g, nil, 200, "v2_customer_group"},
		{"create customer group", "POST", "/v2/customer_groups", obj{"name": "Conformance group 2", "discount_rules": []obj{{"type": "all", "method": "percent", "amount": "5"}}}, 200, "v2_customer_group"},
		{"customer group name taken", "POST", "/v2/customer_groups", obj{"name": "Conformance group 2"}, 409, "v2_error"},
		{"customer group without name", "POST", "/v2/customer_groups", obj{}, 400, "v2_error"},
		{"update customer group", "PUT", g, obj{"name": "Conformance group 3"}, 200, "v2_customer_group"},
		{"delete customer group", "DELETE", g, nil, 204, ""},
		{"customer group not found", "GET", g, nil, 404, "v2_error"},
	}
}

// orderMoreCases covers order creation and changes, an order's single
// product, address and shipment, its coupons, refunds and order statuses.
func orderMoreCases(t *testing.T, c *client) []conformanceCase {
	pid := c.srv.Store.ProductIDs()[0]
	made, err := c.srv.Store.CreateOrder(&OrderInput{CustomerID: ptr(1), StatusID: ptr(11), BillingAddress: &OrderAddress{FirstName: "R", Email: "r@example.com"},
		Products: []OrderProductInput{{ProductID: ptr(pid), Quantity: ptr(3), Name: ptr("x")}}})
	if err != nil {
		t.Fatal(err)
	}
	o := "/v2/orders/" + itoa(made.ID)
	lines := must[[]struct {
		ID             int `json:"id"`
		OrderAddressID int `json:"order_address_id"`
	}](t, c.get(o+"/products"), 200)
	ship := func(n int) obj {
		return obj{"order_address_id": lines[0].OrderAddressID, "tracking_number": "TRK" + itoa(n), "shipping_provider": "ups", "items": []obj{{"order_product_id": lines[0].ID, "quantity": 1}}}
	}
	s1 := createdID(t, c, "POST", o+"/shipments", ship(1), 201)
	createdID(t, c, "POST", o+"/shipments", ship(2), 201)
	withCoupon := 0
	for _, o := range must[[]struct {
		ID int `json:"id"`
	}](t, c.get("/v2/orders?limit=250"), 200) {
		if c.get("/v2/orders/"+itoa(o.ID)+"/coupons").status == 200 {
			withCoupon = o.ID
			break
		}
	}
	if withCoupon == 0 {
		t.Fatal("no seeded order has a coupon")
	}
	archived := createdID(t, c, "POST", "/v2/orders", obj{"billing_address": billing(), "products": []obj{{"product_id": pid, "quantity": 1}}}, 200)
	seeded := 0 // a seeded refund by amount, whose requested_amount is set
	for _, rf := range must[envelope[[]struct {
		ID    int `json:"id"`
		Items []struct {
			ItemType string `json:"item_type"`
		} `json:"items"`
	}]](t, c.get("/v3/orders/payment_actions/refunds?limit=250"), 200).Data {
		if len(rf.Items) > 0 && rf.Items[0].ItemType == "ORDER" {
			seeded = rf.ID
			break
		}
	}
	if seeded == 0 {
		t.Fatal("no seeded refund by amount")
	}
	r := "/v3/orders/" + itoa(made.ID) + "/payment_actions/refunds"
	refund := createdID(t, c, "POST", r, obj{"items": []obj{{"item_type": "PRODUCT", "item_id": lines[0].ID, "quantity": 1}}, "payments": []obj{{"provider_id": "custom", "amount": 1, "offline": true}}}, 201)
	return []conformanceCase{
		{"create order", "POST", "/v2/orders", obj{"billing_address": billing(), "customer_id": 0, "products": []obj{{"product_id": pid, "quantity": 1}}}, 200, "v2_order"},
		{"create order without products", "POST", "/v2/orders", obj{"billing_address": billing()}, 400, "v2_error"},
		{"update order", "PUT", o, obj{"staff_notes": "conformance", "customer_message": "thanks"}, 200, "v2_order"},
		{"archive order", "DELETE", "/v2/orders/" + itoa(archived), nil, 204, ""},
		{"archive every order refused", "DELETE", "/v2/orders", nil, 400, "v2_error"},
		{"order product", "GET", o + "/products/" + itoa(lines[0].ID), nil, 200, "v2_order_product"},
		{"order shipping address", "GET", o + "/shipping_addresses/" + itoa(lines[0].OrderAddressID), nil, 200, "v2_order_shipping_address"},
		{"get shipment", "GET", o + "/shipments/" + itoa(s1), nil, 200, "v2_shipment"},
		{"update shipment", "PUT", o + "/shipments/" + itoa(s1), obj{"tracking_number": "TRK9", "comments": "moved"}, 200, "v2_shipment"},
		{"delete shipment", "DELETE", o + "/shipments/" + itoa(s1), nil, 204, ""},
		{"delete all shipments", "DELETE", o + "/shipments", nil, 204, ""},
		{"order coupons", "GET", "/v2/orders/" + itoa(withCoupon) + "/coupons", nil, 200, "v2_order_coupon_list"},
		{"order status", "GET", "/v2/order_statuses/11", nil, 200, "v2_order_status"},
		{"order refunds", "GET", r, nil, 200, "v3_refund_list"},
		{"create refund", "POST", r, obj{"items": []obj{{"item_type": "PRODUCT", "item_id": lines[0].ID, "quantity": 1}}, "payments": []obj{{"provider_id": "custom", "amount": 1, "offline": true}}}, 201, "v3_refund"},
		{"refund more than bought", "POST", r, obj{"items": []obj{{"item_type": "PRODUCT", "item_id": lines[0].ID, "quantity": 9}}, "payments": []obj{{"provider_id": "custom", "amount": 1}}}, 422, "v3_error"},
		{"refund quote", "POST", "/v3/orders/" + itoa(made.ID) + "/payment_actions/refund_quotes", obj{"items": []obj{{"item_type": "PRODUCT", "item_id": lines[0].ID, "quantity": 1}, {"item_type": "SHIPPING", "item_id": lines[0].OrderAddressID, "amount": 2}}}, 201, "v3_refund_quote"},
		{"refund quote of an unknown item", "POST", "/v3/orders/" + itoa(made.ID) + "/payment_actions/refund_quotes", obj{"items": []obj{{"item_type": "PRODUCT", "item_id": 999999, "quantity": 1}}}, 422, "v3_error"},
		{"get refund", "GET", "/v3/orders/payment_actions/refunds/" + itoa(refund), nil, 200, "v3_refund_by_id"},
		{"get seeded refund", "GET", "/v3/orders/payment_actions/refunds/" + itoa(seeded), nil, 200, "v3_refund_by_id"},
	}
}

// inventoryCases covers adjustments, location writes and items per location.
func inventoryCases(t *testing.T, c *client) []conformanceCase {
	pid, _, _, variantID := conformanceProduct(t, c, "CONF-STOCK")
	simple := createdID(t, c, "POST", "/v3/catalog/products", obj{"name": "CONF-STOCK-SIMPLE", "type": "physical", "weight": 1, "price": 1, "inventory_tracking": "product"}, 200)
	r := c.do("POST", "/v3/inventory/locations", []obj{{"code": "CONF-WH", "label": "Conformance warehouse", "time_zone": "Etc/UTC", "type_id": "VIRTUAL"},
		{"code": "CONF-GONE", "label": "Conformance gone", "time_zone": "Etc/UTC", "type_id": "VIRTUAL"}})
	if r.status != 200 {
		t.Fatalf("setup locations = %d: %.300s", r.status, r.body)
	}
	locs := must[envelope[[]struct {
		ID   int    `json:"id"`
		Code string `json:"code"`
	}]](t, c.get("/v3/inventory/locations?location_code:in=CONF-WH,CONF-GONE"), 200).Data
	if len(locs) != 2 {
		t.Fatalf("setup locations = %+v", locs)
	}
	wh, gone := locs[0].ID, locs[1].ID
	if locs[0].Code != "CONF-WH" {
		wh, gone = gone, wh
	}
	_ = pid
	return []conformanceCase{
		{"absolute adjustment", "PUT", "/v3/inventory/adjustments/absolute", obj{"reason": "count", "items": []obj{{"location_id": 1, "variant_id": variantID, "quantity": 8}, {"location_id": wh, "product_id": simple, "quantity": 3}}}, 200, "v3_inventory_transaction"},
		{"relative adjustment", "POST", "/v3/inventory/adjustments/relative", obj{"reason": "sold", "items": []obj{{"location_id": 1, "variant_id": variantID, "quantity": -2}}}, 200, "v3_inventory_transaction"},
		{"relative adjustment below zero", "POST", "/v3/inventory/adjustments/relative", obj{"items": []obj{{"location_id": 1, "variant_id": variantID, "quantity": -100}}}, 422, "v3_error"},
		{"absolute adjustment over limit", "PUT", "/v3/inventory/adjustments/absolute", obj{"items": repeatObj(obj{"location_id": 1, "variant_id": variantID, "quantity": 1}, 2001)}, 413, "v3_error"},
		{"create locations", "POST", "/v3/inventory/locations", []obj{{"code": "CONF-WH-2", "label": "Conformance second", "time_zone": "Etc/UTC", "type_id": "PHYSICAL", "address": obj{"address1": "1 Dock Rd", "city": "Austin", "state": "Texas", "zip": "78701", "email": "wh@example.com", "country_code": "US", "geo_coordinates": obj{"latitude": 30.1, "longitude": -97.7}}}}, 200, "v3_inventory_transaction"},
		{"create location without label", "POST", "/v3/inventory/locations", []obj{{"code": "CONF-WH-3"}}, 422, "v3_error"},
		{"update locations", "PUT", "/v3/inventory/locations", []obj{{"id": wh, "label": "Conformance warehouse 2"}}, 200, "v3_inventory_transaction"},
		{"delete locations", "DELETE", "/v3/inventory/locations?location_id:in=" + itoa(gone), nil, 200, "v3_inventory_transaction"},
		{"delete the default location", "DELETE", "/v3/inventory/locations?location_id:in=1", nil, 422, "v3_error"},
		{"location items", "GET", "/v3/inventory/locations/" + itoa(wh) + "/items", nil, 200, "v3_location_item_list"},
		{"update location items", "PUT", "/v3/inventory/locations/" + itoa(wh) + "/items", obj{"settings": []obj{{"identity": obj{"product_id": simple}, "safety_stock": 1, "is_in_stock": true, "warning_level": 2, "bin_picking_number": "A1"}}}, 200, "v3_inventory_transaction"},
	}
}

// cartCases covers a cart's get and delete and its line items.
func cartCases(t *testing.T, c *client) []conformanceCase {
	simple := createdID(t, c, "POST", "/v3/catalog/products", obj{"name": "CONF-CART", "type": "physical", "weight": 1, "price": 4}, 200)
	other := createdID(t, c, "POST", "/v3/catalog/products", obj{"name": "CONF-CART-2", "type": "digital", "weight": 0, "price": 2}, 200)
	var ct envelope[struct {
		ID        string `json:"id"`
		LineItems struct {
			PhysicalItems []struct {
				ID string `json:"id"`
			} `json:"physical_items"`
		} `json:"line_items"`
	}]
	r := c.do("POST", "/v3/carts", obj{"customer_id": 1, "line_items": []obj{{"product_id": simple, "quantity": 2}}})
	if err := json.Unmarshal(r.body, &ct); err != nil || r.status != 201 || len(ct.Data.LineItems.PhysicalItems) == 0 {
		t.Fatalf("setup cart = %d: %v %.300s", r.status, err, r.body)
	}
	base, line := "/v3/carts/"+ct.Data.ID, ct.Data.LineItems.PhysicalItems[0].ID
	return []conformanceCase{
		{"get cart", "GET", base, nil, 200, "v3_cart"},
		{"add cart items", "POST", base + "/items", obj{"line_items": []obj{{"product_id": other, "quantity": 1}}, "custom_items": []obj{{"sku": "WRAP", "name": "Gift wrap", "quantity": 1, "list_price": 2}}}, 201, "v3_cart"},
		{"add cart items on a stale version", "POST", base + "/items", obj{"version": 1, "line_items": []obj{{"product_id": other, "quantity": 1}}}, 409, "v3_error"},
		{"update cart item", "PUT", base + "/items/" + line, obj{"line_item": obj{"product_id": simple, "quantity": 3}}, 200, "v3_cart"},
		{"delete cart item", "DELETE", base + "/items/" + line, nil, 200, "v3_cart"},
		{"cart item not found", "DELETE", base + "/items/" + line, nil, 404, "v3_error"},
		{"delete cart", "DELETE", base, nil, 204, ""},
	}
}

// storeCases covers the store's information and time, channels, coupons,
// pages and the single-hook operations.
func storeCases(t *testing.T, c *client) []conformanceCase {
	coupon := createdID(t, c, "POST", "/v2/coupons", obj{"name": "Conformance", "type": "percentage_discount", "amount": 10, "code": "CONF10", "applies_to": obj{"entity": "categories", "ids": []int{0}}}, 201)
	channel := createdID(t, c, "POST", "/v3/channels", obj{"name": "Conformance POS", "type": "pos", "platform": "square"}, 200)
	channel2 := createdID(t, c, "POST", "/v3/channels", obj{"name": "Conformance POS 2", "type": "pos", "platform": "square"}, 200)
	page := createdID(t, c, "POST", "/v3/content/pages", obj{"name": "Conformance page", "type": "page", "body": "<p>x</p>"}, 201)
	pages := createdID(t, c, "POST", "/v3/content/pages", obj{"name": "Conformance batch", "type": "page", "body": "<p>y</p>"}, 201)
	hook := createdID(t, c, "POST", "/v3/hooks", obj{"scope": "store/product/*", "destination": "https://example.com/conformance"}, 200)
	cp, ch, pg, h := "/v2/coupons/"+itoa(coupon), "/v3/channels/"+itoa(channel), "/v3/content/pages/"+itoa(page), "/v3/hooks/"+itoa(hook)
	return []conformanceCase{
		{"time", "GET", "/v2/time", nil, 200, "v2_time"},
		{"store information", "GET", "/v2/store", nil, 200, "v2_store"},
		{"list channels", "GET", "/v3/channels", nil, 200, "v3_channel_list"},
		{"get channel", "GET", ch, nil, 200, "v3_channel"},
		{"create channel", "POST", "/v3/channels", obj{"name": "Conformance market", "type": "marketplace", "platform": "amazon"}, 200, "v3_channel"},
		{"create channel of an unknown type", "POST", "/v3/channels", obj{"name": "Till", "type": "till"}, 422, "v3_error"},
		{"create channel twice", "POST", "/v3/channels", obj{"name": "Conformance market", "type": "marketplace", "platform": "amazon"}, 422, "v3_error"},
		{"update channel", "PUT", ch, obj{"status": "inactive"}, 200, "v3_channel"},
		{"rename a channel to a taken name", "PUT", "/v3/channels/" + itoa(channel2), obj{"name": "Conformance POS"}, 409, "v3_error"},
		{"change a channel's platform", "PUT", ch, obj{"platform": "clover"}, 422, "v3_error"},
		{"list coupons", "GET", "/v2/coupons", nil, 200, "v2_coupon_list"},
		{"count coupons", "GET", "/v2/coupons/count", nil, 200, "v2_count"},
		{"get coupon", "GET", cp, nil, 200, "v2_coupon"},
		{"create coupon", "POST", "/v2/coupons", obj{"name": "Conformance 2", "type": "per_item_discount", "amount": "2.5", "code": "CONF2", "min_purchase": "10", "max_uses": 5, "applies_to": obj{"entity": "products", "ids": []int{c.srv.Store.ProductIDs()[0]}}}, 201, "v2_coupon"},
		{"coupon code taken", "POST", "/v2/coupons", obj{"name": "Conformance 3", "type": "percentage_discount", "amount": 10, "code": "CONF10", "applies_to": obj{"entity": "categories", "ids": []int{0}}}, 409, "v2_error"},
		{"coupon of an unknown type", "POST", "/v2/coupons", obj{"name": "Half", "type": "half_off"}, 400, "v2_error"},
		{"update coupon", "PUT", cp, obj{"amount": "12.5", "enabled": false}, 200, "v2_coupon"},
		{"delete coupon", "DELETE", cp, nil, 204, ""},
		{"list pages", "GET", "/v3/content/pages", nil, 200, "v3_page_list"},
		{"get page", "GET", pg + "?include=body", nil, 200, "v3_page"},
		{"create pages", "POST", "/v3/content/pages", []obj{{"name": "Conformance link", "type": "link", "link": "https://example.com/l"}}, 201, "v3_page_list"},
		{"create page without a link", "POST", "/v3/content/pages", obj{"name": "Raw", "type": "raw"}, 422, "v3_error"},
		{"update pages", "PUT", "/v3/content/pages", []obj{{"id": pages, "name": "Conformance batch 2"}}, 200, "v3_page_list"},
		{"update page", "PUT", pg, obj{"meta_title": "Conformance"}, 200, "v3_page"},
		{"delete page", "DELETE", pg, nil, 204, ""},
		{"delete pages", "DELETE", "/v3/content/pages?id:in=" + itoa(pages), nil, 204, ""},
		{"delete pages without a filter", "DELETE", "/v3/content/pages", nil, 422, "v3_error"},
		{"get hook", "GET", h, nil, 200, "v3_hook"},
		{"update hook", "PUT", h, obj{"is_active": false, "headers": obj{"X-Conformance": "1"}}, 200, "v3_hook"},
		{"update hook with nothing", "PUT", h, obj{}, 422, "v3_error"},
		{"delete hook", "DELETE", h, nil, 200, "v3_hook"},
	}
}

// errorShapeCases covers error answers not met above: V2 413 for a page over
// the limit, a bad filter in both versions, and the 405 of a known path with
// the wrong method in both versions.
func errorShapeCases(t *testing.T, c *client) []conformanceCase {
	return []conformanceCase{
		{"V2 orders over limit", "GET", "/v2/orders?limit=251", nil, 413, "v2_error"},
		{"V2 coupons over limit", "GET", "/v2/coupons?limit=251", nil, 413, "v2_error"},
		{"V2 order with a bad date filter", "GET", "/v2/orders?min_date_created=yesterday-ish", nil, 400, "v2_error"},
		{"V3 bad filter", "GET", "/v3/catalog/products?id:in=abc", nil, 422, "v3_error"},
		{"V3 method not allowed", "DELETE", "/v3/channels/1", nil, 405, "v3_error"},
		{"V2 method not allowed", "POST", "/v2/time", nil, 405, "v2_error"},
	}
}
