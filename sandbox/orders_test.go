package sandbox

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

type orderJSON struct {
	ID             int    `json:"id"`
	CustomerID     int    `json:"customer_id"`
	StatusID       int    `json:"status_id"`
	Status         string `json:"status"`
	DateCreated    string `json:"date_created"`
	DateModified   string `json:"date_modified"`
	DateShipped    string `json:"date_shipped"`
	TotalIncTax    string `json:"total_inc_tax"`
	SubtotalExTax  string `json:"subtotal_ex_tax"`
	StaffNotes     string `json:"staff_notes"`
	IsDeleted      bool   `json:"is_deleted"`
	ItemsTotal     int    `json:"items_total"`
	BillingAddress struct {
		Email string `json:"email"`
	} `json:"billing_address"`
	Products struct {
		URL      string `json:"url"`
		Resource string `json:"resource"`
	} `json:"products"`
	Consignments any `json:"consignments"`
}

type lineJSON struct {
	ID             int    `json:"id"`
	ProductID      int    `json:"product_id"`
	VariantID      int    `json:"variant_id"`
	SKU            string `json:"sku"`
	Quantity       int    `json:"quantity"`
	PriceExTax     string `json:"price_ex_tax"`
	ProductOptions []obj  `json:"product_options"`
}

func v2Time(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.Parse("Mon, 02 Jan 2006 15:04:05 -0700", s)
	if err != nil {
		t.Fatalf("%q is not an RFC-2822 date: %v", s, err)
	}
	return tm
}

func TestOrdersV2Paging(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Orders: 300, Products: 10, Customers: 5})
	if got := must[[]orderJSON](t, c.get("/v2/orders"), 200); len(got) != 50 || got[0].ID != firstOrderID {
		t.Errorf("default page = %d orders starting at %d", len(got), got[0].ID)
	}
	p2 := must[[]orderJSON](t, c.get("/v2/orders?limit=10&page=2"), 200)
	if len(p2) != 10 || p2[0].ID != firstOrderID+10 {
		t.Errorf("page 2 = %d orders starting at %d", len(p2), p2[0].ID)
	}
	if got := must[v2Err](t, c.get("/v2/orders?limit=251"), 413); len(got) != 1 || got[0].Status != 413 || !containsAll(got[0].Message, "251", "250") {
		t.Errorf("limit=251 = %+v, want BigCommerce's 413 naming the maximum", got)
	}
	if got := must[[]orderJSON](t, c.get("/v2/orders?limit=250"), 200); len(got) != 250 {
		t.Errorf("limit=250 gave %d", len(got))
	}
	r := c.get("/v2/orders?limit=250&page=3")
	if r.status != 204 || len(r.body) != 0 {
		t.Errorf("empty V2 page = %d with %d bytes, want 204 and no body", r.status, len(r.body))
	}
	if r := c.get("/v2/orders?status_id=99"); r.status != 204 {
		t.Errorf("no match = %d, want 204", r.status)
	}
	if r := c.get(fmt.Sprintf("/v2/orders/%d/products?page=5", firstOrderID)); r.status != 204 {
		t.Errorf("order products past the end = %d, want 204", r.status)
	}
}

