package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bigc-dev/bigc/sandbox"
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
		{[]string{"sync", "invoices", "--sandbox"}, "want one of orders, products, customers, transactions"},
		{[]string{"sync", "orders", "--sandbox", "--status", "lost"}, "--status"},
		{[]string{"sync", "products", "--sandbox", "--status", "2"}, "orders only"},
		{[]string{"sync", "customers", "--sandbox", "--tag", "a/b"}, "orders only"},
		{[]string{"sync", "orders", "--sandbox", "--tag", "nokey"}, `--tag "nokey": want NAMESPACE/KEY`},
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
		WindowFrom          *string `json:"window_from"`
		Checkpoint          *struct{ Destination, Position string }
		Message             string
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
	// Data fields hold values: the first window starts at the beginning
	// (null), and the checkpoint names its destination and an RFC 3339 time.
	if first.WindowFrom != nil || first.Checkpoint == nil || first.Checkpoint.Destination != first.Output || first.Message == "" {
		t.Errorf("first summary: window_from %v, checkpoint %+v, message %q", first.WindowFrom, first.Checkpoint, first.Message)
	} else if _, err := time.Parse(time.RFC3339, first.Checkpoint.Position); err != nil {
		t.Errorf("checkpoint position: %v", err)
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

// TestSyncRefusesABadCheckpoint: a checkpoint from a newer bigc, or one that
// cannot be read, is refused with exit 2 before anything is written, and the
// command line's words say how to start again (the syncer names no flag).
func TestSyncRefusesABadCheckpoint(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ checkpoint, want string }{
		{`{"version":99}`, "newer bigc"},
		{`not json`, "rerun with --full or --since to start again"},
	} {
		t.Run(tc.checkpoint, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			statePath := filepath.Join(dir, "state.db")
			db, err := state.Open(t.Context(), statePath)
			if err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, "orders.jsonl")
			if err := db.SaveCheckpoint(t.Context(), state.CheckpointKey{Connection: "sandbox", Stream: "orders", Destination: out}, tc.checkpoint); err != nil {
				t.Fatal(err)
			}
			db.Close()
			r := runBigc(t, dir, "", "sync", "orders", "--sandbox", "--state", statePath, "--out", out)
			if r.code != exitBadInput || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", r.code, r.stderr, exitBadInput, tc.want)
			}
			if b, _ := os.ReadFile(out); len(b) != 0 {
				t.Errorf("output written despite the refused checkpoint: %d bytes", len(b))
			}
		})
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
	want := outputIDs(t, out)
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
	got := outputIDs(t, out)
	for id := range want {
		// The embedded sandbox's live orders (IDs from 100,000,000) keep
		// only the last hour; the seeded ones are there in every process.
		if id < 100_000_000 && !got[id] {
			t.Errorf("order %d, written by the first run, is missing after --full", id)
		}
	}
	// The damage is repaired: a plain run goes on from the new checkpoint.
	if r := runBigc(t, dir, "", "sync", "orders", "--sandbox", "--lag", "0s", "--out", out); r.code != 0 {
		t.Errorf("after --full: exit %d: %s", r.code, r.stderr)
	}
}

// outputIDs is the set of record IDs in an output file.
func outputIDs(t *testing.T, path string) map[int64]bool {
	t.Helper()
	ids := map[int64]bool{}
	for _, l := range strings.Split(strings.TrimSpace(string(mustRead(t, path))), "\n") {
		k, err := syncer.ParseLine([]byte(l))
		if err != nil {
			t.Fatal(err)
		}
		ids[k.ID] = true
	}
	return ids
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSyncLocalChecksComeFirst: what bigc can find out on this machine is
// refused with exit 2, the path named, before any request reaches the store.
func TestSyncLocalChecksComeFirst(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "a-file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"a file in the path", []string{"--out", filepath.Join(file, "dir", "x.jsonl")}, "--out " + file + "/dir/x.jsonl: " + file + " is a file"},
		{"a directory", []string{"--out", dir}, dir},
		{"since in the future", []string{"--since", "2099-01-01"}, "future"},
		{"every without follow", []string{"--every", "5m"}, "--follow"},
		{"checkpoint with a file", []string{"--checkpoint", "x", "--out", filepath.Join(dir, "o.jsonl")}, "--checkpoint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, srv := productionStore(t, sandbox.Options{Seed: 1})
			r := runBigc(t, cfg, "", append([]string{"sync", "orders", "--connection", "prod"}, tt.args...)...)
			if r.code != exitBadInput || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q named", r.code, r.stderr, tt.want)
			}
			if n := srv.Store.Stats().Requests; n != 0 {
				t.Errorf("%d requests sent before the refusal", n)
			}
		})
	}
}

