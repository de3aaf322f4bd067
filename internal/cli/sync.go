package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/internal/connections"
	"github.com/bigc-dev/bigc/state"
	"github.com/bigc-dev/bigc/syncer"
	"github.com/bigc-dev/bigc/tools"
)

// syncFlags are the flags of bigc sync.
type syncFlags struct {
	target            targetFlags
	guard             writeGuard // --tag writes a metafield on each order
	out               string
	outChanged        bool
	statePath         string
	since             string
	checkpoint        string
	full              bool
	follow            bool
	every             time.Duration
	everyChanged      bool
	statuses          []string
	includeIncomplete bool
	tag               string
	lag               time.Duration
	workers           int
	table             string
	lease             leaseFlags
	list              bool
	listJSON          bool
	quiet             bool
}

func (a *app) syncCmd() *cobra.Command {
	var f syncFlags
	cmd := &cobra.Command{
		Use:   "sync STREAM|all",
		Short: "Export the records changed since the last run, whole and exactly once, as JSON Lines",
		Long: `Sync reads the records of one stream changed since the stream's checkpoint
(up to the store's clock minus --lag, frozen when the run starts) and appends
each, whole, to the output as one JSON line:
  {"stream":"orders","id":123,"date_modified":"2026-01-02T03:04:05Z","record":{...}}
Orders carry their line items, shipping addresses and coupons; products their
variants, images and custom fields; customers their addresses and attributes.

A checkpoint belongs to a destination: (connection, stream, output file), in
the state database. It moves only after the output is flushed and synced to
disk. Killed at any moment and run again, a file output holds every record
exactly once. An output file that lost what was written to it (removed, cut
short, replaced) is reported, and --full re-reads into it what it lacks.
A preview moves no checkpoint: --out - (unless --checkpoint NAME names one),
and --since. Archived orders are not exported (the orders API leaves them
out); incomplete orders (status 0) only with --include-incomplete. Changing
--status between runs does not revisit orders already behind the checkpoint:
use --full for that.

Streams without a change filter in the API (categories, brands, channels,
coupons, customer groups, pages, inventory, store) are read whole and only
records whose content changed since the last run are written; transactions
and shipments follow the orders whose date_modified moved. Where a deletion
can be seen, a tombstone {"stream","id","date_modified","deleted":true} is
written once. bigc sync --list names every stream with its key, cursor,
scopes and record schema; bigc sync all runs every stream the token can read,
each into its own output (--out DIR, default bigc-sync, or --out postgres://
with a bigc_STREAM table each).

bigc sync status lists the checkpoints; bigc sync reset forgets one.`,
		Example: `  bigc sync orders --sandbox
  bigc sync orders --connection shop --out orders.jsonl --tag bigc/exported
  bigc sync products --connection shop --out - --since 2026-01-01T00:00:00Z
  bigc sync orders --connection shop --follow --every 1m --status awaiting_fulfillment
  bigc sync all --connection shop --out exports
  bigc sync --list --json
  bigc sync status --json`,
		Args: cobra.RangeArgs(0, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a.quiet = f.quiet
			f.outChanged = cmd.Flags().Changed("out")
			f.everyChanged = cmd.Flags().Changed("every")
			switch {
			case f.list && len(args) > 0:
				return badInputf("--list names every stream: drop %q", args[0])
			case f.list:
				return a.listStreams(f.listJSON)
			case f.listJSON:
				return badInputf("--json applies to --list only")
			case len(args) == 0:
				return badInputf("which stream? %s, or all (bigc sync --list describes them)", syncer.StreamNames())
			case args[0] == "all":
				return a.runSyncAll(cmd.Context(), &f)
			}
			return a.runSync(cmd.Context(), args[0], &f)
		},
	}
	f.target.register(cmd)
	f.guard.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&f.out, "out", "", `output file, appended to ("-" for stdout; default bigc-sync/STREAM.jsonl in the current directory)`)
	fl.StringVar(&f.statePath, "state", "", stateHelp)
	fl.StringVar(&f.since, "since", "", "preview from this time (RFC 3339 or YYYY-MM-DD) instead of the checkpoint; moves no checkpoint unless --checkpoint names one")
	fl.StringVar(&f.checkpoint, "checkpoint", "", "with --out -: keep a checkpoint under this name, so the next run with it continues")
	fl.BoolVar(&f.full, "full", false, "re-read every record from the beginning (the output still gets each version once); repairs an output that lost records")
	fl.BoolVar(&f.follow, "follow", false, "keep syncing every --every until interrupted")
	fl.DurationVar(&f.every, "every", time.Minute, "with --follow, the time between runs")
	fl.StringSliceVar(&f.statuses, "status", nil, "orders only: export only these statuses (IDs 0-14 or names such as awaiting_fulfillment; repeat or comma-separate)")
	fl.BoolVar(&f.includeIncomplete, "include-incomplete", false, "orders only: also export incomplete orders (status 0, abandoned checkouts)")
	fl.StringVar(&f.tag, "tag", "", "orders only: mark each exported order with the order metafield NAMESPACE/KEY (idempotent; a write, so --yes on a production connection)")
	fl.DurationVar(&f.lag, "lag", 2*time.Second, "safety lag taken off the store's clock for the window's upper bound")
	fl.IntVar(&f.workers, "workers", 8, "records hydrated at once, and list pages read at once when the quota is large")
	fl.StringVar(&f.table, "table", "", "with --out postgres://...: the table (default bigc_STREAM), created when missing")
	f.lease.register(fl, "syncing the stream")
	fl.BoolVar(&f.list, "list", false, "list the streams: key, cursor, token scopes and record schema")
	fl.BoolVar(&f.listJSON, "json", false, "with --list, print JSON")
	fl.BoolVar(&f.quiet, "quiet", false, "print no progress and no summary on stderr (errors still are; the JSON summary still goes to a stdout that is not a terminal)")
	cmd.AddCommand(a.syncStatusCmd(), a.syncResetCmd())
	return cmd
}