func TestOrderFormats(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Orders: 40, Products: 10, Customers: 5})
	raw := must[[]obj](t, c.get("/v2/orders?limit=40"), 200)
	money := regexp.MustCompile(`^-?\d+\.\d{4}$`)
	for _, o := range raw {
		for _, f := range []string{"total_inc_tax", "total_ex_tax", "subtotal_ex_tax", "shipping_cost_inc_tax", "discount_amount", "refunded_amount"} {
			s, ok := o[f].(string)
			if !ok || !money.MatchString(s) {
				t.Fatalf("order %v: %s = %#v, want a decimal string", o["id"], f, o[f])
			}
		}
		v2Time(t, o["date_created"].(string))
		v2Time(t, o["date_modified"].(string))
		if ds := o["date_shipped"].(string); ds != "" {
			v2Time(t, ds)
		}
		links := o["products"].(obj)
		if res := fmt.Sprintf("/orders/%d/products", num(o["id"])); links["resource"] != res || !strings.HasSuffix(links["url"].(string), "/v2"+res) {
			t.Errorf("products link = %v", links)
		}
		if _, ok := o["shipping_addresses"].(obj)["url"]; !ok {
			t.Errorf("shipping_addresses is not a resource link: %v", o["shipping_addresses"])
		}
	}
	unshipped := false
	for _, o := range raw {
		if o["date_shipped"] == "" {
			unshipped = true
		}
	}
	if !unshipped {
		t.Error("no seeded order has an empty date_shipped")
	}
}

func TestOrderFiltersAndSort(t *testing.T) {
	t.Parallel()
	clock := newFakeClock(anchor.Add(24 * time.Hour))
	c := newClient(t, Options{Orders: 200, Products: 10, Customers: 5, Now: clock.Now})
	clock.Advance(time.Hour)
	for _, id := range []int{150, 120, 180} {
		clock.Advance(time.Minute)
		must[orderJSON](t, c.do("PUT", fmt.Sprintf("/v2/orders/%d", id), obj{"staff_notes": "touched"}), 200)
	}
	since := anchor.Add(24*time.Hour + 30*time.Minute)
	for _, form := range []string{since.Format("Mon, 02 Jan 2006 15:04:05 -0700"), since.Format(time.RFC3339)} {
		got := must[[]orderJSON](t, c.get("/v2/orders?sort=date_modified:asc&min_date_modified="+qesc(form)), 200)
		ids := []int{}
		for _, o := range got {
			ids = append(ids, o.ID)
		}
		if !slices.Equal(ids, []int{150, 120, 180}) {
			t.Errorf("min_date_modified=%s sorted by date_modified = %v, want [150 120 180]", form, ids)
		}
	}
	if r := c.get("/v2/orders?min_date_modified=" + strings.ReplaceAll(since.Format("Mon, 02 Jan 2006 15:04:05 -0700"), "+", " ")); r.status != 400 {
		t.Errorf("a date whose + was not URL-encoded = %d, want 400", r.status)
	}
	e := must[v2Err](t, c.get("/v2/orders?min_date_created=someday"), 400)
	if len(e) != 1 || !strings.Contains(e[0].Message, "min_date_created") {
		t.Errorf("bad date error = %+v", e)
	}
	cases := []struct {
		query string
		ok    func(orderJSON) bool
	}{
		{"status_id=10", func(o orderJSON) bool { return o.StatusID == 10 && o.Status == "Completed" }},
		{"customer_id=3", func(o orderJSON) bool { return o.CustomerID == 3 }},
		{"min_id=110&max_id=119", func(o orderJSON) bool { return o.ID >= 110 && o.ID <= 119 }},
		{"min_total=100&max_total=300", func(o orderJSON) bool {
			d, err := parseDecimal(o.TotalIncTax)
			return err == nil && d >= 100*decimalScale && d <= 300*decimalScale
		}},
		{"max_date_created=" + qesc(anchor.AddDate(0, -6, 0).Format(time.RFC3339)), func(o orderJSON) bool {
			return !v2Time(t, o.DateCreated).After(anchor.AddDate(0, -6, 0))
		}},
	}
	for _, tc := range cases {
		got := must[[]orderJSON](t, c.get("/v2/orders?limit=250&"+tc.query), 200)
		for _, o := range got {
			if !tc.ok(o) {
				t.Errorf("%s matched order %d: %+v", tc.query, o.ID, o)
			}
		}
	}
	email := must[[]orderJSON](t, c.get("/v2/orders?limit=1&customer_id=2"), 200)[0].BillingAddress.Email
	for _, o := range must[[]orderJSON](t, c.get("/v2/orders?limit=250&email="+qesc(strings.ToUpper(email))), 200) {
		if o.CustomerID != 2 {
			t.Errorf("email filter matched customer %d", o.CustomerID)
		}
	}
	for _, spec := range []string{"id:desc", "date_created:desc", "date_modified:desc", "status_id:asc", "customer_id:asc"} {
		got := must[[]orderJSON](t, c.get("/v2/orders?limit=250&sort="+spec), 200)
		key := map[string]func(orderJSON) int64{
			"id": func(o orderJSON) int64 { return int64(o.ID) }, "status_id": func(o orderJSON) int64 { return int64(o.StatusID) },
			"customer_id":   func(o orderJSON) int64 { return int64(o.CustomerID) },
			"date_created":  func(o orderJSON) int64 { return v2Time(t, o.DateCreated).Unix() },
			"date_modified": func(o orderJSON) int64 { return v2Time(t, o.DateModified).Unix() },
		}
		field, dir, _ := strings.Cut(spec, ":")
		sorted := slices.IsSortedFunc(got, func(a, b orderJSON) int {
			r := int(key[field](a) - key[field](b))
			if dir == "desc" {
				r = -r
			}
			return r
		})
		if !sorted {
			t.Errorf("sort=%s is not sorted", spec)
		}
	}
	if r := c.get("/v2/orders?sort=total:asc"); r.status != 400 {
		t.Errorf("unknown sort = %d, want 400", r.status)
	}
}

