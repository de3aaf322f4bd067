package cli

import (
	"strings"
	"testing"

	"github.com/bigc-dev/bigc/sandbox"
)

// TestConfirmOnTerminal: where --yes is needed and a person is at the
// terminal, bigc asks with the preview; y goes ahead, anything else writes
// nothing and exits 2.
func TestConfirmOnTerminal(t *testing.T) {
	t.Parallel()
	t.Run("destructive tool", func(t *testing.T) {
		t.Parallel()
		cfg, _ := savedStore(t, sandbox.Options{Seed: 1}, "shop", false)
		r := runBigcTerminal(t, cfg, "n\n", "call", "delete-product", "--connection", "shop", "--input", `{"id": 113}`)
		if r.code != exitBadInput || !strings.Contains(r.stderr, "Go ahead? [y/N]") || !strings.Contains(r.stderr, "113") {
			t.Errorf("answered n: exit %d, stderr:\n%s", r.code, r.stderr)
		}
		if r := runBigc(t, cfg, "", "call", "get-product", "--connection", "shop", "--input", `{"id": 113}`); r.code != exitOK {
			t.Errorf("after n, product 113: exit %d (want it still there)", r.code)
		}
		r = runBigcTerminal(t, cfg, "y\n", "call", "delete-product", "--connection", "shop", "--input", `{"id": 113}`)
		if r.code != exitOK || strings.Count(r.stderr, "Go ahead?") != 1 {
			t.Errorf("answered y: exit %d, stderr:\n%s", r.code, r.stderr)
		}
		if r := runBigc(t, cfg, "", "call", "get-product", "--connection", "shop", "--input", `{"id": 113}`); r.code != exitNotFound {
			t.Errorf("after y, product 113: exit %d, want %d", r.code, exitNotFound)
		}
	})
	t.Run("production write", func(t *testing.T) {
		t.Parallel()
		cfg, _ := productionStore(t, sandbox.Options{Seed: 1})
		args := []string{"call", "update-product", "--connection", "prod", "--input", `{"id": 112, "price": "1.25"}`}
		r := runBigcTerminal(t, cfg, "\n", args...)
		// The prompt shows what would be sent (the tool's preview, read
		// from the store), not only the guard's sentence.
		prompt, _, _ := strings.Cut(r.stderr, "[y/N]")
		if r.code != exitBadInput || !strings.Contains(prompt, "production connection") || !strings.Contains(prompt, "would change product 112") || !strings.Contains(prompt, "→ 1.25") {
			t.Errorf("answered nothing: exit %d, stderr:\n%s", r.code, r.stderr)
		}
		if r := runBigc(t, cfg, "", "call", "get-product", "--connection", "prod", "-F", "id=112"); r.code != exitOK || strings.Contains(r.stdout, `"price": 1.25`) {
			t.Errorf("after a no, product 112: exit %d:\n%s", r.code, r.stdout)
		}
		r = runBigcTerminal(t, cfg, "yes\n", args...)
		if r.code != exitOK || !strings.Contains(r.stdout, "1.25") {
			t.Errorf("answered yes: exit %d, stdout %s, stderr:\n%s", r.code, r.stdout, r.stderr)
		}
	})
	t.Run("no terminal", func(t *testing.T) {
		t.Parallel()
		cfg, srv := productionStore(t, sandbox.Options{Seed: 1})
		// Piped input that says y is not a person answering: no prompt.
		r := runBigc(t, cfg, "y\n", "call", "update-product", "--connection", "prod", "--input", `{"id": 112, "price": "1.25"}`)
		if r.code != exitBadInput || strings.Contains(r.stderr, "[y/N]") || srv.Store.Stats().Requests != 0 {
			t.Errorf("exit %d, %d requests, stderr:\n%s", r.code, srv.Store.Stats().Requests, r.stderr)
		}
	})
}
