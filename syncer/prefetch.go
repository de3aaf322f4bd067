package syncer

import (
	"context"
	"encoding/json"
	"sync"
)

// prefetch hydrates the records of a chunk's pages as each page arrives,
// before the chunk is vouched for (ChunkScanner), so that the requests
// hydration makes (an order's coupon reads) go out a page's decoding after
// the page, not after the whole chunk and the count that checks it. The
// records are only reads: a chunk that is not vouched for drops them, and
// nothing is written before a batch takes them.
type prefetch struct {
	src    Source
	ctx    context.Context
	cancel context.CancelFunc
	keep   func(*Item) bool
	slots  chan struct{} // bounds the records hydrated at once
	wg     sync.WaitGroup

	mu  sync.Mutex
	got map[int64]*fetched
}

// fetched is one record hydrated ahead; done closes when record or err is
// set.
type fetched struct {
	done   chan struct{}
	record json.RawMessage
	err    error
}

// newPrefetch hydrates, at most workers at a time, the records keep accepts
// (those the engine will emit if their chunk is vouched for).
func newPrefetch(ctx context.Context, src Source, workers int, keep func(*Item) bool) *prefetch {
	ctx, cancel := context.WithCancel(ctx)
	return &prefetch{src: src, ctx: ctx, cancel: cancel, keep: keep,
		slots: make(chan struct{}, workers), got: make(map[int64]*fetched)}
}

// add starts hydrating a page's records. ScanChunk calls it from several
// goroutines at once, and never after it returned.
func (p *prefetch) add(page []Item) {
	for _, it := range page {
		if !p.keep(&it) {
			continue
		}
		f := &fetched{done: make(chan struct{})}
		p.mu.Lock()
		_, dup := p.got[it.ID]
		if !dup {
			p.got[it.ID] = f
		}
		p.mu.Unlock()
		if dup {
			continue // the chunk holds it twice, so it will not be vouched for
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			defer close(f.done)
			select {
			case p.slots <- struct{}{}:
			case <-p.ctx.Done():
				f.err = context.Cause(p.ctx)
				return
			}
			defer func() { <-p.slots }()
			f.err = p.src.Hydrate(p.ctx, &it)
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
	p.mu.Lock()
	f := p.got[it.ID]
	p.mu.Unlock()
	if f == nil {
		return false, nil
	}
	select {
	case <-f.done:
	case <-ctx.Done():
		return true, context.Cause(ctx)
	}
	if f.err != nil {
		return true, f.err
	}
	it.Record, it.Value = f.record, nil
	return true, nil
}

// stop ends the hydrations no batch took and waits for them, so that none
// outlives its run.
func (p *prefetch) stop() {
	if p == nil {
		return
	}
	p.cancel()
	p.wg.Wait()
}
