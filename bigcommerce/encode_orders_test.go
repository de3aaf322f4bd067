package bigcommerce_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/sandbox"
)

// wholeOrder is shaped as syncer.OrderRecord is: encoding/json's bytes for
// it are what AppendOrderJSON must write for an order with OrderLists.
type wholeOrder struct {
	*bigcommerce.Order
	Products          []*bigcommerce.OrderProduct         `json:"products"`
	ShippingAddresses []*bigcommerce.OrderShippingAddress `json:"shipping_addresses"`
	Coupons           []*bigcommerce.OrderCoupon          `json:"coupons"`
}

// marshalOrder is encoding/json's encoding of o with lists.
func marshalOrder(o *bigcommerce.Order, lists *bigcommerce.OrderLists) ([]byte, error) {
	if lists == nil {
		return json.Marshal(o)
	}
	return json.Marshal(wholeOrder{o, lists.Products, lists.ShippingAddresses, lists.Coupons})
}

// checkAsEncodingJSON fails the test unless AppendOrderJSON appends exactly
// encoding/json's bytes for o with lists.
func checkAsEncodingJSON(t *testing.T, what string, o *bigcommerce.Order, lists *bigcommerce.OrderLists) {
	t.Helper()
	want, err := marshalOrder(o, lists)
	if err != nil {
		t.Fatalf("%s: encoding/json: %v", what, err)
	}
	prefix := []byte(`[1,`)
	got, err := bigcommerce.AppendOrderJSON(prefix, o, lists)
	if err != nil {
		t.Fatalf("%s: AppendOrderJSON: %v", what, err)
	}
	if !bytes.HasPrefix(got, prefix) {
		t.Fatalf("%s: AppendOrderJSON lost what b held: %.40q", what, got)
	}
	if got = got[len(prefix):]; !bytes.Equal(got, want) {
		i := 0
		for i < len(got) && i < len(want) && got[i] == want[i] {
			i++
		}
		from := max(0, i-60)
		t.Fatalf("%s: AppendOrderJSON differs from encoding/json at byte %d:\n got  …%s\n want …%s",
			what, i, got[from:min(len(got), i+60)], want[from:min(len(want), i+60)])
	}
}

// TestAppendOrderJSONSandboxOrders compares every order of seeded sandbox
// stores as the API answers them: bare with their consignments, and whole
// with the line items, shipping addresses and coupons their sub-resources
// list, with and without the consignments.
func TestAppendOrderJSONSandboxOrders(t *testing.T) {
	t.Parallel()
	for _, seed := range []int64{1, 2, 7, 31} {
		t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) {
			t.Parallel()
			c, _ := sandboxClient(t, sandbox.Options{Seed: seed, Orders: 400, Products: 40, Customers: 30})
			ctx := context.Background()
			if seed == 1 {
				createAwkwardOrders(t, ctx, c)
			}
			n, coupons := 0, 0
			for o, err := range c.Orders.All(ctx, &bigcommerce.OrderListOptions{IncludeConsignments: true}) {
				if err != nil {
					t.Fatal(err)
				}
				n++
				what := fmt.Sprint("order ", o.ID)
				checkAsEncodingJSON(t, what, o, nil)

				lists := &bigcommerce.OrderLists{}
				if lists.Products, err = c.Orders.Products(ctx, o.ID); err != nil {
					t.Fatal(err)
				}
				if lists.ShippingAddresses, err = c.Orders.ShippingAddresses(ctx, o.ID); err != nil {
					t.Fatal(err)
				}
				if o.CouponDiscount.Sign() != 0 {
					if lists.Coupons, err = c.Orders.Coupons(ctx, o.ID); err != nil {
						t.Fatal(err)
					}
					coupons += len(lists.Coupons)
				}
				checkAsEncodingJSON(t, what+" with its lists", o, lists)
				o.Consignments = nil
				checkAsEncodingJSON(t, what+" with its lists, no consignments", o, lists)
			}
			if n < 400 || coupons == 0 {
				t.Fatalf("compared %d orders, %d coupons: want the whole store, coupons among them", n, coupons)
			}
		})
	}
}

