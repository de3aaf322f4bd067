package cli

import (
	neturl "net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bigc-dev/bigc/importer"
	"github.com/bigc-dev/bigc/internal/testservices"
	"github.com/bigc-dev/bigc/state"
	"github.com/bigc-dev/bigc/tools"
)

// pgCount counts the rows of a table in the database at url.
func pgCount(t *testing.T, url, table string) int {
	t.Helper()
	return int(pgInt(t, url, `SELECT count(*) FROM `+table))
}

type syncSummaryOut struct {
	Records    int    `json:"records"`
	Duplicates int    `json:"duplicates"`
	Output     string `json:"output"`
	State      string `json:"state"`
}

// TestSyncToPostgresTable: --out postgres://... writes one row per record
// into bigc_STREAM (or --table), with its checkpoint beside it: a second run
// finds nothing new, and status lists the checkpoint from that database.
func TestSyncToPostgresTable(t *testing.T) {
	t.Parallel()
	url := testservices.PostgresURL(t)
	sb := startSandbox(t)
	b := newBin(t)
	b.saveConnection(sb, "shop")
	first := decodeJSON[syncSummaryOut](t, b.mustRun("", "sync", "orders", "--connection", "shop", "--out", url, "--lag", "0s"))
	if first.Records != 5 || pgCount(t, url, "bigc_orders") != 5 {
		t.Fatalf("first run: %+v, %d rows; want the sandbox's 5 orders", first, pgCount(t, url, "bigc_orders"))
	}
	if !strings.Contains(first.Output, "table bigc_orders") {
		t.Errorf("output = %q, want it to name the table", first.Output)
	}
	again := decodeJSON[syncSummaryOut](t, b.mustRun("", "sync", "orders", "--connection", "shop", "--out", url, "--lag", "0s"))
	if again.Records != 0 || pgCount(t, url, "bigc_orders") != 5 {
		t.Errorf("second run: %+v; want nothing new", again)
	}
	b.mustRun("", "sync", "customers", "--connection", "shop", "--out", url, "--table", "shop_customers")
	if n := pgCount(t, url, "shop_customers"); n != 5 {
		t.Errorf("--table shop_customers holds %d rows, want 5", n)
	}
	status := b.mustRun("", "sync", "status", "--state", url)
	if !strings.Contains(status, "table bigc_orders") || !strings.Contains(status, "table shop_customers") {
		t.Errorf("sync status --state URL:\n%s", status)
	}
	// Reset forgets the table's checkpoint: the next run reads everything
	// again, and the table already holds it.
	reset := decodeJSON[map[string]any](t, b.mustRun("", "sync", "reset", "orders", "--connection", "shop", "--out", url))
	if reset["destination"] != "table bigc_orders" {
		t.Errorf("sync reset --out URL = %v", reset)
	}
	if s := decodeJSON[syncSummaryOut](t, b.mustRun("", "sync", "orders", "--connection", "shop", "--out", url, "--lag", "0s")); s.Records != 0 || s.Duplicates != 5 {
		t.Errorf("after reset: %+v; want the 5 orders read again, none written", s)
	}
	// A password in the URL (the test server ignores it) never shows.
	u, err := neturl.Parse(url)
	if err != nil {
		t.Fatal(err)
	}
	u.User = neturl.UserPassword(u.User.Username(), "sekrit-pw")
	r := b.run("", "sync", "products", "--connection", "shop", "--out", u.String())
	if r.code != 0 || strings.Contains(r.stdout+r.stderr, "sekrit-pw") || !strings.Contains(r.stdout, "xxxxx") {
		t.Errorf("sync --out with a password: exit %d, the password shown or the URL not named:\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	b.wantExit(2, tools.CategoryBadInput, "", "sync", "orders", "--connection", "shop", "--out", url, "--table", "bad name")
	b.wantExit(2, tools.CategoryBadInput, "", "sync", "orders", "--connection", "shop", "--out", url, "--state", url)
	b.wantExit(2, tools.CategoryBadInput, "", "sync", "orders", "--connection", "shop", "--table", "x")
}

// TestSyncLeaseOneWriter: while one sync of a stream runs, another exits 5
// naming it; with --wait it waits, and when the holder is SIGKILLed it takes
// over once the lease runs out and resumes from the checkpoint.
func TestSyncLeaseOneWriter(t *testing.T) {
	t.Parallel()
	url := testservices.PostgresURL(t)
	sb := startSandbox(t)
	b := newBin(t)
	b.saveConnection(sb, "shop")
	b.env = append(b.env, "BIGC_STATE_URL="+url)
	out := t.TempDir() + "/orders.jsonl"
	holder := exec.Command(bigcBin, "--config", b.cfg, "sync", "orders", "--connection", "shop", "--out", out,
		"--follow", "--every", "1h", "--lease-timeout", "2s", "--lag", "0s")
	holder.Env = append(os.Environ(), b.env...)
	stderr := &lockedBuffer{}
	holder.Stderr = stderr
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { holder.Process.Kill(); holder.Wait() })
	waitForWebhook(t, "the first sync to finish its first run", func() bool { return strings.Contains(stderr.String(), " written (") })

	r := b.wantExit(5, tools.CategoryConflict, "", "sync", "orders", "--connection", "shop", "--out", out)
	if !strings.Contains(r.stderr, "pid "+strconv.Itoa(holder.Process.Pid)) || !strings.Contains(r.stderr, "--wait") {
		t.Errorf("the refused sync does not name the holder (pid %d) and --wait:\n%s", holder.Process.Pid, r.stderr)
	}
	// Another stream is not held.
	b.mustRun("", "sync", "products", "--connection", "shop", "--out", t.TempDir()+"/products.jsonl")

	createSandboxOrder(t, sb.URL)
	holder.Process.Kill() // SIGKILL: no release; the lease runs out after 2s
	holder.Wait()
	start := time.Now()
	sum := decodeJSON[syncSummaryOut](t, b.mustRun("", "sync", "orders", "--connection", "shop", "--out", out, "--wait", "--lag", "0s"))
	if sum.Records != 1 || sum.Duplicates != 0 {
		t.Errorf("the run after the takeover: %+v; want only the new order", sum)
	}
	counts := outputCounts(t, out)
	if len(counts) != 6 {
		t.Errorf("output holds %d orders, want 6", len(counts))
	}
	t.Logf("took over %s after the SIGKILL", time.Since(start).Round(100*time.Millisecond))
}

// TestImportLease: while another process (here: another machine's lease in
// the shared state) imports the same file, bigc import exits 5 naming it; a
// dry run, which writes nothing, needs no lease.
func TestImportLease(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t)
	b := newBin(t)
	b.saveConnection(sb, "shop")
	dir := t.TempDir()
	levels, statePath := dir+"/levels.csv", dir+"/state.db"
	if err := os.WriteFile(levels, []byte("sku,quantity\nNOPE-1,3\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	id, err := importer.Identity("inventory", "csv", sb.StoreHash, levels)
	if err != nil {
		t.Fatal(err)
	}
	db, err := state.Open(t.Context(), statePath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, ok, err := db.TryLease(t.Context(), "import/"+id, "machine-b pid 42", "tok", time.Minute); !ok || err != nil {
		t.Fatal(ok, err)
	}
	r := b.wantExit(5, tools.CategoryConflict, "", "import", "inventory", levels, "--connection", "shop", "--state", statePath)
	if !strings.Contains(r.stderr, "machine-b pid 42") {
		t.Errorf("the refused import does not name the holder:\n%s", r.stderr)
	}
	if r := b.run("", "import", "inventory", levels, "--connection", "shop", "--state", statePath, "--dry-run"); r.code == 5 {
		t.Errorf("a dry run was refused the lease:\n%s", r.stderr)
	}
	if err := db.ReleaseLease(t.Context(), "import/"+id, "tok"); err != nil {
		t.Fatal(err)
	}
	if r := b.run("", "import", "inventory", levels, "--connection", "shop", "--state", statePath); r.code == 5 {
		t.Errorf("import after the lease was released: exit 5\n%s", r.stderr)
	}
}
