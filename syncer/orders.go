package syncer

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/bigc-dev/bigc/bigcommerce"
)

// OrderRecord is a whole order as the sync writes it: the V2 order with its
// line items, shipping addresses and coupons in place of the links to them.
// appendJSON encodes it by hand, as encoding/json would: a field added here
// is added there too (TestOrderEnvelopeIsJSONMarshal fails until it is).
type OrderRecord struct {
	*bigcommerce.Order
	Products          []*bigcommerce.OrderProduct         `json:"products"`
	ShippingAddresses []*bigcommerce.OrderShippingAddress `json:"shipping_addresses"`
	Coupons           []*bigcommerce.OrderCoupon          `json:"coupons"`
}

// consignmentLineCap is how many line items include=consignments.line_items
// is seen to embed at most; an order at the cap has its lines fetched in full.
const consignmentLineCap = 50

// HydrateOrder completes an order read with consignments (List or Get with
// IncludeConsignments) into a whole record. Line items and shipping addresses
// come from the consignments when they carry them; otherwise GET
// /v2/orders/{id}/products and /shipping_addresses are called. Coupons
// (GET /v2/orders/{id}/coupons) are fetched only when the order has a coupon
// discount. The calls it needs run concurrently; the client's governor paces
// them.
func HydrateOrder(ctx context.Context, c *bigcommerce.Client, o *bigcommerce.Order) (*OrderRecord, error) {
	rec := &OrderRecord{Order: o}
	var ship []*bigcommerce.ShippingConsignment
	if o.Consignments != nil {
		ship = o.Consignments.Shipping
	}
	lines := 0
	for _, s := range ship {
		lines += len(s.LineItems)
		rec.Products = append(rec.Products, s.LineItems...)
		rec.ShippingAddresses = append(rec.ShippingAddresses, &bigcommerce.OrderShippingAddress{
			ID: s.ID, OrderID: o.ID, ShippingDestination: s.ShippingDestination,
		})
	}
	needLines := (lines == 0 && o.ItemsTotal > 0) || slices.ContainsFunc(ship, func(s *bigcommerce.ShippingConsignment) bool {
		return len(s.LineItems) >= consignmentLineCap
	})
	needAddresses := len(ship) < o.ShippingAddressCount
	needCoupons := !isZeroDecimal(o.CouponDiscount)

	g, gctx := errgroup.WithContext(ctx)
	if needLines {
		g.Go(func() (err error) { rec.Products, err = c.Orders.Products(gctx, o.ID); return })
	}
	if needAddresses {
		g.Go(func() (err error) { rec.ShippingAddresses, err = c.Orders.ShippingAddresses(gctx, o.ID); return })
	}
	if needCoupons {
		g.Go(func() (err error) { rec.Coupons, err = c.Orders.Coupons(gctx, o.ID); return })
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	// Empty lists are written as [] rather than null: "none" is known.
	if rec.Products == nil {
		rec.Products = []*bigcommerce.OrderProduct{}
	}
	if rec.ShippingAddresses == nil {
		rec.ShippingAddresses = []*bigcommerce.OrderShippingAddress{}
	}
	if rec.Coupons == nil {
		rec.Coupons = []*bigcommerce.OrderCoupon{}
	}
	// The lines and addresses now stand on their own; the consignments would
	// only repeat them.
	cp := *o
	cp.Consignments = nil
	rec.Order = &cp
	return rec, nil
}

// FetchOrder reads one order whole: GET /v2/orders/{id} with consignments,
// then HydrateOrder. The webhook receiver uses it so that its records match
// the sync's.
func FetchOrder(ctx context.Context, c *bigcommerce.Client, id int) (*OrderRecord, error) {
	o, _, err := c.Orders.Get(ctx, id, &bigcommerce.OrderGetOptions{IncludeConsignments: true})
	if err != nil {
		return nil, err
	}
	return HydrateOrder(ctx, c, o)
}

// appendJSON appends the record's JSON encoding, json.Marshal(r) byte for
// byte, by bigcommerce.AppendOrderJSON: encoding/json's reflection over
// every order was a fifth of the sync's CPU.
func (r *OrderRecord) appendJSON(b []byte) ([]byte, error) {
	return bigcommerce.AppendOrderJSON(b, r.Order, &bigcommerce.OrderLists{
		Products: r.Products, ShippingAddresses: r.ShippingAddresses, Coupons: r.Coupons,
	})
}

// orderBufs are the buffers orders are encoded into; each record is then
// copied out at its size, one allocation where growing it took a dozen.
var orderBufs = sync.Pool{New: func() any { return new([]byte) }}

// OrderEnvelope is the output line of a whole order.
func OrderEnvelope(rec *OrderRecord) (Envelope, error) {
	buf := orderBufs.Get().(*[]byte)
	defer orderBufs.Put(buf)
	b, err := rec.appendJSON((*buf)[:0])
	*buf = b
	if err != nil {
		return Envelope{}, fmt.Errorf("syncer: encoding %s %d: %w", StreamOrders, rec.ID, err)
	}
	return recordEnvelope(StreamOrders, int64(rec.ID), rec.DateModified.Time, bytes.Clone(b)), nil
}

// NewEnvelope encodes a whole record into an envelope.
func NewEnvelope(stream string, id int64, dateModified time.Time, record any) (Envelope, error) {
	b, err := json.Marshal(record)
	if err != nil {
		return Envelope{}, fmt.Errorf("syncer: encoding %s %d: %w", stream, id, err)
	}
	return recordEnvelope(stream, id, dateModified, b), nil
}

// recordEnvelope is the envelope of an encoded record.
func recordEnvelope(stream string, id int64, dateModified time.Time, record []byte) Envelope {
	return Envelope{Stream: stream, ID: id, DateModified: dateModified.UTC().Truncate(time.Second), Record: record}
}

func isZeroDecimal(d bigcommerce.Decimal) bool {
	s := strings.TrimSpace(string(d))
	if s == "" {
		return true
	}
	v, err := bigcommerce.ParseDecimal(s)
	return err == nil && v.Sign() == 0
}

// OrderFilter selects the orders a sync emits.
type OrderFilter struct {
	// StatusIDs keeps only these statuses (empty: all). With exactly one, the
	// filter is sent to the API (status_id) and saves requests.
	StatusIDs []int
	// IncludeIncomplete keeps incomplete orders (status 0: abandoned
	// checkouts), which are left out by default.
	IncludeIncomplete bool
}

func (f OrderFilter) keep(status int) bool {
	if len(f.StatusIDs) > 0 {
		return slices.Contains(f.StatusIDs, status)
	}
	return status != 0 || f.IncludeIncomplete
}

// OrderSource reads orders through GET /v2/orders.
type OrderSource struct {
	Client *bigcommerce.Client
	Filter OrderFilter
}

// Stream is "orders".
func (s *OrderSource) Stream() string { return StreamOrders }

func (s *OrderSource) listOptions(limit int) *bigcommerce.OrderListOptions {
	o := &bigcommerce.OrderListOptions{Limit: limit, IncludeConsignments: true}
	if len(s.Filter.StatusIDs) == 1 {
		o.StatusID = bigcommerce.Ptr(s.Filter.StatusIDs[0])
	}
	return o
}

func (s *OrderSource) items(list []*bigcommerce.Order) []Item {
	items := make([]Item, len(list))
	for i, o := range list {
		items[i] = Item{ID: int64(o.ID), DateModified: o.DateModified.UTC(), Skip: !s.Filter.keep(o.StatusID), Value: o}
	}
	return items
}

// Scan reads the window's first page (ScanPage).
func (s *OrderSource) Scan(ctx context.Context, from, to time.Time, limit int) ([]Item, error) {
	items, _, err := s.ScanPage(ctx, from, to, limit, 1)
	return items, err
}

// Paging reads orders by page number (GET /v2/orders?page=n), vouched for
// by GET /v2/orders/count (V2 answers carry no size), except when the
// store's quota is small: then the counts cost more than the round trips
// they save.
func (s *OrderSource) Paging() (offsets, totals bool) {
	rl := s.Client.RateLimit()
	return rl.Quota == 0 || rl.Quota >= 1000, false
}

// ScanPage calls GET /v2/orders?min_date_modified=&max_date_modified=&sort=date_modified:asc&page=n.
func (s *OrderSource) ScanPage(ctx context.Context, from, to time.Time, limit, page int) ([]Item, int, error) {
	o := s.listOptions(limit)
	o.MinDateModified, o.MaxDateModified, o.Sort, o.Page = from, to, "date_modified:asc", page
	list, _, err := s.Client.Orders.List(ctx, o)
	if err != nil {
		return nil, 0, err
	}
	return s.items(list), -1, nil
}

// Group reads the orders modified at one second by ID keyset: GET
// /v2/orders?min_date_modified=at&max_date_modified=at&min_id=&sort=id:asc.
func (s *OrderSource) Group(ctx context.Context, at time.Time, limit int) iter.Seq2[[]Item, error] {
	return func(yield func([]Item, error) bool) {
		minID := 0
		for {
			o := s.listOptions(limit)
			o.MinDateModified, o.MaxDateModified, o.Sort, o.MinID, o.Page = at, at, "id:asc", minID, 1
			list, _, err := s.Client.Orders.List(ctx, o)
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(s.items(list), nil) || len(list) < limit {
				return
			}
			minID = list[len(list)-1].ID + 1
		}
	}
}

// Hydrate completes an order with HydrateOrder.
func (s *OrderSource) Hydrate(ctx context.Context, it *Item) error {
	rec, err := HydrateOrder(ctx, s.Client, it.Value.(*bigcommerce.Order))
	if err != nil {
		return err
	}
	env, err := OrderEnvelope(rec)
	if err != nil {
		return err
	}
	it.Record, it.Value = env.Record, nil
	return nil
}

// Count calls GET /v2/orders/count over the window.
func (s *OrderSource) Count(ctx context.Context, from, to time.Time) (int, error) {
	o := s.listOptions(0)
	o.IncludeConsignments = false
	o.MinDateModified, o.MaxDateModified = from, to
	n, _, err := s.Client.Orders.Count(ctx, o)
	if err != nil {
		return -1, err
	}
	return n.Count, nil
}

// orderStatusNames are the system labels of the order statuses (GET
// /v2/order_statuses), lower-cased.
var orderStatusNames = []string{
	"incomplete", "pending", "shipped", "partially shipped", "refunded", "cancelled", "declined",
	"awaiting payment", "awaiting pickup", "awaiting shipment", "completed", "awaiting fulfillment",
	"manual verification required", "disputed", "partially refunded",
}

// OrderStatusNames are the order statuses' system names in ID order, as
// ParseOrderStatus reads them (for completion and help).
func OrderStatusNames() []string { return slices.Clone(orderStatusNames) }

// ParseOrderStatus reads an order status given as an ID (0-14) or a system
// name such as "awaiting fulfillment" or "awaiting_fulfillment".
func ParseOrderStatus(s string) (int, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.Atoi(s); err == nil {
		if n < 0 || n >= len(orderStatusNames) {
			return 0, fmt.Errorf("status %d: want 0 to %d", n, len(orderStatusNames)-1)
		}
		return n, nil
	}
	name := strings.ToLower(strings.NewReplacer("_", " ", "-", " ").Replace(s))
	if i := slices.Index(orderStatusNames, name); i >= 0 {
		return i, nil
	}
	return 0, fmt.Errorf("status %q: want an ID 0-14 or one of %s", s, strings.Join(orderStatusNames, ", "))
}
