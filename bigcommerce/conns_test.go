package bigcommerce

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
)

// TestParallelBurstsReuseConnections: a client given no HTTP client keeps
// its connections between bursts of parallel requests. Each burst here has
// four requests in flight at once (the store answers none until all four
// have arrived), so it needs four connections; net/http's default transport
// kept two idle per host and dialled two again for every later burst (a TLS
// handshake each against the real API).
func TestParallelBurstsReuseConnections(t *testing.T) {
	t.Parallel()
	const inFlight, bursts = 4, 5
	var dials atomic.Int32
	var mu sync.Mutex
	arrived, release := 0, make(chan struct{})
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		if arrived++; arrived == inFlight {
			close(release)
		}
		wait := release
		mu.Unlock()
		<-wait
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"time":1529512970}`))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			dials.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	c, err := NewClient("abc123", "token", WithBaseURL(srv.URL), WithConcurrency(inFlight))
	if err != nil {
		t.Fatal(err)
	}
	for range bursts {
		mu.Lock()
		arrived, release = 0, make(chan struct{})
		mu.Unlock()
		var wg sync.WaitGroup
		for range inFlight {
			wg.Go(func() {
				if _, err := c.Store.Time(context.Background()); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
	}
	// One connection per request in flight, and a spare for a connection
	// not yet back in the idle pool when the next burst starts.
	if n := dials.Load(); n > inFlight+1 {
		t.Errorf("%d bursts of %d parallel requests opened %d connections, want at most %d", bursts, inFlight, n, inFlight+1)
	}
}
