package worker

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/bigc-dev/bigc/importer"
	"github.com/bigc-dev/bigc/syncer"
)

// Metrics are a worker's figures in the Prometheus text format, per store
// (connection) and stream. They live in a registry of their own, not the
// process-wide default one.
type Metrics struct {
	reg         *prometheus.Registry
	requests    *prometheus.CounterVec
	limited     *prometheus.CounterVec
	records     *prometheus.CounterVec
	runs        *prometheus.CounterVec
	lag         *prometheus.GaugeVec
	lastSuccess *prometheus.GaugeVec
	importRows  *prometheus.CounterVec
	importFiles *prometheus.CounterVec
}

// NewMetrics registers the worker's metrics; New adds the quota left of each
// stream's store, read from its client when scraped.
func NewMetrics() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "bigc_requests_total",
			Help: "API requests sent to the store, retries included."}, []string{"connection"}),
		limited: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "bigc_rate_limited_total",
			Help: "Answers that were 429 Too Many Requests."}, []string{"connection"}),
		records: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "bigc_records_total",
			Help: "Records written to the stream's output."}, []string{"connection", "stream"}),
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "bigc_sync_runs_total",
			Help: "Sync runs, by result (ok or error)."}, []string{"connection", "stream", "result"}),
		lag: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "bigc_sync_lag_seconds",
			Help: "How far the output was behind the store's clock when the last successful run ended."}, []string{"connection", "stream"}),
		lastSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "bigc_sync_last_success_timestamp_seconds",
			Help: "When the last successful run ended (Unix time)."}, []string{"connection", "stream"}),
		importRows: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "bigc_import_rows_total",
			Help: "Rows of dropped files, by outcome (created, updated, unchanged, already_imported, rejected)."}, []string{"connection", "kind", "outcome"}),
		importFiles: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "bigc_import_files_total",
			Help: "Imports of dropped files, by result (done, unreadable, error)."}, []string{"connection", "kind", "result"}),
	}
	m.reg.MustRegister(m.requests, m.limited, m.records, m.runs, m.lag, m.lastSuccess, m.importRows, m.importFiles)
	return m
}

// observeRun records one run's result.
func (m *Metrics) observeRun(s Stream, res syncer.Result, err error, now time.Time) {
	m.records.WithLabelValues(s.Connection, s.Stream).Add(float64(res.Records))
	if err != nil {
		m.runs.WithLabelValues(s.Connection, s.Stream, "error").Inc()
		return
	}
	m.runs.WithLabelValues(s.Connection, s.Stream, "ok").Inc()
	m.lastSuccess.WithLabelValues(s.Connection, s.Stream).Set(float64(now.UnixMilli()) / 1000)
	if !res.To.IsZero() {
		m.lag.WithLabelValues(s.Connection, s.Stream).Set(now.Sub(res.To).Seconds())
	}
}

// observeImport records one import of a dropped file.
func (m *Metrics) observeImport(connection, kind string, sum importer.Summary, result string) {
	for outcome, n := range map[string]int{"created": sum.Created, "updated": sum.Updated, "unchanged": sum.Unchanged,
		"already_imported": sum.Done, "rejected": sum.Rejected} {
		m.importRows.WithLabelValues(connection, kind, outcome).Add(float64(n))
	}
	m.importFiles.WithLabelValues(connection, kind, result).Inc()
}

// Transport counts the requests sent for connection, and the 429s among
// their answers, around next (http.DefaultTransport when nil). Give it to the
// connection's client (bigcommerce.WithHTTPClient).
func (m *Metrics) Transport(connection string, next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return countingTransport{next: next, requests: m.requests.WithLabelValues(connection), limited: m.limited.WithLabelValues(connection)}
}

type countingTransport struct {
	next              http.RoundTripper
	requests, limited prometheus.Counter
}

func (t countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.requests.Inc()
	res, err := t.next.RoundTrip(r)
	if err == nil && res.StatusCode == http.StatusTooManyRequests {
		t.limited.Inc()
	}
	return res, err
}

// Handler serves /metrics (the Prometheus text format) and /healthz (200
// "ok" while the process serves).
func (m *Metrics) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	return mux
}

// quotaCollector reports each store's requests left in its quota window, as
// its client last heard.
type quotaCollector struct {
	desc    *prometheus.Desc
	streams []Stream
}

func quotaLeft(streams []Stream) prometheus.Collector {
	return quotaCollector{streams: streams, desc: prometheus.NewDesc("bigc_quota_left",
		"Requests left in the store's current rate-limit window, as the last answer reported (less those sent since).",
		[]string{"connection", "quota"}, nil)}
}

func (c quotaCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c quotaCollector) Collect(ch chan<- prometheus.Metric) {
	seen := map[string]bool{}
	for _, s := range c.streams {
		if seen[s.Connection] {
			continue
		}
		seen[s.Connection] = true
		rl := s.Client.RateLimit()
		if rl.UpdatedAt.IsZero() {
			continue // no answer yet
		}
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(rl.Left), s.Connection, strconv.Itoa(rl.Quota))
	}
}
