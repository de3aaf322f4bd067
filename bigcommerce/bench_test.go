package bigcommerce

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// Transport benchmarks: what one request through the client costs beyond
// net/http itself (URL building, governor, headers, reading and checking the
// body, decoding).
//
//	go test -run '^$' -bench 'Transport|NetHTTP' -benchmem ./bigcommerce/

const benchBody = `{"data":{"id":1,"name":"Widget","sku":"W-1","price":12.5},"meta":{}}`

type benchProduct struct {
	ID    int     `json:"id"`
	Name  string  `json:"name"`
	SKU   string  `json:"sku"`
	Price Decimal `json:"price"`
}

// benchHandler answers like BigCommerce, X-Rate-Limit-* headers included, with
// a quota too large to bind: the governor's bookkeeping runs, its waits do not.
func benchHandler() http.Handler {
	const quota = 1 << 30
	var used atomic.Int64
	start := time.Now()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := used.Add(1)
		reset := 30*time.Second - time.Since(start)%(30*time.Second)
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("X-Rate-Limit-Requests-Quota", strconv.Itoa(quota))
		h.Set("X-Rate-Limit-Requests-Left", strconv.FormatInt(quota-n, 10))
		h.Set("X-Rate-Limit-Time-Reset-Ms", strconv.FormatInt(reset.Milliseconds(), 10))
		h.Set("X-Rate-Limit-Time-Window-Ms", "30000")
		io.WriteString(w, benchBody)
	})
}

// BenchmarkNetHTTPGetBaseline is the floor: a plain net/http GET and decode
// against the same local server.
func BenchmarkNetHTTPGetBaseline(b *testing.B) {
	srv := httptest.NewServer(benchHandler())
	defer srv.Close()
	hc := &http.Client{}
	b.ReportAllocs()
	for b.Loop() {
		req, _ := http.NewRequestWithContext(b.Context(), "GET", srv.URL+"/stores/bench/v3/catalog/products/1", nil)
		req.Header.Set("X-Auth-Token", "t")
		res, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		var out envelope[benchProduct]
		data, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if err := json.Unmarshal(data, &out); err != nil {
			b.Fatal(err)
		}
	}
}

// benchClient is a client of the store hash for a transport benchmark.
func benchClient(b *testing.B, hash string, opts ...Option) *Client {
	c, err := NewClient(hash, "t", opts...)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	return c
}

// benchGet is the request every transport benchmark sends.
func benchGet(ctx context.Context, c *Client) error {
	var out envelope[benchProduct]
	_, err := c.do(ctx, request{method: "GET", version: "v3", path: "/catalog/products/1"}, &out)
	return err
}

// BenchmarkTransportGet is one GET through the client against a local server.
func BenchmarkTransportGet(b *testing.B) {
	srv := httptest.NewServer(benchHandler())
	defer srv.Close()
	c := benchClient(b, "benchget", WithBaseURL(srv.URL), WithHTTPClient(&http.Client{}))
	for b.Loop() {
		if err := benchGet(b.Context(), c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTransportGetParallel runs GETs from many goroutines through the
// store's governor (concurrency cap 4).
func BenchmarkTransportGetParallel(b *testing.B) {
	srv := httptest.NewServer(benchHandler())
	defer srv.Close()
	c := benchClient(b, "benchparallel", WithBaseURL(srv.URL), WithHTTPClient(&http.Client{}))
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := benchGet(b.Context(), c); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkTransportInProcess isolates the client's own cost: the handler runs
// in process, with no network and no net/http transport.
func BenchmarkTransportInProcess(b *testing.B) {
	c := benchClient(b, "benchinprocess", WithBaseURL("http://bench.test"),
		WithHTTPClient(&http.Client{Transport: coreInProcess{benchHandler()}}))
	for b.Loop() {
		if err := benchGet(b.Context(), c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInProcessBaseline is the same in-process round trip with no client.
func BenchmarkInProcessBaseline(b *testing.B) {
	hc := &http.Client{Transport: coreInProcess{benchHandler()}}
	b.ReportAllocs()
	for b.Loop() {
		req, _ := http.NewRequestWithContext(b.Context(), "GET", "http://bench.test/stores/b/v3/catalog/products/1", nil)
		res, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		data, _ := io.ReadAll(res.Body)
		res.Body.Close()
		var out envelope[benchProduct]
		if err := json.Unmarshal(data, &out); err != nil {
			b.Fatal(err)
		}
	}
}
