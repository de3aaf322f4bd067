package sandbox

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

func TestSingleRecordGets(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Orders: 30, Products: 10, Customers: 3})
	lines := must[[]lineJSON](t, c.get("/v2/orders/101/products"), 200)
	if got := must[lineJSON](t, c.get(fmt.Sprintf("/v2/orders/101/products/%d", lines[0].ID)), 200); got.ID != lines[0].ID {
		t.Errorf("order product = %+v", got)
	}
	if r := c.get("/v2/orders/101/products/999999"); r.status != 404 {
		t.Errorf("missing order product = %d", r.status)
	}
	addr := must[[]obj](t, c.get("/v2/orders/101/shipping_addresses"), 200)[0]
	if got := must[obj](t, c.get(fmt.Sprintf("/v2/orders/101/shipping_addresses/%d", num(addr["id"]))), 200); got["id"] != addr["id"] {
		t.Errorf("shipping address = %v", got)
	}
	if st := must[obj](t, c.get("/v2/order_statuses/11"), 200); st["name"] != "Awaiting Fulfillment" {
		t.Errorf("status 11 = %v", st)
	}
	if r := c.get("/v2/order_statuses/15"); r.status != 404 {
		t.Errorf("status 15 = %d", r.status)
	}
	p := productWithOptions(t, c)
	base := fmt.Sprintf("/v3/catalog/products/%d", p.ID)
	opts := must[envelope[[]obj]](t, c.get(base+"/options"), 200).Data
	optPath := fmt.Sprintf("%s/options/%d", base, num(opts[0]["id"]))
	if got := must[envelope[obj]](t, c.get(optPath), 200).Data; got["display_name"] != opts[0]["display_name"] {
		t.Errorf("option = %v", got)
	}
	upd := must[envelope[obj]](t, c.do("PUT", optPath, obj{"display_name": "Fit", "option_values": []obj{{"label": "XXL"}}}), 200).Data
	if upd["display_name"] != "Fit" || len(upd["option_values"].([]any)) != len(opts[0]["option_values"].([]any))+1 {
		t.Errorf("option update = %v", upd)
	}
	v := must[envelope[variantJSON]](t, c.get(fmt.Sprintf("%s/variants/%d", base, p.Variants[0].ID)), 200).Data
	if v.SKU != p.Variants[0].SKU {
		t.Errorf("variant = %+v", v)
	}
	if r := c.do("DELETE", fmt.Sprintf("%s/variants/%d", base, v.ID), nil); r.status != 204 {
		t.Errorf("delete variant = %d", r.status)
	}
	if after, _ := c.srv.Store.Product(p.ID); len(after.Variants) != len(p.Variants)-1 {
		t.Errorf("variants after delete = %d", len(after.Variants))
	}
	plain := must[envelope[productJSON]](t, c.do("POST", "/v3/catalog/products", obj{"name": "Plain", "type": "physical", "weight": 1, "price": 1,
		"images": []obj{{"image_url": "https://example.com/p.jpg"}}, "custom_fields": []obj{{"name": "a", "value": "b"}}}), 200).Data
	pb := fmt.Sprintf("/v3/catalog/products/%d", plain.ID)
	if r := c.do("DELETE", fmt.Sprintf("%s/variants/%d", pb, *plain.BaseVariantID), nil); r.status != 422 {
		t.Errorf("deleting the base variant = %d, want 422", r.status)
	}
	if got := must[envelope[obj]](t, c.get(fmt.Sprintf("%s/images/%d", pb, num(plain.Images[0]["id"]))), 200).Data; got["product_id"] != float64(plain.ID) {
		t.Errorf("image = %v", got)
	}
	if got := must[envelope[obj]](t, c.get(fmt.Sprintf("%s/custom-fields/%d", pb, num(plain.CustomFields[0]["id"]))), 200).Data; got["name"] != "a" {
		t.Errorf("custom field = %v", got)
	}
	if r := c.get(pb + "/custom-fields/1"); r.status != 404 {
		t.Errorf("custom field of another product = %d", r.status)
	}
}

