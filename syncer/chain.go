package syncer

// chain plans the pages of a V2 window, which answers with no size to
// vouch for a page by: each page overlaps the page before it, so that a
// record leaving the window between the two reads can show as the later
// page not starting with the earlier page's last records (window.go).
//
// GET /v2/orders pages by limit and page number: page p of limit L holds
// the records at offsets (p-1)L to pL-1. Page 1 is the window's first limit
// records. Each later page is, of the limits from limit/2 to limit, the one
// whose page starting at least minOverlap records before the page before
// it ends (more when the page before it is known to end with more records
// at one second) reaches furthest: page 2 of limit-2 overlaps page 1 by
// two records, page 3 of limit-3 page 2 by two, and so on; further out,
// where many limits have a page boundary just below the last end, pages
// overlap by a few records and bring nearly limit new ones each.
type chain struct {
	limit int
	spans []span // page k's is spans[k-1], once planned
}

// minOverlap is the fewest records a page shares with the page before it:
// two, so that an overlap can span a change of second.
const minOverlap = 2

// blindOverlap is what a page no count can vouch for (one sent with page 1
// on a sync from the beginning, or the first after them) shares with the
// page before it when that page is not known yet: an eighth of the page
// size, 31 records at 250. Its overlap must span a change of second itself,
// which it does unless that many share one second (a burst of changes at 20
// a second, say, is read whole).
func (c *chain) blindOverlap() int { return max(minOverlap, c.limit/8) }

// span is one page of a chain: page number page of limit limit, the
// records at offsets start to end-1.
type span struct{ limit, page, start, end int }

// span returns page k's, planned already (page 1's always is).
func (c *chain) span(k int) span {
	if k == 1 && len(c.spans) == 0 {
		c.spans = append(c.spans, span{limit: c.limit, page: 1, start: 0, end: c.limit})
	}
	return c.spans[k-1]
}

// plan plans page k, the page after the last planned, to overlap the page
// before it by need records or more, or by half as many, and so on down to
// minOverlap, where need leaves no page that goes past it. The window
// reader asks for the records the page before it ends with at one second
// and one more, when it has them, so that the overlap spans a change of
// second.
func (c *chain) plan(k, need int) span {
	if k <= len(c.spans) || k == 1 {
		return c.span(k)
	}
	prev := c.span(k - 1)
	s := c.next(prev, need)
	for need > minOverlap && s.end <= prev.end {
		need = max(minOverlap, need/2)
		s = c.next(prev, need)
	}
	c.spans = append(c.spans, s)
	return s
}

// next is the page, among limits from limit/2 to limit, that starts need
// records or more before prev ends and reaches furthest; it reaches no
// further than prev when none does.
func (c *chain) next(prev span, need int) span {
	e := prev.end
	best := span{start: e, end: e}
	for l := c.limit; l >= (c.limit+1)/2 && l > 0; l-- {
		n := max(0, e-need) / l // the last page boundary need or more before e
		if s := (span{limit: l, page: n + 1, start: n * l, end: (n + 1) * l}); s.end > best.end {
			best = s
		}
	}
	return best
}

// pagesBefore returns how many pages start before offset n: those planned,
// then as planned with minOverlap.
func (c *chain) pagesBefore(n int) int {
	k := 1
	for k < len(c.spans) && c.spans[k].start < n {
		k++
	}
	if k < len(c.spans) {
		return k
	}
	for s := c.span(k); ; k++ {
		next := c.next(s, minOverlap)
		if next.end <= s.end || next.start >= n {
			return k
		}
		s = next
	}
}

// goesOn reports whether a page after page k (planned) can reach past it:
// with a small limit, every limit may have a page boundary at or one below
// its end, and the chain stops there.
func (c *chain) goesOn(k int) bool { return c.next(c.span(k), minOverlap).end > c.span(k).end }

// lastSecond is how many of a page's last records share its last second.
func lastSecond(page []Item) int {
	n := 0
	for n < len(page) && page[len(page)-1-n].DateModified.Equal(page[len(page)-1].DateModified) {
		n++
	}
	return n
}

// overlap is how many records page k (k > 1) shares with page k-1.
func (c *chain) overlap(k int) int { return c.span(k-1).end - c.span(k).start }

// vouches reports whether page k (k > 1) starts with the last records of
// page k-1 (prev, full), the same records in the same order, and they span
// a change of second. Then the two reads found as many records before that
// second (none left between them) and the same ones at it up to page k-1's
// end, so page k's records past the overlap go on right after page k-1's,
// whichever page was read first.
func (c *chain) vouches(k int, prev, page []Item) bool {
	o := c.overlap(k)
	if k == 1 || len(prev) < o || len(page) < o || o < minOverlap {
		return k == 1
	}
	tail := prev[len(prev)-o:]
	for i, it := range page[:o] {
		if it.ID != tail[i].ID || !it.DateModified.Equal(tail[i].DateModified) {
			return false
		}
	}
	return tail[0].DateModified.Before(tail[o-1].DateModified)
}

// past returns page k's records past its overlap with page k-1, and false
// when it holds fewer than that (the window moved).
func (c *chain) past(k int, page []Item) ([]Item, bool) {
	if k == 1 {
		return page, true
	}
	o := c.overlap(k)
	if len(page) < o {
		return nil, false
	}
	return page[o:], true
}
