package syncer

import (
	"net/http"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/sandbox"
	"github.com/bigc-dev/bigc/sandbox/sandboxtest"
	"github.com/bigc-dev/bigc/state"
)

// BenchmarkStreamRequests syncs each stream from the beginning out of a
// seeded sandbox (300 orders, 50 products, 40 customers) and reports the
// requests sent per record written, the clock reads included.
//
//	go test ./syncer -run '^$' -bench StreamRequests -benchtime 1x
func BenchmarkStreamRequests(b *testing.B) {
	srv := sandboxtest.NewServer(b, sandbox.Options{Seed: 1})
	var requests atomic.Int64
	hook := &hookTransport{before: func(*http.Request) { requests.Add(1) }}
	c, err := bigcommerce.NewClient(srv.StoreHash, srv.Tokens.Full, bigcommerce.WithBaseURL(srv.URL),
		bigcommerce.WithHTTPClient(&http.Client{Transport: hook}), bigcommerce.WithConcurrency(8))
	if err != nil {
		b.Fatal(err)
	}
	for _, spec := range Streams() {
		b.Run(spec.Name, func(b *testing.B) {
			var records, reqs int64
			for range b.N {
				dir := b.TempDir()
				db, err := state.Open(b.Context(), filepath.Join(dir, "state.db"))
				if err != nil {
					b.Fatal(err)
				}
				w, err := OpenFile(b.Context(), db, filepath.Join(dir, "out.jsonl"))
				if err != nil {
					b.Fatal(err)
				}
				src, _ := NewSource(spec.Name, c, OrderFilter{})
				before := requests.Load()
				res, err := (&Job{Source: src, Writer: w, DB: db, Connection: "bench", StoreTime: c.Store.Time, Lag: time.Second}).Run(b.Context())
				if err != nil {
					b.Fatal(err)
				}
				reqs += requests.Load() - before
				records += int64(res.Records)
				w.Close()
				db.Close()
			}
			b.ReportMetric(float64(reqs)/float64(records), "requests/record")
			b.ReportMetric(float64(records)/float64(b.N), "records")
		})
	}
}
