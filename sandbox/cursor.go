package sandbox

import (
	"fmt"
	"slices"
)

// cursorList answers one page of all, paged the way V3 cursor endpoints
// (customers, metafields) page: the first page carries both
// meta.pagination and meta.cursor_pagination; a later offset page
// (page > 1) only pagination; a before= or after= page only
// cursor_pagination, and page is then ignored.
func cursorList[T any](c *call, all []T, id func(T) int, render func([]T) any) {
	pg := c.paging()
	if c.q.Has("after") || c.q.Has("before") {
		cursorPage(c, all, id, render, pg.limit)
		return
	}
	lo, hi := pg.window(len(all))
	meta := map[string]any{"pagination": c.offsetMeta(pg, len(all), hi-lo)}
	if pg.num == 1 {
		meta["cursor_pagination"] = cursorMeta(c, all[lo:hi], id, pg.limit, hi < len(all), false, "")
	}
	c.v3Answer(render(all[lo:hi]), meta)
}

func cursorPage[T any](c *call, all []T, id func(T) int, render func([]T) any, limit int) {
	after := c.q.Has("after")
	raw := c.q.Get("after")
	if !after {
		raw = c.q.Get("before")
	}
	cur, err := decodeCursor(raw)
	if err != nil {
		c.fail(400, "Invalid cursor", map[string]string{"cursor": err.Error()})
		return
	}
	pos := slices.IndexFunc(all, func(x T) bool { return id(x) == cur })
	if pos < 0 {
		// The cursor's record is gone: resume at the next id.
		pos = slices.IndexFunc(all, func(x T) bool { return id(x) > cur })
		if pos < 0 {
			pos = len(all)
		}
		if after {
			pos--
		}
	}
	lo, hi := max(0, pos-limit), pos
	if after {
		lo, hi = pos+1, min(pos+1+limit, len(all))
	}
	lo = min(lo, hi)
	page := all[lo:hi]
	cursor := "before=" + encodeCursor(cur) + "&"
	if after {
		cursor = "after=" + encodeCursor(cur) + "&"
	}
	meta := map[string]any{"cursor_pagination": cursorMeta(c, page, id, limit, hi < len(all), lo > 0, cursor)}
	c.v3Answer(render(page), meta)
}

// cursorMeta builds meta.cursor_pagination; cursor is the page's own
// "after=X&" or "before=X&" query, which its current link keeps.
func cursorMeta[T any](c *call, page []T, id func(T) int, limit int, more, prev bool, cursor string) cursorPagination {
	m := cursorPagination{Count: len(page), PerPage: limit}
	base := "?" + c.otherParams()
	m.Links.Current = fmt.Sprintf("%s%slimit=%d", base, cursor, limit)
	if len(page) == 0 {
		return m
	}
	m.StartCursor, m.EndCursor = encodeCursor(id(page[0])), encodeCursor(id(page[len(page)-1]))
	if more {
		m.Links.Next = fmt.Sprintf("%safter=%s&limit=%d", base, m.EndCursor, limit)
	}
	if prev {
		m.Links.Previous = fmt.Sprintf("%sbefore=%s&limit=%d", base, m.StartCursor, limit)
	}
	return m
}