func TestShipmentGetUpdateDelete(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Orders: 30, Products: 5, Customers: 2})
	var shipped int
	for _, o := range must[[]orderJSON](t, c.get("/v2/orders?status_id=2"), 200) {
		shipped = o.ID
		break
	}
	base := fmt.Sprintf("/v2/orders/%d/shipments", shipped)
	list := must[[]obj](t, c.get(base), 200)
	if len(list) != 1 {
		t.Fatalf("a seeded shipped order has one shipment: %v", list)
	}
	path := fmt.Sprintf("%s/%d", base, num(list[0]["id"]))
	if got := must[obj](t, c.get(path), 200); got["order_id"] != float64(shipped) {
		t.Errorf("shipment = %v", got)
	}
	if got := must[obj](t, c.do("PUT", path, obj{"tracking_number": "NEW1"}), 200); got["tracking_number"] != "NEW1" {
		t.Errorf("updated = %v", got)
	}
	if got := must[obj](t, c.get(path), 200); got["tracking_number"] != "NEW1" {
		t.Errorf("the update did not stick: %v", got)
	}
	if r := c.do("DELETE", path, nil); r.status != 204 {
		t.Errorf("delete = %d", r.status)
	}
	if r := c.get(base); r.status != 204 {
		t.Errorf("after deleting the only shipment = %d, want 204", r.status)
	}
	if r := c.get(base + "/424242"); r.status != 404 {
		t.Errorf("missing shipment = %d", r.status)
	}
}

func TestTreesUpsertAndDelete(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Orders: 1, Products: 3})
	if r := c.do("PUT", "/v3/catalog/trees", []obj{{"name": "No channel"}}); r.status != 422 {
		t.Errorf("new tree without a channel = %d, want 422", r.status)
	}
	trees := must[envelope[[]obj]](t, c.do("PUT", "/v3/catalog/trees", []obj{{"name": "Outlet", "channels": []int{2}}, {"id": 1, "name": "Main"}}), 200).Data
	if len(trees) != 2 || trees[1]["name"] != "Main" {
		t.Fatalf("upsert = %v", trees)
	}
	id := num(trees[0]["id"])
	must[envelope[[]catJSON]](t, c.do("POST", "/v3/catalog/trees/categories", []obj{{"name": "Only", "tree_id": id}}), 201)
	if r := must[obj](t, c.do("DELETE", "/v3/catalog/trees", nil), 422); r["errors"].(obj)["errors"].(obj)["id:in"] == nil || r["meta"] == nil {
		t.Errorf("DELETE without id:in = %v, want the spec's {errors: {status, title, type, errors}, meta}", r)
	}
	if r := c.do("DELETE", fmt.Sprintf("/v3/catalog/trees?id:in=%d", id), nil); r.status != 204 {
		t.Errorf("delete tree = %d", r.status)
	}
	if got := must[envelope[[]catJSON]](t, c.get(fmt.Sprintf("/v3/catalog/trees/categories?tree_id:in=%d", id)), 200).Data; len(got) != 0 {
		t.Errorf("categories of a deleted tree remain: %v", got)
	}
}

func TestGoMethodsForTests(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Orders: 5, Products: 3, Customers: 4})
	st := c.srv.Store
	if err := st.UpdateOrderStatus(101, 4); err != nil {
		t.Fatal(err)
	}
	if o, _ := st.Order(101); o.StatusID != 4 || o.Status != "Refunded" {
		t.Errorf("order = %+v", o)
	}
	if err := st.UpdateOrderStatus(9999, 1); err == nil {
		t.Error("status of a missing order changed")
	}
	if err := st.ArchiveOrder(102); err != nil {
		t.Fatal(err)
	}
	if n := st.Counts(); n.Orders != 4 || n.ArchivedOrders != 1 {
		t.Errorf("counts = %+v", n)
	}
	if ids := st.CustomerIDs(); len(ids) != 4 || ids[0] != 1 {
		t.Errorf("customer ids = %v", ids)
	}
	o, err := st.CreateOrder(&OrderInput{BillingAddress: &OrderAddress{Email: "go@example.com"},
		Products: []OrderProductInput{{VariantID: ptr(firstVariantID), Quantity: ptr(2)}}})
	if err != nil || len(o.Lines) != 1 || o.Lines[0].VariantID != firstVariantID || o.Lines[0].Quantity != 2 {
		t.Errorf("CreateOrder = %+v, %v", o, err)
	}
	if _, err := st.CreateOrder(&OrderInput{}); err == nil {
		t.Error("CreateOrder without billing address or products succeeded")
	}
	st.SetQuota(1, time.Hour)
	c.get("/v2/time")
	if r := c.get("/v2/time"); r.status != 429 {
		t.Errorf("after SetQuota(1) = %d", r.status)
	}
}

