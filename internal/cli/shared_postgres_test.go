package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/internal/testservices"
)

// supervised is a bigc process kept running: restarted whenever it exits
// (killed by the test, or failing on a faulty store) until shutdown.
type supervised struct {
	t      *testing.T
	name   string
	args   []string
	env    []string
	mu     sync.Mutex
	cmd    *exec.Cmd
	log    lockedBuffer
	starts atomic.Int32
	stop   chan struct{}
	done   chan struct{}
}

func supervise(t *testing.T, name string, env []string, args ...string) *supervised {
	s := &supervised{t: t, name: name, args: args, env: env, stop: make(chan struct{}), done: make(chan struct{})}
	go s.loop()
	t.Cleanup(func() { s.shutdown() })
	return s
}

func (s *supervised) loop() {
	defer close(s.done)
	for {
		cmd := exec.Command(bigcBin, s.args...)
		cmd.Env = append(os.Environ(), s.env...)
		cmd.Stdout, cmd.Stderr = io.Discard, &s.log
		s.mu.Lock()
		if s.stopping() {
			s.mu.Unlock()
			return
		}
		if err := cmd.Start(); err != nil {
			s.mu.Unlock()
			s.t.Errorf("%s: %v", s.name, err)
			return
		}
		s.cmd = cmd
		s.starts.Add(1)
		s.mu.Unlock()
		cmd.Wait()
		select {
		case <-s.stop:
			return
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// stopping reports whether shutdown has been called.
func (s *supervised) stopping() bool {
	select {
	case <-s.stop:
		return true
	default:
		return false
	}
}

// kill SIGKILLs the running process; the loop starts another.
func (s *supervised) kill() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		s.cmd.Process.Kill()
	}
}

// shutdown interrupts the running process, as Ctrl-C does, and stops the loop.
func (s *supervised) shutdown() {
	s.mu.Lock()
	if s.stopping() {
		s.mu.Unlock()
		return
	}
	close(s.stop)
	if s.cmd != nil {
		s.cmd.Process.Signal(os.Interrupt)
	}
	s.mu.Unlock()
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		s.kill()
		<-s.done
	}
}