// syncSummary is the JSON result printed on stdout when the output is a
// file or a table and stdout is not a terminal (a program reads it; a person
// reads the line on stderr). Data fields hold values; the words are in
// Message.
type syncSummary struct {
	Stream     string  `json:"stream"`
	Connection string  `json:"connection"`
	Records    int     `json:"records"`
	Duplicates int     `json:"duplicates"`
	Pages      int     `json:"pages"`
	Seconds    float64 `json:"seconds"`
	// WindowFrom is the first date_modified read (RFC 3339), or null when
	// the window started at the beginning.
	WindowFrom *string `json:"window_from"`
	WindowTo   string  `json:"window_to"`
	Output     string  `json:"output"`
	State      string  `json:"state"`
	// Checkpoint is where the saved checkpoint now stands, or null for a
	// preview, which saves none.
	Checkpoint   *checkpointJSON `json:"checkpoint"`
	TagsCreated  *int64          `json:"tags_created,omitempty"`
	TagsExisting *int64          `json:"tags_existing,omitempty"`
	Message      string          `json:"message"`
}

// checkpointJSON is a checkpoint as bigc sync and bigc sync status print it.
type checkpointJSON struct {
	Connection  string `json:"connection"`
	Stream      string `json:"stream"`
	Destination string `json:"destination"`
	// Position is the date_modified every record up to which is written
	// (RFC 3339), or null: the beginning.
	Position *string `json:"position"`
	// Through is false while the records at Position's second are part
	// written; PendingIDs are those written.
	Through    bool   `json:"through"`
	PendingIDs int    `json:"ids_at_position,omitempty"`
	LastRun    string `json:"last_run,omitempty"`
}

func newCheckpointJSON(key state.CheckpointKey, c syncer.Cursor) *checkpointJSON {
	return &checkpointJSON{Connection: key.Connection, Stream: key.Stream, Destination: key.Destination,
		Position: rfc3339OrNull(c.DateModified), Through: c.Through, PendingIDs: len(c.IDs)}
}

