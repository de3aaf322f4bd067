// Package worker keeps configured (connection, stream) syncs in step from a
// long-running process: each stream is synced on its own schedule into
// OutDir/CONNECTION/STREAM.jsonl, and several workers, on one machine or
// many, share the work through the state's leases, so that a stream is
// synced by one worker at a time and a killed worker's streams go to the
// others once its leases run out.
//
// When a stream is due is kept in the state, which every worker sharing it
// sees: a stream synced a moment ago by another worker is not synced again
// until its interval has passed. Each run is one log line and
// updates the metrics (metrics.go).
//
// A worker can also import the files dropped into each connection's folders
// (imports.go), each once, and hydrate the webhook events stored in the
// state (hydrate.go).
package worker

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/state"
	"github.com/bigc-dev/bigc/syncer"
)

// Stream is one (connection, stream) a worker keeps in step.
type Stream struct {
	// Connection names the store, as in the checkpoints and leases.
	Connection string
	// Client talks to the store; every Stream of one connection must share
	// one (its governor keeps the store's quota).
	Client *bigcommerce.Client
	// Stream is orders, products or customers.
	Stream string
	// Every is the interval between two syncs of the stream.
	Every time.Duration
}

// Config configures a Worker.
type Config struct {
	// State holds the checkpoints, the output ledgers and the leases; a
	// PostgreSQL state is what several machines share.
	State state.Store
	// OutDir holds the outputs, OutDir/CONNECTION/STREAM.jsonl.
	OutDir  string
	Streams []Stream
	// Lag is taken off the store's clock for each window's upper bound
	// (syncer.Job.Lag); default 2s.
	Lag time.Duration
	// Workers bounds the records one sync hydrates at once; default 8.
	Workers int
	// Parallel bounds the streams synced at once; default 4.
	Parallel int
	// LeaseTTL is how long a stream's lease outlives a worker that died;
	// default state.DefaultLeaseTTL.
	LeaseTTL time.Duration
	// Logger gets one line per run; default discards.
	Logger *slog.Logger
	// Metrics, when set, is updated after every run.
	Metrics *Metrics
	// Now is the clock of the metrics' timestamps; default time.Now.
	Now func() time.Time
	// Webhooks also turns each connection's webhook events, stored in the
	// state's inbox by bigc webhooks listen, into records in the same
	// outputs (hydrate.go).
	Webhooks bool
	// Imports, when its Dir is set, also imports the files dropped into
	// each connection's folders (imports.go).
	Imports Imports
}

// Worker runs the configured syncs.
type Worker struct {
	cfg       Config
	hydrators []*hydrator
	imports   []importConn
	// running marks the streams this process is syncing, so that a round
	// does not start a stream whose previous run is still going.
	mu      sync.Mutex
	running map[string]bool
}

// Outcome is what one round did with a stream.
type Outcome string

// The outcomes of a stream in a round.
const (
	Synced    Outcome = "synced"    // ran and succeeded
	Failed    Outcome = "failed"    // ran and failed; retried when due again
	NotDue    Outcome = "not_due"   // synced less than Every ago, here or elsewhere
	Elsewhere Outcome = "elsewhere" // another worker holds its lease
)

