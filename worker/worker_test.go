package worker

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/internal/syncbuf"
	"github.com/bigc-dev/bigc/sandbox"
	"github.com/bigc-dev/bigc/sandbox/sandboxtest"
	"github.com/bigc-dev/bigc/state"
	"github.com/bigc-dev/bigc/state/statetest"
	"github.com/bigc-dev/bigc/syncer"
	"github.com/bigc-dev/bigc/webhooks"
)

// rig is two sandbox stores, a SQLite state and a worker keeping their
// orders and customers in step.
type rig struct {
	stores  map[string]*sandbox.Server
	state   *state.DB
	metrics *Metrics
	worker  *Worker
	log     *syncbuf.Buffer
	clock   *clock
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newRig(t *testing.T) *rig {
	t.Helper()
	db := statetest.Open(t)
	r := &rig{stores: map[string]*sandbox.Server{}, state: db, log: &syncbuf.Buffer{}, clock: &clock{t: time.Now()}}
	r.metrics = NewMetrics()
	var streams []Stream
	for i, name := range []string{"east", "west"} {
		srv := sandboxtest.NewServer(t, sandbox.Options{Seed: int64(11 + i), Orders: 30, Customers: 12, Products: 5, Now: r.clock.now})
		r.stores[name] = srv
		client, err := bigcommerce.NewClient(srv.StoreHash, srv.Tokens.Full, bigcommerce.WithBaseURL(srv.URL),
			bigcommerce.WithHTTPClient(&http.Client{Transport: r.metrics.Transport(name, nil)}))
		if err != nil {
			t.Fatal(err)
		}
		streams = append(streams,
			Stream{Connection: name, Client: client, Stream: syncer.StreamOrders, Every: 4 * time.Second},
			Stream{Connection: name, Client: client, Stream: syncer.StreamCustomers, Every: 15 * time.Minute})
	}
	var err error
	r.worker, err = New(Config{State: db, OutDir: t.TempDir(), Streams: streams, Lag: time.Nanosecond,
		Logger: slog.New(slog.NewJSONHandler(r.log, nil)), Metrics: r.metrics, Now: r.clock.now})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// lines returns the output's record keys.
func (r *rig) lines(t *testing.T, connection, stream string) []state.EmittedKey {
	t.Helper()
	f, err := os.Open(r.worker.OutputPath(connection, stream))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []state.EmittedKey
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		k, err := syncer.ParseLine(sc.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, k)
	}
	return out
}

func (r *rig) scrape(t *testing.T, path string) string {
	t.Helper()
	srv := httptest.NewServer(r.metrics.Handler())
	defer srv.Close()
	res, err := http.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", path, res.StatusCode, b)
	}
	return string(b)
}