// createAwkwardOrders adds orders whose texts need escaping, written and
// read back through the API.
func createAwkwardOrders(t *testing.T, ctx context.Context, c *bigcommerce.Client) {
	t.Helper()
	for i, s := range awkwardStrings {
		addr := &bigcommerce.BillingAddress{FirstName: s, LastName: "Doe " + s, Company: s, Street1: "1 Main St", City: s,
			State: "Texas", Zip: "78751", Country: "United States", CountryISO2: "US", Email: fmt.Sprintf("awkward%d@example.com", i)}
		_, _, err := c.Orders.Create(ctx, &bigcommerce.OrderCreateRequest{
			BillingAddress:    addr,
			ShippingAddresses: []*bigcommerce.BillingAddress{addr},
			Products:          []*bigcommerce.OrderProductRequest{{Name: "Custom " + s, SKU: s, Quantity: 2, PriceExTax: "10.50", PriceIncTax: "11.55"}},
			StaffNotes:        s,
			CustomerMessage:   s,
			ExternalID:        s,
		})
		if err != nil {
			t.Fatalf("creating an order with %q: %v", s, err)
		}
	}
}

// awkwardStrings are texts encoding/json escapes or replaces.
var awkwardStrings = []string{
	"",
	"<script>alert('x')</script> & more",
	`a "quoted" \ backslash / slash`,
	"controls \x00\x01\x07\b\t\n\v\f\r\x1b\x1f and DEL \x7f",
	"separators \u2028 and \u2029 and \u0085 next line",
	"Zoë Ørsted, Straße 5, 東京都, 🎉",
	"invalid \xff\xfe UTF-8 \xc3( and a cut rune \xe2\x82",
	"a real U+FFFD \ufffd stays",
	strings.Repeat("long text ", 200),
}

// TestAppendOrderJSONEveryField compares records whose every field is set,
// to distinct values, down to the product options and the consignments: a
// member dropped, reordered or written from the wrong field fails here. The
// bools are set both ways.
func TestAppendOrderJSONEveryField(t *testing.T) {
	t.Parallel()
	for parity := range 2 {
		o, lists := fullOrder(t, parity)
		checkAsEncodingJSON(t, fmt.Sprint("order, parity ", parity), o, nil)
		checkAsEncodingJSON(t, fmt.Sprint("order with lists, parity ", parity), o, lists)
		checkAsEncodingJSON(t, fmt.Sprint("no order, only lists, parity ", parity), nil, lists)
	}
}

// TestAppendOrderJSONEdgeValues puts each awkward value in every field of
// its type at once: texts, amounts as the API sends them, and dates.
func TestAppendOrderJSONEdgeValues(t *testing.T) {
	t.Parallel()
	decimals := []bigcommerce.Decimal{"0", "-0", "0.0000", "00", "007.50", "-007.50", "-00.5", "62.6793", "-1234.5",
		"1.0000000000", "999999999999999999999999.999999999999999999999999", "-999999999999999999999999"}
	times := []time.Time{
		time.Date(2019, 3, 11, 15, 17, 25, 0, time.UTC),
		time.Date(2019, 3, 11, 15, 17, 25, 999_999_999, time.FixedZone("", 5*3600+1800)),
		time.Date(2019, 3, 11, 15, 17, 25, 0, time.FixedZone("", -7*3600)),
		time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC),
		time.Date(1969, 12, 31, 23, 59, 59, 0, time.Local),
		time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Date(12345, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Unix(0, 0),
	}
	raws := []json.RawMessage{json.RawMessage(`{ "a" : [ 1 , 2.50 , "<&>\u2028" ] , "b" : null }`), json.RawMessage(`[]`),
		json.RawMessage(`"x"`), json.RawMessage("\t{}\n"), json.RawMessage(`null`)}
	type edge struct {
		what string
		set  func(v reflect.Value) // sets v if it is of the type at stake
	}
	var edges []edge
	for _, s := range awkwardStrings {
		edges = append(edges, edge{fmt.Sprintf("text %.30q", s), func(v reflect.Value) {
			if v.Kind() == reflect.String && v.Type() != decimalType {
				v.SetString(s)
			}
		}})
	}
	for _, d := range decimals {
		edges = append(edges, edge{fmt.Sprintf("amount %q", d), func(v reflect.Value) {
			if v.Type() == decimalType {
				v.Set(reflect.ValueOf(d))
			}
		}})
	}
	for _, tm := range times {
		edges = append(edges, edge{fmt.Sprintf("date %v", tm), func(v reflect.Value) {
			if v.Type() == timeType {
				v.Set(reflect.ValueOf(bigcommerce.Time{Time: tm}))
			}
		}})
	}
	for _, r := range raws {
		edges = append(edges, edge{fmt.Sprintf("raw %q", r), func(v reflect.Value) {
			if v.Type() == rawType {
				v.Set(reflect.ValueOf(r))
			}
		}})
	}
	for _, n := range []int{0, -1, 1 << 62, -1 << 63} {
		edges = append(edges, edge{fmt.Sprint("number ", n), func(v reflect.Value) {
			if v.Kind() == reflect.Int {
				v.SetInt(int64(n))
			}
		}})
	}
	for _, e := range edges {
		o, lists := fullOrder(t, 0)
		visitLeaves(reflect.ValueOf(o), e.set)
		visitLeaves(reflect.ValueOf(lists), e.set)
		checkAsEncodingJSON(t, e.what, o, nil)
		checkAsEncodingJSON(t, e.what+", with lists", o, lists)
	}
}

