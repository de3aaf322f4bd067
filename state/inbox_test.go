package state

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// t0 is when the inbox tests' events arrive; later times are offsets from it.
var t0 = time.UnixMilli(1_700_000_000_000)

func TestInboxAddDeduplicates(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, db Store) {
		ctx := context.Background()
		ev := func(conn, key string) InboxEvent {
			return InboxEvent{Connection: conn, DedupeKey: key, Scope: "store/order/created", Stream: "orders", ResourceID: 1, Payload: []byte(`{}`), ReceivedAt: t0}
		}
		added, err := db.InboxAdd(ctx, []InboxEvent{ev("a", "k1"), ev("a", "k2"), ev("a", "k1"), ev("b", "k1")})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]bool{true, true, false, true}, added); diff != "" {
			t.Errorf("first batch added (-want +got):\n%s", diff)
		}
		added, err = db.InboxAdd(ctx, []InboxEvent{ev("a", "k2"), ev("a", "k3")})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]bool{false, true}, added); diff != "" {
			t.Errorf("second batch added (-want +got):\n%s", diff)
		}
		counts, err := db.InboxCounts(ctx, "a")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(map[InboxStatus]int{InboxPending: 3}, counts); diff != "" {
			t.Errorf("counts (-want +got):\n%s", diff)
		}
	})
}

func TestInboxLifecycle(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, db Store) {
		ctx := context.Background()
		evs := []InboxEvent{
			{Connection: "c", DedupeKey: "1", Scope: "store/order/created", Stream: "orders", ResourceID: 7, Payload: []byte("a"), ReceivedAt: t0},
			{Connection: "c", DedupeKey: "2", Scope: "store/order/updated", Stream: "orders", ResourceID: 7, Payload: []byte("b"), ReceivedAt: t0.Add(time.Second)},
			{Connection: "c", DedupeKey: "3", Scope: "store/product/updated", Stream: "products", ResourceID: 7, Payload: []byte("c"), ReceivedAt: t0.Add(2 * time.Second)},
		}
		if _, err := db.InboxAdd(ctx, evs); err != nil {
			t.Fatal(err)
		}
		due, err := db.InboxDue(ctx, "c", t0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(due) != 1 || due[0].DedupeKey != "1" || string(due[0].Payload) != "a" {
			t.Fatalf("due at t0 = %+v, want only event 1", due)
		}
		// Event 1 is an incomplete order: held for a minute.
		if err := db.InboxDefer(ctx, evs[0].Seq, InboxHeld, 1, t0.Add(time.Minute), "incomplete"); err != nil {
			t.Fatal(err)
		}
		// Event 3 failed: retry later.
		if err := db.InboxDefer(ctx, evs[2].Seq, InboxPending, 1, t0.Add(time.Hour), "boom"); err != nil {
			t.Fatal(err)
		}
		due, err = db.InboxDue(ctx, "c", t0.Add(2*time.Minute), 10)
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, e := range due {
			keys = append(keys, e.DedupeKey+":"+string(e.Status))
		}
		if diff := cmp.Diff([]string{"2:pending", "1:held"}, keys); diff != "" {
			t.Errorf("due after 2m (-want +got):\n%s", diff)
		}
		next, ok, err := db.InboxNextDue(ctx, "c")
		if err != nil || !ok || !next.Equal(t0.Add(time.Second)) {
			t.Errorf("InboxNextDue = %v, %v, %v; want %v", next, ok, err, t0.Add(time.Second))
		}
		// Event 2 emits order 7, which settles the held event 1 but not the product.
		if err := db.InboxFinish(ctx, evs[1].Seq, InboxDone, "", t0); err != nil {
			t.Fatal(err)
		}
		n, err := db.InboxSettleHeld(ctx, "c", "orders", 7, t0)
		if err != nil || n != 1 {
			t.Fatalf("InboxSettleHeld = %d, %v; want 1", n, err)
		}
		counts, err := db.InboxCounts(ctx, "c")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(map[InboxStatus]int{InboxDone: 2, InboxPending: 1}, counts); diff != "" {
			t.Errorf("counts (-want +got):\n%s", diff)
		}
		if err := db.InboxFinish(ctx, evs[2].Seq, InboxHeld, "", t0); err == nil {
			t.Error("InboxFinish accepted a non-final status")
		}
		pruned, err := db.InboxPrune(ctx, "c", t0.Add(time.Millisecond))
		if err != nil || pruned != 2 {
			t.Errorf("InboxPrune = %d, %v; want 2", pruned, err)
		}
		// A pruned key is forgotten; a pending one still refuses its duplicate.
		added, err := db.InboxAdd(ctx, []InboxEvent{evs[0], evs[2]})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]bool{true, false}, added); diff != "" {
			t.Errorf("re-add after prune (-want +got):\n%s", diff)
		}
	})
}

