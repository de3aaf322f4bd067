package cli

import (
	"encoding/json"
	"net"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/bigc-dev/bigc/internal/connections"
	"github.com/bigc-dev/bigc/sandbox"
	"github.com/bigc-dev/bigc/sandbox/sandboxtest"
)

// TestDoctor checks bigc doctor against sandboxes: a store whose clock runs
// 90 s ahead, reached with its full token (reads and writes every group) and
// with its read-only token (reads every group, writes none), and a store
// that is down. JSON when piped, with the paths, versions, skew and the
// quota the store reported; exit not 0 because one connection is down; a
// table on a terminal.
func TestDoctor(t *testing.T) {
	t.Parallel()
	srv := sandboxtest.NewServer(t, sandbox.Options{Seed: 1, Quota: 1000, Window: 30 * time.Second,
		Now: func() time.Time { return time.Now().Add(90 * time.Second) }})
	cfg := t.TempDir()
	saveConnection(t, cfg, connections.Connection{Name: "shop", StoreHash: srv.StoreHash, BaseURL: srv.URL, Token: srv.Tokens.Full, Production: true})
	saveConnection(t, cfg, connections.Connection{Name: "shop-ro", StoreHash: srv.StoreHash, BaseURL: srv.URL, Token: srv.Tokens.ReadOnly})
	// A port nothing listens on any more.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String()
	ln.Close()
	saveConnection(t, cfg, connections.Connection{Name: "down", StoreHash: srv.StoreHash, BaseURL: dead, Token: srv.Tokens.Full})

	r := runBigc(t, cfg, "", "doctor")
	var rep doctorReport
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("doctor piped: %v; stdout:\n%s\nstderr:\n%s", err, r.stdout, r.stderr)
	}
	if r.code != exitRateLimited || !strings.Contains(r.stderr, "1 connection of 3 connections cannot be reached (down)") {
		t.Errorf("one store down: exit %d, want %d; stderr:\n%s", r.code, exitRateLimited, r.stderr)
	}
	if rep.ConfigDir != cfg || !strings.HasPrefix(rep.State, cfg) || rep.GoVersion != runtime.Version() || rep.Version == "" {
		t.Errorf("paths and versions: %+v", rep)
	}
	by := map[string]doctorStore{}
	for _, s := range rep.Connections {
		by[s.Name] = s
	}
	for _, name := range []string{"shop", "shop-ro"} {
		s := by[name]
		if !s.Reachable || s.ClockSkewSeconds == nil || *s.ClockSkewSeconds < 88 || *s.ClockSkewSeconds > 92 {
			t.Errorf("%s: reachable %v, skew %v; want reachable, about +90 s", name, s.Reachable, s.ClockSkewSeconds)
		}
		if s.RateLimit == nil || s.RateLimit.Requests != 1000 || s.RateLimit.WindowSeconds != 30 || s.RateLimit.Left >= 1000 {
			t.Errorf("%s: rate limit %+v, want 1000 per 30 s, some spent", name, s.RateLimit)
		}
		if len(s.Groups) < 4 {
			t.Errorf("%s: %d tool groups", name, len(s.Groups))
		}
		for _, g := range s.Groups {
			if !g.Read || g.Write != (name == "shop") {
				t.Errorf("%s: group %s: read %v write %v", name, g.Group, g.Read, g.Write)
			}
		}
	}
	if d := by["down"]; d.Reachable || d.Error == nil || d.Error.Category != "upstream" || d.ClockSkewSeconds != nil {
		t.Errorf("down: %+v", d)
	}

	r = runBigcTerminal(t, cfg, "", "doctor", "--connection", "shop-ro")
	lines := strings.Split(r.stdout, "\n")
	if r.code != exitOK || !strings.HasPrefix(r.stdout, "CONFIG ") || !strings.Contains(r.stdout, "\nCONNECTION ") {
		t.Fatalf("doctor on a terminal: exit %d:\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	var row string
	for _, l := range lines {
		if strings.HasPrefix(l, "shop-ro ") {
			row = l
		}
	}
	for _, want := range []string{" yes ", "products,", " none ", "1000/30s"} {
		if !strings.Contains(row, want) {
			t.Errorf("shop-ro's row lacks %q:\n%s", want, r.stdout)
		}
	}
	if !regexp.MustCompile(` \+(89|90|91)s `).MatchString(row) {
		t.Errorf("shop-ro's row shows no skew of about +90s:\n%s", r.stdout)
	}
}
