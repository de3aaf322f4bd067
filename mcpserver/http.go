package mcpserver

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/bigc-dev/bigc/tools"
)

// HTTPPath is where the Streamable HTTP endpoint lives.
const HTTPPath = "/mcp"

// DefaultMaxBodyBytes bounds a request body: tool arguments are small.
const DefaultMaxBodyBytes = 1 << 20

// DefaultAllowedOrigins are the browser origins accepted without
// configuration: pages served from this machine. A request without an Origin
// header (any non-browser client) is not subject to the check.
var DefaultAllowedOrigins = []string{"http://localhost:*", "http://127.0.0.1:*", "http://[::1]:*"}

// HTTPOptions configure the Streamable HTTP endpoint.
type HTTPOptions struct {
	// Addr is host:port to listen on. An empty host means 127.0.0.1, so the
	// server is reachable from this machine only unless told otherwise.
	Addr string
	// AllowedOrigins are accepted besides DefaultAllowedOrigins: exact
	// origins ("https://app.example.com") or any port of a host
	// ("http://devbox:*").
	AllowedOrigins []string
	// AuthToken, when set, must come with every request as
	// "Authorization: Bearer TOKEN". It is required on a non-loopback address.
	// It is bigc's own secret for this endpoint, never a BigCommerce token.
	AuthToken string
	// MaxBodyBytes bounds a request body; 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
}

// ErrAuthTokenRequired is returned when asked to serve on an address other
// machines can reach without a bearer token (HTTPOptions.AuthToken).
var ErrAuthTokenRequired = errors.New("mcpserver: refusing to serve on a non-loopback address without a bearer token")

// ListenAndServe serves the Streamable HTTP endpoint on opts.Addr until ctx
// is done. Once it listens it calls ready with the endpoint's URL.
func (s *Server) ListenAndServe(ctx context.Context, opts HTTPOptions, ready func(url string)) error {
	host, port, err := net.SplitHostPort(opts.Addr)
	if err != nil {
		return &tools.Error{Category: tools.CategoryBadInput, Field: "http",
			Message: fmt.Sprintf("%q is not host:port (e.g. 127.0.0.1:8080 or :8080)", opts.Addr)}
	}
	if host == "" {
		host = "127.0.0.1"
	}
	if !isLoopbackHost(host) && opts.AuthToken == "" {
		return fmt.Errorf("%w: %s is reachable from other machines", ErrAuthTokenRequired, host)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, port))
	if err != nil {
		return err
	}
	return s.Serve(ctx, ln, opts, ready)
}

// Serve serves the Streamable HTTP endpoint on ln until ctx is done, and
// closes ln. Whether a bearer token is required follows from ln's address.
func (s *Server) Serve(ctx context.Context, ln net.Listener, opts HTTPOptions, ready func(url string)) error {
	loopback := true
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok {
		loopback = tcp.IP.IsLoopback()
	}
	if !loopback && opts.AuthToken == "" {
		ln.Close()
		return fmt.Errorf("%w: %s is reachable from other machines", ErrAuthTokenRequired, ln.Addr())
	}
	h, err := s.HTTPHandler(opts, !loopback)
	if err != nil {
		ln.Close()
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	stop := context.AfterFunc(ctx, func() {
		shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
	})
	defer stop()
	if ready != nil {
		ready("http://" + ln.Addr().String() + HTTPPath)
	}
	err = srv.Serve(ln)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// HTTPHandler returns the Streamable HTTP endpoint behind its guards: the
// Origin allowlist, the bearer token (always when requireAuth, and whenever
// a token is set) and the body limit.
func (s *Server) HTTPHandler(opts HTTPOptions, requireAuth bool) (http.Handler, error) {
	if requireAuth && opts.AuthToken == "" {
		return nil, ErrAuthTokenRequired
	}
	g := &guard{maxBody: opts.MaxBodyBytes}
	if g.maxBody <= 0 {
		g.maxBody = DefaultMaxBodyBytes
	}
	for _, o := range append(append([]string{}, DefaultAllowedOrigins...), opts.AllowedOrigins...) {
		p, err := parseOriginPattern(o)
		if err != nil {
			return nil, err
		}
		g.origins = append(g.origins, p)
	}
	if opts.AuthToken != "" {
		sum := sha256.Sum256([]byte(opts.AuthToken))
		g.token = sum[:]
	}
	streamable := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return s.mcp },
		&mcp.StreamableHTTPOptions{
			MaxRequestBodyBytes: g.maxBody,
			// guard makes the same check for every path and method, preflights
			// included, and knows that host names ignore letter case.
			DisableLocalhostProtection: true,
			SessionTimeout:             30 * time.Minute,
		})
	mux := http.NewServeMux()
	mux.Handle(HTTPPath, streamable)
	g.next = mux
	return g, nil
}

