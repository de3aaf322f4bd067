package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"
)

// Server is a sandbox store listening on a loopback address.
type Server struct {
	URL       string // e.g. http://127.0.0.1:54321
	StoreHash string
	Tokens    Tokens
	// ClientSecret signs the webhook deliveries (see Store.ClientSecret).
	ClientSecret string
	Store        *Store
	srv          *http.Server
	done         chan error
}

// Start seeds a store and serves it on addr ("" means 127.0.0.1:0, a free port).
func Start(addr string, opts Options) (*Server, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	st, err := New(opts)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("sandbox: listen on %s: %w", addr, err)
	}
	s := &Server{URL: connectURL(addr, ln.Addr()), StoreHash: st.hash, Tokens: st.tokens, ClientSecret: st.clientSecret, Store: st,
		srv: &http.Server{Handler: st, ReadHeaderTimeout: 10 * time.Second}, done: make(chan error, 1)}
	go func() { s.done <- s.srv.Serve(ln) }()
	return s, nil
}

// connectURL is the URL a client on this machine reaches a listener at. A
// listener on every interface ("0.0.0.0:0", ":8080", "[::]:0") reports the
// unspecified address, which is not one to connect to, so the URL names
// loopback instead: 127.0.0.1, or ::1 when an IPv6 address was asked for.
func connectURL(requested string, a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok || !tcp.IP.IsUnspecified() {
		return "http://" + a.String()
	}
	host := "127.0.0.1"
	if h, _, err := net.SplitHostPort(requested); err == nil {
		if ip := net.ParseIP(h); ip != nil && ip.To4() == nil {
			host = "::1"
		}
	}
	return "http://" + net.JoinHostPort(host, strconv.Itoa(tcp.Port))
}

// Close stops the listener, closes open connections, and stops the store's
// background work.
func (s *Server) Close() error {
	err := s.srv.Close()
	if serr := <-s.done; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	if cerr := s.Store.Close(); err == nil {
		err = cerr
	}
	return err
}

// readyLine is what Serve prints when it is ready.
type readyLine struct {
	URL          string `json:"url"`
	StoreHash    string `json:"store_hash"`
	Tokens       Tokens `json:"tokens"`
	ClientSecret string `json:"client_secret"`
}

// Serve starts a sandbox on addr, prints one JSON line
// {"url":...,"store_hash":...,"tokens":{"full":...,"read_only":...},"client_secret":...} to
// stdout, and serves until ctx is done.
func Serve(ctx context.Context, addr string, opts Options, stdout io.Writer) error {
	s, err := Start(addr, opts)
	if err != nil {
		return err
	}
	line, _ := json.Marshal(readyLine{URL: s.URL, StoreHash: s.StoreHash, Tokens: s.Tokens, ClientSecret: s.ClientSecret})
	if _, err := fmt.Fprintf(stdout, "%s\n", line); err != nil {
		s.Close()
		return err
	}
	select {
	case <-ctx.Done():
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		s.srv.Shutdown(shut)
		<-s.done
		return s.Store.Close()
	case err := <-s.done:
		s.Store.Close()
		return err
	}
}
