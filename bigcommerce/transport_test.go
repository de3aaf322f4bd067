package bigcommerce

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// coreReset drops the connection with a TCP reset, as a failing load balancer does.
func coreReset(t testing.TB, w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	conn.Close()
}

// coreCutOff answers 200 with a Content-Length longer than the body it sends,
// then closes the connection.
func coreCutOff(t testing.TB, w http.ResponseWriter) {
	conn, buf, err := w.(http.Hijacker).Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"data\":[{\"id\":")
	buf.Flush()
	conn.Close()
}

type coreItem struct {
	ID int `json:"id"`
}

func TestDoNoContentLeavesOutUntouched(t *testing.T) {
	t.Parallel()
	c, _ := coreServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}))
	for _, version := range []string{"v2", "v3"} {
		for _, method := range []string{"GET", "PUT", "DELETE", "POST"} {
			out := &envelope[[]coreItem]{Data: []coreItem{{ID: 1}}}
			res, err := c.do(t.Context(), request{method: method, version: version, path: "/orders"}, out)
			if err != nil || res.StatusCode != 204 {
				t.Fatalf("%s %s: %v, %+v", method, version, err, res)
			}
			if len(out.Data) != 1 || out.Data[0].ID != 1 {
				t.Errorf("%s %s: 204 changed out to %+v", method, version, out.Data)
			}
		}
	}
}

func TestRetriesIdempotentMethods(t *testing.T) {
	t.Parallel()
	for _, method := range []string{"GET", "PUT", "DELETE"} {
		for _, status := range []int{500, 502, 503, 504} {
			t.Run(fmt.Sprintf("%s_%d", method, status), func(t *testing.T) {
				t.Parallel()
				var n atomic.Int32
				c, log := coreServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if n.Add(1) <= 2 {
						http.Error(w, "<html><title>oops</title></html>", status)
						return
					}
					w.Write([]byte(`{"data":{"id":3}}`))
				}))
				var out envelope[coreItem]
				if _, err := c.do(t.Context(), request{method: method, version: "v3", path: "/x", body: map[string]int{"a": 1}}, &out); err != nil {
					t.Fatal(err)
				}
				if n.Load() != 3 || out.Data.ID != 3 {
					t.Errorf("server saw %d requests, out %+v; want 3 and id 3", n.Load(), out.Data)
				}
				if !strings.Contains(log.String(), "retrying") {
					t.Errorf("retries not logged: %s", log)
				}
			})
		}
	}
}

func TestPostIsNotRetriedAfter5xx(t *testing.T) {
	t.Parallel()
	for _, status := range []int{500, 502, 503, 504} {
		var n atomic.Int32
		c, _ := coreServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n.Add(1)
			w.WriteHeader(status)
		}))
		_, err := c.do(t.Context(), request{method: "POST", version: "v3", path: "/catalog/products", body: struct{}{}}, nil)
		if !errors.Is(err, ErrOutcomeUnknown) || errors.Is(err, ErrUpstream) {
			t.Errorf("POST %d: err = %v, want outcome unknown", status, err)
		}
		if n.Load() != 1 {
			t.Errorf("POST %d: server saw %d POSTs, want 1", status, n.Load())
		}
	}
}

func TestPostCommittedThenConnectionDropped(t *testing.T) {
	t.Parallel()
	var committed atomic.Int32
	c, _ := coreServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		committed.Add(1) // the product is created...
		coreReset(t, w)  // ...and the answer never arrives
	}))
	_, err := c.do(t.Context(), request{method: "POST", version: "v3", path: "/catalog/products", body: map[string]string{"name": "x"}}, &envelope[coreItem]{})
	if !errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("err = %v, want ErrOutcomeUnknown", err)
	}
	if committed.Load() != 1 {
		t.Errorf("server saw %d POSTs, want exactly 1", committed.Load())
	}
	if !strings.Contains(err.Error(), "natural key") {
		t.Errorf("error %q does not say how to reconcile", err)
	}
}

