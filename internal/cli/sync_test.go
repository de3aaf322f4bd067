package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bigc-dev/bigc/state"
	"github.com/bigc-dev/bigc/syncer"
)

func TestSyncBadInput(t *testing.T) {
	t.Parallel()
	cfg := t.TempDir()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"sync", "invoices", "--sandbox"}, "orders, products or customers"},
		{[]string{"sync", "orders", "--sandbox", "--status", "lost"}, "--status"},
		{[]string{"sync", "products", "--sandbox", "--status", "2"}, "orders only"},
		{[]string{"sync", "customers", "--sandbox", "--tag", "a/b"}, "orders only"},
		{[]string{"sync", "orders", "--sandbox", "--tag", "nokey"}, "NAMESPACE/KEY"},
		{[]string{"sync", "orders", "--sandbox", "--full", "--since", "2026-01-01"}, "--full and --since"},
		{[]string{"sync", "orders", "--sandbox", "--since", "last tuesday"}, "--since"},
		{[]string{"sync", "orders", "--sandbox", "--every", "-1s", "--follow"}, "--every"},
		{[]string{"sync", "orders", "--sandbox", "--workers", "0"}, "--workers"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args[1:], " "), func(t *testing.T) {
			t.Parallel()
			r := runBigc(t, cfg, "", tt.args...)
			if r.code != exitBadInput || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d and a message naming %q", r.code, r.stderr, exitBadInput, tt.want)
			}
		})
	}
}

// TestSyncSandboxTwice is the README's main command run twice in a fresh
// directory: the second run writes only what changed since the first, and
// the summary names the output file and the checkpoint.
func TestSyncSandboxTwice(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	cfg := filepath.Join(dir, "cfg")
	type summary struct {
		Records, Duplicates int
		Output, State       string
		Checkpoint          string
	}
	run := func() summary {
		t.Helper()
		r := runBigc(t, cfg, "", "sync", "orders", "--sandbox", "--lag", "0s")
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		var s summary
		if err := json.Unmarshal([]byte(r.stdout), &s); err != nil {
			t.Fatalf("stdout %q: %v", r.stdout, err)
		}
		for _, want := range []string{s.Output, s.State, "checkpoint sandbox/orders"} {
			if !strings.Contains(r.stderr, want) {
				t.Errorf("summary on stderr does not mention %q:\n%s", want, r.stderr)
			}
		}
		// stderr is not a terminal here: one summary line and nothing else.
		if n := strings.Count(r.stderr, "\n"); n != 1 {
			t.Errorf("stderr holds %d lines, want one summary line:\n%s", n, r.stderr)
		}
		return s
	}
	first := run()
	wantOut, _ := filepath.EvalSymlinks(filepath.Join(dir, "bigc-sync", "orders.jsonl"))
	if got, _ := filepath.EvalSymlinks(first.Output); got != wantOut || first.Records < 100 {
		t.Fatalf("first run: %d records to %s; want hundreds to %s", first.Records, first.Output, wantOut)
	}
	if first.State != filepath.Join(cfg, "state.db") {
		t.Errorf("state = %s, want the configuration directory's state.db", first.State)
	}
	second := run()
	if second.Records > 20 || second.Duplicates != 0 {
		t.Errorf("second run: %d records, %d duplicates; want only the few that changed", second.Records, second.Duplicates)
	}
	b, err := os.ReadFile(first.Output)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(lines) != first.Records+second.Records {
		t.Errorf("output has %d lines, want %d", len(lines), first.Records+second.Records)
	}
	seen := map[state.EmittedKey]bool{}
	for _, l := range lines {
		k, err := syncer.ParseLine([]byte(l))
		if err != nil {
			t.Fatal(err)
		}
		if seen[k] {
			t.Errorf("order %d written twice", k.ID)
		}
		seen[k] = true
	}
}

