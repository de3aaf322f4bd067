package syncer

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"maps"
	"slices"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/bigc-dev/bigc/state"
)

// Item is one record read from the store.
type Item struct {
	ID           int64
	DateModified time.Time
	// Skip marks a record the reader passes over (a status filter): it moves
	// the cursor but is not hydrated or emitted.
	Skip bool
	// Value is the record as listed; Hydrate completes it.
	Value any
	// Record is the whole record's JSON, set by Hydrate.
	Record json.RawMessage
}

// Source reads one stream of a store. Scan and Group are called from one
// goroutine; Hydrate from several at once.
type Source interface {
	// Stream names the stream: orders, products or customers.
	Stream() string
	// Scan returns the first page (up to limit records) of the records whose
	// date_modified is in [from, to], in ascending date_modified order. A zero
	// from means no lower bound.
	Scan(ctx context.Context, from, to time.Time, limit int) ([]Item, error)
	// Group returns, page by page, every record whose date_modified is exactly
	// at, reading by a keyset (ID or API cursor) so that records leaving the
	// group meanwhile make none skipped.
	Group(ctx context.Context, at time.Time, limit int) iter.Seq2[[]Item, error]
	// Hydrate fetches what the list left out and sets it.Record.
	Hydrate(ctx context.Context, it *Item) error
	// Count returns how many records have date_modified in [from, to], or -1
	// when the API cannot tell cheaply.
	Count(ctx context.Context, from, to time.Time) (int, error)
}

// Reader is what a Job reads: a Source or a ChangeSource.
type Reader interface {
	// Stream names the stream.
	Stream() string
}

// inc is the job's Source, when the stream is read by date_modified window.
func (j *Job) inc() Source { return j.Source.(Source) }

// ChunkScanner is a Source whose window can also be read by page number,
// several pages at once, which saves a round trip per page when latency, not
// the quota, bounds the sync. Offset pages are only safe over a result set
// that does not change while they are read; windowRead vouches for them by
// the window's size (window.go), and the engine reads by keyset where it
// cannot.
type ChunkScanner interface {
	Source
	// Paging says whether reading by page number pays now (offsets), and
	// whether every answer carries the window's size (totals); without it,
	// Count vouches for the pages.
	Paging() (offsets, totals bool)
	// ScanPage reads page number page (from 1) of limit records of the
	// window [from, to] in ascending date_modified order, with the window's
	// size as the answer gave it, or -1.
	ScanPage(ctx context.Context, from, to time.Time, limit, page int) (items []Item, total int, err error)
}

// Chunk is a stretch of a window's pages that windowRead vouched for.
type Chunk struct {
	// Items are the records, in ascending date_modified order.
	Items []Item
	// Pages is the number of list pages they came in.
	Pages int
	// Total is the number of records in the window, or -1 when unknown.
	Total int
	// OK is false when no more pages could be vouched for.
	OK bool
	// Last is true when the stretch ends the window.
	Last bool
}

// Job is one stream's sync into one output.
type Job struct {
	// Source reads the stream: a Source (read by date_modified window) or a
	// ChangeSource (read whole, changes found by content hash; changes.go).
	Source Reader
	Writer *Writer
	// Sink, when set, takes the records instead of Writer, each batch
	// committed with its checkpoint in one transaction (sink.go).
	Sink Sink
	// DB holds the checkpoints: the state, or for a Sink the database the
	// Sink writes to.
	DB state.Store
	// Connection names the store in the checkpoint table ("sandbox" for the
	// embedded sandbox).
	Connection string
	// Destination names where the records go in the checkpoint's key: by
	// default a file Writer's path. A checkpoint belongs to its destination,
	// so that a sync into one file never skips records another has not got.
	// A stream Writer with no Destination is a preview.
	Destination string
	// Preview reads without reading or moving any checkpoint: from Since, or
	// from the beginning. A preview into a file still gets each version once
	// (the file's ledger), and a --since run into a file is one, since moving
	// the file's checkpoint would skip the records before Since.
	Preview bool
	// StoreTime returns the store's clock (GET /v2/time).
	StoreTime func(ctx context.Context) (time.Time, error)
	// Lag is taken off the store's clock to freeze the window's upper bound,
	// so records committed in the last moments (and clocks a little apart) are
	// left to the next run instead of being half-read. Default 2s.
	Lag time.Duration
	// PageSize is the list page size (default and maximum 250).
	PageSize int
	// Workers bounds the records of a batch hydrated at once (default 8);
	// the client's governor paces the requests they make.
	Workers int
	// Parallel is how many list pages a ChunkScanner source may read at once
	// (default 8; 1 reads page by page).
	Parallel int
	// Since, when set, starts the window there instead of at the checkpoint.
	Since time.Time
	// Full re-reads everything from the beginning of time.
	Full bool
	// AfterWrite runs after a batch is durable in the output and before the
	// checkpoint moves past it (tagging). It gets every record of the batch,
	// including ones the output already held.
	AfterWrite func(ctx context.Context, items []*Item) error
	// Progress, when set, is called after every batch and at the end.
	Progress func(Progress)

	// resume is where a preview's previous run (under Follow) stopped.
	resume *Cursor
}

