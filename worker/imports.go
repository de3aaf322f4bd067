package worker

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/importer"
	"github.com/bigc-dev/bigc/state"
)

// Imports configures the import folders: a file dropped into
// Dir/CONNECTION/KIND/ is imported into the connection's store once, through
// the importer and its journal, and then moved to done/ beside it.
type Imports struct {
	// Dir holds a folder per connection, each holding the folders of
	// ImportFolders; "" turns imports off.
	Dir string
	// Settle is how long a file must have gone unmodified before it is
	// taken, so that one still being copied in is left for a later round;
	// default DefaultSettle. A file renamed into place when complete is
	// safe whatever the setting.
	Settle time.Duration
	// CreateCategories lets product imports create the category paths they
	// name (else such rows are rejected).
	CreateCategories bool
}

// DefaultSettle is Imports.Settle's default.
const DefaultSettle = 10 * time.Second

// ImportFolder is one folder a worker takes files from, under
// Imports.Dir/CONNECTION.
type ImportFolder struct {
	Path string // relative to the connection's folder, e.g. "products/woocommerce"
	Kind string // importer.KindProducts, KindInventory or KindCustomers
	// From is the platform whose product export the folder holds
	// (importer.FormatWooCommerce or FormatShopify); "" takes the format
	// from each file's extension.
	From string
}

// ImportFolders are the folders of each connection, in the order a round
// takes them: products before the stock levels that may name their SKUs.
var ImportFolders = []ImportFolder{
	{Path: "products", Kind: importer.KindProducts},
	{Path: "products/woocommerce", Kind: importer.KindProducts, From: importer.FormatWooCommerce},
	{Path: "products/shopify", Kind: importer.KindProducts, From: importer.FormatShopify},
	{Path: "inventory", Kind: importer.KindInventory},
	{Path: "customers", Kind: importer.KindCustomers},
}

// The folders, beside the files of a folder, that finished files go to:
// done/ for imported files (with FILE.rejected.jsonl when rows were
// rejected), failed/ for files that cannot be read as their kind at all
// (with FILE.error saying why).
const (
	DoneDir   = "done"
	FailedDir = "failed"
)

// importConn is a connection whose folders a worker watches.
type importConn struct {
	name   string
	client *bigcommerce.Client
}

// ImportDir is the folder of connection's imports.
func (w *Worker) ImportDir(connection string) string {
	return filepath.Join(w.cfg.Imports.Dir, connection)
}

// newImports checks the import settings and makes each connection's
// folders, so that whoever drops files sees where they go.
func (w *Worker) newImports() error {
	dir, err := filepath.Abs(w.cfg.Imports.Dir)
	if err != nil {
		return fmt.Errorf("imports directory: %w", err)
	}
	w.cfg.Imports.Dir = dir
	if w.cfg.Imports.Settle <= 0 {
		w.cfg.Imports.Settle = DefaultSettle
	}
	seen := map[string]bool{}
	for _, s := range w.cfg.Streams {
		if seen[s.Connection] {
			continue
		}
		seen[s.Connection] = true
		w.imports = append(w.imports, importConn{name: s.Connection, client: s.Client})
		for _, f := range ImportFolders {
			if err := os.MkdirAll(filepath.Join(w.ImportDir(s.Connection), f.Path), 0o755); err != nil {
				return fmt.Errorf("imports directory: %w", err)
			}
		}
	}
	return nil
}

// importsLeaseName names the lease a worker holds while it imports a
// connection's files: one worker at a time works through a store's folders,
// so files are imported in order and never two into one store at once.
func importsLeaseName(connection string) string { return "imports/" + connection }

