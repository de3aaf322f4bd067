package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/bigc-dev/bigc/internal/connections"
	"github.com/bigc-dev/bigc/sandbox"
)

// TestSyncResetUsesTheDefaultConnection: sync reset given neither
// --connection nor --sandbox forgets the checkpoint of the connection every
// other command would use (the default of connection use, $BIGC_CONNECTION,
// the one-off connection of $BIGC_STORE_HASH), as the sync that made it did.
// Not parallel: it sets the environment.
func TestSyncResetUsesTheDefaultConnection(t *testing.T) {
	cfg, srv := savedStore(t, sandbox.Options{Seed: 1}, "shop", false)
	saveConnection(t, cfg, connections.Connection{Name: "other", StoreHash: srv.StoreHash, BaseURL: srv.URL, Token: srv.Tokens.Full})
	out := filepath.Join(t.TempDir(), "c.jsonl")
	state := filepath.Join(cfg, "state.db")
	// syncThenReset runs a sync and the reset that should forget its
	// checkpoint, both with the environment as set.
	syncThenReset := func(wantConnection string) {
		t.Helper()
		if r := runBigc(t, cfg, "", "sync", "customers", "--out", out, "--state", state); r.code != exitOK {
			t.Fatalf("sync: exit %d: %s", r.code, r.stderr)
		}
		r := runBigc(t, cfg, "", "sync", "reset", "customers", "--out", out, "--state", state)
		if want := `"removed": "` + wantConnection + `/customers -> ` + out + `"`; r.code != exitOK || !strings.Contains(r.stdout, want) {
			t.Errorf("reset: exit %d, stdout %s, stderr %s; want %s", r.code, r.stdout, r.stderr, want)
		}
		if r := runBigc(t, cfg, "", "sync", "status", "--state", state, "--json"); strings.TrimSpace(r.stdout) != "[]" {
			t.Errorf("checkpoints left after the reset: %s", r.stdout)
		}
	}

	if r := runBigc(t, cfg, "", "connection", "use", "shop"); r.code != exitOK {
		t.Fatalf("connection use: exit %d: %s", r.code, r.stderr)
	}
	syncThenReset("shop")

	t.Setenv(connectionEnv, "other")
	syncThenReset("other")

	t.Setenv(connectionEnv, "")
	t.Setenv(storeHashEnv, srv.StoreHash)
	t.Setenv(accessTokenEnv, srv.Tokens.Full)
	t.Setenv(baseURLEnv, srv.URL)
	syncThenReset("env-" + srv.StoreHash)
}
