package syncer

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/sandbox/sandboxproc"
)

// limitCase is one stream's latency-bound export: how many records the
// sandbox seeds and the list page size the sync asks for.
type limitCase struct {
	stream   string
	records  int
	pageSize int
}

// limitCases are the exports BenchmarkSyncLimit times. Orders are read at
// the CLI's page size (250): most of their requests are coupon reads, one
// per order with a coupon discount. Products and customers cost no request
// per record, only list pages, so they are read 10 to a page to make the
// pages the bulk of the run: 4,000 records, 400 pages. (The sandbox sorts
// the whole list for every page, so more records cost CPU, not latency.)
//
// A run cannot be faster than its chain of round trips that wait on each
// other: its first carries the clock, page 1, for orders the count, and (a
// sync from the beginning) as many later pages as fit in flight; the next
// ones the pages left and the coupon reads of what came, the last what
// remains. With pages that vouch for themselves (chain.go), the issue's
// 1,896 orders take 197 requests at 8 in flight and 203 at 16 (six pages
// asked for with page 1 fall past the window's end), 13 round trips
// against a limit of 12.7 at 16. The sandbox's own round trip at 16 in
// flight is 2-3% over its latency (rtt-ms).
var limitCases = []limitCase{
	{StreamOrders, 1896, 250},
	{StreamOrders, 5000, 250},
	{StreamProducts, 4000, 10},
	{StreamCustomers, 4000, 10},
}

// BenchmarkSyncLimit exports each stream from the beginning out of a
// sandbox whose answers take 50 ms at least (a read's own work counted in
// them), with --workers 8 and 16 (the client's requests in flight, list
// pages read at once and records hydrated at once, as bigc sync sets them),
// and reports the run's time against its limit: the requests it sent (the
// sandbox's count, the clock read included) x 50 ms / requests in flight.
// x-limit is the ratio (issue 18 goal 1: at most 1.15).
//
// The sandbox runs in a child process (sandboxproc), so its CPU time, heap
// and garbage collection are not this process's; but it shares the
// machine's cores, and rendering 16 pages of 250 orders at once takes it
// longer than 50 ms. x-store-limit is the ratio against the time the
// store's answers actually held their slots (its Stats.AnswerSeconds, each
// from arrival to answer written) / requests in flight: what is left is the
// client's. x-busy-limit is the ratio against the client's view of the same
// (each request from sending to its body's end), ms/request its mean.
// x-rtt-limit is the ratio against the limit at the sandbox's own round
// trip with as many requests in flight (rtt-ms: the mean of GET /v2/time
// requests before the run, the latency plus what loopback HTTP, the
// sandbox's timers and the two processes sharing two cores add): what no
// client could beat on this rig.
// cpu-s is this process's user+system time, load1 the machine's load.
//
//	go test ./syncer -run '^$' -bench SyncLimit -benchtime 3x
//
// BIGC_BENCH_LATENCY (e.g. 100ms) changes the latency; BIGC_BENCH_NICE
// (e.g. 10) runs the sandbox at a lower CPU priority, as on machines of
// its own. BIGC_BENCH_TRACE names a directory to write each case's last
// run's requests to (one line each: sent and done in ms from the run's
// start, and the path).
func BenchmarkSyncLimit(b *testing.B) {
	latency := 50 * time.Millisecond
	if v := os.Getenv("BIGC_BENCH_LATENCY"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			b.Fatalf("BIGC_BENCH_LATENCY: %v", err)
		}
		latency = d
	}
	for _, c := range limitCases {
		for _, workers := range []int{8, 16} {
			b.Run(fmt.Sprintf("%s=%d/workers=%d", c.stream, c.records, workers), func(b *testing.B) {
				benchLimit(b, c, workers, latency)
			})
		}
	}
}