// CheckpointKey is the job's checkpoint, and false for a preview, which has
// none.
func (j *Job) CheckpointKey() (state.CheckpointKey, bool) {
	dest := j.Destination
	switch {
	case dest != "":
	case j.Sink != nil:
		dest = j.Sink.Destination()
	case j.Writer != nil:
		dest = j.Writer.Path()
	}
	if j.Preview || dest == "" {
		return state.CheckpointKey{}, false
	}
	return state.CheckpointKey{Connection: j.Connection, Stream: j.Source.Stream(), Destination: dest}, true
}

// saveCursor records a cursor reached: in the checkpoint, unless a preview,
// and in memory for the next run under Follow.
func (j *Job) saveCursor(ctx context.Context, c Cursor) error {
	if key, ok := j.CheckpointKey(); ok {
		if err := j.DB.SaveCheckpoint(ctx, key, c.encode()); err != nil {
			return err
		}
	}
	j.resume = &c
	return nil
}

// Progress is a snapshot of a running sync.
type Progress struct {
	Stream     string
	Records    int // written to the output
	Duplicates int // read but already in the output
	Pages      int // list pages read
	// Total is the number of records in the window when the run started
	// (from a count endpoint), or -1 when unknown.
	Total   int
	Elapsed time.Duration
	Done    bool
}

// Result is what a finished run did.
type Result struct {
	Progress
	// From and To are the window: the cursor it started at and the frozen
	// upper bound.
	From   Cursor
	To     time.Time
	Cursor Cursor // the checkpoint now saved
}

type batch struct {
	items  []*Item
	cursor Cursor
	pages  int
	// total is the window's size when a read by page number learnt it,
	// else -1.
	total int
	// ahead holds records hydrated as their pages arrived.
	ahead *prefetch
	// due closes when the writer waits for the batch: its records not yet
	// hydrated ahead are then hydrated by the batch itself.
	due  chan struct{}
	done chan struct{}
	err  error
}

// Run reads the window (checkpoint, store time - lag] and appends every
// record in it to the output exactly once, moving the checkpoint after each
// durable batch.
//
// The store's clock is read while the window's first requests go out, the
// window's upper bound guessed meanwhile (clock.go); a guess the clock does
// not confirm costs the run a start over, before it has written anything.
func (j *Job) Run(ctx context.Context) (Result, error) {
	if cs, ok := j.Source.(ChangeSource); ok {
		return j.runChanges(ctx, cs)
	}
	start := time.Now()
	clock := j.readStoreClock(ctx, true)
	res, err := j.runWindow(ctx, clock, start)
	if errors.Is(err, errGuessRejected) {
		res, err = j.runWindow(ctx, clock, start)
	}
	return res, err
}

