package bigcommerce

import (
	"context"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// RateLimit is a snapshot of a store's request quota as the API last reported it
// in the X-Rate-Limit-* headers, for progress bars and agents. Its zero value
// means no response has reported a quota yet (or the store has no limit).
type RateLimit struct {
	// Quota is the number of requests allowed per Window.
	Quota int
	// Left is the requests left in the current window, counting those this process
	// has sent since the last answer.
	Left int
	// Reset is the time left until the window resets (0 once it has).
	Reset time.Duration
	// Window is the length of the rate-limit window.
	Window time.Duration
	// UpdatedAt is when a response last reported the quota.
	UpdatedAt time.Time
}

// RateLimit returns the store's quota as last reported. Every client sharing
// the governor sees the same figures.
func (c *Client) RateLimit() RateLimit { return c.gov.snapshot(time.Now()) }

// Governor paces one store's requests and caps how many are in flight.
// BigCommerce's quota belongs to the store and is shared by every caller, so
// every Client of one store must use the same Governor: two governors would
// each spend the whole quota and draw 429s. A Client makes its own unless
// given one with WithGovernor; a program that keeps one Client per store (the
// CLI, the MCP server) needs nothing more, and one that makes several passes
// the same Governor to each. Processes that share a store share a budget
// through NewGovernor's SharedQuota.
//
// Pacing: once a response has reported the quota, the governor keeps an estimate
// of the requests left in the current window (avail) and when the window resets
// (resetAt). A request starts only while the requests left still cover an even
// share of the time left (plus a burst of as many requests as may be in flight),
// so a long job spends the quota at the rate the store allows instead of
// bursting into a 429 and then stalling for the rest of the window. Each answer
// corrects the estimate: the server's count of requests left, minus the requests
// this process started after the answered one (the server had not seen them),
// which also accounts for other apps spending the store's shared quota.
// Answers from an earlier window are ignored; an answer whose reset lies well
// past the estimate means the server's window turned over unseen.
type Governor struct {
	mu sync.Mutex

	// shared, when set, is the budget this process shares with others; a
	// request starts only once both it and the local pacing allow.
	shared SharedQuota

	// Concurrency cap: a counting semaphore whose limit can only go down.
	limit   int
	inUse   int
	waiters []chan struct{}

	// Quota state, from X-Rate-Limit-* headers.
	known   bool          // a response has reported left and reset
	quota   int           // requests per window, 0 if never reported
	window  time.Duration // window length
	avail   int           // estimated requests left in the current window
	resetAt time.Time     // estimated end of the current window
	gen     uint64        // window generation; answers from older windows are ignored
	started uint64        // requests started so far; a ticket's seq is its index
	// pauseUntil holds every request back after a 429.
	pauseUntil time.Time
	// reported is the raw figures of the last answer, for RateLimit.
	reported   RateLimit
	reportedAt time.Time
}

// SharedQuota is a store's request budget kept outside the process, so that
// every process that talks to the store, on any machine, spends one quota
// between them. The client defines only what it needs; an implementation
// (such as package quota's Redis budget) keys the budget by store.
type SharedQuota interface {
	// Reserve books a start time for one request from the budget and returns
	// how long to wait for it (0: start now); the request then starts without
	// asking again, so that waiting processes do not poll. When the shared
	// store is unreachable it paces on its own rather than fail: an error is
	// only the context's.
	Reserve(ctx context.Context) (time.Duration, error)
	// Observe passes on the quota an answer reported, so the budget learns the
	// store's quota and window and what other apps spend.
	Observe(rl RateLimit)
}

// NewGovernor returns a governor for one store that lets at most concurrency
// requests be in flight at once (DefaultConcurrency when below 1). shared,
// when not nil, is the budget this process shares with the store's other
// processes.
func NewGovernor(concurrency int, shared SharedQuota) *Governor {
	g := newGovernor(concurrency)
	g.shared = shared
	return g
}

// defaultWindow is BigCommerce's window, assumed until a response states one.
const defaultWindow = 30 * time.Second

func newGovernor(limit int) *Governor {
	if limit < 1 {
		limit = DefaultConcurrency
	}
	return &Governor{limit: limit, window: defaultWindow}
}

func (g *Governor) lowerLimit(n int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if n >= 1 && n < g.limit {
		g.limit = n
	}
}

// ticket identifies one started request to observe.
type ticket struct {
	seq uint64
	gen uint64
}

// acquire waits for a concurrency slot, for the pacing delay and, with a
// shared budget, for the budget's go-ahead. On success the caller must call
// release once the answer is read.
func (g *Governor) acquire(ctx context.Context, onWait func(time.Duration, string)) (ticket, error) {
	if err := g.acquireSlot(ctx); err != nil {
		return ticket{}, err
	}
	for {
		g.mu.Lock()
		wait, why := g.delay(time.Now())
		g.mu.Unlock()
		if wait <= 0 {
			break
		}
		if err := g.wait(ctx, wait, why, onWait); err != nil {
			return ticket{}, err
		}
	}
	if g.shared != nil {
		// Booked only once the local pacing allows, so that a request held
		// back here does not hold a share of the budget meanwhile.
		wait, err := g.shared.Reserve(ctx)
		if err != nil {
			g.release()
			return ticket{}, err
		}
		if err := g.wait(ctx, wait, "sharing the store's quota with its other processes", onWait); err != nil {
			return ticket{}, err
		}
	}
	return g.start(), nil
}

// wait sleeps d for a request that holds a concurrency slot, telling onWait
// about a long wait; when ctx ends first it frees the slot.
func (g *Governor) wait(ctx context.Context, d time.Duration, why string, onWait func(time.Duration, string)) error {
	if onWait != nil && d >= 100*time.Millisecond {
		onWait(d, why)
	}
	if err := sleepCtx(ctx, d); err != nil {
		g.release()
		return err
	}
	return nil
}

// start counts one request as started and returns its ticket.
func (g *Governor) start() ticket {
	g.mu.Lock()
	defer g.mu.Unlock()
	t := ticket{seq: g.started, gen: g.gen}
	g.started++
	if g.known {
		g.avail--
	}
	return t
}

// delay returns how long a request must wait before it starts. g.mu is held.
func (g *Governor) delay(now time.Time) (time.Duration, string) {
	if now.Before(g.pauseUntil) {
		return g.pauseUntil.Sub(now), "rate limited (429)"
	}
	if !g.known {
		return 0, ""
	}
	if !now.Before(g.resetAt) {
		// The window has reset. Assume the server's windows follow each other
		// back to back; the next answer corrects this if they do not.
		g.gen++
		g.resetAt = g.resetAt.Add((now.Sub(g.resetAt)/g.window + 1) * g.window)
		if g.quota > 0 {
			g.avail = g.quota
		} else {
			g.known = false // no quota reported: unpaced until an answer reports one
			return 0, ""
		}
	}
	left := g.resetAt.Sub(now)
	if g.avail <= 0 {
		// Quota spent: wait for the reset, plus a little jitter so that several
		// processes sharing the store do not all fire at the same instant.
		return left + jitter(g.window/100), "quota spent until the window resets"
	}
	// Spread the quota evenly over the window: a request may start when, after
	// it, the requests left still cover an even share of the time left. The
	// allowance of limit requests (as many as may be in flight) lets requests
	// from several goroutines that arrive together start together.
	quota := g.quota
	if quota <= 0 {
		quota = max(g.avail, 1)
	}
	// In floating point: quota times window overflows int64 nanoseconds for
	// quotas in the millions.
	need := time.Duration(float64(g.window) * float64(g.avail-1+g.limit) / float64(quota))
	if left > need {
		return left - need, "pacing to spread the quota over the window"
	}
	return 0, ""
}

// rateHeaders are the X-Rate-Limit-* figures of one answer; a has* field is
// false for a header that is absent or not a number.
type rateHeaders struct {
	quota, left         int
	reset, window       time.Duration
	hasQuota, hasLeft   bool
	hasReset, hasWindow bool
	retryAfter          time.Duration // X-Retry-After
}

func parseRateHeaders(h http.Header) rateHeaders {
	var r rateHeaders
	// http.Header.Get canonicalises the name, so lower-case headers match too.
	num := func(name string) (int, bool) {
		v := strings.TrimSpace(h.Get(name))
		if v == "" {
			return 0, false
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 || n > 1<<31 {
			f, ferr := strconv.ParseFloat(v, 64)
			if ferr != nil || f < 0 || f > 1<<31 {
				return 0, false
			}
			n = int64(f)
		}
		return int(n), true
	}
	r.quota, r.hasQuota = num("X-Rate-Limit-Requests-Quota")
	r.left, r.hasLeft = num("X-Rate-Limit-Requests-Left")
	var ms int
	ms, r.hasReset = num("X-Rate-Limit-Time-Reset-Ms")
	r.reset = time.Duration(ms) * time.Millisecond
	ms, r.hasWindow = num("X-Rate-Limit-Time-Window-Ms")
	r.window = time.Duration(ms) * time.Millisecond
	if r.window <= 0 {
		r.hasWindow = false
	}
	if s, ok := num("X-Retry-After"); ok {
		r.retryAfter = time.Duration(s) * time.Second
	} else if s, ok := num("Retry-After"); ok {
		// A proxy or load balancer in front of the API may answer a 503 with
		// the standard header (its seconds form) instead of BigCommerce's own.
		r.retryAfter = time.Duration(s) * time.Second
	}
	return r
}

// retryAfter is how long a 429 asks us to wait: the longer of X-Retry-After and
// the window reset, or 0 when the answer says neither.
func retryAfter(h http.Header) time.Duration {
	r := parseRateHeaders(h)
	return max(r.retryAfter, r.reset)
}

// observe records the quota an answer reported. recv is when it arrived.
func (g *Governor) observe(t ticket, h http.Header, recv time.Time) {
	r := parseRateHeaders(h)
	if !r.hasQuota && !r.hasLeft && !r.hasReset && !r.hasWindow {
		return
	}
	rl := g.record(t, r, recv)
	if g.shared != nil && r.hasLeft && r.hasReset {
		g.shared.Observe(rl)
	}
}

// record updates the quota estimate from one answer's figures and returns them
// as reported.
func (g *Governor) record(t ticket, r rateHeaders, recv time.Time) RateLimit {
	g.mu.Lock()
	defer g.mu.Unlock()
	if r.hasQuota && r.quota > 0 {
		g.quota = r.quota
	}
	if r.hasWindow {
		g.window = r.window
	}
	g.reported = RateLimit{Quota: r.quota, Left: r.left, Reset: r.reset, Window: r.window, UpdatedAt: recv}
	if !r.hasQuota {
		g.reported.Quota = g.quota
	}
	if !r.hasWindow {
		g.reported.Window = g.window
	}
	g.reportedAt = recv
	if !r.hasLeft || !r.hasReset {
		return g.reported
	}
	// Requests started after this one may not have been counted by the server yet.
	est := r.left - int(g.started-t.seq-1)
	newReset := recv.Add(r.reset)
	switch {
	case !g.known, newReset.After(g.resetAt.Add(g.window / 2)):
		// First report, or the server is already in a window we have not seen start.
		g.known = true
		g.gen++
		g.avail = est
		g.resetAt = newReset
	case t.gen == g.gen:
		g.avail = min(g.avail, est)
		g.resetAt = newReset
	}
	// An answer from an earlier window says nothing about this one.
	return g.reported
}

// pause holds every request back until until (after a 429).
func (g *Governor) pause(until time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if until.After(g.pauseUntil) {
		g.pauseUntil = until
	}
	if g.known && until.After(g.resetAt) {
		g.avail = 0
	}
}

func (g *Governor) snapshot(now time.Time) RateLimit {
	g.mu.Lock()
	defer g.mu.Unlock()
	s := g.reported
	if s.UpdatedAt.IsZero() {
		return RateLimit{}
	}
	s.Reset = max(0, s.Reset-now.Sub(g.reportedAt))
	if g.known {
		s.Left = max(0, g.avail)
		if now.Before(g.resetAt) {
			s.Reset = g.resetAt.Sub(now)
		}
	}
	return s
}

func (g *Governor) acquireSlot(ctx context.Context) error {
	g.mu.Lock()
	if g.inUse < g.limit {
		g.inUse++
		g.mu.Unlock()
		return nil
	}
	ch := make(chan struct{})
	g.waiters = append(g.waiters, ch)
	g.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		g.mu.Lock()
		for i, w := range g.waiters {
			if w == ch {
				g.waiters = append(g.waiters[:i], g.waiters[i+1:]...)
				g.mu.Unlock()
				return ctx.Err()
			}
		}
		g.mu.Unlock()
		// The slot was handed over as the context ended: give it back.
		g.release()
		return ctx.Err()
	}
}

// release frees a concurrency slot, handing it to the first waiter if the cap
// allows.
func (g *Governor) release() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.waiters) > 0 && g.inUse <= g.limit {
		ch := g.waiters[0]
		g.waiters = g.waiters[1:]
		close(ch) // the slot passes to the waiter; inUse is unchanged
		return
	}
	g.inUse--
}

// sleepCtx waits for d or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// jitter returns a random duration in [0, d).
func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return rand.N(d)
}
