package bigcommerce

import (
	"context"
	"iter"
)

// pagingKind says how a collection pages.
type pagingKind int

const (
	pagingV3Offset pagingKind = iota // V3 meta.pagination, page/limit
	pagingV3Cursor                   // V3 meta.cursor_pagination, after=end_cursor
	pagingV2                         // V2 bare arrays, page/limit, 204 or short page ends
)

// pageRequest is what the pager asks a fetch function for.
type pageRequest struct {
	Page  int    // 1-based; used by offset and V2 paging
	Limit int    // items per page
	After string // cursor; used by cursor paging after the first page
}

// fetchPage fetches one page. It returns the items and the Response, whose Meta
// carries V3 pagination.
type fetchPage[T any] func(ctx context.Context, p pageRequest) ([]T, *Response, error)

// MaxPageSize is the largest page BigCommerce serves.
const MaxPageSize = 250

// all iterates over every item of every page. Nothing accumulates across pages.
// This first version is minimal; the pager's safety checks (repeated page,
// paging past total_pages) come with the transport work.
func all[T any](ctx context.Context, kind pagingKind, fetch fetchPage[T]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		p := pageRequest{Page: 1, Limit: MaxPageSize}
		for {
			items, resp, err := fetch(ctx, p)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
			switch kind {
			case pagingV2:
				if len(items) < p.Limit {
					return
				}
				p.Page++
			case pagingV3Offset:
				if resp == nil || resp.Meta == nil || resp.Meta.Pagination == nil ||
					resp.Meta.Pagination.CurrentPage >= resp.Meta.Pagination.TotalPages || len(items) == 0 {
					return
				}
				p.Page++
			case pagingV3Cursor:
				if resp == nil || resp.Meta == nil || resp.Meta.CursorPagination == nil ||
					resp.Meta.CursorPagination.Links.Next == "" || len(items) == 0 {
					return
				}
				p.After = resp.Meta.CursorPagination.EndCursor
			}
		}
	}
}