// runWindow is one attempt of Run, with clock's upper bound.
func (j *Job) runWindow(ctx context.Context, clock *storeClock, start time.Time) (Result, error) {
	stream := j.Source.Stream()
	res := Result{Progress: Progress{Stream: stream, Total: -1}}
	pageSize := j.PageSize
	if pageSize <= 0 || pageSize > 250 {
		pageSize = 250
	}
	workers := j.Workers
	if workers <= 0 {
		workers = 8
	}
	cur, hi, err := j.window(ctx, &res, clock)
	if err != nil {
		return res, err
	}
	confirm := func() error { return clock.confirm(ctx, hi) }
	if !hi.After(cur.DateModified) {
		if err := confirm(); err != nil {
			return res, err
		}
		if err := j.writeTombstones(ctx, cur, cur.from(), hi, &res, confirm); err != nil {
			res.Elapsed = time.Since(start)
			return res, err
		}
		res.Elapsed, res.Done = time.Since(start), true
		j.report(res.Progress)
		return res, nil // nothing can have changed since the cursor
	}
	if !j.offsets(pageSize) {
		// A read by page number takes the window's size with its first
		// request; a read by keyset asks for it here, for progress.
		if n, err := j.inc().Count(ctx, cur.from(), hi); err == nil {
			res.Total = n
		}
	}

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	ahead := newPrefetch(ctx, j.inc(), workers)
	defer ahead.stop()
	// A stretch's pages wait as batches for the writer, which takes those
	// hydrated at once (coalesce).
	batches := make(chan *batch, j.parallel(pageSize))
	var scanErr error
	go func() {
		defer close(batches)
		scanErr = j.scan(ctx, cur, hi, pageSize, ahead, func(b *batch) bool {
			b.due, b.done = make(chan struct{}), make(chan struct{})
			go j.hydrate(ctx, b, workers)
			select {
			case batches <- b:
				return true
			case <-ctx.Done():
				return false
			}
		})
	}()

	// The window's first pages are read while its tombstones are: they are
	// written before any of its records, whose checkpoint moves as they are
	// written (tombstones.go). Nothing is written before the store's clock
	// confirms the window.
	err = j.writeTombstones(ctx, cur, cur.from(), hi, &res, confirm)
	if err == nil {
		err = confirm()
	}
	if err != nil {
		cancel(err)
		for b := range batches {
			<-b.done // let its hydration stop before returning
		}
		res.Elapsed = time.Since(start)
		return res, err
	}
	var next *batch // taken from batches, not yet hydrated at the last write
	for {
		b, ok := next, next != nil
		if !ok {
			if b, ok = <-batches; !ok {
				break
			}
		}
		close(b.due)
		<-b.done
		b, next = coalesce(b, batches)
		if res.Total < 0 && b.total >= 0 {
			res.Total = b.total
		}
		if b.err == nil {
			b.err = j.write(ctx, b, &res)
		}
		if b.err != nil {
			cancel(b.err)
			if next != nil {
				<-next.done
			}
			for rest := range batches {
				<-rest.done // let its hydration stop before returning
			}
			res.Elapsed = time.Since(start)
			return res, b.err
		}
		res.Elapsed = time.Since(start)
		j.report(res.Progress)
	}
	if scanErr != nil {
		res.Elapsed = time.Since(start)
		return res, scanErr
	}
	if err := context.Cause(ctx); err != nil {
		return res, err
	}
	return j.finish(ctx, res, hi, start)
}

// coalesce joins to b, which is hydrated, the batches waiting after it that
// are hydrated too, so that a writer slower than the reads writes several
// pages' worth with one fsync and one checkpoint, and one that keeps up
// writes each page's as it comes. It returns the first batch it took that
// is not hydrated yet, or that failed, as next.
func coalesce(b *batch, batches <-chan *batch) (joined, next *batch) {
	for b.err == nil {
		select {
		case next = <-batches:
		default:
		}
		if next == nil {
			return b, nil // none waiting, or no more
		}
		select {
		case <-next.done:
		default:
			return b, next
		}
		if next.err != nil {
			return b, next
		}
		b.items = append(b.items, next.items...)
		b.pages += next.pages
		b.cursor = next.cursor
		if b.total < 0 {
			b.total = next.total
		}
		next = nil
	}
	return b, nil
}

// finish saves the cursor of a run that read its whole window: every
// record up to hi is written.
func (j *Job) finish(ctx context.Context, res Result, hi time.Time, start time.Time) (Result, error) {
	final := Cursor{DateModified: hi, Through: true}
	if err := j.saveCursor(ctx, final); err != nil {
		return res, err
	}
	res.Cursor = final
	res.Elapsed, res.Done = time.Since(start), true
	j.report(res.Progress)
	return res, nil
}

