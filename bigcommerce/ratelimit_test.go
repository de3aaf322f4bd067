package bigcommerce

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// coreQuotaStore serves a V3 offset collection behind a fixed-window quota, the
// way BigCommerce does: every window of Window allows Quota requests; the rest get
// 429 with the X-Rate-Limit-* headers.
type coreQuotaStore struct {
	Quota   int
	Window  time.Duration
	Items   int
	PerPage int // the server's page size, whatever limit the client asks
	// Latency is added to each answer, after the quota is counted.
	Latency time.Duration
	// Jitter delays each request by up to Jitter (a fixed pseudo-random share
	// of it) before the quota counts it, as the network and the store's queues
	// do, so that requests sent together are counted in another order.
	Jitter time.Duration
	// External is how much of each window another app of the store spends.
	External int
	// Lazy windows start at the first request after the last one ended, rather
	// than back to back.
	Lazy bool

	mu       sync.Mutex
	start    time.Time
	winStart time.Time
	used     int
	requests int
	late429  int // 429s after the first window
	all429   int
	admitted []int          // requests admitted per window, the first window first
	arrived  int            // requests that reached ServeHTTP, for Jitter
	hits     map[string]int // requests per path
}

func (s *coreQuotaStore) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.Jitter > 0 {
		s.mu.Lock()
		s.arrived++
		n := s.arrived
		s.mu.Unlock()
		time.Sleep(s.Jitter * time.Duration(n*7919%10) / 10)
	}
	s.mu.Lock()
	now := time.Now()
	if s.start.IsZero() {
		s.start, s.winStart = now, now
		s.hits = map[string]int{}
	}
	if s.requests == 0 {
		s.used = s.External
	}
	if len(s.admitted) == 0 {
		s.admitted = []int{0}
	}
	for now.Sub(s.winStart) >= s.Window {
		s.winStart = s.winStart.Add(s.Window)
		if s.Lazy {
			s.winStart = now
		}
		s.used = s.External
		s.admitted = append(s.admitted, 0)
	}
	s.requests++
	s.hits[r.URL.Path]++
	reset := s.winStart.Add(s.Window).Sub(now)
	resetMs := int(math.Ceil(float64(reset) / float64(time.Millisecond)))
	h := w.Header()
	h.Set("x-rate-limit-requests-quota", strconv.Itoa(s.Quota))
	h.Set("x-rate-limit-time-window-ms", strconv.Itoa(int(s.Window/time.Millisecond)))
	h.Set("x-rate-limit-time-reset-ms", strconv.Itoa(resetMs))
	if s.used >= s.Quota {
		s.all429++
		if now.Sub(s.start) >= s.Window {
			s.late429++
		}
		s.mu.Unlock()
		h.Set("x-rate-limit-requests-left", "0")
		h.Set("x-retry-after", strconv.Itoa(int(math.Ceil(reset.Seconds()))))
		w.WriteHeader(http.StatusTooManyRequests)
		return
	}
	s.used++
	s.admitted[len(s.admitted)-1]++
	h.Set("x-rate-limit-requests-left", strconv.Itoa(s.Quota-s.used))
	s.mu.Unlock()
	time.Sleep(s.Latency)

	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	page = max(page, 1)
	totalPages := (s.Items + s.PerPage - 1) / s.PerPage
	var data []coreItem
	for id := (page-1)*s.PerPage + 1; id <= min(page*s.PerPage, s.Items); id++ {
		data = append(data, coreItem{ID: id})
	}
	json.NewEncoder(w).Encode(map[string]any{"data": data, "meta": map[string]any{"pagination": Pagination{
		Total: s.Items, Count: len(data), PerPage: s.PerPage, CurrentPage: page, TotalPages: totalPages}}})
}

func (s *coreQuotaStore) stats() (requests, all429, late429 int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests, s.all429, s.late429
}

// coreExport pages through path with all and checks each item comes once.
func coreExport(t *testing.T, c *Client, path string, want int) {
	t.Helper()
	seen := make(map[int]bool, want)
	for it, err := range all(t.Context(), pagingV3Offset, func(ctx context.Context, p pageRequest) ([]coreItem, *Response, error) {
		return listPage[coreItem](ctx, c, "v3", path, nil, p)
	}) {
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if seen[it.ID] {
			t.Fatalf("%s: item %d came twice", path, it.ID)
		}
		seen[it.ID] = true
	}
	if len(seen) != want {
		t.Errorf("%s: got %d items, want %d", path, len(seen), want)
	}
}

