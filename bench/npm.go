package main

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/bigc-dev/bigc/sandbox/sandboxproc"
)

// npmPeers are the npm clients measured with -npm, at the versions the figures
// in BENCHMARKS.md were taken with. They are installed at run time into the
// run's temporary directory, never into the repository.
var npmPeers = []string{"node-bigcommerce@4.1.0", "bigcommerce-api-client@0.7.19"}

//go:embed npm/peers.cjs
var peersScript []byte

// npmPeer runs one npm client through peers.cjs in a node process.
type npmPeer struct {
	pkg    string // name@version
	client string // name
	script string
	env    []string
	// elapsed and cpu are the last export's, as node measured them.
	elapsed, cpu time.Duration
}

// installNPMPeers installs npmPeers with npm into dir/npm and returns a
// contender for each.
func installNPMPeers(ctx context.Context, srv *sandboxproc.Store, dir string, log io.Writer) ([]contender, error) {
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			return nil, fmt.Errorf("-npm needs %s on PATH: %w", tool, err)
		}
	}
	npmDir := filepath.Join(dir, "npm")
	if err := os.MkdirAll(npmDir, 0o755); err != nil {
		return nil, err
	}
	fmt.Fprintf(log, "bench: npm install %v into %s\n", npmPeers, npmDir)
	args := append([]string{"install", "--prefix", npmDir, "--no-audit", "--no-fund", "--no-save", "--loglevel", "error"}, npmPeers...)
	cmd := exec.CommandContext(ctx, "npm", args...)
	cmd.Dir = npmDir
	var errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = log, &errOut
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("npm install: %w: %s", err, errOut.String())
	}
	script := filepath.Join(npmDir, "peers.cjs")
	if err := os.WriteFile(script, peersScript, 0o644); err != nil {
		return nil, err
	}
	env := append(os.Environ(), "NODE_PATH="+filepath.Join(npmDir, "node_modules"),
		"BENCH_URL="+srv.URL, "BENCH_STORE_HASH="+srv.StoreHash, "BENCH_TOKEN="+srv.Tokens.Full)
	var peers []contender
	for _, pkg := range npmPeers {
		name, _, _ := cutVersion(pkg)
		peers = append(peers, &npmPeer{pkg: pkg, client: name, script: script, env: env})
	}
	return peers, nil
}

// cutVersion splits name@version.
func cutVersion(pkg string) (name, version string, ok bool) {
	for i := len(pkg) - 1; i > 0; i-- {
		if pkg[i] == '@' {
			return pkg[:i], pkg[i+1:], true
		}
	}
	return pkg, "", false
}

func (p *npmPeer) name() string { return p.pkg + " (node)" }

// export runs node peers.cjs CLIENT STREAM OUT and reads its
// {"records","ms","cpu_ms"} line.
func (p *npmPeer) export(ctx context.Context, stream, out string) (int, error) {
	cmd := exec.CommandContext(ctx, "node", p.script, p.client, stream, out)
	cmd.Env = p.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("node: %w: %s", err, stderr.String())
	}
	var res struct {
		Records int     `json:"records"`
		MS      float64 `json:"ms"`
		CPUMS   float64 `json:"cpu_ms"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		return 0, fmt.Errorf("node printed %q: %w", stdout.String(), err)
	}
	p.elapsed = time.Duration(res.MS * float64(time.Millisecond))
	p.cpu = time.Duration(res.CPUMS * float64(time.Millisecond))
	return res.Records, nil
}

func (p *npmPeer) lastRun() (elapsed, cpu time.Duration) { return p.elapsed, p.cpu }