// window finds where a run starts (the checkpoint, or Since or the
// beginning) and freezes its upper bound: the store's clock less the lag, or
// clock's guess of it. It sets res's From, Cursor and To.
func (j *Job) window(ctx context.Context, res *Result, clock *storeClock) (cur Cursor, hi time.Time, err error) {
	if cur, err = j.startCursor(ctx); err != nil {
		return cur, hi, err
	}
	res.From, res.Cursor = cur, cur
	if hi, err = clock.hi(ctx); err != nil {
		return cur, hi, err
	}
	res.To = hi
	return cur, hi, nil
}

func (j *Job) report(p Progress) {
	if j.Progress != nil {
		j.Progress(p)
	}
}

// ErrSinceInFuture marks a window that would start after the store's clock:
// nothing could be read, and a checkpoint there would skip what comes before.
var ErrSinceInFuture = errors.New("the window starts in the future")

func (j *Job) startCursor(ctx context.Context) (Cursor, error) {
	switch {
	case j.Full:
		return Cursor{}, nil
	case !j.Since.IsZero():
		return Cursor{DateModified: j.Since.UTC().Truncate(time.Second)}, nil
	case j.resume != nil:
		return *j.resume, nil
	}
	key, ok := j.CheckpointKey()
	if !ok {
		return Cursor{}, nil
	}
	s, ok, err := j.DB.Checkpoint(ctx, key)
	if err != nil || !ok {
		return Cursor{}, err
	}
	return DecodeCursor(s)
}

// write appends a hydrated batch, runs AfterWrite and moves the checkpoint.
func (j *Job) write(ctx context.Context, b *batch, res *Result) error {
	if j.Sink != nil {
		return j.commit(ctx, b, res)
	}
	envs := make([]Envelope, 0, len(b.items))
	for _, it := range b.items {
		envs = append(envs, Envelope{Stream: j.Source.Stream(), ID: it.ID, DateModified: it.DateModified, Record: it.Record})
	}
	n, err := j.Writer.Append(ctx, envs)
	if err != nil {
		return err
	}
	// Counted once in the output, whatever happens next: the summary says
	// what was written.
	res.Records += n
	res.Duplicates += len(envs) - n
	res.Pages += b.pages
	if j.AfterWrite != nil && len(b.items) > 0 {
		if err := j.AfterWrite(ctx, b.items); err != nil {
			return err
		}
	}
	// The batch is durable (and tagged): its checkpoint is saved even if
	// ctx ended meanwhile, so an interrupted run keeps what it did.
	if err := j.saveCursor(context.WithoutCancel(ctx), b.cursor); err != nil {
		return err
	}
	res.Cursor = b.cursor
	return nil
}

// hydrate completes every record of a batch, at most workers at a time,
// taking those hydrated ahead as their pages arrived (prefetch.go). A few
// batches are in flight at once (one written, one read ahead); the client's
// cap on requests in flight bounds the requests they make together.
func (j *Job) hydrate(ctx context.Context, b *batch, workers int) {
	defer close(b.done)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	for _, it := range b.items {
		g.Go(func() error {
			ok, err := b.ahead.take(gctx, it, b.due)
			if !ok {
				err = j.inc().Hydrate(gctx, it)
			}
			if err != nil {
				return fmt.Errorf("syncer: %s %d: %w", j.Source.Stream(), it.ID, err)
			}
			return nil
		})
	}
	b.err = g.Wait()
}

