package syncer

import (
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bigc-dev/bigc/sandbox"
	"github.com/bigc-dev/bigc/sandbox/sandboxtest"
)

// BenchmarkStreamRequests syncs each stream from the beginning out of a
// seeded sandbox (300 orders, 50 products, 40 customers) and reports the
// requests sent per record written, the clock reads included, and the
// requests of a second run a minute later with nothing changed (what every
// incremental run costs at least: for orders, the archived orders' list its
// tombstones need included).
//
//	go test ./syncer -run '^$' -bench StreamRequests -benchtime 1x
func BenchmarkStreamRequests(b *testing.B) {
	clock := &mutableClock{}
	clock.set(time.Now().UTC())
	srv := sandboxtest.NewServer(b, sandbox.Options{Seed: 1, Now: clock.now})
	var requests atomic.Int64
	hook := &hookTransport{before: func(*http.Request) { requests.Add(1) }}
	c := benchClient(b, srv, hook, 8)
	for _, spec := range Streams() {
		b.Run(spec.Name, func(b *testing.B) {
			var records, reqs, rerun int64
			for range b.N {
				db, w, done := benchOutput(b)
				src, _ := NewSource(spec.Name, c, OrderFilter{})
				before := requests.Load()
				res, err := (&Job{Source: src, Writer: w, DB: db, Connection: "bench", StoreTime: c.Store.Time, Lag: time.Second}).Run(b.Context())
				if err != nil {
					b.Fatal(err)
				}
				reqs += requests.Load() - before
				records += int64(res.Records)
				clock.add(time.Minute)
				before = requests.Load()
				if _, err := (&Job{Source: src, Writer: w, DB: db, Connection: "bench", StoreTime: c.Store.Time, Lag: time.Second}).Run(b.Context()); err != nil {
					b.Fatal(err)
				}
				rerun += requests.Load() - before
				done()
			}
			b.ReportMetric(float64(reqs)/float64(records), "requests/record")
			b.ReportMetric(float64(records)/float64(b.N), "records")
			b.ReportMetric(float64(rerun)/float64(b.N), "rerun-requests")
		})
	}
}