func TestGovernorSpendsQuotaWithout429s(t *testing.T) {
	t.Parallel()
	tests := []struct {
		latency  time.Duration
		external int
		lazy     bool
	}{{0, 0, false}, {20 * time.Millisecond, 0, false}, {90 * time.Millisecond, 0, false}, {0, 6, false},
		{7 * time.Millisecond, 0, true}, {7 * time.Millisecond, 3, true}}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("latency_%v_external_%d_lazy_%v", tc.latency, tc.external, tc.lazy), func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				store := &coreQuotaStore{Quota: 15, Window: 300 * time.Millisecond, Items: 2000, PerPage: 10,
					Latency: tc.latency, External: tc.external, Lazy: tc.lazy}
				c, log := coreInProcessClient(t, store)
				start := time.Now()
				coreExport(t, c, "/catalog/products", 2000)
				elapsed := time.Since(start)
				requests, all429, late429 := store.stats()
				if late429 != 0 {
					t.Errorf("%d responses were 429 after the first window (%d in all); want none", late429, all429)
				}
				// The quota allows 15 requests per 300 ms (less what the other app
				// spends): 200 requests need 13 full windows and part of a 14th. One
				// pager sends them one after the other, so latency bounds it too. The
				// fake clock makes this exact.
				ours := store.Quota - tc.external
				ideal := max(time.Duration(float64(requests-1)/float64(ours)*float64(store.Window)),
					time.Duration(requests)*tc.latency)
				t.Logf("%d requests, %d 429s, %v of fake time; the quota allows %v", requests, all429, elapsed, ideal)
				if elapsed > ideal*11/10 {
					t.Errorf("export took %v, more than 10%% over the %v the quota allows", elapsed, ideal)
				}
				rl := c.RateLimit()
				if rl.Quota != 15 || rl.Window != 300*time.Millisecond || rl.UpdatedAt.IsZero() {
					t.Errorf("RateLimit() = %+v", rl)
				}
				coreNoToken(t, "log", log.String())
			})
		})
	}
}

// TestGovernorAdmitsTheWholeQuotaEachWindow: eight exports at once, as a sync
// runs them, get exactly the quota admitted in every window but the last and no
// 429, whether the store's windows follow each other back to back or start at
// the first request after the last one ended. The answers of requests sent
// together come back in any order, each counting the others the store saw
// first; the governor must not count those twice and leave part of a window
// unspent.
func TestGovernorAdmitsTheWholeQuotaEachWindow(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		latency, jitter time.Duration
		lazy            bool
	}{{0, 0, false}, {3 * time.Millisecond, 0, false}, {20 * time.Millisecond, 10 * time.Millisecond, false},
		{3 * time.Millisecond, 2 * time.Millisecond, true}, {20 * time.Millisecond, 10 * time.Millisecond, true}} {
		t.Run(fmt.Sprintf("latency_%v_jitter_%v_lazy_%v", tc.latency, tc.jitter, tc.lazy), func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				store := &coreQuotaStore{Quota: 15, Window: 300 * time.Millisecond, Items: 300, PerPage: 10,
					Latency: tc.latency, Jitter: tc.jitter, Lazy: tc.lazy}
				c, _ := coreInProcessClient(t, store, WithConcurrency(8))
				var wg sync.WaitGroup
				for i := range 8 {
					wg.Go(func() { coreExport(t, c, fmt.Sprintf("/catalog/products/%d", i), 300) })
				}
				wg.Wait()
				requests, all429, _ := store.stats()
				if requests != 8*30 || all429 != 0 {
					t.Errorf("%d requests with %d 429s, want 240 requests (8 exports of 30 pages) and no 429", requests, all429)
				}
				store.mu.Lock()
				defer store.mu.Unlock()
				t.Logf("admitted per window: %v", store.admitted)
				for i, n := range store.admitted[:len(store.admitted)-1] {
					if n != store.Quota {
						t.Errorf("window %d admitted %d requests, want the whole quota of %d (all windows: %v)", i, n, store.Quota, store.admitted)
						break
					}
				}
			})
		})
	}
}