// scan walks the window from cur to hi and hands each stretch's new records
// to emit, with the cursor that holds once they are written. It reads by
// page number, many pages in flight, as long as a windowRead vouches for
// the pages, and by keyset queries otherwise (see the package doc).
func (j *Job) scan(ctx context.Context, cur Cursor, hi time.Time, limit int, ahead *prefetch, emit func(*batch) bool) error {
	seen := make(map[int64]bool, len(cur.IDs))
	for _, id := range cur.IDs {
		seen[id] = true
	}
	var rd *windowRead // the read by page number under way, if any
	defer func() { rd.close() }()
	for {
		from := cur.from()
		if rd == nil && j.offsets(limit) {
			rd = j.openWindow(ctx, cur, seen, hi, limit, ahead)
		}
		st, err := j.scanPage(ctx, &rd, from, hi, limit)
		if err != nil {
			return err
		}
		items, pages := st.items, st.pages
		full := !st.last
		items = slices.DeleteFunc(items, func(it Item) bool {
			return it.DateModified.After(hi) || (!from.IsZero() && it.DateModified.Before(from))
		})
		slices.SortStableFunc(items, func(a, b Item) int {
			return cmp.Or(a.DateModified.Compare(b.DateModified), cmp.Compare(a.ID, b.ID))
		})
		if !full || len(items) == 0 {
			// The last page: the whole rest of the window is in it.
			if _, _, ok := emitStretch(st, items, cur, seen, limit, ahead, emit); !ok {
				return context.Cause(ctx)
			}
			return nil
		}
		first, last := items[0].DateModified, items[len(items)-1].DateModified
		if first.Equal(last) && !st.offset {
			// A whole keyset page shares one second, so the next would be
			// the same: walk that second's group. (Pages read by number go
			// on past it.)
			if !first.Equal(cur.DateModified) || cur.Through {
				cur = Cursor{DateModified: first}
				clear(seen)
			}
			pages := pages + 1 // the pages that found the group, and the group's first
			total := st.total
			walked := map[int64]bool{}
			for page, err := range j.inc().Group(ctx, first, limit) {
				if err != nil {
					return err
				}
				b := &batch{pages: pages, total: total}
				pages, total = 1, -1
				fresh := 0
				for i := range page {
					it := &page[i]
					if !walked[it.ID] {
						walked[it.ID] = true
						fresh++
					}
					if !it.DateModified.Equal(first) || seen[it.ID] {
						continue
					}
					seen[it.ID] = true
					if !it.Skip {
						b.items = append(b.items, it)
					}
				}
				if fresh == 0 && len(page) >= limit {
					// A full page this walk has wholly seen before: the API
					// is not honouring the keyset, and walking on would never
					// end.
					return fmt.Errorf("syncer: %s at %s: the API returned a page of records already read; stopping rather than looping",
						j.Source.Stream(), first.Format(time.RFC3339))
				}
				b.cursor = Cursor{DateModified: first, IDs: idsOf(seen)}
				if !emit(b) {
					return context.Cause(ctx)
				}
			}
			cur = Cursor{DateModified: first, Through: true}
			clear(seen)
			if !emit(&batch{cursor: cur}) {
				return context.Cause(ctx)
			}
			continue
		}
		var ok bool
		if cur, seen, ok = emitStretch(st, items, cur, seen, limit, ahead, emit); !ok {
			return context.Cause(ctx)
		}
	}
}

// emitStretch hands a stretch's records past cur (and seen, the IDs emitted
// at its second) to emit in batches of at most limit records, in order, each
// with the cursor that holds once it and those before it are written: a
// stretch of many pages is written a page's worth at a time as its records
// are hydrated, not all at once after the last of them. The stretch's last
// cursor is through its last second when the stretch ends the window. It
// returns that cursor and the IDs at its second, and false when emit did.
func emitStretch(st stretch, items []Item, cur Cursor, seen map[int64]bool, limit int, ahead *prefetch, emit func(*batch) bool) (Cursor, map[int64]bool, bool) {
	at, ids := cur.DateModified, map[int64]bool{}
	if !cur.Through {
		maps.Copy(ids, seen) // pages that go on at the cursor's second
	}
	b := &batch{pages: st.pages, total: st.total, ahead: ahead, cursor: cur}
	for i := range items {
		it := &items[i]
		if cur.after(it.DateModified, it.ID, seen) && !it.Skip {
			b.items = append(b.items, it)
		}
		if !it.DateModified.Equal(at) {
			at, ids = it.DateModified, map[int64]bool{}
		}
		ids[it.ID] = true
		if (i+1)%limit != 0 || i == len(items)-1 {
			continue
		}
		b.cursor = Cursor{DateModified: at, IDs: idsOf(ids)}
		if !emit(b) {
			return b.cursor, ids, false
		}
		b = &batch{total: -1, ahead: ahead}
	}
	switch {
	case len(items) == 0:
	case st.last:
		b.cursor = Cursor{DateModified: at, Through: true}
	default:
		b.cursor = Cursor{DateModified: at, IDs: idsOf(ids)}
	}
	return b.cursor, ids, emit(b)
}

