package webhooks

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/state"
	"github.com/bigc-dev/bigc/state/statetest"
	"github.com/bigc-dev/bigc/syncer"
)

// fakeFetcher serves records from a map; failures[k] makes the next fetches
// of k fail.
type fakeFetcher struct {
	mu       sync.Mutex
	records  map[resourceKey]Record
	failures map[resourceKey][]error
	calls    map[resourceKey]int
}

func newFakeFetcher() *fakeFetcher {
	return &fakeFetcher{records: map[resourceKey]Record{}, failures: map[resourceKey][]error{}, calls: map[resourceKey]int{}}
}

func (f *fakeFetcher) set(stream string, id int64, modified time.Time, status int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	rec := json.RawMessage(fmt.Sprintf(`{"id":%d,"status_id":%d}`, id, status))
	f.records[resourceKey{stream, id}] = Record{
		Envelope:   syncer.Envelope{Stream: stream, ID: id, DateModified: modified, Record: rec},
		Incomplete: stream == "orders" && status == 0,
	}
}

func (f *fakeFetcher) Fetch(ctx context.Context, stream string, id int64) (Record, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	k := resourceKey{stream, id}
	f.calls[k]++
	if errs := f.failures[k]; len(errs) > 0 {
		f.failures[k] = errs[1:]
		return Record{}, errs[0]
	}
	r, ok := f.records[k]
	if !ok {
		return Record{}, fmt.Errorf("%s %d: %w", stream, id, bigcommerce.ErrNotFound)
	}
	return r, nil
}

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type workerFixture struct {
	db      *state.DB
	fetch   *fakeFetcher
	clock   *clock
	out     *syncer.Writer
	outPath string
	worker  *Worker
}

