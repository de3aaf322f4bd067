package syncer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/sandbox"
	"github.com/bigc-dev/bigc/sandbox/sandboxtest"
	"github.com/bigc-dev/bigc/state"
	"github.com/bigc-dev/bigc/state/statetest"
)

// hookTransport calls before ahead of every request, so a test can change
// the store between the pages of a run; after, when set, decides the answer,
// given the way to send the request on.
type hookTransport struct {
	before func(r *http.Request)
	after  func(r *http.Request, send func() (*http.Response, error)) (*http.Response, error)
}

func (h *hookTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if h.before != nil {
		h.before(r)
	}
	if h.after != nil {
		return h.after(r, func() (*http.Response, error) { return http.DefaultTransport.RoundTrip(r) })
	}
	return http.DefaultTransport.RoundTrip(r)
}

type sandboxRig struct {
	srv    *sandbox.Server
	client *bigcommerce.Client
	hook   *hookTransport
	db     *state.DB
	out    string
}

func newRig(t *testing.T, opts sandbox.Options) *sandboxRig {
	t.Helper()
	r := &sandboxRig{srv: sandboxtest.NewServer(t, opts), hook: &hookTransport{}}
	var err error
	r.client, err = bigcommerce.NewClient(r.srv.StoreHash, r.srv.Tokens.Full,
		bigcommerce.WithBaseURL(r.srv.URL), bigcommerce.WithHTTPClient(&http.Client{Transport: r.hook}),
		bigcommerce.WithConcurrency(8))
	if err != nil {
		t.Fatal(err)
	}
	r.db = statetest.Open(t)
	r.out = filepath.Join(t.TempDir(), "out.jsonl")
	return r
}

func (r *sandboxRig) run(t *testing.T, stream string, pageSize int, tweak func(*Job)) (Result, error) {
	t.Helper()
	src, err := NewSource(stream, r.client, OrderFilter{})
	if err != nil {
		t.Fatal(err)
	}
	w, err := OpenFile(t.Context(), r.db, r.out)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	job := &Job{Source: src, Writer: w, DB: r.db, Connection: "sandbox", StoreTime: r.client.Store.Time, PageSize: pageSize, Lag: time.Second}
	if tweak != nil {
		tweak(job)
	}
	return job.Run(t.Context())
}

// storeOrders lists the store's current orders (not archived, not
// incomplete) modified up to hi, with faults off.
func (r *sandboxRig) storeOrders(t *testing.T, hi time.Time) map[state.EmittedKey]bool {
	t.Helper()
	r.srv.Store.SetFaults(sandbox.Faults{})
	r.srv.Store.SetQuota(0, 0)
	want := map[state.EmittedKey]bool{}
	for o, err := range r.client.Orders.All(t.Context(), &bigcommerce.OrderListOptions{MaxDateModified: hi, Sort: "id:asc"}) {
		if err != nil {
			t.Fatal(err)
		}
		if o.StatusID != 0 {
			want[state.EmittedKey{Stream: "orders", ID: int64(o.ID), DateModified: o.DateModified.Unix()}] = true
		}
	}
	return want
}

// checkOutputIs asserts that the output holds exactly want, each once.
func checkOutputIs(t *testing.T, out string, want map[state.EmittedKey]bool) {
	t.Helper()
	got := map[state.EmittedKey]int{}
	for _, k := range readOutput(t, out) {
		got[k]++
	}
	for k, n := range got {
		if n > 1 {
			t.Errorf("%s %d version %d written %d times", k.Stream, k.ID, k.DateModified, n)
		}
		if !want[k] {
			t.Errorf("%s %d version %d written but not in the store's window", k.Stream, k.ID, k.DateModified)
		}
	}
	missing := 0
	for k := range want {
		if got[k] == 0 {
			missing++
			if missing < 5 {
				t.Errorf("%s %d version %d missing", k.Stream, k.ID, k.DateModified)
			}
		}
	}
	if missing > 0 {
		t.Errorf("%d of %d records missing", missing, len(want))
	}
}

