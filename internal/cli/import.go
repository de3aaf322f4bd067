package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/bigc-dev/bigc/importer"
	"github.com/bigc-dev/bigc/state"
)

// rowsRejected ends an import that rejected rows.
type rowsRejected struct {
	n    int
	file string
}

func (e *rowsRejected) Error() string {
	return fmt.Sprintf("%s rejected: see %s (line, field and reason of each); fix them and run the same command again", plural(e.n, "row"), e.file)
}

// importFlags are the flags of bigc import.
type importFlags struct {
	target           targetFlags
	from             string
	format           string
	dryRun           bool
	guard            writeGuard
	createCategories bool
	statePath        string
	locationID       int
	workers          int
	lease            leaseFlags
	quiet            bool
}

func (a *app) importCmd() *cobra.Command {
	var f importFlags
	cmd := &cobra.Command{
		Use:   "import products|inventory|customers FILE",
		Short: "Upsert products (by SKU), stock levels (by SKU) or customers (by email) from a JSON Lines or CSV file",
		Long: `Import applies every row of FILE to the store, exactly once:
  products   create-product's shape (variants, options, images by URL, custom
             fields, categories by name path such as Apparel/Shirts), bigc's
             CSV, or --from woocommerce|shopify for those platforms' exports.
             A product is matched by its SKU or any variant's; one that exists
             is updated only in the fields that differ, one that does not is
             created with its variants in one request.
  inventory  sku,quantity[,location_id]: absolute levels, 2,000 per request.
  customers  matched by email, with their addresses.
The columns and the WooCommerce and Shopify mappings are in docs/imports.md.

Each applied row is journaled in the state database; killed and run again, the
import carries on, and a finished import run again sends no write. Rows that
cannot be applied go to FILE.rejected.jsonl with their line, field and reason;
the run then exits 8. --dry-run prints the plan (one JSON line per row) and
writes nothing. On a --production connection, an import needs --yes.`,
		Example: `  bigc import products catalog.jsonl --sandbox --dry-run
  bigc import products wc-product-export.csv --from woocommerce --connection shop --create-categories
  bigc import inventory levels.csv --connection shop --yes
  bigc import customers customers.jsonl --connection shop`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			a.quiet = f.quiet
			return a.runImport(cmd.Context(), args[0], args[1], &f)
		},
	}
	f.target.register(cmd)
	f.guard.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&f.from, "from", "", "products only: the file is a woocommerce or shopify product CSV export")
	fl.StringVar(&f.format, "format", "", "jsonl or csv (default from the file's extension)")
	fl.BoolVar(&f.dryRun, "dry-run", false, "print the plan, one JSON line per row, and write nothing")
	fl.BoolVar(&f.createCategories, "create-categories", false, "products only: create category paths that do not exist (else such rows are rejected)")
	fl.StringVar(&f.statePath, "state", "", "state database holding the import journal (default state.db in the configuration directory)")
	fl.IntVar(&f.locationID, "location-id", 1, "inventory only: the location of rows without a location_id")
	fl.IntVar(&f.workers, "workers", 4, "creates in flight at once (the governor still keeps the store's quota)")
	f.lease.register(fl, "importing the same file into the store")
	fl.BoolVar(&f.quiet, "quiet", false, "print no progress and no summary on stderr (errors still are; the JSON summary still goes to stdout)")
	return cmd
}

// importSummary is the JSON result on stdout.
type importSummary struct {
	importer.Summary
	File         string `json:"file"`
	Connection   string `json:"connection"`
	RejectedFile string `json:"rejected_file,omitempty"`
	State        string `json:"state"`
}

