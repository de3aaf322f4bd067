package syncer

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bigc-dev/bigc/internal/syncbuf"
	"github.com/bigc-dev/bigc/state"
	"github.com/bigc-dev/bigc/state/statetest"
)

// fakeSource is an in-memory stream whose Scan returns records sharing a
// second in random order (the API promises no order among them), and which
// can change records between calls, as a live store does.
type fakeSource struct {
	mu      sync.Mutex
	now     time.Time
	dm      map[int64]time.Time
	history map[int64][]time.Time // every version each record has had
	rng     *rand.Rand
	calls   int
	// between runs before every Scan and Group page, with the call number.
	between func(f *fakeSource, call int)
	skip    func(id int64) bool
}

func newFakeSource(seed uint64, n int, spread time.Duration, base time.Time) *fakeSource {
	f := &fakeSource{now: base.Add(spread + time.Minute), dm: map[int64]time.Time{}, history: map[int64][]time.Time{}, rng: rand.New(rand.NewPCG(seed, 1))}
	for id := int64(1); id <= int64(n); id++ {
		t := base
		if spread > 0 {
			t = base.Add(time.Duration(f.rng.Int64N(int64(spread/time.Second))) * time.Second)
		}
		f.set(id, t)
	}
	return f
}

func (f *fakeSource) set(id int64, t time.Time) {
	f.dm[id] = t
	f.history[id] = append(f.history[id], t)
}

// touch modifies a record now, as a merchant editing it mid-run would.
func (f *fakeSource) touch(id int64) { f.set(id, f.now) }

func (f *fakeSource) hook() {
	f.calls++
	if f.between != nil {
		f.between(f, f.calls)
	}
}

func (f *fakeSource) Stream() string { return "orders" }

func (f *fakeSource) item(id int64) Item {
	it := Item{ID: id, DateModified: f.dm[id]}
	if f.skip != nil {
		it.Skip = f.skip(id)
	}
	return it
}

func (f *fakeSource) Scan(ctx context.Context, from, to time.Time, limit int) ([]Item, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hook()
	var out []Item
	for id, t := range f.dm {
		if (from.IsZero() || !t.Before(from)) && !t.After(to) {
			out = append(out, f.item(id))
		}
	}
	f.rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	slices.SortStableFunc(out, func(a, b Item) int { return a.DateModified.Compare(b.DateModified) })
	return out[:min(limit, len(out))], nil
}

func (f *fakeSource) Group(ctx context.Context, at time.Time, limit int) iter.Seq2[[]Item, error] {
	return func(yield func([]Item, error) bool) {
		var after int64
		for {
			f.mu.Lock()
			f.hook()
			var page []Item
			for id, t := range f.dm {
				if t.Equal(at) && id > after {
					page = append(page, f.item(id))
				}
			}
			f.mu.Unlock()
			slices.SortFunc(page, func(a, b Item) int { return cmp.Compare(a.ID, b.ID) })
			page = page[:min(limit, len(page))]
			if !yield(page, nil) || len(page) < limit {
				return
			}
			after = page[len(page)-1].ID
		}
	}
}

func (f *fakeSource) Hydrate(ctx context.Context, it *Item) error {
	it.Record = json.RawMessage(fmt.Sprintf(`{"id":%d}`, it.ID))
	return nil
}

// chunkSource adds paging by page number vouched for by counts, as
// OrderSource does; the hook runs before every page, so records leave the
// window in the middle of a read.
type chunkSource struct{ *fakeSource }

func (c chunkSource) Paging() (offsets, totals bool) { return true, false }

func (c chunkSource) ScanPage(ctx context.Context, from, to time.Time, limit, page int) ([]Item, int, error) {
	f := c.fakeSource
	f.mu.Lock()
	f.hook()
	var all []Item
	for id, t := range f.dm {
		if (from.IsZero() || !t.Before(from)) && !t.After(to) {
			all = append(all, f.item(id))
		}
	}
	// Records sharing a second come in any order, as in Scan, and in a
	// different one on each page: a page boundary among them puts some on
	// two pages and others on none, which the read must notice.
	f.rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	f.mu.Unlock()
	slices.SortStableFunc(all, func(a, b Item) int { return a.DateModified.Compare(b.DateModified) })
	lo := min((page-1)*limit, len(all))
	return all[lo:min(lo+limit, len(all))], -1, nil
}

func (c chunkSource) Count(ctx context.Context, from, to time.Time) (int, error) {
	f := c.fakeSource
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, t := range f.dm {
		if (from.IsZero() || !t.Before(from)) && !t.After(to) {
			n++
		}
	}
	return n, nil
}

func (f *fakeSource) Count(ctx context.Context, from, to time.Time) (int, error) { return -1, nil }

func (f *fakeSource) clock(context.Context) (time.Time, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now, nil
}

func (f *fakeSource) advance(d time.Duration) {
	f.mu.Lock()
	f.now = f.now.Add(d)
	f.mu.Unlock()
}

