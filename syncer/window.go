package syncer

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"
)

// windowRead reads a frozen window [from, to] by page number, keeping up to
// parallel requests in flight for as long as the window lasts (each answer
// sends the next page, so no page waits for the slowest of a group), and
// hands back, stretch by stretch, the pages it can vouch for.
//
// Offset pages are only safe over a result set that does not change while
// they are read. Records can leave a frozen window (modified, so their
// date_modified passes to; or deleted) but never enter it, so its size can
// only fall: pages read while it held one size are one snapshot. A V3
// answer carries that size (meta.pagination.total), so each page vouches
// for itself when it finds the size the first found.
//
// A V2 answer carries no size. Page 1 is the window's first records, as a
// keyset page would read them, and vouches for itself; each later page
// overlaps the page before it (chain.go; when that page is answered before
// it is sent, by all the records it ends with at one second and one more)
// and vouches for itself when it starts with that page's last records and
// they span a change of second:
// as many records before that second in both reads, so none of them left
// between the reads (whichever came first), and the same records at that
// second up to the earlier page's end, so none passed over at that second
// either. Pages whose overlap says nothing (the API orders records that
// share a second as it likes, and a shared second can fill the overlap)
// are vouched for as reads by page number always were: by a count sent
// after they were answered that finds the window's size unchanged since
// the first count, answered before they and the page before them were sent
// (so never the page after page 1, which goes out with that count, nor the
// pages sent with page 1). The first count says how many pages to ask for.
//
// Every page but a window's last must be full and no record may be on two
// pages (ties at a page boundary sorted differently by different
// requests). Once a page shows the window moved, the pages vouched for so far
// are still handed back, and then next answers OK false: the engine reads on
// from its cursor by keyset.
type windowRead struct {
	src      ChunkScanner
	from, to time.Time
	limit    int
	parallel int  // requests in flight at most, pages and counts
	hold     int  // pages in flight or read but not handed back, at most
	totals   bool // every answer carries the window's size
	arrived  func([]Item)
	dropped  func([]Item)

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu       sync.Mutex
	cond     *sync.Cond
	total    int // the window's size, -1 until known
	pages    int // pages to ask for
	sent     int // pages 1..sent were asked for
	handed   int // pages 1..handed were handed back
	inFlight int // requests in flight
	reading  int // of them, pages
	counting bool
	got      map[int]*pageGot // by page number
	chain    chain            // a V2 window's pages
	// firstLate is a V2 window's first page sent after the first count
	// answered, 0 until it does.
	firstLate int
	prev      []Item // a V2 window's last page handed back, which the next overlaps
	// uncovered are the V2 pages answered that no count sent after them
	// covers.
	uncovered []int
	// handedLast is the last record handed back.
	handedLast *Item
	moved      bool // a page or a count showed the window changed
	ended      bool // the window's last page was handed back
	closed     bool
	err        error
	// tieAt and tieIDs are the last second handed back and the records at
	// it, so a record on two pages is found across stretches too.
	tieAt  time.Time
	tieIDs map[int64]bool
}

// pageGot is one page answered.
type pageGot struct {
	items    []Item
	answered bool
	// vouched is a V3 page's size the window's, or a V2 page covered by a
	// count that found the window's size unchanged.
	vouched bool
}

// openWindow starts reading [from, to]: a V3 window's first page (which
// says its size), a V2 one's first page and its count. With ahead, the
// pages after the first go out with it too, up to parallel requests in
// flight less one (the store's clock, read with them): a window expected to
// fill many pages (the engine's is a whole store) then reads its first
// pages in one round trip, not two, at the price of asking for pages past
// a short window's end.
func openWindow(ctx context.Context, src ChunkScanner, totals bool, from, to time.Time, limit, parallel int, ahead bool, arrived, dropped func([]Item)) *windowRead {
	ctx, cancel := context.WithCancel(ctx)
	w := &windowRead{src: src, from: from, to: to, limit: limit, parallel: parallel, totals: totals,
		hold: 2 * parallel, arrived: arrived, dropped: dropped, chain: chain{limit: limit},
		ctx: ctx, cancel: cancel, total: -1, pages: 1, got: map[int]*pageGot{}}
	w.cond = sync.NewCond(&w.mu)
	w.mu.Lock()
	defer w.mu.Unlock()
	if !totals {
		w.count()
	}
	w.readPage(1)
	for ahead && w.inFlight < parallel-1 {
		w.readPage(w.sent + 1)
	}
	return w
}

