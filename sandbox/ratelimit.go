package sandbox

import (
	"net/http"
	"strconv"
	"sync"
	"time"
)

// limiter is the store's quota: Quota requests per fixed Window, shared by
// every token. With Quota 0 the headers still count down from a notional
// quota of unlimitedQuota but nothing is refused.
type limiter struct {
	mu     sync.Mutex
	quota  int
	window time.Duration
	now    func() time.Time
	start  time.Time // start of the current window
	used   int
	denied int // 429s answered by the quota (not by faults)
}

const unlimitedQuota = 1_000_000

func newLimiter(quota int, window time.Duration, now func() time.Time) *limiter {
	return &limiter{quota: quota, window: window, now: now}
}

func (l *limiter) set(quota int, window time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.quota, l.window, l.used, l.start = quota, window, 0, time.Time{}
}

// admit counts the request against the quota and sets the four
// X-Rate-Limit-* headers on c. Over quota it answers 429 with X-Retry-After
// and returns false.
func (l *limiter) admit(c *call) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if l.start.IsZero() || now.Sub(l.start) >= l.window || now.Before(l.start) {
		l.start, l.used = now, 0
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
