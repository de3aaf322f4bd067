package syncer

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/bigc-dev/bigc/state/statetest"
)

// pagedHydration is a window read by page number whose records hydrate
// only once every page but one before theirs (by date_modified, then ID)
// is written: a reader that writes a stretch of pages only when all of them
// are hydrated never gets there, and its hydrations give up. (But one: a
// batch read by keyset after ties at a page boundary can hold two pages'
// records.)
type pagedHydration struct {
	chunkSource
	need    map[int64]int // records written before each may hydrate
	mu      sync.Mutex
	written int
}

func (p *pagedHydration) Hydrate(ctx context.Context, it *Item) error {
	need := p.need[it.ID]
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		p.mu.Lock()
		done := p.written >= need
		p.mu.Unlock()
		if done {
			break
		}
		if ctx.Err() != nil {
			return ctx.Err() // dropped: its page was never vouched for
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("record %d: the %d records before its page were not written while it waited", it.ID, need)
		}
	}
	return p.chunkSource.Hydrate(ctx, it)
}

// TestStretchWrittenPageByPage reads a window by page number, four pages a
// stretch, with each page's records hydrated only once the pages before it
// are written: so a stretch must be written a page's worth at a time, as its
// records come, not once the last of them has. Every checkpoint saved on the
// way must pass only records already in the output, ties at page boundaries
// included.
func TestStretchWrittenPageByPage(t *testing.T) {
	t.Parallel()
	const pageSize = 10
	f := newFakeSource(7, 200, 300*time.Second, base) // some records share a second
	src := &pagedHydration{chunkSource: chunkSource{f}, need: map[int64]int{}}
	order := slices.Collect(maps.Keys(f.dm))
	slices.SortFunc(order, func(a, b int64) int { return cmp.Or(f.dm[a].Compare(f.dm[b]), cmp.Compare(a, b)) })
	for i, id := range order {
		src.need[id] = max(0, i/pageSize-1) * pageSize // the pages before theirs but one
	}
	db := statetest.Open(t)
	out := filepath.Join(t.TempDir(), "out.jsonl")
	w, err := OpenFile(t.Context(), db, out)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	job := &Job{Source: src, Writer: w, DB: db, Connection: "test", StoreTime: f.clock,
		PageSize: pageSize, Workers: 3, Parallel: 4}
	key, _ := job.CheckpointKey()
	batches := 0
	job.Progress = func(p Progress) {
		if p.Done {
			return
		}
		batches++
		s, ok, err := db.Checkpoint(context.Background(), key)
		if err != nil || !ok {
			t.Fatalf("checkpoint after batch %d: %v, %v", batches, ok, err)
		}
		cur, err := DecodeCursor(s)
		if err != nil {
			t.Fatal(err)
		}
		inOutput := map[int64]bool{}
		for _, k := range readOutput(t, out) {
			inOutput[k.ID] = true
		}
		for id, dm := range f.dm {
			passed := dm.Before(cur.DateModified) || dm.Equal(cur.DateModified) && (cur.Through || slices.Contains(cur.IDs, id))
			if passed && !inOutput[id] {
				t.Errorf("after batch %d the checkpoint %v passes record %d at %s, which is not in the output",
					batches, cur, id, dm.Format(time.RFC3339))
			}
		}
		src.mu.Lock()
		src.written = p.Records
		src.mu.Unlock()
	}
	res, err := job.Run(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if res.Records != 200 {
		t.Errorf("run wrote %d records, want 200", res.Records)
	}
	checkExactlyOnce(t, f, readOutput(t, out))
}

// gatedSource hydrates records one at a time, in the order it is asked,
// the first only once release is closed.
type gatedSource struct {
	*fakeSource
	release chan struct{}
	mu      sync.Mutex
	order   []int64
}

func (g *gatedSource) Hydrate(ctx context.Context, it *Item) error {
	g.mu.Lock()
	g.order = append(g.order, it.ID)
	first := len(g.order) == 1
	g.mu.Unlock()
	if first {
		<-g.release
	}
	it.Record = json.RawMessage(fmt.Sprintf(`{"id":%d}`, it.ID))
	return nil
}

// TestPrefetchInWindowOrder adds a window's later page first and its
// earlier one while the first record is being hydrated: the earlier page's
// records go next, so batches, written in the window's order, are ready
// in that order.
func TestPrefetchInWindowOrder(t *testing.T) {
	t.Parallel()
	g := &gatedSource{fakeSource: newFakeSource(1, 0, 0, base), release: make(chan struct{})}
	p := newPrefetch(t.Context(), g, 1)
	page := func(first int64) []Item {
		var items []Item
		for id := first; id < first+3; id++ {
			items = append(items, Item{ID: id, DateModified: base.Add(time.Duration(id) * time.Second)})
		}
		return items
	}
	keep := func(*Item) bool { return true }
	later, earlier := page(4), page(1)
	p.add(later, keep)
	waitFor(t, func() bool {
		g.mu.Lock()
		defer g.mu.Unlock()
		return len(g.order) == 1
	})
	p.add(earlier, keep)
	close(g.release)
	waitFor(t, func() bool {
		g.mu.Lock()
		defer g.mu.Unlock()
		return len(g.order) == 6 // all hydrated by the prefetch's one worker
	})
	p.stop()
	want := []int64{4, 1, 2, 3, 5, 6}
	if g.order = g.order[:6]; !slices.Equal(g.order, want) {
		t.Errorf("hydrated in order %v, want %v (the later page's first, then the window's order)", g.order, want)
	}
}

// waitFor polls cond until it holds, failing the test after 10 s.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 10 s")
		}
	}
}

