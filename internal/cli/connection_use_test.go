package cli

import (
	"strings"
	"testing"

	"github.com/bigc-dev/bigc/internal/connections"
	"github.com/bigc-dev/bigc/sandbox"
)

// TestConnectionUseAndEnv: with two connections saved, a command without
// --connection uses the one bigc connection use chose, and $BIGC_CONNECTION
// wins over it; an unknown name is refused with a suggestion.
func TestConnectionUseAndEnv(t *testing.T) {
	cfg, _ := savedStore(t, sandbox.Options{Seed: 1}, "shop", false)
	sandboxForConfig(t, cfg, "staging")
	args := []string{"call", "get-order", "-F", "id=100"}
	if r := runBigc(t, cfg, "", args...); r.code != exitBadInput || !strings.Contains(r.stderr, "no store chosen") {
		t.Fatalf("two saved, none chosen: exit %d: %s", r.code, r.stderr)
	}
	if r := runBigc(t, cfg, "", "connection", "use", "stagin"); r.code != exitNotFound || !strings.Contains(r.stderr, `did you mean "staging"?`) {
		t.Errorf("use stagin: exit %d: %s", r.code, r.stderr)
	}
	if r := runBigc(t, cfg, "", "connection", "use", "staging"); r.code != exitOK {
		t.Fatalf("use staging: exit %d: %s", r.code, r.stderr)
	}
	if r := runBigc(t, cfg, "", args...); r.code != exitOK || !strings.Contains(r.stderr, `using connection "staging", the default`) {
		t.Errorf("after use staging: exit %d: %s", r.code, r.stderr)
	}
	t.Setenv(connectionEnv, "shop")
	if r := runBigc(t, cfg, "", args...); r.code != exitOK || !strings.Contains(r.stderr, `using connection "shop", from $BIGC_CONNECTION`) {
		t.Errorf("BIGC_CONNECTION=shop: exit %d: %s", r.code, r.stderr)
	}
}

// sandboxForConfig saves one more sandbox store as the connection name in cfg.
func sandboxForConfig(t *testing.T, cfg, name string) *sandbox.Server {
	t.Helper()
	_, srv := savedStore(t, sandbox.Options{Seed: 2}, name+"-tmp", false)
	c := &connections.Connection{Name: name, StoreHash: srv.StoreHash, BaseURL: srv.URL, Token: srv.Tokens.Full}
	if err := connections.Open(cfg).Save(c, false); err != nil {
		t.Fatal(err)
	}
	return srv
}