// rfc3339OrNull is t in RFC 3339, or nil for the zero time.
func rfc3339OrNull(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

// streamDestination is the checkpoint destination of a named checkpoint
// kept for a stream output (--out - --checkpoint NAME).
func streamDestination(name string) string { return "stdout:" + name }

// checkSyncFlags refuses what the flags cannot do, before anything is opened.
func checkSyncFlags(stream string, f *syncFlags) (since time.Time, filter syncer.OrderFilter, err error) {
	if _, ok := syncer.Lookup(stream); !ok {
		return since, filter, badInputf("stream %q: want one of %s, or all (or the subcommands status and reset)", stream, syncer.StreamNames())
	}
	filter.IncludeIncomplete = f.includeIncomplete
	for _, s := range f.statuses {
		id, err := syncer.ParseOrderStatus(s)
		if err != nil {
			return since, filter, badInputf("--status: %v", err)
		}
		filter.StatusIDs = append(filter.StatusIDs, id)
	}
	if stream != syncer.StreamOrders && (len(f.statuses) > 0 || f.includeIncomplete || f.tag != "") {
		return since, filter, badInputf("--status, --include-incomplete and --tag apply to orders only, not %s", stream)
	}
	if f.since != "" {
		t, err := bigcommerce.ParseTime(f.since)
		if err != nil {
			return since, filter, badInputf("--since: %v", err)
		}
		if t.After(time.Now()) {
			return since, filter, badInputf("--since %s is in the future: nothing has changed since then yet", t.UTC().Format(time.RFC3339))
		}
		since = t
	}
	switch {
	case f.full && f.since != "":
		return since, filter, badInputf("--full and --since both given: pass one of them")
	case f.everyChanged && !f.follow:
		return since, filter, badInputf("--every applies to --follow only: add --follow to sync every %s", f.every)
	case f.every <= 0:
		return since, filter, badInputf("--every %s: want a positive duration such as 1m", f.every)
	case f.lag < 0:
		return since, filter, badInputf("--lag %s: want zero or a positive duration", f.lag)
	case f.workers < 1 || f.workers > 64:
		return since, filter, badInputf("--workers %d: want 1 to 64", f.workers)
	case f.checkpoint != "" && f.out != "-":
		return since, filter, badInputf("--checkpoint names the checkpoint of --out -; a file output keeps its own")
	case f.checkpoint != "" && connections.ValidateName(f.checkpoint) != nil:
		return since, filter, badInputf("--checkpoint %q: %v", f.checkpoint, connections.ValidateName(f.checkpoint))
	}
	if f.tag != "" {
		if _, _, err := syncer.ParseTag(f.tag); err != nil {
			return since, filter, badInputf("--tag %q: %v", f.tag, err)
		}
	}
	return since, filter, nil
}

// checkOutputPath refuses an output path that cannot be written: its
// directory missing, or the path a directory. These are the user's to fix,
// and are found before any request.
func checkOutputPath(out string) error {
	if st, err := os.Stat(out); err == nil && st.IsDir() {
		return badInputf("--out %s is a directory: name a file in it, such as %s", out, filepath.Join(out, "records.jsonl"))
	}
	return checkOutputDir(out, filepath.Dir(out))
}

// checkOutputDir accepts dir, the directory --out (given as out) writes
// into, when it is one or can be made one (makeOutputDir makes it, 0700):
// the nearest part of its path that exists is a directory. A path through a
// file is refused, naming --out, before anything is created.
func checkOutputDir(out, dir string) error {
	for d := dir; ; d = filepath.Dir(d) {
		st, err := os.Stat(d)
		switch {
		case errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR):
			if filepath.Dir(d) == d {
				return nil
			}
			continue // made by makeOutputDir, if its parent can hold it
		case err != nil:
			return badInputf("--out %s: %v", out, err)
		case !st.IsDir():
			return badInputf("--out %s: %s is a file, not a directory", out, d)
		}
		return nil
	}
}

// makeOutputDir makes the missing directory of out, a file --out names
// (checked by checkOutputPath), for the user alone (0700).
func makeOutputDir(out string) error {
	if err := os.MkdirAll(filepath.Dir(out), 0o700); err != nil {
		return badInputf("--out %s: creating the directory %s: %v", out, filepath.Dir(out), err)
	}
	return nil
}