func TestInboxAddRefusesIncompleteEvent(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, db Store) {
		if _, err := db.InboxAdd(context.Background(), []InboxEvent{{Connection: "c", Scope: "s"}}); err == nil {
			t.Fatal("InboxAdd accepted an event without a dedupe key")
		}
	})
}

// TestInboxClaim: workers sharing an inbox claim different events; a claim
// that runs out (its worker died) makes the event claimable again, and a
// deferral ends the claim.
func TestInboxClaim(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, db Store) {
		ctx := t.Context()
		var evs []InboxEvent
		for i := range 6 {
			evs = append(evs, InboxEvent{Connection: "c", DedupeKey: fmt.Sprint(i), Scope: "store/order/updated",
				Stream: "orders", ResourceID: int64(i), Payload: []byte("{}"), ReceivedAt: t0.Add(time.Duration(i) * time.Millisecond)})
		}
		if _, err := db.InboxAdd(ctx, evs); err != nil {
			t.Fatal(err)
		}
		now := t0.Add(time.Second)
		keys := func(es []InboxEvent) (out []string) {
			for _, e := range es {
				out = append(out, e.DedupeKey)
			}
			return out
		}
		x, err := db.InboxClaim(ctx, "c", "x", now, 4, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		y, err := db.InboxClaim(ctx, "c", "y", now, 10, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"0", "1", "2", "3"}, keys(x)); diff != "" {
			t.Errorf("x claimed (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"4", "5"}, keys(y)); diff != "" {
			t.Errorf("y claimed (-want +got):\n%s", diff)
		}
		// A worker takes its own claimed events again (a pass cut short).
		if again, err := db.InboxClaim(ctx, "c", "y", now, 10, time.Minute); err != nil || !cmp.Equal([]string{"4", "5"}, keys(again)) {
			t.Errorf("y's second claim = %v, %v; want its own events again", keys(again), err)
		}
		if next, ok, err := db.InboxNextDue(ctx, "c"); err != nil || !ok || !next.Equal(now.Add(time.Minute)) {
			t.Errorf("InboxNextDue while all are claimed = %v, %v, %v; want the claims' end", next, ok, err)
		}
		// x finishes 0, defers 1 (its claim ends) and dies holding 2 and 3.
		if err := db.InboxFinish(ctx, x[0].Seq, InboxDone, "", now); err != nil {
			t.Fatal(err)
		}
		if err := db.InboxDefer(ctx, x[1].Seq, InboxPending, 1, now, "boom"); err != nil {
			t.Fatal(err)
		}
		z, err := db.InboxClaim(ctx, "c", "z", now, 10, time.Minute)
		if err != nil || !cmp.Equal([]string{"1"}, keys(z)) {
			t.Errorf("z's claim while x's claims last = %v, %v; want only the deferred event", keys(z), err)
		}
		later := now.Add(time.Minute + time.Millisecond)
		z, err = db.InboxClaim(ctx, "c", "z", later, 10, time.Minute)
		if err != nil || !cmp.Equal([]string{"2", "3", "4", "5", "1"}, keys(z)) {
			t.Errorf("z's claim after every claim ran out = %v, %v; want all that are owed, by due time", keys(z), err)
		}
	})
}

// TestInboxClaimConcurrent: workers claiming and finishing at once from one
// inbox each get every event at most once, and together all of them.
func TestInboxClaimConcurrent(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, target string) {
		ctx := t.Context()
		const n = 200
		var evs []InboxEvent
		for i := range n {
			evs = append(evs, InboxEvent{Connection: "c", DedupeKey: fmt.Sprint(i), Scope: "store/order/updated", Payload: []byte("{}")})
		}
		if _, err := openStore(t, target).InboxAdd(ctx, evs); err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		seen := map[int64]string{}
		var wg sync.WaitGroup
		for w := range 4 {
			db := openStore(t, target)
			wg.Go(func() {
				me := fmt.Sprint("w", w)
				for {
					got, err := db.InboxClaim(ctx, "c", me, time.Now(), 3, time.Hour)
					if err != nil {
						t.Error(err)
						return
					}
					if len(got) == 0 {
						return
					}
					mu.Lock()
					var seqs []int64
					for _, e := range got {
						if other, dup := seen[e.Seq]; dup {
							t.Errorf("event %d claimed by %s and %s", e.Seq, other, me)
						}
						seen[e.Seq] = me
						seqs = append(seqs, e.Seq)
					}
					mu.Unlock()
					if err := db.InboxFinishMany(ctx, seqs, InboxDone, "", time.Now()); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		if len(seen) != n {
			t.Errorf("%d events claimed, want %d", len(seen), n)
		}
	})
}
