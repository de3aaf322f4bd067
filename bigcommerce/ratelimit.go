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
// Pacing: once a response has reported the quota, the governor keeps the
// current window's bounds and the fewest requests left any of its answers
// reported. An answer's X-Rate-Limit-Time-Reset-Ms, added to the moment it
// arrived, is a time by which the window has surely ended (the store counted
// the request before it answered); the earliest such time over the window's
// answers is the end the governor waits for, so one quick answer is enough
// to place it well. The requests left are the store's lowest count less the
// requests still in flight: the store's count, taken when it counted the
// request, already includes every answered request of the window (they were
// counted no later than the one that saw the lowest count) and at most the
// ones in flight, so this never counts a request twice, whatever order
// concurrent answers arrive in, and still accounts for other apps spending
// the store's shared quota. A request starts only while the requests left
// still cover an even share of the time left (plus a burst of as many
// requests as may be in flight), so a long job spends the quota at the rate
// the store allows instead of bursting into a 429 and then stalling for the
// rest of the window. Once the quota is spent, the next request starts at the
// window's end, not later: windows that begin with the first request after the
// last one ended lose only that wait.
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
	known  bool          // a response has reported left and reset
	quota  int           // requests per window, 0 if never reported
	window time.Duration // window length
	// endAt is when the current window has surely ended: the earliest of its
	// answers' arrival plus reset, or, until one of its answers arrives
	// (confirmed false), the last window's end plus a window.
	endAt     time.Time
	confirmed bool
	// leftMin is the fewest requests left an answer of the current window
	// reported (the quota until one has).
	leftMin int
	// inFlight is the requests started and not yet answered; lost those of the
	// current window that ended without an answer, which the store may have
	// counted.
	inFlight, lost int
	gen            uint64 // window generation, for lost
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

// ticket identifies one started request; gen is the window it started in.
type ticket struct {
	gen uint64
}

// resetSlack covers X-Rate-Limit-Time-Reset-Ms being whole milliseconds, which
// a store may round either way.
const resetSlack = time.Millisecond

// acquire waits for a concurrency slot, for the pacing delay and, with a
// shared budget, for the budget's go-ahead. On success the caller must call
// finish once the answer's headers are read (or the request failed).
func (g *Governor) acquire(ctx context.Context, onWait func(time.Duration, string)) (ticket, error) {
	if err := g.acquireSlot(ctx); err != nil {
		return ticket{}, err
	}
	var t ticket
	for {
		// The request is counted as started in the same critical section that
		// allowed it, so that goroutines woken together at a window's end do not
		// all spend its last request.
		g.mu.Lock()
		wait, why := g.delay(time.Now())
		if wait <= 0 {
			t = g.startLocked()
		}
		g.mu.Unlock()
		if wait <= 0 {
			break
		}
		if err := g.wait(ctx, wait, why, onWait); err != nil {
			g.release()
			return ticket{}, err
		}
	}
	if g.shared != nil {
		// Booked only once the local pacing allows, so that a request held
		// back here does not hold a share of the budget meanwhile.
		wait, err := g.shared.Reserve(ctx)
		if err == nil {
			err = g.wait(ctx, wait, "sharing the store's quota with its other processes", onWait)
		}
		if err != nil {
			g.unstart()
			return ticket{}, err
		}
	}
	return t, nil
}

// wait sleeps d, telling onWait about a long wait.
func (g *Governor) wait(ctx context.Context, d time.Duration, why string, onWait func(time.Duration, string)) error {
	if onWait != nil && d >= 100*time.Millisecond {
		onWait(d, why)
	}
	return sleepCtx(ctx, d)
}

// startLocked counts one request as started and returns its ticket. g.mu is held.
func (g *Governor) startLocked() ticket {
	g.inFlight++
	return ticket{gen: g.gen}
}

// unstart takes back a request that acquire counted but never sent, and frees
// its slot.
func (g *Governor) unstart() {
	g.mu.Lock()
	g.inFlight--
	g.mu.Unlock()
	g.release()
}

