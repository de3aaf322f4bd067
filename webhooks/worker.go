package webhooks

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/state"
	"github.com/bigc-dev/bigc/syncer"
)

// Record is a record fetched for an event, ready for the output.
type Record struct {
	Envelope syncer.Envelope
	// Incomplete marks an order with status 0 (an abandoned or unfinished
	// checkout): store/order/created fires for those too.
	Incomplete bool
	// Archived marks an archived order (is_deleted), which the sync leaves out.
	Archived bool
}

// Fetcher fetches the current version of a record, whole, as the sync emits
// it. A record that does not exist (any more) is an error that wraps
// bigcommerce.ErrNotFound.
type Fetcher interface {
	Fetch(ctx context.Context, stream string, id int64) (Record, error)
}

// Output receives the envelopes; *syncer.Writer is one. Append must skip
// envelopes the output already holds (same stream, ID and date_modified), so
// that a webhook receiver and a polling sync can share it.
type Output interface {
	Append(ctx context.Context, envs []syncer.Envelope) (int, error)
}

// IncompletePolicy says what happens to an order created incomplete (status 0).
type IncompletePolicy string

// The policies for incomplete orders.
const (
	// IncompleteHold keeps the event and re-checks the order until it becomes
	// a real order (then it is emitted) or HoldMax passes (then it is dropped).
	IncompleteHold IncompletePolicy = "hold"
	// IncompleteDrop drops the event. If the order later becomes real,
	// BigCommerce sends store/order/updated and statusUpdated, which emit it.
	IncompleteDrop IncompletePolicy = "drop"
)

// ParseIncompletePolicy reads a policy's name, "hold" or "drop".
func ParseIncompletePolicy(s string) (IncompletePolicy, error) {
	switch p := IncompletePolicy(s); p {
	case IncompleteHold, IncompleteDrop:
		return p, nil
	}
	return "", fmt.Errorf("%w: incomplete-order policy %q is not valid (want hold or drop)", bigcommerce.ErrBadRequest, s)
}

// WorkerConfig configures a Worker.
type WorkerConfig struct {
	Connection string
	Inbox      state.Store
	Fetcher    Fetcher
	Output     Output
	Incomplete IncompletePolicy // default IncompleteHold
	Now        func() time.Time // default time.Now

	// RetryBase is the first wait after a failed fetch or write; each further
	// failure doubles it, up to RetryMax. Defaults 1s and 5m.
	RetryBase, RetryMax time.Duration
	// NotFoundAttempts is how many times a record that is not found is tried
	// before the event is settled as "gone" (a new record can take a moment to
	// be readable). Default 3.
	NotFoundAttempts int
	// HoldRecheck is the first wait before a held incomplete order is fetched
	// again; it doubles up to an hour. HoldMax is how long an order may stay
	// incomplete before its event is dropped. Defaults 1m and 7 days.
	HoldRecheck, HoldMax time.Duration
	// Poll is the longest the worker sleeps without a Notify: events stored
	// by another process sharing the inbox are picked up within it. Default 5s.
	Poll time.Duration
	// Retention is how long finished events are kept to recognise late
	// duplicates (BigCommerce retries for about 48 hours). Default 7 days.
	Retention time.Duration
	// Concurrency bounds records fetched at once. Default 4.
	Concurrency int
	// BatchSize bounds the events taken per pass. Default 100.
	BatchSize int
	// Grace is how long a pass in flight when Run's context ends may go on,
	// so that a record it has written is also marked done. Default 5s.
	Grace time.Duration
	// ClaimHold is how long the events a pass takes stay this worker's:
	// workers sharing one inbox (receivers behind a load balancer) each take
	// other events, and the events of a worker that died are taken by the
	// others once its claim runs out. Default 1m.
	ClaimHold time.Duration
	// Claimant names this worker in the inbox's claims. A worker restarted
	// under the same name takes its own unfinished events back at once, so
	// it should outlive restarts but differ between workers that run at the
	// same time; default the host name and the connection (one worker per
	// connection per host: give each its own name to run several).
	Claimant string
	Logger   *slog.Logger
}

// Worker turns inbox events into output records: it fetches the record each
// event names (through Fetcher, the sync's hydration path), appends it to the
// Output, and only then marks the events done. An event whose fetch or write
// fails stays in the inbox and is retried with backoff; a restarted worker
// picks up every event still owed. Events are thin and arrive out of order,
// so the worker always emits the record's current version, and several
// events for one record in a pass cost one fetch.
//
// Archived orders and deleted records are not emitted, as in the sync (whose
// output a webhook receiver shares). A deletion event (Event.Deletion) is
// recorded in the state instead, before the event is settled, and the next
// sync of the stream into each destination writes its tombstone, once
// (state.OwedDeletions).
type Worker struct {
	cfg  WorkerConfig
	wake chan struct{}
}

