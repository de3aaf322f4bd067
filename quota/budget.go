package quota

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/bigc-dev/bigc/bigcommerce"
)

// Budget is one store's request budget in Redis, shared by every process that
// uses the same key. It implements bigcommerce.SharedQuota; give it to
// bigcommerce.NewGovernor.
type Budget struct {
	rdb    redis.Scripter
	keys   []string // state hash, process set
	id     string   // this process, in the process set
	logger *slog.Logger
	// retry is how long the budget paces locally before trying Redis again:
	// short, because until every process is back those still pacing locally
	// spend beside the shared budget.
	retry time.Duration
	// now is the clock of local pacing; tests stop it.
	now func() time.Time

	mu sync.Mutex
	// quota and window as the answers report them, kept here too so that
	// local pacing knows them when Redis is away.
	quota  int
	window time.Duration
	// taught is true once Redis holds this quota and window.
	taught bool
	// peers is how many processes shared the store when Redis last answered.
	peers int
	// down is true while Redis is unreachable; until retryAt the budget
	// paces locally, booking start times from localNext.
	down      bool
	retryAt   time.Time
	localNext time.Time
	// lastBooked is the start time Redis last booked for this process: local
	// pacing starts after it, so that requests booked before an outage and
	// those booked during it do not overlap.
	lastBooked time.Time
}

var _ bigcommerce.SharedQuota = (*Budget)(nil)

// Key is the Redis key of a store's budget: its store hash, and the API host
// when it is not BigCommerce's (two sandboxes may share a hash). The braces
// keep a budget's keys in one Redis Cluster slot.
func Key(baseURL, storeHash string) string {
	host := ""
	if u, err := url.Parse(baseURL); err == nil && baseURL != bigcommerce.DefaultBaseURL {
		host = "@" + u.Host
	}
	return "bigc:quota:{" + storeHash + host + "}"
}

// NewBudget returns the budget kept under key (see Key) in rdb. logger
// receives the one line said when Redis becomes unreachable and the one when
// it is back; nil discards them.
func NewBudget(rdb redis.Scripter, key string, logger *slog.Logger) *Budget {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Budget{rdb: rdb, keys: []string{key, key + ":procs"}, id: processID(), logger: logger,
		retry: 250 * time.Millisecond, now: time.Now, peers: 1}
}

// processID names this process in the process set: host, pid and a random
// suffix, so that two budgets in one process count as two sharers.
func processID() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	rand.Read(b)
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b))
}

