package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/jsonschema-go/jsonschema"

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