// NewWorker checks cfg and fills in defaults.
func NewWorker(cfg WorkerConfig) (*Worker, error) {
	switch {
	case cfg.Connection == "":
		return nil, errors.New("webhooks: worker needs a connection name")
	case cfg.Inbox == nil || cfg.Fetcher == nil || cfg.Output == nil:
		return nil, errors.New("webhooks: worker needs an inbox, a fetcher and an output")
	}
	if cfg.Incomplete == "" {
		cfg.Incomplete = IncompleteHold
	}
	if _, err := ParseIncompletePolicy(string(cfg.Incomplete)); err != nil {
		return nil, err
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&cfg.RetryBase, time.Second)
	def(&cfg.RetryMax, 5*time.Minute)
	def(&cfg.HoldRecheck, time.Minute)
	def(&cfg.HoldMax, 7*24*time.Hour)
	def(&cfg.Poll, 5*time.Second)
	def(&cfg.Retention, 7*24*time.Hour)
	def(&cfg.Grace, 5*time.Second)
	def(&cfg.ClaimHold, time.Minute)
	if cfg.Claimant == "" {
		host, _ := os.Hostname()
		cfg.Claimant = host + " " + cfg.Connection
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.NotFoundAttempts <= 0 {
		cfg.NotFoundAttempts = 3
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 4
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 100
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Worker{cfg: cfg, wake: make(chan struct{}, 1)}, nil
}

// Notify tells the worker that events arrived; it never blocks.
func (w *Worker) Notify() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run processes events until ctx is done, then returns nil. Inbox errors are
// logged and retried; they do not stop it.
func (w *Worker) Run(ctx context.Context) error {
	// A pass outlives ctx by Grace: stopping it between writing a record and
	// marking its events would leave them to be fetched again next time.
	passCtx, cancelPass := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelPass()
	stopGrace := context.AfterFunc(ctx, func() { time.AfterFunc(w.cfg.Grace, cancelPass) })
	defer stopGrace()
	var lastPrune time.Time
	failures := 0
	for {
		n, err := w.ProcessDue(passCtx)
		if ctx.Err() != nil {
			return nil
		}
		wait := w.cfg.Poll
		switch {
		case err != nil:
			failures++
			wait = backoff(w.cfg.RetryBase, w.cfg.RetryMax, failures)
			w.cfg.Logger.Error("webhook worker", "error", err, "retry_in", wait)
		case n >= w.cfg.BatchSize:
			failures = 0
			continue // more are due now
		default:
			failures = 0
			if next, ok, err := w.cfg.Inbox.InboxNextDue(ctx, w.cfg.Connection); err == nil && ok {
				if d := next.Sub(w.cfg.Now()); d < wait {
					wait = max(d, 10*time.Millisecond)
				}
			}
		}
		if now := w.cfg.Now(); now.Sub(lastPrune) > time.Hour {
			lastPrune = now
			if _, err := w.cfg.Inbox.InboxPrune(ctx, w.cfg.Connection, now.Add(-w.cfg.Retention)); err != nil {
				w.cfg.Logger.Error("webhook inbox prune", "error", err)
			}
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-w.wake:
			t.Stop()
		case <-t.C:
		}
	}
}

func backoff(base, limit time.Duration, attempt int) time.Duration {
	d := base
	for i := 1; i < attempt && d < limit; i++ {
		d *= 2
	}
	return min(d, limit)
}

// outcome is what happened to one record's fetch.
type outcome struct {
	rec Record
	err error
}

// emits reports whether the fetched record goes to the output.
func (o outcome) emits() bool { return o.err == nil && !o.rec.Incomplete && !o.rec.Archived }

type resourceKey struct {
	stream string
	id     int64
}

// ProcessDue runs one pass over the events due now and returns how many it
// took. It returns an error only when the inbox itself fails; a fetch or
// write failure is recorded on the events, which are retried later.
func (w *Worker) ProcessDue(ctx context.Context) (int, error) {
	now := w.cfg.Now()
	due, err := w.cfg.Inbox.InboxClaim(ctx, w.cfg.Connection, w.cfg.Claimant, now, w.cfg.BatchSize, w.cfg.ClaimHold)
	if err != nil || len(due) == 0 {
		return 0, err
	}
	var (
		done    []int64 // a scope bigc does not emit: settled without output
		deleted []int64 // a deleted record: settled without output, its tombstone owed
		dels    []state.Deletion
		groups  = map[resourceKey][]state.InboxEvent{}
		order   []resourceKey
	)
	for _, e := range due {
		ev, perr := ParseEvent(e.Payload)
		if perr != nil {
			// The receiver stored only parsed events; a row that no longer
			// parses was written by something else. Keep it for inspection.
			if err := w.cfg.Inbox.InboxFinish(ctx, e.Seq, state.InboxDropped, "unparsable payload: "+perr.Error(), now); err != nil {
				return 0, err
			}
			continue
		}
		gstream, gid, isDeletion := ev.Deletion()
		if isDeletion {
			dels = append(dels, state.Deletion{Connection: w.cfg.Connection, Stream: gstream, ID: gid, At: ev.Time(), Scope: ev.Scope})
		}
		stream, id, gone, ok := ev.Resource()
		switch {
		case isDeletion && (!ok || gone):
			deleted = append(deleted, e.Seq)
			continue
		case !ok:
			done = append(done, e.Seq) // a scope bigc does not emit
			continue
		case gone:
			deleted = append(deleted, e.Seq)
			continue
		}
		k := resourceKey{stream, id}
		if _, seen := groups[k]; !seen {
			order = append(order, k)
		}
		groups[k] = append(groups[k], e)
	}
	if err := w.cfg.Inbox.InboxFinishMany(ctx, done, state.InboxDone, "scope not emitted", now); err != nil {
		return 0, err
	}
	// Recorded before their events are settled: a worker killed in between
	// records them again, which adds nothing.
	if _, err := w.cfg.Inbox.RecordDeletions(ctx, dels); err != nil {
		return 0, err
	}
	if err := w.cfg.Inbox.InboxFinishMany(ctx, deleted, state.InboxDone, "deleted: tombstone owed to the sync", now); err != nil {
		return 0, err
	}

	results := w.fetchAll(ctx, order)
	if ctx.Err() != nil {
		return 0, ctx.Err()
	}

	var envs []syncer.Envelope
	for _, k := range order {
		if r := results[k]; r.emits() {
			envs = append(envs, r.rec.Envelope)
		}
	}
	var writeErr error
	if len(envs) > 0 {
		_, writeErr = w.cfg.Output.Append(ctx, envs)
	}
	for _, k := range order {
		r := results[k]
		if r.emits() && writeErr != nil {
			r.err = fmt.Errorf("writing output: %w", writeErr)
		}
		if err := w.settle(ctx, k, groups[k], r, now); err != nil {
			return 0, err
		}
	}
	return len(due), nil
}

// fetchAll fetches each record once, Concurrency at a time. A fetch's error
// is its record's outcome, not the pass's: the others go on. Once ctx is done
// no further fetch starts, and the records not fetched are absent.
func (w *Worker) fetchAll(ctx context.Context, keys []resourceKey) map[resourceKey]outcome {
	results := make(map[resourceKey]outcome, len(keys))
	var mu sync.Mutex
	var g errgroup.Group
	g.SetLimit(w.cfg.Concurrency)
	for _, k := range keys {
		if ctx.Err() != nil {
			break
		}
		g.Go(func() error {
			rec, err := w.cfg.Fetcher.Fetch(ctx, k.stream, k.id)
			mu.Lock()
			results[k] = outcome{rec, err}
			mu.Unlock()
			return nil
		})
	}
	g.Wait()
	return results
}

// settle records what happened to the events of one record.
func (w *Worker) settle(ctx context.Context, k resourceKey, events []state.InboxEvent, r outcome, now time.Time) error {
	db := w.cfg.Inbox
	seqs := make([]int64, len(events))
	for i, e := range events {
		seqs[i] = e.Seq
	}
	switch {
	case r.err == nil && r.rec.Archived:
		return db.InboxFinishMany(ctx, seqs, state.InboxDone, "archived order: not emitted", now)
	case r.err == nil && r.rec.Incomplete:
		if w.cfg.Incomplete == IncompleteDrop {
			return db.InboxFinishMany(ctx, seqs, state.InboxDropped, "incomplete order (status 0) dropped", now)
		}
		for _, e := range events {
			if now.Sub(e.ReceivedAt) > w.cfg.HoldMax {
				if err := db.InboxFinish(ctx, e.Seq, state.InboxDropped, fmt.Sprintf("order still incomplete after %s", w.cfg.HoldMax), now); err != nil {
					return err
				}
				continue
			}
			next := now.Add(min(backoff(w.cfg.HoldRecheck, time.Hour, e.Attempts+1), w.cfg.HoldMax))
			if err := db.InboxDefer(ctx, e.Seq, state.InboxHeld, e.Attempts+1, next, "incomplete order (status 0): held"); err != nil {
				return err
			}
		}
		return nil
	case r.err == nil:
		if err := db.InboxFinishMany(ctx, seqs, state.InboxDone, "", now); err != nil {
			return err
		}
		// Events held for this order, not in this pass, are answered too.
		_, err := db.InboxSettleHeld(ctx, w.cfg.Connection, k.stream, k.id, now)
		return err
	}
	for _, e := range events {
		attempts := e.Attempts + 1
		if errors.Is(r.err, bigcommerce.ErrNotFound) && attempts >= w.cfg.NotFoundAttempts {
			if err := db.InboxFinish(ctx, e.Seq, state.InboxDone, "not found: not emitted", now); err != nil {
				return err
			}
			continue
		}
		status := state.InboxPending
		if e.Status == state.InboxHeld {
			status = state.InboxHeld
		}
		wait := backoff(w.cfg.RetryBase, w.cfg.RetryMax, attempts)
		w.cfg.Logger.Warn("webhook event deferred", "scope", e.Scope, "stream", k.stream, "id", k.id, "attempt", attempts, "retry_in", wait, "error", r.err)
		if err := db.InboxDefer(ctx, e.Seq, status, attempts, now.Add(wait), r.err.Error()); err != nil {
			return err
		}
	}
	return nil
}
