package quota

import (
	"testing"
	"time"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/internal/testservices"
)

// TestBudgetOnRealRedis runs the scripts on a real Redis (BIGC_TEST_REDIS_URL):
// bookings from two processes form one sequence spaced by window/(quota-1),
// each counts two sharers, and a 429 holds both until the reset.
func TestBudgetOnRealRedis(t *testing.T) {
	t.Parallel()
	rdb, err := Open(testservices.RedisURL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rdb.Close() })
	a, b := NewBudget(rdb, "bigc:quota:{real}", nil), NewBudget(rdb, "bigc:quota:{real}", nil)
	a.Observe(quota30)
	start := time.Now()
	var waits []time.Duration
	for _, p := range []*Budget{a, b, a, b, a, b} {
		waits = append(waits, reserve(t, p))
	}
	elapsed := time.Since(start)
	for i := 1; i < len(waits); i++ {
		if waits[i] <= waits[i-1] || waits[i]-waits[i-1] > interval30 {
			t.Errorf("bookings %v: booking %d is not the next slot after %d", waits, i, i-1)
		}
	}
	// The last booking is five intervals after the first, less the real time
	// the calls took.
	if last := waits[5]; last > 5*interval30 || last < 5*interval30-elapsed {
		t.Errorf("last booking = %v, want 5 × %v less at most the %v the calls took", last, interval30, elapsed)
	}
	for name, p := range map[string]*Budget{"a": a, "b": b} {
		p.mu.Lock()
		if p.peers != 2 || p.down {
			t.Errorf("budget %s: %d sharers (want 2), down %v", name, p.peers, p.down)
		}
		p.mu.Unlock()
	}
	// The 2.5s run from the Observe, so the time since then is the slack.
	before := time.Now()
	a.Observe(bigcommerce.RateLimit{Quota: 30, Window: 3 * time.Second, Left: 0, Reset: 2500 * time.Millisecond})
	if d := reserve(t, b); d < 2500*time.Millisecond-time.Since(before) {
		t.Errorf("booking after a 429 = %v, want the 2.5s to the reset", d)
	}
}