func TestPostAfterDialErrorIsRetried(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens: every dial fails before a byte is written
	c, err := NewClient(coreHash(t), coreToken, WithBaseURL(url), WithMaxRetries(2))
	if err != nil {
		t.Fatal(err)
	}
	c.retryBase = 1
	_, err = c.do(t.Context(), request{method: "POST", version: "v3", path: "/catalog/products", body: struct{}{}}, nil)
	var ae *APIError
	if !errors.Is(err, ErrUpstream) || errors.Is(err, ErrOutcomeUnknown) || !errors.As(err, &ae) || ae.Attempts != 3 {
		t.Errorf("err = %v (attempts %d), want ErrUpstream after 3 attempts", err, ae.Attempts)
	}
	if !strings.Contains(err.Error(), "[3 attempts]") {
		t.Errorf("error %q does not say how many attempts were made", err)
	}
}

func TestPost429IsRetried(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	c, _ := coreServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("X-Rate-Limit-Time-Reset-Ms", "5")
			w.Header().Set("X-Rate-Limit-Requests-Left", "0")
			w.Header().Set("X-Rate-Limit-Requests-Quota", "100")
			w.Header().Set("X-Rate-Limit-Time-Window-Ms", "30")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.Write([]byte(`{"data":{"id":9}}`))
	}))
	var out envelope[coreItem]
	if _, err := c.do(t.Context(), request{method: "POST", version: "v3", path: "/catalog/products", body: struct{}{}}, &out); err != nil {
		t.Fatal(err)
	}
	if n.Load() != 2 || out.Data.ID != 9 {
		t.Errorf("server saw %d requests, id %d; want 2 and 9", n.Load(), out.Data.ID)
	}
}

func TestRetriesExhausted(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		handler func(w http.ResponseWriter)
		want    error
	}{
		{"503", func(w http.ResponseWriter) { w.WriteHeader(503) }, ErrUpstream},
		{"429 with headers", func(w http.ResponseWriter) {
			w.Header().Set("X-Retry-After", "0")
			w.Header().Set("X-Rate-Limit-Time-Reset-Ms", "2")
			w.WriteHeader(429)
		}, ErrRateLimited},
		{"429 without headers", func(w http.ResponseWriter) { w.WriteHeader(429) }, ErrRateLimited},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var n atomic.Int32
			c, log := coreServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n.Add(1)
				tc.handler(w)
			}), WithMaxRetries(2))
			res, err := c.do(t.Context(), request{method: "GET", version: "v3", path: "/x"}, nil)
			var ae *APIError
			if !errors.Is(err, tc.want) || !errors.As(err, &ae) || ae.Attempts != 3 {
				t.Fatalf("err = %v, want %v after 3 attempts", err, tc.want)
			}
			if n.Load() != 3 || res == nil || res.StatusCode != ae.Status {
				t.Errorf("server saw %d, response %+v", n.Load(), res)
			}
			if tc.want == ErrRateLimited && !strings.Contains(log.String(), "rate limited") {
				t.Errorf("429 wait not logged: %s", log)
			}
		})
	}
}

func TestNotRetried(t *testing.T) {
	t.Parallel()
	for _, status := range []int{400, 401, 403, 404, 409, 422, 501, 507} {
		var n atomic.Int32
		c, _ := coreServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n.Add(1)
			w.WriteHeader(status)
		}))
		_, err := c.do(t.Context(), request{method: "GET", version: "v3", path: "/x"}, nil)
		if err == nil || n.Load() != 1 {
			t.Errorf("%d: err %v, server saw %d requests; want an error after 1", status, err, n.Load())
		}
	}
}

func TestConnectionResetAndCutOffBodiesAreRetried(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	c, _ := coreServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch n.Add(1) {
		case 1:
			coreReset(t, w)
		case 2:
			coreCutOff(t, w)
		case 3:
			w.Write([]byte(`{"data":[{"id":1},`)) // complete HTTP answer, cut-off JSON
		default:
			w.Write([]byte(`{"data":[{"id":1}]}`))
		}
	}))
	var out envelope[[]coreItem]
	if _, err := c.do(t.Context(), request{method: "GET", version: "v3", path: "/x"}, &out); err != nil {
		t.Fatal(err)
	}
	if n.Load() != 4 || len(out.Data) != 1 {
		t.Errorf("server saw %d requests, got %+v; want 4 and one item", n.Load(), out.Data)
	}
}

