package syncer

import (
	"context"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/bigc-dev/bigc/bigcommerce"
)

// v3Page reads one offset page of a V3 window in ascending date_modified
// order, with the window's size as that answer gave it (meta.pagination.total).
type v3Page func(ctx context.Context, page int) (items []Item, total int, err error)

// scanV3Chunk reads up to pages offset pages of a V3 window at once: every
// V3 answer carries the window's size (meta.pagination.total), so the pages
// vouch for each other with no count request. Records can leave a frozen
// window (modified, so their date_modified passes to) but never enter it, so
// when every page reports the size known before the pages were read, nothing
// moved while they were read. The pages must also hold no record twice (ties
// sorted differently by different requests) and no short page may come
// before a non-empty one. That size is known from the run's total (Count) or
// from the chunk before, whose window less its records before its last second
// is this one; when it is not, page 1 is read first to learn it.
//
// Each page goes to arrived as it is decoded (ChunkScanner).
func scanV3Chunk(ctx context.Context, known *windowCount, from, to time.Time, limit, pages int, arrived func([]Item), read v3Page) (Chunk, error) {
	total, ok := known.take(from, to)
	lists := make([][]Item, 0, pages)
	if !ok {
		first, t, err := read(ctx, 1)
		if err != nil {
			return Chunk{}, err
		}
		if t < 0 {
			return Chunk{Total: -1}, nil // no pagination meta: page by keyset
		}
		total = t
		lists = append(lists, first)
		arrived(first)
	}
	n := min(pages, (total+limit-1)/limit)
	if n < 2 {
		if len(lists) == 1 && total <= limit && len(lists[0]) == total {
			// The whole window on one page.
			return Chunk{Items: verified(known, lists, to, total), Pages: 1, Total: total, OK: true}, nil
		}
		return Chunk{Total: total}, nil
	}
	rest := make([][]Item, n-len(lists))
	totals := make([]int, len(rest))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(len(rest)) // at most pages, the caller's bound
	for i := range rest {
		page := len(lists) + i + 1
		g.Go(func() (err error) {
			if rest[i], totals[i], err = read(gctx, page); err == nil {
				arrived(rest[i])
			}
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return Chunk{}, err
	}
	for _, t := range totals {
		if t != total {
			return Chunk{Total: total}, nil
		}
	}
	lists = append(lists, rest...)
	if !oneSnapshot(lists, limit) {
		return Chunk{Total: total}, nil
	}
	return Chunk{Items: verified(known, lists, to, total), Pages: n, Total: total, OK: true}, nil
}

// oneSnapshot reports whether a chunk's pages, read at once by page number,
// can be one ordered listing: no record on two pages (ties at a page
// boundary sorted differently by different requests) and no short page
// before a non-empty one.
func oneSnapshot(lists [][]Item, limit int) bool {
	seen := make(map[int64]bool, len(lists)*limit)
	for i, list := range lists {
		for _, it := range list {
			if seen[it.ID] {
				return false
			}
			seen[it.ID] = true
		}
		if len(list) < limit && i < len(lists)-1 && len(lists[i+1]) > 0 {
			return false
		}
	}
	return true
}

// verified joins a chunk's pages and records the size of the window after it:
// the window's size less the chunk's records before its last second, all of
// which the chunk holds.
func verified(known *windowCount, lists [][]Item, to time.Time, total int) []Item {
	var items []Item
	for _, l := range lists {
		items = append(items, l...)
	}
	if len(items) == 0 {
		return items
	}
	last := items[0].DateModified
	for _, it := range items {
		if it.DateModified.After(last) {
			last = it.DateModified
		}
	}
	below := 0
	for _, it := range items {
		if it.DateModified.Before(last) {
			below++
		}
	}
	known.put(last, to, total-below)
	return items
}

// pageTotal is meta.pagination.total of an answer, or -1 without one.
func pageTotal(resp *bigcommerce.Response) int {
	if resp == nil || resp.Meta == nil || resp.Meta.Pagination == nil {
		return -1
	}
	return resp.Meta.Pagination.Total
}

// ScanChunk reads up to pages pages of products at once (GET
// /v3/catalog/products?page=1..n), vouched for by their totals (scanV3Chunk).
func (s *ProductSource) ScanChunk(ctx context.Context, from, to time.Time, limit, pages int, arrived func([]Item)) (Chunk, error) {
	return scanV3Chunk(ctx, &s.known, from, to, limit, pages, arrived, func(ctx context.Context, page int) ([]Item, int, error) {
		list, resp, err := s.Client.Products.List(ctx, &bigcommerce.ProductListOptions{
			DateModifiedMin: from, DateModifiedMax: to, Sort: "date_modified", Direction: "asc",
			Include: productIncludes, Page: page, Limit: limit,
		})
		if err != nil {
			return nil, 0, err
		}
		return productItems(list), pageTotal(resp), nil
	})
}

// ScanChunk reads up to pages pages of customers at once (GET
// /v3/customers?page=1..n), vouched for by their totals (scanV3Chunk).
func (s *CustomerSource) ScanChunk(ctx context.Context, from, to time.Time, limit, pages int, arrived func([]Item)) (Chunk, error) {
	return scanV3Chunk(ctx, &s.known, from, to, limit, pages, arrived, func(ctx context.Context, page int) ([]Item, int, error) {
		list, resp, err := s.Client.Customers.List(ctx, &bigcommerce.CustomerListOptions{
			DateModifiedMin: from, DateModifiedMax: to, Sort: "date_modified:asc",
			Include: customerIncludes, Page: page, Limit: limit,
		})
		if err != nil {
			return nil, 0, err
		}
		return customerItems(list), pageTotal(resp), nil
	})
}

func (*ProductSource) totalsInPages()  {}
func (*CustomerSource) totalsInPages() {}
