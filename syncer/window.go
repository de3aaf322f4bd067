package syncer

import (
	"context"
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
// only fall: pages read while it held the size it had before the first page
// are one snapshot. A V3 answer carries that size (meta.pagination.total),
// so each page vouches for itself; for V2 a count sent after some pages were
// answered vouches for them when it finds the size unchanged.
//
// A V2 window's first page goes out with its first count: page 1 is the
// window's first records, as a keyset page would read them, so it vouches
// for itself and is handed back as soon as it is answered (a short one is
// the whole window). The later pages follow it only if no record before its
// end left the window before they were read: a probe, the one record at
// offset limit-1 (page limit of 1 record), read with them and vouched for
// by the same counts, must be page 1's last record. Every page but
// the last must also be full and no record may be on two pages (ties at a
// page boundary sorted differently by different requests). Once a page or a
// count shows the window moved, the pages vouched for so far are still
// handed back, and then next answers OK false: the engine reads on from its
// cursor by keyset.
type windowRead struct {
	src      ChunkScanner
	from, to time.Time
	limit    int
	parallel int  // requests in flight at most, pages and counts
	hold     int  // pages in flight or read but not handed back, at most: a count per parallel pages needs twice parallel
	totals   bool // every answer carries the window's size
	arrived  func([]Item)
	dropped  func([]Item)

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu       sync.Mutex
	cond     *sync.Cond
	total    int // the window's size, -1 until known
	pages    int // pages the window fills
	sent     int // pages 1..sent were asked for
	handed   int // pages 1..handed were handed back
	inFlight int // requests in flight
	reading  int // of them, pages
	counting bool
	got      map[int]*pageGot // by page number; 0 is a V2 window's probe
	// leadLast is the last record of a V2 window's page 1, once answered
	// full: the probe must find it at offset limit-1.
	leadLast *Item
	// uncovered are the pages answered that no count sent after them covers.
	uncovered []int
	moved     bool // a page or a count showed the window changed
	closed    bool
	err       error
	// tieAt and tieIDs are the last second handed back and the records at
	// it, so a record on two pages is found across stretches too.
	tieAt  time.Time
	tieIDs map[int64]bool
}

// pageGot is one page answered.
type pageGot struct {
	items    []Item
	vouched  bool
	answered bool
}

// openWindow starts reading [from, to]: the first page of a V3 window (which
// says its size), or a count of a V2 one.
func openWindow(ctx context.Context, src ChunkScanner, totals bool, from, to time.Time, limit, parallel int, arrived, dropped func([]Item)) *windowRead {
	ctx, cancel := context.WithCancel(ctx)
	w := &windowRead{src: src, from: from, to: to, limit: limit, parallel: parallel, totals: totals,
		hold: 2 * parallel, arrived: arrived, dropped: dropped,
		ctx: ctx, cancel: cancel, total: -1, got: map[int]*pageGot{}}
	w.cond = sync.NewCond(&w.mu)
	w.mu.Lock()
	defer w.mu.Unlock()
	if !totals {
		w.count()
	}
	w.readPage(1)
	return w
}

// readPage asks for page p, or for p 0 the probe; w.mu is held.
func (w *windowRead) readPage(p int) {
	w.sent = max(w.sent, p)
	w.inFlight++
	w.reading++
	w.got[p] = &pageGot{}
	limit, page := w.limit, p
	if p == 0 {
		limit, page = 1, w.limit
	}
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		items, total, err := w.src.ScanPage(w.ctx, w.from, w.to, limit, page)
		if err == nil && w.arrived != nil && p > 0 {
			w.arrived(items) // hydration starts before the page is vouched for
		}
		use, done := w.settle(err)
		defer done()
		w.reading--
		g := w.got[p]
		if err == nil {
			g.items, g.answered = items, true // close drops it unless handed back
		}
		if !use {
			return
		}
		switch {
		case w.totals && w.total < 0: // the first page of a V3 window
			if total < 0 {
				w.moved = true // no size in the answer: nothing vouches for the pages
				return
			}
			w.setTotal(total)
			g.vouched = true
		case w.totals:
			g.vouched = total == w.total
			w.moved = w.moved || !g.vouched
		case p == 1: // the first records: a keyset page's
			g.vouched = true
			if len(items) == w.limit {
				w.leadLast = &items[len(items)-1]
			}
			w.checkProbe()
		default:
			w.uncovered = append(w.uncovered, p)
			if p == 0 {
				w.checkProbe()
			}
		}
	}()
}

