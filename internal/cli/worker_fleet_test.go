package cli

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/bigc-dev/bigc/internal/connections"
	"github.com/bigc-dev/bigc/internal/testservices"
	"github.com/bigc-dev/bigc/sandbox"
	"github.com/bigc-dev/bigc/sandbox/sandboxtest"
	"github.com/bigc-dev/bigc/syncer"
)

// fleetStore is one sandbox store behind a proxy that notes when each 429
// was answered, relative to the store's first request.
type fleetStore struct {
	srv   *sandbox.Server
	proxy *httptest.Server

	mu         sync.Mutex
	first      time.Time
	late429    int // 429s answered after the first window
	requests   int
	windowSize time.Duration
}

func newFleetStore(t *testing.T, seed int64, window time.Duration) *fleetStore {
	t.Helper()
	s := &fleetStore{windowSize: window,
		srv: sandboxtest.NewServer(t, sandbox.Options{Seed: seed, Orders: 150, Customers: 60, Products: 5, Quota: 30, Window: window})}
	target, _ := url.Parse(s.srv.URL)
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.ModifyResponse = func(res *http.Response) error {
		s.mu.Lock()
		defer s.mu.Unlock()
		now := time.Now()
		if s.first.IsZero() {
			s.first = now
		}
		s.requests++
		if res.StatusCode == http.StatusTooManyRequests && now.Sub(s.first) > s.windowSize {
			s.late429++
		}
		return nil
	}
	s.proxy = httptest.NewServer(rp)
	t.Cleanup(s.proxy.Close)
	return s
}

// wantOrders are the orders a sync writes: neither incomplete nor archived.
func (s *fleetStore) wantOrders() []int {
	var ids []int
	for id := 1; id < 2000; id++ {
		if o, ok := s.srv.Store.Order(id); ok && o.StatusID != 0 && !o.IsDeleted {
			ids = append(ids, id)
		}
	}
	return ids
}

// fleetOutputIDs reads an output's record IDs, in file order; torn is true
// when a line is not an envelope (a worker killed mid-write, whose tail the
// next run of the stream repairs).
func fleetOutputIDs(t *testing.T, path string) (ids []int, torn bool) {
	t.Helper()
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil, false
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 4<<20)
	for sc.Scan() {
		k, err := syncer.ParseLine(sc.Bytes())
		if err != nil {
			return ids, true
		}
		ids = append(ids, int(k.ID))
	}
	return ids, false
}

// TestWorkerFleet: three bigc worker processes share 20 sandbox stores
// through PostgreSQL leases and a Redis-shared quota while workers are
// SIGKILLed at random and restarted; in the end every store's orders and
// customers are in their outputs, each record exactly once, and no store
// answered a 429 after its first window.
func TestWorkerFleet(t *testing.T) {
	t.Parallel()
	pgURL, redisURL := testservices.PostgresURL(t), testservices.RedisURL(t)
	const window = 3 * time.Second
	cfg, out := t.TempDir(), t.TempDir()
	stores := map[string]*fleetStore{}
	for i := range 20 {
		name := fmt.Sprintf("store%02d", i)
		s := newFleetStore(t, int64(100+i), window)
		stores[name] = s
		c := &connections.Connection{Name: name, StoreHash: s.srv.StoreHash, BaseURL: s.proxy.URL, Token: s.srv.Tokens.Full}
		if err := connections.Open(cfg).Save(c, false); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	procs := make([]*exec.Cmd, 3)
	logs := make([]*lockedBuffer, 3)
	start := func(i int) {
		cmd := exec.Command(bigcBin, "--config", cfg, "worker", "--state", pgURL, "--quota-redis", redisURL,
			"--out-dir", out, "--schedule", "orders=10m,customers=10m", "--lease-timeout", "2s", "--lag", "0s", "--parallel", "4")
		if logs[i] == nil {
			logs[i] = &lockedBuffer{}
		}
		cmd.Stderr = logs[i]
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		procs[i] = cmd
		go cmd.Wait()
	}
	for i := range procs {
		start(i)
	}
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, p := range procs {
			p.Process.Kill()
		}
	})
	complete := func() bool {
		for name, s := range stores {
			for stream, want := range map[string]int{"orders": len(s.wantOrders()), "customers": len(s.srv.Store.CustomerIDs())} {
				if ids, torn := fleetOutputIDs(t, filepath.Join(out, name, stream+".jsonl")); torn || len(ids) < want {
					return false
				}
			}
		}
		return true
	}
	seed := time.Now().UnixNano()
	t.Logf("kill schedule seed %d", seed)
	rnd := rand.New(rand.NewPCG(uint64(seed), 1))
	kills := 0
	deadline := time.Now().Add(3 * time.Minute)
	for !complete() {
		if time.Now().After(deadline) {
			for i, l := range logs {
				t.Logf("worker %d's log:\n%s", i, tail(l.String(), 3000))
			}
			t.Fatalf("the outputs were not complete after 3 minutes (%d kills)", kills)
		}
		time.Sleep(time.Duration(300+rnd.IntN(900)) * time.Millisecond)
		if kills < 8 {
			i := rnd.IntN(len(procs))
			mu.Lock()
			procs[i].Process.Kill()
			start(i)
			mu.Unlock()
			kills++
		}
	}
	mu.Lock()
	for _, p := range procs {
		p.Process.Signal(os.Interrupt)
	}
	mu.Unlock()
	t.Logf("%d workers killed and restarted", kills)
	for name, s := range stores {
		for stream, want := range map[string][]int{"orders": s.wantOrders(), "customers": s.srv.Store.CustomerIDs()} {
			got, _ := fleetOutputIDs(t, filepath.Join(out, name, stream+".jsonl"))
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("%s %s: %d lines, want each of the %d records exactly once", name, stream, len(got), len(want))
			}
		}
		s.mu.Lock()
		if s.late429 != 0 {
			t.Errorf("%s answered %d 429s after its first window (%d requests)", name, s.late429, s.requests)
		}
		s.mu.Unlock()
	}
}
