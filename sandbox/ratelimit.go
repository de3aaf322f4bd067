package sandbox

import (
	"fmt"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// limiter is the store's quota: Quota requests per fixed Window, shared by
// every token and client, as BigCommerce's quota belongs to the store. With
// Quota 0 the headers still count down from a notional quota of
// unlimitedQuota but nothing is refused. It also counts the requests it
// admits and refuses per token, per client and per window (Requests).
type limiter struct {
	mu     sync.Mutex
	quota  int
	window time.Duration
	now    func() time.Time
	start  time.Time // start of the current window
	used   int
	denied int // 429s answered by the quota (not by faults)

	byToken, byClient map[string]*ClientCount
	cur               *WindowCount  // the current window's counts
	past              []WindowCount // the windows before it, oldest first, at most maxWindows
}

const (
	unlimitedQuota = 1_000_000
	maxWindows     = 100
)

func newLimiter(quota int, window time.Duration, now func() time.Time) *limiter {
	return &limiter{quota: quota, window: window, now: now, byToken: map[string]*ClientCount{}, byClient: map[string]*ClientCount{}}
}

func (l *limiter) set(quota int, window time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.quota, l.window, l.used, l.start = quota, window, 0, time.Time{}
}

// Plans are BigCommerce's published quotas per plan, from its API rate
// limits page: Standard and Plus 20,000 an hour (150 per 30 s), Pro 60,000
// (450 per 30 s). Enterprise quotas are set "by plan and resource" and not
// published, so that plan takes the store's own figure.
var plans = map[string]int{"standard": 150, "plus": 150, "pro": 450}

// PlanQuota is the quota and window of a BigCommerce plan (standard, plus,
// pro). For enterprise it returns an error saying to give the store's own
// figure, which BigCommerce does not publish.
func PlanQuota(plan string) (int, time.Duration, error) {
	name := strings.ToLower(strings.TrimSpace(plan))
	if q, ok := plans[name]; ok {
		return q, defaultWindow, nil
	}
	if name == "enterprise" {
		return 0, 0, fmt.Errorf("plan enterprise: BigCommerce sets Enterprise quotas by plan and resource and publishes no figure; give the store's own quota (e.g. 900 per 30s)")
	}
	return 0, 0, fmt.Errorf("plan %q: want standard, plus, pro or enterprise", plan)
}

// ClientCount is how many requests one token or client made and how many of
// them the quota refused (429).
type ClientCount struct {
	Requests    int `json:"requests"`
	RateLimited int `json:"rate_limited"`
}

// WindowCount is one quota window's requests, all and per client.
type WindowCount struct {
	Start       time.Time               `json:"start"`
	Requests    int                     `json:"requests"`
	RateLimited int                     `json:"rate_limited"`
	ByClient    map[string]*ClientCount `json:"by_client"`
}

// RequestCounts is what GET /_sandbox/requests answers: the authenticated
// API requests by token ("full", "read_only"), by client (X-Auth-Client, or
// the User-Agent when a request sends none) and per quota window, so that a
// test can show that several processes together kept to one store's quota.
type RequestCounts struct {
	Quota    int                     `json:"quota"` // 0: none
	WindowMs int64                   `json:"window_ms"`
	ByToken  map[string]*ClientCount `json:"by_token"`
	ByClient map[string]*ClientCount `json:"by_client"`
	Windows  []WindowCount           `json:"windows"` // oldest first, the current one last; at most 101
}

// clientOf names the client a request comes from for RequestCounts.
func clientOf(r *http.Request) string {
	if c := r.Header.Get("X-Auth-Client"); c != "" {
		return c
	}
	if ua := r.Header.Get("User-Agent"); ua != "" {
		return ua
	}
	return "unknown"
}

// admit counts the request against the quota and sets the four
// X-Rate-Limit-* headers on c. Over quota it answers 429 with X-Retry-After
// and returns false. tok names the request's token.
func (l *limiter) admit(c *call, tok string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if l.start.IsZero() || now.Sub(l.start) >= l.window || now.Before(l.start) {
		l.start, l.used = now, 0
		l.newWindow(now)
	}
	quota := l.quota
	if quota == 0 {
		quota = unlimitedQuota
	}
	reset := l.window - now.Sub(l.start)
	over := l.used >= quota
	if !over {
		l.used++
	}
	l.count(tok, clientOf(c.r), over)
	h := c.header
	h.Set("X-Rate-Limit-Time-Window-Ms", strconv.FormatInt(l.window.Milliseconds(), 10))
	h.Set("X-Rate-Limit-Time-Reset-Ms", strconv.FormatInt(max(reset.Milliseconds(), 1), 10))
	h.Set("X-Rate-Limit-Requests-Quota", strconv.Itoa(quota))
	h.Set("X-Rate-Limit-Requests-Left", strconv.Itoa(quota-l.used))
	if !over {
		return true
	}
	l.denied++
	secs := (reset + time.Second - 1) / time.Second
	h.Set("X-Retry-After", strconv.FormatInt(int64(max(secs, 1)), 10))
	c.fail(http.StatusTooManyRequests, "Too many requests: the store's API quota for this window is used up.", nil)
	return false
}

// newWindow files the current window's counts and opens one at start.
func (l *limiter) newWindow(start time.Time) {
	if l.cur != nil {
		l.past = append(l.past, *l.cur)
		if len(l.past) > maxWindows {
			l.past = l.past[len(l.past)-maxWindows:]
		}
	}
	l.cur = &WindowCount{Start: start, ByClient: map[string]*ClientCount{}}
}

func (l *limiter) count(tok, client string, refused bool) {
	for _, cc := range []*ClientCount{entry(l.byToken, tok), entry(l.byClient, client), entry(l.cur.ByClient, client)} {
		cc.Requests++
		if refused {
			cc.RateLimited++
		}
	}
	l.cur.Requests++
	if refused {
		l.cur.RateLimited++
	}
}

func entry(m map[string]*ClientCount, k string) *ClientCount {
	cc := m[k]
	if cc == nil {
		cc = &ClientCount{}
		m[k] = cc
	}
	return cc
}

// counts is a deep copy of the counts for RequestCounts.
func (l *limiter) counts() RequestCounts {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := RequestCounts{Quota: l.quota, WindowMs: l.window.Milliseconds(), ByToken: copyCounts(l.byToken), ByClient: copyCounts(l.byClient)}
	windows := l.past
	if l.cur != nil {
		windows = append(windows[:len(windows):len(windows)], *l.cur)
	}
	for _, w := range windows {
		w.ByClient = copyCounts(w.ByClient)
		out.Windows = append(out.Windows, w)
	}
	return out
}

func copyCounts(m map[string]*ClientCount) map[string]*ClientCount {
	out := make(map[string]*ClientCount, len(m))
	for k, v := range maps.All(m) {
		c := *v
		out[k] = &c
	}
	return out
}

// Requests returns the authenticated API requests counted by token, by
// client and per quota window (the last 100 and the current one).
func (s *Store) Requests() RequestCounts { return s.limiter.counts() }
