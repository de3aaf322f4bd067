package sandbox

import (
	"math/rand/v2"
	"sync/atomic"
	"time"
)

// liveSchedule makes new orders arrive as wall time passes. Slot k of the
// schedule falls at epoch + k/Live seconds, where epoch is the start of the
// period (UTC) the store was created in; what happens in a slot is drawn
// from (Seed, k) alone. Two processes with the same seed and rate started in
// the same period therefore serve the same live orders, provided nobody
// wrote to either. The period is an hour for rates up to 1 order a second,
// ten minutes up to 5, else one minute, so that a store created late in its
// period catches up on a few thousand orders at most.
type liveSchedule struct {
	s     *Store
	rate  float64
	epoch time.Time
	done  atomic.Int64 // slots materialised
}

func newLiveSchedule(s *Store, now time.Time) *liveSchedule {
	return &liveSchedule{s: s, rate: s.opts.Live, epoch: now.UTC().Truncate(livePeriod(s.opts.Live))}
}

// livePeriod is the period a live schedule starts at the beginning of.
func livePeriod(rate float64) time.Duration {
	switch {
	case rate <= 1:
		return time.Hour
	case rate <= 5:
		return 10 * time.Minute
	}
	return time.Minute
}

// due is the number of slots that have fallen by now.
func (l *liveSchedule) due(now time.Time) int64 {
	if l.rate <= 0 || now.Before(l.epoch) {
		return 0
	}
	return int64(now.Sub(l.epoch).Seconds()*l.rate) + 1
}

// catchUp materialises every slot that has fallen by now.
func (l *liveSchedule) catchUp(now time.Time) {
	n := l.due(now)
	if n <= l.done.Load() {
		return
	}
	l.s.mu.Lock()
	defer l.s.mu.Unlock()
	for k := l.done.Load(); k < n; k++ {
		l.slot(k)
		l.done.Store(k + 1)
	}
}

// slot creates the slot's order and, every other slot, moves an earlier
// order one step along its life (pending -> awaiting fulfillment -> shipped
// -> completed).
func (l *liveSchedule) slot(k int64) {
	s := l.s
	rng := rand.New(rand.NewPCG(uint64(s.opts.Seed), uint64(k)^0x11fe))
	at := l.epoch.Add(time.Duration(float64(k) / l.rate * float64(time.Second))).Unix()
	s.randomOrder(rng, at)
	if rng.IntN(2) == 0 && len(s.ord.orders) > 0 {
		o := s.ord.orders[rng.IntN(len(s.ord.orders))]
		if next, ok := nextStatus[o.status]; ok && !o.deleted {
			st := int(next)
			s.updateOrder(o, &orderUpdate{StatusID: &st}, at)
		}
	}
}

var nextStatus = map[uint8]uint8{0: 1, 1: 11, 7: 11, 11: 9, 9: 2, 2: 10}

// randomOrder creates an order of 1-3 random lines for a random customer
// through the same path as POST /v2/orders. The caller holds s.mu.
func (s *Store) randomOrder(rng *rand.Rand, now int64) *order {
	in := OrderInput{}
	if n := len(s.crm.ids); n > 0 && rng.IntN(10) > 0 {
		cu := s.crm.customers[s.crm.ids[rng.IntN(n)]]
		in.CustomerID = &cu.ID
		b := *cu.billing
		in.BillingAddress = &b
	} else {
		in.BillingAddress = guestAddress(rng, len(s.ord.orders)+s.ord.first)
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
	o, err := s.createOrder(&in, now)
	if err != nil {
		return nil
	}
	return o
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