func TestMalformedBodies(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Orders: 2, Products: 2, Customers: 1})
	for _, tc := range []struct {
		method, path string
		status       int
	}{
		{"POST", "/v3/catalog/products", 422},
		{"POST", "/v2/orders", 400},
		{"PUT", "/v3/customers", 422},
	} {
		status, body, err := rawGet(c, tc.method, tc.path, `{"name": `)
		if err != nil || status != tc.status || !json.Valid(body) {
			t.Errorf("%s %s with broken JSON = %d %s %v, want %d", tc.method, tc.path, status, body, err, tc.status)
		}
	}
	if status, _, _ := rawGet(c, "POST", "/v3/customers", `{"email": "x"}`); status != 422 {
		t.Errorf("an object where an array belongs = %d, want 422", status)
	}
}

func TestOptionsValidation(t *testing.T) {
	t.Parallel()
	for _, o := range []Options{{StoreHash: "Bad-Hash"}, {Quota: -1}, {Live: -1}, {Latency: -time.Second}, {WebhookRetryScale: -1}, {WebhookRetryScale: 2}} {
		if _, err := New(o); err == nil {
			t.Errorf("New(%+v) accepted", o)
		}
	}
	s, err := New(Options{Products: -1, Customers: -1, Orders: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if n := s.Counts(); n.Products != 0 || n.Orders != 0 || n.Customers != 0 {
		t.Errorf("negative counts mean none: %+v", n)
	}
	if _, err := s.CreateOrder(nil); err != nil {
		t.Errorf("a random order in an empty store: %v", err)
	}
}

func TestServePrintsReadyLineAndStops(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- Serve(ctx, "127.0.0.1:0", Options{Orders: 2, Products: 2, Customers: 1}, pw)
		pw.Close()
	}()
	sc := bufio.NewScanner(pr)
	if !sc.Scan() {
		t.Fatal("no ready line")
	}
	var ready readyLine
	if err := json.Unmarshal(sc.Bytes(), &ready); err != nil || !strings.HasPrefix(ready.URL, "http://127.0.0.1:") || ready.Tokens.Full == "" || ready.Tokens.ReadOnly == "" {
		t.Fatalf("ready line %q: %v", sc.Text(), err)
	}
	cl := &client{t: t, srv: &Server{URL: ready.URL, StoreHash: ready.StoreHash}, token: ready.Tokens.ReadOnly}
	if r := cl.get("/v2/time"); r.status != 200 {
		t.Errorf("GET /v2/time with the read-only token = %d", r.status)
	}
	cancel()
	go io.Copy(io.Discard, pr)
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve returned %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after its context ended")
	}
}

func TestConnectURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		requested string
		listened  net.Addr
		want      string
	}{
		{"127.0.0.1:0", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 5000}, "http://127.0.0.1:5000"},
		{"0.0.0.0:0", &net.TCPAddr{IP: net.IPv6unspecified, Port: 5001}, "http://127.0.0.1:5001"},
		{":8080", &net.TCPAddr{IP: net.IPv6unspecified, Port: 8080}, "http://127.0.0.1:8080"},
		{"0.0.0.0:0", &net.TCPAddr{IP: net.IPv4zero, Port: 5002}, "http://127.0.0.1:5002"},
		{"[::]:0", &net.TCPAddr{IP: net.IPv6unspecified, Port: 5003}, "http://[::1]:5003"},
		{"[::1]:0", &net.TCPAddr{IP: net.IPv6loopback, Port: 5004}, "http://[::1]:5004"},
	}
	for _, tt := range tests {
		if got := connectURL(tt.requested, tt.listened); got != tt.want {
			t.Errorf("connectURL(%q, %v) = %q, want %q", tt.requested, tt.listened, got, tt.want)
		}
	}
}