// Reserve books the next start time for one request and returns how long to
// wait for it. When Redis cannot be reached it books from local pacing at
// 1/N of the quota instead; it fails only when ctx is done.
func (b *Budget) Reserve(ctx context.Context) (time.Duration, error) {
	b.mu.Lock()
	if b.down && b.now().Before(b.retryAt) {
		defer b.mu.Unlock()
		return b.reserveLocally(b.now()), nil
	}
	b.mu.Unlock()
	res, err := b.book(ctx)
	if ctx.Err() != nil {
		return 0, ctx.Err()
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	if err != nil {
		b.wentDown(err)
		return b.reserveLocally(now), nil
	}
	b.cameBack()
	b.peers = max(1, int(res[1]))
	wait := time.Duration(res[0]) * time.Microsecond
	b.lastBooked = now.Add(wait)
	return wait, nil
}

// book runs the reserve script. When Redis has lost the quota (restarted, or
// the state expired) while this process knows it, it teaches it and books
// again, so that no request goes unpaced because of the loss.
func (b *Budget) book(ctx context.Context) ([]int64, error) {
	res, err := b.reserve(ctx)
	if err != nil || res[2] == 1 {
		return res, err
	}
	b.mu.Lock()
	q, w := b.quota, b.window
	b.taught = false
	b.mu.Unlock()
	if q <= 0 || w <= 0 {
		return res, nil // nobody knows it yet: the first answers will tell
	}
	if err := observeScript.Run(ctx, b.rdb, b.keys, q, w.Microseconds(), -1, -1).Err(); err != nil {
		return nil, err
	}
	return b.reserve(ctx)
}

// reserve runs the reserve script once.
func (b *Budget) reserve(ctx context.Context) ([]int64, error) {
	res, err := reserveScript.Run(ctx, b.rdb, b.keys, b.id).Int64Slice()
	if err == nil && len(res) != 3 {
		err = fmt.Errorf("reserve script answered %v", res)
	}
	return res, err
}

// Observe learns the quota and window from an answer, and tells Redis when
// they are new to it or when the answer says fewer requests are left than
// the spacing expects (another app spends the quota, or a 429).
func (b *Budget) Observe(rl bigcommerce.RateLimit) {
	b.mu.Lock()
	changed := false
	if rl.Quota > 0 && rl.Quota != b.quota {
		b.quota, changed = rl.Quota, true
	}
	if rl.Window > 0 && rl.Window != b.window {
		b.window, changed = rl.Window, true
	}
	tell := !b.down && (changed || !b.taught || (b.quota > 0 && rl.Reset > time.Duration(rl.Left)*b.interval()))
	b.mu.Unlock()
	if !tell {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	err := observeScript.Run(ctx, b.rdb, b.keys, rl.Quota, rl.Window.Microseconds(),
		rl.Left, rl.Reset.Microseconds()).Err()
	b.mu.Lock()
	defer b.mu.Unlock()
	if err != nil {
		b.wentDown(err)
		return
	}
	b.taught = b.quota > 0 && b.window > 0
}

// interval is the spacing between two requests at the whole quota. b.mu is
// held and b.quota is known.
func (b *Budget) interval() time.Duration {
	return time.Duration(float64(b.window) / float64(max(b.quota-1, 1)))
}

// reserveLocally books a start time at a little under 1/peers of the quota. With no quota
// known the request starts at once: the local governor paces it. b.mu is held.
func (b *Budget) reserveLocally(now time.Time) time.Duration {
	if b.quota <= 0 || b.window <= 0 {
		return 0
	}
	start := b.localNext
	if start.Before(now) {
		start = now
	}
	b.localNext = start.Add(b.localInterval())
	return start.Sub(now)
}

// localInterval spaces this process's requests so that, whatever the phase of
// the N processes' starts against the store's windows, a window holds no
// more than the quota: N × (W/interval + 1) ≤ quota. b.mu is held and the
// quota known.
func (b *Budget) localInterval() time.Duration {
	perWindow := max(float64(b.quota)/float64(b.peers)-1, 0.5)
	return time.Duration(float64(b.window) / perWindow)
}

// wentDown switches to local pacing, saying so once per outage. b.mu is held.
func (b *Budget) wentDown(err error) {
	b.retryAt = b.now().Add(b.retry)
	if b.down {
		return
	}
	b.down = true
	b.taught = false
	b.localNext = b.lastBooked
	if b.quota > 0 && b.window > 0 && !b.lastBooked.IsZero() {
		b.localNext = b.lastBooked.Add(b.localInterval())
	}
	b.logger.Warn("quota: Redis is unreachable; pacing locally at a share of the store's quota until it answers again",
		"error", redactURL(err.Error()), "share", fmt.Sprintf("1/%d", b.peers))
}

// cameBack leaves local pacing once Redis answers. b.mu is held.
func (b *Budget) cameBack() {
	if b.down {
		b.down = false
		b.logger.Info("quota: Redis answers again; sharing the store's quota through it")
	}
}

// Open connects to the Redis at rawURL (redis:// or rediss://, as
// redis.ParseURL reads it) with short timeouts, so that an unreachable Redis
// costs a request little before the budget falls back to local pacing. The
// URL may hold a password; no error repeats it.
func Open(rawURL string) (*redis.Client, error) {
	quietOnce.Do(func() { redis.SetLogger(quiet{}) })
	opts, err := redis.ParseURL(rawURL)
	if err != nil {
		return nil, errors.New("quota: not a Redis URL (want redis://[:password@]host:port[/db] or rediss://...): " + redactURL(err.Error()))
	}
	opts.DialTimeout = 300 * time.Millisecond
	opts.ReadTimeout = 300 * time.Millisecond
	opts.WriteTimeout = 300 * time.Millisecond
	opts.MaxRetries = -1 // a failed call falls back at once; the budget tries again later
	opts.DialerRetries = 1
	return redis.NewClient(opts), nil
}

// quiet drops go-redis's own log lines (a failed dial on every attempt): a
// Budget says once that Redis is away, through its own logger.
type quiet struct{}

func (quiet) Printf(context.Context, string, ...any) {}

var quietOnce sync.Once

// redactURL removes the user information of any URL in s.
func redactURL(s string) string {
	for _, scheme := range []string{"redis://", "rediss://", "unix://"} {
		for i := 0; ; {
			j := strings.Index(s[i:], scheme)
			if j < 0 {
				break
			}
			start := i + j + len(scheme)
			end := start + strings.IndexAny(s[start:]+" ", " /\"'")
			if at := strings.LastIndex(s[start:end], "@"); at >= 0 {
				s = s[:start] + "xxxxx" + s[start+at:]
			}
			i = start
		}
	}
	return s
}