func TestSyncOrdersWithFaults(t *testing.T) {
	t.Parallel()
	faults, err := sandbox.ParseFaults("500=0.08,502=0.04,503=0.04,reset=0.05,truncate=0.05,429-noheaders=0.04")
	if err != nil {
		t.Fatal(err)
	}
	r := newRig(t, sandbox.Options{Seed: 3, Orders: 120, Products: 20, Customers: 10})
	list, _, err := r.client.Orders.List(t.Context(), &bigcommerce.OrderListOptions{Limit: 50})
	if err != nil || len(list) < 50 {
		t.Fatalf("listing orders: %d, %v", len(list), err)
	}
	archived := []int64{int64(list[4].ID), int64(list[16].ID), int64(list[40].ID)}
	for _, id := range archived {
		if err := r.srv.Store.ArchiveOrder(int(id)); err != nil {
			t.Fatal(err)
		}
	}
	r.srv.Store.SetFaults(faults)
	r.srv.Store.SetQuota(40, 200*time.Millisecond)
	res, err := r.run(t, "orders", 25, nil)
	if err != nil {
		t.Fatal(err)
	}
	st := r.srv.Store.Stats()
	if st.ConnectionsDropped == 0 || st.ByStatus["500"] == 0 {
		t.Errorf("faults were not injected: %+v", st)
	}
	want := r.storeOrders(t, res.To)
	checkOutputIs(t, r.out, want)
	for _, k := range readOutput(t, r.out) {
		if slices.Contains(archived, k.ID) {
			t.Errorf("archived order %d exported", k.ID)
		}
	}
}

