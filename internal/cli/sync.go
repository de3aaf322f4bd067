package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
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
	out               string
	statePath         string
	since             string
	full              bool
	follow            bool
	every             time.Duration
	statuses          []string
	includeIncomplete bool
	tag               string
	lag               time.Duration
	workers           int
}

func (a *app) syncCmd() *cobra.Command {
	var f syncFlags
	cmd := &cobra.Command{
		Use:   "sync orders|products|customers",
		Short: "Export the records changed since the last run, whole and exactly once, as JSON Lines",
		Long: `Sync reads the records of one stream changed since the stream's checkpoint
(up to the store's clock minus --lag, frozen when the run starts) and appends
each, whole, to the output as one JSON line:
  {"stream":"orders","id":123,"date_modified":"2026-01-02T03:04:05Z","record":{...}}
Orders carry their line items, shipping addresses and coupons; products their
variants, images and custom fields; customers their addresses and attributes.

The checkpoint (per connection and stream, in the state database) moves only
after the output is flushed and synced to disk. Killed at any moment and run
again, a file output holds every record exactly once. Archived orders are not
exported (the orders API leaves them out); incomplete orders (status 0) only
with --include-incomplete. Changing --status between runs does not revisit
orders already behind the checkpoint: use --full or --since for that.`,
		Example: `  bigc sync orders --sandbox
  bigc sync orders --connection shop --out orders.jsonl --tag bigc/exported
  bigc sync products --connection shop --out - --since 2026-01-01T00:00:00Z
  bigc sync orders --connection shop --follow --every 1m --status awaiting_fulfillment`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runSync(cmd.Context(), args[0], &f, cmd.Flags().Changed("out"))
		},
	}
	f.target.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&f.out, "out", "", `output file, appended to ("-" for stdout; default bigc-sync/STREAM.jsonl in the current directory)`)
	fl.StringVar(&f.statePath, "state", "", "state database holding the checkpoints (default state.db in the configuration directory)")
	fl.StringVar(&f.since, "since", "", "start the window at this time (RFC 3339 or YYYY-MM-DD) instead of the checkpoint")
	fl.BoolVar(&f.full, "full", false, "re-read every record from the beginning (the output still gets each version once)")
	fl.BoolVar(&f.follow, "follow", false, "keep syncing every --every until interrupted")
	fl.DurationVar(&f.every, "every", time.Minute, "with --follow, the time between runs")
	fl.StringSliceVar(&f.statuses, "status", nil, "orders only: export only these statuses (IDs 0-14 or names such as awaiting_fulfillment; repeat or comma-separate)")
	fl.BoolVar(&f.includeIncomplete, "include-incomplete", false, "orders only: also export incomplete orders (status 0, abandoned checkouts)")
	fl.StringVar(&f.tag, "tag", "", "orders only: mark each exported order with the order metafield NAMESPACE/KEY (idempotent)")
	fl.DurationVar(&f.lag, "lag", 2*time.Second, "safety lag taken off the store's clock for the window's upper bound")
	fl.IntVar(&f.workers, "workers", 8, "records hydrated at once, and list pages read at once when the quota is large")
	return cmd
}

// syncSummary is the JSON result printed on stdout when the output is a file.
type syncSummary struct {
	Stream      string  `json:"stream"`
	Connection  string  `json:"connection"`
	Records     int     `json:"records"`
	Duplicates  int     `json:"duplicates"`
	Pages       int     `json:"pages"`
	Seconds     float64 `json:"seconds"`
	WindowFrom  string  `json:"window_from"`
	WindowTo    string  `json:"window_to"`
	Output      string  `json:"output"`
	State       string  `json:"state"`
	Checkpoint  string  `json:"checkpoint"`
	TagsCreated *int64  `json:"tags_created,omitempty"`
}

