package cli

import (
	"strings"
	"testing"

	"github.com/bigc-dev/bigc/internal/connections"
	"github.com/bigc-dev/bigc/sandbox"
	"github.com/bigc-dev/bigc/sandbox/sandboxtest"
)

// TestAdviceNamesTheConnection: a refused token's advice names the
// connection the command used (bigc connection verify shop), not a
// placeholder; connection add, which saved nothing, gives no verify advice.
func TestAdviceNamesTheConnection(t *testing.T) {
	t.Parallel()
	srv := sandboxtest.NewServer(t, sandbox.Options{Seed: 1})
	cfg := t.TempDir()
	wrong := "wrongtoken" + strings.Repeat("3", 20)
	saveConnection(t, cfg, connections.Connection{Name: "shop", StoreHash: srv.StoreHash, BaseURL: srv.URL, Token: wrong})
	for _, args := range [][]string{
		{"call", "get-order", "--connection", "shop", "-F", "id=100"},
		{"connection", "verify", "shop"},
		{"sync", "orders", "--connection", "shop", "--out", "-"},
	} {
		r := runBigc(t, cfg, "", args...)
		te := r.errorObject(t)
		if r.code != exitAuth || !strings.Contains(te.Next, "bigc connection verify shop") || strings.Contains(r.stderr, "NAME") {
			t.Errorf("bigc %s: exit %d, stderr:\n%s", strings.Join(args, " "), r.code, r.stderr)
		}
	}
	r := runBigc(t, cfg, wrong, "connection", "add", "other", "--store-hash", srv.StoreHash, "--base-url", srv.URL, "--token-stdin")
	if te := r.errorObject(t); r.code != exitAuth || strings.Contains(te.Next, "verify") || te.Next == "" {
		t.Errorf("connection add: exit %d, next %q", r.code, te.Next)
	}
}
