package syncer

import (
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

// OrderEnvelope is the output line of a whole order.
func OrderEnvelope(rec *OrderRecord) (Envelope, error) {
	return NewEnvelope(StreamOrders, int64(rec.ID), rec.DateModified.Time, rec)
}

// NewEnvelope encodes a whole record into an envelope.
func NewEnvelope(stream string, id int64, dateModified time.Time, record any) (Envelope, error) {
	b, err := json.Marshal(record)
	if err != nil {
		return Envelope{}, fmt.Errorf("syncer: encoding %s %d: %w", stream, id, err)
	}
	return Envelope{Stream: stream, ID: id, DateModified: dateModified.UTC().Truncate(time.Second), Record: b}, nil
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

	// known is a window's count already in hand, so ScanChunk does not ask
	// for it again.
	known windowCount
}

// windowCount is the number of orders in one window [from, to], known
// without asking: the count Count took for the run's total, or one a
// verified chunk implies for the window after it. Any count taken before a
// chunk's pages serves as the chunk's first count (see ScanChunk), so it is
// used once and never goes stale.
type windowCount struct {
	mu       sync.Mutex
	from, to time.Time
	n        int
	ok       bool
}

func (w *windowCount) put(from, to time.Time, n int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.from, w.to, w.n, w.ok = from, to, n, true
}

// keep returns a function that records a count of [from, to] as it passes
// through: a failed or unknown (-1) count is not kept.
func (w *windowCount) keep(from, to time.Time) func(int, error) (int, error) {
	return func(n int, err error) (int, error) {
		if err == nil && n >= 0 {
			w.put(from, to, n)
		}
		return n, err
	}
}

// take returns the count of [from, to] if it is known, and forgets it.
func (w *windowCount) take(from, to time.Time) (int, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.ok || !w.from.Equal(from) || !w.to.Equal(to) {
		return 0, false
	}
	w.ok = false
	return w.n, true
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

// Scan calls GET /v2/orders?min_date_modified=&max_date_modified=&sort=date_modified:asc&page=1.
func (s *OrderSource) Scan(ctx context.Context, from, to time.Time, limit int) ([]Item, error) {
	o := s.listOptions(limit)
	o.MinDateModified, o.MaxDateModified, o.Sort, o.Page = from, to, "date_modified:asc", 1
	list, _, err := s.Client.Orders.List(ctx, o)
	if err != nil {
		return nil, err
	}
	return s.items(list), nil
}

// ScanChunk reads up to pages pages of the window at once by page number
// (GET /v2/orders?page=1..n), which saves a round trip per page when latency,
// not the quota, bounds the sync. Offset pages are only trusted when the
// window [from, to] held as many orders after the pages were read as before
// (GET /v2/orders/count): records can leave a frozen window (modified, so
// their date_modified passes to) but never enter it, so equal counts mean
// nothing moved. The pages must also hold no order twice, which rules out
// ties at a page boundary sorted differently by different requests. When the
// store's quota is small, the extra count requests cost more than the
// round trips they save, and ok is false.
//
// The first count is often in hand: the run's total (Count), or, after a
// verified chunk, the window that chunk leaves: the second count less the
// chunk's orders before its last second, all of which the chunk holds. So a
// chunk costs its pages and one count, and each page goes to arrived as it
// is decoded, so that its orders' coupon reads go out with the second count.
func (s *OrderSource) ScanChunk(ctx context.Context, from, to time.Time, limit, pages int, arrived func([]Item)) (Chunk, error) {
	if rl := s.Client.RateLimit(); rl.Quota > 0 && rl.Quota < 1000 {
		return Chunk{Total: -1}, nil
	}
	before, ok := s.known.take(from, to)
	if !ok {
		var err error
		if before, err = s.count(ctx, from, to); err != nil {
			return Chunk{}, err
		}
	}
	n := min(pages, (before+limit-1)/limit)
	if n < 2 {
		return Chunk{Total: before}, nil
	}
	lists := make([][]Item, n)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(n) // n is at most pages, the caller's bound
	for i := range n {
		g.Go(func() error {
			o := s.listOptions(limit)
			o.MinDateModified, o.MaxDateModified, o.Sort, o.Page = from, to, "date_modified:asc", i+1
			list, _, err := s.Client.Orders.List(gctx, o)
			if err != nil {
				return err
			}
			lists[i] = s.items(list)
			arrived(lists[i])
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return Chunk{}, err
	}
	after, err := s.count(ctx, from, to)
	if err != nil {
		return Chunk{}, err
	}
	if after != before || !oneSnapshot(lists, limit) {
		return Chunk{Total: after}, nil
	}
	return Chunk{Items: verified(&s.known, lists, to, after), Pages: n, Total: before, OK: true}, nil
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

// Count calls GET /v2/orders/count over the window, and keeps the answer for
// ScanChunk.
func (s *OrderSource) Count(ctx context.Context, from, to time.Time) (int, error) {
	return s.known.keep(from, to)(s.count(ctx, from, to))
}

// count calls GET /v2/orders/count over the window.
func (s *OrderSource) count(ctx context.Context, from, to time.Time) (int, error) {
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
