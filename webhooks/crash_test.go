//go:build unix

package webhooks

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/sandbox"
	"github.com/bigc-dev/bigc/sandbox/sandboxtest"
	"github.com/bigc-dev/bigc/state"
	"github.com/bigc-dev/bigc/syncer"
)

// The crash test re-runs this test binary as a child that is the receiver and
// its worker, as bigc webhooks listen is; see runCrashChild.
const crashChildEnv = "BIGC_WEBHOOKS_CRASH_CHILD"

// crashConnection is the connection the child serves.
const crashConnection = "crash"

func TestMain(m *testing.M) {
	if os.Getenv(crashChildEnv) != "" {
		os.Exit(runCrashChild())
	}
	os.Exit(m.Run())
}

// runCrashChild receives callbacks on BIGC_CRASH_ADDR into the inbox in
// BIGC_CRASH_STATE and emits their orders to BIGC_CRASH_OUT, wired as bigc
// webhooks listen wires them. It prints "listening ADDR" once it accepts
// connections, and on SIGTERM stops as listen does.
func runCrashChild() int {
	env := func(k string) string { return os.Getenv("BIGC_CRASH_" + k) }
	fail := func(err error) int { fmt.Fprintln(os.Stderr, "child:", err); return 1 }
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()

	client, err := bigcommerce.NewClient(env("HASH"), env("TOKEN"), bigcommerce.WithBaseURL(env("URL")))
	if err != nil {
		return fail(err)
	}
	secrets := SecretStore{Dir: env("SECRETS")}
	unlock, err := secrets.LockListener(crashConnection)
	if err != nil {
		return fail(err) // a killed predecessor must not keep the lock
	}
	defer unlock()
	db, err := state.Open(ctx, env("STATE"))
	if err != nil {
		return fail(err)
	}
	defer db.Close()
	out, err := syncer.OpenFile(ctx, db, env("OUT"))
	if err != nil {
		return fail(err)
	}
	defer out.Close()
	worker, err := NewWorker(WorkerConfig{Connection: crashConnection, Inbox: db, Fetcher: NewClientFetcher(client), Output: out,
		RetryBase: 10 * time.Millisecond, RetryMax: 200 * time.Millisecond, Poll: 50 * time.Millisecond})
	if err != nil {
		return fail(err)
	}
	rcv, err := NewReceiver(ReceiverConfig{Connection: crashConnection, StoreHash: env("HASH"),
		Secrets: secrets.Watch(crashConnection), Inbox: db, Notify: worker.Notify})
	if err != nil {
		return fail(err)
	}
	// The killed predecessor's socket is gone with it, but give the kernel a
	// moment should the port not be free yet.
	var ln net.Listener
	for deadline := time.Now().Add(10 * time.Second); ; {
		if ln, err = net.Listen("tcp", env("ADDR")); err == nil {
			break
		}
		if time.Now().After(deadline) {
			rcv.Close()
			return fail(err)
		}
		select {
		case <-ctx.Done():
			rcv.Close()
			return fail(ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
	srv := &http.Server{Handler: rcv, ReadHeaderTimeout: 10 * time.Second}
	workCtx, stopWork := context.WithCancel(context.Background())
	workDone := make(chan error, 1)
	go func() { workDone <- worker.Run(workCtx) }()
	serveDone := make(chan error, 1)
	go func() { serveDone <- srv.Serve(ln) }()
	fmt.Println("listening", ln.Addr())

	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-serveDone:
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	srv.Shutdown(shutdownCtx)
	rcv.Close()
	stopWork()
	<-workDone
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return fail(serveErr)
	}
	return 0
}

// crashChild is one run of the child process.
type crashChild struct {
	cmd    *exec.Cmd
	ready  chan string // the address, once it listens
	exited chan error  // Wait's result
	stderr *bytes.Buffer
}

// readyWriter is the child's stdout: it passes on the first line.
type readyWriter struct {
	mu    sync.Mutex
	buf   []byte
	ready chan string
	sent  bool
}

func (w *readyWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	if i := bytes.IndexByte(w.buf, '\n'); i >= 0 && !w.sent {
		w.sent = true
		w.ready <- string(w.buf[:i])
	}
	return len(p), nil
}

func startCrashChild(t *testing.T, env []string) *crashChild {
	t.Helper()
	c := &crashChild{cmd: exec.Command(os.Args[0]), ready: make(chan string, 1), exited: make(chan error, 1), stderr: new(bytes.Buffer)}
	c.cmd.Env = env
	c.cmd.Stdout = &readyWriter{ready: c.ready}
	c.cmd.Stderr = c.stderr
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { c.exited <- c.cmd.Wait() }()
	return c
}

// waitReady waits for the child's listening line.
func (c *crashChild) waitReady(t *testing.T, addr string) {
	t.Helper()
	select {
	case line := <-c.ready:
		if line != "listening "+addr {
			c.kill()
			t.Fatalf("child printed %q, want %q", line, "listening "+addr)
		}
	case err := <-c.exited:
		c.exited <- err
		t.Fatalf("child exited before listening: %v: %s", err, c.stderr.String())
	case <-time.After(30 * time.Second):
		c.kill()
		t.Fatalf("child not listening after 30s: %s", c.stderr.String())
	}
}

// kill SIGKILLs the child and waits until it is gone.
func (c *crashChild) kill() {
	c.cmd.Process.Kill()
	err := <-c.exited
	c.exited <- err
}

// TestReceiverSurvivesSIGKILL runs the receiver and its worker in a child
// process, subscribes the sandbox's order-created hook to it, creates orders
// all along, and SIGKILLs the child at random moments (once while it is still
// starting), restarting it on the same address so that the store's retries
// reach the new process. Deliveries are sometimes sent twice. Once they have
// drained, the output holds every created order exactly once, in its current
// version, and the inbox one settled event per order.
func TestReceiverSurvivesSIGKILL(t *testing.T) {
	t.Parallel()
	const seed = 7
	rng := rand.New(rand.NewPCG(seed, 1))
	srv := sandboxtest.NewServer(t, sandbox.Options{Seed: seed, Products: 5, Customers: 3, Orders: 3, WebhookRetryScale: 0.0005})
	srv.Store.SetFaults(sandbox.Faults{DuplicateDelivery: 0.3})
	client, err := bigcommerce.NewClient(srv.StoreHash, srv.Tokens.Full, bigcommerce.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	statePath, outPath, secretsDir := filepath.Join(dir, "state.db"), filepath.Join(dir, "orders.jsonl"), filepath.Join(dir, "webhooks")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	subs := &Subscriptions{Hooks: client.Webhooks, Secrets: SecretStore{Dir: secretsDir}, Connection: crashConnection}
	sub, err := subs.Subscribe(t.Context(), "store/order/created", "http://"+addr+"/bigc/hooks")
	if err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), crashChildEnv+"=1",
		"BIGC_CRASH_URL="+srv.URL, "BIGC_CRASH_HASH="+srv.StoreHash, "BIGC_CRASH_TOKEN="+srv.Tokens.Full,
		"BIGC_CRASH_STATE="+statePath, "BIGC_CRASH_OUT="+outPath, "BIGC_CRASH_SECRETS="+secretsDir, "BIGC_CRASH_ADDR="+addr)

	// Orders arrive all along, whether the receiver is up or not.
	var (
		mu      sync.Mutex
		created []int
	)
	stopOrders := make(chan struct{})
	ordersDone := make(chan error, 1)
	go func() {
		orng := rand.New(rand.NewPCG(seed, 2))
		for {
			id, err := createCrashOrder(srv.Store)
			if err != nil {
				ordersDone <- err
				return
			}
			mu.Lock()
			created = append(created, id)
			mu.Unlock()
			select {
			case <-stopOrders:
				ordersDone <- nil
				return
			case <-time.After(time.Duration(2+orng.IntN(8)) * time.Millisecond):
			}
		}
	}()
	ordersStopped := false
	stopCreating := func() {
		if !ordersStopped {
			ordersStopped = true
			close(stopOrders)
			if err := <-ordersDone; err != nil {
				t.Error(err)
			}
		}
	}
	defer stopCreating()

	const kills = 8
	for i := range kills {
		c := startCrashChild(t, env)
		if i == 2 {
			// Killed while it opens the inbox and repairs the output.
			time.Sleep(time.Duration(rng.IntN(150)) * time.Millisecond)
		} else {
			c.waitReady(t, addr)
			// Short lives, so that kills land while a restarted child works
			// through the burst of retried deliveries.
			time.Sleep(time.Duration(20+rng.IntN(300)) * time.Millisecond)
		}
		c.kill()
		// Down for a moment: deliveries fail and are retried.
		time.Sleep(time.Duration(rng.IntN(200)) * time.Millisecond)
	}

	final := startCrashChild(t, env)
	defer final.kill()
	final.waitReady(t, addr)
	time.Sleep(200 * time.Millisecond) // a few orders reach the last child live
	stopCreating()
	mu.Lock()
	ids := append([]int(nil), created...)
	mu.Unlock()

	waitUntil(t, "every order delivered and no retry pending", func() string {
		delivered := map[int64]bool{}
		for _, d := range srv.Store.Deliveries() {
			if d.Duplicate || d.Status < 200 || d.Status > 299 {
				continue
			}
			if ev, err := ParseEvent(d.Payload); err == nil {
				if _, id, _, ok := ev.Resource(); ok {
					delivered[id] = true
				}
			}
		}
		if missing := missingIDs(ids, func(id int64) bool { return delivered[id] }); missing != "" {
			return "orders never delivered: " + missing
		}
		if n := srv.Store.Stats().DeliveriesPending; n > 0 {
			return fmt.Sprintf("%d deliveries waiting for a retry", n)
		}
		return ""
	})
	waitUntil(t, "every order in the output", func() string {
		got, _ := readCrashOutput(t, outPath)
		if missing := missingIDs(ids, func(id int64) bool { return len(got[id]) > 0 }); missing != "" {
			return "orders not in the output: " + missing
		}
		return ""
	})
	db, err := state.Open(t.Context(), statePath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	waitUntil(t, "nothing owed in the inbox", func() string {
		c, err := db.InboxCounts(t.Context(), crashConnection)
		if err != nil || c[state.InboxPending] > 0 || c[state.InboxHeld] > 0 {
			return fmt.Sprintf("inbox counts %v, %v", c, err)
		}
		return ""
	})

	// A graceful stop of the last child, whose exit status also carries a
	// race the detector found in it.
	final.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-final.exited:
		final.exited <- err
		if err != nil {
			t.Errorf("last child: %v: %s", err, final.stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Errorf("last child still running 15s after SIGTERM: %s", final.stderr.String())
	}

	got, torn := readCrashOutput(t, outPath)
	if torn {
		t.Error("the output ends with a torn line after a clean stop")
	}
	want := map[int64]bool{}
	for _, id := range ids {
		want[int64(id)] = true
		o, ok := srv.Store.Order(id)
		if !ok {
			t.Fatalf("order %d is not in the store", id)
		}
		versions := got[int64(id)]
		switch {
		case len(versions) == 0:
			t.Errorf("order %d is missing from the output", id)
		case len(versions) > 1:
			t.Errorf("order %d is in the output %d times (date_modified %v)", id, len(versions), versions)
		case versions[0] != o.DateModified.Unix():
			t.Errorf("order %d is in the output with date_modified %d, the store has %d", id, versions[0], o.DateModified.Unix())
		}
	}
	for id := range got {
		if !want[id] {
			t.Errorf("order %d is in the output but was not created by the test", id)
		}
	}
	events, err := db.InboxList(t.Context(), crashConnection)
	if err != nil {
		t.Fatal(err)
	}
	perOrder := map[int64]int{}
	for _, e := range events {
		perOrder[e.ResourceID]++
		if e.Status != state.InboxDone {
			t.Errorf("inbox event %d for order %d is %s (%s), want done", e.Seq, e.ResourceID, e.Status, e.LastError)
		}
	}
	for _, id := range ids {
		if n := perOrder[int64(id)]; n != 1 {
			t.Errorf("the inbox holds %d events for order %d, want 1", n, id)
		}
	}
	if !srv.Store.HookActive(sub.ID) {
		t.Error("the hook was deactivated")
	}
	var failed, dups int
	for _, d := range srv.Store.Deliveries() {
		if d.Duplicate {
			dups++
		} else if d.Status < 200 || d.Status > 299 {
			failed++
		}
	}
	t.Logf("%d kills, %d orders, %d deliveries (%d failed and retried, %d duplicates), %d inbox events",
		kills, len(ids), srv.Store.Stats().Deliveries, failed, dups, len(events))
	if failed == 0 {
		t.Error("no delivery failed: the kills did not happen while orders arrived")
	}
}

// createCrashOrder creates a completed order with one custom line, as POST
// /v2/orders would, which fires store/order/created.
func createCrashOrder(s *sandbox.Store) (int, error) {
	var in sandbox.OrderInput
	body := `{"status_id":11,"billing_address":{"first_name":"Ada","last_name":"L","street_1":"1 Main St","city":"Austin","state":"Texas","zip":"78701","country":"United States","country_iso2":"US","email":"ada@example.com"},"products":[{"name":"Gift","quantity":1,"price_ex_tax":"5.00","price_inc_tax":"5.00"}]}`
	if err := json.Unmarshal([]byte(body), &in); err != nil {
		return 0, err
	}
	o, err := s.CreateOrder(&in)
	if err != nil {
		return 0, fmt.Errorf("creating an order: %w", err)
	}
	return o.ID, nil
}

// readCrashOutput returns the date_modified of each order line in the output
// by order ID. A last line without its newline (being written, or torn by a
// kill) is left out and reported.
func readCrashOutput(t *testing.T, path string) (got map[int64][]int64, torn bool) {
	t.Helper()
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return map[int64][]int64{}, false
	}
	if err != nil {
		t.Fatal(err)
	}
	if i := bytes.LastIndexByte(b, '\n'); i < len(b)-1 {
		torn = true
		b = b[:i+1]
	}
	got = map[int64][]int64{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		k, err := syncer.ParseLine(sc.Bytes())
		if err != nil {
			t.Fatalf("output line %q: %v", sc.Text(), err)
		}
		if k.Stream != syncer.StreamOrders {
			t.Fatalf("output line for stream %q, want only orders", k.Stream)
		}
		got[k.ID] = append(got[k.ID], k.DateModified)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return got, torn
}

// waitUntil polls until unmet returns "", failing the test with what is
// still unmet after 30 seconds.
func waitUntil(t *testing.T, what string, unmet func() string) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; {
		u := unmet()
		if u == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s: %s", what, u)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// missingIDs lists (up to 20 of) the ids for which has is false.
func missingIDs(ids []int, has func(int64) bool) string {
	var missing []string
	for _, id := range ids {
		if !has(int64(id)) {
			missing = append(missing, fmt.Sprint(id))
		}
	}
	if len(missing) > 20 {
		missing = append(missing[:20], fmt.Sprintf("and %d more", len(missing)-20))
	}
	return strings.Join(missing, ", ")
}
