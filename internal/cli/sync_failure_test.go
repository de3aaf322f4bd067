package cli

import (
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bigc-dev/bigc/internal/connections"
	"github.com/bigc-dev/bigc/sandbox"
	"github.com/bigc-dev/bigc/sandbox/sandboxtest"
	"github.com/bigc-dev/bigc/tools"
)

// closedPort returns a loopback address nothing listens on: connecting to it
// is refused at once.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// TestSyncFailureSaidOnce: a sync that fails says so in one line for a
// person (what stopped, why, where the checkpoint stands, what to run), with
// no Go-style prefixes and nothing said twice; off a terminal the same line
// is followed by the JSON error object, whose shape and message are the
// client's as before.
func TestSyncFailureSaidOnce(t *testing.T) {
	t.Parallel()
	srv := sandboxtest.NewServer(t, sandbox.Options{Seed: 1})
	cfg := t.TempDir()
	addr := closedPort(t)
	saveConnection(t, cfg, connections.Connection{Name: "down", StoreHash: "abc123", BaseURL: "http://" + addr, Token: "tok" + strings.Repeat("1", 20)})
	wrong := "wrongtoken" + strings.Repeat("3", 20)
	saveConnection(t, cfg, connections.Connection{Name: "shop", StoreHash: srv.StoreHash, BaseURL: srv.URL, Token: wrong})
	out := filepath.Join(cfg, "o.jsonl")

	tests := []struct {
		name, conn string
		code       int
		category   tools.Category
		message    string // the JSON object's message, the client's summary
		next       string
	}{
		{"refused", "down", exitRateLimited, tools.CategoryUpstream,
			fmt.Sprintf("GET /v2/time: upstream failure: dial tcp %s: connect: connection refused", addr),
			"BigCommerce failed or could not be reached after retries; try again later"},
		{"unauthorized", "shop", exitAuth, tools.CategoryUnauthorized,
			"GET /v2/time: 401 Unauthorized - the v3 Auth client ID or token in the request are not a valid combination for this store.",
			"the access token is wrong or its API account was deleted; create a new token in Settings > API > Store-level API accounts; " +
				"check the connection with bigc connection verify shop"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			line := fmt.Sprintf("bigc sync orders: stopped after 0 records written (0 already in the output), 0 pages: %s (%s); "+
				"no checkpoint for %s/orders -> %s yet; run again, from the beginning: bigc sync orders --connection %s --out %s\n",
				tt.message, tt.next, tt.conn, out, tt.conn, out)
			args := []string{"sync", "orders", "--connection", tt.conn, "--out", out}
			r := runBigcTerminal(t, cfg, "", args...)
			if r.code != tt.code || r.stderr != line {
				t.Errorf("on a terminal: exit %d, stderr:\n%s\nwant exit %d and:\n%s", r.code, r.stderr, tt.code, line)
			}
			r = runBigc(t, cfg, "", args...)
			object := fmt.Sprintf(`{"error":{"category":%q,"message":%q,"next":%q}}`+"\n", tt.category, tt.message, tt.next)
			if r.code != tt.code || r.stderr != line+object {
				t.Errorf("piped: exit %d, stderr:\n%s\nwant exit %d and:\n%s", r.code, r.stderr, tt.code, line+object)
			}
		})
	}
}