// runImports imports every ready file of c's folders, one at a time, folder
// by folder in ImportFolders' order and each folder's files in name order,
// if no other worker is doing so. The error joins the imports that failed;
// their files stay where they are, for the next round.
func (w *Worker) runImports(ctx context.Context, c importConn) error {
	if pending, err := w.readyFiles(c); err != nil || len(pending) == 0 {
		return w.importNotStarted(c, err)
	}
	lease, err := state.AcquireLease(ctx, w.cfg.State, importsLeaseName(c.name), state.LeaseOptions{TTL: w.cfg.LeaseTTL})
	if errors.Is(err, state.ErrLeaseHeld) {
		return nil // another worker is importing this store's files
	}
	if err != nil {
		return w.importNotStarted(c, err)
	}
	defer lease.Release(context.WithoutCancel(ctx))
	runCtx, stop := whileLeased(ctx, lease)
	defer stop()

	// Listed again under the lease: another worker may have finished some.
	files, err := w.readyFiles(c)
	if err != nil {
		return w.importNotStarted(c, err)
	}
	var errs []error
	for _, f := range files {
		if runCtx.Err() != nil {
			break
		}
		if err := w.importFile(runCtx, c, f.folder, f.path); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// readyFile is a file ready to import.
type readyFile struct {
	folder ImportFolder
	path   string
}

// readyFiles lists c's files that are ready to import: regular files whose
// names end in .jsonl, .ndjson, .json or .csv (only .csv in the platform
// folders), do not start with a dot, are not a rejected-rows file, and have
// not been modified for Settle. Anything else (FILE.csv.tmp, .FILE.csv, a
// file still being written) is left alone.
func (w *Worker) readyFiles(c importConn) ([]readyFile, error) {
	var out []readyFile
	quiet := time.Now().Add(-w.cfg.Imports.Settle)
	for _, f := range ImportFolders {
		dir := filepath.Join(w.ImportDir(c.name), f.Path)
		entries, err := os.ReadDir(dir)
		if errors.Is(err, fs.ErrNotExist) {
			continue // removed since the worker made it: nothing dropped there
		}
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			name := e.Name()
			format := importer.FormatOf(name)
			if !e.Type().IsRegular() || strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".rejected.jsonl") ||
				format == "" || (f.From != "" && format != importer.FormatCSV) {
				continue
			}
			info, err := e.Info()
			if errors.Is(err, fs.ErrNotExist) {
				continue // moved away since the listing
			}
			if err != nil {
				return nil, err
			}
			if info.ModTime().After(quiet) {
				continue // perhaps still being written
			}
			out = append(out, readyFile{folder: f, path: filepath.Join(dir, name)})
		}
	}
	return out, nil
}

// importRun is one file's import, as its log line reports it.
type importRun struct {
	conn     importConn
	folder   ImportFolder
	path     string
	start    time.Time
	sum      importer.Summary
	movedTo  string // where the file went; "" while it stays
	rejected string // the rejected rows' file, when rows were rejected
}

// importFile imports one file through the importer, with the journal, under
// the lease bigc import takes for the same file, and moves it to done/ (or,
// unreadable, to failed/). A file gone meanwhile was finished by another
// process; one whose import fails stays for the next round, which carries
// on from the journal.
func (w *Worker) importFile(ctx context.Context, c importConn, f ImportFolder, path string) error {
	run := &importRun{conn: c, folder: f, path: path, start: time.Now()}
	format := f.From
	if format == "" {
		format = importer.FormatOf(path)
	}
	in, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return w.reportImport(run, err)
	}
	defer in.Close()
	id, err := importer.Identity(f.Kind, format, c.client.StoreHash(), path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return w.reportImport(run, err)
	}
	if !stillAt(in, path) {
		return nil // replaced since it was opened: the new file is the next round's
	}
	lease, err := state.AcquireLease(ctx, w.cfg.State, importer.LeaseName(id), state.LeaseOptions{TTL: w.cfg.LeaseTTL})
	if errors.Is(err, state.ErrLeaseHeld) {
		return nil // bigc import is importing the same file
	}
	if err != nil {
		return w.reportImport(run, err)
	}
	defer lease.Release(context.WithoutCancel(ctx))
	runCtx, stop := whileLeased(ctx, lease)
	defer stop()

	done := filepath.Join(filepath.Dir(path), DoneDir)
	if err := os.MkdirAll(done, 0o755); err != nil {
		return w.reportImport(run, err)
	}
	doneName := freeName(done, filepath.Base(path))
	rejectedPath := filepath.Join(done, doneName+".rejected.jsonl")
	rejected, err := os.OpenFile(rejectedPath, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return w.reportImport(run, err)
	}
	job := &importer.Job{Client: c.client, Journal: w.cfg.State, ImportID: id, Rejected: rejected,
		CreateCategories: w.cfg.Imports.CreateCategories, Workers: w.cfg.Workers}
	run.sum, err = job.ImportFile(runCtx, f.Kind, format, in)
	if cerr := rejected.Close(); err == nil {
		err = cerr
	}
	if cause := context.Cause(runCtx); err != nil && errors.Is(cause, state.ErrLeaseLost) {
		err = cause
	}
	if err != nil || run.sum.Rejected == 0 {
		os.Remove(rejectedPath)
	} else {
		run.rejected = rejectedPath
	}
	var unreadable *importer.FileError
	switch {
	case errors.As(err, &unreadable):
		var merr error
		if run.movedTo, merr = moveFailed(path, err); merr != nil {
			run.movedTo, err = "", errors.Join(err, merr)
		}
		return w.reportImport(run, err)
	case err != nil:
		return w.reportImport(run, err)
	case !stillAt(in, path):
		return w.reportImport(run, nil) // replaced while it was imported: the new file is the next round's
	}
	if err := os.Rename(path, filepath.Join(done, doneName)); err != nil {
		return w.reportImport(run, err)
	}
	run.movedTo = filepath.Join(done, doneName)
	return w.reportImport(run, nil)
}