// keptDestinationFlags are the flags besides --out that name a sync's
// destination (--checkpoint of a stdout sync, --table of a PostgreSQL one),
// for a command that repeats the run into the same destination.
func keptDestinationFlags(f *syncFlags) []string {
	var flags []string
	if f.checkpoint != "" {
		flags = append(flags, "--checkpoint", shellQuote(f.checkpoint))
	}
	if f.table != "" {
		flags = append(flags, "--table", shellQuote(f.table))
	}
	return flags
}

// syncTargetFlags is how the user named the store, for commands to repeat.
func syncTargetFlags(tf *targetFlags) string {
	switch {
	case tf.sandbox:
		return "--sandbox"
	case tf.connection != "":
		return "--connection " + shellQuote(tf.connection)
	}
	return ""
}

func (a *app) runSync(ctx context.Context, stream string, f *syncFlags) error {
	since, filter, err := checkSyncFlags(stream, f)
	if err != nil {
		return err
	}
	outName := f.out
	if !f.outChanged {
		outName = filepath.Join("bigc-sync", stream+".jsonl")
	}
	toTable := state.IsPostgresURL(outName)
	switch {
	case f.table != "" && !toTable:
		return badInputf("--table applies to --out postgres://... only")
	case toTable && f.statePath != "":
		return badInputf("--state with --out postgres://...: a table output keeps its checkpoints in its own database; drop --state")
	case outName != "-" && f.outChanged && !toTable:
		if err := checkOutputPath(outName); err != nil {
			return err
		}
	}
	var (
		db        state.Store
		statePath string
		table     *state.Table
		w         *syncer.Writer
	)
	if toTable {
		var pg *state.Postgres
		if pg, table, err = a.openSyncTable(ctx, stream, outName, f); err != nil {
			return err
		}
		db, statePath = pg, pg.String()
		outName = statePath // never the password, in messages and rerun commands
	} else if db, statePath, err = a.openSyncState(ctx, f.statePath); err != nil {
		return err
	}
	defer db.Close()

	switch {
	case toTable:
	case outName == "-":
		w = syncer.NewStreamWriter(a.stdout)
		// A reader that goes away makes the next write fail with EPIPE
		// (rather than killing bigc), so the run stops and says so.
		stopPipe := catchSIGPIPE()
		defer stopPipe()
	default:
		if w, err = a.openSyncOutput(ctx, db, stream, outName, f); err != nil {
			return err
		}
		defer w.Close()
	}

	// The client's cap on requests in flight follows --workers: a
	// latency-bound export needs more than the default four at once, and the
	// governor still keeps the store's quota.
	f.target.concurrency = f.workers
	tgt, err := a.openTarget(ctx, &f.target)
	if err != nil {
		return err
	}
	defer tgt.Close()
	src, err := syncer.NewSource(stream, tgt.Client, filter)
	if err != nil {
		return badInput(err)
	}
	job := &syncer.Job{
		Source: src, Writer: w, DB: db, Connection: tgt.Name, StoreTime: tgt.Client.Store.Time,
		Lag: f.lag, Workers: f.workers, Parallel: f.workers, Since: since, Full: f.full,
		// --since reads a window of the user's choosing: moving a file's
		// checkpoint there would skip what lies before it.
		Preview: !since.IsZero() && f.checkpoint == "",
	}
	if f.checkpoint != "" {
		job.Destination = streamDestination(f.checkpoint)
	}
	if err := f.guard.allowPreviewed(tgt, "bigc sync orders --tag "+f.tag, f.tag != "", func() (string, error) {
		return tagPreview(ctx, job, f, tgt.Name, outName)
	}); err != nil {
		return err
	}
	var output string
	if table != nil {
		job.Sink = table
		output = table.Destination() + " in " + statePath
	} else {
		output = outputName(w)
	}
	// runCtx also ends when the lease is lost: another process may be
	// syncing the stream by then.
	runCtx := ctx
	if _, ok := job.CheckpointKey(); ok {
		// One writer per stream, on any machine sharing the checkpoints.
		run, release, err := a.takeLease(ctx, db, state.SyncLeaseName(tgt.Name, stream), "syncing "+tgt.Name+"/"+stream, f.lease)
		if err != nil {
			return err
		}
		defer release()
		runCtx = run
	}
	leaseLost := func(err error) error {
		if cause := context.Cause(runCtx); errors.Is(cause, state.ErrLeaseLost) && ctx.Err() == nil {
			return cause
		}
		return err
	}
	if f.lag == 0 {
		job.Lag = time.Nanosecond // Job treats 0 as "default"; a nanosecond is no lag at second granularity
	}
	var tagger *syncer.Tagger
	if f.tag != "" {
		ns, key, _ := syncer.ParseTag(f.tag) // checked by checkSyncFlags
		tagger = &syncer.Tagger{Client: tgt.Client, Namespace: ns, Key: key, Value: time.Now().UTC().Format(time.RFC3339),
			Workers: f.workers, RetryNotify: a.retryNotice()}
		job.AfterWrite = tagger.AfterWrite
	}
	prog := newSyncProgress(a.stderr, tgt.Client, a.quiet)
	job.Progress = prog.update
	rep := &syncReport{a: a, stream: stream, job: job, tagger: tagger, tag: f.tag, statePath: statePath,
		rerun: syncTargetFlags(&f.target), out: outName, output: output, keep: keptDestinationFlags(f)}

	if !f.follow {
		res, err := job.Run(runCtx)
		prog.stop()
		return rep.finish(ctx, res, leaseLost(err))
	}
	// A failed run is reported and retried; an interrupt ends --follow cleanly.
	err = job.Follow(runCtx, f.every, func(res syncer.Result, err error) {
		prog.stop()
		if err := rep.finish(ctx, res, leaseLost(err)); err != nil {
			_ = a.sayNow(err)
		}
		prog.reset()
	})
	if err != nil {
		return badInput(err)
	}
	return leaseLost(nil)
}

