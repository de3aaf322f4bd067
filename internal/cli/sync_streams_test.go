package cli

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/jsonschema-go/jsonschema"

	"github.com/bigc-dev/bigc/internal/testservices"
	"github.com/bigc-dev/bigc/sandbox"
	"github.com/bigc-dev/bigc/sandbox/sandboxtest"
	"github.com/bigc-dev/bigc/syncer"
)

// TestSyncListJSON: bigc sync --list --json names every stream with a key,
// a cursor, scopes and a JSON Schema that resolves.
func TestSyncListJSON(t *testing.T) {
	t.Parallel()
	r := runBigc(t, t.TempDir(), "", "sync", "--list", "--json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var list []struct {
		Name, Key, Cursor, Deletions string
		Scopes                       []string
		Schema                       *jsonschema.Schema
	}
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if len(list) != len(syncer.Streams()) {
		t.Errorf("%d streams listed, want %d", len(list), len(syncer.Streams()))
	}
	for _, s := range list {
		if s.Key == "" || s.Cursor == "" || s.Deletions == "" || len(s.Scopes) == 0 || s.Schema == nil {
			t.Errorf("%s: incomplete entry %+v", s.Name, s)
			continue
		}
		if _, err := s.Schema.Resolve(nil); err != nil {
			t.Errorf("%s: schema does not resolve: %v", s.Name, err)
		}
	}
	plain := runBigc(t, t.TempDir(), "", "sync", "--list")
	for _, s := range syncer.Streams() {
		if !strings.Contains(plain.stdout, s.Name) {
			t.Errorf("sync --list lacks %s:\n%s", s.Name, plain.stdout)
		}
	}
	if bad := runBigc(t, t.TempDir(), "", "sync", "orders", "--list"); bad.code != exitBadInput {
		t.Errorf("sync orders --list: exit %d, want %d", bad.code, exitBadInput)
	}
}

// TestSyncAllToPostgres: bigc sync all --out postgres://... fills one
// bigc_STREAM table per stream, with the same rows as the files would hold;
// a rerun writes nothing, and a deleted brand becomes a tombstone row.
func TestSyncAllToPostgres(t *testing.T) {
	t.Parallel()
	url := testservices.PostgresURL(t)
	sb := startSandbox(t, "--orders", "60") // enough for refunds
	b := newBin(t)
	b.saveConnection(sb, "shop")
	b.mustRun("", "sync", "all", "--connection", "shop", "--out", url)
	rows := map[string]int{}
	for _, s := range syncer.Streams() {
		rows[s.Name] = pgCount(t, url, "bigc_"+s.Name)
		if rows[s.Name] == 0 {
			t.Errorf("bigc_%s is empty", s.Name)
		}
	}
	for _, l := range strings.Split(strings.TrimSpace(b.mustRun("", "sync", "all", "--connection", "shop", "--out", url)), "\n") {
		if sum := decodeJSON[syncSummaryOut](t, l); sum.Records != 0 {
			t.Errorf("rerun wrote %d records: %s", sum.Records, l)
		}
	}
	req, _ := http.NewRequest("DELETE", sb.URL+"/stores/"+sb.StoreHash+"/v3/catalog/brands/1", nil)
	req.Header.Set("X-Auth-Token", sb.Tokens.Full)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("deleting brand 1: %v %v", resp, err)
	}
	resp.Body.Close()
	sum := decodeJSON[syncSummaryOut](t, b.mustRun("", "sync", "brands", "--connection", "shop", "--out", url))
	if sum.Records != 1 || pgCount(t, url, "bigc_brands WHERE id = 1 AND record = '{\"deleted\": true}'") != 1 {
		t.Errorf("after deleting brand 1: %+v; want one tombstone row", sum)
	}
}

// TestWorkerSchedulesNewStreams: bigc worker takes the new streams in
// --schedule like the first three: each record once, and a later round of
// the same schedule adds nothing.
func TestWorkerSchedulesNewStreams(t *testing.T) {
	t.Parallel()
	cfg, dir := t.TempDir(), t.TempDir()
	srv := sandboxtest.NewServer(t, sandbox.Options{Seed: 8, Orders: 30, Customers: 5, Products: 6})
	if r := runBigc(t, cfg, srv.Tokens.Full, "connection", "add", "shop", "--store-hash", srv.StoreHash, "--base-url", srv.URL, "--token-stdin"); r.code != 0 {
		t.Fatalf("connection add: exit %d: %s", r.code, r.stderr)
	}
	streams := []string{"shipments", "brands", "inventory"}
	args := []string{"worker", "--once", "--out-dir", dir, "--state", filepath.Join(dir, "state.db"), "--lag", "0s",
		"--schedule", "shipments=1s,brands=1s,inventory=1s"}
	count := func() map[string]int {
		n := map[string]int{}
		for _, s := range streams {
			b, err := os.ReadFile(filepath.Join(dir, "shop", s+".jsonl"))
			if err != nil {
				t.Fatal(err)
			}
			ids := map[int64]bool{}
			for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
				k, err := syncer.ParseLine([]byte(l))
				if err != nil || ids[k.ID] {
					t.Fatalf("%s: line %s: %v (or repeated)", s, l, err)
				}
				ids[k.ID] = true
			}
			n[s] = len(ids)
		}
		return n
	}
	if r := runBigc(t, cfg, "", args...); r.code != 0 {
		t.Fatalf("worker --once: exit %d: %s", r.code, r.stderr)
	}
	first := count()
	for _, s := range streams {
		if first[s] == 0 {
			t.Errorf("%s: nothing written", s)
		}
	}
	time.Sleep(1100 * time.Millisecond) // the 1s interval passes: every stream is due again
	if r := runBigc(t, cfg, "", args...); r.code != 0 || !strings.Contains(r.stderr, `"stream":"brands"`) {
		t.Fatalf("second round: exit %d: %s; want the streams run again", r.code, r.stderr)
	}
	if again := count(); fmt.Sprint(again) != fmt.Sprint(first) {
		t.Errorf("second round: %v records, want still %v", again, first)
	}
}
