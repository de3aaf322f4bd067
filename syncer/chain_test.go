package syncer

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestChainPlan checks the pages a V2 window is read in: each starts
// within the page before it, by minOverlap records or more, and reaches
// past it, at a limit from half the page size to the page size, bringing
// 90% of a page size of new records each or more.
func TestChainPlan(t *testing.T) {
	t.Parallel()
	c := chain{limit: 250}
	if s := c.span(1); s != (span{limit: 250, page: 1, start: 0, end: 250}) {
		t.Fatalf("page 1 = %+v, want the first 250 records", s)
	}
	if s := c.plan(2, minOverlap); s != (span{limit: 248, page: 2, start: 248, end: 496}) {
		t.Errorf("page 2 = %+v, want offsets 248 to 495 (limit 248, page 2)", s)
	}
	k := 2
	for ; c.span(k-1).end < 100_000; k++ {
		s, prev := c.plan(k, minOverlap), c.span(k-1)
		switch {
		case s.start != (s.page-1)*s.limit || s.end != s.page*s.limit:
			t.Fatalf("page %d = %+v: not page %d of limit %d", k, s, s.page, s.limit)
		case s.limit < 125 || s.limit > 250:
			t.Fatalf("page %d = %+v: limit out of 125..250", k, s)
		case c.overlap(k) < minOverlap || !c.goesOn(k):
			t.Fatalf("page %d = %+v after %+v: want an overlap of %d or more and records past it", k, s, prev, minOverlap)
		}
	}
	// Overlaps of a few records, and limits below the page size: 100,000
	// records take 8% more pages than pages of 250 would (434 against 400;
	// no plan does much better), in place of a count per 16 pages.
	if pages, records := k-1, c.span(k-1).end; records < 225*pages {
		t.Errorf("%d pages hold %d records, %.1f a page; want 225 or more", pages, records, float64(records)/float64(pages))
	}
}

// scriptedPages is a V2 window read by page number whose pages and count
// the test writes: page 1 from one read of the store, the later pages and
// the count from another.
type scriptedPages struct {
	*fakeSource
	limit       int
	first, then []Item // the window's records as page 1, and as the rest, see them
}

func (s scriptedPages) Paging() (offsets, totals bool) { return true, false }

func (s scriptedPages) ScanPage(ctx context.Context, from, to time.Time, limit, page int) ([]Item, int, error) {
	all := s.then
	if page == 1 && limit == s.limit {
		all = s.first
	}
	lo := min((page-1)*limit, len(all))
	return all[lo:min(lo+limit, len(all))], -1, nil
}

func (s scriptedPages) Count(ctx context.Context, from, to time.Time) (int, error) {
	return len(s.then), nil
}

// TestChainOverlapAtOneSecondSaysNothing reads a window whose records but
// the first share one second, which the API may order differently on every
// read: after page 1, record b leaves the window, and the later pages and
// the count see the rest so ordered that page 2 (offsets 3 to 5) still
// starts with page 1's last two, d and e. f, on page 1's read past its end
// and on theirs before page 2, is on no page. The overlap, at one second,
// cannot tell, nor can the count (page 1 was read before it, with the
// record still there), so the read must hand back page 1 alone and stop
// (the engine then reads on by keyset): with page 2 sent with page 1
// (ahead) and sent after the count answered.
func TestChainOverlapAtOneSecondSaysNothing(t *testing.T) {
	t.Parallel()
	at := func(id int64, sec int) Item {
		return Item{ID: id, DateModified: base.Add(time.Duration(sec) * time.Second)}
	}
	a, b, c, d, e, f, g, h := at(1, 0), at(2, 1), at(3, 1), at(4, 1), at(5, 1), at(6, 1), at(7, 1), at(8, 1)
	for _, ahead := range []bool{true, false} {
		t.Run(fmt.Sprintf("ahead=%v", ahead), func(t *testing.T) {
			t.Parallel()
			src := scriptedPages{fakeSource: newFakeSource(1, 0, 0, base), limit: 5,
				first: []Item{a, b, c, d, e, f, g, h}, then: []Item{a, c, f, d, e, g, h}}
			var mu sync.Mutex
			var asked [][2]int
			rd := openWindow(t.Context(), recordPages{src, &mu, &asked}, false, time.Time{}, base.Add(time.Hour), 5, 5, ahead, nil, nil)
			defer rd.close()
			handed, _ := readWindow(t, rd, nil)
			mu.Lock()
			defer mu.Unlock()
			if !slices.Contains(asked, [2]int{3, 2}) {
				t.Fatalf("pages asked for %v; want page 2 of limit 3 (offsets 3 to 5) among them", asked)
			}
			if want := []int64{1, 2, 3, 4, 5}; !slices.Equal(handed, want) {
				t.Errorf("handed back %v, want page 1 alone %v", handed, want)
			}
		})
	}
}

