package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/bigc-dev/bigc/sandbox"
)

// sandboxCmd is `bigc sandbox`: the simulated store.
func (a *app) sandboxCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Run a simulated BigCommerce store (no credentials, no network)",
	}
	cmd.AddCommand(a.sandboxServeCmd())
	return cmd
}

// sandboxServeFlags are the flags of `bigc sandbox serve`.
type sandboxServeFlags struct {
	addr                        string
	seed                        int64
	products, customers, orders int
	quota, plan                 string
	stateDir                    string
	latency                     time.Duration
	faults                      string
	live                        float64
	webhookRetryScale           float64
}

func (a *app) sandboxServeCmd() *cobra.Command {
	var f sandboxServeFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve a sandbox store until interrupted",
		Long: `Serve a seeded, stateful sandbox store on a loopback address.

When it is ready it prints one JSON line on stdout:
  {"url":"http://127.0.0.1:PORT","store_hash":"...","tokens":{"full":"...","read_only":"..."},"client_secret":"..."}
and, on stderr for a person, the two bigc connection add lines (full access
and read-only) that point a connection at it.
The API lives at {url}/stores/{store_hash}/v2|v3/..., operator endpoints at {url}/_sandbox/.
It stops cleanly on SIGINT or SIGTERM. Webhook deliveries are signed as
BigCommerce signs them (Standard Webhooks: webhook-id, webhook-timestamp,
webhook-signature) with client_secret; bigc webhooks listen verifies them
given that secret (--signing-secret-env).

--addr 0.0.0.0:PORT (or :PORT) listens on every interface, so other machines
can reach the store; the printed url still names 127.0.0.1, which is where
this machine reaches it.

With no --plan or --quota nothing is throttled, so that the quick start is
fast; the rate-limit headers then count down from a notional 1,000,000. Use
--plan to meet a plan's quota (Standard and Plus 150, Pro 450 requests per
30 s) and the 429s that come with it. GET {url}/_sandbox/requests counts the
requests per token, per client (X-Auth-Client or User-Agent) and per window.

--state DIR keeps every change (API and operator writes) in DIR, so that a
store stopped and started again with the same seed and counts serves them;
a test can restart the store mid-sync this way.

Webhook deliveries that get no 2xx answer are retried on BigCommerce's
schedule (60 s, 120 s, 240 s, ... up to a day) times --webhook-retry-scale;
0.001 turns the minutes into tenths of a second for a demo.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts, err := f.options()
			if err != nil {
				return err
			}
			return sandbox.Serve(cmd.Context(), f.addr, opts, &readyHints{out: a.stdout, hints: a.stderr})
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.addr, "addr", "127.0.0.1:0", "address to listen on (port 0 picks a free port)")
	fl.Int64Var(&f.seed, "seed", 1, "seed of the generated data, faults and live orders")
	fl.IntVar(&f.products, "products", 50, "number of seeded products (0 for none)")
	fl.IntVar(&f.customers, "customers", 40, "number of seeded customers (0 for none)")
	fl.IntVar(&f.orders, "orders", 300, "number of seeded orders (0 for none)")
	fl.StringVar(&f.plan, "plan", "", "BigCommerce plan whose published quota to enforce: standard or plus (150/30s), pro (450/30s), enterprise (give --quota: no figure is published); empty means no quota")
	fl.StringVar(&f.quota, "quota", "", "rate limit as N/WINDOW, e.g. 150/30s; empty means none (or the --plan's)")
	fl.StringVar(&f.stateDir, "state", "", "directory keeping the store's changes across restarts (start again with the same seed and counts); empty keeps them in memory only")
	fl.DurationVar(&f.latency, "latency", 0, "each answer takes at least this long (a read's own work counts in it), e.g. 20ms")
	fl.StringVar(&f.faults, "faults", "", "faults, e.g. 500=0.05,503=0.05,reset=0.02,truncate=0.01,latency=50ms,commit-then-drop=0.05,duplicate-delivery=0.2,429-noheaders=0.05")
	fl.Float64Var(&f.live, "live", 0, "new orders per second arriving as time passes (0 = off)")
	fl.Float64Var(&f.webhookRetryScale, "webhook-retry-scale", 1, "factor (more than 0, at most 1) scaling BigCommerce's webhook retry schedule, e.g. 0.001")
	return cmd
}

// options checks the flags and turns them into sandbox.Options.
func (f *sandboxServeFlags) options() (sandbox.Options, error) {
	opts := sandbox.Options{Seed: f.seed, Latency: f.latency, Live: f.live, WebhookRetryScale: f.webhookRetryScale, StateDir: f.stateDir}
	for _, c := range []struct {
		name string
		n    int
		dst  *int
	}{{"--products", f.products, &opts.Products}, {"--customers", f.customers, &opts.Customers}, {"--orders", f.orders, &opts.Orders}} {
		if c.n < 0 {
			return opts, badInputf("%s %d: want 0 or more", c.name, c.n)
		}
		*c.dst = c.n
		if c.n == 0 {
			*c.dst = -1 // Options reads 0 as "the default"; the flag's 0 means none
		}
	}
	if f.seed == 0 {
		return opts, badInputf("--seed 0: want a non-zero seed")
	}
	if f.latency < 0 {
		return opts, badInputf("--latency %v: want 0 or more", f.latency)
	}
	if f.live < 0 {
		return opts, badInputf("--live %v: want 0 (off) or a positive number of orders per second", f.live)
	}
	if !(f.webhookRetryScale > 0 && f.webhookRetryScale <= 1) {
		return opts, badInputf("--webhook-retry-scale %v: want a factor more than 0 and at most 1, e.g. 0.001", f.webhookRetryScale)
	}
	if f.plan != "" {
		q, w, err := sandbox.PlanQuota(f.plan)
		switch {
		case strings.EqualFold(f.plan, "enterprise") && f.quota == "":
			return opts, badInputf("--plan enterprise needs --quota N/WINDOW: BigCommerce publishes no Enterprise quota (it is set by plan and resource)")
		case strings.EqualFold(f.plan, "enterprise"):
		case err != nil:
			return opts, badInputf("--plan: %v", err)
		case f.quota != "":
			return opts, badInputf("--plan %s and --quota both given: the plan sets the quota (%d/%v); pass one of them", f.plan, q, w)
		default:
			opts.Quota, opts.Window = q, w
		}
	}
	if f.quota != "" {
		q, w, err := parseQuota(f.quota)
		if err != nil {
			return opts, badInputf("--quota %q: %v", f.quota, err)
		}
		opts.Quota, opts.Window = q, w
	}
	faults, err := sandbox.ParseFaults(f.faults)
	if err != nil {
		return opts, badInputf("--faults: %v", err)
	}
	opts.Faults = faults
	return opts, nil
}

// parseQuota reads N/WINDOW such as 150/30s.
func parseQuota(s string) (int, time.Duration, error) {
	n, w, ok := strings.Cut(s, "/")
	if !ok {
		return 0, 0, fmt.Errorf("want N/WINDOW such as 150/30s")
	}
	quota, err := strconv.Atoi(n)
	if err != nil || quota < 1 {
		return 0, 0, fmt.Errorf("the request count %q must be a positive integer, as in 150/30s", n)
	}
	window, err := time.ParseDuration(w)
	if err != nil || window <= 0 {
		return 0, 0, fmt.Errorf("the window %q must be a positive duration, as in 150/30s", w)
	}
	return quota, window, nil
}

// readyHints passes sandbox.Serve's ready line through to out and, once it
// has the whole line, writes to hints (stderr) what a person needs next: the
// ready-to-paste connection add lines, full and read-only, and how to stop.
// The sandbox's tokens are its own, derived from --seed, never a store's.
type readyHints struct {
	out, hints io.Writer
	line       []byte
	done       bool
}

func (r *readyHints) Write(p []byte) (int, error) {
	n, err := r.out.Write(p)
	if r.done || err != nil {
		return n, err
	}
	r.line = append(r.line, p[:n]...)
	if i := strings.IndexByte(string(r.line), '\n'); i >= 0 {
		r.done = true
		var ready struct {
			URL       string         `json:"url"`
			StoreHash string         `json:"store_hash"`
			Tokens    sandbox.Tokens `json:"tokens"`
		}
		if json.Unmarshal(r.line[:i], &ready) == nil {
			fmt.Fprint(r.hints, sandboxConnectionHints(ready.URL, ready.StoreHash, ready.Tokens))
		}
	}
	return n, err
}

// sandboxConnectionHints is the text bigc sandbox serve prints on stderr.
func sandboxConnectionHints(url, hash string, tok sandbox.Tokens) string {
	return fmt.Sprintf(`bigc: sandbox store %s ready at %s
Point connections at it (in another terminal):
  printf '%%s' '%s' | bigc connection add demo --store-hash %s --base-url %s --token-stdin
  printf '%%s' '%s' | bigc connection add demo-ro --store-hash %s --base-url %s --token-stdin
Ctrl-C to stop.
`, hash, url, tok.Full, hash, url, tok.ReadOnly, hash, url)
}
