package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/importer"
	"github.com/bigc-dev/bigc/internal/syncbuf"
	"github.com/bigc-dev/bigc/sandbox"
	"github.com/bigc-dev/bigc/sandbox/sandboxtest"
	"github.com/bigc-dev/bigc/state"
	"github.com/bigc-dev/bigc/state/statetest"
	"github.com/bigc-dev/bigc/syncer"
)

// importRig is one sandbox store, saved as the connection "shop", a SQLite
// state and an import folder; newWorker makes workers sharing them.
type importRig struct {
	srv     *sandbox.Server
	client  *bigcommerce.Client
	state   *state.DB
	dir     string
	out     string
	log     *syncbuf.Buffer
	metrics *Metrics
}

func newImportRig(t *testing.T) *importRig {
	t.Helper()
	db := statetest.Open(t)
	r := &importRig{srv: sandboxtest.NewServer(t, sandbox.Options{Seed: 5, Products: 2, Customers: 2, Orders: 2}),
		state: db, dir: t.TempDir(), out: t.TempDir(), log: &syncbuf.Buffer{}, metrics: NewMetrics()}
	var err error
	r.client, err = bigcommerce.NewClient(r.srv.StoreHash, r.srv.Tokens.Full, bigcommerce.WithBaseURL(r.srv.URL),
		bigcommerce.WithHTTPClient(&http.Client{Transport: r.metrics.Transport("shop", nil)}))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// newWorker makes a worker keeping shop's customers in step (every 15
// minutes) and importing its dropped files untouched for an hour.
func (r *importRig) newWorker(t *testing.T, metrics *Metrics) *Worker {
	t.Helper()
	w, err := New(Config{State: r.state, OutDir: r.out, Lag: time.Nanosecond,
		Streams: []Stream{{Connection: "shop", Client: r.client, Stream: syncer.StreamCustomers, Every: 15 * time.Minute}},
		Logger:  slog.New(slog.NewJSONHandler(r.log, nil)), Metrics: metrics,
		Imports: Imports{Dir: r.dir, Settle: time.Hour}})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// drop writes a file into shop's folder, modified two hours ago unless
// fresh.
func (r *importRig) drop(t *testing.T, folder, name, content string, fresh bool) string {
	t.Helper()
	path := filepath.Join(r.dir, "shop", folder, name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if !fresh {
		old := time.Now().Add(-2 * time.Hour)
		if err := os.Chtimes(path, old, old); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

// importLines returns the JSON log lines about imports.
func (r *importRig) importLines(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(r.log.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		if msg, _ := m["msg"].(string); strings.HasPrefix(msg, "import") {
			out = append(out, m)
		}
	}
	return out
}

func (r *importRig) productsBySKU() map[string]sandbox.ProductSnapshot {
	out := map[string]sandbox.ProductSnapshot{}
	for _, id := range r.srv.Store.ProductIDs() {
		p, _ := r.srv.Store.Product(id)
		out[p.SKU] = p
	}
	return out
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// TestDroppedFilesAreImportedOnceAndMoved: a round imports the ready files
// of every folder (products before the stock levels that name them), moves
// each to done/ with its rejected rows beside it, and leaves alone what is
// not ready: a .tmp file, a hidden one and one modified too recently. The
// next round sends nothing; the same bytes dropped again are journaled
// already and send no write.
func TestDroppedFilesAreImportedOnceAndMoved(t *testing.T) {
	t.Parallel()
	r := newImportRig(t)
	w := r.newWorker(t, r.metrics)
	products := r.drop(t, "products", "catalog.jsonl",
		`{"name":"Drop Mug","sku":"DROP-MUG","price":"9.50","inventory_level":1}`+"\n"+
			`{"name":"Drop Cap","sku":"DROP-CAP","price":"12","inventory_level":1}`+"\n"+
			`{"name":"Bad","sku":"DROP-BAD","price":"1","colour":"red"}`+"\n", false)
	stock := r.drop(t, "inventory", "levels.csv", "sku,quantity\nDROP-MUG,7\nDROP-CAP,3\n", false)
	customers := r.drop(t, "customers", "people.jsonl", `{"email":"drop@example.com","first_name":"Dee","last_name":"Drop"}`+"\n", false)
	notReady := []string{
		r.drop(t, "products", "partial.csv.tmp", "sku,name\nX,Y\n", false),
		r.drop(t, "products", ".hidden.csv", "sku,name\nX,Y\n", false),
		r.drop(t, "products", "fresh.csv", "sku,name,price\nFRESH,Fresh,1\n", true),
	}
	customersBefore := len(r.srv.Store.CustomerIDs())

	if _, err := w.RunOnce(t.Context()); err != nil {
		t.Fatal(err)
	}
	got := r.productsBySKU()
	if p := got["DROP-MUG"]; p.Name != "Drop Mug" || p.InventoryLevel != 7 {
		t.Errorf("DROP-MUG in the store: %+v, want Drop Mug with the stock file's 7", p)
	}
	if p := got["DROP-CAP"]; p.InventoryLevel != 3 {
		t.Errorf("DROP-CAP in the store: %+v, want the stock file's 3", p)
	}
	for _, sku := range []string{"DROP-BAD", "FRESH"} {
		if _, ok := got[sku]; ok {
			t.Errorf("%s is in the store", sku)
		}
	}
	if n := len(r.srv.Store.CustomerIDs()); n != customersBefore+1 {
		t.Errorf("%d customers after the import, want %d", n, customersBefore+1)
	}
	for _, p := range []string{products, stock, customers} {
		done := filepath.Join(filepath.Dir(p), DoneDir, filepath.Base(p))
		if exists(p) || !exists(done) {
			t.Errorf("%s: still in place (%v) or not in done/ (%v)", filepath.Base(p), exists(p), exists(done))
		}
	}
	rejected, err := os.ReadFile(filepath.Join(filepath.Dir(products), DoneDir, "catalog.jsonl.rejected.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(rejected), `"line":3`) || !strings.Contains(string(rejected), "colour") {
		t.Errorf("rejected rows: %s, want line 3 and its unknown field", rejected)
	}
	if exists(filepath.Join(filepath.Dir(stock), DoneDir, "levels.csv.rejected.jsonl")) {
		t.Error("levels.csv rejected nothing but has a rejected file")
	}
	for _, p := range notReady {
		if !exists(p) {
			t.Errorf("%s was taken before it was ready", filepath.Base(p))
		}
	}
	lines := r.importLines(t)
	if len(lines) != 3 {
		t.Fatalf("%d import log lines for 3 files:\n%s", len(lines), r.log.String())
	}
	if l := lines[0]; l["kind"] != "products" || l["created"] != 2.0 || l["rejected"] != 1.0 || l["level"] != "WARN" {
		t.Errorf("first import line %v: want the products file, 2 created and 1 rejected, as a warning", l)
	}
	if strings.Contains(r.log.String(), r.srv.Tokens.Full) {
		t.Error("the log holds an access token")
	}
	rig := &rig{metrics: r.metrics}
	text := rig.scrape(t, "/metrics")
	for _, want := range []string{
		`bigc_import_rows_total{connection="shop",kind="products",outcome="created"} 2`,
		`bigc_import_rows_total{connection="shop",kind="products",outcome="rejected"} 1`,
		`bigc_import_rows_total{connection="shop",kind="inventory",outcome="updated"} 2`,
		`bigc_import_files_total{connection="shop",kind="customers",result="done"} 1`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}

	// Nothing is left to do: not one request.
	before := r.srv.Store.Stats().Requests
	if _, err := w.RunOnce(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := r.srv.Store.Stats().Requests - before; n != 0 {
		t.Errorf("the second round sent %d requests, want 0", n)
	}
	if n := len(r.importLines(t)); n != 3 {
		t.Errorf("%d import log lines after the second round, want still 3", n)
	}

	// The same bytes dropped again under the same name: applied already, so
	// no write, and kept beside the first in done/.
	again := r.drop(t, "inventory", "levels.csv", "sku,quantity\nDROP-MUG,7\nDROP-CAP,3\n", false)
	if _, err := w.RunOnce(t.Context()); err != nil {
		t.Fatal(err)
	}
	lines = r.importLines(t)
	if l := lines[len(lines)-1]; l["already_imported"] != 2.0 || l["writes"] != 0.0 {
		t.Errorf("the same file again: %v, want both rows already imported and no write", l)
	}
	if exists(again) || !exists(filepath.Join(filepath.Dir(again), DoneDir, "levels-2.csv")) {
		t.Error("the file dropped again is not in done/ as levels-2.csv")
	}
}

// TestUnreadableFileGoesToFailed: a file that cannot be read as its kind is
// moved to failed/ with the reason beside it, and the round reports it.
func TestUnreadableFileGoesToFailed(t *testing.T) {
	t.Parallel()
	r := newImportRig(t)
	w := r.newWorker(t, nil)
	path := r.drop(t, "inventory", "levels.csv", "sku,qty\nA,1\n", false)
	if _, err := w.RunOnce(t.Context()); err == nil {
		t.Error("the round reported no error")
	}
	failed := filepath.Join(filepath.Dir(path), FailedDir, "levels.csv")
	why, err := os.ReadFile(failed + ".error")
	if exists(path) || !exists(failed) || err != nil || !strings.Contains(string(why), "qty") {
		t.Errorf("levels.csv: in place %v, in failed/ %v, reason %q (%v); want it moved with the column named", exists(path), exists(failed), why, err)
	}
	for path, n := range r.srv.Store.Stats().ByPath {
		if strings.Contains(path, "inventory") || strings.Contains(path, "catalog") {
			t.Errorf("%d requests to %s for an unreadable file, want none", n, path)
		}
	}
}

// TestImportsLeasedElsewhereAreLeftAlone: while another worker holds the
// store's imports, or bigc import holds the file's own lease, the file
// stays; once both are free the next round imports it.
func TestImportsLeasedElsewhereAreLeftAlone(t *testing.T) {
	t.Parallel()
	r := newImportRig(t)
	w := r.newWorker(t, nil)
	path := r.drop(t, "products", "one.csv", "sku,name,price\nLEASED,Leased,5\n", false)
	id, err := importer.Identity(importer.KindProducts, importer.FormatCSV, r.srv.StoreHash, path)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{importsLeaseName("shop"), importer.LeaseName(id)} {
		l, err := state.AcquireLease(t.Context(), r.state, name, state.LeaseOptions{Holder: "another process"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.RunOnce(t.Context()); err != nil {
			t.Fatal(err)
		}
		if !exists(path) || r.productsBySKU()["LEASED"].SKU != "" {
			t.Errorf("with %s held elsewhere the file was imported", name)
		}
		l.Release(context.Background())
	}
	if _, err := w.RunOnce(t.Context()); err != nil {
		t.Fatal(err)
	}
	if exists(path) || r.productsBySKU()["LEASED"].SKU != "LEASED" {
		t.Error("once the leases were free the file was not imported")
	}
}

// TestWorkersShareTheFolders: four workers sharing the state and the
// folders, running rounds at once, import each file exactly once between
// them (one log line, one set of writes), whichever takes it.
func TestWorkersShareTheFolders(t *testing.T) {
	t.Parallel()
	r := newImportRig(t)
	var ws []*Worker
	for range 4 {
		ws = append(ws, r.newWorker(t, nil))
	}
	const files = 6
	for i := range files {
		r.drop(t, "products", fmt.Sprintf("batch-%d.jsonl", i), fmt.Sprintf(`{"name":"Shared %d","sku":"SHARED-%d","price":"3"}`+"\n", i, i), false)
	}
	for range 3 {
		var wg sync.WaitGroup
		errs := make([]error, len(ws))
		for i, w := range ws {
			wg.Go(func() { _, errs[i] = w.RunOnce(t.Context()) })
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
	}
	lines := r.importLines(t)
	seen := map[string]int{}
	for _, l := range lines {
		seen[filepath.Base(l["file"].(string))]++
		if l["created"] != 1.0 || l["already_imported"] != 0.0 {
			t.Errorf("import %v: want one product created, none found journaled (imported once)", l)
		}
	}
	for i := range files {
		if name := fmt.Sprintf("batch-%d.jsonl", i); seen[name] != 1 {
			t.Errorf("%s imported %d times, want once", name, seen[name])
		}
	}
	done, _ := os.ReadDir(filepath.Join(r.dir, "shop", "products", DoneDir))
	if len(done) != files {
		t.Errorf("%d files in done/, want %d", len(done), files)
	}
}

// TestRunImportsFilesDroppedWhileRunning: a long-running worker takes a
// file dropped into a folder while it runs (and a folder removed meanwhile
// is no error), and returns when its context ends.
func TestRunImportsFilesDroppedWhileRunning(t *testing.T) {
	t.Parallel()
	r := newImportRig(t)
	w := r.newWorker(t, nil)
	if err := os.RemoveAll(filepath.Join(r.dir, "shop", "customers")); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	path := r.drop(t, "inventory", "late.jsonl", `{"sku":"NOPE","quantity":1}`+"\n", false)
	moved := filepath.Join(filepath.Dir(path), DoneDir, "late.jsonl")
	for deadline := time.Now().Add(30 * time.Second); !exists(moved); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the file dropped while the worker ran was never imported")
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run after its context ended = %v, want nil", err)
	}
	if !exists(moved + ".rejected.jsonl") {
		t.Error("the unknown SKU's row has no rejected file beside the moved file")
	}
	if strings.Contains(r.log.String(), "imports not started") {
		t.Errorf("a removed folder made the imports fail:\n%s", r.log.String())
	}
}
