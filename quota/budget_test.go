package quota

import (
	"context"
	"strings"
	"testing"
	"time"

	"log/slog"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/internal/syncbuf"
)

// miniRig is a miniredis with its clock stopped, and budgets on it.
type miniRig struct {
	m   *miniredis.Miniredis
	rdb *redis.Client
	log *syncbuf.Buffer
}

func newMiniRig(t *testing.T) *miniRig {
	t.Helper()
	m := miniredis.RunT(t)
	m.SetTime(time.Unix(1_800_000_000, 0))
	rdb, err := Open("redis://" + m.Addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rdb.Close() })
	return &miniRig{m: m, rdb: rdb, log: &syncbuf.Buffer{}}
}

func (r *miniRig) budget(key string) *Budget {
	return NewBudget(r.rdb, key, slog.New(slog.NewTextHandler(r.log, nil)))
}

// quota30 is what a sandbox store with quota 30 per 3 s reports.
var quota30 = bigcommerce.RateLimit{Quota: 30, Window: 3 * time.Second, Left: 29, Reset: 3 * time.Second}

// interval30 is the spacing the budget keeps for it: 3 s / 29.
const interval30 = 3 * time.Second / 29

func reserve(t *testing.T, b *Budget) time.Duration {
	t.Helper()
	d, err := b.Reserve(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func near(got, want time.Duration) bool {
	d := got - want
	return d > -2*time.Microsecond && d < 2*time.Microsecond
}

// TestBudgetSpacesRequestsAcrossProcesses: before any answer the budget does
// not hold requests back; once one process has learned the quota, the
// bookings of every process sharing the key form one sequence spaced by
// window/(quota-1), and each process counts its sharers.
func TestBudgetSpacesRequestsAcrossProcesses(t *testing.T) {
	t.Parallel()
	r := newMiniRig(t)
	a, b := r.budget(Key("https://api.bigcommerce.com", "abc")), r.budget(Key("https://api.bigcommerce.com", "abc"))
	if d := reserve(t, a); d != 0 {
		t.Fatalf("with no quota known, Reserve = %v, want 0 (the local governor paces)", d)
	}
	a.Observe(quota30)
	for i, p := range []*Budget{a, b, a, b, b, a} {
		if d, want := reserve(t, p), time.Duration(i)*interval30; !near(d, want) {
			t.Errorf("booking %d = %v, want %v", i, d, want)
		}
	}
	for name, p := range map[string]*Budget{"a": a, "b": b} {
		p.mu.Lock()
		if p.peers != 2 {
			t.Errorf("budget %s counts %d sharers, want 2", name, p.peers)
		}
		p.mu.Unlock()
	}
	// Time passes: a booking in the past does not make a burst.
	r.m.SetTime(time.Unix(1_800_000_100, 0))
	if d := reserve(t, b); d != 0 {
		t.Errorf("first booking after a pause = %v, want 0", d)
	}
	if d := reserve(t, a); !near(d, interval30) {
		t.Errorf("second booking after a pause = %v, want %v", d, interval30)
	}
	// Another store has a budget of its own.
	other := r.budget(Key("https://api.bigcommerce.com", "xyz"))
	if d := reserve(t, other); d != 0 {
		t.Errorf("another store's first booking = %v, want 0", d)
	}
}

// TestBudgetMakesRoomForWhatOthersSpend: an answer saying fewer requests are
// left than the spacing expects (another app spent them, or a 429) moves the
// next booking back so that they fit before the reset.
func TestBudgetMakesRoomForWhatOthersSpend(t *testing.T) {
	t.Parallel()
	r := newMiniRig(t)
	a := r.budget("k")
	a.Observe(quota30)
	reserve(t, a)
	// 2 left and 2 s to the reset: the two may start only in the last two
	// intervals before it.
	a.Observe(bigcommerce.RateLimit{Quota: 30, Window: 3 * time.Second, Left: 2, Reset: 2 * time.Second})
	if d, want := reserve(t, a), 2*time.Second-2*interval30; !near(d, want) {
		t.Errorf("booking after the low answer = %v, want %v", d, want)
	}
	// A 429 (nothing left) holds every process until the reset.
	b := r.budget("k")
	a.Observe(bigcommerce.RateLimit{Quota: 30, Window: 3 * time.Second, Left: 0, Reset: 2500 * time.Millisecond})
	if d := reserve(t, b); d < 2500*time.Millisecond {
		t.Errorf("booking after a 429 = %v, want at least the 2.5s to the reset", d)
	}
}

// TestBudgetFallsBackWhenRedisIsAway: with Redis gone a budget paces locally
// at 1/N of the quota (N the sharers it last saw), says so once, never fails
// a request, and shares through Redis again once it is back.
func TestBudgetFallsBackWhenRedisIsAway(t *testing.T) {
	t.Parallel()
	r := newMiniRig(t)
	a, b, c := r.budget("k"), r.budget("k"), r.budget("k")
	a.Observe(quota30)
	for _, p := range []*Budget{a, b, c} {
		reserve(t, p)
	}
	stopped := time.Now()
	a.now = func() time.Time { return stopped }
	if d := reserve(t, a); !near(d, 3*interval30) { // a now knows of three sharers
		t.Fatalf("fourth booking = %v, want %v", d, 3*interval30)
	}
	a.retry = time.Hour
	r.m.Close()
	// Local bookings come after the one Redis made, spaced so that three
	// processes in any phase fit 30 per window: 3 × (3s/local + 1) ≤ 30.
	local := 3 * time.Second / 9
	for i := range 4 {
		if d, want := reserve(t, a), 3*interval30+time.Duration(i+1)*local; !near(d, want) {
			t.Errorf("local booking %d = %v, want %v (after %v booked in Redis, then every %v)", i, d, want, 3*interval30, local)
		}
	}
	a.Observe(bigcommerce.RateLimit{Quota: 30, Window: 3 * time.Second, Left: 0, Reset: time.Second}) // not sent while away
	if n := strings.Count(r.log.String(), "Redis is unreachable"); n != 1 {
		t.Errorf("said %d times that Redis is unreachable, want once:\n%s", n, r.log.String())
	}
	if !strings.Contains(r.log.String(), "share=1/3") {
		t.Errorf("the warning does not say the share (1/3):\n%s", r.log.String())
	}
	if err := r.m.Restart(); err != nil {
		t.Fatal(err)
	}
	stopped = stopped.Add(time.Hour) // the retry interval has passed
	// Redis kept its state: four bookings were made there before it went.
	if d := reserve(t, a); !near(d, 4*interval30) {
		t.Errorf("first booking back on Redis = %v, want %v (after the four booked there)", d, 4*interval30)
	}
	if !strings.Contains(r.log.String(), "Redis answers again") {
		t.Errorf("did not say Redis is back:\n%s", r.log.String())
	}
	// A Redis that lost the state (restarted empty) is taught the quota this
	// process knows before it books: no request goes unpaced.
	r.m.FlushAll()
	stopped = stopped.Add(2 * time.Hour)
	if d := reserve(t, a); d != 0 {
		t.Errorf("first booking on an emptied Redis = %v, want 0", d)
	}
	if d := reserve(t, b); !near(d, interval30) {
		t.Errorf("next booking on an emptied Redis = %v, want %v", d, interval30)
	}
}

// TestReserveEndsWithItsContext: a cancelled context is the one error.
func TestReserveEndsWithItsContext(t *testing.T) {
	t.Parallel()
	r := newMiniRig(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := r.budget("k").Reserve(ctx); err != context.Canceled {
		t.Errorf("Reserve with a cancelled context = %v, want context.Canceled", err)
	}
}

func TestKey(t *testing.T) {
	t.Parallel()
	if k := Key(bigcommerce.DefaultBaseURL, "abc"); k != "bigc:quota:{abc}" {
		t.Errorf("Key(production, abc) = %q", k)
	}
	if k := Key("http://127.0.0.1:5000", "abc"); k != "bigc:quota:{abc@127.0.0.1:5000}" {
		t.Errorf("Key(sandbox, abc) = %q", k)
	}
}

func TestOpenRefusesABadURLWithoutRepeatingIt(t *testing.T) {
	t.Parallel()
	_, err := Open("http://user:s3cret@example.com:6379")
	if err == nil || strings.Contains(err.Error(), "s3cret") || !strings.Contains(err.Error(), "redis://") {
		t.Errorf("Open(http URL with a password) = %v; want an error naming redis:// and not the password", err)
	}
	if got := redactURL(`dial redis://u:pw@h:1/0 failed`); strings.Contains(got, "pw") {
		t.Errorf("redactURL left the password: %q", got)
	}
}
