package sandbox

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// client talks to a test server through plain net/http, never through the
// bigcommerce package, so that a mistake shared by both cannot hide.
type client struct {
	t     testing.TB
	srv   *Server
	token string
}

func newClient(t testing.TB, opts Options) *client {
	t.Helper()
	srv, err := Start("", opts)
	if err != nil {
		t.Fatalf("sandbox: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	return &client{t: t, srv: srv, token: srv.Tokens.Full}
}

// readOnly is the same server with the read-only token.
func (c *client) readOnly() *client {
	return &client{t: c.t, srv: c.srv, token: c.srv.Tokens.ReadOnly}
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

// do sends method path (relative to /stores/{hash}) with body encoded as JSON.
func (c *client) do(method, path string, body any) reply {
	c.t.Helper()
	return c.raw(method, c.srv.URL+"/stores/"+c.srv.StoreHash+path, body)
}

func (c *client) raw(method, url string, body any) reply {
	c.t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			c.t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		c.t.Fatal(err)
	}
	if c.token != "" {
		req.Header.Set("X-Auth-Token", c.token)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("%s %s: reading body: %v", method, url, err)
	}
	return reply{resp.StatusCode, resp.Header, b}
}

func (c *client) get(path string) reply { c.t.Helper(); return c.do("GET", path, nil) }

// must checks the status and decodes the body into a fresh T.
func must[T any](t testing.TB, r reply, status int) T {
	t.Helper()
	var v T
	if r.status != status {
		t.Fatalf("status %d, want %d; body %s", r.status, status, r.body)
	}
	if len(r.body) > 0 {
		if err := json.Unmarshal(r.body, &v); err != nil {
			t.Fatalf("decode %s: %v", r.body, err)
		}
	}
	return v
}

// envelope is a V3 {data, meta} answer.
type envelope[T any] struct {
	Data T `json:"data"`
	Meta struct {
		Pagination *struct {
			Total       int `json:"total"`
			Count       int `json:"count"`
			PerPage     int `json:"per_page"`
			CurrentPage int `json:"current_page"`
			TotalPages  int `json:"total_pages"`
			Links       struct {
				Previous string `json:"previous"`
				Current  string `json:"current"`
				Next     string `json:"next"`
			} `json:"links"`
		} `json:"pagination"`
		CursorPagination *struct {
			Count       int    `json:"count"`
			PerPage     int    `json:"per_page"`
			StartCursor string `json:"start_cursor"`
			EndCursor   string `json:"end_cursor"`
			Links       struct {
				Previous string `json:"previous"`
				Current  string `json:"current"`
				Next     string `json:"next"`
			} `json:"links"`
		} `json:"cursor_pagination"`
	} `json:"meta"`
}

// obj is a decoded JSON object.
type obj = map[string]any

// v3Err is the V3 error object.
type v3Err struct {
	Status int               `json:"status"`
	Title  string            `json:"title"`
	Type   string            `json:"type"`
	Errors map[string]string `json:"errors"`
}

type v2Err []struct {
	Status  int    `json:"status"`
	Message string `json:"message"`
}

func num(v any) int { return int(v.(float64)) }

// fakeClock is a settable clock for Options.Now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock(t time.Time) *fakeClock { return &fakeClock{t: t} }

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.t
}

func (f *fakeClock) Advance(d time.Duration) {
	f.mu.Lock()
	f.t = f.t.Add(d)
	f.mu.Unlock()
}

func containsAll(s string, subs ...string) bool {
	for _, x := range subs {
		if !strings.Contains(s, x) {
			return false
		}
	}
	return true
}