// TestRunOnceKeepsEveryStreamInStep: one round syncs every stream into its
// own file, each record once (every customer of each store is there); a
// round right after syncs nothing, as nothing is due; once an interval has
// passed the stream runs again and writes only what changed.
func TestRunOnceKeepsEveryStreamInStep(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	outcomes, err := r.worker.RunOnce(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if want := []Outcome{Synced, Synced, Synced, Synced}; !slices.Equal(outcomes, want) {
		t.Fatalf("first round: %v, want %v", outcomes, want)
	}
	for name, srv := range r.stores {
		var got []int
		for _, k := range r.lines(t, name, syncer.StreamCustomers) {
			got = append(got, int(k.ID))
		}
		slices.Sort(got)
		if want := srv.Store.CustomerIDs(); !slices.Equal(got, want) {
			t.Errorf("%s customers in the output %v, want each of %v once", name, got, want)
		}
		if len(r.lines(t, name, syncer.StreamOrders)) == 0 {
			t.Errorf("%s: no orders written", name)
		}
	}
	if outcomes, _ := r.worker.RunOnce(t.Context()); !slices.Equal(outcomes, []Outcome{NotDue, NotDue, NotDue, NotDue}) {
		t.Errorf("second round at once: %v, want nothing due", outcomes)
	}
	// Once their interval has passed the orders are due again, the customers
	// not yet. (The stores' clock moves a minute, so that the change falls
	// inside the next window.)
	before := r.lines(t, "east", syncer.StreamOrders)
	east := r.stores["east"].Store
	o, _ := east.Order(int(before[0].ID))
	if err := east.UpdateOrderStatus(o.ID, map[bool]int{true: 10, false: 11}[o.StatusID == 11]); err != nil {
		t.Fatal(err)
	}
	r.clock.add(time.Minute)
	time.Sleep(4 * time.Second)
	outcomes, err = r.worker.RunOnce(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if want := []Outcome{Synced, NotDue, Synced, NotDue}; !slices.Equal(outcomes, want) {
		t.Errorf("round an interval later: %v, want %v", outcomes, want)
	}
	if after := r.lines(t, "east", syncer.StreamOrders); len(after) != len(before)+1 || after[len(before)].ID != int64(o.ID) {
		t.Errorf("east orders: %d lines after order %d changed, want %d, the last one that order", len(after), o.ID, len(before)+1)
	}
	// One log line per run, JSON, without the token.
	lines := strings.Split(strings.TrimSpace(r.log.String()), "\n")
	if len(lines) != 6 {
		t.Errorf("%d log lines for 6 runs:\n%s", len(lines), r.log.String())
	}
	for _, srv := range r.stores {
		if strings.Contains(r.log.String(), srv.Tokens.Full) {
			t.Error("the log holds an access token")
		}
	}
	if !strings.Contains(lines[0], `"msg":"sync"`) || !strings.Contains(lines[0], `"records":`) {
		t.Errorf("log line %s: want a JSON sync line with the records", lines[0])
	}
}

// TestMetricsAndHealth: /metrics has the per-store requests, quota left,
// records (matching the output), runs and last success; /healthz answers.
func TestMetricsAndHealth(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	if _, err := r.worker.RunOnce(t.Context()); err != nil {
		t.Fatal(err)
	}
	text := r.scrape(t, "/metrics")
	customers := len(r.lines(t, "west", syncer.StreamCustomers))
	for _, want := range []string{
		`bigc_records_total{connection="west",stream="customers"} ` + strconv.Itoa(customers),
		`bigc_sync_runs_total{connection="east",result="ok",stream="orders"} 1`,
		`bigc_requests_total{connection="east"} `,
		`bigc_rate_limited_total{connection="east"} 0`,
		`bigc_quota_left{connection="west",quota=`,
		`bigc_sync_last_success_timestamp_seconds{connection="east",stream="orders"} `,
		`bigc_sync_lag_seconds{connection="west",stream="orders"} `,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %q:\n%s", want, text)
		}
	}
	if got := r.scrape(t, "/healthz"); got != "ok\n" {
		t.Errorf("/healthz = %q", got)
	}
}

// TestStreamLeasedElsewhereIsLeftAlone: a stream whose lease another process
// holds is not synced here.
func TestStreamLeasedElsewhereIsLeftAlone(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	l, err := state.AcquireLease(t.Context(), r.state, state.SyncLeaseName("west", syncer.StreamOrders), state.LeaseOptions{Holder: "another worker"})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release(context.Background())
	outcomes, err := r.worker.RunOnce(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if want := []Outcome{Synced, Synced, Elsewhere, Synced}; !slices.Equal(outcomes, want) {
		t.Errorf("outcomes %v, want %v", outcomes, want)
	}
	if _, err := os.Stat(r.worker.OutputPath("west", syncer.StreamOrders)); !os.IsNotExist(err) {
		t.Errorf("the leased stream's output exists (%v): it was synced here too", err)
	}
}

// TestRunGivesEveryStreamItsTurn: with one stream at a time, Run still
// reaches every stream (the ones already synced, not due, do not keep the
// others waiting), and it returns when its context ends.
func TestRunGivesEveryStreamItsTurn(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.worker.cfg.Parallel = 1
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- r.worker.Run(ctx) }()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		missing := 0
		for _, s := range r.worker.cfg.Streams {
			if _, err := os.Stat(r.worker.OutputPath(s.Connection, s.Stream)); err != nil {
				missing++
			}
		}
		if missing == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d streams never synced", missing, len(r.worker.cfg.Streams))
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run after its context ended = %v, want nil", err)
	}
}

// TestWebhookEventsReachTheStreamOutputs: with Webhooks, a round also turns
// the connection's stored webhook events into records, in the same output
// as the stream's sync and without repeating what the sync wrote.
func TestWebhookEventsReachTheStreamOutputs(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	cfg := r.worker.cfg
	cfg.Webhooks, cfg.Metrics = true, nil
	w, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.RunOnce(t.Context()); err != nil {
		t.Fatal(err)
	}
	before := r.lines(t, "west", syncer.StreamOrders)
	west := r.stores["west"]
	changed, _ := west.Store.Order(int(before[0].ID))
	r.clock.add(time.Minute) // the change is a new version
	if err := west.Store.UpdateOrderStatus(changed.ID, map[bool]int{true: 10, false: 11}[changed.StatusID == 11]); err != nil {
		t.Fatal(err)
	}
	var evs []state.InboxEvent
	for _, id := range []int{changed.ID, int(before[1].ID)} { // the second one is unchanged
		body := fmt.Appendf(nil, `{"scope":"store/order/updated","store_id":"1","data":{"type":"order","id":%d},"hash":"h%d","created_at":%d,"producer":"stores/%s"}`,
			id, id, r.clock.now().Unix(), west.StoreHash)
		ev, err := webhooks.ParseEvent(body)
		if err != nil {
			t.Fatal(err)
		}
		stream, rid, _, _ := ev.Resource()
		evs = append(evs, state.InboxEvent{Connection: "west", DedupeKey: ev.DedupeKey(), Scope: ev.Scope,
			Stream: stream, ResourceID: rid, Payload: body, ReceivedAt: time.Now()})
	}
	if _, err := r.state.InboxAdd(t.Context(), evs); err != nil {
		t.Fatal(err)
	}
	outcomes, err := w.RunOnce(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if outcomes[2] != NotDue {
		t.Fatalf("west orders %s, want not due: the record must come from the webhook", outcomes[2])
	}
	after := r.lines(t, "west", syncer.StreamOrders)
	if len(after) != len(before)+1 || after[len(before)].ID != int64(changed.ID) {
		t.Errorf("west orders: %d lines after the webhook for order %d, want %d, the last one that order", len(after), changed.ID, len(before)+1)
	}
	counts, err := r.state.InboxCounts(t.Context(), "west")
	if err != nil {
		t.Fatal(err)
	}
	if counts[state.InboxDone] != 2 {
		t.Errorf("inbox %v, want both events done", counts)
	}
}
