package bigcommerce

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// coreCollection serves items 1..Items in the paging style of kind, honouring
// page, limit and after.
type coreCollection struct {
	Kind  pagingKind
	Items int
}

func (s coreCollection) page(r *http.Request) (start, limit, page int) {
	q := r.URL.Query()
	limit, _ = strconv.Atoi(q.Get("limit"))
	if limit <= 0 {
		limit = 50
	}
	page, _ = strconv.Atoi(q.Get("page"))
	page = max(page, 1)
	start = (page - 1) * limit
	if a := q.Get("after"); a != "" {
		b, _ := base64.StdEncoding.DecodeString(a)
		start, _ = strconv.Atoi(strings.TrimPrefix(string(b), "id:"))
	}
	return start, limit, page
}

func (s coreCollection) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start, limit, page := s.page(r)
	var data []coreItem
	for id := start + 1; id <= min(start+limit, s.Items); id++ {
		data = append(data, coreItem{ID: id})
	}
	switch s.Kind {
	case pagingV2:
		if len(data) == 0 {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		json.NewEncoder(w).Encode(data)
	case pagingV3Offset:
		json.NewEncoder(w).Encode(map[string]any{"data": data, "meta": Meta{Pagination: &Pagination{
			Total: s.Items, Count: len(data), PerPage: limit, CurrentPage: page, TotalPages: (s.Items + limit - 1) / limit}}})
	case pagingV3Cursor:
		end := start + len(data)
		cp := &CursorPagination{Count: len(data), PerPage: limit,
			StartCursor: base64.StdEncoding.EncodeToString([]byte("id:" + strconv.Itoa(start))),
			EndCursor:   base64.StdEncoding.EncodeToString([]byte("id:" + strconv.Itoa(end)))}
		if end < s.Items {
			cp.Links.Next = "?after=" + cp.EndCursor + "&limit=" + strconv.Itoa(limit)
		}
		meta := Meta{CursorPagination: cp}
		if r.URL.Query().Get("after") == "" { // the first page carries both kinds
			meta.Pagination = &Pagination{Total: s.Items, Count: len(data), PerPage: limit, CurrentPage: 1,
				TotalPages: (s.Items + limit - 1) / limit}
		}
		json.NewEncoder(w).Encode(map[string]any{"data": data, "meta": meta})
	}
}

func (s coreCollection) version() string {
	if s.Kind == pagingV2 {
		return "v2"
	}
	return "v3"
}

// coreCollect runs all over the collection and returns the IDs in order.
func coreCollect(ctx context.Context, c *Client, kind pagingKind, version string) ([]int, error) {
	var ids []int
	for it, err := range all(ctx, kind, func(ctx context.Context, p pageRequest) ([]coreItem, *Response, error) {
		return listPage[coreItem](ctx, c, version, "/items", url.Values{"is_visible": {"true"}}, p)
	}) {
		if err != nil {
			return ids, err
		}
		ids = append(ids, it.ID)
	}
	return ids, nil
}

func coreSeq(n int) []int {
	ids := make([]int, n)
	for i := range ids {
		ids[i] = i + 1
	}
	return ids
}

func TestAllPagesEveryKind(t *testing.T) {
	t.Parallel()
	kinds := map[string]pagingKind{"v2": pagingV2, "v3 offset": pagingV3Offset, "v3 cursor": pagingV3Cursor}
	for name, kind := range kinds {
		for _, n := range []int{0, 1, 249, 250, 251, 500, 1234} {
			t.Run(fmt.Sprintf("%s_%d", name, n), func(t *testing.T) {
				t.Parallel()
				var requests atomic.Int32
				col := coreCollection{Kind: kind, Items: n}
				c, _ := coreServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					requests.Add(1)
					if r.URL.Query().Get("is_visible") != "true" || r.URL.Query().Get("limit") != "250" {
						t.Errorf("query %q lost the filter or the limit", r.URL.RawQuery)
					}
					col.ServeHTTP(w, r)
				}))
				got, err := coreCollect(t.Context(), c, kind, col.version())
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(coreSeq(n), got, cmpEquateEmpty); diff != "" {
					t.Errorf("items (-want +got):\n%s", diff)
				}
				// A full last page costs one more request to see the end, except
				// where the API says it was the last.
				maxReq := n/250 + 1
				if int(requests.Load()) > maxReq {
					t.Errorf("%d requests for %d items, want at most %d", requests.Load(), n, maxReq)
				}
			})
		}
	}
}