// TestOrderModifiedIndexStaysSorted walks every page sorted by
// date_modified after many updates, checking the index against the orders.
func TestOrderModifiedIndexStaysSorted(t *testing.T) {
	t.Parallel()
	clock := newFakeClock(anchor.Add(time.Hour))
	c := newClient(t, Options{Orders: 120, Products: 5, Customers: 5, Now: clock.Now})
	for i := range 60 {
		clock.Advance(time.Second * time.Duration(i%3))
		id := firstOrderID + (i*37)%120
		if i%10 == 0 {
			c.do("DELETE", fmt.Sprintf("/v2/orders/%d", id), nil)
			continue
		}
		must[orderJSON](t, c.do("PUT", fmt.Sprintf("/v2/orders/%d", id), obj{"status_id": i % 15}), 200)
	}
	var all []orderJSON
	for page := 1; ; page++ {
		r := c.get(fmt.Sprintf("/v2/orders?sort=date_modified:asc&limit=25&page=%d", page))
		if r.status == 204 {
			break
		}
		all = append(all, must[[]orderJSON](t, r, 200)...)
	}
	if want := c.srv.Store.Counts().Orders; len(all) != want {
		t.Fatalf("walked %d orders, want %d live ones", len(all), want)
	}
	if !slices.IsSortedFunc(all, func(a, b orderJSON) int {
		d := v2Time(t, a.DateModified).Compare(v2Time(t, b.DateModified))
		if d == 0 {
			return a.ID - b.ID
		}
		return d
	}) {
		t.Error("pages are not sorted by (date_modified, id)")
	}
	for _, o := range all {
		snap, _ := c.srv.Store.Order(o.ID)
		if !v2Time(t, o.DateModified).Equal(snap.DateModified) || o.IsDeleted {
			t.Errorf("order %d: listed %s, stored %v deleted %v", o.ID, o.DateModified, snap.DateModified, o.IsDeleted)
		}
	}
}

func billing() obj {
	return obj{"first_name": "Ada", "last_name": "Lovelace", "street_1": "1 Analytical Way", "city": "London", "zip": "N1",
		"country": "United Kingdom", "country_iso2": "GB", "email": "ada@example.com"}
}

