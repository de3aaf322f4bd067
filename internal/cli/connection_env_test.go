package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bigc-dev/bigc/internal/connections"
	"github.com/bigc-dev/bigc/sandbox"
	"github.com/bigc-dev/bigc/sandbox/sandboxtest"
)

// TestEnvConnection: $BIGC_STORE_HASH with $BIGC_ACCESS_TOKEN (and
// $BIGC_BASE_URL for a sandbox) reach a store with nothing saved, and the
// token appears nowhere in stdout or stderr: not in the note saying which
// store, not in answers or previews, not in errors (JSON ones included), not
// when pasted into an input, not when the store refuses it.
func TestEnvConnection(t *testing.T) {
	srv := sandboxtest.NewServer(t, sandbox.Options{Seed: 1})
	cfg := t.TempDir()
	token := srv.Tokens.Full
	t.Setenv(storeHashEnv, srv.StoreHash)
	t.Setenv(accessTokenEnv, token)
	t.Setenv(baseURLEnv, srv.URL)
	t.Setenv("BIGC_MAX_RETRIES", "0")

	check := func(r result, wantCode int, args ...string) result {
		t.Helper()
		if r.code != wantCode {
			t.Errorf("bigc %s: exit %d, want %d; stderr:\n%s", strings.Join(args, " "), r.code, wantCode, r.stderr)
		}
		if strings.Contains(strings.ToLower(r.stdout+r.stderr), token) {
			t.Errorf("bigc %s printed the access token:\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), r.stdout, r.stderr)
		}
		return r
	}
	run := func(wantCode int, args ...string) result {
		t.Helper()
		return check(runBigc(t, cfg, "", args...), wantCode, args...)
	}

	r := run(exitOK, "call", "get-order", "-F", "id=100")
	if !strings.Contains(r.stderr, "using store "+srv.StoreHash) || !strings.Contains(r.stderr, "$BIGC_ACCESS_TOKEN") {
		t.Errorf("the note does not say which store and where from:\n%s", r.stderr)
	}
	if !json.Valid([]byte(r.stdout)) || !strings.Contains(r.stdout, `"id": 100`) {
		t.Errorf("get-order answer:\n%s", r.stdout)
	}
	if names, _ := os.ReadDir(filepath.Join(cfg, "connections")); len(names) != 0 {
		t.Errorf("a one-off connection saved %d files", len(names))
	}
	// The token pasted into an input: refused before any request, redacted.
	run(exitBadInput, "call", "get-order", "--input", `{"id": "`+token+`"}`)
	run(exitOK, "call", "update-product", "-F", "id=111", "-F", "name=Renamed "+token)
	run(exitBadInput, "call", "delete-product", "-F", "id=113")
	// A sync keeps its checkpoint under the one-off connection's name.
	out := filepath.Join(t.TempDir(), "orders.jsonl")
	r = run(exitOK, "sync", "orders", "--out", out)
	if !strings.Contains(r.stdout, `"connection":"env-`+srv.StoreHash+`"`) {
		t.Errorf("sync summary:\n%s", r.stdout)
	}
	if r := run(exitOK, "sync", "status", "--json"); !strings.Contains(r.stdout, "env-"+srv.StoreHash) {
		t.Errorf("sync status --json:\n%s", r.stdout)
	}
	if r := run(exitOK, "doctor", "--json"); !strings.Contains(r.stdout, `"name": "env-`+srv.StoreHash+`"`) || !strings.Contains(r.stdout, `"reachable": true`) {
		t.Errorf("doctor --json does not check the one-off connection:\n%s", r.stdout)
	}
	// It wins over the default bigc connection use saved.
	saveConnection(t, cfg, connections.Connection{Name: "shop", StoreHash: srv.StoreHash, BaseURL: srv.URL, Token: token})
	run(exitOK, "connection", "use", "shop")
	if r := run(exitOK, "call", "get-order", "-F", "id=100"); !strings.Contains(r.stderr, "one-off connection") {
		t.Errorf("with a default saved, the environment's store was not used:\n%s", r.stderr)
	}
	// Beside $BIGC_CONNECTION it is ambiguous.
	t.Setenv(connectionEnv, "shop")
	run(exitBadInput, "call", "get-order", "-F", "id=100")
	t.Setenv(connectionEnv, "")
	// A wrong token: the store's 401 and the hint never quote it.
	wrong := "wrongtoken" + strings.Repeat("7", 20)
	t.Setenv(accessTokenEnv, wrong)
	r = run(exitAuth, "call", "get-order", "-F", "id=100")
	if strings.Contains(r.stdout+r.stderr, wrong) {
		t.Errorf("a refused token was printed:\n%s", r.stderr)
	}
	if !strings.Contains(r.stderr, "check $BIGC_STORE_HASH and $BIGC_ACCESS_TOKEN") || strings.Contains(r.stderr, "NAME") {
		t.Errorf("the advice does not name where the credentials came from:\n%s", r.stderr)
	}
	// Half of the pair is refused, naming the missing variable.
	t.Setenv(accessTokenEnv, "")
	r = run(exitBadInput, "call", "get-order", "-F", "id=100")
	if !strings.Contains(r.stderr, "$BIGC_ACCESS_TOKEN is not") {
		t.Errorf("hash without token:\n%s", r.stderr)
	}
}
