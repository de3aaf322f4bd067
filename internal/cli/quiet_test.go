package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSyncQuietAndSummary: a sync prints its line for people on stderr
// (counts in the singular for one: "1 record written", "1 page") and its JSON
// summary on stdout only when stdout is not a terminal; --quiet drops the
// line, and an error still prints.
func TestSyncQuietAndSummary(t *testing.T) {
	t.Parallel()
	cfg, dir := t.TempDir(), t.TempDir()
	out := filepath.Join(dir, "store.jsonl")
	args := []string{"sync", "store", "--sandbox", "--out", out}

	r := runBigc(t, cfg, "", args...)
	var sum syncSummary
	if r.code != exitOK || json.Unmarshal([]byte(r.stdout), &sum) != nil || sum.Records != 1 {
		t.Fatalf("piped: exit %d, stdout %q, stderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "bigc sync store: 1 record written (0 already in the output), 1 page,") {
		t.Errorf("the line for people:\n%s", r.stderr)
	}
	r = runBigcTerminal(t, cfg, "", args...)
	if r.code != exitOK || r.stdout != "" || !strings.Contains(r.stderr, "bigc sync store: 0 records written") {
		t.Errorf("on a terminal: exit %d, stdout %q (want none), stderr:\n%s", r.code, r.stdout, r.stderr)
	}
	r = runBigc(t, cfg, "", append(args, "--quiet")...)
	if r.code != exitOK || r.stderr != "" || json.Unmarshal([]byte(r.stdout), &sum) != nil {
		t.Errorf("--quiet: exit %d, stdout %q, stderr %q (want none)", r.code, r.stdout, r.stderr)
	}
	r = runBigc(t, cfg, "", "sync", "store", "--sandbox", "--quiet", "--out", filepath.Join(out, "s.jsonl"))
	if r.code != exitBadInput || !strings.Contains(r.stderr, "is a file, not a directory") {
		t.Errorf("--quiet, an error: exit %d, stderr %q", r.code, r.stderr)
	}
}

// TestImportQuiet: an import's summary line says "1 row" for one; --quiet
// prints nothing on stderr, but an error still prints.
func TestImportQuiet(t *testing.T) {
	t.Parallel()
	cfg, dir := t.TempDir(), t.TempDir()
	levels := filepath.Join(dir, "levels.csv")
	if err := os.WriteFile(levels, []byte("sku,quantity\nSKU-00112-M,3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runBigc(t, cfg, "", "import", "inventory", levels, "--sandbox")
	if r.code != exitOK || !strings.Contains(r.stderr, "bigc import inventory: 1 row: ") || !json.Valid([]byte(r.stdout)) {
		t.Errorf("import: exit %d, stdout %q, stderr:\n%s", r.code, r.stdout, r.stderr)
	}
	r = runBigc(t, cfg, "", "import", "inventory", levels, "--sandbox", "--quiet")
	if r.code != exitOK || r.stderr != "" || !json.Valid([]byte(r.stdout)) {
		t.Errorf("import --quiet: exit %d, stdout %q, stderr %q (want none)", r.code, r.stdout, r.stderr)
	}
	r = runBigc(t, cfg, "", "import", "inventory", filepath.Join(dir, "none.csv"), "--sandbox", "--quiet")
	if r.code != exitBadInput || !strings.Contains(r.stderr, "none.csv") {
		t.Errorf("import --quiet, an error: exit %d, stderr %q", r.code, r.stderr)
	}
}
