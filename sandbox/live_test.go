package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
	"time"
)

func TestLiveOrdersArriveOnASchedule(t *testing.T) {
	t.Parallel()
	// One order every 20 s; the backlog is the last hour's 180 slots.
	start := time.Date(2026, 11, 26, 10, 0, 30, 0, time.UTC)
	clock := newFakeClock(start)
	a := newStore(t, Options{Seed: 5, Products: 10, Customers: 5, Orders: 20, Live: 0.05, Now: clock.Now})
	if n := a.Counts().Orders; n != 20+180 {
		t.Fatalf("orders at start = %d, want 20 seeded + 180 live", n)
	}
	clock.Advance(100 * time.Second)
	serve(t, a, "/v2/time")
	if n := a.Counts().Orders; n != 20+185 {
		t.Errorf("orders after 100 s = %d, want 205", n)
	}
	// Slot n falls at anchor + 20n s and is order liveFirstOrderID + n.
	n := int(clock.Now().Sub(anchor) / (20 * time.Second))
	last, ok := a.Order(liveFirstOrderID + n)
	if !ok || !last.DateCreated.Equal(anchor.Add(time.Duration(n)*20*time.Second)) {
		t.Errorf("slot %d: order %+v, found %v", n, last, ok)
	}
	if _, ok := a.Order(liveFirstOrderID + n + 1); ok {
		t.Errorf("slot %d exists before it falls", n+1)
	}
	// Orders created through the API take ids below the live range.
	o, err := a.CreateOrder(nil)
	if err != nil || o.ID != firstOrderID+20 {
		t.Errorf("created order id = %d (%v), want %d", o.ID, err, firstOrderID+20)
	}
}

// TestLiveOrdersAreTheSameInEveryProcess starts a second store with the same
// seed an hour and more after the first, across an hour boundary: the live
// orders both serve must have the same ids and the same content.
func TestLiveOrdersAreTheSameInEveryProcess(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 11, 26, 10, 59, 50, 0, time.UTC)
	opts := Options{Seed: 9, Products: 8, Customers: 4, Orders: 5, Live: 0.01}
	clockA := newFakeClock(t0)
	a := newStore(t, withClock(opts, clockA))
	before := serve(t, a, fmt.Sprintf("/v2/orders?min_id=%d&limit=250", liveFirstOrderID))

	// A keeps running (its clock ticks in steps, as the ticker would) while
	// B starts 61 minutes later.
	for range 61 {
		clockA.Advance(time.Minute)
		serve(t, a, "/v2/time")
	}
	b := newStore(t, withClock(opts, newFakeClock(t0.Add(61*time.Minute))))

	first, ok := lowestLiveOrder(b)
	if !ok {
		t.Fatal("the second store has no live orders")
	}
	if _, ok := a.Order(first); !ok {
		t.Fatalf("order %d of the second store is not in the first", first)
	}
	for _, path := range []string{
		fmt.Sprintf("/v2/orders?min_id=%d&limit=250", first),
		fmt.Sprintf("/v2/orders/count?min_id=%d", first),
		fmt.Sprintf("/v2/orders?min_id=%d&limit=250&sort=date_modified:asc", first),
	} {
		if ga, gb := serve(t, a, path), serve(t, b, path); !bytes.Equal(ga, gb) {
			t.Errorf("GET %s differs:\nfirst:  %.400s\nsecond: %.400s", path, ga, gb)
		}
	}
	for id := first; id < first+40; id++ {
		if _, ok := b.Order(id); !ok {
			continue
		}
		for _, sub := range []string{"products", "shipping_addresses"} {
			path := fmt.Sprintf("/v2/orders/%d/%s", id, sub)
			if ga, gb := serve(t, a, path), serve(t, b, path); !bytes.Equal(ga, gb) {
				t.Errorf("GET %s differs:\nfirst:  %.300s\nsecond: %.300s", path, ga, gb)
			}
		}
	}
	// The hour turned between the two: the first store's early orders
	// keep their ids (their content may have moved on since).
	var early []orderJSON
	if err := json.Unmarshal(before, &early); err != nil {
		t.Fatal(err)
	}
	if len(early) == 0 {
		t.Fatal("the first store had no live orders at start")
	}
	for _, o := range early {
		got, ok := a.Order(o.ID)
		created, err := time.Parse(rfc2822, o.DateCreated)
		if err != nil || !ok || !got.DateCreated.Equal(created) {
			t.Errorf("order %d changed its creation date or vanished", o.ID)
		}
	}
}

func withClock(o Options, c *fakeClock) Options {
	o.Now = c.Now
	return o
}

func lowestLiveOrder(s *Store) (int, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	i, _ := s.ord.index(liveFirstOrderID)
	if i == len(s.ord.orders) {
		return 0, false
	}
	return s.ord.orders[i].id, true
}