// openSyncOutput opens a file output, making its directory if it is
// missing; with --full it accepts a file that lost records, which the full
// re-read writes back.
func (a *app) openSyncOutput(ctx context.Context, db state.Store, stream, outName string, f *syncFlags) (*syncer.Writer, error) {
	if !f.outChanged {
		// The default bigc-sync keeps the mode it always had.
		if err := os.MkdirAll(filepath.Dir(outName), 0o755); err != nil {
			return nil, badInputf("output directory %s: %v", filepath.Dir(outName), err)
		}
	} else if err := makeOutputDir(outName); err != nil {
		return nil, err
	}
	open := syncer.OpenFile
	if f.full {
		open = syncer.RepairFile
	}
	w, err := open(ctx, db, outName)
	switch {
	case errors.Is(err, syncer.ErrOutputDamaged):
		return nil, &tools.Error{Category: categoryOutputDamaged, Message: err.Error(),
			Next: "its checkpoint would skip the records it lost; re-read them (the file keeps what it holds, and each record is written once) with: " +
				rerunCommand(stream, syncTargetFlags(&f.target), outName, "--full")}
	case errors.Is(err, fs.ErrPermission):
		return nil, badInputf("--out %s: %v", outName, err)
	}
	return w, err
}

// syncReport tells how a run ended: one line on stderr, and for a file
// output the JSON summary on stdout.
type syncReport struct {
	a         *app
	stream    string
	job       *syncer.Job
	tagger    *syncer.Tagger
	tag       string
	statePath string
	rerun     string   // the target flags the user gave
	out       string   // --out as given (a URL without its password)
	keep      []string // --checkpoint or --table as given: the rerun names the same destination
	output    string   // where the records went, for messages
}

