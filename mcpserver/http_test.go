package mcpserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

const initializeBody = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"curl","version":"0"}}}`

func post(t *testing.T, url string, header map[string]string, body string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	for k, v := range header {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// send sends req and returns the answer with its body closed unread (a GET
// that the server lets through may open an event stream that never ends).
func send(t *testing.T, req *http.Request) *http.Response {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// preflight sends a CORS preflight for a POST from origin, with Host host
// when host is not "".
func preflight(t *testing.T, url, host, origin string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodOptions, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	req.Header.Set("Origin", origin)
	req.Header.Set("Access-Control-Request-Method", "POST")
	return send(t, req)
}

func httpServer(t *testing.T, opts HTTPOptions, requireAuth bool) string {
	t.Helper()
	s := newTestServer(t, newWorld(), Options{})
	h, err := s.HTTPHandler(opts, requireAuth)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL + HTTPPath
}

func TestHTTPOriginAllowlist(t *testing.T) {
	t.Parallel()
	url := httpServer(t, HTTPOptions{AllowedOrigins: []string{"https://app.example.com", "http://devbox:*"}}, false)
	tests := []struct {
		origin string
		want   int
	}{
		{"", http.StatusOK},
		{"http://localhost:5173", http.StatusOK},
		{"http://127.0.0.1:8080", http.StatusOK},
		{"http://[::1]:3000", http.StatusOK},
		{"https://app.example.com", http.StatusOK},
		{"http://devbox:9000", http.StatusOK},
		{"https://evil.example", http.StatusForbidden},
		{"https://app.example.com:444", http.StatusForbidden},
		{"http://localhost.evil.example:80", http.StatusForbidden},
		{"https://localhost:5173", http.StatusForbidden},
		{"null", http.StatusForbidden},
	}
	for _, tt := range tests {
		h := map[string]string{}
		if tt.origin != "" {
			h["Origin"] = tt.origin
		}
		if got := post(t, url, h, initializeBody).StatusCode; got != tt.want {
			t.Errorf("Origin %q: status %d, want %d", tt.origin, got, tt.want)
		}
	}
}

func TestHTTPPreflightFromAllowedOrigin(t *testing.T) {
	t.Parallel()
	url := httpServer(t, HTTPOptions{AuthToken: "tok", AllowedOrigins: []string{"https://app.example.com"}}, true)
	for _, tt := range []struct {
		origin string
		want   int
	}{{"https://app.example.com", http.StatusNoContent}, {"https://evil.example", http.StatusForbidden}} {
		resp := preflight(t, url, "", tt.origin)
		if resp.StatusCode != tt.want {
			t.Errorf("preflight from %s: status %d, want %d", tt.origin, resp.StatusCode, tt.want)
		}
		if allow := resp.Header.Get("Access-Control-Allow-Origin"); (allow == tt.origin) != (tt.want == http.StatusNoContent) {
			t.Errorf("preflight from %s: Access-Control-Allow-Origin %q", tt.origin, allow)
		}
	}
	// The real request still needs the token.
	if got := post(t, url, map[string]string{"Origin": "https://app.example.com"}, initializeBody).StatusCode; got != http.StatusUnauthorized {
		t.Errorf("POST from an allowed origin without the token: status %d, want 401", got)
	}
}

func TestHTTPBearerToken(t *testing.T) {
	t.Parallel()
	url := httpServer(t, HTTPOptions{AuthToken: "s3cret-for-mcp"}, true)
	tests := []struct {
		auth string
		want int
	}{
		{"", http.StatusUnauthorized},
		{"Bearer wrong", http.StatusUnauthorized},
		{"Basic czNjcmV0LWZvci1tY3A=", http.StatusUnauthorized},
		{"Bearer s3cret-for-mcp", http.StatusOK},
		{"bearer s3cret-for-mcp", http.StatusOK},
	}
	for _, tt := range tests {
		h := map[string]string{}
		if tt.auth != "" {
			h["Authorization"] = tt.auth
		}
		resp := post(t, url, h, initializeBody)
		if resp.StatusCode != tt.want {
			t.Errorf("Authorization %q: status %d, want %d", tt.auth, resp.StatusCode, tt.want)
		}
		if tt.want == http.StatusUnauthorized && !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer ") {
			t.Errorf("Authorization %q: 401 without a Bearer WWW-Authenticate header", tt.auth)
		}
	}
	s := newTestServer(t, newWorld(), Options{})
	if _, err := s.HTTPHandler(HTTPOptions{}, true); !errors.Is(err, ErrAuthTokenRequired) {
		t.Errorf("a handler that requires auth without a token: %v", err)
	}
}

func TestHTTPBodyLimit(t *testing.T) {
	t.Parallel()
	url := httpServer(t, HTTPOptions{MaxBodyBytes: 1024}, false)
	big := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"pad":"` + strings.Repeat("x", 2000) + `"}}`
	if got := post(t, url, nil, big).StatusCode; got != http.StatusRequestEntityTooLarge {
		t.Errorf("2 KB body with a 1 KB limit: status %d, want 413", got)
	}
	// Without a Content-Length the limit holds while reading.
	req, _ := http.NewRequest(http.MethodPost, url, io.MultiReader(strings.NewReader(big)))
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if resp := send(t, req); resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("chunked 2 KB body: status %d, want 413", resp.StatusCode)
	}
}

