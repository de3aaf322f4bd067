package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/bigc-dev/bigc/internal/cli"
	"github.com/bigc-dev/bigc/sandbox/sandboxproc"
)

// bigcRunner runs `bigc sync STREAM` through the command line's own entry
// point (cli.Main, what cmd/bigc calls), against a saved connection to the
// sandbox, each run from a new state database: a first, full export.
type bigcRunner struct {
	config  string // --config directory holding the connection
	dir     string // where state databases go
	workers int
	runs    int
}

// connectionName is the connection the benchmark saves for the sandbox.
const connectionName = "bench"

// newBigcRunner saves a connection to srv under dir (bigc connection add,
// which verifies it with one request, before any timing starts).
func newBigcRunner(srv *sandboxproc.Store, dir string, workers int) (*bigcRunner, error) {
	r := &bigcRunner{config: filepath.Join(dir, "config"), dir: dir, workers: workers}
	var out, errOut bytes.Buffer
	code := cli.Main([]string{"--config", r.config, "connection", "add", connectionName, "--store-hash", srv.StoreHash,
		"--base-url", srv.URL, "--token-stdin"}, strings.NewReader(srv.Tokens.Full), &out, &errOut)
	if code != 0 {
		return nil, fmt.Errorf("bigc connection add: exit %d: %s", code, errOut.String())
	}
	return r, nil
}

func (r *bigcRunner) name() string { return "bigc sync --workers " + strconv.Itoa(r.workers) }

// export runs bigc sync stream into out and returns the records it wrote.
func (r *bigcRunner) export(ctx context.Context, stream, out string) (int, error) {
	r.runs++
	var stdout, stderr bytes.Buffer
	state := filepath.Join(r.dir, fmt.Sprintf("state-%d.db", r.runs))
	args := []string{"--config", r.config, "sync", stream, "--connection", connectionName,
		"--workers", strconv.Itoa(r.workers), "--state", state, "--out", out}
	if stream == "orders" {
		// The peers write what GET /v2/orders lists, incomplete orders
		// (status 0) among them; bigc leaves those out unless asked.
		args = append(args, "--include-incomplete")
	}
	code := cli.Main(args, strings.NewReader(""), &stdout, &stderr)
	if code != 0 {
		return 0, fmt.Errorf("bigc sync %s: exit %d: %s", stream, code, stderr.String())
	}
	var summary struct {
		Records int `json:"records"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &summary); err != nil {
		return 0, fmt.Errorf("bigc sync %s: reading its summary %q: %w", stream, stdout.String(), err)
	}
	return summary.Records, nil
}