func (r *syncReport) finish(ctx context.Context, res syncer.Result, err error) error {
	a, stream := r.a, r.stream
	key, saved := r.job.CheckpointKey()
	var cp *checkpointJSON
	where := "no checkpoint kept (a preview)"
	if saved {
		// What the database holds now, not what the run meant to save.
		c, ok, lerr := r.loadCursor(context.WithoutCancel(ctx), key)
		switch {
		case lerr != nil:
			where = "checkpoint unreadable: " + lerr.Error()
		case !ok:
			where = fmt.Sprintf("no checkpoint for %s yet", key)
		default:
			cp = newCheckpointJSON(key, c)
			where = fmt.Sprintf("checkpoint %s at %s in %s", key, c, r.statePath)
		}
	}
	written := fmt.Sprintf("%s written (%d already in the output), %s", plural(res.Records, "record"), res.Duplicates, plural(res.Pages, "page"))
	if r.tagger != nil {
		created, already := r.tagger.Counts()
		written += fmt.Sprintf("; tag %s: %s tagged, %d already tagged", r.tag, plural(created, "order"), already)
	}
	if err != nil {
		if errors.Is(err, syncer.ErrBadCheckpoint) {
			return badInputf("%w; rerun with --full or --since to start again", err)
		}
		if errors.Is(err, syncer.ErrSinceInFuture) {
			return badInput(err)
		}
		next := "run again to continue from the checkpoint: " + rerunCommand(stream, r.rerun, r.out, r.keep...)
		switch {
		case saved && cp == nil:
			next = "run again, from the beginning: " + rerunCommand(stream, r.rerun, r.out, r.keep...)
		case !saved:
			next = "a preview keeps no checkpoint; run it again to read its window again"
		}
		if ctx.Err() != nil {
			// report says it, once.
			return &tools.Error{Category: tools.CategoryCanceled,
				Message: fmt.Sprintf("sync %s interrupted after %s; %s", stream, written, where), Next: next}
		}
		if errors.Is(err, syncer.ErrTagging) {
			// The client's advice is about a lone write; this one is safe to repeat.
			te := *tools.AsError(err)
			te.Next = "the records are written and the checkpoint stays before the untagged orders; tagging reads before it writes, so " +
				next + " tags what is left and writes no record twice"
			return &syncFailure{err: &te, stream: stream, written: written, where: where}
		}
		return &syncFailure{err: err, stream: stream, written: written, where: where, rerun: next}
	}
	from := "the beginning"
	if !res.From.DateModified.IsZero() {
		from = res.From.String()
	}
	msg := fmt.Sprintf("%s, %.1fs, window %s .. %s; output %s; %s",
		written, res.Elapsed.Seconds(), from, res.To.Format(time.RFC3339), r.output, where)
	a.note(fmt.Sprintf("bigc sync %s: %s", stream, msg))
	if r.job.Sink == nil && r.job.Writer.Path() == "" {
		return nil // stdout carries the records
	}
	if a.terminal(a.stdout) {
		return nil // a person has read the line above; the JSON is for programs
	}
	sum := syncSummary{
		Stream: stream, Connection: r.job.Connection, Records: res.Records, Duplicates: res.Duplicates, Pages: res.Pages,
		Seconds: res.Elapsed.Seconds(), WindowFrom: rfc3339OrNull(res.From.DateModified), WindowTo: res.To.Format(time.RFC3339),
		Output: r.output, State: r.statePath, Checkpoint: cp, Message: msg,
	}
	if r.tagger != nil {
		created, already := r.tagger.Counts()
		sum.TagsCreated, sum.TagsExisting = &created, &already
	}
	enc := json.NewEncoder(a.stdout) // one line; Encode ends it
	enc.SetEscapeHTML(false)
	return enc.Encode(sum)
}

// loadCursor reads a saved checkpoint.
func (r *syncReport) loadCursor(ctx context.Context, key state.CheckpointKey) (syncer.Cursor, bool, error) {
	return loadCursor(ctx, r.job, key)
}

// loadCursor reads the checkpoint key of job from its database.
func loadCursor(ctx context.Context, job *syncer.Job, key state.CheckpointKey) (syncer.Cursor, bool, error) {
	s, ok, err := job.DB.Checkpoint(ctx, key)
	if err != nil || !ok {
		return syncer.Cursor{}, ok, err
	}
	c, err := syncer.DecodeCursor(s)
	return c, err == nil, err
}

