// Command bench measures bigc's sync side by side with the clients people
// would otherwise use, on one sandbox store with the same latency and the
// same data, and prints a markdown table (issue 18 goal 2).
//
// From the repository root:
//
//	go run ./bench                  # bigc against a serial hand-written Go client
//	go run ./bench -npm             # also node-bigcommerce and bigcommerce-api-client
//	go run ./bench -h               # sizes, latency, rounds
//
// Each stream (orders with line items, shipping addresses and coupons;
// products with variants, images and custom fields; customers with addresses
// and attributes) is exported whole by every client in turn, the order of the
// clients rotating each round, so that a change in the machine's load falls on
// all of them alike. The sandbox runs in a child process (this binary again),
// so that the measured client's process holds only the client. Requests are
// the sandbox's count of what each run sent; CPU time is the client's own.
// The table's times are medians over the rounds; no figure is asserted.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/bigc-dev/bigc/sandbox/sandboxproc"
)

// config is what the flags set.
type config struct {
	orders, products, customers int
	latency                     time.Duration
	rounds                      int
	streams                     []string
	workers                     int
	seed                        int64
	npm                         bool
	keep                        bool
	cpuProfile                  string
}

func main() {
	sandboxproc.ServeIfChild()
	var c config
	var streams string
	flag.IntVar(&c.orders, "orders", 500, "orders in the sandbox (each with line items and shipping addresses)")
	flag.IntVar(&c.products, "products", 5000, "products in the sandbox (each with variants, images and custom fields)")
	flag.IntVar(&c.customers, "customers", 5000, "customers in the sandbox (each with addresses and attributes)")
	flag.DurationVar(&c.latency, "latency", 50*time.Millisecond, "added by the sandbox to every answer")
	flag.IntVar(&c.rounds, "rounds", 3, "runs of each client per stream, alternated")
	flag.StringVar(&streams, "streams", "orders,products,customers", "streams to measure, comma-separated")
	flag.IntVar(&c.workers, "workers", 8, "bigc sync --workers")
	flag.Int64Var(&c.seed, "seed", 18, "the sandbox's seed")
	flag.BoolVar(&c.npm, "npm", false, "also run the npm clients node-bigcommerce and bigcommerce-api-client (needs node and npm; installs them into a temporary directory)")
	flag.BoolVar(&c.keep, "keep", false, "keep the temporary directory (outputs, state, npm install)")
	flag.StringVar(&c.cpuProfile, "cpuprofile", "", "write a CPU profile of the benchmark's process (bigc's and the serial client's runs; the sandbox and node run in processes of their own) to this file")
	flag.Parse()
	c.streams = strings.Split(streams, ",")
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, c, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// contender is one client under measurement.
type contender interface {
	name() string
	// export writes every record of stream to the file out and returns
	// how many it wrote.
	export(ctx context.Context, stream, out string) (int, error)
}

// run measures and prints the table on stdout (progress goes to log).
func run(ctx context.Context, c config, stdout, log io.Writer) error {
	res, err := measure(ctx, c, log)
	if err != nil {
		return err
	}
	res.write(stdout)
	return nil
}

// measure starts the sandbox and measures every contender on every stream.
func measure(ctx context.Context, c config, log io.Writer) (*results, error) {
	for _, s := range c.streams {
		if s != "orders" && s != "products" && s != "customers" {
			return nil, fmt.Errorf("-streams: %q: want orders, products or customers", s)
		}
	}
	if c.rounds < 1 {
		return nil, fmt.Errorf("-rounds %d: want 1 or more", c.rounds)
	}
	dir, err := os.MkdirTemp("", "bigc-bench-")
	if err != nil {
		return nil, err
	}
	if c.keep {
		fmt.Fprintln(log, "bench: keeping", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	fmt.Fprintf(log, "bench: seeding the sandbox (%d orders, %d products, %d customers, latency %s)\n", c.orders, c.products, c.customers, c.latency)
	srv, err := sandboxproc.Start(ctx, sandboxproc.Options{Seed: c.seed, Orders: c.orders, Products: c.products, Customers: c.customers, Latency: c.latency})
	if err != nil {
		return nil, err
	}
	defer srv.Close()

	b, err := newBigcRunner(srv, dir, c.workers)
	if err != nil {
		return nil, err
	}
	contenders := []contender{b, newSerialClient(srv)}
	if c.cpuProfile != "" {
		f, err := os.Create(c.cpuProfile)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return nil, err
		}
		defer pprof.StopCPUProfile()
	}
	if c.npm {
		peers, err := installNPMPeers(ctx, srv, dir, log)
		if err != nil {
			return nil, err
		}
		contenders = append(contenders, peers...)
	}

	res := &results{config: c, load: loadAverage()}
	for _, stream := range c.streams {
		for round := range c.rounds {
			for i := range contenders {
				k := contenders[(i+round)%len(contenders)]
				out := filepath.Join(dir, "out.jsonl")
				before, err := srv.Settled(ctx)
				if err != nil {
					return nil, err
				}
				cpu, start := cpuTime(), time.Now()
				records, err := k.export(ctx, stream, out)
				elapsed, cpu := time.Since(start), cpuTime()-cpu
				if t, ok := k.(selfTimed); ok {
					elapsed, cpu = t.lastRun()
				}
				os.Remove(out)
				if err != nil {
					return nil, fmt.Errorf("%s, %s: %w", k.name(), stream, err)
				}
				after, err := srv.Settled(ctx)
				if err != nil {
					return nil, err
				}
				s := sample{records: records, requests: after.Requests - before.Requests, elapsed: elapsed, cpu: cpu}
				fmt.Fprintf(log, "bench: %s round %d: %-40s %7d records %7d requests %9.3f s %7.3f s CPU\n", stream, round+1, k.name(), s.records, s.requests, s.elapsed.Seconds(), s.cpu.Seconds())
				res.add(stream, k.name(), s)
			}
		}
	}
	res.loadAfter = loadAverage()
	return res, nil
}

// selfTimed is a contender that times its own export, leaving out what the
// harness cannot charge to the client (a node process starting and loading
// the client).
type selfTimed interface {
	lastRun() (elapsed, cpu time.Duration)
}

func newSerialClient(srv *sandboxproc.Store) *serialClient {
	return &serialClient{http: &http.Client{}, base: srv.URL + "/stores/" + srv.StoreHash, token: srv.Tokens.Full}
}

// loadAverage is the first three fields of /proc/loadavg, or "unknown".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// machine describes where the figures were taken.
func machine() string {
	return fmt.Sprintf("%s, %s/%s, %d CPUs", runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU())
}
