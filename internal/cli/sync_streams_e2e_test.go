package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bigc-dev/bigc/syncer"
)

// streamLines reads dir/STREAM.jsonl for every stream: the ids of its lines
// in order, and each line's record.
func streamLines(t *testing.T, dir string) map[string][]streamLine {
	t.Helper()
	out := map[string][]streamLine{}
	for _, s := range syncer.Streams() {
		b, err := os.ReadFile(filepath.Join(dir, s.Name+".jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
			if len(l) == 0 {
				continue
			}
			sl := streamLine{raw: l}
			if err := json.Unmarshal(l, &sl); err != nil || sl.Stream != s.Name {
				t.Fatalf("%s: bad line %s: %v", s.Name, l, err)
			}
			out[s.Name] = append(out[s.Name], sl)
		}
	}
	return out
}

type streamLine struct {
	Stream  string          `json:"stream"`
	ID      int64           `json:"id"`
	Record  json.RawMessage `json:"record"`
	Deleted bool            `json:"deleted"`
	raw     []byte          // the whole line
}

// TestE2ESyncAllUnderFaultsAndKills runs bigc sync all through the real
// binary against a sandbox that fails 10% of requests with a 500 and resets
// 5% of connections, SIGKILLing it four times. Every stream's output then
// holds each record of the store exactly once (the same ids a fault-free
// sandbox of the same seed gives), a rerun adds nothing, and a brand and an
// order changed in the store appear once more each, nothing else.
func TestE2ESyncAllUnderFaultsAndKills(t *testing.T) {
	t.Parallel()
	size := []string{"--seed", "4", "--orders", "120", "--products", "25", "--customers", "15"}
	clean := startSandbox(t, size...)
	faulty := startSandbox(t, append(size, "--faults", "500=0.1,reset=0.05")...)
	b := newBin(t)
	b.env = []string{"BIGC_E2E_TOKEN=" + faulty.Tokens.Full, "BIGC_CLEAN_TOKEN=" + clean.Tokens.Full}
	for _, c := range []struct {
		name string
		sb   *sandboxProc
		env  string
	}{{"faulty", faulty, "BIGC_E2E_TOKEN"}, {"clean", clean, "BIGC_CLEAN_TOKEN"}} {
		addFaultyConnection(t, b, c.name, c.sb, c.env)
	}
	dir := t.TempDir()
	cleanDir, outDir := filepath.Join(dir, "clean"), filepath.Join(dir, "out")
	os.Mkdir(cleanDir, 0o755)
	os.Mkdir(outDir, 0o755)
	b.mustRun("", "sync", "all", "--connection", "clean", "--out", cleanDir, "--state", filepath.Join(dir, "clean.db"))

	args := []string{"sync", "all", "--connection", "faulty", "--out", outDir,
		"--state", filepath.Join(dir, "state.db"), "--wait", "--lease-timeout", "1s"}
	b.killRuns(rand.New(rand.NewPCG(19, 19)), 4, 300*time.Millisecond, 2*time.Second, args...)
	finish := func() {
		t.Helper()
		for attempt := 0; ; attempt++ {
			r := b.run("", args...)
			if r.code == 0 {
				return
			}
			if attempt == 3 {
				t.Fatalf("sync all: exit %d: %s", r.code, r.stderr)
			}
		}
	}
	finish()

	want, got := streamLines(t, cleanDir), streamLines(t, outDir)
	for _, s := range syncer.Streams() {
		ids := map[int64]int{}
		for _, l := range got[s.Name] {
			ids[l.ID]++
			if l.Deleted {
				t.Errorf("%s: tombstone for %d, nothing was deleted", s.Name, l.ID)
			}
		}
		for id, n := range ids {
			if n != 1 {
				t.Errorf("%s %d: %d lines, want 1", s.Name, id, n)
			}
		}
		if len(want[s.Name]) == 0 || len(ids) != len(want[s.Name]) {
			t.Errorf("%s: %d records after the kills, the fault-free store gives %d", s.Name, len(ids), len(want[s.Name]))
		}
		for _, l := range want[s.Name] {
			if ids[l.ID] == 0 {
				t.Errorf("%s %d: missing after the kills", s.Name, l.ID)
			}
		}
	}

	// A rerun adds nothing.
	finish()
	again := streamLines(t, outDir)
	for _, s := range syncer.Streams() {
		if len(again[s.Name]) != len(got[s.Name]) {
			t.Errorf("%s: the rerun added %d lines", s.Name, len(again[s.Name])-len(got[s.Name]))
		}
	}

	// A brand and an order changed in the store: once more each, nothing else.
	brand, order := got["brands"][0].ID, got["orders"][0].ID
	time.Sleep(time.Second) // the change's date_modified is after the last window's second
	send(t, faulty, "PUT", fmt.Sprintf("/v3/catalog/brands/%d", brand), `{"name": "Renamed In E2E"}`)
	send(t, faulty, "PUT", fmt.Sprintf("/v2/orders/%d", order), `{"staff_notes": "changed in e2e"}`)
	time.Sleep(3 * time.Second) // past the sync's 2 s lag
	finish()
	after := streamLines(t, outDir)
	for _, s := range syncer.Streams() {
		added := after[s.Name][len(again[s.Name]):]
		wantAdded := map[string]int64{"brands": brand, "orders": order}[s.Name]
		switch {
		case wantAdded == 0 && len(added) > 0:
			t.Errorf("%s: %d lines after changing a brand and an order, want none", s.Name, len(added))
		case wantAdded != 0 && (len(added) != 1 || added[0].ID != wantAdded):
			t.Errorf("%s: added %+v, want one line for %d", s.Name, added, wantAdded)
		}
	}
	if added := after["brands"][len(after["brands"])-1]; !strings.Contains(string(added.Record), "Renamed In E2E") {
		t.Errorf("changed brand line lacks the new name: %s", added.Record)
	}
}
