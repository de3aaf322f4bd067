package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/sandbox"
)

// TestImportOnProduction: a dry run on a production connection needs no
// --yes and writes nothing; rows that cannot be applied make the run exit 8
// with the rejected file naming line, field and reason, the other rows applied.
func TestImportOnProduction(t *testing.T) {
	t.Parallel()
	cfg, srv := productionStore(t, sandbox.Options{Seed: 4, Products: -1, Customers: -1, Orders: -1})
	dir := t.TempDir()
	file := filepath.Join(dir, "catalog.jsonl")
	body := `{"name":"Prod Mug","sku":"PMUG","price":"4.5","inventory_level":2}
{"name":"Prod Tee","sku":"PTEE","price":"9","categories":["Nowhere/Shirts"]}
`
	if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(dir, "state.db")
	c, err := bigcommerce.NewClient(srv.StoreHash, srv.Tokens.Full, bigcommerce.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	count := func() int {
		ps, err := c.Products.BySKUs(context.Background(), []string{"PMUG", "PTEE"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return len(ps)
	}

	r := runBigc(t, cfg, "", "import", "products", file, "--connection", "prod", "--state", state, "--dry-run")
	if r.code != exitRejected || !strings.Contains(r.stdout, `"action":"create"`) || !strings.Contains(r.stdout, `"action":"rejected"`) {
		t.Fatalf("dry run: exit %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}
	if n := count(); n != 0 {
		t.Fatalf("the dry run created %d products", n)
	}
	if _, err := os.Stat(file + ".rejected.jsonl"); !os.IsNotExist(err) {
		t.Errorf("the dry run wrote the rejected file (%v)", err)
	}

	r = runBigc(t, cfg, "", "import", "products", file, "--connection", "prod", "--state", state, "--yes")
	if r.code != exitRejected {
		t.Fatalf("import: exit %d, want %d; stderr %s", r.code, exitRejected, r.stderr)
	}
	if want := "1 row names a category that does not exist; --create-categories creates it"; !strings.Contains(r.stderr, want) {
		t.Errorf("stderr %q does not say %q", r.stderr, want)
	}
	rej, err := os.ReadFile(file + ".rejected.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(rej)); !strings.Contains(got, `"line":2`) || !strings.Contains(got, `"field":"categories[0]"`) ||
		!strings.Contains(got, "Nowhere/Shirts") || strings.Count(got, "\n") != 0 {
		t.Errorf("rejected file:\n%s", got)
	}
	if n := count(); n != 1 {
		t.Errorf("%d products with the file's SKUs, want the mug only", n)
	}

	// With --create-categories the tee goes in too, and the rejected file goes.
	r = runBigc(t, cfg, "", "import", "products", file, "--connection", "prod", "--state", state, "--yes", "--create-categories")
	if r.code != 0 || !strings.Contains(r.stdout, `"created":1`) || !strings.Contains(r.stdout, `"already_imported":1`) {
		t.Fatalf("rerun: exit %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Stat(file + ".rejected.jsonl"); !os.IsNotExist(err) {
		t.Errorf("the rejected file is still there after a clean run (%v)", err)
	}
	if n := count(); n != 2 {
		t.Errorf("%d products, want 2", n)
	}
}

// TestImportUnknownColumnNamesFrom: a product CSV with a column bigc's own
// CSV does not have is refused naming the column, and the command line adds
// how a platform's export is read (the importer names no flag).
func TestImportUnknownColumnNamesFrom(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "wc-export.csv")
	if err := os.WriteFile(file, []byte("ID,Type,SKU,Name,Regular price\n1,simple,MUG,Mug,4.50\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := runBigc(t, t.TempDir(), "", "import", "products", file, "--sandbox", "--dry-run")
	if r.code != exitBadInput || !strings.Contains(r.stderr, "id: is not a column") || !strings.Contains(r.stderr, "--from woocommerce|shopify") {
		t.Errorf("exit %d, stderr %q; want %d naming the column and --from", r.code, r.stderr, exitBadInput)
	}
}
