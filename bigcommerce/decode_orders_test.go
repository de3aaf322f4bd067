//go:build go1.27 && goexperiment.jsonv2

package bigcommerce

import (
	"bytes"
	"encoding/json/jsontext"
	jsonv2 "encoding/json/v2"
	"fmt"
	"reflect"
	"sync"
	"testing"
)

// The order page's records as encoding/json sees them without their
// decoders.
type (
	plainConsignments        Consignments
	plainShippingConsignment ShippingConsignment
	plainOrderProduct        OrderProduct
)

// byReflection decodes the order page's records as encoding/json does
// without their decoders, all the way down: through the types renamed
// without methods, and Consignments and OrderProductOption through the
// UnmarshalJSON methods they had (the older array form of consignments as
// that method merged it).
var byReflection = jsonv2.WithUnmarshalers(jsonv2.JoinUnmarshalers(
	jsonv2.UnmarshalFromFunc(func(dec *jsontext.Decoder, c *Consignments) error {
		switch dec.PeekKind() {
		case '{':
			return jsonv2.UnmarshalDecode(dec, (*plainConsignments)(c))
		case '[':
		default:
			raw, err := dec.ReadValue()
			if err != nil {
				return err
			}
			return c.UnmarshalJSON(raw)
		}
		var list []plainConsignments
		if err := jsonv2.UnmarshalDecode(dec, &list); err != nil {
			return err
		}
		*c = Consignments{}
		for i := range list {
			c.merge((*Consignments)(&list[i]))
		}
		return nil
	}),
	jsonv2.UnmarshalFromFunc(func(dec *jsontext.Decoder, s *ShippingConsignment) error {
		return jsonv2.UnmarshalDecode(dec, (*plainShippingConsignment)(s))
	}),
	jsonv2.UnmarshalFromFunc(func(dec *jsontext.Decoder, p *OrderProduct) error {
		return jsonv2.UnmarshalDecode(dec, (*plainOrderProduct)(p))
	}),
	jsonv2.UnmarshalFromFunc(func(dec *jsontext.Decoder, o *OrderProductOption) error {
		raw, err := dec.ReadValue()
		if err != nil {
			return err
		}
		return o.UnmarshalJSON(raw)
	}),
))

// decodeByReflection is decodeJSON without the order page's decoders.
func decodeByReflection(data []byte, out any) error {
	return jsonv2.Unmarshal(data, out, decodeOptions, byReflection)
}

// orderRecord is record T decoded by its decoder and by reflection.
func orderRecord[T any](looseErrors ...string) decodedRecord {
	decode := func(f func([]byte, any) error) func([]byte) (any, error) {
		return func(b []byte) (any, error) {
			var v T
			err := f(b, &v)
			return v, err
		}
	}
	return decodedRecord{name: reflect.TypeFor[T]().Name(), typ: reflect.TypeFor[T](),
		decode: decode(decodeJSON), ref: decode(decodeByReflection), looseErrors: names(looseErrors)}
}

func names(list []string) map[string]bool {
	m := map[string]bool{}
	for _, n := range list {
		m[n] = true
	}
	return m
}

// inPage is record T in a page of orders, where wrap puts a document's
// record: decoded as OrdersService.List decodes a page, and by reflection.
// Both give part of the page's first order, or the page when it has not one
// order.
func inPage[T any](name, wrap string, part func(*Order) any, looseErrors ...string) decodedRecord {
	first := func(l []*Order) any {
		if len(l) == 1 && l[0] != nil {
			return part(l[0])
		}
		return l
	}
	return decodedRecord{name: name, typ: reflect.TypeFor[T](), looseErrors: names(looseErrors),
		decode: func(b []byte) (any, error) {
			var l orderList
			err := decodeJSON(fmt.Appendf(nil, wrap, b), &l)
			return first(l), err
		},
		ref: func(b []byte) (any, error) {
			var l []*Order
			err := decodeByReflection(fmt.Appendf(nil, wrap, b), &l)
			return first(l), err
		},
	}
}

