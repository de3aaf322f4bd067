package syncer

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/sandbox"
	"github.com/bigc-dev/bigc/sandbox/sandboxtest"
	"github.com/bigc-dev/bigc/state"
)

// statusRecorder notes when each 429 arrived.
type statusRecorder struct {
	mu    sync.Mutex
	at429 []time.Time
}

func (s *statusRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err == nil && resp.StatusCode == http.StatusTooManyRequests {
		s.mu.Lock()
		s.at429 = append(s.at429, time.Now())
		s.mu.Unlock()
	}
	return resp, err
}

// benchClient is a client of srv sending through rt, concurrency requests at once.
func benchClient(b *testing.B, srv *sandbox.Server, rt http.RoundTripper, concurrency int) *bigcommerce.Client {
	client, err := bigcommerce.NewClient(srv.StoreHash, srv.Tokens.Full, bigcommerce.WithBaseURL(srv.URL),
		bigcommerce.WithHTTPClient(&http.Client{Transport: rt}), bigcommerce.WithConcurrency(concurrency))
	if err != nil {
		b.Fatal(err)
	}
	return client
}

// benchOutput opens a state database and an output file in a new directory
// for one run; done closes both.
func benchOutput(b *testing.B) (db *state.DB, w *Writer, done func()) {
	dir := b.TempDir()
	db, err := state.Open(b.Context(), filepath.Join(dir, "state.db"))
	if err != nil {
		b.Fatal(err)
	}
	w, err = OpenFile(b.Context(), db, filepath.Join(dir, "out.jsonl"))
	if err != nil {
		b.Fatal(err)
	}
	return db, w, func() { w.Close(); db.Close() }
}

// runJob runs job once, then done, and returns the result and how long
// the run took.
func runJob(b *testing.B, job *Job, done func()) (Result, time.Duration) {
	start := time.Now()
	res, err := job.Run(b.Context())
	elapsed := time.Since(start)
	done()
	if err != nil {
		b.Fatal(err)
	}
	return res, elapsed
}

func benchJob(b *testing.B, srv *sandbox.Server, rt http.RoundTripper, concurrency, workers, parallel, pageSize int) (*Job, func()) {
	client := benchClient(b, srv, rt, concurrency)
	db, w, done := benchOutput(b)
	job := &Job{Source: &OrderSource{Client: client}, Writer: w, DB: db, Connection: "bench", StoreTime: client.Store.Time,
		PageSize: pageSize, Workers: workers, Parallel: parallel, Lag: time.Second}
	return job, done
}

// BenchmarkSyncQuotaBound syncs 5,000 orders under the Standard plan's rate
// (150 requests per 30 s) with the window scaled down (15 per 300 ms, and 150
// per 3 s) and reports how long the run took against the time the requests
// it made take at the quota's rate, and the 429s after the first window.
func BenchmarkSyncQuotaBound(b *testing.B) {
	for _, q := range []struct {
		quota  int
		window time.Duration
	}{{15, 300 * time.Millisecond}, {150, 3 * time.Second}} {
		b.Run(fmt.Sprintf("quota=%d/%s", q.quota, q.window), func(b *testing.B) { benchQuota(b, q.quota, q.window) })
	}
}

func benchQuota(b *testing.B, quota int, window time.Duration) {
	for b.Loop() {
		srv := sandboxtest.NewServer(b, sandbox.Options{Seed: 21, Orders: 5000, Products: 30, Customers: 20})
		rec := &statusRecorder{}
		job, done := benchJob(b, srv, rec, 8, 8, 8, 50)
		srv.Store.SetQuota(quota, window)
		start := time.Now()
		res, elapsed := runJob(b, job, done)
		st := srv.Store.Stats()
		// The quota's rate: quota requests per window. (Bursting the first
		// window's quota at once could beat it by up to one window.)
		ideal := time.Duration(float64(st.Requests) / float64(quota) * float64(window))
		late := 0
		for _, t := range rec.at429 {
			if t.Sub(start) > window {
				late++
			}
		}
		b.ReportMetric(float64(res.Records), "records")
		b.ReportMetric(float64(st.Requests), "requests")
		b.ReportMetric(elapsed.Seconds(), "s/run")
		b.ReportMetric(ideal.Seconds(), "s-at-quota-rate")
		b.ReportMetric(100*(elapsed.Seconds()/ideal.Seconds()-1), "%over-quota-rate")
		b.ReportMetric(float64(st.RateLimited), "429s")
		b.ReportMetric(float64(late), "429s-after-first-window")
	}
}

// BenchmarkSyncLatencyBound exports about 400 pages of 25 orders (10,000
// orders) with 100 ms added to every answer and no quota. concurrency=N lets
// N requests be in flight (client concurrency, list pages read at once and
// records hydrated at once); concurrency=1 sends one request at a time.
func BenchmarkSyncLatencyBound(b *testing.B) {
	for _, n := range []int{16, 8, 1} {
		b.Run(fmt.Sprintf("concurrency=%d", n), func(b *testing.B) {
			orders := 10000
			if v := os.Getenv("BIGC_BENCH_ORDERS"); v != "" {
				orders, _ = strconv.Atoi(v)
			}
			for b.Loop() {
				srv := sandboxtest.NewServer(b, sandbox.Options{Seed: 22, Orders: orders, Products: 30, Customers: 20, Latency: 100 * time.Millisecond})
				job, done := benchJob(b, srv, http.DefaultTransport, n, n, n, 25)
				res, elapsed := runJob(b, job, done)
				st := srv.Store.Stats()
				b.ReportMetric(float64(res.Records), "records")
				b.ReportMetric(float64(res.Pages), "pages")
				b.ReportMetric(float64(st.Requests), "requests")
				b.ReportMetric(elapsed.Seconds(), "s/run")
			}
		})
	}
}

