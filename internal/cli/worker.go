package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/syncer"
	"github.com/bigc-dev/bigc/worker"
)

// workerFlags are bigc worker's flags.
type workerFlags struct {
	connections []string
	quotaRedis  string
	schedule    string
	outDir      string
	statePath   string
	once        bool
	webhooks    bool
	metricsAddr string
	lag         time.Duration
	leaseTTL    time.Duration
	workers     int
	parallel    int
	imports     string
	settle      time.Duration
	createCats  bool
	guard       writeGuard
}

func (a *app) workerCmd() *cobra.Command {
	var f workerFlags
	cmd := &cobra.Command{
		Use:   "worker [--connection NAME]... [--schedule orders=1m,...] [--once]",
		Short: "Keep every connection's streams in step on a schedule, sharing the work with other workers",
		Long: `Syncs each (connection, stream) on its own schedule into OUT-DIR/CONNECTION/STREAM.jsonl,
as bigc sync does, until interrupted. Several workers, on one machine or many, share the work
through the state's leases (--state postgres://... for many machines): a stream is synced by one
worker at a time, not again before its interval has passed wherever it ran, and a killed worker's
streams go to the others once their leases run out (--lease-timeout).

--once runs one round (every stream that is due and free) and exits, for cron and tests; it
exits non-zero when a run failed. --webhooks also hydrates the events that bigc webhooks listen
(on any machine sharing the state) stored, into the same outputs; workers claim each event once. --metrics-addr serves /metrics (Prometheus text format: per
store requests, 429s, quota left; per stream records, runs, lag, last success) and /healthz.
Logs are one line per run: JSON when stderr is not a terminal. --quota-redis (or
BIGC_REDIS_URL) shares each store's quota with every process using the same Redis.

--imports DIR imports the files dropped into DIR/CONNECTION/products/ (JSON Lines or bigc's
CSV; products/woocommerce/ and products/shopify/ for those platforms' exports), inventory/ and
customers/, as bigc import does, each file once: under a lease, with the journal, then moved
to done/ beside it (with FILE.rejected.jsonl when rows were rejected; an unreadable file goes
to failed/ with FILE.error). Only files named *.jsonl, *.ndjson, *.json or *.csv, not starting
with a dot, and unmodified for --imports-settle are taken: write a file under another name
(FILE.csv.tmp) and rename it into place. On a --production connection, --imports needs --yes.`,
		Example: `  bigc worker --state postgres://bigc@db/bigc --out-dir /data/bigc --quota-redis redis://cache:6379/0 --metrics-addr 127.0.0.1:9464
  bigc worker --connection shop --schedule orders=1m,products=15m --once
  bigc worker --connection shop --imports /data/bigc-imports --create-categories --yes`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runWorker(cmd.Context(), &f)
		},
	}
	fl := cmd.Flags()
	fl.StringSliceVar(&f.connections, "connection", nil, "the connections to keep in step (repeat or comma-separate; default every saved connection)")
	fl.StringVar(&f.quotaRedis, "quota-redis", "", "share each store's request quota with every process using this Redis, e.g. redis://127.0.0.1:6379/0 (default $"+redisURLEnv+")")
	fl.StringVar(&f.schedule, "schedule", "orders=1m,products=15m,customers=15m", "the streams to sync and how often, STREAM=INTERVAL, comma-separated")
	fl.StringVar(&f.outDir, "out-dir", "bigc-worker", "the directory holding the outputs, CONNECTION/STREAM.jsonl")
	fl.StringVar(&f.statePath, "state", "", "state database holding the checkpoints and leases: a file, or postgres://... shared by workers on many machines (default $BIGC_STATE_URL, else state.db in the configuration directory)")
	fl.BoolVar(&f.once, "once", false, "run one round and exit")
	fl.BoolVar(&f.webhooks, "webhooks", false, "also turn the webhook events bigc webhooks listen stored in the state into records in the same outputs")
	fl.StringVar(&f.metricsAddr, "metrics-addr", "", "serve /metrics and /healthz on this host:port (loopback unless told otherwise)")
	fl.DurationVar(&f.lag, "lag", 2*time.Second, "safety lag taken off the store's clock for each window's upper bound")
	fl.DurationVar(&f.leaseTTL, "lease-timeout", 30*time.Second, "how long a worker that died keeps its streams from the others")
	fl.IntVar(&f.workers, "workers", 8, "records one sync hydrates at once (and requests in flight per store)")
	fl.IntVar(&f.parallel, "parallel", 4, "streams synced at once")
	fl.StringVar(&f.imports, "imports", "", "import the files dropped into DIR/CONNECTION/{products,products/woocommerce,products/shopify,inventory,customers}/")
	fl.DurationVar(&f.settle, "imports-settle", worker.DefaultSettle, "take a dropped file only once it has not been modified for this long")
	fl.BoolVar(&f.createCats, "create-categories", false, "product imports create category paths that do not exist (else such rows are rejected)")
	f.guard.register(cmd)
	return cmd
}