func TestSyncToStdout(t *testing.T) {
	t.Parallel()
	cfg := t.TempDir()
	r := runBigc(t, cfg, "", "sync", "customers", "--sandbox", "--out", "-")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) < 10 {
		t.Fatalf("%d lines on stdout", len(lines))
	}
	var e syncer.Envelope
	if err := json.Unmarshal([]byte(lines[0]), &e); err != nil || e.Stream != "customers" || e.ID == 0 || len(e.Record) == 0 {
		t.Errorf("first line %q: %+v, %v", lines[0], e, err)
	}
	if !strings.Contains(r.stderr, "output stdout") {
		t.Errorf("summary does not say the output went to stdout:\n%s", r.stderr)
	}
}

func TestSyncRefusesANewerCheckpoint(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	statePath := filepath.Join(dir, "state.db")
	db, err := state.Open(t.Context(), statePath)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "orders.jsonl")
	if err := db.SaveCheckpoint(t.Context(), state.CheckpointKey{Connection: "sandbox", Stream: "orders", Destination: out}, `{"version":99}`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	r := runBigc(t, dir, "", "sync", "orders", "--sandbox", "--state", statePath, "--out", out)
	if r.code != exitBadInput || !strings.Contains(r.stderr, "newer bigc") {
		t.Errorf("exit %d, stderr %q; want %d and a message about a newer bigc", r.code, r.stderr, exitBadInput)
	}
	if b, _ := os.ReadFile(out); len(b) != 0 {
		t.Errorf("output written despite the refused checkpoint: %d bytes", len(b))
	}
}

// TestSyncPreviewLeavesTheFileCheckpoint is issue 10's first loss: a preview
// to stdout with --since moved the checkpoint, and the next sync into a file
// wrote none of the records before it.
func TestSyncPreviewLeavesTheFileCheckpoint(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := filepath.Join(dir, "products.jsonl")
	preview := runBigc(t, dir, "", "sync", "products", "--sandbox", "--lag", "0s", "--since", "2026-01-01T00:00:00Z", "--out", "-")
	if preview.code != 0 {
		t.Fatalf("preview: exit %d: %s", preview.code, preview.stderr)
	}
	r := runBigc(t, dir, "", "sync", "products", "--sandbox", "--lag", "0s", "--out", out)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var sum struct{ Records int }
	if err := json.Unmarshal([]byte(r.stdout), &sum); err != nil {
		t.Fatalf("stdout %q: %v", r.stdout, err)
	}
	// Each product appears at least once (the sandbox seeds them all).
	got := len(strings.Split(strings.TrimSpace(string(mustRead(t, out))), "\n"))
	if sum.Records < 10 || got != sum.Records {
		t.Errorf("the file sync after a preview wrote %d records (%d lines); want every product", sum.Records, got)
	}
}

// TestSyncReportsARemovedOutput removes the file a checkpoint vouches for:
// the next run refuses (and names the command that re-reads), and --full
// writes every record back.
func TestSyncReportsARemovedOutput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := filepath.Join(dir, "orders.jsonl")
	first := runBigc(t, dir, "", "sync", "orders", "--sandbox", "--lag", "0s", "--out", out)
	if first.code != 0 {
		t.Fatalf("exit %d: %s", first.code, first.stderr)
	}
	want := len(strings.Split(strings.TrimSpace(string(mustRead(t, out))), "\n"))
	if err := os.Remove(out); err != nil {
		t.Fatal(err)
	}
	r := runBigc(t, dir, "", "sync", "orders", "--sandbox", "--lag", "0s", "--out", out)
	if r.code == 0 || !strings.Contains(r.stderr, out) || !strings.Contains(r.stderr, "--full") {
		t.Fatalf("sync into a removed output: exit %d, stderr %q; want a failure naming the file and --full", r.code, r.stderr)
	}
	r = runBigc(t, dir, "", "sync", "orders", "--sandbox", "--lag", "0s", "--out", out, "--full")
	if r.code != 0 {
		t.Fatalf("--full: exit %d: %s", r.code, r.stderr)
	}
	if got := len(strings.Split(strings.TrimSpace(string(mustRead(t, out))), "\n")); got < want {
		t.Errorf("after --full the file holds %d lines, want at least the %d written first", got, want)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