// guard checks every request before the MCP handler sees it.
type guard struct {
	origins []originPattern
	token   []byte // SHA-256 of the bearer token; nil when none is set
	maxBody int64
	next    http.Handler
}

func (g *guard) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// On a loopback listener only this machine's names are served, whether
	// or not an Origin header came: a page whose DNS name was rebound to
	// 127.0.0.1 sends its own name as Host, and preflights are no exception.
	if local, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok && isLoopbackAddr(local) && !isLoopbackHost(hostOnly(r.Host)) {
		http.Error(w, fmt.Sprintf("forbidden: Host %q does not name this machine; a loopback server answers only localhost, 127.0.0.1 or [::1]", r.Host), http.StatusForbidden)
		return
	}
	// A browser page on another site must not drive the server through the
	// user's browser (DNS rebinding, cross-site requests).
	if o := r.Header.Get("Origin"); o != "" {
		if !g.originAllowed(o) {
			http.Error(w, "forbidden: origin "+o+" is not one of this server's allowed origins", http.StatusForbidden)
			return
		}
		// An allowed page may read the answers; a preflight carries no
		// credentials, so it is answered before the token check.
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", o)
		h.Add("Vary", "Origin")
		h.Set("Access-Control-Expose-Headers", "Mcp-Session-Id, Mcp-Protocol-Version, WWW-Authenticate")
		if r.Method == http.MethodOptions {
			h.Set("Access-Control-Allow-Methods", "GET, POST, DELETE")
			h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, Accept, Last-Event-ID, Mcp-Session-Id, Mcp-Protocol-Version, Mcp-Method, Mcp-Name")
			h.Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	if g.token != nil && !g.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="bigc", error="invalid_token"`)
		http.Error(w, "unauthorized: send the token as Authorization: Bearer TOKEN", http.StatusUnauthorized)
		return
	}
	if r.ContentLength > g.maxBody {
		http.Error(w, fmt.Sprintf("request body too large: the limit is %d bytes", g.maxBody), http.StatusRequestEntityTooLarge)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, g.maxBody)
	g.next.ServeHTTP(w, r)
}

// authorized compares the bearer token in constant time. Hashing both sides
// first keeps the comparison's length fixed too.
func (g *guard) authorized(r *http.Request) bool {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	sum := sha256.Sum256([]byte(strings.TrimSpace(tok)))
	return subtle.ConstantTimeCompare(sum[:], g.token) == 1
}

// originPattern is an allowed origin; anyPort matches every port of host.
type originPattern struct {
	scheme, host, port string
	anyPort            bool
}

func parseOriginPattern(s string) (originPattern, error) {
	bad := func() (originPattern, error) {
		return originPattern{}, &tools.Error{Category: tools.CategoryBadInput, Field: "allowed-origins",
			Message: fmt.Sprintf("%q is not an origin such as https://app.example.com or http://devbox:*", s)}
	}
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok || (scheme != "http" && scheme != "https") || rest == "" || strings.ContainsAny(rest, "/?#@") {
		return bad()
	}
	p := originPattern{scheme: scheme}
	if h, ok := strings.CutSuffix(rest, ":*"); ok {
		p.host, p.anyPort = strings.ToLower(h), true
		return p, nil
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return bad()
	}
	p.host, p.port = strings.ToLower(hostOnly(u.Host)), u.Port()
	return p, nil
}

func (g *guard) originAllowed(origin string) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || u.Path != "" || u.User != nil {
		return false
	}
	host, port := strings.ToLower(hostOnly(u.Host)), u.Port()
	for _, p := range g.origins {
		if p.scheme == u.Scheme && p.host == host && (p.anyPort || p.port == port) {
			return true
		}
	}
	return false
}

// hostOnly drops the port of host[:port], keeping IPv6 brackets.
func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		if strings.Contains(h, ":") {
			return "[" + h + "]"
		}
		return h
	}
	return hostport
}

// isLoopbackAddr reports whether a listener's address is on this machine only.
func isLoopbackAddr(a net.Addr) bool {
	if tcp, ok := a.(*net.TCPAddr); ok {
		return tcp.IP.IsLoopback()
	}
	host, _, err := net.SplitHostPort(a.String())
	return err == nil && isLoopbackHost(host)
}

// isLoopbackHost reports whether host (a name or an IP, IPv6 in brackets or
// not, one trailing dot allowed) names this machine.
func isLoopbackHost(host string) bool {
	host = strings.TrimSuffix(host, ".")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}