func TestCreateOrderTakesStockAndReferencesVariants(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Orders: 5, Products: 30, Customers: 5})
	p := productWithOptions(t, c)
	v := p.Variants[1]
	tracked := must[envelope[productJSON]](t, c.do("POST", "/v3/catalog/products",
		obj{"name": "Stocked", "type": "physical", "weight": 1, "price": 20, "sku": "STK", "inventory_tracking": "product", "inventory_level": 10}), 200).Data
	opts := must[envelope[[]variantJSON]](t, c.get(fmt.Sprintf("/v3/catalog/products/%d/variants/%d", p.ID, v.ID)[:len(fmt.Sprintf("/v3/catalog/products/%d/variants", p.ID))]), 200).Data
	var chosen []obj
	for _, ov := range opts[1].OptionValues {
		chosen = append(chosen, obj{"id": num(ov["option_id"]), "value": fmt.Sprint(num(ov["id"]))})
	}
	body := obj{"customer_id": 0, "billing_address": billing(), "products": []obj{
		{"product_id": p.ID, "quantity": 2, "product_options": chosen},
		{"variant_id": p.Variants[0].ID, "quantity": 1},
		{"product_id": tracked.ID, "quantity": 3},
		{"name": "Gift wrap", "quantity": 1, "price_inc_tax": "2.50", "price_ex_tax": "2.50"},
	}}
	o := must[orderJSON](t, c.do("POST", "/v2/orders", body), 200)
	if o.StatusID != 1 || o.Status != "Pending" || o.ItemsTotal != 7 {
		t.Errorf("created order = %+v", o)
	}
	lines := must[[]lineJSON](t, c.get(fmt.Sprintf("/v2/orders/%d/products", o.ID)), 200)
	if len(lines) != 4 {
		t.Fatalf("%d lines", len(lines))
	}
	if lines[0].VariantID != v.ID || lines[0].SKU != v.SKU || len(lines[0].ProductOptions) == 0 {
		t.Errorf("line by product_options = %+v, want variant %d %s", lines[0], v.ID, v.SKU)
	}
	if lines[1].VariantID != p.Variants[0].ID || lines[2].ProductID != tracked.ID || lines[2].VariantID != *tracked.BaseVariantID {
		t.Errorf("lines by variant_id and by product_id = %+v %+v", lines[1], lines[2])
	}
	if lines[3].ProductID != 0 || lines[3].PriceExTax != "2.5000" {
		t.Errorf("custom line = %+v", lines[3])
	}
	after, _ := c.srv.Store.Product(p.ID)
	if want := max(0, v.InventoryLevel-2); after.Variants[1].InventoryLevel != want {
		t.Errorf("variant stock %d -> %d, want %d", v.InventoryLevel, after.Variants[1].InventoryLevel, want)
	}
	if st, _ := c.srv.Store.Product(tracked.ID); st.InventoryLevel != 7 {
		t.Errorf("product-tracked stock = %d, want 10-3", st.InventoryLevel)
	}
	bad := []struct {
		body  obj
		field string
	}{
		{obj{"products": []obj{{"variant_id": v.ID}}}, "billing_address"},
		{obj{"billing_address": billing()}, "products"},
		{obj{"billing_address": billing(), "products": []obj{{"product_id": 999999}}}, "product_id"},
		{obj{"billing_address": billing(), "products": []obj{{"product_id": p.ID}}}, "product_options"},
		{obj{"billing_address": billing(), "products": []obj{{"sku": "STK", "quantity": 1}}}, "product_id"}, // a SKU alone names no product
		{obj{"billing_address": billing(), "products": []obj{{"variant_id": v.ID}}, "status_id": 15}, "status_id"},
		{obj{"billing_address": billing(), "products": []obj{{"name": "x", "price_ex_tax": "abc"}}}, "price_ex_tax"},
		{obj{"billing_address": billing(), "products": []obj{{"variant_id": v.ID}}, "discount_amount": "1.2.3"}, "discount_amount"},
	}
	for _, b := range bad {
		e := must[v2Err](t, c.do("POST", "/v2/orders", b.body), 400)
		if len(e) == 0 || !strings.Contains(e[0].Message, b.field) && !strings.Contains(fmt.Sprint(e), b.field) {
			t.Errorf("missing %s: %+v", b.field, e)
		}
	}
}

