package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/bigc-dev/bigc/state"
	"github.com/bigc-dev/bigc/tools"
)

// stateHelp is the --state flag's help, the same for every command.
const stateHelp = "where state is kept: a SQLite file, or a PostgreSQL URL (postgres://...) shared by machines (default $BIGC_STATE_URL, else state.db in the configuration directory)"

// openStore opens the state named by --state (a file path or a postgres://
// URL), else $BIGC_STATE_URL, else state.db in the configuration directory.
// It returns the store and how to name it in messages: the file's absolute
// path, or the URL without its password.
func (a *app) openStore(ctx context.Context, flag string) (state.Store, string, error) {
	target := flag
	if target == "" {
		target = os.Getenv("BIGC_STATE_URL")
	}
	if target == "" {
		dir, err := a.configPath()
		if err != nil {
			return nil, "", err
		}
		target = filepath.Join(dir, "state.db")
	}
	if state.IsPostgresURL(target) {
		pg, err := state.OpenPostgres(ctx, target)
		if err != nil {
			return nil, "", err
		}
		return pg, pg.String(), nil
	}
	abs, err := filepath.Abs(target)
	if err != nil {
		return nil, "", badInputf("--state %q: %v", target, err)
	}
	db, err := state.Open(ctx, abs)
	if err != nil {
		return nil, "", err
	}
	return db, abs, nil
}

// leaseFlags are the flags of a command that takes a lease.
type leaseFlags struct {
	wait    bool
	timeout time.Duration
}

func (lf *leaseFlags) register(fl interface {
	BoolVar(*bool, string, bool, string)
	DurationVar(*time.Duration, string, time.Duration, string)
}, what string) {
	fl.BoolVar(&lf.wait, "wait", false, "if another process (on any machine sharing the state) is "+what+", wait for it to finish instead of exiting")
	fl.DurationVar(&lf.timeout, "lease-timeout", state.DefaultLeaseTTL, "how long a process that died keeps others from "+what+" (its lease outlives its last heartbeat by this)")
}

// takeLease takes the lease name in s for what the command is about to do
// (what: "syncing shop/orders"). It returns a context that ends when the
// lease is lost, and the function that releases it. A lease held elsewhere
// is a conflict (exit 5) naming the holder, unless --wait.
func (a *app) takeLease(ctx context.Context, s state.Store, name, what string, lf leaseFlags) (context.Context, func(), error) {
	if lf.timeout < time.Second {
		return nil, nil, badInputf("--lease-timeout %s: want at least 1s", lf.timeout)
	}
	if lf.wait {
		a.note("bigc: waiting for the lease on " + what)
	}
	l, err := state.AcquireLease(ctx, s, name, state.LeaseOptions{TTL: lf.timeout, Wait: lf.wait})
	var held *state.LeaseHeldError
	if errors.As(err, &held) {
		return nil, nil, &tools.Error{Category: tools.CategoryConflict,
			Message: fmt.Sprintf("another process is %s: %s, since %s", what, held.Holder, held.AcquiredAt.UTC().Format(time.RFC3339)),
			Next: fmt.Sprintf("add --wait to wait for it, or stop it; if it died, its lease runs out by %s (--lease-timeout after its last heartbeat)",
				held.ExpiresAt.UTC().Format(time.RFC3339))}
	}
	if err != nil {
		return nil, nil, err
	}
	run, cancel := context.WithCancelCause(ctx)
	stop := context.AfterFunc(l.Context(), func() { cancel(context.Cause(l.Context())) })
	release := func() {
		stop()
		cancel(context.Canceled)
		if err := l.Release(context.WithoutCancel(ctx)); err != nil {
			fmt.Fprintf(a.stderr, "bigc: releasing the lease on %s: %v (it runs out by itself)\n", what, err)
		}
	}
	return run, release, nil
}

// claimant names this machine's webhook worker for a connection in a shared
// inbox's claims: the host and the configuration directory, which holds the
// one-listener-per-connection lock, so a restarted listener takes its own
// unfinished events back at once and two listeners never share a name.
func (a *app) claimant(connection string) string {
	host, _ := os.Hostname()
	dir, err := a.configPath()
	if err != nil {
		dir = "?"
	}
	return host + ":" + dir + " " + connection
}