// BenchmarkEncodeAndWrite measures the CPU cost per record of what the sync
// does once a page has arrived: decoding a V2 page of orders with
// consignments, building whole records, encoding the envelopes and appending
// them (with the ledger and an fsync per page) to a file. Run with -cpu 1 for
// records per second per core.
func BenchmarkEncodeAndWrite(b *testing.B) {
	srv := sandboxtest.NewServer(b, sandbox.Options{Seed: 23, Orders: 250, Products: 30, Customers: 20})
	client, err := bigcommerce.NewClient(srv.StoreHash, srv.Tokens.Full, bigcommerce.WithBaseURL(srv.URL))
	if err != nil {
		b.Fatal(err)
	}
	q := map[string][]string{"limit": {"250"}, "include": {"consignments.line_items"}, "consignment_structure": {"object"}}
	raw, err := client.Do(b.Context(), bigcommerce.RawRequest{Method: "GET", Path: "/v2/orders", Query: q})
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	db, err := state.Open(b.Context(), filepath.Join(dir, "state.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	w, err := OpenFile(b.Context(), db, filepath.Join(dir, "out.jsonl"))
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	b.SetBytes(int64(len(raw.Body)))
	records := 0
	round := 0
	for b.Loop() {
		round++
		var orders []*bigcommerce.Order
		if err := json.Unmarshal(raw.Body, &orders); err != nil {
			b.Fatal(err)
		}
		envs := make([]Envelope, 0, len(orders))
		for _, o := range orders {
			o.CouponDiscount = "0" // no coupon request: only CPU is measured
			rec, err := HydrateOrder(b.Context(), client, o)
			if err != nil {
				b.Fatal(err)
			}
			e, err := OrderEnvelope(rec)
			if err != nil {
				b.Fatal(err)
			}
			e.DateModified = e.DateModified.Add(time.Duration(round) * time.Second) // a new version each round
			envs = append(envs, e)
		}
		if _, err := w.Append(b.Context(), envs); err != nil {
			b.Fatal(err)
		}
		records += len(envs)
	}
	b.ReportMetric(float64(records)/b.Elapsed().Seconds(), "records/s")
}

// memChildEnv makes the test binary a sync child that reports its peak RSS.
const memChildEnv = "BIGC_SYNCER_MEM_CHILD"

// runMemChild syncs every order from the sandbox at BIGC_KILL_URL and prints
// "records peak_rss_kib seconds".
func runMemChild() int {
	env := func(k string) string { return os.Getenv("BIGC_KILL_" + k) }
	client, err := bigcommerce.NewClient(env("HASH"), env("TOKEN"), bigcommerce.WithBaseURL(env("URL")), bigcommerce.WithConcurrency(8))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ctx := context.Background()
	db, err := state.Open(ctx, env("STATE"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	w, err := OpenFile(ctx, db, env("OUT"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	job := &Job{Source: &OrderSource{Client: client}, Writer: w, DB: db, Connection: "mem", StoreTime: client.Store.Time, Lag: time.Second}
	start := time.Now()
	res, err := job.Run(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println(res.Records, peakRSSKiB(), time.Since(start).Seconds())
	return 0
}

func peakRSSKiB() int {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return n
		}
	}
	return -1
}

// BenchmarkSyncMemory syncs BIGC_BENCH_ORDERS orders (default 100,000; the
// figure for the issue is 1,000,000) from a sandbox in this process into a
// child process, and reports the child's peak RSS (VmHWM).
func BenchmarkSyncMemory(b *testing.B) {
	orders := 100000
	if v := os.Getenv("BIGC_BENCH_ORDERS"); v != "" {
		orders, _ = strconv.Atoi(v)
	}
	srv, err := sandbox.Start("", sandbox.Options{Seed: 24, Orders: orders, Products: 50, Customers: 40})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	for b.Loop() {
		dir := b.TempDir()
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), memChildEnv+"=1",
			"BIGC_KILL_URL="+srv.URL, "BIGC_KILL_HASH="+srv.StoreHash, "BIGC_KILL_TOKEN="+srv.Tokens.Full,
			"BIGC_KILL_OUT="+filepath.Join(dir, "orders.jsonl"), "BIGC_KILL_STATE="+filepath.Join(dir, "state.db"))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			b.Fatalf("child: %v: %s", err, stderr.String())
		}
		var records, rss int
		var secs float64
		if _, err := fmt.Sscan(string(out), &records, &rss, &secs); err != nil {
			b.Fatalf("child printed %q", out)
		}
		b.ReportMetric(float64(records), "records")
		b.ReportMetric(float64(rss)/1024, "peak-RSS-MiB")
		b.ReportMetric(secs, "s/run")
		b.ReportMetric(float64(records)/secs, "records/s")
	}
}
