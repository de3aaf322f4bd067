package syncer

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bigc-dev/bigc/sandbox"
)

// TestStoreClockReadWithFirstRequests: the store's clock is read while the
// window's first requests go out, not a round trip before them, and the
// run's upper bound is still behind the store's clock by the lag.
func TestStoreClockReadWithFirstRequests(t *testing.T) {
	t.Parallel()
	r := newRig(t, sandbox.Options{Seed: 6, Orders: 60})
	listed := make(chan struct{})
	var once sync.Once
	r.hook.before = func(req *http.Request) {
		if strings.Contains(req.URL.Path, "/v2/orders") {
			once.Do(func() { close(listed) })
		}
	}
	overlapped := false
	before := time.Now()
	res, err := r.run(t, "orders", 25, func(j *Job) {
		j.StoreTime = func(ctx context.Context) (time.Time, error) {
			select {
			case <-listed:
				overlapped = true
			case <-time.After(5 * time.Second):
			}
			return r.client.Store.Time(ctx)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if !overlapped {
		t.Error("the window's first request waited for the store's clock")
	}
	if max := before.Add(-time.Second).Truncate(time.Second); res.To.After(max) {
		t.Errorf("the window ends at %s, after the store's clock less the lag (%s) when the run started", res.To, max)
	}
	if n := r.srv.Store.Stats().ByPath["/v2/time"]; n != 1 {
		t.Errorf("the store's clock was read %d times, want once", n)
	}
	checkOutputIs(t, r.out, r.storeOrders(t, res.To))
}

// TestStoreClockApartRejectsGuess: when the store's clock is well behind or
// ahead of this machine's, the guessed upper bound is given up before
// anything is written and the run reads the window the store's clock sets,
// each record once, reading the clock once.
func TestStoreClockApartRejectsGuess(t *testing.T) {
	t.Parallel()
	for _, skew := range []time.Duration{-time.Hour, time.Hour} {
		t.Run(skew.String(), func(t *testing.T) {
			t.Parallel()
			r := newRig(t, sandbox.Options{Seed: 7, Orders: 60, Now: func() time.Time { return time.Now().Add(skew) }})
			storeBefore := time.Now().Add(skew)
			res, err := r.run(t, "orders", 25, nil)
			if err != nil {
				t.Fatal(err)
			}
			storeAfter := time.Now().Add(skew)
			lo, hi := storeBefore.Add(-time.Second).Truncate(time.Second), storeAfter.Add(-time.Second)
			if res.To.Before(lo) || res.To.After(hi) {
				t.Errorf("the window ends at %s, want the store's clock less the lag: %s to %s", res.To, lo, hi)
			}
			if n := r.srv.Store.Stats().ByPath["/v2/time"]; n != 1 {
				t.Errorf("the store's clock was read %d times, want once", n)
			}
			checkOutputIs(t, r.out, r.storeOrders(t, res.To))
		})
	}
}