// checkProbe finds the window moved when the probe's record is not page
// 1's last, once both are answered; w.mu is held.
func (w *windowRead) checkProbe() {
	probe := w.got[0]
	if probe == nil || !probe.answered || w.leadLast == nil {
		return
	}
	if len(probe.items) != 1 || probe.items[0].ID != w.leadLast.ID || !probe.items[0].DateModified.Equal(w.leadLast.DateModified) {
		w.moved = true // a record before page 1's end left: later pages shifted
	}
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

// count asks for the window's size; w.mu is held. The first count gives the
// size; later ones vouch for the pages answered before they were sent.
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
			return
		case n < 0:
			w.moved = true // the source cannot count: nothing vouches for the pages
			return
		case w.total < 0:
			w.setTotal(n)
		case n == w.total:
			for _, p := range covers {
				w.got[p].vouched = true
			}
		default:
			w.moved = true
		}
	}()
}

// setTotal records the window's size; w.mu is held.
func (w *windowRead) setTotal(n int) {
	w.total = n
	w.pages = (n + w.limit - 1) / w.limit
	if !w.totals && w.pages < 2 {
		// One page needs no offsets: a keyset page reads it with no count
		// after it.
		w.moved = true
	}
}

// pump sends what can be sent: a count once parallel pages wait for one,
// or all pages that can be sent are answered, and the next pages, within
// parallel requests in flight and hold pages not handed back; w.mu is
// held. So a V2 read costs a count per parallel pages, as many as reading
// them in groups would, without a group's wait for its slowest page.
func (w *windowRead) pump() {
	if w.total < 0 || w.moved || w.err != nil || w.closed {
		return
	}
	for w.inFlight < w.parallel {
		if !w.totals && w.pages >= 2 && w.got[0] == nil {
			w.readPage(0) // the probe goes out with page 2
			continue
		}
		canRead := w.sent < w.pages && w.sent-w.handed < w.hold
		if !w.totals && !w.counting && len(w.uncovered) > 0 &&
			(len(w.uncovered) >= w.parallel || !canRead && w.reading == 0) {
			w.count()
			continue
		}
		if !canRead {
			return
		}
		w.readPage(w.sent + 1)
	}
}

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
		// A V2 window's page 1 answers for itself, whatever the count or
		// the other pages found.
		lead := w.got[1]
		leadDue := !w.totals && w.handed == 0 && lead != nil && !lead.answered
		if !leadDue && (w.moved || w.handed >= w.pages && w.total >= 0 || w.inFlight == 0) {
			w.moved = true
			return Chunk{Total: w.total}, nil
		}
		w.cond.Wait()
	}
}

// handable reports whether page p is answered and vouched for, and for a
// V2 window's later pages, whether the probe is too; w.mu is held.
func (w *windowRead) handable(p int) bool {
	g := w.got[p]
	switch {
	case g == nil || !g.answered || !g.vouched:
		return false
	case !w.totals && p == 1:
		return true // before the window's size is known
	case p > w.pages:
		return false
	case !w.totals:
		probe := w.got[0]
		return w.leadLast != nil && probe != nil && probe.answered && probe.vouched && !w.moved
	}
	return true
}

// hand returns pages handed+1..k, checked to be one snapshot; w.mu is held.
func (w *windowRead) hand(k int) (Chunk, error) {
	var items []Item
	last := k == w.pages
	for p := w.handed + 1; p <= k; p++ {
		page := w.got[p].items
		size := len(page) == min(w.limit, w.total-(p-1)*w.limit)
		if !w.totals && p == 1 {
			// Page 1 of a V2 window stands alone: short, it is the
			// whole window; full, later pages or a keyset read go on.
			size = true
			if len(page) < w.limit {
				last = true
			} else if k == 1 {
				last = false
			}
		}
		if !size || !w.untied(page) {
			w.moved = true // a short page, or a record on two pages
			return Chunk{Total: w.total}, nil
		}
		items = append(items, page...)
	}
	for p := w.handed + 1; p <= k; p++ {
		delete(w.got, p)
	}
	c := Chunk{Items: items, Pages: k - w.handed, Total: w.total, OK: true, Last: last}
	w.handed = k
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
			w.dropped(g.items)
		}
	}
}