func TestGovernorIsSharedAcrossClientsAndGoroutines(t *testing.T) {
	t.Parallel()
	for _, latency := range []time.Duration{20 * time.Millisecond, 90 * time.Millisecond} {
		t.Run(fmt.Sprintf("latency_%v", latency), func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				store := &coreQuotaStore{Quota: 15, Window: 300 * time.Millisecond, Items: 600, PerPage: 10, Latency: latency}
				g := NewGovernor(0, nil)
				c1, _ := coreInProcessClient(t, store, WithGovernor(g))
				c2, _ := coreInProcessClient(t, store, WithGovernor(g))
				var wg sync.WaitGroup
				start := time.Now()
				for i, c := range []*Client{c1, c2, c1, c2} {
					wg.Go(func() { coreExport(t, c, fmt.Sprintf("/catalog/products/%d", i), 600) })
				}
				wg.Wait()
				elapsed := time.Since(start)
				requests, all429, late429 := store.stats()
				if late429 != 0 {
					t.Errorf("%d responses were 429 after the first window; want none", late429)
				}
				// Four pagers, each one request at a time: the quota or the latency bounds it.
				ideal := max(time.Duration(float64(requests-1)/float64(store.Quota)*float64(store.Window)),
					time.Duration(requests)*latency/4)
				t.Logf("%d requests, %d 429s, %v of fake time; the quota and latency allow %v", requests, all429, elapsed, ideal)
				if elapsed > ideal*11/10 {
					t.Errorf("export took %v, more than 10%% over the %v the quota allows", elapsed, ideal)
				}
			})
		})
	}
}

func TestRateLimitSnapshotBeforeAnyAnswer(t *testing.T) {
	t.Parallel()
	c, err := NewClient(coreHash(t), "tok", WithBaseURL("http://snap.test"))
	if err != nil {
		t.Fatal(err)
	}
	if rl := c.RateLimit(); rl != (RateLimit{}) {
		t.Errorf("RateLimit() = %+v before any answer, want the zero value", rl)
	}
}

func Test429WaitsForTheLongerOfRetryAfterAndReset(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var times []time.Time
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			times = append(times, time.Now())
			if len(times) == 1 {
				w.Header().Set("X-Retry-After", "2")
				w.Header().Set("X-Rate-Limit-Time-Reset-Ms", "700")
				w.Header().Set("X-Rate-Limit-Requests-Left", "0")
				w.Header().Set("X-Rate-Limit-Requests-Quota", "150")
				w.Header().Set("X-Rate-Limit-Time-Window-Ms", "30000")
				w.WriteHeader(http.StatusTooManyRequests)
				return
			}
			w.WriteHeader(http.StatusNoContent)
		})
		c, _ := coreInProcessClient(t, h)
		if _, err := c.do(t.Context(), request{method: "POST", version: "v3", path: "/x", body: struct{}{}}, nil); err != nil {
			t.Fatal(err)
		}
		if len(times) != 2 {
			t.Fatalf("server saw %d requests, want 2", len(times))
		}
		if gap := times[1].Sub(times[0]); gap < 2*time.Second || gap > 3*time.Second {
			t.Errorf("retried after %v, want X-Retry-After (2s) plus a little jitter", gap)
		}
	})
}

func Test429WithoutHeadersBacksOffExponentially(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var times []time.Time
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			times = append(times, time.Now())
			if len(times) <= 4 {
				w.WriteHeader(http.StatusTooManyRequests)
				return
			}
			w.WriteHeader(http.StatusNoContent)
		})
		c, _ := coreInProcessClient(t, h)
		c.retryBase = 400 * time.Millisecond
		if _, err := c.do(t.Context(), request{method: "GET", version: "v2", path: "/orders"}, nil); err != nil {
			t.Fatal(err)
		}
		for i := 1; i < len(times); i++ {
			step := c.retryBase << (i - 1)
			gap := times[i].Sub(times[i-1])
			if gap < step/2 || gap > step+step/10+10*time.Millisecond {
				t.Errorf("wait %d was %v, want between %v and %v", i, gap, step/2, step+step/10)
			}
		}
	})
}

func TestGovernorWaitEndsWithContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Rate-Limit-Time-Reset-Ms", "60000")
			w.Header().Set("X-Rate-Limit-Requests-Left", "0")
			w.Header().Set("X-Rate-Limit-Requests-Quota", "150")
			w.Header().Set("X-Rate-Limit-Time-Window-Ms", "60000")
			w.WriteHeader(http.StatusNoContent)
		})
		c, _ := coreInProcessClient(t, h)
		if _, err := c.do(t.Context(), request{method: "GET", version: "v2", path: "/time"}, nil); err != nil {
			t.Fatal(err)
		}
		// The quota is spent for a minute; a caller that gives up after a second
		// gets its error after a second.
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		start := time.Now()
		_, err := c.do(ctx, request{method: "GET", version: "v2", path: "/time"}, nil)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err = %v, want context.DeadlineExceeded", err)
		}
		if d := time.Since(start); d != time.Second {
			t.Errorf("returned after %v, want 1s", d)
		}
	})
}

func TestParseRateHeadersCaseInsensitive(t *testing.T) {
	t.Parallel()
	h := http.Header{}
	for k, v := range map[string]string{
		"x-rate-limit-requests-quota": "150", "X-RATE-LIMIT-REQUESTS-LEFT": "35",
		"x-rate-limit-time-reset-ms": "15000", "X-Rate-Limit-Time-Window-Ms": "30000", "x-retry-after": "15",
	} {
		h.Set(k, v) // Set canonicalises, as net/http does when it reads an answer
	}
	got := parseRateHeaders(h)
	want := rateHeaders{quota: 150, left: 35, reset: 15 * time.Second, window: 30 * time.Second,
		hasQuota: true, hasLeft: true, hasReset: true, hasWindow: true, retryAfter: 15 * time.Second}
	if got != want {
		t.Errorf("parseRateHeaders = %+v, want %+v", got, want)
	}
	bad := http.Header{"X-Rate-Limit-Requests-Left": {"lots"}, "X-Rate-Limit-Time-Reset-Ms": {"-5"}}
	if got := parseRateHeaders(bad); got.hasLeft || got.hasReset {
		t.Errorf("garbage headers parsed as %+v", got)
	}
}

// TestGovernorLargeQuotaDoesNotWait: quota times window overflows int64
// nanoseconds for large quotas; the pacing must not turn that into a long wait.
func TestGovernorLargeQuotaDoesNotWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		store := &coreQuotaStore{Quota: 1 << 30, Window: 30 * time.Second, Items: 1000, PerPage: 10}
		c, _ := coreInProcessClient(t, store)
		start := time.Now()
		coreExport(t, c, "/catalog/products", 1000)
		// Even pacing spaces requests 28ns apart at this quota: far under a millisecond.
		if d := time.Since(start); d > time.Millisecond {
			t.Errorf("100 requests under a quota of 2^30 waited %v of fake time, want next to nothing", d)
		}
	})
}