// delay returns how long a request must wait before it starts. g.mu is held.
func (g *Governor) delay(now time.Time) (time.Duration, string) {
	if now.Before(g.pauseUntil) {
		return g.pauseUntil.Sub(now), "rate limited (429)"
	}
	if !g.known {
		return 0, ""
	}
	if !now.Before(g.endAt) {
		// The window has ended. Assume the server's windows follow each other
		// back to back; the next window's first answer places it if they do not.
		if g.quota <= 0 {
			g.known = false // no quota reported: unpaced until an answer reports one
			return 0, ""
		}
		g.gen++
		g.endAt = g.endAt.Add((now.Sub(g.endAt)/g.window + 1) * g.window)
		g.confirmed = false
		g.leftMin = g.quota
		g.lost = 0
	}
	left := g.endAt.Sub(now)
	avail := g.leftMin - g.inFlight - g.lost
	if avail <= 0 {
		// Quota spent: wait for the end, not a moment more. (A jitter here would
		// not spare processes that share the store a 429, their shared budget
		// does, and with windows that start at the first request after the
		// last one ended every moment waited is lost for good.)
		return left, "quota spent until the window resets"
	}
	// Spread the quota evenly over the window: a request may start when, after
	// it, the requests left still cover an even share of the time left. The
	// allowance of limit requests (as many as may be in flight) lets requests
	// from several goroutines that arrive together start together.
	quota := g.quota
	if quota <= 0 {
		quota = max(avail, 1)
	}
	// In floating point: quota times window overflows int64 nanoseconds for
	// quotas in the millions.
	// endAt lies up to resetSlack past the end; the pacing needs no margin.
	left -= resetSlack
	need := time.Duration(float64(g.window) * float64(avail-1+g.limit) / float64(quota))
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

// finish ends a started request: it frees the request's concurrency slot and
// records the quota its answer reported. h is nil when no answer came (the
// store may still have counted the request); recv is when the answer's
// headers arrived.
func (g *Governor) finish(t ticket, h http.Header, recv time.Time) {
	g.release()
	var r rateHeaders
	if h != nil {
		r = parseRateHeaders(h)
	}
	rl, told := g.record(t, h != nil, r, recv)
	if told && g.shared != nil && r.hasLeft && r.hasReset {
		g.shared.Observe(rl)
	}
}

// record counts the request t as answered (or lost when !answered), updates the
// quota state from the answer's figures and returns them as reported, with
// false when the answer reported none.
func (g *Governor) record(t ticket, answered bool, r rateHeaders, recv time.Time) (RateLimit, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.inFlight--
	if !answered {
		if t.gen == g.gen {
			g.lost++
		}
		return RateLimit{}, false
	}
	if !r.hasQuota && !r.hasLeft && !r.hasReset && !r.hasWindow {
		return RateLimit{}, false
	}
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
		return g.reported, true
	}
	// The store counted the request before answering, so its window has ended
	// by the time the answer arrived plus the reset it reported.
	end := recv.Add(r.reset + resetSlack)
	switch {
	case !g.known || g.confirmed && end.After(g.endAt.Add(g.window/2)):
		// First report, or the store is already in a window we have not seen start.
		g.known = true
		g.gen++
		g.endAt, g.confirmed = end, true
		g.leftMin, g.lost = r.left, 0
	case end.Before(g.endAt.Add(-g.window / 2)):
		// An answer from an earlier window says nothing about this one.
	case !g.confirmed:
		// The window's first answer places it.
		g.endAt, g.confirmed = end, true
		g.leftMin = min(g.leftMin, r.left)
	default:
		if end.Before(g.endAt) {
			g.endAt = end
		}
		g.leftMin = min(g.leftMin, r.left)
	}
	return g.reported, true
}

// pause holds every request back until until (after a 429).
func (g *Governor) pause(until time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if until.After(g.pauseUntil) {
		g.pauseUntil = until
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
		s.Left = max(0, g.leftMin-g.inFlight-g.lost)
		if now.Before(g.endAt) {
			s.Reset = g.endAt.Sub(now)
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
