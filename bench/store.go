package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"time"

	"github.com/bigc-dev/bigc/sandbox"
)

// sandboxChildEnv, set in its environment, makes the benchmark's own binary
// serve the sandbox store with the options it holds (JSON): the store runs in
// a process of its own, so that its CPU time and its heap (every seeded
// record) are not charged to the client measured in the benchmark's process.
const sandboxChildEnv = "BIGC_BENCH_SANDBOX"

// store is the sandbox the clients read, served by a child process.
type store struct {
	URL, StoreHash, Token string
	cmd                   *exec.Cmd
	stdin                 io.Closer
}

// storeOptions are the sandbox options the benchmark sets, passed to the
// child as JSON.
type storeOptions struct {
	Seed                        int64
	Orders, Products, Customers int
	Latency                     time.Duration
}

// startStore starts the benchmark's binary as a sandbox with opts and waits
// for its ready line.
func startStore(ctx context.Context, opts storeOptions) (*store, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	o, err := json.Marshal(opts)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, exe)
	cmd.Env = append(os.Environ(), sandboxChildEnv+"="+string(o))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	var ready struct {
		URL       string         `json:"url"`
		StoreHash string         `json:"store_hash"`
		Tokens    sandbox.Tokens `json:"tokens"`
	}
	line, err := bufio.NewReader(stdout).ReadBytes('\n')
	if err == nil {
		err = json.Unmarshal(line, &ready)
	}
	if err != nil {
		stdin.Close()
		cmd.Wait()
		return nil, fmt.Errorf("starting the sandbox: %w", err)
	}
	return &store{URL: ready.URL, StoreHash: ready.StoreHash, Token: ready.Tokens.Full, cmd: cmd, stdin: stdin}, nil
}

// close stops the sandbox (it serves until its standard input closes).
func (s *store) close() error {
	s.stdin.Close()
	return s.cmd.Wait()
}

// requests is the sandbox's count of API requests answered (GET
// /_sandbox/stats), once it stops moving: the sandbox counts a request after
// its answer is written, so a client can hold its last answer a moment
// before it is counted.
func (s *store) requests(ctx context.Context) (int, error) {
	last := -1
	for {
		n, err := s.stats(ctx)
		if err != nil || n == last {
			return n, err
		}
		last = n
		time.Sleep(20 * time.Millisecond)
	}
}

func (s *store) stats(ctx context.Context) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/_sandbox/stats", nil)
	if err != nil {
		return 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var st sandbox.Stats
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		return 0, fmt.Errorf("GET /_sandbox/stats: %w", err)
	}
	return st.Requests, nil
}

// serveSandboxChild is the child's main: it serves a sandbox with the
// options in the environment until its standard input closes.
func serveSandboxChild(opts string) int {
	var o storeOptions
	if err := json.Unmarshal([]byte(opts), &o); err != nil {
		fmt.Fprintln(os.Stderr, "bench sandbox:", err)
		return 1
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		io.Copy(io.Discard, os.Stdin)
		cancel()
	}()
	so := sandbox.Options{Seed: o.Seed, Orders: o.Orders, Products: o.Products, Customers: o.Customers, Latency: o.Latency}
	if err := sandbox.Serve(ctx, "", so, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "bench sandbox:", err)
		return 1
	}
	return 0
}