// recordPages notes the limit and page number of every page asked for.
type recordPages struct {
	ChunkScanner
	mu    *sync.Mutex
	asked *[][2]int
}

func (r recordPages) ScanPage(ctx context.Context, from, to time.Time, limit, page int) ([]Item, int, error) {
	r.mu.Lock()
	*r.asked = append(*r.asked, [2]int{limit, page})
	r.mu.Unlock()
	return r.ChunkScanner.ScanPage(ctx, from, to, limit, page)
}

// shiftingWindow is a V2 window whose records leave at random moments
// (before any page or count is answered) and whose records sharing a
// second come, on each read, mostly in ID order and one read in eight
// shuffled.
type shiftingWindow struct {
	*fakeSource
	mu    sync.Mutex
	rng   *rand.Rand
	dm    map[int64]time.Time
	left  map[int64]bool
	leave float64 // the chance that a request finds a record gone since the last
}

func (s *shiftingWindow) Paging() (offsets, totals bool) { return true, false }

// read returns the records in the window, in the order this read gives
// them, after maybe letting one leave; s.mu is held.
func (s *shiftingWindow) read() []Item {
	if s.rng.Float64() < s.leave {
		id := 1 + s.rng.Int64N(int64(len(s.dm)))
		s.left[id] = true
	}
	shuffle := s.rng.IntN(8) == 0
	var all []Item
	for id, dm := range s.dm {
		if !s.left[id] {
			all = append(all, Item{ID: id, DateModified: dm})
		}
	}
	slices.SortFunc(all, func(a, b Item) int { return cmp.Compare(a.ID, b.ID) })
	if shuffle {
		s.rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	}
	slices.SortStableFunc(all, func(a, b Item) int { return a.DateModified.Compare(b.DateModified) })
	return all
}

func (s *shiftingWindow) ScanPage(ctx context.Context, from, to time.Time, limit, page int) ([]Item, int, error) {
	s.mu.Lock()
	all := s.read()
	s.mu.Unlock()
	lo := min((page-1)*limit, len(all))
	return all[lo:min(lo+limit, len(all))], -1, nil
}

func (s *shiftingWindow) Count(ctx context.Context, from, to time.Time) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.read()), nil
}