// TestAppendOrderJSONEmptyAndNil covers what is absent: nil pointers, nil
// and empty lists, nil elements, zero values and omitted members.
func TestAppendOrderJSONEmptyAndNil(t *testing.T) {
	t.Parallel()
	full := func() *bigcommerce.Order { o, _ := fullOrder(t, 1); return o }
	cases := []struct {
		what  string
		o     *bigcommerce.Order
		lists *bigcommerce.OrderLists
	}{
		{"nil order", nil, nil},
		{"nil order, nil lists", nil, &bigcommerce.OrderLists{}},
		{"zero order", &bigcommerce.Order{}, nil},
		{"zero order, nil lists", &bigcommerce.Order{}, &bigcommerce.OrderLists{}},
		{"zero order, empty lists", &bigcommerce.Order{}, &bigcommerce.OrderLists{
			Products: []*bigcommerce.OrderProduct{}, ShippingAddresses: []*bigcommerce.OrderShippingAddress{}, Coupons: []*bigcommerce.OrderCoupon{}}},
		{"nil elements", &bigcommerce.Order{ID: 1}, &bigcommerce.OrderLists{
			Products: []*bigcommerce.OrderProduct{nil}, ShippingAddresses: []*bigcommerce.OrderShippingAddress{nil, nil}, Coupons: []*bigcommerce.OrderCoupon{nil}}},
		{"zero elements", &bigcommerce.Order{ID: 1}, &bigcommerce.OrderLists{
			Products: []*bigcommerce.OrderProduct{{}}, ShippingAddresses: []*bigcommerce.OrderShippingAddress{{}}, Coupons: []*bigcommerce.OrderCoupon{{}}}},
		{"empty product options", &bigcommerce.Order{ID: 1}, &bigcommerce.OrderLists{
			Products: []*bigcommerce.OrderProduct{{ID: 1, ProductOptions: []*bigcommerce.OrderProductOption{}}, {ID: 2, ProductOptions: []*bigcommerce.OrderProductOption{nil}}}}},
		{"empty consignments", &bigcommerce.Order{ID: 1, Consignments: &bigcommerce.Consignments{}}, nil},
		{"consignments of empty lists", &bigcommerce.Order{ID: 1, Consignments: &bigcommerce.Consignments{
			Shipping: []*bigcommerce.ShippingConsignment{}, Pickups: []json.RawMessage{}, Downloads: []json.RawMessage{}, Email: json.RawMessage{}}}, nil},
		{"consignment without lines", &bigcommerce.Order{ID: 1, Consignments: &bigcommerce.Consignments{
			Shipping: []*bigcommerce.ShippingConsignment{{ID: 1}, nil, {LineItems: []*bigcommerce.OrderProduct{}}}}}, nil},
		{"only email consignment", &bigcommerce.Order{ID: 1, Consignments: &bigcommerce.Consignments{Email: json.RawMessage(`{"gift_certificates":[]}`)}}, nil},
		{"only downloads", &bigcommerce.Order{ID: 1, Consignments: &bigcommerce.Consignments{Downloads: []json.RawMessage{nil, json.RawMessage(`{}`)}}}, nil},
		{"links, no billing address", func() *bigcommerce.Order {
			o := full()
			o.BillingAddress, o.ShippingAddresses = nil, nil
			return o
		}(), nil},
		{"zero links", &bigcommerce.Order{Products: &bigcommerce.ResourceLink{}, ShippingAddresses: &bigcommerce.ResourceLink{}, Coupons: &bigcommerce.ResourceLink{}}, nil},
		{"links hidden by lists", full(), &bigcommerce.OrderLists{}},
	}
	for _, c := range cases {
		checkAsEncodingJSON(t, c.what, c.o, c.lists)
	}
}