// openSyncState opens the state (see openStore) and returns it with its name
// for the summary.
func (a *app) openSyncState(ctx context.Context, path string) (state.Store, string, error) {
	return a.openStore(ctx, path)
}

// syncProgress draws a live status line on a terminal; elsewhere it stays
// silent and the summary line is all that is printed.
type syncProgress struct {
	w      io.Writer
	client *bigcommerce.Client
	live   bool

	mu    sync.Mutex
	last  syncer.Progress
	drawn bool
	done  chan struct{} // closes the ticker of the current run; nil when none
}

func newSyncProgress(w io.Writer, client *bigcommerce.Client, quiet bool) *syncProgress {
	p := &syncProgress{w: w, client: client}
	if f, ok := w.(*os.File); ok && !quiet && term.IsTerminal(int(f.Fd())) {
		p.live = true
		p.start()
	}
	return p
}

// start redraws the line four times a second, so the rate, the ETA and the
// quota move even while a slow page is awaited.
func (p *syncProgress) start() {
	done := make(chan struct{})
	p.mu.Lock()
	p.done = done
	p.mu.Unlock()
	go func() {
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				p.draw()
			}
		}
	}()
}

func (p *syncProgress) update(pr syncer.Progress) {
	p.mu.Lock()
	p.last = pr
	p.mu.Unlock()
	if p.live {
		p.draw()
	}
}

func (p *syncProgress) draw() {
	p.mu.Lock()
	defer p.mu.Unlock()
	pr := p.last
	if pr.Stream == "" {
		return
	}
	line := fmt.Sprintf("%s: %s", pr.Stream, plural(pr.Records, "record"))
	if pr.Duplicates > 0 {
		line += fmt.Sprintf(" (+%d already out)", pr.Duplicates)
	}
	line += ", " + plural(pr.Pages, "page")
	if secs := pr.Elapsed.Seconds(); secs > 0 {
		rate := float64(pr.Records+pr.Duplicates) / secs
		line += fmt.Sprintf(", %.0f rec/s", rate)
		if left := float64(pr.Total-pr.Records-pr.Duplicates) / rate; pr.Total > 0 && rate > 0 && !pr.Done && left > 0 {
			line += fmt.Sprintf(", ETA %s", (time.Duration(left) * time.Second).Round(time.Second))
		}
	}
	if pr.Total >= 0 {
		line += fmt.Sprintf(", ~%d in window", pr.Total)
	}
	if rl := p.client.RateLimit(); rl.Quota > 0 {
		line += fmt.Sprintf(", quota %d/%d left", rl.Left, rl.Quota)
	}
	fmt.Fprintf(p.w, "\r\x1b[K%s", line)
	p.drawn = true
}

// stop ends the live line so the summary starts on a fresh line.
func (p *syncProgress) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done != nil {
		close(p.done)
		p.done = nil
	}
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.drawn = false
	}
}

// reset starts the line again for the next --follow run.
func (p *syncProgress) reset() {
	p.mu.Lock()
	p.last = syncer.Progress{}
	p.mu.Unlock()
	if p.live {
		p.start()
	}
}

// rerunCommand is the sync command line that runs stream into out again,
// with the target flags the user gave and extra flags, for messages that
// tell the user what to type.
func rerunCommand(stream, target, out string, extra ...string) string {
	parts := []string{"bigc sync", stream}
	if target != "" {
		parts = append(parts, target)
	}
	parts = append(parts, "--out", shellQuote(out))
	return strings.Join(append(parts, extra...), " ")
}

// shellQuote quotes s for a POSIX shell when it holds anything but plain
// path characters.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:@+=,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// catchSIGPIPE makes a write to a closed pipe on stdout fail with EPIPE
// instead of killing the process, so that a sync into a pipe whose reader
// went away ends with an error that says so. The returned func undoes it.
func catchSIGPIPE() func() {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGPIPE)
	return func() { signal.Stop(ch) }
}
