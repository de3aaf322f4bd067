package syncer

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/bigc-dev/bigc/state/statetest"
)

// TestStretchWrittenPageByPage reads a window by page number, four pages a
// stretch, and checks that each stretch is written a page's worth at a time
// (so the last of a long stretch's records is not waited for before the
// first are written), and that every checkpoint saved on the way vouches
// only for records already in the output, ties at page boundaries included.
func TestStretchWrittenPageByPage(t *testing.T) {
	t.Parallel()
	const pageSize = 10
	f := newFakeSource(7, 200, 60*time.Second, base) // ~3 records a second: ties across pages
	db := statetest.Open(t)
	out := filepath.Join(t.TempDir(), "out.jsonl")
	w, err := OpenFile(t.Context(), db, out)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	job := &Job{Source: chunkSource{f}, Writer: w, DB: db, Connection: "test", StoreTime: f.clock,
		PageSize: pageSize, Workers: 3, Parallel: 4}
	key, _ := job.CheckpointKey()
	batches, written := 0, 0
	job.Progress = func(p Progress) {
		if p.Done {
			return
		}
		batches++
		if n := p.Records - written; n > pageSize {
			t.Errorf("batch %d wrote %d records at once, want at most a page (%d)", batches, n, pageSize)
		}
		written = p.Records
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
	}
	res, err := job.Run(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if res.Records != 200 {
		t.Errorf("run wrote %d records, want 200", res.Records)
	}
	if batches < 200/pageSize {
		t.Errorf("%d batches written, want at least one a page (%d)", batches, 200/pageSize)
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