// orderRecords are the records of an order page and the pages and answers
// that hold them. Consignments and OrderProductOption had UnmarshalJSON
// methods that decoded their bytes again with json.Unmarshal; their
// errors were that second decoding's, with the value's JSON pointer in
// front, where now they are the failing member's, as for every other
// record: only whether there is an error must agree.
func orderRecords() []decodedRecord {
	return []decodedRecord{
		inPage[Order]("Order in a page", "[%s]", func(o *Order) any { return *o }, "consignments"),
		{name: "Order answer", typ: reflect.TypeFor[Order](),
			decode: func(b []byte) (any, error) {
				var a orderAnswer
				err := decodeJSON(b, &a)
				return Order(a), err
			},
			ref: func(b []byte) (any, error) {
				var o Order
				err := decodeByReflection(b, &o)
				return o, err
			}, looseErrors: names([]string{"consignments"})},
		inPage[BillingAddress]("BillingAddress in an order", `[{"billing_address":%s}]`, func(o *Order) any { return o.BillingAddress }),
		inPage[ResourceLink]("ResourceLink in an order", `[{"coupons":%s}]`, func(o *Order) any { return o.Coupons }),
		orderRecord[Consignments]("*"),
		inPage[Consignments]("Consignments in the older array form", `[{"consignments":[%s,{"shipping":[{"id":9}]}]}]`,
			func(o *Order) any { return o.Consignments }, "*"),
		orderRecord[ShippingConsignment](),
		orderRecord[OrderProduct]("product_options"),
		orderRecord[OrderProductOption]("*"),
	}
}

// TestOrderDecodersMatchEncodingJSON: every field of every record of an
// order page, every form of value, decodes as encoding/json decodes it
// (checkRecordsMatch).
func TestOrderDecodersMatchEncodingJSON(t *testing.T) {
	t.Parallel()
	checkRecordsMatch(t, orderRecords())
}

// TestOrderDecodersSetEveryField: see checkEveryFieldSet.
func TestOrderDecodersSetEveryField(t *testing.T) {
	t.Parallel()
	checkEveryFieldSet(t, orderRecords())
}

// TestOrderDecodersRejectUnknownMembersWhenAsked: see checkRejectsUnknownMembers.
func TestOrderDecodersRejectUnknownMembersWhenAsked(t *testing.T) {
	t.Parallel()
	docs := []string{`{"id":1,"zz":2}`, `{"ID":1}`, `{"id":1}`, `{"id":1,"first_name":"A","CITY":"B"}`, `{"id":1,"line_items":[{"id":2,"zz":3}]}`}
	checkRejectsUnknownMembers(t, func(s *ShippingConsignment) any { return (*plainShippingConsignment)(s) }, docs...)
	checkRejectsUnknownMembers(t, func(p *OrderProduct) any { return (*plainOrderProduct)(p) }, docs...)
}

