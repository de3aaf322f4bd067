package bigcommerce

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"iter"
	"net/http"
	"net/url"
	"strconv"
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

// all iterates over every item of every page, MaxPageSize per request. Only one
// page is held at a time. It ends when the API says there is nothing more (V2: a
// 204, an empty array or a short page; V3 offset: current_page reaching
// total_pages; V3 cursor: no next link), and it stops with an error wrapping
// ErrUpstream rather than loop when the API misbehaves: a page that repeats the
// previous one, a page past total_pages, a page other than the one asked for, or
// a cursor that does not move.
//
// A cursor collection whose first page carries only offset pagination (the
// endpoint ignores cursors) is paged by offset instead.
func all[T any](ctx context.Context, kind pagingKind, fetch fetchPage[T]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		p := pageRequest{Page: 1, Limit: MaxPageSize}
		var prev uint64
		for n := 1; ; n++ {
			if err := ctx.Err(); err != nil {
				yield(zero, err)
				return
			}
			items, resp, err := fetch(ctx, p)
			if err != nil {
				yield(zero, err)
				return
			}
			if len(items) == 0 {
				return
			}
			fp := fingerprint(items)
			if n > 1 && fp != 0 && fp == prev {
				yield(zero, pagingError("page %d repeats the previous page", n))
				return
			}
			prev = fp
			next, err := nextPage(kind, p, len(items), resp)
			if err != nil {
				yield(zero, err)
				return
			}
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
			if next == nil {
				return
			}
			p = *next
		}
	}
}

// nextPage decides what to ask for after page p, which held count items. nil
// means p was the last page.
func nextPage(kind pagingKind, p pageRequest, count int, resp *Response) (*pageRequest, error) {
	var meta *Meta
	if resp != nil {
		meta = resp.Meta
		if resp.StatusCode == http.StatusNoContent {
			return nil, nil
		}
	}
	if kind == pagingV3Cursor && meta != nil && meta.CursorPagination != nil {
		cp := meta.CursorPagination
		if cp.Links.Next == "" || cp.EndCursor == "" || count < p.Limit {
			return nil, nil
		}
		if cp.EndCursor == p.After {
			return nil, pagingError("the cursor %q did not move", cp.EndCursor)
		}
		return &pageRequest{Limit: p.Limit, After: cp.EndCursor}, nil
	}
	if kind != pagingV2 && meta != nil && meta.Pagination != nil && p.After == "" {
		pg := meta.Pagination
		if pg.CurrentPage != 0 && pg.CurrentPage != p.Page {
			return nil, pagingError("asked for page %d, got page %d", p.Page, pg.CurrentPage)
		}
		if pg.TotalPages > 0 && p.Page > pg.TotalPages {
			return nil, pagingError("page %d is past total_pages %d", p.Page, pg.TotalPages)
		}
		if p.Page >= pg.TotalPages {
			return nil, nil
		}
		return &pageRequest{Page: p.Page + 1, Limit: p.Limit}, nil
	}
	if kind == pagingV3Cursor && p.After != "" {
		// A cursor page without cursor meta: nothing says where to go next.
		return nil, nil
	}
	// V2, or V3 without meta: a full page means there may be more.
	if count < p.Limit {
		return nil, nil
	}
	return &pageRequest{Page: p.Page + 1, Limit: p.Limit}, nil
}

func pagingError(format string, args ...any) error {
	return fmt.Errorf("bigcommerce: paging stopped: %s (the API is not paging as documented): %w",
		fmt.Sprintf(format, args...), ErrUpstream)
}

// fingerprint is a cheap digest of a page: its length and its first and last
// items as JSON. Two different pages of one listing never share it.
func fingerprint[T any](items []T) uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d|", len(items))
	enc := json.NewEncoder(h)
	if err := enc.Encode(items[0]); err != nil {
		return 0
	}
	if err := enc.Encode(items[len(items)-1]); err != nil {
		return 0
	}
	return h.Sum64()
}

// pageValues returns a copy of q with the paging parameters of p: page and
// limit, or after and limit for a cursor page. q is not modified.
func pageValues(q url.Values, p pageRequest) url.Values {
	v := make(url.Values, len(q)+2)
	for k, vals := range q {
		v[k] = append([]string(nil), vals...)
	}
	v.Del("page")
	v.Del("after")
	if p.After != "" {
		v.Set("after", p.After)
	} else if p.Page > 0 {
		v.Set("page", strconv.Itoa(p.Page))
	}
	if p.Limit > 0 {
		v.Set("limit", strconv.Itoa(p.Limit))
	}
	return v
}

// listPage fetches one page of a collection: GET {version}{path} with q and the
// paging parameters of p. V3 answers are {data, meta} envelopes; V2 answers are
// bare arrays, and a V2 204 is an empty page. It is the fetch a resource's All
// usually needs:
//
//	return all(ctx, pagingV2, func(ctx context.Context, p pageRequest) ([]*Order, *Response, error) {
//		return listPage[*Order](ctx, s.c, "v2", "/orders", q, p)
//	})
func listPage[T any](ctx context.Context, c *Client, version, path string, q url.Values, p pageRequest) ([]T, *Response, error) {
	r := request{method: http.MethodGet, version: version, path: path, query: pageValues(q, p)}
	if version == "v2" {
		var items []T
		resp, err := c.do(ctx, r, &items)
		return items, resp, err
	}
	var env envelope[[]T]
	resp, err := c.do(ctx, r, &env)
	if err != nil {
		return nil, resp, err
	}
	return env.Data, resp, nil
}
