package cli

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/sandbox"
	"github.com/bigc-dev/bigc/sandbox/sandboxtest"
)

// TestUnknownSubcommand: a group command given a subcommand it does not
// have says so, suggests the nearest, and exits 2 (it printed help and
// exited 0).
func TestUnknownSubcommand(t *testing.T) {
	t.Parallel()
	tests := []struct{ args, suggest []string }{
		{[]string{"connection", "rm", "x"}, []string{`unknown command "rm"`, `"remove"`}},
		{[]string{"webhooks", "lsit"}, []string{`unknown command "lsit"`, `"list"`}},
		{[]string{"connection", "zzzzzz"}, []string{`unknown command "zzzzzz"`}},
	}
	for _, tt := range tests {
		r := runBigc(t, t.TempDir(), "", tt.args...)
		if r.code != exitBadInput {
			t.Errorf("%v: exit %d, want 2", tt.args, r.code)
		}
		for _, want := range tt.suggest {
			if !strings.Contains(r.stderr, want) {
				t.Errorf("%v: stderr %q does not hold %s", tt.args, r.stderr, want)
			}
		}
	}
	if r := runBigc(t, t.TempDir(), "", "connection"); r.code != 0 || !strings.Contains(r.stdout, "Available Commands") {
		t.Errorf("bare group: exit %d, stdout %q; want its help", r.code, r.stdout)
	}
}

// TestConnectionAddRefuses: a plain http base URL to another machine would
// carry the token in clear text, and an unwritable configuration directory
// is the user's to fix; both exit 2 before the store is asked anything, as do
// the other values the connections package refuses, each named by its flag
// (the package names fields, the command line its flags).
func TestConnectionAddRefuses(t *testing.T) {
	t.Parallel()
	srv := sandboxtest.NewServer(t, sandbox.Options{Seed: 1})
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, cfg, conn, baseURL, token, want string
	}{
		{"http to another host", t.TempDir(), "shop", "http://example.com", "--token-stdin", "--base-url: http://example.com: plain http"},
		{"not a URL", t.TempDir(), "shop", "ftp://example.com", "--token-stdin", "--base-url: base URL"},
		{"unwritable configuration directory", filepath.Join(file, "cfg"), "shop", srv.URL, "--token-stdin", file},
		{"not a variable name", t.TempDir(), "shop", srv.URL, "--token-env=MY-TOKEN", `--token-env: "MY-TOKEN" is not an environment variable name`},
		{"the sandbox's name", t.TempDir(), "sandbox", srv.URL, "--token-stdin", "pass --sandbox"},
	}
	for _, tt := range tests {
		r := runBigc(t, tt.cfg, srv.Tokens.Full, "connection", "add", tt.conn, "--store-hash", srv.StoreHash,
			"--base-url", tt.baseURL, tt.token)
		if r.code != exitBadInput || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%s: exit %d, stderr %q; want 2 naming %q", tt.name, r.code, r.stderr, tt.want)
		}
	}
	if n := srv.Store.Stats().Requests; n != 0 {
		t.Errorf("%d requests reached the store", n)
	}
	// Loopback over plain http is the sandbox's way, and stays allowed.
	if r := runBigc(t, t.TempDir(), srv.Tokens.Full, "connection", "add", "shop", "--store-hash", srv.StoreHash,
		"--base-url", srv.URL, "--token-stdin"); r.code != 0 {
		t.Errorf("loopback http: exit %d: %s", r.code, r.stderr)
	}
}

// TestAddressInUse: a port another program holds is the user's to fix.
func TestAddressInUse(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	r := runBigc(t, t.TempDir(), "", "sandbox", "serve", "--addr", l.Addr().String())
	if r.code != exitBadInput || !strings.Contains(r.stderr, l.Addr().String()) {
		t.Errorf("exit %d, stderr %q; want 2 naming %s", r.code, r.stderr, l.Addr())
	}
}

// TestRetryNotice is the line a terminal shows for each retry.
func TestRetryNotice(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	notice := retryNoticeTo(&b, "")
	notice(bigcommerce.RetryEvent{Method: "GET", Path: "/v2/orders", Attempt: 2, MaxAttempts: 10, Wait: 4 * time.Second,
		Status: 503, Reason: "503 Service Unavailable"})
	if want := "bigc: retrying in 4.0 s (3/10): 503 Service Unavailable (GET /v2/orders)\n"; b.String() != want {
		t.Errorf("notice = %q, want %q", b.String(), want)
	}
	if (&app{stderr: &b}).retryNotice() != nil {
		t.Error("retries are reported to a stderr that is not a terminal")
	}
}
