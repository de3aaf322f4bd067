package state

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func openInboxTestDB(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestInboxAddDeduplicates(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openInboxTestDB(t)
	t0 := time.UnixMilli(1_700_000_000_000)
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
}

func TestInboxLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openInboxTestDB(t)
	t0 := time.UnixMilli(1_700_000_000_000)
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
}

func TestInboxAddRefusesIncompleteEvent(t *testing.T) {
	t.Parallel()
	db := openInboxTestDB(t)
	if _, err := db.InboxAdd(context.Background(), []InboxEvent{{Connection: "c", Scope: "s"}}); err == nil {
		t.Fatal("InboxAdd accepted an event without a dedupe key")
	}
}