func benchLimit(b *testing.B, c limitCase, workers int, latency time.Duration) {
	opts := sandboxproc.Options{Seed: 25, Orders: -1, Products: -1, Customers: -1, Latency: latency, Nice: benchNice()}
	switch c.stream {
	case StreamOrders:
		opts.Orders, opts.Products, opts.Customers = c.records, 30, 20
	case StreamProducts:
		opts.Products = c.records
	case StreamCustomers:
		opts.Customers = c.records
	}
	var ratio, busyRatio, storeRatio, rttRatio, meanLatency, rttSum, secs, limit, cpu float64
	var requests, records int
	for b.Loop() {
		b.StopTimer()
		srv, err := sandboxproc.Start(b.Context(), opts)
		if err != nil {
			b.Fatal(err)
		}
		rt := &busyTransport{base: &http.Transport{MaxIdleConnsPerHost: 64}, trace: os.Getenv("BIGC_BENCH_TRACE") != ""}
		client, err := bigcommerce.NewClient(srv.StoreHash, srv.Tokens.Full, bigcommerce.WithBaseURL(srv.URL),
			bigcommerce.WithHTTPClient(&http.Client{Transport: rt}), bigcommerce.WithConcurrency(workers))
		if err != nil {
			b.Fatal(err)
		}
		db, w, done := benchOutput(b)
		src, err := NewSource(c.stream, client, OrderFilter{})
		if err != nil {
			b.Fatal(err)
		}
		job := &Job{Source: src, Writer: w, DB: db, Connection: "bench", StoreTime: client.Store.Time,
			Lag: time.Second, PageSize: c.pageSize, Workers: workers, Parallel: workers}
		job.Progress = func(p Progress) { rt.mark(time.Since(rt.start), fmt.Sprintf("(written: %d records)", p.Records)) }
		rtt, err := rigRoundTrip(b, srv, workers)
		if err != nil {
			b.Fatal(err)
		}
		before, err := srv.Settled(b.Context())
		if err != nil {
			b.Fatal(err)
		}
		cpu0 := cpuSeconds()
		b.StartTimer()
		start := time.Now()
		rt.start = start
		res, err := job.Run(b.Context())
		elapsed := time.Since(start)
		b.StopTimer()
		rt.mark(elapsed, "(the run's end)")
		cpu += cpuSeconds() - cpu0
		done()
		if err != nil {
			b.Fatal(err)
		}
		after, err := srv.Settled(b.Context())
		if err != nil {
			b.Fatal(err)
		}
		srv.Close()
		if err := rt.writeTrace(b.Name()); err != nil {
			b.Fatal(err)
		}
		n := after.Requests - before.Requests
		atStore := time.Duration((after.AnswerSeconds - before.AnswerSeconds) * float64(time.Second))
		l := time.Duration(n) * latency / time.Duration(workers)
		busy := time.Duration(rt.busy.Load()) / time.Duration(workers)
		requests, records = n, res.Records
		secs += elapsed.Seconds()
		limit += l.Seconds()
		ratio += elapsed.Seconds() / l.Seconds()
		busyRatio += elapsed.Seconds() / busy.Seconds()
		storeRatio += elapsed.Seconds() / (atStore / time.Duration(workers)).Seconds()
		rttRatio += elapsed.Seconds() / (time.Duration(n) * rtt / time.Duration(workers)).Seconds()
		rttSum += rtt.Seconds()
		meanLatency += time.Duration(rt.busy.Load()).Seconds() / float64(rt.n.Load())
		b.StartTimer()
	}
	runs := float64(b.N)
	b.ReportMetric(float64(records), "records")
	b.ReportMetric(float64(requests), "requests")
	b.ReportMetric(secs/runs, "s/run")
	b.ReportMetric(limit/runs, "s-limit")
	b.ReportMetric(ratio/runs, "x-limit")
	b.ReportMetric(1000*meanLatency/runs, "ms/request")
	b.ReportMetric(busyRatio/runs, "x-busy-limit")
	b.ReportMetric(storeRatio/runs, "x-store-limit")
	b.ReportMetric(rttRatio/runs, "x-rtt-limit")
	b.ReportMetric(1000*rttSum/runs, "rtt-ms")
	b.ReportMetric(cpu/runs, "cpu-s")
	b.ReportMetric(loadAverage(), "load1")
}