func TestPostWithCutOffAnswerIsOutcomeUnknown(t *testing.T) {
	t.Parallel()
	for i, h := range []func(w http.ResponseWriter){
		func(w http.ResponseWriter) { coreCutOff(t, w) },
		func(w http.ResponseWriter) { w.Write([]byte(`{"data":{"id":`)) },
	} {
		var n atomic.Int32
		c, _ := coreServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n.Add(1)
			h(w)
		}))
		resp, err := c.do(t.Context(), request{method: "POST", version: "v3", path: "/customers", body: []int{}}, &envelope[coreItem]{})
		if !errors.Is(err, ErrOutcomeUnknown) || n.Load() != 1 {
			t.Errorf("case %d: err %v, server saw %d; want outcome unknown after 1", i, err, n.Load())
		}
		// The answer's status is known even though its body was lost.
		if resp == nil || resp.StatusCode != http.StatusOK {
			t.Errorf("case %d: response %+v; want one with status 200", i, resp)
		}
	}
}

func TestShapeMismatchIsNotRetried(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	c, _ := coreServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Write([]byte(`{"data":"not a list"}`))
	}))
	_, err := c.do(t.Context(), request{method: "GET", version: "v3", path: "/x"}, &envelope[[]coreItem]{})
	if !errors.Is(err, ErrUpstream) || n.Load() != 1 {
		t.Errorf("err %v after %d requests; want ErrUpstream after 1", err, n.Load())
	}
}

func TestContextEndsRetries(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	var n atomic.Int32
	c, _ := coreServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		cancel()
		w.WriteHeader(500)
	}))
	c.retryBase = 1 << 40 // a retry would wait for hours: only the context can end it
	_, err := c.do(ctx, request{method: "GET", version: "v3", path: "/x"}, nil)
	if !errors.Is(err, context.Canceled) || n.Load() != 1 {
		t.Errorf("err = %v after %d requests; want context.Canceled after 1", err, n.Load())
	}
}

func TestPostCancelledInFlightIsOutcomeUnknown(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	release := make(chan struct{})
	c, _ := coreServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cancel()
		<-release
	}))
	defer close(release)
	_, err := c.do(ctx, request{method: "POST", version: "v3", path: "/x", body: struct{}{}}, nil)
	if !errors.Is(err, ErrOutcomeUnknown) || !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want outcome unknown wrapping context.Canceled", err)
	}
}

func TestRedirectIsNotFollowed(t *testing.T) {
	t.Parallel()
	var leaked atomic.Bool
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Auth-Token") != "" {
			leaked.Store(true)
		}
	}))
	t.Cleanup(evil.Close)
	c, _ := coreServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, evil.URL+"/steal", http.StatusFound)
	}))
	_, err := c.do(t.Context(), request{method: "GET", version: "v3", path: "/x"}, nil)
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != http.StatusFound {
		t.Errorf("err = %v, want an APIError with status 302", err)
	}
	if leaked.Load() {
		t.Error("the redirect was followed with the token")
	}
}

func TestBadBodyIsRefusedBeforeSending(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	c, _ := coreServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { n.Add(1) }))
	_, err := c.do(t.Context(), request{method: "PUT", version: "v3", path: "/x", body: map[string]any{"price": Decimal("12,5")}}, nil)
	if !errors.Is(err, ErrBadRequest) || n.Load() != 0 {
		t.Errorf("err = %v after %d requests; want ErrBadRequest before any request", err, n.Load())
	}
}

func TestConcurrencyCap(t *testing.T) {
	t.Parallel()
	var inFlight, peak atomic.Int32
	var mu sync.Mutex
	c, _ := coreServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cur := inFlight.Add(1)
		mu.Lock()
		if cur > peak.Load() {
			peak.Store(cur)
		}
		mu.Unlock()
		defer inFlight.Add(-1)
		for range 1000 { // give other requests a chance to overlap
			if inFlight.Load() >= 3 {
				break
			}
			runtime.Gosched()
		}
		w.WriteHeader(204)
	}), WithConcurrency(2))
	var wg sync.WaitGroup
	for range 12 {
		wg.Go(func() {
			if _, err := c.do(t.Context(), request{method: "GET", version: "v3", path: "/x"}, nil); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if p := peak.Load(); p > 2 || p < 1 {
		t.Errorf("peak in-flight requests = %d, want at most 2", p)
	}
}