// New checks cfg and fills in defaults.
func New(cfg Config) (*Worker, error) {
	switch {
	case cfg.State == nil:
		return nil, errors.New("worker: no state to keep checkpoints and leases in")
	case cfg.OutDir == "":
		return nil, errors.New("worker: no output directory")
	case len(cfg.Streams) == 0:
		return nil, errors.New("worker: no streams to keep in step")
	}
	for _, s := range cfg.Streams {
		if s.Client == nil || s.Connection == "" || s.Every <= 0 {
			return nil, fmt.Errorf("worker: stream %s/%s needs a client, a connection name and a positive interval", s.Connection, s.Stream)
		}
		if _, err := syncer.NewSource(s.Stream, s.Client, syncer.OrderFilter{}); err != nil {
			return nil, fmt.Errorf("worker: %w", err)
		}
	}
	dir, err := filepath.Abs(cfg.OutDir)
	if err != nil {
		return nil, fmt.Errorf("worker: output directory: %w", err)
	}
	cfg.OutDir = dir
	if cfg.Lag <= 0 {
		cfg.Lag = 2 * time.Second
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 8
	}
	if cfg.Parallel <= 0 {
		cfg.Parallel = 4
	}
	if cfg.LeaseTTL <= 0 {
		cfg.LeaseTTL = state.DefaultLeaseTTL
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Metrics != nil {
		if err := cfg.Metrics.reg.Register(quotaLeft(cfg.Streams)); err != nil {
			return nil, fmt.Errorf("worker: metrics: %w", err)
		}
	}
	w := &Worker{cfg: cfg, running: map[string]bool{}}
	if cfg.Webhooks {
		var err error
		if w.hydrators, err = w.newHydrators(); err != nil {
			return nil, fmt.Errorf("worker: %w", err)
		}
	}
	if cfg.Imports.Dir != "" {
		if err := w.newImports(); err != nil {
			return nil, fmt.Errorf("worker: %w", err)
		}
	}
	return w, nil
}

// OutputPath is where a stream's records go.
func (w *Worker) OutputPath(connection, stream string) string {
	return filepath.Join(w.cfg.OutDir, connection, stream+".jsonl")
}

// RunOnce syncs, Parallel at a time, every stream that is due and whose
// lease is free, and returns what it did with each, in the order of
// Config.Streams; with Imports it also imports each connection's ready
// files, and with Webhooks it then hydrates one batch of each connection's
// due webhook events. The error joins the failures.
func (w *Worker) RunOnce(ctx context.Context) ([]Outcome, error) {
	out := make([]Outcome, len(w.cfg.Streams))
	errs := make([]error, len(w.cfg.Streams)+len(w.imports))
	var g errgroup.Group
	g.SetLimit(w.cfg.Parallel)
	for i, s := range w.cfg.Streams {
		if ctx.Err() != nil {
			break
		}
		g.Go(func() error {
			out[i], errs[i] = w.runStream(ctx, s)
			return nil
		})
	}
	for i, c := range w.imports {
		if ctx.Err() != nil {
			break
		}
		g.Go(func() error {
			errs[len(w.cfg.Streams)+i] = w.runImports(ctx, c)
			return nil
		})
	}
	g.Wait()
	for _, h := range w.hydrators {
		if _, err := h.worker.ProcessDue(ctx); err != nil {
			errs = append(errs, err)
		}
		h.out.Close()
	}
	return out, errors.Join(errs...)
}

// Run runs rounds until ctx is done: every second it starts the streams that
// have become due. A failed run is logged and tried again when due.
func (w *Worker) Run(ctx context.Context) error {
	var hydrating sync.WaitGroup
	defer hydrating.Wait()
	for _, h := range w.hydrators {
		hydrating.Go(func() {
			defer h.out.Close()
			h.worker.Run(ctx)
		})
	}
	t := time.NewTicker(time.Second)
	defer t.Stop()
	var g errgroup.Group
	g.SetLimit(w.cfg.Parallel)
	defer g.Wait()
	for {
		for _, s := range w.cfg.Streams {
			if ctx.Err() != nil {
				return nil
			}
			if !w.claim(key(s)) {
				continue // still running from an earlier round
			}
			// Waits for one of the Parallel slots, so that every stream gets
			// its turn in order rather than the first ones taking every slot
			// that frees.
			g.Go(func() error {
				defer w.unclaim(key(s))
				w.runStream(ctx, s)
				return nil
			})
		}
		for _, c := range w.imports {
			if ctx.Err() != nil {
				return nil
			}
			if !w.claim(c.name + " imports") {
				continue // still importing from an earlier round
			}
			g.Go(func() error {
				defer w.unclaim(c.name + " imports")
				w.runImports(ctx, c)
				return nil
			})
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

func key(s Stream) string { return s.Connection + "/" + s.Stream }

// claim marks the work named k (a stream's key, or a connection's imports)
// as running here, unless it already is.
func (w *Worker) claim(k string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.running[k] {
		return false
	}
	w.running[k] = true
	return true
}

func (w *Worker) unclaim(k string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.running, k)
}

// ScheduleLeaseName names the lease that marks a stream as synced recently:
// a successful run holds it for the stream's interval, wherever it ran.
func ScheduleLeaseName(connection, stream string) string {
	return "schedule/" + connection + "/" + stream
}

// runStream syncs one stream if its lease is free and it is due. When a
// stream is due is kept in the state as a lease too (ScheduleLeaseName): a
// run takes it for as long as the sync lease lasts and, once it succeeds,
// holds it for the interval (a tenth of it less, so that a cron round at
// the same interval does not miss it by a moment). A run that fails gives
// it back, and one whose worker dies loses it with the sync lease, so the
// stream is due again at once rather than an interval later.
func (w *Worker) runStream(ctx context.Context, s Stream) (Outcome, error) {
	lease, err := state.AcquireLease(ctx, w.cfg.State, state.SyncLeaseName(s.Connection, s.Stream), state.LeaseOptions{TTL: w.cfg.LeaseTTL})
	if errors.Is(err, state.ErrLeaseHeld) {
		return Elsewhere, nil
	}
	if err != nil {
		return Failed, w.notStarted(s, err)
	}
	defer lease.Release(context.WithoutCancel(ctx))
	schedule, token := ScheduleLeaseName(s.Connection, s.Stream), newToken()
	_, due, err := w.cfg.State.TryLease(ctx, schedule, state.DefaultHolder(), token, w.cfg.LeaseTTL)
	if err != nil {
		return Failed, w.notStarted(s, err)
	}
	if !due {
		return NotDue, nil
	}
	runCtx, stop := whileLeased(ctx, lease)
	defer stop()

	start := time.Now()
	res, err := w.sync(runCtx, s)
	if cause := context.Cause(runCtx); err != nil && errors.Is(cause, state.ErrLeaseLost) {
		err = cause
	}
	bg := context.WithoutCancel(ctx)
	if err == nil {
		_, err = w.cfg.State.RenewLease(bg, schedule, token, s.Every-s.Every/10)
	} else {
		w.cfg.State.ReleaseLease(bg, schedule, token)
	}
	w.report(s, res, err, time.Since(start))
	if err != nil {
		return Failed, err
	}
	return Synced, nil
}

// whileLeased returns a context that ends with ctx or when lease is lost
// (its cause then state.ErrLeaseLost), and the function that lets it go.
func whileLeased(ctx context.Context, lease *state.Lease) (context.Context, func()) {
	run, cancel := context.WithCancelCause(ctx)
	stop := context.AfterFunc(lease.Context(), func() { cancel(context.Cause(lease.Context())) })
	return run, func() { stop(); cancel(nil) }
}

func newToken() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// sync runs one sync of the stream into its file.
func (w *Worker) sync(ctx context.Context, s Stream) (syncer.Result, error) {
	src, err := syncer.NewSource(s.Stream, s.Client, syncer.OrderFilter{})
	if err != nil {
		return syncer.Result{}, err
	}
	path := w.OutputPath(s.Connection, s.Stream)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return syncer.Result{}, err
	}
	out, err := syncer.OpenFile(ctx, w.cfg.State, path)
	if err != nil {
		return syncer.Result{}, err
	}
	defer out.Close()
	job := &syncer.Job{Source: src, Writer: out, DB: w.cfg.State, Connection: s.Connection,
		StoreTime: s.Client.Store.Time, Lag: w.cfg.Lag, Workers: w.cfg.Workers, Parallel: w.cfg.Workers}
	return job.Run(ctx)
}

// notStarted logs a run that could not start (the state failed) and
// returns err.
func (w *Worker) notStarted(s Stream, err error) error {
	if !errors.Is(err, context.Canceled) {
		w.cfg.Logger.Error("sync not started", "connection", s.Connection, "stream", s.Stream, "error", err.Error())
	}
	return err
}

// report writes the run's one log line and updates the metrics.
func (w *Worker) report(s Stream, res syncer.Result, err error, took time.Duration) {
	attrs := []slog.Attr{slog.String("connection", s.Connection), slog.String("stream", s.Stream),
		slog.Int("records", res.Records), slog.Int("duplicates", res.Duplicates), slog.Int("pages", res.Pages),
		slog.Float64("seconds", took.Seconds())}
	if !res.To.IsZero() {
		attrs = append(attrs, slog.Time("window_to", res.To.UTC()))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
		w.cfg.Logger.LogAttrs(context.Background(), slog.LevelError, "sync failed", attrs...)
	} else {
		w.cfg.Logger.LogAttrs(context.Background(), slog.LevelInfo, "sync", attrs...)
	}
	if w.cfg.Metrics != nil {
		w.cfg.Metrics.observeRun(s, res, err, w.cfg.Now())
	}
}