// TestAppendOrderJSONRefusesWhatEncodingJSONRefuses checks that an amount
// that is not a decimal, or raw JSON that is not JSON, is an error naming
// the member, as encoding/json refuses them, and that b is left as it was.
func TestAppendOrderJSONRefusesWhatEncodingJSONRefuses(t *testing.T) {
	t.Parallel()
	cases := []struct {
		what, member string
		spoil        func(o *bigcommerce.Order, l *bigcommerce.OrderLists)
	}{
		{"order amount", "total_tax", func(o *bigcommerce.Order, _ *bigcommerce.OrderLists) { o.TotalTax = "1e3" }},
		{"line item amount", "price_ex_tax", func(_ *bigcommerce.Order, l *bigcommerce.OrderLists) { l.Products[1].PriceExTax = "12,50" }},
		{"consignment line amount", "weight", func(o *bigcommerce.Order, _ *bigcommerce.OrderLists) {
			o.Consignments.Shipping[0].LineItems[0].Weight = "-"
		}},
		{"address amount", "cost_inc_tax", func(_ *bigcommerce.Order, l *bigcommerce.OrderLists) { l.ShippingAddresses[0].CostIncTax = " 1" }},
		{"coupon amount", "discount", func(_ *bigcommerce.Order, l *bigcommerce.OrderLists) { l.Coupons[1].Discount = "abc" }},
		{"raw consignment", "email", func(o *bigcommerce.Order, _ *bigcommerce.OrderLists) { o.Consignments.Email = json.RawMessage(`{"a":`) }},
	}
	for _, c := range cases {
		o, lists := fullOrder(t, 0)
		c.spoil(o, lists)
		if _, err := marshalOrder(o, lists); err == nil {
			t.Fatalf("%s: encoding/json took it; the case tests nothing", c.what)
		}
		b := []byte("kept")
		got, err := bigcommerce.AppendOrderJSON(b, o, lists)
		if err == nil || !strings.Contains(err.Error(), c.member) {
			t.Errorf("%s: error %v, want one naming %s", c.what, err, c.member)
		}
		if string(got) != "kept" {
			t.Errorf("%s: b became %.40q, want it as it was", c.what, got)
		}
	}
}

var (
	decimalType = reflect.TypeFor[bigcommerce.Decimal]()
	timeType    = reflect.TypeFor[bigcommerce.Time]()
	rawType     = reflect.TypeFor[json.RawMessage]()
)

// isLeaf reports whether values of t are set as a whole: the encoders'
// scalars, including the types with their own JSON form.
func isLeaf(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Struct:
		return t == timeType || t == rawType
	}
	return true
}

// visitLeaves calls leaf with every settable leaf value reachable from v.
func visitLeaves(v reflect.Value, leaf func(reflect.Value)) {
	switch {
	case isLeaf(v.Type()):
		leaf(v)
	case v.Kind() == reflect.Pointer:
		if !v.IsNil() {
			visitLeaves(v.Elem(), leaf)
		}
	case v.Kind() == reflect.Slice:
		for i := range v.Len() {
			visitLeaves(v.Index(i), leaf)
		}
	case v.Kind() == reflect.Struct:
		for i := range v.NumField() {
			visitLeaves(v.Field(i), leaf)
		}
	}
}

