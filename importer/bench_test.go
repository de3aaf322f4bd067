package importer

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/sandbox"
	"github.com/bigc-dev/bigc/sandbox/sandboxtest"
)

// writeBenchCatalog writes n products with three variants each as JSON
// Lines; bump changes every price and stock level, as a day's feed would.
func writeBenchCatalog(tb testing.TB, path string, n, bump int) {
	writeBenchFile(tb, path, func(w *bufio.Writer) {
		for i := range n {
			fmt.Fprintf(w, `{"name":"Bench product %d","sku":"B-%d","price":"%d.50","categories":["Bench/Products"],"variants":[`, i, i, 10+bump+i%50)
			for k, size := range []string{"S", "M", "L"} {
				if k > 0 {
					w.WriteString(",")
				}
				fmt.Fprintf(w, `{"sku":"B-%d-%s","options":[{"option":"Size","value":"%s"}],"price":"%d.00","inventory_level":%d}`, i, size, size, 10+bump+k, (i+k+bump)%40)
			}
			w.WriteString("]}\n")
		}
	})
}

func benchImport(b *testing.B, c *bigcommerce.Client, path string, dryRun bool) Summary {
	b.Helper()
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	rd, _ := ProductReader(FormatJSONL, f)
	j := &Job{Client: c, CreateCategories: true, DryRun: dryRun, Plan: io.Discard, Rejected: io.Discard}
	sum, err := j.ImportProducts(context.Background(), rd)
	if err != nil {
		b.Fatal(err)
	}
	if sum.Rejected != 0 {
		b.Fatalf("rejected rows: %+v", sum)
	}
	return sum
}

// benchStore is an empty store and a client of it.
func benchStore(b *testing.B, seed int64) (*sandbox.Server, *bigcommerce.Client) {
	srv := sandboxtest.NewServer(b, sandbox.Options{Seed: seed, Products: -1, Customers: -1, Orders: -1})
	c, err := bigcommerce.NewClient(srv.StoreHash, srv.Tokens.Full, bigcommerce.WithBaseURL(srv.URL))
	if err != nil {
		b.Fatal(err)
	}
	return srv, c
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// BenchmarkImportQuotaBound imports products with three variants each under a
// quota of 150 requests per 30 s and reports the time against the least the
// quota allows (requests / 150 × 30 s) and the requests per product.
// updates: BIGC_BENCH_PRODUCTS (default 10,000) products, created first
// without a quota, then every price and stock level changed. creates:
// BIGC_BENCH_CREATES (default 500) new products.
func BenchmarkImportQuotaBound(b *testing.B) {
	const quota, window = 150, 30 * time.Second
	b.Run("updates", func(b *testing.B) {
		n := envInt("BIGC_BENCH_PRODUCTS", 10000)
		for b.Loop() {
			srv, c := benchStore(b, 31)
			dir := b.TempDir()
			first, second := filepath.Join(dir, "day1.jsonl"), filepath.Join(dir, "day2.jsonl")
			writeBenchCatalog(b, first, n, 0)
			writeBenchCatalog(b, second, n, 1)
			benchImport(b, c, first, false)
			srv.Store.SetQuota(quota, window)
			before := srv.Store.Stats()
			start := time.Now()
			sum := benchImport(b, c, second, false)
			elapsed := time.Since(start)
			if sum.Updated != n {
				b.Fatalf("updated %d of %d", sum.Updated, n)
			}
			reportQuotaRun(b, srv, before, elapsed, n, "product", quota, window)
		}
	})
	b.Run("creates", func(b *testing.B) {
		n := envInt("BIGC_BENCH_CREATES", 500)
		for b.Loop() {
			srv, c := benchStore(b, 32)
			path := filepath.Join(b.TempDir(), "new.jsonl")
			writeBenchCatalog(b, path, n, 0)
			srv.Store.SetQuota(quota, window)
			before := srv.Store.Stats()
			start := time.Now()
			if sum := benchImport(b, c, path, false); sum.Created != n {
				b.Fatalf("created %d of %d", sum.Created, n)
			}
			reportQuotaRun(b, srv, before, time.Since(start), n, "product", quota, window)
		}
	})
}

// BenchmarkImportMemory plans (dry run, so the in-process store stays empty
// and only the importer's memory counts) files of 2,000 and 20,000 products
// with three variants each and reports the peak heap in use, sampled every
// 5 ms: it stays flat in the file's size because rows are read, looked up and
// planned 50 at a time.
func BenchmarkImportMemory(b *testing.B) {
	for _, n := range []int{2000, 20000} {
		b.Run(fmt.Sprintf("products=%d", n), func(b *testing.B) {
			_, c := benchStore(b, 33)
			path := filepath.Join(b.TempDir(), "catalog.jsonl")
			writeBenchCatalog(b, path, n, 0)
			st, _ := os.Stat(path)
			for b.Loop() {
				runtime.GC()
				var peak atomic.Uint64
				stop := make(chan struct{})
				done := make(chan struct{})
				go func() {
					defer close(done)
					var ms runtime.MemStats
					t := time.NewTicker(5 * time.Millisecond)
					defer t.Stop()
					for {
						runtime.ReadMemStats(&ms)
						if ms.HeapInuse > peak.Load() {
							peak.Store(ms.HeapInuse)
						}
						select {
						case <-stop:
							return
						case <-t.C:
						}
					}
				}()
				sum := benchImport(b, c, path, true)
				close(stop)
				<-done
				if sum.Created != n {
					b.Fatalf("planned %d creates of %d", sum.Created, n)
				}
				b.ReportMetric(float64(st.Size())/(1<<20), "file-MiB")
				b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MiB")
			}
		})
	}
}