// readOutput returns every line's key, in order.
func readOutput(t *testing.T, path string) []state.EmittedKey {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var keys []state.EmittedKey
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		k, err := ParseLine(sc.Bytes())
		if err != nil {
			t.Fatalf("line %d: %v", len(keys)+1, err)
		}
		keys = append(keys, k)
	}
	return keys
}

// checkExactlyOnce asserts that no version appears twice, that every line is
// a version the record really had, and that every record's current version,
// unless skipped, is in the output.
func checkExactlyOnce(t *testing.T, f *fakeSource, keys []state.EmittedKey) {
	t.Helper()
	seen := map[state.EmittedKey]bool{}
	for _, k := range keys {
		if seen[k] {
			t.Errorf("record %d version %d written twice", k.ID, k.DateModified)
		}
		seen[k] = true
		if !slices.ContainsFunc(f.history[k.ID], func(t time.Time) bool { return t.Unix() == k.DateModified }) {
			t.Errorf("record %d version %d never existed", k.ID, k.DateModified)
		}
	}
	for id, dm := range f.dm {
		if f.skip != nil && f.skip(id) {
			if slices.ContainsFunc(keys, func(k state.EmittedKey) bool { return k.ID == id }) {
				t.Errorf("skipped record %d was written", id)
			}
			continue
		}
		if !seen[state.EmittedKey{Stream: "orders", ID: id, DateModified: dm.Unix()}] {
			t.Errorf("record %d at %s missing", id, dm.Format(time.RFC3339))
		}
	}
}

var base = time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)

func TestRunExactlyOnce(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		records  int
		spread   time.Duration
		pageSize int
		between  func(f *fakeSource, call int)
		skip     func(id int64) bool
	}{
		{name: "empty store", records: 0, pageSize: 10},
		{name: "one short page", records: 7, spread: time.Hour, pageSize: 10},
		{name: "many ties across page boundaries", records: 500, spread: 60 * time.Second, pageSize: 10},
		{name: "whole pages share one second", records: 95, spread: 0, pageSize: 10},
		{name: "exactly one full page", records: 10, spread: time.Hour, pageSize: 10},
		{name: "modified mid-run", records: 400, spread: 100 * time.Second, pageSize: 10,
			between: func(f *fakeSource, call int) {
				for range 3 {
					f.touch(1 + f.rng.Int64N(int64(len(f.dm))))
				}
			}},
		{name: "modified mid-group", records: 80, spread: 0, pageSize: 10,
			between: func(f *fakeSource, call int) {
				if call%2 == 0 {
					f.touch(1 + f.rng.Int64N(int64(len(f.dm))))
				}
			}},
		{name: "status filter", records: 300, spread: 30 * time.Second, pageSize: 25,
			skip: func(id int64) bool { return id%3 == 0 }},
	}
	for i, tt := range tests {
		for _, chunked := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/chunked=%v", tt.name, chunked), func(t *testing.T) {
				t.Parallel()
				f := newFakeSource(uint64(i+1), tt.records, tt.spread, base)
				f.between, f.skip = tt.between, tt.skip
				var src Source = f
				if chunked {
					src = chunkSource{f}
				}
				db := statetest.Open(t)
				out := filepath.Join(t.TempDir(), "out.jsonl")
				w, err := OpenFile(t.Context(), db, out)
				if err != nil {
					t.Fatal(err)
				}
				defer w.Close()
				job := &Job{Source: src, Writer: w, DB: db, Connection: "test", StoreTime: f.clock, PageSize: tt.pageSize, Workers: 3, Parallel: 4}
				first, err := job.Run(t.Context())
				if err != nil {
					t.Fatal(err)
				}
				if !first.Cursor.Through || !first.Cursor.DateModified.Equal(first.To) {
					t.Errorf("cursor after run = %v, want through %v", first.Cursor, first.To)
				}
				// Changes made during the first run come in the second; nothing else.
				f.between = nil
				changed := map[int64]bool{}
				for id, h := range f.history {
					if len(h) > 1 && !(f.skip != nil && f.skip(id)) {
						changed[id] = true
					}
				}
				f.advance(10 * time.Second)
				second, err := job.Run(t.Context())
				if err != nil {
					t.Fatal(err)
				}
				if second.Records != len(changed) {
					t.Errorf("second run wrote %d records, want the %d changed during the first", second.Records, len(changed))
				}
				// The ledger would hide a duplicate read; the reader itself must
				// make none.
				if first.Duplicates+second.Duplicates != 0 {
					t.Errorf("reader produced %d duplicates", first.Duplicates+second.Duplicates)
				}
				checkExactlyOnce(t, f, readOutput(t, out))
				// A third run with nothing changed writes nothing.
				f.advance(10 * time.Second)
				third, err := job.Run(t.Context())
				if err != nil || third.Records != 0 {
					t.Errorf("third run: %d records, %v; want 0, nil", third.Records, err)
				}
			})
		}
	}
}