// readPage asks for page p; w.mu is held.
func (w *windowRead) readPage(p int) {
	w.sent = max(w.sent, p)
	w.inFlight++
	w.reading++
	g := &pageGot{}
	w.got[p] = g
	limit, page := w.limit, p
	if !w.totals {
		need := minOverlap
		if prev := w.before(p); prev != nil {
			need = max(need, lastSecond(prev)+1)
		} else if !w.countable(p) {
			need = w.chain.blindOverlap() // and no count can vouch for it
		}
		sp := w.chain.plan(p, need)
		limit, page = sp.limit, sp.page
	}
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		items, total, err := w.src.ScanPage(w.ctx, w.from, w.to, limit, page)
		if err == nil && w.arrived != nil {
			w.arrived(items) // hydration starts before the page is vouched for
		}
		use, done := w.settle(err)
		defer done()
		w.reading--
		if err == nil {
			g.items, g.answered = items, true // close drops it unless handed back
		}
		switch {
		case !use:
		case !w.totals:
			if w.countable(p) {
				w.uncovered = append(w.uncovered, p)
			}
		case w.total < 0: // the first page of a V3 window to answer
			if total < 0 {
				w.moved = true // no size in the answer: nothing vouches for the pages
				return
			}
			w.setTotal(total)
			g.vouched = true
		default:
			g.vouched = total == w.total
			w.moved = w.moved || !g.vouched
		}
	}()
}

// settle takes w.mu for a request that answered with err, counting it out
// of those in flight. use is false when the answer is not to be used: the
// read was closed, or the request failed (next returns its error). The
// function it returns sends what can now be sent, wakes next and lets w.mu
// go.
func (w *windowRead) settle(err error) (use bool, done func()) {
	w.mu.Lock()
	w.inFlight--
	if err != nil && !w.closed {
		w.err = err
	}
	return err == nil && !w.closed, func() {
		w.pump()
		w.cond.Broadcast()
		w.mu.Unlock()
	}
}

// count asks for a V2 window's size; w.mu is held. The first count says
// how many pages to ask for; later ones vouch for the pages answered before
// they were sent whose overlap says nothing.
func (w *windowRead) count() {
	covers := w.uncovered
	w.uncovered = nil
	w.inFlight++
	w.counting = true
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		n, err := w.src.Count(w.ctx, w.from, w.to)
		use, done := w.settle(err)
		defer done()
		w.counting = false
		switch {
		case !use:
		case n < 0:
			w.moved = true // the source cannot count: nothing says where to stop
		case w.total < 0:
			w.setTotal(n)
		case n == w.total:
			for _, p := range covers {
				if g := w.got[p]; g != nil {
					g.vouched = true
				}
			}
		default:
			w.moved = true
		}
	}()
}

// setTotal records the window's size and the pages it fills; w.mu is
// held. A V2 window's pages are those that start before its end: the last
// is short (where the window ends right at a page's end, the page after it
// holds only the overlap).
func (w *windowRead) setTotal(n int) {
	w.total = n
	if w.totals {
		w.pages = (n + w.limit - 1) / w.limit
		return
	}
	w.pages = w.chain.pagesBefore(n)
	w.firstLate = w.sent + 1
}

// countable reports whether a count can vouch for V2 page p: it and the
// page before it were sent after the first count answered, so that both
// were read while the window held the size that count found; w.mu is held.
func (w *windowRead) countable(p int) bool { return w.firstLate > 0 && p > w.firstLate }

