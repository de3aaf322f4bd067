package syncer

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/sandbox"
	"github.com/bigc-dev/bigc/sandbox/sandboxtest"
)

// TestOrderEnvelopeIsJSONMarshal checks that an order's envelope, encoded by
// hand, is the one encoding/json made (NewEnvelope), for every order of
// seeded stores hydrated as the sync hydrates them: OrderRecord's own shape
// is held to bigcommerce.AppendOrderJSON here, the encoder's edge cases in
// bigcommerce/encode_orders_test.go.
func TestOrderEnvelopeIsJSONMarshal(t *testing.T) {
	t.Parallel()
	for _, seed := range []int64{3, 12} {
		t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) {
			t.Parallel()
			srv := sandboxtest.NewServer(t, sandbox.Options{Seed: seed, Orders: 300, Products: 30, Customers: 20})
			c, err := bigcommerce.NewClient(srv.StoreHash, srv.Tokens.Full, bigcommerce.WithBaseURL(srv.URL))
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			n, coupons := 0, 0
			for o, err := range c.Orders.All(ctx, &bigcommerce.OrderListOptions{IncludeConsignments: true}) {
				if err != nil {
					t.Fatal(err)
				}
				rec, err := HydrateOrder(ctx, c, o)
				if err != nil {
					t.Fatal(err)
				}
				n, coupons = n+1, coupons+len(rec.Coupons)
				got, err := OrderEnvelope(rec)
				if err != nil {
					t.Fatal(err)
				}
				want, err := NewEnvelope(StreamOrders, int64(rec.ID), rec.DateModified.Time, rec)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Fatalf("order %d: envelope differs from encoding/json's (-want +got):\n%s", rec.ID, diff)
				}
			}
			if n < 300 || coupons == 0 {
				t.Fatalf("compared %d orders, %d coupons: want the whole store, coupons among them", n, coupons)
			}
		})
	}
}

// TestOrderRecordJSONWithoutParts covers the records a sync does not make
// but encoding/json encodes all the same: no order, no lists.
func TestOrderRecordJSONWithoutParts(t *testing.T) {
	t.Parallel()
	for _, rec := range []*OrderRecord{
		{},
		{Order: &bigcommerce.Order{ID: 7, Products: &bigcommerce.ResourceLink{URL: "u", Resource: "/orders/7/products"}}},
		{Products: []*bigcommerce.OrderProduct{{ID: 1}}, Coupons: []*bigcommerce.OrderCoupon{}},
	} {
		want, err := json.Marshal(rec)
		if err != nil {
			t.Fatal(err)
		}
		got, err := rec.appendJSON(nil)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("appendJSON wrote\n%s\nencoding/json\n%s", got, want)
		}
	}
}

// TestOrderEnvelopeRefusesABadAmount checks that an amount that is not a
// decimal fails the record, naming the order and the member.
func TestOrderEnvelopeRefusesABadAmount(t *testing.T) {
	t.Parallel()
	rec := &OrderRecord{Order: &bigcommerce.Order{ID: 42}, Coupons: []*bigcommerce.OrderCoupon{{ID: 1, Amount: "1e3"}}}
	_, err := OrderEnvelope(rec)
	if err == nil || !strings.Contains(err.Error(), "orders 42") || !strings.Contains(err.Error(), "amount") {
		t.Fatalf("error %v, want one naming order 42 and its amount", err)
	}
}