func (a *app) runImport(ctx context.Context, kind, path string, f *importFlags) error {
	switch kind {
	case "products", "inventory", "customers":
	default:
		return badInputf("%q: want products, inventory or customers", kind)
	}
	format, err := importFormat(kind, path, f)
	if err != nil {
		return err
	}
	if f.workers < 1 || f.workers > 64 {
		return badInputf("--workers %d: want 1 to 64", f.workers)
	}
	if f.locationID < 1 {
		return badInputf("--location-id %d: want a location id (1 is the default location)", f.locationID)
	}
	if st, err := os.Stat(path); err != nil || st.IsDir() {
		return badInputf("FILE %q: not a readable file", path)
	}
	db, statePath, err := a.openSyncState(ctx, f.statePath)
	if err != nil {
		return err
	}
	defer db.Close()
	f.target.concurrency = f.workers
	tgt, err := a.openTarget(ctx, &f.target)
	if err != nil {
		return err
	}
	defer tgt.Close()
	id, err := importer.Identity(kind, format, tgt.Client.StoreHash(), path)
	if err != nil {
		return badInput(err)
	}
	newJob := func(dryRun bool) *importer.Job {
		return &importer.Job{Client: tgt.Client, Journal: db, ImportID: id, DryRun: dryRun,
			CreateCategories: f.createCategories, Workers: f.workers, LocationID: f.locationID}
	}
	if err := f.guard.allowPreviewed(tgt, "bigc import "+kind, !f.dryRun, func() (string, error) {
		return importPreview(ctx, kind, format, path, newJob(true))
	}); err != nil {
		return err
	}
	job := newJob(f.dryRun)
	if !f.dryRun {
		// One writer per import, on any machine sharing the journal.
		run, release, err := a.takeLease(ctx, db, importer.LeaseName(id), "importing "+path+" into "+tgt.Name, f.lease)
		if err != nil {
			return err
		}
		defer release()
		ctx = run
	}
	in, err := os.Open(path)
	if err != nil {
		return badInput(err)
	}
	defer in.Close()

	rejectedPath := path + ".rejected.jsonl"
	var rejected *os.File
	if f.dryRun {
		job.Plan = a.stdout
	} else {
		if rejected, err = os.OpenFile(rejectedPath, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644); err != nil {
			return err
		}
		defer rejected.Close()
		job.Rejected = rejected
	}
	prog := newImportProgress(a.stderr, kind, a.quiet)
	job.Progress = prog.update

	sum, err := job.ImportFile(ctx, kind, format, in)
	prog.stop()
	var fe *importer.FileError
	var re *importer.RowError
	switch {
	case errors.As(err, &fe) && kind == importer.KindProducts && format == importer.FormatCSV && errors.As(fe.Err, &re):
		return badInputf("%w; a WooCommerce or Shopify export needs --from woocommerce|shopify", fe.Err)
	case errors.As(err, &fe):
		return badInput(fe.Err)
	}
	if cause := context.Cause(ctx); errors.Is(cause, state.ErrLeaseLost) {
		err = cause // another process may be importing the file now
	}
	if err != nil {
		fmt.Fprintf(a.stderr, "bigc import %s: stopped after %s (%d created, %d updated, %d unchanged, %d rejected): %v\n",
			kind, plural(sum.Rows, "row"), sum.Created, sum.Updated, sum.Unchanged, sum.Rejected, err)
		fmt.Fprintf(a.stderr, "bigc import %s: the applied rows are journaled in %s; run the same command again to carry on\n", kind, statePath)
		return err
	}
	a.note(fmt.Sprintf("bigc import %s: %s: %d created, %d updated, %d unchanged, %d already imported, %d rejected; %s, %s, %.1fs",
		kind, plural(sum.Rows, "row"), sum.Created, sum.Updated, sum.Unchanged, sum.Done, sum.Rejected, plural(sum.Reads, "read"), plural(sum.Writes, "write"), sum.Seconds))
	if sum.MissingCategories > 0 {
		a.note(fmt.Sprintf("bigc import %s: %s a category that does not exist; --create-categories creates it", kind, plural(sum.MissingCategories, "row names/rows name")))
	}
	out := importSummary{Summary: sum, File: path, Connection: tgt.Name, State: statePath}
	if rejected != nil {
		if sum.Rejected > 0 {
			out.RejectedFile = rejectedPath
		} else {
			rejected.Close()
			os.Remove(rejectedPath)
		}
	}
	if f.dryRun {
		// stdout carries the plan; the summary goes beside the message.
		b, _ := json.Marshal(out)
		a.note(string(b))
		if sum.Rejected > 0 {
			return &rowsRejected{n: sum.Rejected, file: "the plan's \"rejected\" lines on stdout"}
		}
		return nil
	}
	b, _ := json.Marshal(out)
	if _, err := fmt.Fprintf(a.stdout, "%s\n", b); err != nil {
		return err
	}
	if sum.Rejected > 0 {
		return &rowsRejected{n: sum.Rejected, file: rejectedPath}
	}
	return nil
}

// importFormat decides how FILE is read: --from for the platforms' exports,
// else --format, else the file's extension.
func importFormat(kind, path string, f *importFlags) (string, error) {
	if f.from != "" {
		if kind != "products" {
			return "", badInputf("--from applies to products only, not %s", kind)
		}
		switch f.from {
		case importer.FormatWooCommerce, importer.FormatShopify:
			return f.from, nil
		}
		return "", badInputf("--from %q: want woocommerce or shopify", f.from)
	}
	if f.createCategories && kind != "products" {
		return "", badInputf("--create-categories applies to products only, not %s", kind)
	}
	format := f.format
	if format == "" {
		if format = importer.FormatOf(path); format == "" {
			return "", badInputf("FILE %q: cannot tell the format from the extension; pass --format jsonl or --format csv (or --from woocommerce|shopify)", path)
		}
	}
	if format != importer.FormatJSONL && format != importer.FormatCSV {
		return "", badInputf("--format %q: want jsonl or csv", format)
	}
	return format, nil
}

// importProgress draws a live status line on a terminal and stays silent
// elsewhere (the summary line is printed either way).
type importProgress struct {
	w     io.Writer
	kind  string
	live  bool
	mu    sync.Mutex
	drawn bool
}

func newImportProgress(w io.Writer, kind string, quiet bool) *importProgress {
	p := &importProgress{w: w, kind: kind}
	if f, ok := w.(*os.File); ok && !quiet && term.IsTerminal(int(f.Fd())) {
		p.live = true
	}
	return p
}

func (p *importProgress) update(s importer.Summary) {
	if !p.live {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	rate := ""
	if s.Seconds > 0 {
		rate = fmt.Sprintf(", %.0f rows/s", float64(s.Rows)/s.Seconds)
	}
	fmt.Fprintf(p.w, "\r\x1b[K%s: %s, %d created, %d updated, %d unchanged, %d done before, %d rejected, %s%s, %s",
		p.kind, plural(s.Rows, "row"), s.Created, s.Updated, s.Unchanged, s.Done, s.Rejected, plural(s.Reads+s.Writes, "request"), rate, (time.Duration(s.Seconds) * time.Second).Round(time.Second))
	p.drawn = true
}

func (p *importProgress) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.drawn = false
	}
}

// importExitCode is exitRejected for an import that rejected rows.
func importExitCode(err error) (int, bool) {
	var rj *rowsRejected
	if errors.As(err, &rj) {
		return exitRejected, true
	}
	return 0, false
}