func (a *app) runSync(ctx context.Context, stream string, f *syncFlags, outChanged bool) error {
	switch stream {
	case syncer.StreamOrders, syncer.StreamProducts, syncer.StreamCustomers:
	default:
		return badInputf("stream %q: want orders, products or customers", stream)
	}
	var filter syncer.OrderFilter
	filter.IncludeIncomplete = f.includeIncomplete
	for _, s := range f.statuses {
		id, err := syncer.ParseOrderStatus(s)
		if err != nil {
			return badInputf("--status: %v", err)
		}
		filter.StatusIDs = append(filter.StatusIDs, id)
	}
	if stream != syncer.StreamOrders && (len(f.statuses) > 0 || f.includeIncomplete || f.tag != "") {
		return badInputf("--status, --include-incomplete and --tag apply to orders only, not %s", stream)
	}
	var since time.Time
	if f.since != "" {
		t, err := bigcommerce.ParseTime(f.since)
		if err != nil {
			return badInputf("--since: %v", err)
		}
		since = t
	}
	if f.full && f.since != "" {
		return badInputf("--full and --since both given: pass one of them")
	}
	if f.every <= 0 {
		return badInputf("--every %s: want a positive duration such as 1m", f.every)
	}
	if f.lag < 0 {
		return badInputf("--lag %s: want zero or a positive duration", f.lag)
	}
	if f.workers < 1 || f.workers > 64 {
		return badInputf("--workers %d: want 1 to 64", f.workers)
	}
	var tagNS, tagKey string
	if f.tag != "" {
		var err error
		if tagNS, tagKey, err = syncer.ParseTag(f.tag); err != nil {
			return badInput(err)
		}
	}

	db, statePath, err := a.openSyncState(ctx, f.statePath)
	if err != nil {
		return err
	}
	defer db.Close()
	// The client's cap on requests in flight follows --workers: a
	// latency-bound export needs more than the default four at once, and the
	// governor still keeps the store's quota.
	f.target.concurrency = f.workers
	tgt, err := a.openTarget(ctx, &f.target)
	if err != nil {
		return err
	}
	defer tgt.Close()

	var w *syncer.Writer
	outName := f.out
	if !outChanged {
		outName = filepath.Join("bigc-sync", stream+".jsonl")
	}
	if outName == "-" {
		w = syncer.NewStreamWriter(a.stdout)
	} else {
		if !outChanged {
			if err := os.MkdirAll(filepath.Dir(outName), 0o755); err != nil {
				return fmt.Errorf("output directory: %w", err)
			}
		}
		open := syncer.OpenFile
		if f.full {
			open = syncer.RepairFile // --full re-reads what a damaged file lost
		}
		if w, err = open(ctx, db, outName); err != nil {
			if errors.Is(err, syncer.ErrOutputDamaged) {
				return &tools.Error{Category: categoryOutputDamaged, Message: err.Error(),
					Next: "its checkpoint would skip the records it lost; re-read them (the file keeps what it holds, and each record is written once) with: " +
						rerunCommand(stream, tgt.Name, outName, "--full")}
			}
			return err
		}
		defer w.Close()
	}
	src, err := syncer.NewSource(stream, tgt.Client, filter)
	if err != nil {
		return badInput(err)
	}
	job := &syncer.Job{
		Source: src, Writer: w, DB: db, Connection: tgt.Name, StoreTime: tgt.Client.Store.Time,
		Lag: f.lag, Workers: f.workers, Parallel: f.workers, Since: since, Full: f.full,
		// --since reads a window of the user's choosing: moving the file's
		// checkpoint there would skip what lies before it.
		Preview: !since.IsZero(),
	}
	if f.lag == 0 {
		job.Lag = time.Nanosecond // Job treats 0 as "default"; a nanosecond is no lag at second granularity
	}
	var tagger *syncer.Tagger
	if tagNS != "" {
		tagger = &syncer.Tagger{Client: tgt.Client, Namespace: tagNS, Key: tagKey, Value: time.Now().UTC().Format(time.RFC3339), Workers: f.workers}
		job.AfterWrite = tagger.AfterWrite
	}
	prog := newSyncProgress(a.stderr, tgt.Client)
	job.Progress = prog.update

	finish := func(res syncer.Result, err error) error {
		prog.stop()
		out := outputName(w)
		if err != nil {
			fmt.Fprintf(a.stderr, "bigc sync %s: stopped after %d records in %d pages: %v\n", stream, res.Records, res.Pages, err)
			fmt.Fprintf(a.stderr, "bigc sync %s: checkpoint %s/%s at %s in %s; run again to resume\n", stream, tgt.Name, stream, res.Cursor, statePath)
			return err
		}
		// One summary line, whether or not stderr is a terminal.
		tagged := ""
		if tagger != nil {
			created, already := tagger.Counts()
			tagged = fmt.Sprintf("; tag %s: %d orders tagged, %d already tagged", f.tag, created, already)
		}
		fmt.Fprintf(a.stderr, "bigc sync %s: %d records written (%d already in the output), %d pages, %.1fs, window %s .. %s; output %s; checkpoint %s/%s = %s in %s%s\n",
			stream, res.Records, res.Duplicates, res.Pages, res.Elapsed.Seconds(), res.From, res.To.Format(time.RFC3339),
			out, tgt.Name, stream, res.Cursor, statePath, tagged)
		if w.Path() == "" {
			return nil // stdout carries the records
		}
		sum := syncSummary{
			Stream: stream, Connection: tgt.Name, Records: res.Records, Duplicates: res.Duplicates, Pages: res.Pages,
			Seconds: res.Elapsed.Seconds(), WindowFrom: res.From.String(), WindowTo: res.To.Format(time.RFC3339),
			Output: out, State: statePath, Checkpoint: res.Cursor.String(),
		}
		if tagger != nil {
			created, _ := tagger.Counts()
			sum.TagsCreated = &created
		}
		b, _ := json.Marshal(sum)
		_, werr := fmt.Fprintf(a.stdout, "%s\n", b)
		return werr
	}

	if !f.follow {
		res, err := job.Run(ctx)
		if errors.Is(err, syncer.ErrBadCheckpoint) {
			err = badInput(err)
		}
		return finish(res, err)
	}
	// A failed run is reported and retried; an interrupt ends --follow cleanly.
	err = job.Follow(ctx, f.every, func(res syncer.Result, err error) {
		_ = finish(res, err)
		prog.reset()
	})
	if err != nil {
		return badInput(err)
	}
	return nil
}