// TestChainPassesNoneOver reads windows of many records sharing few
// seconds, from which records leave while the pages and counts are read,
// with pages sent ahead and not, and 2 to 8 in flight: whatever the read
// hands back has no record twice, and passes over none that stayed: every
// record that never left and comes before the last second handed back was
// handed back, and every one when the read says it reached the window's end.
func TestChainPassesNoneOver(t *testing.T) {
	t.Parallel()
	for seed := range uint64(2000) {
		rng := rand.New(rand.NewPCG(seed, 18))
		n := 5 + rng.IntN(150)
		seconds := 1 + n/4 + rng.IntN(2*n) // some seconds shared, some records alone
		src := &shiftingWindow{fakeSource: newFakeSource(1, 0, 0, base), rng: rng,
			dm: map[int64]time.Time{}, left: map[int64]bool{}, leave: []float64{0, 0.1, 0.5}[seed%3]}
		for id := int64(1); id <= int64(n); id++ {
			src.dm[id] = base.Add(time.Duration(rng.IntN(seconds)) * time.Second)
		}
		ahead, parallel := seed%2 == 0, []int{2, 4, 8}[seed%3]
		rd := openWindow(t.Context(), src, false, time.Time{}, base.Add(time.Hour), 10, parallel, ahead, nil, nil)
		ids, last := readWindow(t, rd, nil)
		rd.close()
		src.mu.Lock()
		seen := map[int64]bool{}
		for _, id := range ids {
			if seen[id] {
				t.Errorf("seed %d: record %d handed back twice", seed, id)
			}
			seen[id] = true
		}
		for id, dm := range src.dm {
			before := len(ids) > 0 && dm.Before(src.dm[ids[len(ids)-1]])
			if !src.left[id] && !seen[id] && (last || before) {
				t.Errorf("seed %d (%d records, %d seconds, ahead %v, %d in flight): record %d at +%s stayed in the window and was passed over (%d handed back, last %v)",
					seed, n, seconds, ahead, parallel, id, dm.Sub(base), len(ids), last)
			}
		}
		src.mu.Unlock()
	}
}

// countAfter is a scripted window whose count answers only once release
// closes, and counts its counts.
type countAfter struct {
	scriptedPages
	release chan struct{}
	counts  *atomic.Int64
}

func (c countAfter) Count(ctx context.Context, from, to time.Time) (int, error) {
	c.counts.Add(1)
	<-c.release
	return c.scriptedPages.Count(ctx, from, to)
}

// TestChainOverlapSpansPageOnesLastSecond reads a window whose page 1 (of
// 20) ends with four records at one second. Page 2, sent once page 1 is
// known, overlaps it by five records (limit 15, page 2: offsets 15 to 29),
// across the change of second, so it vouches for itself and the read goes
// on to the window's end with no count but the first. (With the least
// overlap, two records at one second, page 2 could not be vouched for: a
// count cannot vouch for a page after page 1, which was read before it.)
func TestChainOverlapSpansPageOnesLastSecond(t *testing.T) {
	t.Parallel()
	var records []Item
	for id := int64(1); id <= 40; id++ {
		sec := id
		if id >= 17 && id <= 20 {
			sec = 17
		}
		records = append(records, Item{ID: id, DateModified: base.Add(time.Duration(sec) * time.Second)})
	}
	var counts atomic.Int64
	src := countAfter{scriptedPages{fakeSource: newFakeSource(1, 0, 0, base), limit: 20, first: records, then: records},
		make(chan struct{}), &counts}
	var mu sync.Mutex
	var asked [][2]int
	rd := openWindow(t.Context(), recordPages{src, &mu, &asked}, false, time.Time{}, base.Add(time.Hour), 20, 4, false, nil, nil)
	defer rd.close()
	released := false
	handed, last := readWindow(t, rd, func(handed []int64) {
		if len(handed) == 20 && !released {
			waitFor(t, func() bool { return counts.Load() == 1 })
			close(src.release) // page 1 is handed back: now the count answers
			released = true
		}
	})
	if !last {
		t.Errorf("the read stopped after %d records; want the window's end", len(handed))
	}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Contains(asked, [2]int{15, 2}) {
		t.Errorf("pages asked for %v; want page 2 of limit 15 (offsets 15 to 29) among them", asked)
	}
	if n := counts.Load(); n != 1 {
		t.Errorf("%d counts, want 1", n)
	}
	if len(handed) != 40 {
		t.Errorf("handed back %d records, want 40: %v", len(handed), handed)
	}
}

// readWindow takes every stretch rd hands back until it ends or stops,
// calling each (if set) after each stretch with the IDs so far, and returns
// them and whether the read reached the window's end.
func readWindow(t *testing.T, rd *windowRead, each func(handed []int64)) (ids []int64, last bool) {
	t.Helper()
	for {
		c, err := rd.next(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range c.Items {
			ids = append(ids, it.ID)
		}
		if each != nil {
			each(ids)
		}
		if !c.OK || c.Last {
			return ids, c.OK && c.Last
		}
	}
}