// balancer spreads webhook callbacks over receivers as a load balancer
// does: round robin, passing over a receiver that does not answer, and 502
// when none does (the store then retries the delivery).
func balancer(t *testing.T, backends ...string) string {
	t.Helper()
	var next atomic.Uint32
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Timeout: 10 * time.Second}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		first := int(next.Add(1))
		for i := range backends {
			req, _ := http.NewRequest(r.Method, "http://"+backends[(first+i)%len(backends)]+r.URL.Path, bytes.NewReader(body))
			req.Header = r.Header.Clone()
			resp, err := client.Do(req)
			if err != nil {
				continue // down: try the next
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			w.WriteHeader(resp.StatusCode)
			w.Write(b)
			return
		}
		http.Error(w, "no receiver answered", http.StatusBadGateway)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// TestE2ESharedPostgresSurvivesSIGKILL is issue 15's check: two sync
// processes and two webhook receivers (behind a load balancer) share one
// PostgreSQL against a faulty sandbox whose orders keep coming, while one
// sync and one receiver are SIGKILLed again and again. The syncs write the
// bigc_orders table (one writer at a time by lease, handing over when the
// holder dies, resuming from the checkpoint kept with the rows); the
// receivers share the inbox and the ledger of one output file. Last, one
// receiver is lost for good right after the final orders arrive: the events
// it accepted are taken over from the shared inbox by the other. The table
// then holds every order at its current version, and the file every order
// created during the test, no version twice.
func TestE2ESharedPostgresSurvivesSIGKILL(t *testing.T) {
	t.Parallel()
	url := testservices.PostgresURL(t)
	sb := startSandbox(t, "--orders", "40", "--faults", "500=0.03,reset=0.02,duplicate-delivery=0.3", "--webhook-retry-scale", "0.001")
	a, b := newBin(t), newBin(t)
	a.env, b.env = nil, nil // the client's retries on: the store is faulty
	a.saveConnection(sb, "shop")
	b.saveConnection(sb, "shop")
	out := filepath.Join(t.TempDir(), "orders.jsonl")

	recvA, recvB := freeAddr(t), freeAddr(t)
	lb := balancer(t, recvA, recvB)
	a.mustRun("", "webhooks", "subscribe", "--connection", "shop", "--scope", "store/order/created",
		"--destination", "http://"+lb+"/bigc/hooks")
	// The second machine keeps the same hook secret (as a deployment would
	// give every receiver).
	secret, err := os.ReadFile(filepath.Join(a.cfg, "webhooks", "shop.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(b.cfg, "webhooks"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(b.cfg, "webhooks", "shop.json"), secret, 0o600); err != nil {
		t.Fatal(err)
	}

	env := []string{"BIGC_STATE_URL=" + url}
	listen := func(cfg, addr string) []string {
		return []string{"--config", cfg, "webhooks", "listen", "--connection", "shop", "--addr", addr, "--out", out, "--lease-timeout", "2s"}
	}
	syncArgs := func(cfg string) []string {
		return []string{"--config", cfg, "sync", "orders", "--connection", "shop", "--out", url,
			"--follow", "--every", "300ms", "--wait", "--lease-timeout", "2s", "--lag", "0s"}
	}
	recv := []*supervised{
		supervise(t, "receiver A", env, listen(a.cfg, recvA)...),
		supervise(t, "receiver B", env, listen(b.cfg, recvB)...),
	}
	syncs := []*supervised{
		supervise(t, "sync A", env, syncArgs(a.cfg)...),
		supervise(t, "sync B", env, syncArgs(b.cfg)...),
	}
	procs := append(append([]*supervised{}, recv...), syncs...)

	var created []int64
	const rounds = 8
	for i := range rounds {
		for range 3 {
			created = append(created, createSandboxOrder(t, sb.URL))
		}
		time.Sleep(time.Duration(300+100*(i%4)) * time.Millisecond)
		syncs[i%2].kill()
		recv[(i+1)%2].kill()
	}
	// The current version of every order the syncs must have (incomplete
	// orders are not exported): the syncs catch up, then stop.
	client, err := bigcommerce.NewClient(sb.StoreHash, sb.Tokens.Full, bigcommerce.WithBaseURL(sb.URL), bigcommerce.WithMaxRetries(10))
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64]int64{}
	for o, err := range client.Orders.All(t.Context(), &bigcommerce.OrderListOptions{Sort: "id:asc"}) {
		if err != nil {
			t.Fatal(err)
		}
		if o.StatusID != 0 {
			want[int64(o.ID)] = o.DateModified.Unix()
		}
	}
	tableLacks := func() []int64 {
		got := tableVersions(t, url, "bigc_orders")
		var m []int64
		for id, dm := range want {
			if got[id] != dm {
				m = append(m, id)
			}
		}
		return m
	}
	waitUntil(t, "the table to hold every order's current version", 90*time.Second, procs, func() bool { return len(tableLacks()) == 0 })
	for _, s := range syncs {
		s.shutdown()
	}

	// The last orders reach the output only through the receivers; receiver
	// A is lost for good as they arrive.
	for range 4 {
		created = append(created, createSandboxOrder(t, sb.URL))
	}
	time.Sleep(50 * time.Millisecond)
	recv[0].kill()
	recv[0].shutdown()
	fileLacks := func() []int64 {
		got := outputCounts(t, out)
		var m []int64
		for _, id := range created {
			if got[id] == 0 {
				m = append(m, id)
			}
		}
		return m
	}
	waitUntil(t, "every order created during the test in the output", 90*time.Second, procs, func() bool { return len(fileLacks()) == 0 })
	recv[1].shutdown()
	outputCounts(t, out) // fails the test on any version written twice
	for _, p := range procs {
		if p.starts.Load() < 2 {
			t.Errorf("%s started %d times: the test did not kill it", p.name, p.starts.Load())
		}
	}
	t.Logf("%d orders, %d created during the test; starts: receivers %d and %d, syncs %d and %d", len(want), len(created),
		recv[0].starts.Load(), recv[1].starts.Load(), syncs[0].starts.Load(), syncs[1].starts.Load())
}

// waitUntil polls cond until it holds, failing the test with the processes'
// last messages when it does not within d.
func waitUntil(t *testing.T, what string, d time.Duration, procs []*supervised, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(d); !cond(); time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			for _, p := range procs {
				t.Logf("%s (%d starts):\n%s", p.name, p.starts.Load(), tail(p.log.String(), 2000))
			}
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// tableVersions reads a destination table: id -> date_modified (Unix).
func tableVersions(t *testing.T, url, table string) map[int64]int64 {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	rows, err := conn.Query(t.Context(), `SELECT id, date_modified FROM `+table)
	if err != nil {
		return nil // not created yet
	}
	defer rows.Close()
	got := map[int64]int64{}
	for rows.Next() {
		var id int64
		var dm time.Time
		if err := rows.Scan(&id, &dm); err != nil {
			t.Fatal(err)
		}
		got[id] = dm.Unix()
	}
	return got
}

// tail is the end of s, at most n bytes.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return fmt.Sprintf("...%s", s[len(s)-n:])
}
