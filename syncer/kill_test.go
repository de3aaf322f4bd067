package syncer

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/sandbox"
	"github.com/bigc-dev/bigc/sandbox/sandboxproc"
	"github.com/bigc-dev/bigc/state"
)

// The kill test re-runs this test binary as a child that syncs once; see
// runKillChild.
const killChildEnv = "BIGC_SYNCER_KILL_CHILD"

func TestMain(m *testing.M) {
	sandboxproc.ServeIfChild() // the store of BenchmarkSyncLimit
	if os.Getenv(killChildEnv) != "" {
		os.Exit(runKillChild())
	}
	if os.Getenv(memChildEnv) != "" {
		os.Exit(runMemChild())
	}
	os.Exit(m.Run())
}

// runKillChild runs one orders sync against the sandbox the parent started,
// printing the window's upper bound (Unix seconds) when it finishes.
func runKillChild() int {
	env := func(k string) string { return os.Getenv("BIGC_KILL_" + k) }
	fail := func(err error) int { fmt.Fprintln(os.Stderr, "child:", err); return 1 }
	client, err := bigcommerce.NewClient(env("HASH"), env("TOKEN"), bigcommerce.WithBaseURL(env("URL")), bigcommerce.WithConcurrency(8))
	if err != nil {
		return fail(err)
	}
	ctx := contextBackground()
	db, err := state.Open(ctx, env("STATE"))
	if err != nil {
		return fail(err)
	}
	defer db.Close()
	w, err := OpenFile(ctx, db, env("OUT"))
	if err != nil {
		return fail(err)
	}
	defer w.Close()
	job := &Job{Source: &OrderSource{Client: client}, Writer: w, DB: db, Connection: "kill", StoreTime: client.Store.Time, PageSize: 20, Workers: 4, Lag: time.Second}
	res, err := job.Run(ctx)
	if err != nil {
		return fail(err)
	}
	fmt.Println(res.To.Unix())
	return 0
}

func TestSyncSurvivesSIGKILL(t *testing.T) {
	t.Parallel()
	faults, err := sandbox.ParseFaults("500=0.06,502=0.04,503=0.04,reset=0.06,truncate=0.06,429-noheaders=0.04")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sandbox.Start("", sandbox.Options{Seed: 11, Orders: 400, Products: 15, Customers: 10, Faults: faults, Latency: 2 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	dir := t.TempDir()
	out, statePath := filepath.Join(dir, "orders.jsonl"), filepath.Join(dir, "state.db")
	childEnv := append(os.Environ(), killChildEnv+"=1",
		"BIGC_KILL_URL="+srv.URL, "BIGC_KILL_HASH="+srv.StoreHash, "BIGC_KILL_TOKEN="+srv.Tokens.Full,
		"BIGC_KILL_OUT="+out, "BIGC_KILL_STATE="+statePath)
	child := func() *exec.Cmd {
		cmd := exec.Command(os.Args[0])
		cmd.Env = childEnv
		return cmd
	}

	rng := rand.New(rand.NewPCG(11, 2))
	client, err := bigcommerce.NewClient(srv.StoreHash, srv.Tokens.Full, bigcommerce.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	first, _, err := client.Orders.List(t.Context(), &bigcommerce.OrderListOptions{Limit: 1, Sort: "id:asc"})
	for err != nil || len(first) == 0 { // faults are on; try again
		first, _, err = client.Orders.List(t.Context(), &bigcommerce.OrderListOptions{Limit: 1, Sort: "id:asc"})
	}
	firstID := first[0].ID
	modified := map[int64]bool{}
	kills := 0
	for kills < 10 {
		cmd := child()
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		select {
		case <-time.After(time.Duration(30+rng.IntN(700)) * time.Millisecond):
			cmd.Process.Signal(syscall.SIGKILL)
			<-exited
			kills++
		case err := <-exited:
			if err != nil {
				t.Logf("child failed (it is run again): %v: %s", err, stderr.String())
			}
		}
		// The store keeps changing between and during runs.
		for range 2 {
			id := firstID + rng.IntN(400)
			if o, ok := srv.Store.Order(id); ok && !o.IsDeleted {
				if err := srv.Store.UpdateOrderStatus(id, 1+(o.StatusID%13)); err == nil {
					modified[int64(id)] = true
				}
			}
		}
	}
	var hi int64
	for attempt := 0; ; attempt++ {
		cmd := child()
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		b, err := cmd.Output()
		if err == nil {
			hi, err = strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
			if err != nil {
				t.Fatalf("child printed %q", b)
			}
			break
		}
		if attempt == 3 {
			t.Fatalf("final run failed: %v: %s", err, stderr.String())
		}
	}

	srv.Store.SetFaults(sandbox.Faults{})
	current := map[state.EmittedKey]bool{}
	ids := map[int64]bool{}
	for o, err := range client.Orders.All(t.Context(), &bigcommerce.OrderListOptions{Sort: "id:asc"}) {
		if err != nil {
			t.Fatal(err)
		}
		ids[int64(o.ID)] = true
		if o.StatusID != 0 && o.DateModified.Unix() <= hi {
			current[state.EmittedKey{Stream: "orders", ID: int64(o.ID), DateModified: o.DateModified.Unix()}] = true
		}
	}
	got := map[state.EmittedKey]int{}
	for _, k := range readOutput(t, out) {
		got[k]++
		switch {
		case got[k] > 1:
			t.Errorf("order %d version %d written twice", k.ID, k.DateModified)
		case k.DateModified > hi:
			t.Errorf("order %d version %d is past the window", k.ID, k.DateModified)
		case !ids[k.ID]:
			t.Errorf("order %d is not in the store", k.ID)
		case !current[k] && !modified[k.ID]:
			t.Errorf("order %d version %d is neither current nor a version replaced during the test", k.ID, k.DateModified)
		}
	}
	missing := 0
	for k := range current {
		if got[k] == 0 {
			missing++
		}
	}
	if missing > 0 {
		t.Errorf("%d of %d orders missing from the output", missing, len(current))
	}
	t.Logf("%d kills, %d lines, %d orders in the window, %d modified, %d requests (%v)", kills, len(readOutput(t, out)), len(current), len(modified), srv.Store.Stats().Requests, srv.Store.Stats().ByStatus)
}
