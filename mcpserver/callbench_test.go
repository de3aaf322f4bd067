package mcpserver

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/sandbox"
	"github.com/bigc-dev/bigc/tools"
)

// storeClock is an http.RoundTripper that reads each answer whole and keeps
// the time during which at least one request was waiting on the store: the
// store's share of a tool call, whose requests may overlap.
type storeClock struct {
	transport http.RoundTripper
	mu        sync.Mutex
	inFlight  int
	since     time.Time
	spent     time.Duration
}

func (s *storeClock) RoundTrip(r *http.Request) (*http.Response, error) {
	s.mu.Lock()
	if s.inFlight == 0 {
		s.since = time.Now()
	}
	s.inFlight++
	s.mu.Unlock()
	resp, err := s.transport.RoundTrip(r)
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

// newStoreClock times a transport like the client's default one: an idle
// connection kept for each request in flight.
func newStoreClock() *storeClock {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	return &storeClock{transport: t}
}

// serverClock is the server's end of the in-memory pipe. It keeps when a
// request's first bytes reached the server and when the server began to
// write its answer: the span of one call on the server, from JSON-RPC
// decoding to the encoded answer, without the client's own encoding and
// decoding (which an agent host does, not bigc).
type serverClock struct {
	net.Conn
	mu         sync.Mutex
	start, end time.Time
}

func (c *serverClock) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.mu.Lock()
		if c.start.IsZero() {
			c.start = time.Now()
		}
		c.mu.Unlock()
	}
	return n, err
}

func (c *serverClock) Write(p []byte) (int, error) {
	c.mu.Lock()
	if c.end.IsZero() {
		c.end = time.Now()
	}
	c.mu.Unlock()
	return c.Conn.Write(p)
}

// take returns the span since the last take.
func (c *serverClock) take() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	d := c.end.Sub(c.start)
	c.start, c.end = time.Time{}, time.Time{}
	return d
}

// BenchmarkGetOrderCall is one get-order tool call as an agent makes it,
// through an in-memory pipe (the go-sdk's in-memory transport is the same
// net.Pipe), against the sandbox. own-p50-µs and own-p99-µs are bigc's own
// time per call: the server's span of the call (serverClock) less the time
// the store's answers took (request sent to answer read whole). rtt-own-p50-µs
// is the client's whole round trip less the store's time, which adds the
// client's side of the SDK (encoding the call, decoding the answer). Figures
// go in BENCHMARKS.md (issue 18 goal 5).
func BenchmarkGetOrderCall(b *testing.B) {
	f := newFixture(b, sandbox.Options{Seed: 5, Products: 10, Customers: 5, Orders: 20})
	var orders []struct {
		ID int `json:"id"`
	}
	f.api("GET", "/v2/orders?limit=1", nil, &orders)
	if len(orders) == 0 {
		b.Fatal("the sandbox has no orders")
	}
	store := newStoreClock()
	c, err := bigcommerce.NewClient(f.hash, f.tokens.Full, bigcommerce.WithBaseURL(f.url),
		bigcommerce.WithHTTPClient(&http.Client{Transport: store}))
	if err != nil {
		b.Fatal(err)
	}
	s, err := New(tools.NewRegistry(), Options{Connections: []Connection{{Name: "sandbox", Client: c}}})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	clientEnd, serverEnd := net.Pipe()
	server := &serverClock{Conn: serverEnd}
	ss, err := s.MCP().Connect(ctx, &mcp.IOTransport{Reader: server, Writer: server}, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ss.Close() })
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "bench", Version: "v0"}, nil).
		Connect(ctx, &mcp.IOTransport{Reader: clientEnd, Writer: clientEnd}, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { cs.Close() })
	args := map[string]any{"id": orders[0].ID}
	var own, rtt []time.Duration
	b.ReportAllocs()
	for b.Loop() {
		server.take()
		store.take()
		start := time.Now()
		if res := call(b, cs, "get-order", args); res.IsError {
			b.Fatal(text(res))
		}
		whole, storeTime := time.Since(start), store.take()
		own = append(own, server.take()-storeTime)
		rtt = append(rtt, whole-storeTime)
	}
	slices.Sort(own)
	slices.Sort(rtt)
	b.ReportMetric(float64(own[len(own)/2].Microseconds()), "own-p50-µs")
	b.ReportMetric(float64(own[len(own)*99/100].Microseconds()), "own-p99-µs")
	b.ReportMetric(float64(rtt[len(rtt)/2].Microseconds()), "rtt-own-p50-µs")
}