// TestSyncIntoAClosedPipe: the reader of stdout went away; the run fails and
// its named checkpoint does not move.
func TestSyncIntoAClosedPipe(t *testing.T) {
	t.Parallel()
	cfg := t.TempDir()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	pr.Close()
	defer pw.Close()
	var errb strings.Builder
	code := Main([]string{"--config", cfg, "sync", "customers", "--sandbox", "--out", "-", "--checkpoint", "feed"}, strings.NewReader(""), pw, &errb)
	if code == 0 || !strings.Contains(errb.String(), "broken pipe") {
		t.Errorf("exit %d, stderr %q; want a failure saying the pipe broke", code, errb.String())
	}
	// The rerun it advises keeps the named checkpoint: without it the
	// command would be a preview.
	if want := "bigc sync customers --sandbox --out - --checkpoint feed"; !strings.Contains(errb.String(), want) {
		t.Errorf("stderr %q does not advise %q", errb.String(), want)
	}
	r := runBigc(t, cfg, "", "sync", "status", "--json")
	if r.code != 0 || strings.TrimSpace(r.stdout) != "[]" {
		t.Errorf("checkpoints after the failed run: exit %d, %s; want none", r.code, r.stdout)
	}
}

// TestSyncStatusAndReset lists the checkpoints of two destinations and
// forgets one.
func TestSyncStatusAndReset(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.jsonl"), filepath.Join(dir, "b.jsonl")
	for _, out := range []string{a, b} {
		if r := runBigc(t, dir, "", "sync", "customers", "--sandbox", "--out", out); r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
	}
	r := runBigc(t, dir, "", "sync", "status", "--json")
	var list []checkpointJSON
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil || len(list) != 2 {
		t.Fatalf("status: %q: %v", r.stdout, err)
	}
	for i, want := range []string{a, b} {
		c := list[i]
		if c.Connection != "sandbox" || c.Stream != "customers" || c.Destination != want || c.Position == nil || c.LastRun == "" {
			t.Errorf("checkpoint %d = %+v, want sandbox/customers -> %s with a position and a last run", i, c, want)
		}
	}
	if r := runBigcTerminal(t, dir, "", "sync", "status"); !strings.Contains(r.stdout, "DESTINATION") || !strings.Contains(r.stdout, a) {
		t.Errorf("status table:\n%s", r.stdout)
	}
	if r := runBigc(t, dir, "", "sync", "reset", "customers", "--sandbox", "--out", a); r.code != 0 {
		t.Fatalf("reset: exit %d: %s", r.code, r.stderr)
	}
	if r := runBigc(t, dir, "", "sync", "reset", "customers", "--sandbox", "--out", a); r.code != exitNotFound {
		t.Errorf("second reset: exit %d, want %d", r.code, exitNotFound)
	}
	r = runBigc(t, dir, "", "sync", "status", "--json")
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil || len(list) != 1 || list[0].Destination != b {
		t.Errorf("after reset: %s", r.stdout)
	}
}

// TestSyncNamesADamagedStateDB: a state database overwritten by something
// else is state_corrupt (exit 7), with the file and the way out named.
func TestSyncNamesADamagedStateDB(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "state.db")
	if err := os.WriteFile(db, []byte(strings.Repeat("this is not a database\n", 500)), 0o600); err != nil {
		t.Fatal(err)
	}
	r := runBigc(t, dir, "", "sync", "customers", "--sandbox", "--out", filepath.Join(dir, "c.jsonl"))
	e := r.errorObject(t)
	if r.code != exitLocalDamage || e.Category != categoryStateCorrupt || !strings.Contains(e.Message, db) || !strings.Contains(e.Next, "mv "+db) {
		t.Errorf("exit %d, error %+v; want %d, state_corrupt naming %s and how to move it aside", r.code, e, exitLocalDamage, db)
	}
}

// TestSyncInterrupted: an interrupt ends a sync with exit 130 and says where
// the checkpoint stands, with no talk of writes on a read-only run.
func TestSyncInterrupted(t *testing.T) {
	t.Parallel()
	// Six pages at 100 ms or more each: the interrupt after the first
	// comes long before the last.
	cfg, _ := productionStore(t, sandbox.Options{Seed: 1, Orders: 1500, Latency: 100 * time.Millisecond})
	ctx, cancel := context.WithCancel(t.Context())
	var out, errb lockedBuffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"--config", cfg, "sync", "orders", "--connection", "prod", "--full", "--workers", "1",
			"--out", filepath.Join(cfg, "o.jsonl")}, strings.NewReader(""), &out, &errb)
	}()
	// Interrupt once the first batch is out.
	for fileSize(filepath.Join(cfg, "o.jsonl")) == 0 {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	code := <-done
	stderr := errb.String()
	if code != exitInterrupted || !strings.Contains(stderr, "interrupted after") || !strings.Contains(stderr, "; checkpoint prod/orders") {
		t.Errorf("exit %d, stderr %q; want 130 and where the checkpoint stands", code, stderr)
	}
	if strings.Contains(stderr, "may or may not") {
		t.Errorf("a read-only sync talks of writes that may have happened:\n%s", stderr)
	}
}

func fileSize(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return st.Size()
}