func TestUpdateOrderMovesDateModified(t *testing.T) {
	t.Parallel()
	clock := newFakeClock(anchor.Add(time.Hour))
	c := newClient(t, Options{Orders: 5, Products: 3, Customers: 2, Now: clock.Now})
	clock.Advance(time.Minute)
	o := must[orderJSON](t, c.do("PUT", "/v2/orders/101", obj{"status_id": 11, "staff_notes": "call first"}), 200)
	if o.StatusID != 11 || o.Status != "Awaiting Fulfillment" || o.StaffNotes != "call first" {
		t.Errorf("updated = %+v", o)
	}
	if !v2Time(t, o.DateModified).Equal(clock.Now().Truncate(time.Second)) {
		t.Errorf("date_modified = %s, want now %v", o.DateModified, clock.Now())
	}
	if r := c.do("PUT", "/v2/orders/101", obj{"status_id": 42}); r.status != 400 {
		t.Errorf("status 42 = %d, want 400", r.status)
	}
	if r := c.do("PUT", "/v2/orders/9999", obj{"status_id": 1}); r.status != 404 {
		t.Errorf("missing order = %d", r.status)
	}
}

func TestArchiveOrder(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Orders: 10, Products: 3, Customers: 2})
	if r := c.do("DELETE", "/v2/orders", nil); r.status != 400 {
		t.Errorf("DELETE /v2/orders = %d, want it refused with 400", r.status)
	}
	if n := c.srv.Store.Counts().Orders; n != 10 {
		t.Fatalf("orders after refused archive-all = %d", n)
	}
	if r := c.do("DELETE", "/v2/orders/103", nil); r.status != 204 {
		t.Fatalf("archive = %d", r.status)
	}
	for _, o := range must[[]orderJSON](t, c.get("/v2/orders"), 200) {
		if o.ID == 103 {
			t.Error("archived order still listed")
		}
	}
	if n := must[obj](t, c.get("/v2/orders/count"), 200)["count"]; n != 9.0 {
		t.Errorf("count = %v, want 9", n)
	}
	if got := must[orderJSON](t, c.get("/v2/orders/103"), 200); !got.IsDeleted {
		t.Error("archived order is not is_deleted")
	}
	if got := must[[]orderJSON](t, c.get("/v2/orders?is_deleted=true"), 200); len(got) != 1 || got[0].ID != 103 {
		t.Errorf("is_deleted=true = %+v", got)
	}
}

func TestOrderCountAndStatuses(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Orders: 400, Products: 5, Customers: 5})
	type countJSON struct {
		Count    int `json:"count"`
		Statuses []struct {
			ID    int    `json:"id"`
			Name  string `json:"name"`
			Count int    `json:"count"`
		} `json:"statuses"`
	}
	cnt := must[countJSON](t, c.get("/v2/orders/count"), 200)
	if cnt.Count != 400 || len(cnt.Statuses) != 15 {
		t.Fatalf("count = %d with %d statuses", cnt.Count, len(cnt.Statuses))
	}
	sum := 0
	for i, s := range cnt.Statuses {
		sum += s.Count
		if s.ID != i || s.Name != statusNames[i] || s.Count == 0 {
			t.Errorf("status %d = %+v: every status 0-14 should be seeded", i, s)
		}
	}
	if sum != 400 {
		t.Errorf("status counts sum to %d", sum)
	}
	filtered := must[countJSON](t, c.get("/v2/orders/count?status_id=10"), 200)
	if filtered.Count != cnt.Statuses[10].Count {
		t.Errorf("count?status_id=10 = %d, want %d", filtered.Count, cnt.Statuses[10].Count)
	}
	sts := must[[]obj](t, c.get("/v2/order_statuses"), 200)
	if len(sts) != 15 || sts[0]["name"] != "Incomplete" || sts[14]["name"] != "Partially Refunded" || sts[11]["name"] != "Awaiting Fulfillment" {
		t.Errorf("order_statuses = %v", sts)
	}
}