// grow gives every nil pointer reachable from v a value and every empty
// list two elements, so that no member is omitted or null.
func grow(v reflect.Value) {
	switch {
	case isLeaf(v.Type()):
	case v.Kind() == reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		grow(v.Elem())
	case v.Kind() == reflect.Slice:
		if v.Len() == 0 {
			v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		}
		for i := range v.Len() {
			grow(v.Index(i))
		}
	case v.Kind() == reflect.Struct:
		for i := range v.NumField() {
			grow(v.Field(i))
		}
	}
}

// fullOrder builds an order and lists in which every field at every depth
// is set, each to a value no other field has (the bools alternate, starting
// with parity). A field of a kind it does not know fails the test, so a new
// field cannot slip past it.
func fullOrder(t *testing.T, parity int) (*bigcommerce.Order, *bigcommerce.OrderLists) {
	t.Helper()
	o, lists := &bigcommerce.Order{}, &bigcommerce.OrderLists{}
	n := parity
	set := func(v reflect.Value) {
		n++
		switch {
		case v.Type() == decimalType:
			v.SetString(fmt.Sprintf("%d.%04d", n, n))
		case v.Type() == timeType:
			v.Set(reflect.ValueOf(bigcommerce.Time{Time: time.Date(2019, 3, 11, 15, 17, 25, 0, time.UTC).Add(time.Duration(n) * time.Hour)}))
		case v.Type() == rawType:
			v.SetBytes(fmt.Appendf(nil, `{ "n" : %d, "html": "<&>" }`, n))
		case v.Kind() == reflect.String:
			v.SetString(fmt.Sprintf("text %d <&> \"é\"", n))
		case v.Kind() == reflect.Int:
			v.SetInt(int64(n))
		case v.Kind() == reflect.Bool:
			v.SetBool(n%2 == 0)
		default:
			t.Fatalf("fullOrder does not know how to set a %v", v.Type())
		}
	}
	for _, v := range []reflect.Value{reflect.ValueOf(o), reflect.ValueOf(lists)} {
		grow(v)
		visitLeaves(v, set)
	}
	return o, lists
}

// BenchmarkAppendOrderJSON encodes a sandbox order with its line items,
// shipping address and coupons as the sync writes it: by AppendOrderJSON
// and, for comparison, by encoding/json.
func BenchmarkAppendOrderJSON(b *testing.B) {
	c, _ := sandboxClient(b, sandbox.Options{Seed: 1, Orders: 60, Products: 40, Customers: 30})
	ctx := context.Background()
	var o *bigcommerce.Order
	for it, err := range c.Orders.All(ctx, &bigcommerce.OrderListOptions{IncludeConsignments: true}) {
		if err != nil {
			b.Fatal(err)
		}
		if o == nil || len(it.Consignments.Shipping[0].LineItems) > len(o.Consignments.Shipping[0].LineItems) {
			o = it
		}
	}
	lists := &bigcommerce.OrderLists{Products: o.Consignments.Shipping[0].LineItems, Coupons: []*bigcommerce.OrderCoupon{}}
	var err error
	if lists.ShippingAddresses, err = c.Orders.ShippingAddresses(ctx, o.ID); err != nil {
		b.Fatal(err)
	}
	if lists.Coupons, err = c.Orders.Coupons(ctx, o.ID); err != nil {
		b.Fatal(err)
	}
	o.Consignments = nil
	want, err := marshalOrder(o, lists)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("order %d: %d line items, %d bytes", o.ID, len(lists.Products), len(want))

	b.Run("hand", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(want)))
		var buf []byte
		for b.Loop() {
			if buf, err = bigcommerce.AppendOrderJSON(buf[:0], o, lists); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(want)))
		for b.Loop() {
			if _, err := marshalOrder(o, lists); err != nil {
				b.Fatal(err)
			}
		}
	})
}
