package cli

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/bigc-dev/bigc/sandbox"
	"github.com/bigc-dev/bigc/sandbox/sandboxtest"
	"github.com/bigc-dev/bigc/syncer"
)

// TestWorkerOnce: bigc worker --once syncs every saved connection's
// scheduled streams into OUT-DIR/CONNECTION/STREAM.jsonl, each record once,
// with one JSON log line per run and no token; a second round at once finds
// nothing due.
func TestWorkerOnce(t *testing.T) {
	t.Parallel()
	cfg, dir := t.TempDir(), t.TempDir()
	stores := map[string]*sandbox.Server{}
	for i, name := range []string{"north", "south"} {
		srv := sandboxtest.NewServer(t, sandbox.Options{Seed: int64(31 + i), Orders: 10, Customers: 9, Products: 4})
		stores[name] = srv
		r := runBigc(t, cfg, srv.Tokens.Full, "connection", "add", name, "--store-hash", srv.StoreHash, "--base-url", srv.URL, "--token-stdin")
		if r.code != 0 {
			t.Fatalf("connection add %s: exit %d: %s", name, r.code, r.stderr)
		}
	}
	args := []string{"worker", "--once", "--out-dir", dir, "--state", filepath.Join(dir, "state.db"), "--schedule", "customers=24h", "--lag", "0s"}
	r := runBigc(t, cfg, "", args...)
	if r.code != 0 {
		t.Fatalf("worker --once: exit %d: %s", r.code, r.stderr)
	}
	logLines := strings.Split(strings.TrimSpace(r.stderr), "\n")
	if len(logLines) != 2 {
		t.Errorf("%d log lines for two runs:\n%s", len(logLines), r.stderr)
	}
	for _, l := range logLines {
		if !strings.HasPrefix(l, "{") || !strings.Contains(l, `"msg":"sync"`) || !strings.Contains(l, `"stream":"customers"`) {
			t.Errorf("log line %s: want one JSON sync line per run", l)
		}
	}
	for name, srv := range stores {
		if strings.Contains(r.stderr, srv.Tokens.Full) {
			t.Error("the log holds an access token")
		}
		var got []int
		f, err := os.Open(filepath.Join(dir, name, "customers.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			k, err := syncer.ParseLine(sc.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, int(k.ID))
		}
		f.Close()
		slices.Sort(got)
		if want := srv.Store.CustomerIDs(); !slices.Equal(got, want) {
			t.Errorf("%s: customers %v in the output, want each of %v once", name, got, want)
		}
	}
	r = runBigc(t, cfg, "", args...)
	if r.code != 0 || strings.TrimSpace(r.stderr) != "" {
		t.Errorf("second round at once: exit %d, stderr %q; want nothing due and nothing said", r.code, r.stderr)
	}
}

func TestWorkerRefusesBadFlags(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"worker", "--once", "--connection", "x", "--schedule", "orders"},
		{"worker", "--once", "--connection", "x", "--schedule", "invoices=1m"},
		{"worker", "--once", "--connection", "x", "--schedule", "orders=5ms"},
		{"worker", "--once", "--connection", "x", "--workers", "0"},
	} {
		r := runBigc(t, t.TempDir(), "", args...)
		if r.code != exitBadInput {
			t.Errorf("bigc %s: exit %d, want %d; stderr %s", strings.Join(args, " "), r.code, exitBadInput, r.stderr)
		}
	}
}
