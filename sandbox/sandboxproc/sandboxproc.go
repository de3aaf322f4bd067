// Package sandboxproc serves a sandbox store from a child process: the
// calling program's own binary, started again with the store's options in
// its environment. A benchmark uses it so that the store's CPU time, heap
// and garbage collection are not charged to the client it measures, as a
// real store's are not. The program must call ServeIfChild first thing in
// main (or TestMain).
package sandboxproc

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

// childEnv, set in its environment, makes the program serve the sandbox
// with the options it holds (JSON) instead of doing what it does.
const childEnv = "BIGC_SANDBOX_PROCESS"

// Options are the sandbox options a child store takes.
type Options struct {
	Seed                        int64
	Orders, Products, Customers int
	Latency                     time.Duration
	// Nice, if more than 0, runs the store at that lower CPU priority
	// (through nice(1)), so that on a machine with few cores the client
	// measured gets the CPU first, as it would with the store on other
	// machines. The store's answers still take at least Latency.
	Nice int
}

// Store is a sandbox served by a child process.
type Store struct {
	URL, StoreHash string
	Tokens         sandbox.Tokens
	cmd            *exec.Cmd
	stdin          io.Closer
}

// Start starts the program's binary as a sandbox with opts and waits for
// its ready line.
func Start(ctx context.Context, opts Options) (*Store, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	o, err := json.Marshal(opts)
	if err != nil {
		return nil, err
	}
	name, args := exe, []string(nil)
	if opts.Nice > 0 {
		name, args = "nice", []string{"-n", fmt.Sprint(opts.Nice), exe}
	}
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), childEnv+"="+string(o))
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
	return &Store{URL: ready.URL, StoreHash: ready.StoreHash, Tokens: ready.Tokens, cmd: cmd, stdin: stdin}, nil
}

// Close stops the sandbox (it serves until its standard input closes).
func (s *Store) Close() error {
	s.stdin.Close()
	return s.cmd.Wait()
}

// Settled reads the sandbox's statistics once its count of requests stops
// moving: the sandbox counts a request after its answer is written, so a
// client can hold its last answer a moment before it is counted.
func (s *Store) Settled(ctx context.Context) (sandbox.Stats, error) {
	last := -1
	for {
		st, err := s.Stats(ctx)
		if err != nil || st.Requests == last {
			return st, err
		}
		last = st.Requests
		time.Sleep(20 * time.Millisecond)
	}
}

// Stats reads the sandbox's statistics (GET /_sandbox/stats).
func (s *Store) Stats(ctx context.Context) (sandbox.Stats, error) {
	var st sandbox.Stats
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/_sandbox/stats", nil)
	if err != nil {
		return st, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return st, err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		return st, fmt.Errorf("GET /_sandbox/stats: %w", err)
	}
	return st, nil
}

// ServeIfChild serves the sandbox and exits when this process was started
// by Start; otherwise it returns at once. The child serves until its
// standard input closes.
func ServeIfChild() {
	opts := os.Getenv(childEnv)
	if opts == "" {
		return
	}
	os.Exit(serve(opts))
}

func serve(opts string) int {
	var o Options
	if err := json.Unmarshal([]byte(opts), &o); err != nil {
		fmt.Fprintln(os.Stderr, "sandbox process:", err)
		return 1
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		io.Copy(io.Discard, os.Stdin)
		cancel()
	}()
	so := sandbox.Options{Seed: o.Seed, Orders: o.Orders, Products: o.Products, Customers: o.Customers, Latency: o.Latency}
	if err := sandbox.Serve(ctx, "", so, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "sandbox process:", err)
		return 1
	}
	return 0
}