// rigRoundTrip is the mean time of GET /v2/time requests to srv sent by
// inFlight goroutines, 4 each one after another: the fastest a request is
// answered there with that many in flight, whatever the client does.
func rigRoundTrip(b *testing.B, srv *sandboxproc.Store, inFlight int) (time.Duration, error) {
	url := srv.URL + "/stores/" + srv.StoreHash + "/v2/time"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: inFlight}}
	defer client.CloseIdleConnections()
	var total atomic.Int64
	g, ctx := errgroup.WithContext(b.Context())
	for range inFlight {
		g.Go(func() error {
			for range 4 {
				req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
				if err != nil {
					return err
				}
				req.Header.Set("X-Auth-Token", srv.Tokens.Full)
				start := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					return err
				}
				_, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if err != nil {
					return err
				}
				total.Add(int64(time.Since(start)))
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return 0, err
	}
	return time.Duration(total.Load()) / time.Duration(4*inFlight), nil
}

// busyTransport adds up how long its requests took, from sending each to
// its body's end, and counts them.
// With trace set it keeps each request's times from start and its path.
type busyTransport struct {
	base  http.RoundTripper
	busy  atomic.Int64 // nanoseconds
	n     atomic.Int64
	trace bool
	start time.Time

	mu    sync.Mutex
	lines []string
}

func (t *busyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.base.RoundTrip(r)
	t.n.Add(1)
	done := func() {
		end := time.Now()
		t.busy.Add(int64(end.Sub(start)))
		t.keep(start.Sub(t.start), end.Sub(t.start), r.URL.Path+"?"+r.URL.RawQuery)
	}
	if err != nil {
		done()
		return resp, err
	}
	resp.Body = &timedBody{ReadCloser: resp.Body, done: done}
	return resp, nil
}

// mark adds a line for an event at d from start to the trace.
func (t *busyTransport) mark(d time.Duration, what string) { t.keep(d, d, what) }

// keep adds a line to the trace, if kept: what went from from to to, in ms
// from start.
func (t *busyTransport) keep(from, to time.Duration, what string) {
	if !t.trace {
		return
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	t.mu.Lock()
	defer t.mu.Unlock()
	t.lines = append(t.lines, fmt.Sprintf("%8.1f %8.1f %s", ms(from), ms(to), what))
}

// writeTrace writes the requests kept, in the order they were sent, to
// BIGC_BENCH_TRACE/name (slashes and = in name as -), and forgets them.
func (t *busyTransport) writeTrace(name string) error {
	if !t.trace {
		return nil
	}
	t.mu.Lock()
	lines := t.lines
	t.lines = nil
	t.mu.Unlock()
	slices.Sort(lines) // by the sending time, right-aligned
	dir := os.Getenv("BIGC_BENCH_TRACE")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	file := filepath.Join(dir, strings.NewReplacer("/", "-", "=", "-").Replace(name)+".txt")
	return os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
}

// timedBody calls done once, when the body is read to its end or closed.
type timedBody struct {
	io.ReadCloser
	once sync.Once
	done func()
}

func (b *timedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil {
		b.once.Do(b.done)
	}
	return n, err
}

func (b *timedBody) Close() error {
	b.once.Do(b.done)
	return b.ReadCloser.Close()
}

// cpuSeconds is this process's user and system time so far.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// loadAverage is the machine's one-minute load average, or -1 where
// /proc/loadavg cannot be read.
func loadAverage() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return -1
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return -1
	}
	v, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return -1
	}
	return v
}

// benchNice is BIGC_BENCH_NICE, the lower CPU priority the sandbox's
// process runs at (0 if unset).
func benchNice() int {
	n, _ := strconv.Atoi(os.Getenv("BIGC_BENCH_NICE"))
	return n
}