// maxStretch bounds the records of one multi-page read: 16 pages of 250, so
// the list pages in flight follow --workers (Parallel) up to 16.
const maxStretch = 16 * 250

// stretch is what one read of the window returned.
type stretch struct {
	items  []Item
	pages  int  // list pages read
	last   bool // the whole rest of the window is in it
	offset bool // read by page number (windowRead), not by keyset
	total  int  // the window's size if the read learnt it, else -1
}

// parallel is how many list pages of limit records are read at once:
// Parallel (default 8), at most maxStretch records, which bounds memory.
func (j *Job) parallel(limit int) int {
	parallel := j.Parallel
	if parallel == 0 {
		parallel = 8
	}
	return min(parallel, max(1, maxStretch/limit))
}

// offsets reports whether the window is read by page number, several pages
// at once.
func (j *Job) offsets(limit int) bool {
	cs, ok := j.inc().(ChunkScanner)
	if !ok || j.parallel(limit) < 2 {
		return false
	}
	offsets, totals := cs.Paging()
	// A V2 window's pages overlap (chain.go): a page of a few records
	// cannot both overlap the one before it and go past it.
	return offsets && (totals || limit > 2*minOverlap)
}

// openWindow starts reading the rest of the window, from cur to hi, by page
// number. Each page's records that will be emitted if it is vouched for
// (in the window, past the cursor, not passed over) are hydrated as it
// arrives.
func (j *Job) openWindow(ctx context.Context, cur Cursor, seen map[int64]bool, hi time.Time, limit int, ahead *prefetch) *windowRead {
	cs := j.inc().(ChunkScanner)
	_, totals := cs.Paging()
	from := cur.from()
	emitted := maps.Clone(seen) // seen changes while pages arrive
	keep := func(it *Item) bool {
		return !it.Skip && !it.DateModified.After(hi) && (from.IsZero() || !it.DateModified.Before(from)) &&
			cur.after(it.DateModified, it.ID, emitted)
	}
	// A window from the beginning is the whole store: its first pages go
	// out together.
	return openWindow(ctx, cs, totals, from, hi, limit, j.parallel(limit), from.IsZero(),
		func(page []Item) { ahead.add(page, keep) }, ahead.drop)
}

// scanPage reads the next stretch of the window: pages vouched for by the
// read by page number *rd, or, when there is none or it can vouch for no
// more (it is then closed), one keyset page.
func (j *Job) scanPage(ctx context.Context, rd **windowRead, from, hi time.Time, limit int) (stretch, error) {
	if *rd != nil {
		c, err := (*rd).next(ctx)
		if err != nil {
			return stretch{}, err
		}
		if c.OK && c.Last || !c.OK {
			(*rd).close()
			*rd = nil
		}
		if c.OK {
			return stretch{items: c.Items, pages: c.Pages, last: c.Last, offset: true, total: c.Total}, nil
		}
	}
	items, err := j.inc().Scan(ctx, from, hi, limit)
	return stretch{items: items, pages: 1, last: len(items) < limit, total: -1}, err
}

// Follow runs the job again and again, every interval, until ctx ends. Each
// run's result goes to done; a failed run is reported there and retried at
// the next tick rather than ending the loop, unless ctx ended. Since and Full
// apply to the first run; later ones continue where the last stopped.
func (j *Job) Follow(ctx context.Context, every time.Duration, done func(Result, error)) error {
	if every <= 0 {
		return fmt.Errorf("syncer: follow every %s: want a positive interval", every)
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		res, err := j.Run(ctx)
		if ctx.Err() != nil {
			return nil
		}
		done(res, err)
		j.Since, j.Full = time.Time{}, false
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