func TestShipmentsAddressesCouponsConsignments(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Orders: 60, Products: 5, Customers: 3})
	o := must[orderJSON](t, c.do("POST", "/v2/orders", obj{"billing_address": billing(), "products": []obj{{"product_id": c.srv.Store.ProductIDs()[0], "quantity": 2}}}), 200)
	base := fmt.Sprintf("/v2/orders/%d", o.ID)
	if r := c.get(base + "/shipments"); r.status != 204 || len(r.body) != 0 {
		t.Errorf("no shipments = %d %q, want 204", r.status, r.body)
	}
	addrs := must[[]obj](t, c.get(base+"/shipping_addresses"), 200)
	if len(addrs) != 1 || addrs[0]["email"] != "ada@example.com" {
		t.Fatalf("shipping addresses = %v", addrs)
	}
	lines := must[[]lineJSON](t, c.get(base+"/products"), 200)
	addrID := num(addrs[0]["id"])
	if r := c.do("POST", base+"/shipments", obj{"order_address_id": addrID, "items": []obj{{"order_product_id": lines[0].ID, "quantity": 5}}}); r.status != 400 {
		t.Errorf("shipping more than ordered = %d, want 400", r.status)
	}
	sh := must[obj](t, c.do("POST", base+"/shipments", obj{"order_address_id": addrID, "tracking_number": "TRK1",
		"items": []obj{{"order_product_id": lines[0].ID, "quantity": 2}}}), 201)
	if sh["tracking_number"] != "TRK1" {
		t.Errorf("shipment = %v", sh)
	}
	if list := must[[]obj](t, c.get(base+"/shipments"), 200); len(list) != 1 {
		t.Errorf("shipments = %v", list)
	}
	if got := must[orderJSON](t, c.get(base), 200); got.StatusID != 2 || got.DateShipped == "" {
		t.Errorf("after shipping everything: status %d shipped %q", got.StatusID, got.DateShipped)
	}
	if n := must[obj](t, c.get(base+"/shipments/count"), 200)["count"]; n != 1.0 {
		t.Errorf("shipments count = %v", n)
	}
	if r := c.get(base + "/coupons"); r.status != 204 {
		t.Errorf("coupons of an order without discount = %d, want 204", r.status)
	}
	withCoupon := 0
	for _, so := range must[[]obj](t, c.get("/v2/orders?limit=60"), 200) {
		if so["discount_amount"] != "0.0000" {
			withCoupon = num(so["id"])
			break
		}
	}
	if withCoupon == 0 {
		t.Fatal("no seeded order has a discount")
	}
	cps := must[[]obj](t, c.get(fmt.Sprintf("/v2/orders/%d/coupons", withCoupon)), 200)
	if len(cps) != 1 || cps[0]["code"] == "" {
		t.Errorf("coupons = %v", cps)
	}
	withCons := must[[]obj](t, c.get(fmt.Sprintf("/v2/orders?min_id=%d&max_id=%d&include=consignments.line_items&consignment_structure=object", o.ID, o.ID)), 200)
	cons, ok := withCons[0]["consignments"].(obj)
	if !ok {
		t.Fatalf("consignments = %#v, want an object", withCons[0]["consignments"])
	}
	ship := cons["shipping"].([]any)[0].(obj)
	if items := ship["line_items"].([]any); len(items) != 1 || num(items[0].(obj)["id"]) != lines[0].ID {
		t.Errorf("consignment line items = %v", ship["line_items"])
	}
	asArray := must[[]obj](t, c.get(fmt.Sprintf("/v2/orders?min_id=%d&include=consignments", o.ID)), 200)
	if _, ok := asArray[0]["consignments"].([]any); !ok {
		t.Errorf("without consignment_structure=object consignments = %#v, want an array", asArray[0]["consignments"])
	}
}

