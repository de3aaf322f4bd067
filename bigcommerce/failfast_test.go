package bigcommerce

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestRefusedAndUnresolvedFailFast: a stopped store (connection refused) and
// a host that does not resolve get two quick retries, not ten with backoff.
func TestRefusedAndUnresolvedFailFast(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().String()
	l.Close() // nothing listens there now: connection refused
	tests := map[string]func(ctx context.Context, network, addr string) (net.Conn, error){
		"connection refused": func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, closed)
		},
		"unresolvable host": func(context.Context, string, string) (net.Conn, error) {
			return nil, &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "shop.invalid", IsNotFound: true}}
		},
	}
	for name, dial := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var dials atomic.Int32
			var events []RetryEvent
			var mu sync.Mutex
			hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				dials.Add(1)
				return dial(ctx, network, addr)
			}}}
			c, err := NewClient("abc123", "tok", WithBaseURL("https://shop.invalid"), WithHTTPClient(hc),
				WithRetryNotify(func(e RetryEvent) { mu.Lock(); events = append(events, e); mu.Unlock() }))
			if err != nil {
				t.Fatal(err)
			}
			c.retryBase = time.Millisecond
			_, err = c.Store.Time(t.Context())
			var api *APIError
			if !errors.As(err, &api) || !errors.Is(err, ErrUpstream) {
				t.Fatalf("err = %v, want an upstream APIError", err)
			}
			if n := dials.Load(); n != 1+maxQuickRetries {
				t.Errorf("%d attempts, want %d", n, 1+maxQuickRetries)
			}
			if len(events) != maxQuickRetries || events[0].MaxAttempts != 1+maxQuickRetries || events[0].Status != 0 || events[0].Reason == "" {
				t.Errorf("retry events = %+v; want %d, each with a reason and 3 attempts in all", events, maxQuickRetries)
			}
		})
	}
}

// TestRetryNotify: every retry after a 503 is reported with the attempt,
// the wait and the status.
func TestRetryNotify(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) <= 2 {
			http.Error(w, `{"status":503,"title":"busy"}`, http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte(`{"time": 1700000000}`))
	}))
	defer srv.Close()
	var events []RetryEvent
	c, err := NewClient("abc123", "tok", WithBaseURL(srv.URL), WithRetryNotify(func(e RetryEvent) { events = append(events, e) }))
	if err != nil {
		t.Fatal(err)
	}
	c.retryBase = time.Millisecond
	if _, err := c.Store.Time(t.Context()); err != nil {
		t.Fatal(err)
	}
	if len(events) != 2 {
		t.Fatalf("events = %+v, want two", events)
	}
	for i, e := range events {
		if e.Attempt != i+1 || e.MaxAttempts != DefaultMaxRetries+1 || e.Status != 503 || e.Reason != "503 Service Unavailable" ||
			e.Wait <= 0 || e.Method != http.MethodGet || e.Path != "/v2/time" {
			t.Errorf("event %d = %+v", i, e)
		}
	}
}
