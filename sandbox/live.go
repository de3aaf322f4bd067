package sandbox

import (
	"math"
	"math/rand/v2"
	"sync/atomic"
	"time"
)

// Live orders are numbered by slot. Slot n of a schedule of Live orders a
// second falls at anchor + n/Live and creates order liveFirstOrderID + n,
// drawn from (Seed, n) alone, with line ids liveFirstLineID + 4n + j and
// shipping address id liveFirstOrderID + n. A slot therefore maps to the
// same order in every process with the same seed and rate, whenever the
// process started: a process started later serves the earlier live orders
// (within the backlog, below) plus the ones that have arrived since, under
// the same ids, provided nobody wrote to either store.
//
// Seeded orders and orders created through POST /v2/orders or the operator
// endpoints take ids upwards from firstOrderID, below liveFirstOrderID, so
// they never collide with a live slot. Unlike on BigCommerce, a created
// order's id is therefore lower than the live orders before it.
const (
	liveFirstOrderID = 100_000_000
	liveFirstLineID  = 1_000_000_000
	liveLinesPerSlot = 4 // a live order has 1 to 3 lines; the stride leaves room

	// liveBacklogSlots and liveBacklogSpan bound the slots a store makes
	// when it starts (or when its clock jumps): only the slots of the last
	// liveBacklogSpan, and at most the last liveBacklogSlots of them.
	liveBacklogSlots = 2000
	liveBacklogSpan  = time.Hour
)

// liveSchedule makes new orders arrive as wall time passes.
type liveSchedule struct {
	s       *Store
	rate    float64
	backlog int64
	done    atomic.Int64 // slots before done are materialised or skipped
}

func newLiveSchedule(s *Store, now time.Time) *liveSchedule {
	l := &liveSchedule{s: s, rate: s.opts.Live}
	if l.rate > 0 {
		l.backlog = int64(min(liveBacklogSlots, math.Ceil(liveBacklogSpan.Seconds()*l.rate)))
	}
	l.done.Store(max(0, l.due(now)-l.backlog))
	return l
}

// due is the number of slots that have fallen by now.
func (l *liveSchedule) due(now time.Time) int64 {
	if l.rate <= 0 || now.Before(anchor) {
		return 0
	}
	return int64(now.Sub(anchor).Seconds()*l.rate) + 1
}

// at is the Unix time slot n falls at.
func (l *liveSchedule) at(n int64) int64 {
	return anchor.Unix() + int64(float64(n)/l.rate)
}

// catchUp materialises every slot that has fallen by now, skipping those
// older than the backlog.
func (l *liveSchedule) catchUp(now time.Time) {
	n := l.due(now)
	if n <= l.done.Load() {
		return
	}
	l.s.mu.Lock()
	defer l.s.mu.Unlock()
	for k := max(l.done.Load(), n-l.backlog); k < n; k++ {
		l.slot(k)
		l.done.Store(k + 1)
	}
}

// slot creates slot n's order and, every other slot, moves one of the
// previous 50 slots' orders one step along its life (pending -> awaiting
// fulfillment -> awaiting shipment -> shipped -> completed). Only live
// orders are moved, so that what a slot does depends on (Seed, n) and the
// earlier slots alone. The caller holds s.mu.
func (l *liveSchedule) slot(n int64) {
	s := l.s
	rng := rand.New(rand.NewPCG(uint64(s.opts.Seed), uint64(n)^0x11fe))
	at := l.at(n)
	id := liveFirstOrderID + int(n)
	s.randomOrderAs(rng, at, &orderIDs{order: id, shippingAddr: id, firstLine: liveFirstLineID + liveLinesPerSlot*int(n)})
	if rng.IntN(2) != 0 || n == 0 {
		return
	}
	o := s.ord.get(id - 1 - rng.IntN(int(min(n, 50))))
	if o == nil || o.deleted {
		return // before the backlog, or archived
	}
	if next, ok := nextStatus[o.status]; ok {
		st := int(next)
		if next == 2 {
			s.shipWhole(o, at) // a store ships before it says Shipped (shipments.go)
		}
		s.updateOrder(o, &orderUpdate{StatusID: &st}, at)
	}
}

var nextStatus = map[uint8]uint8{0: 1, 1: 11, 7: 11, 11: 9, 9: 2, 2: 10}

// randomOrder creates an order of 1-3 random lines for a random customer
// through the same path as POST /v2/orders. The caller holds s.mu.
func (s *Store) randomOrder(rng *rand.Rand, now int64) *order {
	return s.randomOrderAs(rng, now, nil)
}

// randomOrderAs is randomOrder with fixed ids (nil: allocate them). What
// it draws depends on rng and the seeded customers and catalog only.
func (s *Store) randomOrderAs(rng *rand.Rand, now int64, fixed *orderIDs) *order {
	guest := s.ord.nextID
	if fixed != nil {
		guest = fixed.order
	}
	in := s.randomOrderInput(rng, guest)
	o, err := s.createOrderAs(&in, now, fixed)
	if err != nil {
		return nil
	}
	return o
}

// randomOrderInput draws an order body of 1-3 random lines for a random
// customer (or, one time in ten, a guest whose email names guestID). The
// caller holds s.mu.
func (s *Store) randomOrderInput(rng *rand.Rand, guestID int) OrderInput {
	in := OrderInput{}
	if n := len(s.crm.ids); n > 0 && rng.IntN(10) > 0 {
		cu := s.crm.customers[s.crm.ids[rng.IntN(n)]]
		in.CustomerID = &cu.ID
		b := *cu.billing
		in.BillingAddress = &b
	} else {
		in.BillingAddress = guestAddress(rng, guestID)
	}
	status := []int{11, 11, 11, 1, 7, 0}[rng.IntN(6)]
	in.StatusID = &status
	for range 1 + rng.IntN(3) {
		line := OrderProductInput{Quantity: ptr(1 + rng.IntN(2))}
		if n := len(s.cat.productList); n > 0 {
			p := s.cat.productList[rng.IntN(n)]
			line.VariantID = &p.Variants[rng.IntN(len(p.Variants))].ID
		} else {
			line.Name, line.PriceExTax = ptr("Custom item"), ptr(Amount("19.99"))
		}
		in.Products = append(in.Products, line)
	}
	return in
}

// runLive ticks the schedule so that live orders (and their webhooks)
// arrive even when nobody is asking.
func (s *Store) runLive() {
	defer s.bg.Done()
	every := min(time.Second, max(20*time.Millisecond, time.Duration(float64(time.Second)/s.opts.Live)))
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-s.done:
			return
		case <-t.C:
			s.live.catchUp(s.now())
		}
	}
}
