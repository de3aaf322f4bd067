package main

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/bigc-dev/bigc/sandbox/sandboxproc"
)

// TestMain lets the test binary serve the sandbox as a child process, as the
// benchmark's binary does.
func TestMain(m *testing.M) {
	sandboxproc.ServeIfChild()
	os.Exit(m.Run())
}

// TestSmallRun runs the whole benchmark at a tiny size (no latency, two
// rounds) so that CI keeps it working: every client exports every stream,
// the same records as bigc, and the table has a row for each. No time is
// checked.
func TestSmallRun(t *testing.T) {
	c := config{orders: 12, products: 30, customers: 25, rounds: 2, workers: 4, seed: 5,
		streams: []string{"orders", "products", "customers"}}
	var log bytes.Buffer
	res, err := measure(t.Context(), c, &log)
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	seeded := map[string]int{"products": c.products, "customers": c.customers}
	for _, stream := range c.streams {
		list := res.byStream[stream]
		if len(list) != 2 {
			t.Fatalf("%s: %d clients measured, want bigc and the serial client", stream, len(list))
		}
		for _, s := range list {
			if len(s.samples) != c.rounds {
				t.Errorf("%s, %s: %d runs, want %d", stream, s.client, len(s.samples), c.rounds)
			}
			for _, x := range s.samples {
				if x.records == 0 || x.requests == 0 {
					t.Errorf("%s, %s: %d records in %d requests", stream, s.client, x.records, x.requests)
				}
				if want, ok := seeded[stream]; ok && x.records != want {
					t.Errorf("%s, %s: %d records, the sandbox holds %d", stream, s.client, x.records, want)
				}
			}
		}
		if bad := res.mismatched(stream); len(bad) > 0 {
			t.Errorf("%s: record counts differ from bigc's: %v", stream, bad)
		}
	}
	var out bytes.Buffer
	res.write(&out)
	for _, stream := range c.streams {
		for _, client := range []string{"bigc sync --workers 4", "serial Go client (net/http)"} {
			if row := "| " + stream + " | " + client + " | "; !strings.Contains(out.String(), row) {
				t.Errorf("the table has no row %q:\n%s", row, out.String())
			}
		}
	}
}

// TestBadFlags checks that a stream the benchmark does not know, or no
// rounds, is refused by name before the sandbox starts.
func TestBadFlags(t *testing.T) {
	for _, tc := range []struct {
		c    config
		want string
	}{
		{config{rounds: 1, streams: []string{"orders", "carts"}}, `-streams: "carts"`},
		{config{rounds: 0, streams: []string{"orders"}}, "-rounds 0"},
	} {
		_, err := measure(t.Context(), tc.c, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("measure(%+v) = %v, want an error naming %s", tc.c, err, tc.want)
		}
	}
}