// pump sends what can be sent: the next pages, within parallel requests in
// flight and hold pages not handed back, and a count once a V2 page waits
// for one and parallel pages are uncovered, or no more pages can be sent
// and all are answered (so a count is spent on parallel pages at most,
// as reading them in groups would); w.mu is held.
func (w *windowRead) pump() {
	if w.total < 0 || w.moved || w.ended || w.err != nil || w.closed {
		return
	}
	for w.inFlight < w.parallel {
		canRead := w.sent-w.handed < w.hold && w.due(w.sent+1) && w.ready(w.sent+1)
		if !w.counting && len(w.uncovered) > 0 && (len(w.uncovered) >= w.parallel || !canRead && w.reading == 0) &&
			slices.ContainsFunc(w.uncovered, w.waits) {
			w.count()
			continue
		}
		if !canRead {
			return
		}
		w.readPage(w.sent + 1)
	}
}

// due reports whether page p is to be asked for: the window's size says it
// holds records or, in a V2 window, the page before it came back full where
// the count said the window would end (it had not yet when that page was
// read); w.mu is held.
func (w *windowRead) due(p int) bool {
	if p <= w.pages || w.totals {
		return p <= w.pages
	}
	if !w.chain.goesOn(p - 1) {
		return false // no page can: the engine reads on by keyset
	}
	if p-1 <= w.handed {
		return true // handed back full: only a short page ends the read
	}
	g := w.got[p-1]
	return g.answered && len(g.items) == w.chain.span(p-1).limit
}

// ready reports whether page p, due, can be sent now: a V2 window's page 2,
// sent after the count (no pages went with page 1), waits for page 1, sent
// with the count, so that its overlap is sized to span a change of second:
// no count can vouch for it. (Pages sent with page 1 are planned blind: a
// window from the beginning whose records share seconds thickly may find
// one that vouches for nothing, and read on by keyset from there.) w.mu is
// held.
func (w *windowRead) ready(p int) bool {
	return w.totals || p != 2 || w.before(p) != nil
}

// before returns the records of the page before V2 page p, nil while it is
// not answered; w.mu is held.
func (w *windowRead) before(p int) []Item {
	if p-1 == w.handed {
		return w.prev
	}
	if g := w.got[p-1]; g != nil && g.answered {
		return g.items
	}
	return nil
}

// verdict is what is known of a V2 page after page 1 following on from
// the page before it.
type verdict int

const (
	unread  verdict = iota // it or the page before it not answered yet
	waiting                // its overlap says nothing: a count will say
	kept                   // vouched for by its overlap or by a count
	refused                // its overlap says nothing and no count can
)

// follows returns V2 page p's verdict (p > 1); w.mu is held.
func (w *windowRead) follows(p int) verdict {
	g, prev := w.got[p], w.before(p)
	switch {
	case g == nil || !g.answered || prev == nil:
		return unread
	case g.vouched || w.chain.vouches(p, prev, g.items):
		return kept
	case w.countable(p):
		return waiting
	}
	return refused
}

// waits reports whether V2 page p waits for a count; w.mu is held.
func (w *windowRead) waits(p int) bool { return w.follows(p) == waiting }

// next returns the next stretch of pages vouched for, in order: at most
// parallel pages, Last when it ends the window. OK is false when no
// more pages can be vouched for; the reader is then done.
func (w *windowRead) next(ctx context.Context) (Chunk, error) {
	stop := context.AfterFunc(ctx, func() {
		w.mu.Lock()
		w.cond.Broadcast()
		w.mu.Unlock()
	})
	defer stop()
	w.mu.Lock()
	defer w.mu.Unlock()
	for {
		switch {
		case ctx.Err() != nil:
			return Chunk{}, context.Cause(ctx)
		case w.err != nil:
			return Chunk{}, w.err
		case w.total == 0 && w.totals:
			w.moved = true // handed back once: an empty window
			if g := w.got[1]; g != nil && len(g.items) > 0 {
				return Chunk{Total: 0}, nil // records in a window of size 0
			}
			return Chunk{Total: 0, OK: true, Last: true}, nil
		}
		k := w.handed
		for k-w.handed < w.parallel && w.handable(k+1) {
			k++
		}
		if k > w.handed {
			return w.hand(k)
		}
		// A V2 window's page 1 answers for itself, whatever the count found.
		lead := w.got[1]
		leadDue := !w.totals && w.handed == 0 && lead != nil && !lead.answered
		done := w.totals && w.handed >= w.pages && w.total >= 0
		if !leadDue && (w.moved || done || w.inFlight == 0) {
			w.moved = true
			return Chunk{Total: w.total}, nil
		}
		w.cond.Wait()
	}
}

