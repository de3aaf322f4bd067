package sandbox

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"testing"
	"time"
)

// The large store the page benchmarks share: 100,000 products and 100,000
// orders. Built once, on first use.
var large struct {
	once sync.Once
	s    *Store
	err  error
}

func largeStore(b *testing.B) *Store {
	large.once.Do(func() {
		large.s, large.err = New(Options{Products: 100_000, Customers: 10_000, Orders: 100_000})
	})
	if large.err != nil {
		b.Fatal(large.err)
	}
	return large.s
}

// benchPages serves pages of path (with &page=N appended, N cycling through
// pages) straight through the handler and reports pages per second.
func benchPages(b *testing.B, s *Store, path string, pages int) {
	req := httptest.NewRequest("GET", "http://sandbox.test/stores/"+s.StoreHash()+path, nil)
	req.Header.Set("X-Auth-Token", s.Tokens().Full)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; b.Loop(); i++ {
		r := req.Clone(req.Context())
		r.URL.RawQuery = req.URL.RawQuery + fmt.Sprintf("&page=%d", 1+i%pages)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, r)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		b.SetBytes(int64(rec.Body.Len()))
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "pages/s")
}

func BenchmarkOrdersPage250(b *testing.B) {
	benchPages(b, largeStore(b), "/v2/orders?limit=250", 400)
}

// BenchmarkOrdersSyncPage250 is the incremental-sync query.
func BenchmarkOrdersSyncPage250(b *testing.B) {
	since := anchor.AddDate(0, -6, 0).Format(time.RFC3339)
	benchPages(b, largeStore(b), "/v2/orders?limit=250&sort=date_modified:asc&min_date_modified="+since, 200)
}

func BenchmarkOrdersWithLineItemsPage250(b *testing.B) {
	benchPages(b, largeStore(b), "/v2/orders?limit=250&include=consignments.line_items&consignment_structure=object", 400)
}

func BenchmarkProductsPage250(b *testing.B) {
	benchPages(b, largeStore(b), "/v3/catalog/products?limit=250", 400)
}

func BenchmarkProductsWithVariantsPage250(b *testing.B) {
	benchPages(b, largeStore(b), "/v3/catalog/products?limit=250&include=variants,images,custom_fields", 400)
}

// BenchmarkMillionOrderStore builds a store of 1,000,000 orders (and 100,000
// products) and reports the heap it holds and the seconds seeding took.
func BenchmarkMillionOrderStore(b *testing.B) {
	for b.Loop() {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		start := time.Now()
		s, err := New(Options{Products: 100_000, Customers: 50_000, Orders: 1_000_000})
		if err != nil {
			b.Fatal(err)
		}
		took := time.Since(start)
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "heap-MiB")
		b.ReportMetric(took.Seconds(), "seed-s")
		if n := s.Counts().Orders; n != 1_000_000 {
			b.Fatalf("%d orders", n)
		}
		runtime.KeepAlive(s)
		s.Close()
	}
}

// BenchmarkProductsModifiedSincePage250 is the incremental product sync
// query, answered from the date_modified index.
func BenchmarkProductsModifiedSincePage250(b *testing.B) {
	since := anchor.AddDate(0, -1, 0).Format(time.RFC3339)
	benchPages(b, largeStore(b), "/v3/catalog/products?limit=250&sort=date_modified&direction=asc&date_modified:min="+since, 10)
}

// BenchmarkRefundsPage250 is the store-wide refunds list (the refunds
// stream's query), which scans every order for its derived refund.
func BenchmarkRefundsPage250(b *testing.B) {
	benchPages(b, largeStore(b), "/v3/orders/payment_actions/refunds?limit=250", 20)
}

// BenchmarkInventoryItemsPage250 is the inventory levels list.
func BenchmarkInventoryItemsPage250(b *testing.B) {
	benchPages(b, largeStore(b), "/v3/inventory/items?limit=250", 400)
}

// BenchmarkCustomersPage250 is the customers stream's query: pages sorted by
// date_modified with the sub-resources the sync includes.
func BenchmarkCustomersPage250(b *testing.B) {
	benchPages(b, largeStore(b), "/v3/customers?limit=250&include=addresses,attributes&sort=date_modified:asc", 40)
}

// BenchmarkOrdersSyncWithLineItemsPage250 is the orders stream's query:
// pages up to a date_modified bound, oldest first, with line items.
func BenchmarkOrdersSyncWithLineItemsPage250(b *testing.B) {
	until := anchor.Format(time.RFC3339)
	benchPages(b, largeStore(b), "/v2/orders?include=consignments.line_items&consignment_structure=object&sort=date_modified:asc&max_date_modified="+until+"&limit=250", 400)
}
