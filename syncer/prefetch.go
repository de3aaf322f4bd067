package syncer

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"sync"
	"time"
)

// prefetch hydrates the records of a window's pages as each page arrives,
// before the page is vouched for (windowRead), so that the requests
// hydration makes (an order's coupon reads) go out a page's decoding after
// the page, not after the pages around it and the count that checks them.
// The records are only reads: nothing is written before a batch takes them,
// and a page never vouched for drops its records. A record is keyed by its
// ID and date_modified: within a frozen window a record keeps its
// date_modified until it leaves the window, so one hydrated from any read of
// the window serves every later read of it.
//
// At most workers records are hydrated at once, by as many goroutines, in
// the window's order (date_modified, then ID), whatever order the pages
// came in: the batches are written in that order, each once all its records
// are hydrated.
type prefetch struct {
	src     Source
	ctx     context.Context
	workers int
	wg      sync.WaitGroup

	mu      sync.Mutex
	got     map[prefetchKey]*fetched
	queue   []*fetched // added, not yet started
	running int        // goroutines hydrating the queue
	stopped bool
}

type prefetchKey struct {
	id int64
	dm time.Time
}

// fetched is one record to hydrate ahead; done closes when record or err is
// set.
type fetched struct {
	key     prefetchKey
	it      Item
	started bool               // a goroutine hydrates it
	dropped bool               // no batch will take it
	cancel  context.CancelFunc // set once started
	done    chan struct{}
	record  json.RawMessage
	err     error
}

// newPrefetch hydrates records at most workers at a time, until ctx ends.
func newPrefetch(ctx context.Context, src Source, workers int) *prefetch {
	return &prefetch{src: src, ctx: ctx, workers: workers, got: make(map[prefetchKey]*fetched)}
}

// add queues the records of a page that keep accepts (those the engine will
// emit if the page is vouched for). Safe from several goroutines at once.
func (p *prefetch) add(page []Item, keep func(*Item) bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped {
		return
	}
	n := len(p.queue)
	for _, it := range page {
		key := prefetchKey{it.ID, it.DateModified}
		if _, dup := p.got[key]; dup || !keep(&it) {
			continue
		}
		f := &fetched{key: key, it: it, done: make(chan struct{})}
		p.got[key] = f
		p.queue = append(p.queue, f)
	}
	if len(p.queue) > n {
		// Back in the window's order, without those a batch started (their
		// items are being hydrated, not to be read here).
		p.queue = slices.DeleteFunc(p.queue, func(f *fetched) bool { return f.started || f.dropped })
		slices.SortStableFunc(p.queue, func(a, b *fetched) int {
			return cmp.Or(a.key.dm.Compare(b.key.dm), cmp.Compare(a.key.id, b.key.id))
		})
	}
	for p.running < p.workers && p.running < len(p.queue) {
		p.running++
		p.wg.Add(1)
		go p.work()
	}
}

// work hydrates queued records, the window's first first, until the queue
// is empty.
func (p *prefetch) work() {
	defer p.wg.Done()
	for {
		p.mu.Lock()
		var f *fetched
		for len(p.queue) > 0 && f == nil {
			f, p.queue = p.queue[0], p.queue[1:]
			if f.started || f.dropped {
				f = nil
			}
		}
		if f == nil || p.stopped {
			p.running--
			p.mu.Unlock()
			return
		}
		ctx := p.start(f)
		p.mu.Unlock()
		p.hydrate(ctx, f)
	}
}

// start marks f started and returns the context its hydration runs in;
// p.mu is held.
func (p *prefetch) start(f *fetched) context.Context {
	ctx, cancel := context.WithCancel(p.ctx)
	f.started, f.cancel = true, cancel
	return ctx
}

// hydrate hydrates f's record and lets its taker go.
func (p *prefetch) hydrate(ctx context.Context, f *fetched) {
	defer close(f.done)
	defer f.cancel()
	f.err = p.src.Hydrate(ctx, &f.it)
	f.record, f.it = f.it.Record, Item{}
}

// take completes it with the record hydrated ahead, waiting for it: ok is
// false when it was not queued (or p is nil). A record queued but not
// started waits its turn, the queue being in the window's order, so that a
// batch further on does not take the requests in flight from the batch
// written next; once now closes (the writer waits for this batch), take
// hydrates it itself rather than wait for the goroutines busy further on.
func (p *prefetch) take(ctx context.Context, it *Item, now <-chan struct{}) (ok bool, err error) {
	if p == nil {
		return false, nil
	}
	key := prefetchKey{it.ID, it.DateModified}
	p.mu.Lock()
	f := p.got[key]
	delete(p.got, key)
	p.mu.Unlock()
	if f == nil {
		return false, nil
	}
	select {
	case <-f.done:
	case <-now:
		p.mu.Lock()
		var own context.Context
		if !f.started {
			own = p.start(f)
		}
		p.mu.Unlock()
		if own != nil {
			p.hydrate(own, f)
		}
	case <-ctx.Done():
	}
	select {
	case <-f.done:
	case <-ctx.Done():
		p.mu.Lock()
		f.dropped = true // not to be started, if not yet
		if f.cancel != nil {
			f.cancel()
		}
		p.mu.Unlock()
		return true, context.Cause(ctx)
	}
	if f.err != nil {
		return true, f.err
	}
	it.Record, it.Value = f.record, nil
	return true, nil
}

// drop forgets the records of a page that was never vouched for, ending
// their hydration.
func (p *prefetch) drop(page []Item) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, it := range page {
		key := prefetchKey{it.ID, it.DateModified}
		if f := p.got[key]; f != nil {
			p.forget(key, f)
		}
	}
}

// forget drops f; p.mu is held.
func (p *prefetch) forget(key prefetchKey, f *fetched) {
	f.dropped = true
	if f.cancel != nil {
		f.cancel()
	}
	delete(p.got, key)
}

// stop ends the hydrations no batch took and waits for them all, so that
// none outlives its run.
func (p *prefetch) stop() {
	p.mu.Lock()
	p.stopped = true
	for key, f := range p.got {
		p.forget(key, f)
	}
	p.queue = nil
	p.mu.Unlock()
	p.wg.Wait()
}
