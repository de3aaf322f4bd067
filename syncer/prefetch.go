package syncer

import (
	"context"
	"encoding/json"
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
type prefetch struct {
	src   Source
	ctx   context.Context
	slots chan struct{} // bounds the records hydrated at once
	wg    sync.WaitGroup

	mu  sync.Mutex
	got map[prefetchKey]*fetched
}

type prefetchKey struct {
	id int64
	dm time.Time
}

// fetched is one record hydrated ahead; done closes when record or err is
// set.
type fetched struct {
	done   chan struct{}
	cancel context.CancelFunc
	record json.RawMessage
	err    error
}

// newPrefetch hydrates records at most workers at a time, until ctx ends.
func newPrefetch(ctx context.Context, src Source, workers int) *prefetch {
	return &prefetch{src: src, ctx: ctx, slots: make(chan struct{}, workers), got: make(map[prefetchKey]*fetched)}
}

// add starts hydrating the records of a page that keep accepts (those the
// engine will emit if the page is vouched for). Safe from several
// goroutines at once.
func (p *prefetch) add(page []Item, keep func(*Item) bool) {
	for _, it := range page {
		if !keep(&it) {
			continue
		}
		key := prefetchKey{it.ID, it.DateModified}
		ctx, cancel := context.WithCancel(p.ctx)
		f := &fetched{done: make(chan struct{}), cancel: cancel}
		p.mu.Lock()
		_, dup := p.got[key]
		if !dup {
			p.got[key] = f
		}
		p.mu.Unlock()
		if dup {
			cancel()
			continue
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			defer close(f.done)
			defer cancel()
			select {
			case p.slots <- struct{}{}:
			case <-ctx.Done():
				f.err = context.Cause(ctx)
				return
			}
			defer func() { <-p.slots }()
			f.err = p.src.Hydrate(ctx, &it)
			f.record = it.Record
		}()
	}
}

// take completes it with the record hydrated ahead, waiting for it: ok is
// false when it was not hydrated ahead (or p is nil).
func (p *prefetch) take(ctx context.Context, it *Item) (ok bool, err error) {
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
	case <-ctx.Done():
		f.cancel()
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
			f.cancel()
			delete(p.got, key)
		}
	}
}

// stop ends the hydrations no batch took and waits for them all, so that
// none outlives its run.
func (p *prefetch) stop() {
	p.mu.Lock()
	for key, f := range p.got {
		f.cancel()
		delete(p.got, key)
	}
	p.mu.Unlock()
	p.wg.Wait()
}