// handable reports whether page p can be handed back, or found not to
// follow the pages before it (hand then ends the read there): a V3 page
// answered and vouched for by its size; a V2 page kept or refused
// (follows); w.mu is held.
func (w *windowRead) handable(p int) bool {
	g := w.got[p]
	switch {
	case g == nil || !g.answered:
		return false
	case w.totals:
		return g.vouched && p <= w.pages
	case p == 1:
		return true
	case w.moved:
		return false
	}
	v := w.follows(p)
	return v == kept || v == refused
}

// hand returns pages handed+1..k, checked to be one snapshot, or those
// before the first that is not; in a V2 window, up to a short page among
// them, the window's last; w.mu is held.
func (w *windowRead) hand(k int) (Chunk, error) {
	var items []Item
	last := w.totals && k == w.pages
	for p := w.handed + 1; p <= k; p++ {
		g := w.got[p]
		page := g.items
		var ok bool
		switch {
		case w.totals:
			ok = len(page) == min(w.limit, w.total-(p-1)*w.limit)
		case p == 1:
			ok = true
		case w.follows(p) == kept:
			page, ok = w.chain.past(p, page)
		}
		if !w.totals && ok && len(g.items) < w.chain.span(p).limit {
			last, k = true, p // short: the window ends in it
		}
		if !ok || !w.untied(page) {
			w.moved = true // a page short or shifted, or a record on two pages
			if p == w.handed+1 {
				return Chunk{Total: w.total}, nil
			}
			k, last = p-1, false // the pages before it stand
			break
		}
		items = append(items, page...)
		if len(page) > 0 {
			w.handedLast = &page[len(page)-1]
		}
		if !w.totals {
			w.prev = g.items
		}
	}
	for p := w.handed + 1; p <= k; p++ {
		delete(w.got, p)
	}
	c := Chunk{Items: items, Pages: k - w.handed, Total: w.total, OK: true, Last: last}
	w.handed, w.ended = k, last
	w.pump()
	return c, nil
}

// untied checks that a page, in order after the pages handed back before
// it, goes on in ascending date_modified order with no record seen before at
// the second it starts at.
func (w *windowRead) untied(page []Item) bool {
	for _, it := range page {
		switch it.DateModified.Compare(w.tieAt) {
		case -1:
			return false
		case 0:
			if w.tieIDs[it.ID] {
				return false
			}
		case 1:
			w.tieAt, w.tieIDs = it.DateModified, map[int64]bool{}
		}
		w.tieIDs[it.ID] = true
	}
	return true
}

// close ends the reads in flight and hands the pages read but never handed
// back to dropped. A nil w is done already.
func (w *windowRead) close() {
	if w == nil {
		return
	}
	w.mu.Lock()
	w.closed = true
	w.mu.Unlock()
	w.cancel()
	w.wg.Wait()
	if w.dropped == nil {
		return
	}
	for p, g := range w.got {
		if p > w.handed && g.answered {
			// Not those up to the last record handed back (a V2 page's
			// overlap, or a page read twice): their batches take them.
			w.dropped(slices.DeleteFunc(slices.Clone(g.items), func(it Item) bool {
				return w.handedLast != nil && cmp.Or(it.DateModified.Compare(w.handedLast.DateModified), cmp.Compare(it.ID, w.handedLast.ID)) <= 0
			}))
		}
	}
}
