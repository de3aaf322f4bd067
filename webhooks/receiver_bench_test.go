package webhooks

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bigc-dev/bigc/state/statetest"
)

// BenchmarkReceiverAccept measures callbacks accepted per second over
// loopback HTTP, each committed to the durable inbox (SQLite, WAL,
// synchronous=FULL) before its 200, with 8×GOMAXPROCS senders at once, and reports the
// 99th percentile time to answer.
//
//	go test ./webhooks -run '^$' -bench BenchmarkReceiverAccept -benchtime 20000x
func BenchmarkReceiverAccept(b *testing.B) {
	secret, _ := NewSecret()
	db := statetest.Open(b)
	rcv := newTestReceiver(b, db, secret, time.Now)
	srv := httptest.NewServer(rcv)
	b.Cleanup(srv.Close)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256}}

	var next atomic.Int64
	var mu sync.Mutex
	lat := make([]time.Duration, 0, b.N)
	b.SetParallelism(8) // × GOMAXPROCS senders
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		local := make([]time.Duration, 0, 1024)
		for pb.Next() {
			id := next.Add(1)
			req, _ := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(event("store/order/created", id, 1_700_000_000)))
			req.Header.Set(SecretHeader, string(secret))
			t0 := time.Now()
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			resp.Body.Close()
			local = append(local, time.Since(t0))
			if resp.StatusCode != http.StatusOK {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
		mu.Lock()
		lat = append(lat, local...)
		mu.Unlock()
	})
	elapsed := time.Since(start)
	b.StopTimer()
	slices.Sort(lat)
	if len(lat) > 0 {
		b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "events/s")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	}
	evs, err := db.InboxCounts(b.Context(), "test")
	if err != nil {
		b.Fatal(err)
	}
	if evs["pending"] != int(next.Load()) {
		b.Fatalf("inbox holds %d events, %d were sent", evs["pending"], next.Load())
	}
}
