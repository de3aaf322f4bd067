package mcpserver

import (
	"bytes"
	"io"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/sandbox"
	"github.com/bigc-dev/bigc/tools"
)

// storeClock is an http.RoundTripper that reads each answer whole and keeps
// the time during which at least one request was waiting on the store: the
// store's share of a tool call, whose requests may overlap.
type storeClock struct {
	mu       sync.Mutex
	inFlight int
	since    time.Time
	spent    time.Duration
}

func (s *storeClock) RoundTrip(r *http.Request) (*http.Response, error) {
	s.mu.Lock()
	if s.inFlight == 0 {
		s.since = time.Now()
	}
	s.inFlight++
	s.mu.Unlock()
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err == nil {
		var body []byte
		body, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(body))
	}
	s.mu.Lock()
	if s.inFlight--; s.inFlight == 0 {
		s.spent += time.Since(s.since)
	}
	s.mu.Unlock()
	return resp, err
}

// take returns the store's time since the last take.
func (s *storeClock) take() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.spent
	s.spent = 0
	return d
}

// BenchmarkGetOrderCall is one get-order tool call as an agent makes it,
// through the go-sdk's in-memory transport, against the sandbox. own-p50-µs
// and own-p99-µs are bigc's own time per call: the call's time less the time
// the store's answers took (request sent to answer read whole). Figures go in
// BENCHMARKS.md (issue 18 goal 5).
func BenchmarkGetOrderCall(b *testing.B) {
	f := newFixture(b, sandbox.Options{Seed: 5, Products: 10, Customers: 5, Orders: 20})
	var orders []struct {
		ID int `json:"id"`
	}
	f.api("GET", "/v2/orders?limit=1", nil, &orders)
	if len(orders) == 0 {
		b.Fatal("the sandbox has no orders")
	}
	clock := &storeClock{}
	c, err := bigcommerce.NewClient(f.hash, f.tokens.Full, bigcommerce.WithBaseURL(f.url),
		bigcommerce.WithHTTPClient(&http.Client{Transport: clock}))
	if err != nil {
		b.Fatal(err)
	}
	s, err := New(tools.NewRegistry(), Options{Connections: []Connection{{Name: "sandbox", Client: c}}})
	if err != nil {
		b.Fatal(err)
	}
	cs := connect(b, s, nil, nil)
	args := map[string]any{"id": orders[0].ID}
	var own []time.Duration
	b.ReportAllocs()
	for b.Loop() {
		clock.take()
		start := time.Now()
		if res := call(b, cs, "get-order", args); res.IsError {
			b.Fatal(text(res))
		}
		own = append(own, time.Since(start)-clock.take())
	}
	slices.Sort(own)
	b.ReportMetric(float64(own[len(own)/2].Microseconds()), "own-p50-µs")
	b.ReportMetric(float64(own[len(own)*99/100].Microseconds()), "own-p99-µs")
}