// openSyncState opens --state PATH, or the configuration directory's state
// database, and returns it with its path for the summary.
func (a *app) openSyncState(ctx context.Context, path string) (*state.DB, string, error) {
	if path == "" {
		dir, err := a.configPath()
		if err != nil {
			return nil, "", err
		}
		path = filepath.Join(dir, "state.db")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, "", badInputf("--state %q: %v", path, err)
	}
	db, err := state.Open(ctx, abs)
	if err != nil {
		return nil, "", err
	}
	return db, abs, nil
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

func newSyncProgress(w io.Writer, client *bigcommerce.Client) *syncProgress {
	p := &syncProgress{w: w, client: client}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
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
	line := fmt.Sprintf("%s: %d records", pr.Stream, pr.Records)
	if pr.Duplicates > 0 {
		line += fmt.Sprintf(" (+%d already out)", pr.Duplicates)
	}
	line += fmt.Sprintf(", %d pages", pr.Pages)
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

// rerunCommand is the sync command line that runs stream into out again
// with extra flags, for messages that tell the user what to type.
func rerunCommand(stream, connection, out string, extra ...string) string {
	target := "--connection " + shellQuote(connection)
	if connection == connections.SandboxName {
		target = "--sandbox"
	}
	cmd := "bigc sync " + stream + " " + target + " --out " + shellQuote(out)
	for _, e := range extra {
		cmd += " " + e
	}
	return cmd
}

// shellQuote quotes s for a POSIX shell when it holds anything but plain
// path characters.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:@+=,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