// TestPrefetchTakeWaitsItsTurn has a batch further on in the window take
// its record while the prefetch's one worker is busy with the window's
// first: the record waits its turn in the queue instead of being hydrated
// by the batch at once, ahead of the records the batch written next needs.
func TestPrefetchTakeWaitsItsTurn(t *testing.T) {
	t.Parallel()
	g := &gatedSource{fakeSource: newFakeSource(1, 0, 0, base), release: make(chan struct{})}
	p := newPrefetch(t.Context(), g, 1)
	defer p.stop()
	var items []Item
	for id := int64(1); id <= 4; id++ {
		items = append(items, Item{ID: id, DateModified: base.Add(time.Duration(id) * time.Second)})
	}
	p.add(items, func(*Item) bool { return true })
	waitFor(t, func() bool {
		g.mu.Lock()
		defer g.mu.Unlock()
		return len(g.order) == 1
	})
	taken := make(chan error, 1)
	go func() {
		_, err := p.take(t.Context(), &items[3], nil)
		taken <- err
	}()
	time.Sleep(20 * time.Millisecond) // time for the take to start item 4 out of turn, if it would
	close(g.release)
	if err := <-taken; err != nil {
		t.Fatal(err)
	}
	for _, it := range items[:3] {
		if _, err := p.take(t.Context(), &it, nil); err != nil {
			t.Fatal(err)
		}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if want := []int64{1, 2, 3, 4}; !slices.Equal(g.order, want) {
		t.Errorf("hydrated in order %v, want %v (the window's order, whoever takes first)", g.order, want)
	}
}

// TestPrefetchTakeDueHydratesItself has the prefetch's one worker busy with
// a record further on in the window (it never finishes here) when the
// batch the writer waits for takes an earlier record: the batch, due, must
// hydrate the record itself rather than wait for the worker.
func TestPrefetchTakeDueHydratesItself(t *testing.T) {
	t.Parallel()
	g := &gatedSource{fakeSource: newFakeSource(1, 0, 0, base), release: make(chan struct{})}
	p := newPrefetch(t.Context(), g, 1)
	defer func() {
		close(g.release)
		p.stop()
	}()
	at := func(id int64) Item { return Item{ID: id, DateModified: base.Add(time.Duration(id) * time.Second)} }
	keep := func(*Item) bool { return true }
	p.add([]Item{at(2)}, keep)
	waitFor(t, func() bool {
		g.mu.Lock()
		defer g.mu.Unlock()
		return len(g.order) == 1 // the worker holds record 2
	})
	p.add([]Item{at(1)}, keep)
	due := make(chan struct{})
	close(due)
	taken := make(chan error, 1)
	first := at(1)
	go func() {
		_, err := p.take(t.Context(), &first, due)
		taken <- err
	}()
	select {
	case err := <-taken:
		if err != nil || string(first.Record) != `{"id":1}` {
			t.Errorf("took record 1: %s, %v", first.Record, err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the due batch waited 10 s for the busy worker")
	}
}