// stillAt tells whether path still names the open file f.
func stillAt(f *os.File, path string) bool {
	a, err := f.Stat()
	if err != nil {
		return false
	}
	b, err := os.Stat(path)
	return err == nil && os.SameFile(a, b)
}

// freeName returns name, or name-2.ext, name-3.ext, ... if dir holds it
// already: a file of the same name dropped again does not overwrite the
// one done before.
func freeName(dir, name string) string {
	ext := filepath.Ext(name)
	base := strings.TrimSuffix(name, ext)
	for i := 1; ; i++ {
		try := name
		if i > 1 {
			try = base + "-" + strconv.Itoa(i) + ext
		}
		if _, err := os.Lstat(filepath.Join(dir, try)); errors.Is(err, fs.ErrNotExist) {
			return try
		}
	}
}

// moveFailed moves an unreadable file to failed/ beside it, with
// FILE.error saying why, and returns where it went.
func moveFailed(path string, why error) (string, error) {
	dir := filepath.Join(filepath.Dir(path), FailedDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	to := filepath.Join(dir, freeName(dir, filepath.Base(path)))
	if err := os.WriteFile(to+".error", []byte(why.Error()+"\n"), 0o644); err != nil {
		return "", err
	}
	return to, os.Rename(path, to)
}

// importNotStarted logs a connection's imports that could not start (the
// state or the folders failed) and returns err.
func (w *Worker) importNotStarted(c importConn, err error) error {
	if err != nil && !errors.Is(err, context.Canceled) {
		w.cfg.Logger.Error("imports not started", "connection", c.name, "error", err.Error())
	}
	return err
}

// reportImport writes an import's one log line, updates the metrics and
// returns err.
func (w *Worker) reportImport(r *importRun, err error) error {
	sum := r.sum
	attrs := []slog.Attr{slog.String("connection", r.conn.name), slog.String("kind", r.folder.Kind), slog.String("file", r.path),
		slog.Int("rows", sum.Rows), slog.Int("created", sum.Created), slog.Int("updated", sum.Updated),
		slog.Int("unchanged", sum.Unchanged), slog.Int("already_imported", sum.Done), slog.Int("rejected", sum.Rejected),
		slog.Int64("reads", sum.Reads), slog.Int64("writes", sum.Writes), slog.Float64("seconds", time.Since(r.start).Seconds())}
	if r.folder.From != "" {
		attrs = append(attrs, slog.String("from", r.folder.From))
	}
	if r.movedTo != "" {
		attrs = append(attrs, slog.String("moved_to", r.movedTo))
	}
	if r.rejected != "" {
		attrs = append(attrs, slog.String("rejected_file", r.rejected))
	}
	result := "done"
	switch {
	case err != nil:
		result = "error"
		if r.movedTo != "" {
			result = "unreadable"
		}
		attrs = append(attrs, slog.String("error", err.Error()))
		w.cfg.Logger.LogAttrs(context.Background(), slog.LevelError, "import failed", attrs...)
	case sum.Rejected > 0:
		w.cfg.Logger.LogAttrs(context.Background(), slog.LevelWarn, "import", attrs...)
	default:
		w.cfg.Logger.LogAttrs(context.Background(), slog.LevelInfo, "import", attrs...)
	}
	if w.cfg.Metrics != nil {
		w.cfg.Metrics.observeImport(r.conn.name, r.folder.Kind, sum, result)
	}
	return err
}