// parseSchedule reads STREAM=INTERVAL pairs.
func parseSchedule(s string) (map[string]time.Duration, error) {
	out := map[string]time.Duration{}
	for part := range strings.SplitSeq(s, ",") {
		stream, every, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return nil, badInputf("--schedule %q: want STREAM=INTERVAL pairs, e.g. orders=1m,products=15m", part)
		}
		if _, ok := syncer.Lookup(stream); !ok {
			return nil, badInputf("--schedule: stream %q: want one of %s", stream, syncer.StreamNames())
		}
		d, err := time.ParseDuration(every)
		if err != nil || d < time.Second {
			return nil, badInputf("--schedule: %s=%s: want an interval of at least 1s, e.g. 1m", stream, every)
		}
		if _, dup := out[stream]; dup {
			return nil, badInputf("--schedule: %s given twice", stream)
		}
		out[stream] = d
	}
	return out, nil
}

func (a *app) runWorker(ctx context.Context, f *workerFlags) error {
	schedule, err := parseSchedule(f.schedule)
	if err != nil {
		return err
	}
	switch {
	case f.workers < 1 || f.workers > 64:
		return badInputf("--workers %d: want 1 to 64", f.workers)
	case f.parallel < 1:
		return badInputf("--parallel %d: want 1 or more", f.parallel)
	case f.leaseTTL < time.Second:
		return badInputf("--lease-timeout %s: want at least 1s", f.leaseTTL)
	case f.lag < 0:
		return badInputf("--lag %s: want zero or a positive duration", f.lag)
	case f.settle <= 0:
		return badInputf("--imports-settle %s: want a positive duration, e.g. 10s", f.settle)
	}
	names := f.connections
	if len(names) == 0 {
		dir, err := a.connectionDir()
		if err != nil {
			return err
		}
		if names, err = dir.Names(); err != nil {
			return err
		}
		if len(names) == 0 {
			return badInputf("no connections saved: add one with bigc connection add, or pass --connection NAME")
		}
	}
	db, _, err := a.openStore(ctx, f.statePath)
	if err != nil {
		return err
	}
	defer db.Close()

	metrics := worker.NewMetrics()
	var streams []worker.Stream
	for _, name := range names {
		tf := &targetFlags{concurrency: f.workers, quotaRedis: f.quotaRedis,
			extra: []bigcommerce.Option{bigcommerce.WithHTTPClient(&http.Client{Transport: metrics.Transport(name, nil)})}}
		t, err := a.openConnection(tf, name)
		if err != nil {
			return err
		}
		defer t.Close()
		if err := f.guard.allow(t, "bigc worker --imports", f.imports != ""); err != nil {
			return err
		}
		for _, spec := range syncer.Streams() {
			if every, ok := schedule[spec.Name]; ok {
				streams = append(streams, worker.Stream{Connection: t.Name, Client: t.Client, Stream: spec.Name, Every: every})
			}
		}
	}
	lag := f.lag
	if lag == 0 {
		lag = time.Nanosecond // Job reads 0 as the default; a nanosecond is no lag at second granularity
	}
	w, err := worker.New(worker.Config{State: db, OutDir: f.outDir, Streams: streams, Lag: lag, Workers: f.workers,
		Parallel: f.parallel, LeaseTTL: f.leaseTTL, Logger: a.workerLogger(), Metrics: metrics, Webhooks: f.webhooks,
		Imports: worker.Imports{Dir: f.imports, Settle: f.settle, CreateCategories: f.createCats}})
	if err != nil {
		return err
	}
	if f.metricsAddr != "" {
		stop, err := a.serveMetrics(ctx, f.metricsAddr, metrics.Handler())
		if err != nil {
			return err
		}
		defer stop()
	}
	if f.once {
		_, err := w.RunOnce(ctx)
		return err
	}
	return w.Run(ctx)
}

// workerLogger writes one line per run on stderr: JSON for a log collector,
// text on a terminal.
func (a *app) workerLogger() *slog.Logger {
	if f, ok := a.stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return slog.New(slog.NewTextHandler(a.stderr, nil))
	}
	return slog.New(slog.NewJSONHandler(a.stderr, nil))
}

// serveMetrics serves h on addr until stop is called.
func (a *app) serveMetrics(ctx context.Context, addr string, h http.Handler) (stop func(), err error) {
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return nil, badInputf("--metrics-addr %q is not host:port (e.g. 127.0.0.1:9464)", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--metrics-addr %s: %w", addr, err)
	}
	fmt.Fprintf(a.stderr, "bigc: metrics at http://%s/metrics\n", ln.Addr())
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintf(a.stderr, "bigc: metrics server: %v\n", err)
		}
	}()
	return func() {
		shut, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		srv.Shutdown(shut)
		<-done
	}, nil
}