// TestRunResumesAfterInterruption stops runs at random moments and checks
// that the runs that follow complete the window exactly once: read by
// keyset, and by page number, where a run stopped mid-stretch resumes from
// the checkpoint of the last page's worth written.
func TestRunResumesAfterInterruption(t *testing.T) {
	t.Parallel()
	for seed := range uint64(6) {
		for _, chunked := range []bool{false, true} {
			t.Run(fmt.Sprintf("%d/chunked=%v", seed, chunked), func(t *testing.T) {
				t.Parallel()
				spread := 40 * time.Second
				if seed%2 == 1 {
					spread = 0 // every record in one second: interrupted mid-group
				}
				f := newFakeSource(seed, 300, spread, base)
				var src Source = f
				if chunked {
					src = chunkSource{f}
				}
				db := statetest.Open(t)
				out := filepath.Join(t.TempDir(), "out.jsonl")
				run := func(ctx context.Context) error {
					w, err := OpenFile(t.Context(), db, out)
					if err != nil {
						t.Fatal(err)
					}
					defer w.Close()
					job := &Job{Source: src, Writer: w, DB: db, Connection: "test", StoreTime: f.clock, PageSize: 10, Workers: 2, Parallel: 4}
					_, err = job.Run(ctx)
					return err
				}
				for attempt := 0; ; attempt++ {
					ctx, cancel := context.WithCancelCause(t.Context())
					stopAt := 1 + f.rng.IntN(12)
					if attempt > 10 {
						stopAt = 1 << 30
					}
					f.between = func(f *fakeSource, call int) {
						if call%7 == 0 {
							f.touch(1 + f.rng.Int64N(300))
						}
						if stopAt--; stopAt == 0 {
							cancel(errors.New("interrupted"))
						}
					}
					err := run(ctx)
					cancel(nil)
					if err == nil {
						break
					}
					if attempt > 20 {
						t.Fatalf("run %d still fails: %v", attempt, err)
					}
					f.advance(3 * time.Second)
				}
				f.between = nil
				f.advance(10 * time.Second)
				if err := run(t.Context()); err != nil {
					t.Fatal(err)
				}
				checkExactlyOnce(t, f, readOutput(t, out))
			})
		}
	}
}

func TestRunSinceAndFull(t *testing.T) {
	t.Parallel()
	f := newFakeSource(9, 100, 100*time.Second, base)
	db := statetest.Open(t)
	var buf syncbuf.Buffer
	w := NewStreamWriter(&buf)
	job := &Job{Source: f, Writer: w, DB: db, Connection: "test", StoreTime: f.clock, PageSize: 10}
	since := base.Add(50 * time.Second)
	job.Since = since
	res, err := job.Run(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, dm := range f.dm {
		if !dm.Before(since) {
			want++
		}
	}
	if res.Records != want {
		t.Errorf("--since wrote %d, want %d", res.Records, want)
	}
	job.Since = time.Time{}
	job.Full = true
	res, err = job.Run(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if res.Records != 100 {
		t.Errorf("--full wrote %d, want 100", res.Records)
	}
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// readLines returns every line of the output.
func readLines(t *testing.T, path string) [][]byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines [][]byte
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<22)
	for sc.Scan() {
		lines = append(lines, append([]byte(nil), sc.Bytes()...))
	}
	return lines
}

func contextBackground() context.Context { return context.Background() }

// TestFollowKeepsSyncing runs --follow until the third run, with a record
// changed before each, and checks each run took exactly the change.
func TestFollowKeepsSyncing(t *testing.T) {
	t.Parallel()
	f := newFakeSource(12, 30, 20*time.Second, base)
	db := statetest.Open(t)
	var buf syncbuf.Buffer
	job := &Job{Source: f, Writer: NewStreamWriter(&buf), DB: db, Connection: "test", StoreTime: f.clock, PageSize: 10}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var got []int
	err := job.Follow(ctx, time.Millisecond, func(res Result, err error) {
		if err != nil {
			t.Error(err)
		}
		got = append(got, res.Records)
		if len(got) == 3 {
			cancel()
			return
		}
		f.mu.Lock()
		f.touch(int64(len(got)))
		f.mu.Unlock()
		f.advance(5 * time.Second)
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{30, 1, 1}; !slices.Equal(got, want) {
		t.Errorf("records per run = %v, want %v", got, want)
	}
	if err := job.Follow(ctx, 0, nil); err == nil {
		t.Error("Follow with a zero interval accepted")
	}
}

// stuckGroup is an API that ignores the keyset and serves one page forever.
type stuckGroup struct{ *fakeSource }

func (s stuckGroup) Group(ctx context.Context, at time.Time, limit int) iter.Seq2[[]Item, error] {
	return func(yield func([]Item, error) bool) {
		page, _ := s.Scan(ctx, at, at, limit)
		for yield(page, nil) {
		}
	}
}

func TestRunRefusesARepeatingAPI(t *testing.T) {
	t.Parallel()
	f := newFakeSource(13, 40, 0, base)
	var buf syncbuf.Buffer
	job := &Job{Source: stuckGroup{f}, Writer: NewStreamWriter(&buf), DB: statetest.Open(t), Connection: "test", StoreTime: f.clock, PageSize: 10}
	if _, err := job.Run(t.Context()); err == nil || !strings.Contains(err.Error(), "already read") {
		t.Errorf("Run over a repeating API = %v, want an error saying so", err)
	}
}
