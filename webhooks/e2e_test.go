package webhooks

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/sandbox"
	"github.com/bigc-dev/bigc/sandbox/sandboxtest"
	"github.com/bigc-dev/bigc/state"
	"github.com/bigc-dev/bigc/syncer"
)

// e2e is a sandbox store, a receiver listening on loopback with the durable
// inbox, a worker and an output file.
type e2e struct {
	t       *testing.T
	srv     *sandbox.Server
	client  *bigcommerce.Client
	dbPath  string
	outPath string
	secrets SecretStore
	subs    *Subscriptions
	addr    string // the receiver's host:port, kept across restarts

	incomplete IncompletePolicy // the worker's policy; default hold

	// failFirst makes the receiver answer 500 to the first attempt of each
	// event (by hash), so the sandbox retries.
	failFirst bool
	mu        sync.Mutex
	failed    map[string]bool

	running *running
}

type running struct {
	worker *Worker
	db     *state.DB
	out    *syncer.Writer
	rcv    *Receiver
	http   *http.Server
	cancel context.CancelFunc
	done   chan struct{}

	workerCtx context.Context
}

func newE2E(t *testing.T) *e2e {
	t.Helper()
	srv := sandboxtest.NewServer(t, sandbox.Options{Seed: 3, Products: 5, Customers: 3, Orders: 3, WebhookRetryScale: 0.0005})
	client, err := bigcommerce.NewClient(srv.StoreHash, srv.Tokens.Full, bigcommerce.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	e := &e2e{t: t, srv: srv, client: client, dbPath: filepath.Join(dir, "state.db"), outPath: filepath.Join(dir, "orders.jsonl"),
		secrets: SecretStore{Dir: filepath.Join(dir, "webhooks")}, failed: map[string]bool{}}
	// The client accepts plain http to a loopback host, which is where the
	// sandbox delivers (a test receiver cannot listen on port 443).
	e.subs = &Subscriptions{Hooks: client.Webhooks, Secrets: e.secrets, Connection: "shop"}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e.addr = ln.Addr().String()
	ln.Close()
	t.Cleanup(e.stop)
	return e
}

// start runs the receiver (and, if withWorker, the worker) on e.addr.
func (e *e2e) start(withWorker bool) {
	e.t.Helper()
	ctx := context.Background()
	db, err := state.Open(ctx, e.dbPath)
	if err != nil {
		e.t.Fatal(err)
	}
	out, err := syncer.OpenFile(ctx, db, e.outPath)
	if err != nil {
		e.t.Fatal(err)
	}
	r := &running{db: db, out: out, done: make(chan struct{})}
	w, err := NewWorker(WorkerConfig{Connection: "shop", Inbox: db, Fetcher: NewClientFetcher(e.client), Output: out,
		Incomplete: e.incomplete, RetryBase: 10 * time.Millisecond, HoldRecheck: 20 * time.Millisecond, Poll: 50 * time.Millisecond})
	if err != nil {
		e.t.Fatal(err)
	}
	if r.rcv, err = NewReceiver(ReceiverConfig{Connection: "shop", StoreHash: e.srv.StoreHash,
		Secrets: e.secrets.Watch("shop"), Inbox: db, Notify: w.Notify}); err != nil {
		e.t.Fatal(err)
	}
	var ln net.Listener
	for deadline := time.Now().Add(5 * time.Second); ; {
		if ln, err = net.Listen("tcp", e.addr); err == nil {
			break
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("listening again on %s: %v", e.addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	r.http = &http.Server{Handler: http.HandlerFunc(e.serve(r.rcv))}
	go r.http.Serve(ln)
	r.worker = w
	r.workerCtx, r.cancel = context.WithCancel(ctx)
	e.running = r
	if withWorker {
		e.startWorker()
	} else {
		close(r.done)
	}
}

// startWorker starts the worker of a receiver started without one.
func (e *e2e) startWorker() {
	r := e.running
	select {
	case <-r.done:
		r.done = make(chan struct{})
	default:
	}
	go func() {
		defer close(r.done)
		r.worker.Run(r.workerCtx)
	}()
}

func (e *e2e) serve(rcv *Receiver) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, req *http.Request) {
		if e.failFirst {
			var p struct{ Hash string }
			body, _ := readAllLimited(req)
			json.Unmarshal(body, &p)
			e.mu.Lock()
			first := !e.failed[p.Hash]
			e.failed[p.Hash] = true
			e.mu.Unlock()
			if first {
				http.Error(w, "try again", http.StatusInternalServerError)
				return
			}
			req.Body = io.NopCloser(bytes.NewReader(body))
		}
		rcv.ServeHTTP(w, req)
	}
}

// stop kills the receiver and the worker, as a crash between deliveries
// would: events in the inbox not yet emitted stay there.
func (e *e2e) stop() {
	r := e.running
	if r == nil {
		return
	}
	e.running = nil
	r.http.Close()
	r.rcv.Close()
	r.cancel()
	<-r.done
	r.out.Close()
	r.db.Close()
}

func (e *e2e) subscribe(scope string) *Subscription {
	e.t.Helper()
	sub, err := e.subs.Subscribe(context.Background(), scope, "http://"+e.addr+"/bigc/hooks")
	if err != nil {
		e.t.Fatal(err)
	}
	return sub
}

// createOrder creates an order with one custom line, as POST /v2/orders would.
func (e *e2e) createOrder() int { return e.createOrderWithStatus(11) }

func (e *e2e) createOrderWithStatus(status int) int {
	e.t.Helper()
	var in sandbox.OrderInput
	body := fmt.Sprintf(`{"status_id":%d,"billing_address":{"first_name":"Ada","last_name":"L","street_1":"1 Main St","city":"Austin","state":"Texas","zip":"78701","country":"United States","country_iso2":"US","email":"ada@example.com"},"products":[{"name":"Gift","quantity":1,"price_ex_tax":"5.00","price_inc_tax":"5.00"}]}`, status)
	if err := json.Unmarshal([]byte(body), &in); err != nil {
		e.t.Fatal(err)
	}
	o, err := e.srv.Store.CreateOrder(&in)
	if err != nil {
		e.t.Fatal(err)
	}
	if o.StatusID != status {
		e.t.Fatalf("created order has status %d, want %d", o.StatusID, status)
	}
	return o.ID
}

func readAllLimited(req *http.Request) ([]byte, error) {
	return io.ReadAll(io.LimitReader(req.Body, MaxBodyBytes+1))
}

// output returns how many lines the output holds per order ID.
func (e *e2e) output() map[int64]int {
	e.t.Helper()
	f, err := os.Open(e.outPath)
	if errors.Is(err, os.ErrNotExist) {
		return map[int64]int{}
	}
	if err != nil {
		e.t.Fatal(err)
	}
	defer f.Close()
	got := map[int64]int{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		k, err := syncer.ParseLine(sc.Bytes())
		if err != nil {
			e.t.Fatal(err)
		}
		if k.Stream == "orders" {
			got[k.ID]++
		}
	}
	return got
}

// waitFor polls until cond holds; deliveries and the worker run on their own.
func (e *e2e) waitFor(what string, cond func() bool) {
	e.t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			e.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// exactlyOnce waits until each of ids is in the output, then checks that
// each is there exactly once and nothing else is.
func (e *e2e) exactlyOnce(ids []int) {
	e.t.Helper()
	e.waitFor(fmt.Sprintf("orders %v in the output", ids), func() bool {
		got := e.output()
		for _, id := range ids {
			if got[int64(id)] == 0 {
				return false
			}
		}
		return true
	})
	// Let stragglers (duplicates, retries) arrive before judging.
	e.waitFor("deliveries to settle", func() bool { return e.srv.Store.Stats().DeliveriesPending == 0 })
	time.Sleep(200 * time.Millisecond)
	got := e.output()
	for _, id := range ids {
		if got[int64(id)] != 1 {
			e.t.Errorf("order %d is in the output %d times, want once", id, got[int64(id)])
		}
	}
	if len(got) != len(ids) {
		e.t.Errorf("output holds orders %v, want exactly %v", got, ids)
	}
}

func TestEndToEndDuplicateDeliveries(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.start(true)
	sub := e.subscribe("store/order/created")
	if !sub.IsActive || !sub.HasSecret {
		t.Fatalf("subscription = %+v", sub)
	}
	e.srv.Store.SetFaults(sandbox.Faults{DuplicateDelivery: 1})
	var ids []int
	for range 5 {
		ids = append(ids, e.createOrder())
	}
	e.exactlyOnce(ids)
	dups := 0
	for _, d := range e.srv.Store.Deliveries() {
		if d.Duplicate && d.Status == 200 {
			dups++
		}
	}
	if dups != 5 {
		t.Errorf("%d duplicate deliveries answered 200, want 5", dups)
	}
	evs, err := e.running.db.InboxList(context.Background(), "shop")
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 5 {
		t.Errorf("inbox holds %d events for 5 orders delivered twice", len(evs))
	}
}

func TestEndToEndRestart(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.start(false) // the receiver only: events stay pending in the inbox
	e.subscribe("store/order/created")
	first := []int{e.createOrder(), e.createOrder()}
	e.waitFor("two events in the inbox", func() bool {
		c, _ := e.running.db.InboxCounts(context.Background(), "shop")
		return c[state.InboxPending] == 2
	})
	e.stop() // killed with two events accepted but not emitted

	// Orders created while the receiver is down are retried by the store.
	second := []int{e.createOrder(), e.createOrder()}
	e.waitFor("failed deliveries while down", func() bool {
		failed := 0
		for _, d := range e.srv.Store.Deliveries() {
			if d.Status == 0 {
				failed++
			}
		}
		return failed >= 2
	})
	e.start(true)
	e.exactlyOnce(append(first, second...))
}

func TestEndToEndRetryAfter500(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.failFirst = true
	e.start(true)
	e.subscribe("store/order/created")
	ids := []int{e.createOrder(), e.createOrder(), e.createOrder()}
	e.exactlyOnce(ids)
	by := map[int]int{}
	for _, d := range e.srv.Store.Deliveries() {
		by[d.Status]++
	}
	if by[500] != 3 || by[200] != 3 {
		t.Errorf("deliveries by status %v, want 3 × 500 then 3 × 200", by)
	}
}

// TestEndToEndIncompleteOrder creates an order incomplete (status 0), as an
// abandoned checkout does, and later makes it real.
func TestEndToEndIncompleteOrder(t *testing.T) {
	t.Parallel()
	// hold: the event waits in the inbox, across a restart, until the order
	// becomes real, and the order is then written once.
	t.Run("hold", func(t *testing.T) {
		t.Parallel()
		e := newE2E(t)
		e.start(true)
		e.subscribe("store/order/created") // the re-check, not a later event, releases it
		id := e.createOrderWithStatus(0)
		e.waitFor("the incomplete order's event to be held", func() bool {
			c, _ := e.running.db.InboxCounts(context.Background(), "shop")
			return c[state.InboxHeld] == 1
		})
		e.stop()
		if got := e.output(); len(got) != 0 {
			t.Fatalf("an incomplete order was emitted: %v", got)
		}
		if err := e.srv.Store.UpdateOrderStatus(id, 11); err != nil {
			t.Fatal(err)
		}
		e.start(true)
		e.exactlyOnce([]int{id})
		e.waitFor("every event settled", func() bool {
			c, _ := e.running.db.InboxCounts(context.Background(), "shop")
			return c[state.InboxHeld] == 0 && c[state.InboxPending] == 0 && c[state.InboxDone] == 1
		})
	})
	// drop: the created event is dropped; the order is written when an
	// event for its change to a real status arrives.
	t.Run("drop", func(t *testing.T) {
		t.Parallel()
		e := newE2E(t)
		e.incomplete = IncompleteDrop
		e.start(true)
		e.subscribe("store/order/*")
		id := e.createOrderWithStatus(0)
		e.waitFor("the incomplete order's event to be dropped", func() bool {
			c, _ := e.running.db.InboxCounts(context.Background(), "shop")
			return c[state.InboxDropped] == 1
		})
		if got := e.output(); len(got) != 0 {
			t.Fatalf("an incomplete order was emitted: %v", got)
		}
		if err := e.srv.Store.UpdateOrderStatus(id, 11); err != nil {
			t.Fatal(err)
		}
		e.exactlyOnce([]int{id})
		e.waitFor("every event settled", func() bool {
			c, _ := e.running.db.InboxCounts(context.Background(), "shop")
			return c[state.InboxHeld] == 0 && c[state.InboxPending] == 0 && c[state.InboxDropped] == 1
		})
	})
}

func TestEndToEndSubscribeReusesHook(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	a := e.subscribe("store/order/created")
	b := e.subscribe("store/order/created")
	if a.ID != b.ID || !b.Reused || a.Reused {
		t.Errorf("second subscribe = %+v, first = %+v; want the same hook reused", b, a)
	}
	kept, err := e.secrets.Load("shop")
	if err != nil || len(kept) != 1 || kept[0].HookID != a.ID {
		t.Fatalf("kept secrets = %+v, %v", kept, err)
	}
	hook, _, err := e.client.Webhooks.Get(context.Background(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if hook.Headers[SecretHeader] != string(kept[0].Secret) {
		t.Error("the hook's header does not carry the kept secret")
	}
	// Deactivated (as after its last retry), it is turned back on.
	if _, _, err := e.client.Webhooks.Update(context.Background(), a.ID, &bigcommerce.HookUpdateRequest{IsActive: bigcommerce.Ptr(false)}); err != nil {
		t.Fatal(err)
	}
	list, err := e.subs.List(context.Background())
	if err != nil || len(list) != 1 || list[0].IsActive || !list[0].HasSecret {
		t.Fatalf("List = %+v, %v; want one inactive hook with its secret kept", list, err)
	}
	r, err := e.subs.Reactivate(context.Background(), a.ID)
	if err != nil || !r.IsActive {
		t.Fatalf("Reactivate = %+v, %v", r, err)
	}
	if _, err := e.subs.Delete(context.Background(), a.ID); err != nil {
		t.Fatal(err)
	}
	if kept, _ := e.secrets.Load("shop"); len(kept) != 0 {
		t.Errorf("secrets kept after delete: %d", len(kept))
	}
	if _, err := e.subs.Delete(context.Background(), a.ID); !errors.Is(err, bigcommerce.ErrNotFound) {
		t.Errorf("second Delete = %v, want ErrNotFound", err)
	}
}

// TestEndToEndSharedWithPolling writes one output from webhooks and from a
// polling sync at the same time: each order version is written once.
func TestEndToEndSharedWithPolling(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.start(false)
	e.subscribe("store/order/created")
	ids := []int{e.createOrder(), e.createOrder(), e.createOrder()}
	e.waitFor("three events in the inbox", func() bool {
		c, _ := e.running.db.InboxCounts(context.Background(), "shop")
		return c[state.InboxPending] == 3
	})
	// The sync's window ends a moment before the store's clock: let the
	// second the orders were made in pass, so the sync reads them too.
	made := time.Now().Truncate(time.Second)
	for time.Now().Truncate(time.Second).Equal(made) {
		time.Sleep(10 * time.Millisecond)
	}

	// A second process's view: its own database handle and output writer.
	db, err := state.Open(context.Background(), e.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	w, err := syncer.OpenFile(context.Background(), db, e.outPath)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	src, err := syncer.NewSource(syncer.StreamOrders, e.client, syncer.OrderFilter{})
	if err != nil {
		t.Fatal(err)
	}
	job := &syncer.Job{Source: src, Writer: w, DB: db, Connection: "shop", StoreTime: e.client.Store.Time, Lag: time.Nanosecond, Full: true}
	e.startWorker()
	res, err := job.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	e.waitFor("the webhook events to be settled", func() bool {
		c, _ := e.running.db.InboxCounts(context.Background(), "shop")
		return c[state.InboxDone] == 3
	})
	got := e.output()
	for _, id := range ids {
		if got[int64(id)] != 1 {
			t.Errorf("order %d is in the output %d times, want once", id, got[int64(id)])
		}
	}
	for id, n := range got {
		if n != 1 {
			t.Errorf("order %d is in the output %d times", id, n)
		}
	}
	if res.Records+res.Duplicates < len(ids) {
		t.Errorf("the sync read %d records (%d written, %d already there), want at least the %d new orders",
			res.Records+res.Duplicates, res.Records, res.Duplicates, len(ids))
	}
}

// TestEndToEndDeletionsBecomeTombstones deletes a product and a customer in
// the store while a receiver listens: the next sync of each stream, sharing
// the receiver's state, writes one tombstone for it, and the sync after that
// none.
func TestEndToEndDeletionsBecomeTombstones(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.start(true)
	e.subscribe("store/product/deleted")
	e.subscribe("store/customer/deleted")
	ctx := context.Background()
	db, err := state.Open(ctx, e.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	dir := t.TempDir()
	syncStream := func(stream string) []syncer.Envelope {
		t.Helper()
		out := filepath.Join(dir, stream+".jsonl")
		w, err := syncer.OpenFile(ctx, db, out)
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		src, err := syncer.NewSource(stream, e.client, syncer.OrderFilter{})
		if err != nil {
			t.Fatal(err)
		}
		job := &syncer.Job{Source: src, Writer: w, DB: db, Connection: "shop", StoreTime: e.client.Store.Time, Lag: time.Nanosecond}
		if _, err := job.Run(ctx); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		var tombs []syncer.Envelope
		for _, l := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
			var env syncer.Envelope
			if err := json.Unmarshal(l, &env); err != nil {
				t.Fatal(err)
			}
			if env.Deleted {
				tombs = append(tombs, env)
			}
		}
		return tombs
	}
	for _, s := range []string{"products", "customers"} {
		if tombs := syncStream(s); len(tombs) != 0 {
			t.Fatalf("%s: tombstones %+v before any deletion", s, tombs)
		}
	}
	product, _, err := e.client.Products.List(ctx, &bigcommerce.ProductListOptions{Limit: 1})
	if err != nil || len(product) == 0 {
		t.Fatalf("listing products: %v", err)
	}
	customer, _, err := e.client.Customers.List(ctx, &bigcommerce.CustomerListOptions{Limit: 1})
	if err != nil || len(customer) == 0 {
		t.Fatalf("listing customers: %v", err)
	}
	deleted := map[string]int64{"products": int64(product[0].ID), "customers": int64(customer[0].ID)}
	for _, req := range []bigcommerce.RawRequest{
		{Method: "DELETE", Path: fmt.Sprintf("/v3/catalog/products/%d", product[0].ID)},
		{Method: "DELETE", Path: "/v3/customers", Query: url.Values{"id:in": {fmt.Sprint(customer[0].ID)}}},
	} {
		if _, err := e.client.Do(ctx, req); err != nil {
			t.Fatal(err)
		}
	}
	e.waitFor("both deletions recorded", func() bool {
		for s := range deleted {
			owed, _ := db.OwedDeletions(ctx, state.CheckpointKey{Connection: "shop", Stream: s, Destination: "nowhere"}, time.Time{})
			if len(owed) == 0 {
				return false
			}
		}
		return true
	})
	for s, id := range deleted {
		if tombs := syncStream(s); len(tombs) != 1 || tombs[0].ID != id || tombs[0].Stream != s {
			t.Errorf("%s: tombstones %+v, want one for %d", s, tombs, id)
		}
		if tombs := syncStream(s); len(tombs) != 1 {
			t.Errorf("%s: after a rerun %d tombstones, want the one", s, len(tombs))
		}
	}
}