// TestOrderFastPathsAgreeWithTheWalk compares the indexed answers for plain
// id and date_modified ranges with the general walk, forced by a filter
// that matches everything.
func TestOrderFastPathsAgreeWithTheWalk(t *testing.T) {
	t.Parallel()
	clock := newFakeClock(anchor.Add(time.Hour))
	c := newClient(t, Options{Orders: 90, Products: 5, Customers: 5, Now: clock.Now})
	for i := range 20 {
		clock.Advance(time.Second)
		c.do("PUT", fmt.Sprintf("/v2/orders/%d", firstOrderID+(i*13)%90), obj{"staff_notes": "x"})
	}
	queries := []string{
		"min_id=110&max_id=160&limit=7&page=3&sort=id:desc",
		"min_id=110&limit=9&page=2",
		"max_id=105&limit=3&page=2",
		"sort=date_modified:asc&limit=8&page=4&min_date_modified=" + qesc(anchor.Format(time.RFC3339)),
		"sort=date_modified:desc&limit=6&page=2&max_date_modified=" + qesc(anchor.Add(time.Hour+10*time.Second).Format(time.RFC3339)),
	}
	for _, q := range queries {
		fast, slow := c.get("/v2/orders?"+q), c.get("/v2/orders?min_total=-1&"+q)
		if fast.status != slow.status || string(fast.body) != string(slow.body) {
			t.Errorf("%s: indexed answer differs from the walk (%d vs %d)", q, fast.status, slow.status)
		}
	}
}

func TestUpdateOrderProductsPatch(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Orders: 2, Products: 3, Customers: 1})
	stocked := must[envelope[productJSON]](t, c.do("POST", "/v3/catalog/products",
		obj{"name": "Patch", "type": "physical", "weight": 1, "price": 4, "sku": "PATCH", "inventory_tracking": "product", "inventory_level": 10}), 200).Data
	o := must[orderJSON](t, c.do("POST", "/v2/orders", obj{"billing_address": billing(), "products": []obj{{"product_id": stocked.ID, "quantity": 2}}}), 200)
	stock := func() int { p, _ := c.srv.Store.Product(stocked.ID); return p.InventoryLevel }
	if stock() != 8 {
		t.Fatalf("stock after order = %d, want 8", stock())
	}
	lines := must[[]lineJSON](t, c.get(fmt.Sprintf("/v2/orders/%d/products", o.ID)), 200)
	base := fmt.Sprintf("/v2/orders/%d", o.ID)
	must[orderJSON](t, c.do("PUT", base, obj{"products": []obj{{"id": lines[0].ID, "quantity": 5}, {"name": "Fee", "quantity": 1, "price_ex_tax": 1}}}), 200)
	if stock() != 5 {
		t.Errorf("stock after quantity 2 -> 5 = %d, want 5", stock())
	}
	lines = must[[]lineJSON](t, c.get(base+"/products"), 200)
	if len(lines) != 2 || lines[0].Quantity != 5 || lines[1].PriceExTax != "1.0000" {
		t.Fatalf("lines = %+v", lines)
	}
	got := must[orderJSON](t, c.do("PUT", base, obj{"products": []obj{{"id": lines[0].ID, "quantity": 0}}}), 200)
	if stock() != 10 || got.ItemsTotal != 1 || got.SubtotalExTax != "1.0000" {
		t.Errorf("after removing the line: stock %d, order %+v", stock(), got)
	}
	if r := c.do("PUT", base, obj{"products": []obj{{"id": 424242, "quantity": 1}}}); r.status != 400 {
		t.Errorf("patch of a line not on the order = %d, want 400", r.status)
	}
	if r := c.do("PUT", base, obj{"products": []obj{{"quantity": 1}}}); r.status != 400 {
		t.Errorf("new line naming nothing = %d, want 400", r.status)
	}
}