func TestSyncOrdersModifiedMidRun(t *testing.T) {
	t.Parallel()
	r := newRig(t, sandbox.Options{Seed: 4, Orders: 200})
	var lists atomic.Int64
	rng := rand.New(rand.NewPCG(4, 4))
	var mu sync.Mutex
	touched := map[int]bool{}
	r.hook.before = func(req *http.Request) {
		if !strings.HasSuffix(req.URL.Path, "/v2/orders") {
			return
		}
		if lists.Add(1) < 2 {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		for range 3 {
			id := 1 + rng.IntN(200)
			if o, ok := r.srv.Store.Order(id); ok && !o.IsDeleted {
				if err := r.srv.Store.UpdateOrderStatus(id, 1+(o.StatusID%13)); err == nil {
					touched[id] = true
				}
			}
		}
	}
	first, err := r.run(t, "orders", 20, nil)
	if err != nil {
		t.Fatal(err)
	}
	r.hook.before = nil
	if len(touched) == 0 {
		t.Fatal("no order was modified during the run")
	}
	for _, k := range readOutput(t, r.out) {
		if k.DateModified > first.To.Unix() {
			t.Errorf("order %d version %d is past the window's upper bound %s", k.ID, k.DateModified, first.To)
		}
	}
	// The modifications must fall behind the next run's upper bound: its lag
	// and, while the store's clock is read, its guess's margin.
	time.Sleep(time.Second + guessMargin + 100*time.Millisecond)
	second, err := r.run(t, "orders", 20, nil)
	if err != nil {
		t.Fatal(err)
	}
	if second.Records == 0 || second.Records > len(touched) {
		t.Errorf("second run wrote %d records; %d orders were modified during the first", second.Records, len(touched))
	}
	// Every order's current version is in the output once; older versions
	// written by the first run stay (they were real versions).
	want := r.storeOrders(t, second.To)
	got := map[state.EmittedKey]int{}
	for _, k := range readOutput(t, r.out) {
		got[k]++
		if got[k] > 1 {
			t.Errorf("order %d version %d written twice", k.ID, k.DateModified)
		}
	}
	for k := range want {
		if got[k] == 0 {
			t.Errorf("order %d version %d missing", k.ID, k.DateModified)
		}
	}
}

// mutableClock is a sandbox clock a test moves by hand.
type mutableClock struct{ t atomic.Int64 }

func (c *mutableClock) now() time.Time      { return time.Unix(0, c.t.Load()).UTC() }
func (c *mutableClock) set(t time.Time)     { c.t.Store(t.UnixNano()) }
func (c *mutableClock) add(d time.Duration) { c.t.Add(int64(d)) }

func TestSyncOrdersSharingOneSecond(t *testing.T) {
	t.Parallel()
	clock := &mutableClock{}
	clock.set(time.Date(2026, 2, 1, 12, 0, 0, 0, time.UTC))
	r := newRig(t, sandbox.Options{Seed: 5, Orders: 30, Now: clock.now})
	// 50 orders in one second: two whole pages of 25 and then a 204.
	for range 50 {
		if _, err := r.srv.Store.CreateOrder(nil); err != nil {
			t.Fatal(err)
		}
	}
	clock.add(time.Minute)
	// Page by page, so the group walk (not a chunk of offset pages) meets them.
	res, err := r.run(t, "orders", 25, func(j *Job) { j.Parallel = 1 })
	if err != nil {
		t.Fatal(err)
	}
	checkOutputIs(t, r.out, r.storeOrders(t, res.To))
	if n := r.srv.Store.Stats().ByStatus["204"]; n == 0 {
		t.Error("the group walk never reached an empty (204) page")
	}
	// Nothing changed: the second run reads an empty window (a 204) and
	// writes nothing.
	clock.add(time.Minute)
	again, err := r.run(t, "orders", 25, nil)
	if err != nil || again.Records != 0 || again.Duplicates != 0 {
		t.Errorf("second run: %d records, %d duplicates, %v; want none", again.Records, again.Duplicates, err)
	}
}

func TestSyncTagIsIdempotent(t *testing.T) {
	t.Parallel()
	faults, err := sandbox.ParseFaults("commit-then-drop=0.2")
	if err != nil {
		t.Fatal(err)
	}
	r := newRig(t, sandbox.Options{Seed: 6, Orders: 40, Faults: faults})
	tagger := &Tagger{Client: r.client, Namespace: "bigc", Key: "synced", Value: "2026-01-01T00:00:00Z"}
	res, err := r.run(t, "orders", 25, func(j *Job) { j.AfterWrite = tagger.AfterWrite })
	if err != nil {
		t.Fatal(err)
	}
	keys := readOutput(t, r.out)
	check := func() {
		t.Helper()
		for _, k := range keys {
			mfs := r.srv.Store.OrderMetafields(int(k.ID))
			n := 0
			for _, m := range mfs {
				if m.Namespace == "bigc" && m.Key == "synced" {
					n++
				}
			}
			if n != 1 {
				t.Errorf("order %d has %d bigc/synced metafields, want 1", k.ID, n)
			}
		}
	}
	check()
	if created, _ := tagger.Counts(); created == 0 || res.Records == 0 {
		t.Fatalf("created %d tags for %d records", created, res.Records)
	}
	// A full rerun re-reads every order: the output gains nothing and no
	// metafield is created.
	again := &Tagger{Client: r.client, Namespace: "bigc", Key: "synced", Value: "later"}
	res2, err := r.run(t, "orders", 25, func(j *Job) { j.Full, j.AfterWrite = true, again.AfterWrite })
	if err != nil {
		t.Fatal(err)
	}
	if created, already := again.Counts(); created != 0 || already != int64(len(keys)) {
		t.Errorf("rerun created %d tags, found %d already tagged; want 0 and %d", created, already, len(keys))
	}
	if res2.Records != 0 || res2.Duplicates != len(keys) {
		t.Errorf("rerun wrote %d, skipped %d; want 0 and %d", res2.Records, res2.Duplicates, len(keys))
	}
	check()
}

func TestSyncProductsAndCustomers(t *testing.T) {
	t.Parallel()
	faults, err := sandbox.ParseFaults("500=0.1,reset=0.1,truncate=0.1")
	if err != nil {
		t.Fatal(err)
	}
	r := newRig(t, sandbox.Options{Seed: 7, Orders: -1, Products: 60, Customers: 45, Faults: faults})
	if _, err := r.run(t, "products", 20, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := r.run(t, "customers", 20, nil); err != nil {
		t.Fatal(err)
	}
	r.srv.Store.SetFaults(sandbox.Faults{})
	checkCatalogOutput(t, r)
	var images int
	// Whole records: a product line carries its variants and images.
	env, err := lineOf(t, r.out, "products")
	if err != nil {
		t.Fatal(err)
	}
	var p bigcommerce.Product
	if err := jsonUnmarshal(env.Record, &p); err != nil {
		t.Fatal(err)
	}
	images = len(p.Images)
	if len(p.Variants) == 0 || images == 0 {
		t.Errorf("product %d has %d variants and %d images; want whole records", p.ID, len(p.Variants), images)
	}
}

func TestFetchOrderMatchesSync(t *testing.T) {
	t.Parallel()
	r := newRig(t, sandbox.Options{Seed: 8, Orders: 30})
	if _, err := r.run(t, "orders", 250, nil); err != nil {
		t.Fatal(err)
	}
	env, err := lineOf(t, r.out, "orders")
	if err != nil {
		t.Fatal(err)
	}
	rec, err := FetchOrder(t.Context(), r.client, int(env.ID))
	if err != nil {
		t.Fatal(err)
	}
	fetched, err := OrderEnvelope(rec)
	if err != nil {
		t.Fatal(err)
	}
	if string(fetched.Record) != string(env.Record) {
		t.Errorf("webhook path and sync path differ:\n fetched %s\n synced  %s", fetched.Record, env.Record)
	}
	var whole OrderRecord
	if err := jsonUnmarshal(env.Record, &whole); err != nil {
		t.Fatal(err)
	}
	if len(whole.Products) == 0 || len(whole.ShippingAddresses) == 0 {
		t.Errorf("order %d has %d lines and %d shipping addresses", whole.ID, len(whole.Products), len(whole.ShippingAddresses))
	}
}

func toInt64(ids []int) []int64 {
	out := make([]int64, len(ids))
	for i, id := range ids {
		out[i] = int64(id)
	}
	return out
}

var errNoLine = errors.New("no line of that stream")

// lineOf returns the first envelope of a stream in the output.
func lineOf(t *testing.T, path, stream string) (Envelope, error) {
	t.Helper()
	for _, l := range readLines(t, path) {
		var e Envelope
		if err := jsonUnmarshal(l, &e); err != nil {
			return e, err
		}
		if e.Stream == stream {
			return e, nil
		}
	}
	return Envelope{}, errNoLine
}

// TestSyncCatalogSharingOneSecond makes whole pages of products and of
// customers share one second, so both group walks run: products by ID
// keyset, customers by the API's cursor.
func TestSyncCatalogSharingOneSecond(t *testing.T) {
	t.Parallel()
	clock := &mutableClock{}
	clock.set(time.Date(2026, 2, 1, 12, 0, 0, 0, time.UTC))
	r := newRig(t, sandbox.Options{Seed: 9, Orders: -1, Products: 5, Customers: 5, Now: clock.now})
	for i := range 23 {
		_, _, err := r.client.Products.Create(t.Context(), &bigcommerce.ProductCreateRequest{
			Name: fmt.Sprintf("Same second %d", i), Type: "physical", Weight: "1", Price: "9.50",
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for i := range 3 {
		var batch []*bigcommerce.CustomerCreateRequest
		for j := range 8 {
			batch = append(batch, &bigcommerce.CustomerCreateRequest{Email: fmt.Sprintf("same%d-%d@example.com", i, j), FirstName: "Same", LastName: "Second"})
		}
		if _, err := r.client.Customers.Create(t.Context(), batch); err != nil {
			t.Fatal(err)
		}
	}
	clock.add(time.Minute)
	for _, stream := range []string{"products", "customers"} {
		if _, err := r.run(t, stream, 10, nil); err != nil {
			t.Fatal(err)
		}
	}
	got := map[string][]int64{}
	for _, k := range readOutput(t, r.out) {
		got[k.Stream] = append(got[k.Stream], k.ID)
	}
	for stream, want := range map[string][]int{"products": r.srv.Store.ProductIDs(), "customers": r.srv.Store.CustomerIDs()} {
		slices.Sort(got[stream])
		if !slices.Equal(got[stream], toInt64(want)) {
			t.Errorf("%s = %v, want %v", stream, got[stream], want)
		}
	}
}

// TestSyncTagSettlesA503 answers half the tag POSTs with a 503, half of
// those after applying the write: tagging reads again and finishes, each
// order tagged once, every tag counted as created (issue 10 section 2:
// "--tag exits 6 every time" under 503 faults).
func TestSyncTagSettlesA503(t *testing.T) {
	t.Parallel()
	r := newRig(t, sandbox.Options{Seed: 7, Orders: 30})
	var posts atomic.Int64
	r.hook.after = func(req *http.Request, applied func() (*http.Response, error)) (*http.Response, error) {
		if req.Method != http.MethodPost || !strings.HasSuffix(req.URL.Path, "/metafields") {
			return applied()
		}
		switch posts.Add(1) % 4 {
		case 1: // refused before it ran
			return fault503(req), nil
		case 2: // applied, and the answer says it failed
			if res, err := applied(); err == nil {
				res.Body.Close()
			}
			return fault503(req), nil
		}
		return applied()
	}
	tagger := &Tagger{Client: r.client, Namespace: "bigc", Key: "synced", Value: "v", RetryBase: time.Millisecond}
	res, err := r.run(t, "orders", 50, func(j *Job) { j.AfterWrite = tagger.AfterWrite })
	if err != nil {
		t.Fatalf("run under 503s on tag POSTs: %v", err)
	}
	keys := readOutput(t, r.out)
	for _, k := range keys {
		n := 0
		for _, m := range r.srv.Store.OrderMetafields(int(k.ID)) {
			if m.Namespace == "bigc" && m.Key == "synced" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("order %d has %d tags, want 1", k.ID, n)
		}
	}
	if created, already := tagger.Counts(); created != int64(len(keys)) || already != 0 || res.Records != len(keys) {
		t.Errorf("counts: %d created, %d already, %d records; the file holds %d", created, already, res.Records, len(keys))
	}
}

// TestRunCountsWhatWasWritten: a batch written and then refused by
// AfterWrite is counted in the result, which says what the output holds.
func TestRunCountsWhatWasWritten(t *testing.T) {
	t.Parallel()
	r := newRig(t, sandbox.Options{Seed: 8, Orders: 20})
	boom := errors.New("tagging failed")
	res, err := r.run(t, "orders", 50, func(j *Job) {
		j.AfterWrite = func(context.Context, []*Item) error { return boom }
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	if n := len(readOutput(t, r.out)); res.Records != n || n == 0 {
		t.Errorf("result counts %d records; the output holds %d", res.Records, n)
	}
}

func fault503(req *http.Request) *http.Response {
	body := `{"status":503,"title":"injected"}`
	return &http.Response{StatusCode: http.StatusServiceUnavailable, Status: "503 Service Unavailable",
		Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(strings.NewReader(body)),
		ContentLength: int64(len(body)), Request: req, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1}
}

// A V2 window's pages overlap (chain.go), each vouching for itself when
// it starts with the last records of the page before it and they span a
// change of second: the run asks for the window's size with page 1, and
// once more only for pages whose overlap falls within one second (here
// the last: the seed dates its newest orders at one second), and for the
// chain's pages in turn, none twice and none past the window's end
// (issue 18).
func TestOrderPagesOverlap(t *testing.T) {
	t.Parallel()
	r := newRig(t, sandbox.Options{Seed: 5, Orders: 130})
	var mu sync.Mutex
	asked := map[[2]int]int{}
	r.hook.before = func(req *http.Request) {
		if !listPage(req) {
			return
		}
		limit, _ := strconv.Atoi(req.URL.Query().Get("limit"))
		page, _ := strconv.Atoi(req.URL.Query().Get("page"))
		mu.Lock()
		asked[[2]int{limit, page}]++
		mu.Unlock()
	}
	res, err := r.run(t, "orders", 10, func(j *Job) { j.Parallel = 4 })
	if err != nil {
		t.Fatal(err)
	}
	counts := r.srv.Store.Stats().ByPath["/v2/orders/count"]
	r.hook.before = nil
	checkOutputIs(t, r.out, r.storeOrders(t, res.To))
	if counts > 2 {
		t.Errorf("%d counts, want the window's size and at most one more", counts)
	}
	c := chain{limit: 10}
	for k := 1; c.plan(k, minOverlap).start < res.Total; k++ {
		s := c.span(k)
		if n := asked[[2]int{s.limit, s.page}]; n != 1 {
			t.Errorf("page %d of the chain (limit %d, page %d) asked for %d times, want once", k, s.limit, s.page, n)
		}
		delete(asked, [2]int{s.limit, s.page})
	}
	if len(asked) > 0 {
		t.Errorf("pages asked for past the window's %d orders, or off the chain: %v", res.Total, asked)
	}
}

// V3 list pages are read several at once, vouched for by the total every
// answer carries, with no count request at all: the run's total is the
// first page's; each record once (issue 18).
func TestSyncV3PagesInParallel(t *testing.T) {
	t.Parallel()
	r := newRig(t, sandbox.Options{Seed: 9, Orders: -1, Products: 95, Customers: 70})
	var mu sync.Mutex
	inFlight, most, pages, counts := 0, 0, 0, 0
	r.hook.after = func(req *http.Request, send func() (*http.Response, error)) (*http.Response, error) {
		listPage := req.URL.Query().Get("limit") == "10"
		mu.Lock()
		switch {
		case listPage:
			pages++
			inFlight++
			most = max(most, inFlight)
		case req.URL.Query().Get("limit") == "1":
			counts++
		}
		mu.Unlock()
		resp, err := send()
		if listPage {
			mu.Lock()
			inFlight--
			mu.Unlock()
		}
		return resp, err
	}
	for _, stream := range []string{"products", "customers"} {
		mu.Lock()
		most, pages, counts = 0, 0, 0
		mu.Unlock()
		res, err := r.run(t, stream, 10, func(j *Job) { j.Parallel = 4 })
		if err != nil {
			t.Fatal(err)
		}
		n := 95
		if stream == "customers" {
			n = 70
		}
		if res.Total != n {
			t.Errorf("%s: total %d, want %d", stream, res.Total, n)
		}
		mu.Lock()
		if most < 2 || counts != 0 || pages > (n+9)/10+1 {
			t.Errorf("%s: %d pages (at most %d at once) and %d counts; want pages read together, no count, and at most %d pages",
				stream, pages, most, counts, (n+9)/10+1)
		}
		mu.Unlock()
	}
	checkCatalogOutput(t, r)
}

// checkCatalogOutput asserts that the output holds every product and
// customer of the store, each once.
func checkCatalogOutput(t *testing.T, r *sandboxRig) {
	t.Helper()
	var products, customers []int64
	for _, k := range readOutput(t, r.out) {
		switch k.Stream {
		case "products":
			products = append(products, k.ID)
		case "customers":
			customers = append(customers, k.ID)
		}
	}
	slices.Sort(products)
	slices.Sort(customers)
	if want := toInt64(r.srv.Store.ProductIDs()); !slices.Equal(products, want) {
		t.Errorf("products = %v, want %v", products, want)
	}
	if want := toInt64(r.srv.Store.CustomerIDs()); !slices.Equal(customers, want) {
		t.Errorf("customers = %v, want %v", customers, want)
	}
}

// An order's coupon read goes out as soon as its page is decoded, not after
// the whole chunk of pages and the count that vouches for it (issue 18): the
// first chunk's last page is held back until a coupon read is sent, and is
// let go after 10 s if none is, which fails the test.
func TestOrderCouponsReadAsPagesArrive(t *testing.T) {
	t.Parallel()
	r := newRig(t, sandbox.Options{Seed: 5, Orders: 130})
	couponRead := make(chan struct{})
	var firstCoupon, lastPage sync.Once
	early := false
	r.hook.before = func(req *http.Request) {
		switch {
		case strings.HasSuffix(req.URL.Path, "/coupons"):
			firstCoupon.Do(func() { close(couponRead) })
		case strings.HasSuffix(req.URL.Path, "/v2/orders") && req.URL.Query().Get("page") == "4":
			lastPage.Do(func() { early = closesSoon(couponRead) })
		}
	}
	res, err := r.run(t, "orders", 10, func(j *Job) { j.Parallel = 4 })
	if err != nil {
		t.Fatal(err)
	}
	checkOutputIs(t, r.out, r.storeOrders(t, res.To))
	if st := r.srv.Store.Stats(); st.ByPath["/v2/orders/{id}/coupons"] == 0 {
		t.Fatalf("no coupon read at all (%v): the seed has no order with a coupon", st.ByPath)
	}
	if !early {
		t.Error("no coupon read was sent while the chunk's last page was outstanding; want each page's coupons read as it arrives")
	}
}

// A read by page number keeps its pages in flight: while one page is slow,
// the pages after it go out as others answer, instead of the next group of
// pages waiting for the slowest of the last (issue 18). Page 2 is held back
// until a page past the first two groups' worth (Parallel 4: page 6) is
// asked for, and let go after 10 s if none is, which fails the test.
func TestPagesFlowPastASlowPage(t *testing.T) {
	t.Parallel()
	for _, stream := range []string{"orders", "products", "customers"} {
		t.Run(stream, func(t *testing.T) {
			t.Parallel()
			r := newRig(t, sandbox.Options{Seed: 11, Orders: 130, Products: 95, Customers: 90})
			later := make(chan struct{})
			var sawLater, slowPage sync.Once
			flowed := false
			r.hook.before = func(req *http.Request) {
				q := req.URL.Query()
				if !listPage(req) {
					return
				}
				page, _ := strconv.Atoi(q.Get("page"))
				switch {
				case page >= 6:
					sawLater.Do(func() { close(later) })
				case page == 2:
					slowPage.Do(func() { flowed = closesSoon(later) })
				}
			}
			res, err := r.run(t, stream, 10, func(j *Job) { j.Parallel = 4 })
			if err != nil {
				t.Fatal(err)
			}
			if stream == "orders" {
				checkOutputIs(t, r.out, r.storeOrders(t, res.To))
			}
			if !flowed {
				t.Error("no page past the sixth was asked for while page 2 was outstanding; want pages to go out as others answer")
			}
		})
	}
}

// An incremental orders run reads the orders archived in its window (for
// their tombstones) while it starts reading the window itself, not before
// (issue 18): the archived list is held back until the window's count is
// asked for, and let go after 10 s if it is not, which fails the test.
func TestArchivedReadWithTheWindow(t *testing.T) {
	t.Parallel()
	clock := &mutableClock{}
	clock.set(time.Date(2026, 2, 1, 12, 0, 0, 0, time.UTC))
	r := newRig(t, sandbox.Options{Seed: 12, Orders: 60, Now: clock.now})
	if _, err := r.run(t, "orders", 10, func(j *Job) { j.Parallel = 4 }); err != nil {
		t.Fatal(err)
	}
	clock.add(time.Minute)
	updated := 0
	for k := range r.storeOrders(t, clock.now()) {
		o, _ := r.srv.Store.Order(int(k.ID))
		if err := r.srv.Store.UpdateOrderStatus(int(k.ID), 1+(o.StatusID%13)); err != nil {
			t.Fatal(err)
		}
		updated++
	}
	clock.add(time.Minute)
	counted := make(chan struct{})
	var count, archived sync.Once
	together := false
	r.hook.before = func(req *http.Request) {
		switch {
		case strings.HasSuffix(req.URL.Path, "/v2/orders/count"):
			count.Do(func() { close(counted) })
		case strings.HasSuffix(req.URL.Path, "/v2/orders") && req.URL.Query().Get("is_deleted") == "true":
			archived.Do(func() { together = closesSoon(counted) })
		}
	}
	res, err := r.run(t, "orders", 10, func(j *Job) { j.Parallel = 4 })
	if err != nil {
		t.Fatal(err)
	}
	if res.Records != updated || updated < 20 {
		t.Errorf("the second run wrote %d orders; %d were changed", res.Records, updated)
	}
	if !together {
		t.Error("the window's count waited for the archived orders' list; want both read at once")
	}
}

// listPage reports whether req asks for a page of a stream's list: orders
// (not archived ones), products or customers.
func listPage(req *http.Request) bool {
	switch {
	case req.URL.Query().Get("is_deleted") != "":
		return false
	case strings.HasSuffix(req.URL.Path, "/v2/orders"), strings.HasSuffix(req.URL.Path, "/v3/catalog/products"),
		strings.HasSuffix(req.URL.Path, "/v3/customers"):
		return req.URL.Query().Get("page") != ""
	}
	return false
}

// closesSoon reports whether ch closes within 10 s. The tests of what goes
// out together hold one request back until another is sent; if it never
// is, the request goes after 10 s and the test fails, rather than hang.
func closesSoon(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	case <-time.After(10 * time.Second):
		return false
	}
}

// A V2 window's page 1 goes out with its first count and is the window's
// first records whatever the count finds. An order of page 1 modified (so
// gone from the window) after page 1 was read but before the later pages
// shifts every later page by one: page 2, which starts at page 1's last
// record, must find another there, and the run read on by keyset so that no
// order is left out. The count and the later pages wait for the change.
func TestLeadPageShiftCaughtByOverlap(t *testing.T) {
	t.Parallel()
	r := newRig(t, sandbox.Options{Seed: 13, Orders: 70})
	first, _, err := r.client.Orders.List(t.Context(), &bigcommerce.OrderListOptions{Sort: "date_modified:asc", Limit: 1})
	if err != nil || len(first) != 1 {
		t.Fatalf("the store's first order: %v, %v", first, err)
	}
	touched := first[0]
	modified := make(chan struct{})
	var once sync.Once
	var mu sync.Mutex
	overlapped, keyset := false, false
	r.hook.before = func(req *http.Request) {
		q := req.URL.Query()
		list := strings.HasSuffix(req.URL.Path, "/v2/orders")
		switch {
		case strings.HasSuffix(req.URL.Path, "/v2/orders/count"), list && q.Get("page") != "1":
			select { // the store as it is after the change
			case <-modified:
			case <-time.After(10 * time.Second):
			}
		}
		mu.Lock()
		defer mu.Unlock()
		switch {
		case list && q.Get("page") == "2" && q.Get("limit") == "18":
			overlapped = true // offsets 18 to 35: page 1's last two, then 16 more
		case list && q.Get("min_date_modified") != "":
			keyset = true
		}
	}
	r.hook.after = func(req *http.Request, send func() (*http.Response, error)) (*http.Response, error) {
		resp, err := send()
		if strings.HasSuffix(req.URL.Path, "/v2/orders") && req.URL.Query().Get("page") == "1" {
			once.Do(func() {
				if err := r.srv.Store.UpdateOrderStatus(touched.ID, 1+(touched.StatusID%13)); err != nil {
					t.Error(err)
				}
				close(modified)
			})
		}
		return resp, err
	}
	res, err := r.run(t, "orders", 20, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !overlapped || !keyset {
		t.Errorf("page 2 overlapping page 1 read: %v; the rest read by keyset: %v; want both", overlapped, keyset)
	}
	got := map[state.EmittedKey]int{}
	for _, k := range readOutput(t, r.out) {
		got[k]++
	}
	for k := range r.storeOrders(t, res.To) {
		if got[k] != 1 {
			t.Errorf("order %d version %d written %d times, want once", k.ID, k.DateModified, got[k])
		}
		delete(got, k)
	}
	for k := range got {
		if k.ID != int64(touched.ID) {
			t.Errorf("order %d version %d written but not in the store's window", k.ID, k.DateModified)
		}
	}
}

// A V2 window's page 1 goes out with its count, not a round trip after it
// (issue 18): the count is held back until page 1 is asked for, and let go
// after 10 s if it is not, which fails the test. A window shorter than a
// page is then read whole in that one round, with no page after it: the run
// starts at a date (Since), not from the beginning, so it reads no pages
// ahead of the count.
func TestLeadPageWithTheCount(t *testing.T) {
	t.Parallel()
	r := newRig(t, sandbox.Options{Seed: 14, Orders: 15})
	asked := make(chan struct{})
	var once sync.Once
	together := false
	var pages atomic.Int64
	r.hook.before = func(req *http.Request) {
		switch {
		case listPage(req):
			pages.Add(1)
			once.Do(func() { close(asked) })
		case strings.HasSuffix(req.URL.Path, "/v2/orders/count"):
			together = closesSoon(asked)
		}
	}
	res, err := r.run(t, "orders", 250, func(j *Job) { j.Since = time.Unix(1, 0) })
	if err != nil {
		t.Fatal(err)
	}
	if !together {
		t.Error("the window's count waited for no page 1; want page 1 sent with it")
	}
	if n := pages.Load(); n != 1 {
		t.Errorf("%d order list pages read for a window of one page, want 1", n)
	}
	checkOutputIs(t, r.out, r.storeOrders(t, res.To))
}

// A sync from the beginning reads the whole store, so its first pages go
// out with page 1 rather than a round trip after it (issue 18): page 1 (and
// the orders' count) are held back until a later page is asked for, and let
// go after 10 s if none is, which fails the test. A sync from a date sends page 1 alone
// (TestLeadPageWithTheCount).
func TestFullSyncPagesWithTheFirst(t *testing.T) {
	t.Parallel()
	for _, stream := range []string{"orders", "products", "customers"} {
		t.Run(stream, func(t *testing.T) {
			t.Parallel()
			r := newRig(t, sandbox.Options{Seed: 15, Orders: 90, Products: 60, Customers: 60})
			later := make(chan struct{})
			var sawLater, first sync.Once
			together := false
			r.hook.before = func(req *http.Request) {
				switch {
				case strings.HasSuffix(req.URL.Path, "/v2/orders/count"):
					closesSoon(later) // nor is the count's answer waited for
				case !listPage(req):
				case req.URL.Query().Get("page") == "1":
					first.Do(func() { together = closesSoon(later) })
				default:
					sawLater.Do(func() { close(later) })
				}
			}
			res, err := r.run(t, stream, 10, func(j *Job) { j.Parallel = 4 })
			if err != nil {
				t.Fatal(err)
			}
			if stream == "orders" {
				checkOutputIs(t, r.out, r.storeOrders(t, res.To))
			}
			if !together {
				t.Error("page 1 went out alone; want the pages after it sent with it")
			}
		})
	}
}

// A run over a burst of changes (every order updated, 20 a second, as an
// ERP posting shipments would) reads its window by pages that overlap
// across seconds shared by 20 orders, and nothing by keyset: a sync from
// the beginning, whose pages sent with page 1 overlap by 31 records; an
// incremental one, whose page 2 waits for page 1 so that its overlap spans
// page 1's last second, its later pages vouched for by counts where theirs
// do not (issue 18: with two records of overlap, 3,000 orders took 57 list
// pages, 36 of them by keyset, incremental, and 26, 12 by keyset, from the
// beginning).
func TestSyncOrdersBurstOfChanges(t *testing.T) {
	t.Parallel()
	clock := &mutableClock{}
	clock.set(time.Now().Add(-10 * time.Minute))
	r := newRig(t, sandbox.Options{Seed: 21, Orders: 3000, Now: clock.now})
	since := clock.now().Add(-time.Minute).Truncate(time.Second)
	n := 0
	for k := range r.storeOrders(t, clock.now()) {
		o, _ := r.srv.Store.Order(int(k.ID))
		if err := r.srv.Store.UpdateOrderStatus(int(k.ID), 1+(o.StatusID%13)); err != nil {
			t.Fatal(err)
		}
		if n++; n%20 == 0 {
			clock.add(time.Second)
		}
	}
	for _, full := range []bool{true, false} {
		var lists, keyset atomic.Int64
		r.hook.before = func(req *http.Request) {
			if listPage(req) {
				lists.Add(1)
				if m, err := time.Parse(time.RFC3339, req.URL.Query().Get("min_date_modified")); err == nil && (full || !m.Equal(since)) {
					keyset.Add(1)
				}
			}
		}
		clock.set(time.Now()) // the store's clock confirms the run's guess of it
		res, err := r.run(t, "orders", 250, func(j *Job) {
			j.Parallel, j.Workers = 16, 16
			if full {
				j.Full = true
			} else {
				j.Since = since
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		r.hook.before = nil
		most := int64(3000/200 + 2)
		if full {
			most += 16 // pages sent with page 1 past the window's end
		}
		if res.Total < 2000 || keyset.Load() != 0 || lists.Load() > most {
			t.Errorf("full %v: %d orders in the window read with %d list pages, %d of them by keyset; want them all by page number, %d pages at most",
				full, res.Total, lists.Load(), keyset.Load(), most)
		}
		checkOutputIs(t, r.out, r.storeOrders(t, res.To))
	}
}