func TestHTTPOriginPatternsAreChecked(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, newWorld(), Options{})
	for _, bad := range []string{"example.com", "ftp://example.com", "https://example.com/path", "https://"} {
		if _, err := s.HTTPHandler(HTTPOptions{AllowedOrigins: []string{bad}}, false); err == nil {
			t.Errorf("allowed origin %q was accepted", bad)
		}
	}
}

// nonLoopbackIP returns an address of this machine that other machines can reach.
func nonLoopbackIP() net.IP {
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && n.IP.To4() != nil && !n.IP.IsLinkLocalUnicast() {
			return n.IP
		}
	}
	return nil
}

func TestListenRefusesNonLoopbackWithoutToken(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, newWorld(), Options{})
	addrs := []string{"0.0.0.0:0", "[::]:0", "example.com:0"}
	if ip := nonLoopbackIP(); ip != nil {
		addrs = append(addrs, net.JoinHostPort(ip.String(), "0"))
	}
	for _, addr := range addrs {
		err := s.ListenAndServe(context.Background(), HTTPOptions{Addr: addr}, nil)
		if !errors.Is(err, ErrAuthTokenRequired) {
			t.Errorf("ListenAndServe(%s) without a token: %v, want ErrAuthTokenRequired", addr, err)
		}
	}
	if err := s.ListenAndServe(context.Background(), HTTPOptions{Addr: "nonsense"}, nil); err == nil || !strings.Contains(err.Error(), "host:port") {
		t.Errorf("bad address: %v", err)
	}
}

// TestNonLoopbackNeedsBearer binds a real non-loopback address of this machine.
func TestNonLoopbackNeedsBearer(t *testing.T) {
	t.Parallel()
	ip := nonLoopbackIP()
	if ip == nil {
		t.Skip("this machine has no non-loopback IPv4 address; TestHTTPBearerToken covers the guard")
	}
	s := newTestServer(t, newWorld(), Options{})
	ln, err := net.Listen("tcp", net.JoinHostPort(ip.String(), "0"))
	if err != nil {
		t.Skipf("cannot listen on %s: %v", ip, err)
	}
	if err := s.Serve(context.Background(), ln, HTTPOptions{}, nil); !errors.Is(err, ErrAuthTokenRequired) {
		t.Fatalf("Serve on %s without a token: %v", ln.Addr(), err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	urls := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- s.ListenAndServe(ctx, HTTPOptions{Addr: net.JoinHostPort(ip.String(), "0"), AuthToken: "tok-123"}, func(u string) { urls <- u })
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("ListenAndServe: %v", err)
		}
	})
	url := <-urls
	if got := post(t, url, nil, initializeBody).StatusCode; got != http.StatusUnauthorized {
		t.Errorf("no token on %s: status %d, want 401", url, got)
	}
	client := &http.Client{Transport: bearer{"tok-123"}}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "v0"}, nil).
		Connect(ctx, &mcp.StreamableClientTransport{Endpoint: url, HTTPClient: client}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	res := call(t, cs, "list-things", nil)
	if res.IsError || !strings.Contains(text(res), "thing 1 on sandbox") {
		t.Errorf("list-things over HTTP with the token: %s", text(res))
	}
}

type bearer struct{ token string }

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return http.DefaultTransport.RoundTrip(r)
}

func TestHTTPSessionWithElicitation(t *testing.T) {
	t.Parallel()
	w := newWorld()
	s := newTestServer(t, w, Options{})
	h, err := s.HTTPHandler(HTTPOptions{}, false)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close) // before the session, so the session closes first
	for i, version := range []string{"", "2025-11-25"} {
		id := 7 + i
		var asked []string
		cs, err := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "v0"}, elicitClient("accept", fmt.Sprint(id), &asked)).
			Connect(context.Background(), &mcp.StreamableClientTransport{Endpoint: srv.URL + HTTPPath}, &mcp.ClientSessionOptions{ProtocolVersion: version})
		if err != nil {
			t.Fatal(err)
		}
		res := call(t, cs, "delete-thing", map[string]any{"id": id})
		cs.Close()
		if res.IsError || w.deleteCount() != i+1 || len(asked) != 1 {
			t.Errorf("delete over HTTP (protocol %q): %s after %d questions", version, text(res), len(asked))
		}
	}
}

// FuzzOriginAllowed: outside Origin headers never panic the guard, and only
// the configured origins pass.
func FuzzOriginAllowed(f *testing.F) {
	g := &guard{}
	for _, o := range append(DefaultAllowedOrigins, "https://app.example.com") {
		p, err := parseOriginPattern(o)
		if err != nil {
			f.Fatal(err)
		}
		g.origins = append(g.origins, p)
	}
	for _, seed := range []string{"http://localhost:3000", "https://app.example.com", "null", "http://[::1]:1", "http://x@localhost:1"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, origin string) {
		if !g.originAllowed(origin) {
			return
		}
		u, err := url.Parse(origin)
		if err != nil {
			t.Fatalf("%q passed but does not parse", origin)
		}
		host := strings.ToLower(hostOnly(u.Host))
		if host != "localhost" && host != "127.0.0.1" && host != "[::1]" && host != "app.example.com" {
			t.Fatalf("%q passed with host %q", origin, host)
		}
	})
}