var cmpEquateEmpty = cmp.Comparer(func(a, b []int) bool {
	if len(a) == 0 && len(b) == 0 {
		return true
	}
	return slicesEqual(a, b)
})

func slicesEqual(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestAllSurvivesFailures: 30% of answers fail (500, 502, 503, 504, a reset
// connection, a cut-off body); every item still comes exactly once.
func TestAllSurvivesFailures(t *testing.T) {
	t.Parallel()
	kinds := map[string]pagingKind{"v2": pagingV2, "v3 offset": pagingV3Offset, "v3 cursor": pagingV3Cursor}
	for name, kind := range kinds {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			rng := rand.New(rand.NewPCG(1, uint64(kind)))
			var failures, requests int
			col := coreCollection{Kind: kind, Items: 5000}
			c, log := coreServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				requests++
				fail := rng.Float64() < 0.3
				what := rng.IntN(6)
				if fail {
					failures++
				}
				mu.Unlock()
				if !fail {
					col.ServeHTTP(w, r)
					return
				}
				switch what {
				case 0, 1, 2, 3:
					w.WriteHeader([]int{500, 502, 503, 504}[what])
				case 4:
					coreReset(t, w)
				case 5:
					coreCutOff(t, w)
				}
			}))
			got, err := coreCollect(t.Context(), c, kind, col.version())
			if err != nil {
				t.Fatal(err)
			}
			if !slicesEqual(coreSeq(5000), got) {
				t.Errorf("got %d items, want 1..5000 exactly once in order", len(got))
			}
			mu.Lock()
			t.Logf("%d requests, %d failed", requests, failures)
			if failures == 0 {
				t.Error("no failure was injected")
			}
			mu.Unlock()
			coreNoToken(t, "log", log.String())
		})
	}
}

// coreFetcher serves scripted pages to all without HTTP.
type coreFetcher struct {
	pages [][]coreItem
	metas []*Meta
	asked []pageRequest
}

func (f *coreFetcher) fetch(ctx context.Context, p pageRequest) ([]coreItem, *Response, error) {
	i := len(f.asked)
	f.asked = append(f.asked, p)
	if i >= len(f.pages) {
		return nil, &Response{StatusCode: 204}, nil
	}
	var m *Meta
	if i < len(f.metas) {
		m = f.metas[i]
	}
	return f.pages[i], &Response{StatusCode: 200, Meta: m}, nil
}

func coreItems(from, n int) []coreItem {
	out := make([]coreItem, n)
	for i := range out {
		out[i] = coreItem{ID: from + i}
	}
	return out
}

