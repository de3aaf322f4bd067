package state

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bigc-dev/bigc/internal/testservices"
)

// BenchmarkTableCommit measures records per second into the PostgreSQL table
// destination: batches of 250 order-sized records (about 2 KB of JSON each),
// each batch upserted with its checkpoint in one transaction, as a sync
// commits a page. New rows, then the same IDs at a newer version.
func BenchmarkTableCommit(b *testing.B) {
	pg, err := OpenPostgres(b.Context(), testservices.PostgresURL(b))
	if err != nil {
		b.Fatal(err)
	}
	defer pg.Close()
	tb, err := pg.Table(b.Context(), "bigc_orders")
	if err != nil {
		b.Fatal(err)
	}
	const batch = 250
	pad := strings.Repeat("x", 1800)
	key := CheckpointKey{"shop", "orders", tb.Destination()}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	records := make([]Record, batch)
	b.ResetTimer()
	for i := range b.N {
		for j := range records {
			id := int64((i%40)*batch + j) // 10,000 orders, rewritten at newer versions
			dm := t0.Add(time.Duration(i) * time.Second)
			records[j] = Record{ID: id, DateModified: dm,
				JSON: fmt.Appendf(nil, `{"id":%d,"date_modified":%q,"status_id":11,"billing_address":{"first_name":"Ada","notes":%q}}`, id, dm.Format(time.RFC3339), pad)}
		}
		if _, err := tb.Commit(b.Context(), key, records, fmt.Sprint(i)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkLeaseHeartbeat measures one lease renewal, what a holder pays
// every third of the lease timeout (10 s by default), on each backend.
func BenchmarkLeaseHeartbeat(b *testing.B) {
	for _, backend := range []string{"sqlite", "postgres"} {
		b.Run(backend, func(b *testing.B) {
			target := filepath.Join(b.TempDir(), "state.db")
			if backend == "postgres" {
				target = testservices.PostgresURL(b)
			}
			s, err := OpenStore(b.Context(), target)
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			if _, ok, err := s.TryLease(b.Context(), "sync/shop/orders", "bench", "tok", time.Minute); !ok || err != nil {
				b.Fatal(ok, err)
			}
			b.ResetTimer()
			for range b.N {
				if ok, err := s.RenewLease(b.Context(), "sync/shop/orders", "tok", time.Minute); !ok || err != nil {
					b.Fatal(ok, err)
				}
			}
		})
	}
}