func newWorkerFixture(t *testing.T, policy IncompletePolicy) *workerFixture {
	t.Helper()
	f := &workerFixture{db: statetest.Open(t), fetch: newFakeFetcher(), clock: &clock{t: time.Unix(1_700_000_000, 0)}}
	f.outPath = filepath.Join(t.TempDir(), "out.jsonl")
	var err error
	if f.out, err = syncer.OpenFile(context.Background(), f.db, f.outPath); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.out.Close() })
	f.worker, err = NewWorker(WorkerConfig{
		Connection: "test", Inbox: f.db, Fetcher: f.fetch, Output: f.out, Incomplete: policy,
		Now: f.clock.Now, HoldRecheck: time.Minute, HoldMax: time.Hour,
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// deliver stores events as the receiver would.
func (f *workerFixture) deliver(t *testing.T, bodies ...[]byte) {
	t.Helper()
	var evs []state.InboxEvent
	for _, b := range bodies {
		ev, err := ParseEvent(b)
		if err != nil {
			t.Fatal(err)
		}
		stream, id, _, _ := ev.Resource()
		evs = append(evs, state.InboxEvent{Connection: "test", DedupeKey: ev.DedupeKey(), Scope: ev.Scope,
			Stream: stream, ResourceID: id, Payload: b, ReceivedAt: f.clock.Now()})
	}
	if _, err := f.db.InboxAdd(context.Background(), evs); err != nil {
		t.Fatal(err)
	}
}

func (f *workerFixture) process(t *testing.T) {
	t.Helper()
	if _, err := f.worker.ProcessDue(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// lines returns the output as "stream/id@unix" keys, in file order.
func (f *workerFixture) lines(t *testing.T) []string {
	t.Helper()
	file, err := os.Open(f.outPath)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	var out []string
	sc := bufio.NewScanner(file)
	for sc.Scan() {
		k, err := syncer.ParseLine(sc.Bytes())
		if err != nil {
			t.Fatalf("output line %q: %v", sc.Text(), err)
		}
		out = append(out, fmt.Sprintf("%s/%d@%d", k.Stream, k.ID, k.DateModified))
	}
	return out
}

// wantLines checks the output against want, in file order.
func (f *workerFixture) wantLines(t *testing.T, want ...string) {
	t.Helper()
	if diff := cmp.Diff(want, f.lines(t)); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
}

// wantCounts checks the inbox's events by status.
func (f *workerFixture) wantCounts(t *testing.T, want map[state.InboxStatus]int) {
	t.Helper()
	if diff := cmp.Diff(want, f.counts(t)); diff != "" {
		t.Errorf("inbox (-want +got):\n%s", diff)
	}
}

func (f *workerFixture) counts(t *testing.T) map[state.InboxStatus]int {
	t.Helper()
	c, err := f.db.InboxCounts(context.Background(), "test")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestWorkerEmitsEachRecordOnce(t *testing.T) {
	t.Parallel()
	f := newWorkerFixture(t, IncompleteHold)
	t0 := f.clock.Now()
	f.fetch.set("orders", 1, t0, 11)
	f.fetch.set("orders", 2, t0, 11)
	f.fetch.set("products", 9, t0, 0)
	f.deliver(t,
		event("store/order/created", 1, 100),
		event("store/order/updated", 1, 101), // same record: one fetch, one line
		event("store/order/created", 2, 100),
		[]byte(`{"scope":"store/product/updated","store_id":"1","data":{"type":"product","id":9},"hash":"p9","created_at":100,"producer":"stores/abc123"}`),
		[]byte(`{"scope":"store/category/updated","store_id":"1","data":{"type":"category","id":4},"hash":"c4","created_at":100,"producer":"stores/abc123"}`),
		[]byte(`{"scope":"store/product/deleted","store_id":"1","data":{"type":"product","id":8},"hash":"p8","created_at":100,"producer":"stores/abc123"}`),
	)
	f.process(t)
	want := []string{"orders/1@1700000000", "orders/2@1700000000", "products/9@1700000000"}
	f.wantLines(t, want...)
	f.wantCounts(t, map[state.InboxStatus]int{state.InboxDone: 6})
	if f.fetch.calls[resourceKey{"orders", 1}] != 1 || f.fetch.calls[resourceKey{"products", 8}] != 0 {
		t.Errorf("fetches: %v; want one for order 1 and none for the deleted product", f.fetch.calls)
	}
	// A later event for an unchanged record adds no line; a changed one does.
	f.fetch.set("orders", 2, t0.Add(time.Minute), 2)
	f.deliver(t, event("store/order/updated", 1, 200), event("store/order/statusUpdated", 2, 200))
	f.process(t)
	want = append(want, "orders/2@1700000060")
	f.wantLines(t, want...)
}

func TestWorkerRetriesFailuresWithBackoff(t *testing.T) {
	t.Parallel()
	f := newWorkerFixture(t, IncompleteHold)
	f.fetch.set("orders", 1, f.clock.Now(), 11)
	k := resourceKey{"orders", 1}
	f.fetch.failures[k] = []error{bigcommerce.ErrUpstream, bigcommerce.ErrRateLimited}
	f.deliver(t, event("store/order/created", 1, 100))

	f.process(t) // fails: retry in 1s
	f.process(t) // not due yet
	if f.fetch.calls[k] != 1 || len(f.lines(t)) != 0 {
		t.Fatalf("after the first failure: %d fetches, %d lines", f.fetch.calls[k], len(f.lines(t)))
	}
	evs, _ := f.db.InboxList(context.Background(), "test")
	if len(evs) != 1 || evs[0].Attempts != 1 || evs[0].LastError == "" || !evs[0].NextAttemptAt.Equal(f.clock.Now().Add(time.Second)) {
		t.Fatalf("deferred event = %+v; want attempt 1, due in 1s, with the error", evs)
	}
	f.clock.Add(time.Second)
	f.process(t) // fails again: retry in 2s
	f.clock.Add(time.Second)
	f.process(t) // not due
	if f.fetch.calls[k] != 2 {
		t.Fatalf("fetches = %d, want 2 (backoff doubled)", f.fetch.calls[k])
	}
	f.clock.Add(time.Second)
	f.process(t)
	f.wantLines(t, "orders/1@1700000000")
	f.wantCounts(t, map[state.InboxStatus]int{state.InboxDone: 1})
}

type failingOutput struct {
	fails int
	next  Output
}

func (o *failingOutput) Append(ctx context.Context, envs []syncer.Envelope) (int, error) {
	if o.fails > 0 {
		o.fails--
		return 0, errors.New("disk full")
	}
	return o.next.Append(ctx, envs)
}

func TestWorkerRetriesOutputFailures(t *testing.T) {
	t.Parallel()
	f := newWorkerFixture(t, IncompleteHold)
	out := &failingOutput{fails: 1, next: f.out}
	w, err := NewWorker(WorkerConfig{Connection: "test", Inbox: f.db, Fetcher: f.fetch, Output: out, Now: f.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	f.fetch.set("orders", 1, f.clock.Now(), 11)
	f.deliver(t, event("store/order/created", 1, 100))
	if _, err := w.ProcessDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	if c := f.counts(t); c[state.InboxPending] != 1 {
		t.Fatalf("after a failed write the inbox is %v, want the event pending", c)
	}
	f.clock.Add(time.Second)
	if _, err := w.ProcessDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.wantLines(t, "orders/1@1700000000")
}

func TestWorkerIncompleteOrders(t *testing.T) {
	t.Parallel()
	t.Run("hold until real", func(t *testing.T) {
		t.Parallel()
		f := newWorkerFixture(t, IncompleteHold)
		f.fetch.set("orders", 1, f.clock.Now(), 0)
		f.deliver(t, event("store/order/created", 1, 100))
		f.process(t)
		if c := f.counts(t); c[state.InboxHeld] != 1 || len(f.lines(t)) != 0 {
			t.Fatalf("incomplete order: inbox %v, %d lines; want held and nothing out", c, len(f.lines(t)))
		}
		f.clock.Add(time.Minute)
		f.process(t) // re-checked, still incomplete: next check in 2m
		f.fetch.set("orders", 1, f.clock.Now(), 11)
		f.clock.Add(time.Minute)
		f.process(t) // not due yet
		if len(f.lines(t)) != 0 {
			t.Fatal("emitted before the re-check was due")
		}
		f.clock.Add(time.Minute)
		f.process(t)
		f.wantLines(t, "orders/1@1700000060")
		f.wantCounts(t, map[state.InboxStatus]int{state.InboxDone: 1})
	})
	t.Run("a later event releases the held one", func(t *testing.T) {
		t.Parallel()
		f := newWorkerFixture(t, IncompleteHold)
		f.fetch.set("orders", 1, f.clock.Now(), 0)
		f.deliver(t, event("store/order/created", 1, 100))
		f.process(t)
		f.fetch.set("orders", 1, f.clock.Now().Add(time.Second), 11)
		f.deliver(t, event("store/order/statusUpdated", 1, 101))
		f.process(t)
		f.wantLines(t, "orders/1@1700000001")
		f.wantCounts(t, map[state.InboxStatus]int{state.InboxDone: 2})
	})
	t.Run("hold expires", func(t *testing.T) {
		t.Parallel()
		f := newWorkerFixture(t, IncompleteHold)
		f.fetch.set("orders", 1, f.clock.Now(), 0)
		f.deliver(t, event("store/order/created", 1, 100))
		for range 10 {
			f.process(t)
			f.clock.Add(30 * time.Minute)
		}
		f.wantCounts(t, map[state.InboxStatus]int{state.InboxDropped: 1})
	})
	t.Run("drop", func(t *testing.T) {
		t.Parallel()
		f := newWorkerFixture(t, IncompleteDrop)
		f.fetch.set("orders", 1, f.clock.Now(), 0)
		f.deliver(t, event("store/order/created", 1, 100))
		f.process(t)
		f.wantCounts(t, map[state.InboxStatus]int{state.InboxDropped: 1})
		if len(f.lines(t)) != 0 {
			t.Error("a dropped incomplete order was emitted")
		}
	})
}

func TestWorkerNotFoundAndArchived(t *testing.T) {
	t.Parallel()
	f := newWorkerFixture(t, IncompleteHold)
	f.fetch.set("orders", 2, f.clock.Now(), 11)
	r := f.fetch.records[resourceKey{"orders", 2}]
	r.Archived = true
	f.fetch.records[resourceKey{"orders", 2}] = r
	f.deliver(t, event("store/order/created", 1, 100), event("store/order/archived", 2, 100))
	for range 4 {
		f.process(t)
		f.clock.Add(time.Minute)
	}
	if got := f.fetch.calls[resourceKey{"orders", 1}]; got != 3 {
		t.Errorf("a missing order was fetched %d times, want 3", got)
	}
	evs, _ := f.db.InboxList(context.Background(), "test")
	var notes []string
	for _, e := range evs {
		notes = append(notes, string(e.Status)+": "+e.LastError)
	}
	sort.Strings(notes)
	want := []string{"done: deleted: tombstone owed to the sync", "done: not found: not emitted"}
	if diff := cmp.Diff(want, notes); diff != "" {
		t.Errorf("inbox (-want +got):\n%s", diff)
	}
	if len(f.lines(t)) != 0 {
		t.Error("emitted a missing or archived order")
	}
	if n := f.fetch.calls[resourceKey{"orders", 2}]; n != 0 {
		t.Errorf("the archived order was fetched %d times; its event says all", n)
	}
}

// TestWorkerRecordsDeletions: each deletion event is recorded in the state,
// owed as a tombstone to the sync of its stream, once however often it comes;
// a shipment's deletion still refreshes its order.
func TestWorkerRecordsDeletions(t *testing.T) {
	t.Parallel()
	f := newWorkerFixture(t, IncompleteHold)
	f.fetch.set("orders", 1, f.clock.Now(), 11)
	body := func(scope, typ string, id int64, extra string, at int64) []byte {
		return []byte(fmt.Sprintf(`{"scope":%q,"store_id":"1","data":{"type":%q,"id":%d%s},"hash":"h%d","created_at":%d,"producer":"stores/abc123"}`,
			scope, typ, id, extra, at, at))
	}
	f.deliver(t,
		body("store/product/deleted", "product", 8, "", 100),
		body("store/product/deleted", "product", 8, "", 130), // sent again later: still one deletion
		body("store/customer/deleted", "customer", 3, "", 101),
		body("store/category/deleted", "category", 4, "", 102),
		body("store/shipment/deleted", "shipment", 12, `,"orderId":1`, 103),
		body("store/order/archived", "order", 2, "", 104),
		body("store/product/updated", "product", 9, "", 105), // not a deletion
	)
	f.process(t)
	want := map[string][2]int64{"products": {8, 100}, "customers": {3, 101}, "categories": {4, 102}, "shipments": {12, 103}, "orders": {2, 104}}
	for stream, w := range want {
		owed, err := f.db.OwedDeletions(t.Context(), state.CheckpointKey{Connection: "test", Stream: stream, Destination: "out"}, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if len(owed) != 1 || owed[0].ID != w[0] || owed[0].At.Unix() != w[1] {
			t.Errorf("%s: owed %+v, want id %d reported at %d", stream, owed, w[0], w[1])
		}
	}
	if owed, _ := f.db.OwedDeletions(t.Context(), state.CheckpointKey{Connection: "test", Stream: "products", Destination: "out"}, time.Time{}); len(owed) == 1 && owed[0].ID == 9 {
		t.Error("an updated product was recorded deleted")
	}
	if n := f.fetch.calls[resourceKey{"orders", 1}]; n != 1 {
		t.Errorf("the order of the deleted shipment was fetched %d times, want 1", n)
	}
	f.wantLines(t, "orders/1@1700000000")
	f.wantCounts(t, map[state.InboxStatus]int{state.InboxDone: 6, state.InboxPending: 1})
}

func TestWorkerSharesOutputWithPolling(t *testing.T) {
	t.Parallel()
	f := newWorkerFixture(t, IncompleteHold)
	t0 := f.clock.Now()
	f.fetch.set("orders", 1, t0, 11)
	f.fetch.set("orders", 2, t0, 11)
	// A polling sync writes order 1 through its own Writer on the same file.
	poll, err := syncer.OpenFile(context.Background(), f.db, f.outPath)
	if err != nil {
		t.Fatal(err)
	}
	defer poll.Close()
	if _, err := poll.Append(context.Background(), []syncer.Envelope{f.fetch.records[resourceKey{"orders", 1}].Envelope}); err != nil {
		t.Fatal(err)
	}
	f.deliver(t, event("store/order/created", 1, 100), event("store/order/created", 2, 100))
	f.process(t)
	if _, err := poll.Append(context.Background(), []syncer.Envelope{f.fetch.records[resourceKey{"orders", 2}].Envelope}); err != nil {
		t.Fatal(err)
	}
	f.wantLines(t, "orders/1@1700000000", "orders/2@1700000000")
}

func TestWorkerRunWakesOnNotify(t *testing.T) {
	t.Parallel()
	f := newWorkerFixture(t, IncompleteHold)
	f.fetch.set("orders", 1, f.clock.Now(), 11)
	w, err := NewWorker(WorkerConfig{Connection: "test", Inbox: f.db, Fetcher: f.fetch, Output: f.out, Poll: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- w.Run(ctx) }()
	f.deliver(t, event("store/order/created", 1, 100))
	w.Notify()
	for deadline := time.Now().Add(10 * time.Second); len(f.lines(t)) == 0; {
		if time.Now().After(deadline) {
			t.Fatal("the worker did not process the event after Notify")
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestParseIncompletePolicy(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"hold", "drop"} {
		if p, err := ParseIncompletePolicy(s); err != nil || string(p) != s {
			t.Errorf("ParseIncompletePolicy(%q) = %q, %v", s, p, err)
		}
	}
	if _, err := ParseIncompletePolicy("keep"); !errors.Is(err, bigcommerce.ErrBadRequest) {
		t.Errorf("ParseIncompletePolicy(keep) = %v, want ErrBadRequest", err)
	}
}

// gaugeFetcher counts the fetches in flight and keeps the highest count.
type gaugeFetcher struct {
	mu           sync.Mutex
	now, most, n int
	release      chan struct{}
}

func (g *gaugeFetcher) Fetch(ctx context.Context, stream string, id int64) (Record, error) {
	g.mu.Lock()
	g.now++
	g.n++
	g.most = max(g.most, g.now)
	g.mu.Unlock()
	<-g.release
	g.mu.Lock()
	g.now--
	g.mu.Unlock()
	return Record{Envelope: syncer.Envelope{Stream: stream, ID: id}}, nil
}

// TestWorkerFetchesAtMostConcurrencyAtOnce: a pass fetches its records in
// parallel, never more than Concurrency at once, each once; once the context
// is done no fetch starts.
func TestWorkerFetchesAtMostConcurrencyAtOnce(t *testing.T) {
	t.Parallel()
	g := &gaugeFetcher{release: make(chan struct{})}
	w, err := NewWorker(WorkerConfig{Connection: "test", Inbox: statetest.Open(t), Fetcher: g, Output: &failingOutput{}, Concurrency: 3})
	if err != nil {
		t.Fatal(err)
	}
	var keys []resourceKey
	for id := range int64(20) {
		keys = append(keys, resourceKey{"orders", id + 1})
	}
	done := make(chan map[resourceKey]outcome)
	go func() { done <- w.fetchAll(t.Context(), keys) }()
	// Nothing finishes until released, so three fetches must get going.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		g.mu.Lock()
		now := g.now
		g.mu.Unlock()
		if now == 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d fetches in flight while all wait, want 3 (Concurrency 3)", now)
		}
	}
	for range keys {
		g.release <- struct{}{} // one fetch may finish; the next may start
	}
	got := <-done
	if len(got) != len(keys) || g.n != len(keys) {
		t.Errorf("%d outcomes from %d fetches, want %d of each", len(got), g.n, len(keys))
	}
	if g.most != 3 {
		t.Errorf("at most %d fetches were in flight at once, want 3 (Concurrency 3)", g.most)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if got := w.fetchAll(ctx, keys); len(got) != 0 {
		t.Errorf("%d records fetched after the context ended, want none", len(got))
	}
}
