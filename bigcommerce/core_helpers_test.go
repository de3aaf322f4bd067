package bigcommerce

import (
	"fmt"
	"hash/fnv"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/bigc-dev/bigc/internal/syncbuf"
)

// Helpers for the core tests (transport, governor, pager, raw). Their names
// start with "core" so they cannot clash with the resource tests' helpers.

// coreToken is a recognisable token: no error text or log line may contain it.
const coreToken = "tok-SECRET-123"

// coreHash returns a store hash unique to the test, so that no two tests'
// requests can be mistaken for each other's.
func coreHash(t testing.TB) string {
	h := fnv.New64a()
	h.Write([]byte(t.Name()))
	return fmt.Sprintf("t%x", h.Sum64())
}

// coreLog is a concurrency-safe buffer that captures slog output.
type coreLog struct{ syncbuf.Buffer }

func (l *coreLog) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// coreServer starts an httptest server with h and returns a client for it whose
// retries back off in milliseconds. The server's API paths are below
// /stores/{hash}.
func coreServer(t testing.TB, h http.Handler, opts ...Option) (*Client, *coreLog) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	log := &coreLog{}
	all := append([]Option{WithBaseURL(srv.URL), WithLogger(log.logger())}, opts...)
	c, err := NewClient(coreHash(t), coreToken, all...)
	if err != nil {
		t.Fatal(err)
	}
	c.retryBase = time.Millisecond
	t.Cleanup(func() {
		if strings.Contains(strings.ToLower(log.String()), strings.ToLower(coreToken)) {
			t.Errorf("the token appears in the log:\n%s", log.String())
		}
	})
	return c, log
}

// coreInProcess is an http.RoundTripper that serves requests with a handler in
// the same goroutine, with no network, so that tests run inside a
// testing/synctest bubble with a fake clock.
type coreInProcess struct{ h http.Handler }

func (p coreInProcess) RoundTrip(req *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	p.h.ServeHTTP(rec, req)
	res := rec.Result()
	res.Request = req
	return res, nil
}

// coreInProcessClient returns a client that reaches h in process.
func coreInProcessClient(t testing.TB, h http.Handler, opts ...Option) (*Client, *coreLog) {
	t.Helper()
	log := &coreLog{}
	all := append([]Option{WithBaseURL("http://bc.test"), WithLogger(log.logger()),
		WithHTTPClient(&http.Client{Transport: coreInProcess{h}})}, opts...)
	c, err := NewClient(coreHash(t), coreToken, all...)
	if err != nil {
		t.Fatal(err)
	}
	c.retryBase = time.Millisecond
	return c, log
}

// coreNoToken fails the test if s contains the token.
func coreNoToken(t testing.TB, what, s string) {
	t.Helper()
	if strings.Contains(strings.ToLower(s), strings.ToLower(coreToken)) {
		t.Errorf("%s contains the token: %s", what, s)
	}
}