func TestAllRefusesToLoop(t *testing.T) {
	t.Parallel()
	full := func(from int) []coreItem { return coreItems(from, MaxPageSize) }
	offset := func(cur, total int) *Meta {
		return &Meta{Pagination: &Pagination{CurrentPage: cur, TotalPages: total}}
	}
	cursor := func(end string) *Meta {
		return &Meta{CursorPagination: &CursorPagination{EndCursor: end, Links: Links{Next: "?after=" + end}}}
	}
	tests := []struct {
		name    string
		kind    pagingKind
		pages   [][]coreItem
		metas   []*Meta
		wantErr string
		wantN   int
	}{
		{name: "v2 page repeats", kind: pagingV2, pages: [][]coreItem{full(1), full(1)}, wantErr: "repeats", wantN: 250},
		{name: "v3 offset page repeats", kind: pagingV3Offset, pages: [][]coreItem{full(1), full(1)},
			metas: []*Meta{offset(1, 5), offset(2, 5)}, wantErr: "repeats", wantN: 250},
		{name: "v3 offset wrong page", kind: pagingV3Offset, pages: [][]coreItem{full(1), full(251)},
			metas: []*Meta{offset(1, 5), offset(1, 5)}, wantErr: "asked for page 2, got page 1", wantN: 250},
		{name: "v3 offset past total_pages", kind: pagingV3Offset, pages: [][]coreItem{full(1), full(251)},
			metas: []*Meta{offset(1, 2), offset(3, 2)}, wantErr: "asked for page 2, got page 3", wantN: 250},
		{name: "v3 offset total_pages shrinks below the page", kind: pagingV3Offset, pages: [][]coreItem{full(1), full(251)},
			metas: []*Meta{offset(1, 3), offset(2, 1)}, wantErr: "page 2 is past total_pages 1", wantN: 250},
		{name: "v3 cursor does not move", kind: pagingV3Cursor, pages: [][]coreItem{full(1), full(251), full(501)},
			metas: []*Meta{cursor("a"), cursor("a")}, wantErr: "did not move", wantN: 250},
		{name: "v3 cursor page repeats", kind: pagingV3Cursor, pages: [][]coreItem{full(1), full(1)},
			metas: []*Meta{cursor("a"), cursor("b")}, wantErr: "repeats", wantN: 250},
		{name: "v3 cursor falls back to offset", kind: pagingV3Cursor, pages: [][]coreItem{full(1), coreItems(251, 3)},
			metas: []*Meta{offset(1, 2), offset(2, 2)}, wantN: 253},
		{name: "v3 offset without meta ends on a short page", kind: pagingV3Offset,
			pages: [][]coreItem{full(1), coreItems(251, 3)}, wantN: 253},
		{name: "v2 ends on 204", kind: pagingV2, pages: [][]coreItem{full(1)}, wantN: 250},
		{name: "v2 ends on an empty array", kind: pagingV2, pages: [][]coreItem{full(1), {}}, wantN: 250},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := &coreFetcher{pages: tc.pages, metas: tc.metas}
			n := 0
			var gotErr error
			for _, err := range all(t.Context(), tc.kind, f.fetch) {
				if err != nil {
					gotErr = err
					break
				}
				n++
			}
			if n != tc.wantN {
				t.Errorf("yielded %d items, want %d", n, tc.wantN)
			}
			if tc.wantErr == "" {
				if gotErr != nil {
					t.Errorf("err = %v", gotErr)
				}
				return
			}
			if gotErr == nil || !strings.Contains(gotErr.Error(), tc.wantErr) || !errors.Is(gotErr, ErrUpstream) {
				t.Errorf("err = %v, want ErrUpstream containing %q", gotErr, tc.wantErr)
			}
		})
	}
}

func TestAllCursorSendsAfter(t *testing.T) {
	t.Parallel()
	f := &coreFetcher{
		pages: [][]coreItem{coreItems(1, 250), coreItems(251, 250), coreItems(501, 1)},
		metas: []*Meta{
			{Pagination: &Pagination{CurrentPage: 1, TotalPages: 3}, CursorPagination: &CursorPagination{EndCursor: "c1", Links: Links{Next: "?after=c1"}}},
			{CursorPagination: &CursorPagination{EndCursor: "c2", Links: Links{Next: "?after=c2"}}},
			{CursorPagination: &CursorPagination{EndCursor: "c3"}},
		},
	}
	n := 0
	for _, err := range all(t.Context(), pagingV3Cursor, f.fetch) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	want := []pageRequest{{Page: 1, Limit: 250}, {Limit: 250, After: "c1"}, {Limit: 250, After: "c2"}}
	if diff := cmp.Diff(want, f.asked); diff != "" || n != 501 {
		t.Errorf("%d items; requests (-want +got):\n%s", n, diff)
	}
}

func TestAllStopsWhenTheCallerStops(t *testing.T) {
	t.Parallel()
	f := &coreFetcher{pages: [][]coreItem{coreItems(1, 250), coreItems(251, 250)}}
	for it := range all(t.Context(), pagingV2, f.fetch) {
		if it.ID == 3 {
			break
		}
	}
	if len(f.asked) != 1 {
		t.Errorf("fetched %d pages after the caller stopped on the first, want 1", len(f.asked))
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	for _, err := range all(ctx, pagingV2, f.fetch) {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	}
}

func TestPageValues(t *testing.T) {
	t.Parallel()
	q := url.Values{"sort": {"id"}, "page": {"9"}}
	got := pageValues(q, pageRequest{Page: 2, Limit: 250})
	if got.Encode() != "limit=250&page=2&sort=id" {
		t.Errorf("offset query = %q", got.Encode())
	}
	got = pageValues(q, pageRequest{Page: 1, Limit: 250, After: "YWI="})
	if got.Encode() != "after=YWI%3D&limit=250&sort=id" {
		t.Errorf("cursor query = %q", got.Encode())
	}
	if q.Get("page") != "9" || len(q) != 2 {
		t.Errorf("pageValues changed its input: %v", q)
	}
}