func TestRetryAfterHeaders(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		headers map[string]string
		want    time.Duration
	}{
		{"BigCommerce's own", map[string]string{"X-Retry-After": "15"}, 15 * time.Second},
		{"the standard one, from a proxy", map[string]string{"Retry-After": "7"}, 7 * time.Second},
		{"BigCommerce's wins over the standard", map[string]string{"X-Retry-After": "3", "Retry-After": "9"}, 3 * time.Second},
		{"the longer of retry-after and the reset", map[string]string{"X-Retry-After": "2", "X-Rate-Limit-Time-Reset-Ms": "4500"}, 4500 * time.Millisecond},
		{"an HTTP date is not read", map[string]string{"Retry-After": "Wed, 21 Oct 2026 07:28:00 GMT"}, 0},
		{"none", map[string]string{}, 0},
	} {
		h := http.Header{}
		for k, v := range tc.headers {
			h.Set(k, v)
		}
		if got := retryAfter(h); got != tc.want {
			t.Errorf("%s: retryAfter = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// spacedBudget is a SharedQuota that books one start every gap, as a budget
// shared with other processes would when they spend the rest.
type spacedBudget struct {
	gap time.Duration

	mu       sync.Mutex
	next     time.Time
	reserves int
	observed []RateLimit
}

func (b *spacedBudget) Reserve(ctx context.Context) (time.Duration, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.reserves++
	now := time.Now()
	start := b.next
	if start.Before(now) {
		start = now
	}
	b.next = start.Add(b.gap)
	return start.Sub(now), ctx.Err()
}

func (b *spacedBudget) Observe(rl RateLimit) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.observed = append(b.observed, rl)
}

// TestGovernorWaitsForItsSharedBudget: with a shared budget, no request starts
// before the budget allows it even when the local pacing would, and the budget
// hears every answer's quota figures.
func TestGovernorWaitsForItsSharedBudget(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		var arrivals []time.Time
		store := &coreQuotaStore{Quota: 1000, Window: time.Minute, Items: 50, PerPage: 10}
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			arrivals = append(arrivals, time.Now())
			mu.Unlock()
			store.ServeHTTP(w, r)
		})
		budget := &spacedBudget{gap: 250 * time.Millisecond}
		c, _ := coreInProcessClient(t, h, WithGovernor(NewGovernor(4, budget)))
		var wg sync.WaitGroup
		for i := range 3 {
			wg.Go(func() { coreExport(t, c, fmt.Sprintf("/catalog/products/%d", i), 50) })
		}
		wg.Wait()
		if len(arrivals) != 15 {
			t.Fatalf("%d requests arrived, want 15 (3 exports of 5 pages)", len(arrivals))
		}
		for i := 1; i < len(arrivals); i++ {
			if gap := arrivals[i].Sub(arrivals[i-1]); gap < budget.gap {
				t.Errorf("request %d started %v after the one before, sooner than the budget's %v", i, gap, budget.gap)
			}
		}
		budget.mu.Lock()
		defer budget.mu.Unlock()
		if len(budget.observed) != 15 {
			t.Fatalf("the budget heard %d answers, want 15", len(budget.observed))
		}
		if last := budget.observed[14]; last.Quota != 1000 || last.Window != time.Minute || last.Left != 1000-15 {
			t.Errorf("last figures passed on = %+v, want quota 1000, window 1m, 985 left", last)
		}
	})
}

// TestGovernorSharedBudgetErrorEndsTheWait: a budget that reports the
// context's end stops the request, and its concurrency slot is free again.
func TestGovernorSharedBudgetErrorEndsTheWait(t *testing.T) {
	t.Parallel()
	g := NewGovernor(1, cancelledBudget{})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := g.acquire(ctx, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("acquire = %v, want context.Canceled", err)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.inUse != 0 {
		t.Errorf("%d slots still in use after the budget refused", g.inUse)
	}
}

type cancelledBudget struct{}

func (cancelledBudget) Reserve(ctx context.Context) (time.Duration, error) { return 0, ctx.Err() }
func (cancelledBudget) Observe(RateLimit)                                  {}

// TestGovernorCountsARequestLostWithoutAnswer: a request that ended without an
// answer may still have been counted by the store, so it stays spent for the
// rest of its window, while one answered is counted once, by the store.
func TestGovernorCountsARequestLostWithoutAnswer(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		g := NewGovernor(4, nil)
		h := http.Header{}
		h.Set("X-Rate-Limit-Requests-Quota", "10")
		h.Set("X-Rate-Limit-Time-Window-Ms", "30000")
		h.Set("X-Rate-Limit-Time-Reset-Ms", "20000")
		h.Set("X-Rate-Limit-Requests-Left", "9")
		t0, err := g.acquire(t.Context(), nil)
		if err != nil {
			t.Fatal(err)
		}
		g.finish(t0, h, time.Now())
		t1, _ := g.acquire(t.Context(), nil)
		t2, _ := g.acquire(t.Context(), nil)
		g.finish(t1, nil, time.Time{}) // the connection broke: the store may have counted it
		h.Set("X-Rate-Limit-Requests-Left", "8")
		g.finish(t2, h, time.Now()) // the store had not seen t1, or had not counted t2
		if left := g.snapshot(time.Now()).Left; left != 7 {
			t.Errorf("Left = %d after one answered and one lost request beyond the first answer's 9, want 7", left)
		}
		time.Sleep(21 * time.Second) // the window ends: the lost request no longer counts
		t3, _ := g.acquire(t.Context(), nil)
		g.mu.Lock()
		left := g.leftMin - g.inFlight - g.lost
		g.mu.Unlock()
		if left != 9 {
			t.Errorf("requests left in the next window after one started = %d, want 9", left)
		}
		g.finish(t3, nil, time.Time{})
	})
}