// TestOrderPageDecodesAsEncodingJSON: the benchmark's page of 250 orders with
// line items decodes, as List and Get decode it, to the same orders as by
// reflection; so does the page in the older form of consignments.
func TestOrderPageDecodesAsEncodingJSON(t *testing.T) {
	t.Parallel()
	page := orderPageLinesJSON(250, 2)
	older := bytes.ReplaceAll(page, []byte(`"consignments":{`), []byte(`"consignments":[{`))
	older = bytes.ReplaceAll(older, []byte(`"email":{"gift_certificates":[]}}}`), []byte(`"email":{"gift_certificates":[]}}]}`))
	for _, data := range [][]byte{page, older, orderPageJSON(3)} {
		var got orderList
		if err := decodeJSON(data, &got); err != nil {
			t.Fatal(err)
		}
		var want []*Order
		if err := decodeByReflection(data, &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual([]*Order(got), want) {
			t.Fatalf("the page of %d orders decodes otherwise than by reflection", len(want))
		}
		var one orderAnswer
		var oneWant Order
		if err := decodeJSON(mustFirstOrder(t, data), &one); err != nil {
			t.Fatal(err)
		}
		if err := decodeByReflection(mustFirstOrder(t, data), &oneWant); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(Order(one), oneWant) || oneWant.ID == 0 {
			t.Fatalf("one order decodes otherwise than by reflection:\n got %+v\nwant %+v", Order(one), oneWant)
		}
	}
}

// mustFirstOrder is the first order of a page, as written.
func mustFirstOrder(t *testing.T, page []byte) []byte {
	var l []jsontext.Value
	if err := jsonv2.Unmarshal(page, &l); err != nil || len(l) == 0 {
		t.Fatalf("page of %d orders: %v", len(l), err)
	}
	return l[0]
}

// TestOrderPagesDecodeConcurrently: pages decoded on many goroutines at once
// (sharing the pool of batchDecoders and the table of recent texts) each
// decode as by reflection.
func TestOrderPagesDecodeConcurrently(t *testing.T) {
	t.Parallel()
	pages := [][]byte{orderPageLinesJSON(40, 3), orderPageLinesJSON(30, 1), productPageJSON(20, 2)}
	var want [2][]*Order
	for i := range want {
		if err := decodeByReflection(pages[i], &want[i]); err != nil {
			t.Fatal(err)
		}
	}
	var wantProducts envelope[[]*Product]
	if err := decodeJSON(pages[2], &wantProducts); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 20 {
				n := (g + i) % len(pages)
				if n == 2 {
					var got envelope[[]*Product]
					if err := decodeJSON(pages[n], &got); err != nil || !reflect.DeepEqual(got, wantProducts) {
						t.Errorf("goroutine %d: the product page decoded otherwise (%v)", g, err)
						return
					}
					continue
				}
				var got orderList
				if err := decodeJSON(pages[n], &got); err != nil || !reflect.DeepEqual([]*Order(got), want[n]) {
					t.Errorf("goroutine %d: order page %d decoded otherwise (%v)", g, n, err)
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestMemberDecodersTreatNullAsTheOptionsSay: null leaves a string, number or
// bool as it was under encoding/json's options (decodeJSON's) and zeroes it
// under encoding/json/v2's, as reflection does under each.
func TestMemberDecodersTreatNullAsTheOptionsSay(t *testing.T) {
	t.Parallel()
	doc := []byte(`{"id":7,"name":"Mug","is_refunded":true,"base_price":"1.50",
		"id":null,"name":null,"is_refunded":null,"base_price":null}`)
	for _, tt := range []struct {
		unmarshal func([]byte, any) error
		name      string
	}{
		{decodeJSON, "Mug"},
		{func(b []byte, v any) error { return jsonv2.Unmarshal(b, v, jsontext.AllowDuplicateNames(true)) }, ""},
	} {
		var got OrderProduct
		var want plainOrderProduct
		if err := tt.unmarshal(doc, &got); err != nil {
			t.Fatal(err)
		}
		if err := tt.unmarshal(doc, &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, OrderProduct(want)) || got.Name != tt.name {
			t.Errorf("got %+v, reflection %+v", got, want)
		}
	}
}

// FuzzOrderDecodersMatchReflection: any bytes decode as one order (GET
// /v2/orders/{id}) to what reflection gives, or fail where it fails.
func FuzzOrderDecodersMatchReflection(f *testing.F) {
	page := orderPageLinesJSON(2, 2)
	f.Add(page)
	f.Add([]byte(v2Order(1)))
	f.Add([]byte(`{"id":1,"consignments":[{"shipping":[{"line_items":[{"product_options":[{"value":12}]}]}]}]}`))
	f.Add([]byte(`{"ID":1,"billing_address":{"CITY":"A\u00e9","zip":null},"total_inc_tax":"1e3","date_shipped":"Mon, 11 Mar 2019 15:17:25 +0000"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var got orderAnswer
		gotErr := decodeJSON(data, &got)
		var want Order
		wantErr := decodeByReflection(data, &want)
		if (gotErr == nil) != (wantErr == nil) {
			t.Fatalf("%q: error %v, by reflection %v", data, gotErr, wantErr)
		}
		if gotErr == nil && !reflect.DeepEqual(Order(got), want) {
			t.Fatalf("%q:\n got %+v\nwant %+v", data, Order(got), want)
		}
	})
}
