package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bigc-dev/bigc/sandbox"
)

// TestE2EWorkerImportsDroppedFile: through the real binary, a WooCommerce
// export dropped into IMPORTS/shop/products/woocommerce/ is imported by
// bigc worker --once (every product in the store as the file describes it,
// one JSON log line for the import) and moved to done/, while a file still
// named .tmp stays; a second --once sends no request to the store at all.
func TestE2EWorkerImportsDroppedFile(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t)
	b := newBin(t)
	b.addConnection(sb, "shop", sb.Tokens.Full)
	dir, imports := t.TempDir(), t.TempDir()
	folder := filepath.Join(imports, "shop", "products", "woocommerce")
	if err := os.MkdirAll(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(folder, "wc-product-export.csv")
	want := writeWooExport(t, file, 30)
	old := time.Now().Add(-time.Minute) // written a minute ago: past --imports-settle
	if err := os.Chtimes(file, old, old); err != nil {
		t.Fatal(err)
	}
	partial := filepath.Join(folder, "next-export.csv.tmp")
	if err := os.WriteFile(partial, []byte("ID,Type,SKU"), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"worker", "--once", "--connection", "shop", "--imports", imports, "--create-categories",
		"--schedule", "customers=24h", "--lag", "0s", "--out-dir", filepath.Join(dir, "out"), "--state", filepath.Join(dir, "state.db")}

	r := b.run("", args...)
	if r.code != 0 {
		t.Fatalf("worker --once: exit %d: %s", r.code, r.stderr)
	}
	var imported []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(r.stderr), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q is not JSON: %v", l, err)
		}
		if m["msg"] == "import" {
			imported = append(imported, m)
		}
	}
	if len(imported) != 1 || imported[0]["created"] != float64(len(want)) || imported[0]["from"] != "woocommerce" || imported[0]["rejected"] != 0.0 {
		t.Fatalf("import log lines %v, want one: %d created from woocommerce, none rejected", imported, len(want))
	}
	if strings.Contains(r.stderr, sb.Tokens.Full) {
		t.Error("the log holds the access token")
	}
	checkStore(t, sb, want)
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Errorf("the export is still in the folder (%v)", err)
	}
	if _, err := os.Stat(filepath.Join(folder, "done", "wc-product-export.csv")); err != nil {
		t.Errorf("the export is not in done/: %v", err)
	}
	if _, err := os.Stat(partial); err != nil {
		t.Errorf("the .tmp file was taken: %v", err)
	}

	before := sandboxStats(t, sb)
	r = b.run("", args...)
	if r.code != 0 || strings.Contains(r.stderr, `"msg":"import`) {
		t.Errorf("second --once: exit %d, stderr %s; want nothing imported", r.code, r.stderr)
	}
	if n := sandboxStats(t, sb) - before; n != 0 {
		t.Errorf("the second --once sent %d requests, want 0 (so no write)", n)
	}
}

// TestWorkerImportsOnProductionWithYes: with --yes, a production
// connection's dropped files are imported.
func TestWorkerImportsOnProductionWithYes(t *testing.T) {
	t.Parallel()
	cfg, srv := productionStore(t, sandbox.Options{Seed: 1})
	dir := t.TempDir()
	folder := filepath.Join(dir, "imports", "prod", "products")
	if err := os.MkdirAll(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(folder, "one.jsonl")
	if err := os.WriteFile(file, []byte(`{"name":"Prod Drop","sku":"PROD-DROP","price":"2"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runBigc(t, cfg, "", "worker", "--once", "--connection", "prod", "--imports", filepath.Join(dir, "imports"), "--imports-settle", "1ns", "--yes",
		"--schedule", "customers=1m", "--out-dir", filepath.Join(dir, "out"), "--state", filepath.Join(dir, "state.db"))
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	found := false
	for _, id := range srv.Store.ProductIDs() {
		if p, _ := srv.Store.Product(id); p.SKU == "PROD-DROP" {
			found = true
		}
	}
	if !found {
		t.Errorf("PROD-DROP is not in the store; stderr %s", r.stderr)
	}
}
