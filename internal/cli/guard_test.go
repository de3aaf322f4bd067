package cli

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/bigc-dev/bigc/internal/connections"
	"github.com/bigc-dev/bigc/sandbox"
	"github.com/bigc-dev/bigc/sandbox/sandboxtest"
)

// productionStore is a sandbox saved as a --production connection named
// "prod" in a fresh configuration directory.
func productionStore(t *testing.T, opts sandbox.Options) (cfg string, srv *sandbox.Server) {
	t.Helper()
	return savedStore(t, opts, "prod", true)
}

// savedStore is a sandbox saved as the connection name in a fresh
// configuration directory.
func savedStore(t *testing.T, opts sandbox.Options, name string, production bool) (cfg string, srv *sandbox.Server) {
	t.Helper()
	srv = sandboxtest.NewServer(t, opts)
	cfg = t.TempDir()
	c := &connections.Connection{Name: name, StoreHash: srv.StoreHash, BaseURL: srv.URL, Token: srv.Tokens.Full, Production: production}
	if err := connections.Open(cfg).Save(c, false); err != nil {
		t.Fatal(err)
	}
	return cfg, srv
}

// TestEveryWriteCommandNeedsYesOnProduction enumerates the commands that can
// write to a store (every command with a --yes flag, which only the one
// production guard adds) and proves that each, on a production connection
// and without --yes, exits 2 having sent nothing.
func TestEveryWriteCommandNeedsYesOnProduction(t *testing.T) {
	t.Parallel()
	// A write attempt for each command that can write; a command added
	// later that writes must be added here.
	attempts := map[string][]string{
		"bigc call":                {"call", "update-product", "--connection", "prod", "--input", `{"id": 112, "price": "1.00"}`},
		"bigc sync":                {"sync", "orders", "--connection", "prod", "--tag", "bigc/exported", "--out", "OUT"},
		"bigc webhooks subscribe":  {"webhooks", "subscribe", "--connection", "prod", "--scope", "store/order/created", "--destination", "https://example.com/hooks"},
		"bigc webhooks delete":     {"webhooks", "delete", "1", "--connection", "prod"},
		"bigc webhooks reactivate": {"webhooks", "reactivate", "1", "--connection", "prod"},
		"bigc import":              {"import", "products", "IN", "--connection", "prod"},
		"bigc worker":              {"worker", "--once", "--connection", "prod", "--imports", "DIR", "--schedule", "customers=1m", "--out-dir", "DIR"},
	}
	var writers []string
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Flags().Lookup("yes") != nil || c.Annotations[writesAnnotation] != "" {
			if c.Annotations[writesAnnotation] == "" {
				t.Errorf("%s has a --yes flag of its own: take it from the one production guard (writeGuard.register)", c.CommandPath())
			}
			writers = append(writers, c.CommandPath())
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk((&app{}).rootCmd())
	slices.Sort(writers)
	var want []string
	for name := range attempts {
		want = append(want, name)
	}
	slices.Sort(want)
	if !slices.Equal(writers, want) {
		t.Fatalf("commands that can write = %v; this test covers %v", writers, want)
	}
	for name, args := range attempts {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cfg, srv := productionStore(t, sandbox.Options{Seed: 1})
			args := slices.Clone(args)
			for i, a := range args {
				if a == "OUT" {
					args[i] = t.TempDir() + "/out.jsonl"
				}
				if a == "DIR" {
					args[i] = t.TempDir()
				}
				if a == "IN" {
					args[i] = t.TempDir() + "/in.jsonl"
					if err := os.WriteFile(args[i], []byte(`{"name":"A","sku":"A","price":"1"}`+"\n"), 0o600); err != nil {
						t.Fatal(err)
					}
				}
			}
			r := runBigc(t, cfg, "", args...)
			if r.code != exitBadInput || !strings.Contains(r.stderr, "--yes") || !strings.Contains(r.stderr, "production") {
				t.Errorf("exit %d, stderr %q; want 2 and a message asking for --yes on a production connection", r.code, r.stderr)
			}
			if n := srv.Store.Stats().Requests; n != 0 {
				t.Errorf("%d requests reached the store before the refusal; want none", n)
			}
		})
	}
}

// TestSyncTagOnProductionWithYes is the guard letting a confirmed write by.
func TestSyncTagOnProductionWithYes(t *testing.T) {
	t.Parallel()
	cfg, _ := productionStore(t, sandbox.Options{Seed: 1, Orders: 20})
	r := runBigc(t, cfg, "", "sync", "orders", "--connection", "prod", "--tag", "bigc/exported", "--yes", "--lag", "0s", "--out", t.TempDir()+"/o.jsonl")
	if r.code != 0 || !strings.Contains(r.stderr, "orders tagged") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
}
