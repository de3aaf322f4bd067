package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/internal/connections"
	"github.com/bigc-dev/bigc/sandbox"
)

// targetFlags choose the store a command talks to: a named connection or the
// embedded sandbox.
type targetFlags struct {
	connection string
	sandbox    bool
	// concurrency, when set by a command, caps the requests in flight to
	// the store (bigcommerce.WithConcurrency); zero keeps the client's default.
	concurrency int
	// retryNotify, when set, hears of the client's retries
	// (bigcommerce.WithRetryNotify); openTarget sets it.
	retryNotify func(bigcommerce.RetryEvent)
	// quotaRedis names the Redis that shares the store's quota (see sharedQuota).
	quotaRedis string
	// extra are client options a command adds (bigc worker's counting transport).
	extra []bigcommerce.Option
}

func (f *targetFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.connection, "connection", "", "the named connection to use (see bigc connection list)")
	cmd.Flags().BoolVar(&f.sandbox, "sandbox", false, "use an embedded sandbox store started in this process")
	cmd.Flags().StringVar(&f.quotaRedis, "quota-redis", "", "share the store's request quota with every process using this Redis, e.g. redis://127.0.0.1:6379/0 (default $"+redisURLEnv+")")
}

// target is an open store: its client and how to release it.
type target struct {
	Name       string // connection name, or "sandbox"
	Client     *bigcommerce.Client
	Production bool
	// Access is what the connection's last verification found the token may do.
	Access []bigcommerce.GroupAccess
	// SigningKey is the client secret that signs the store's webhook
	// deliveries, when bigc knows it (the embedded sandbox's).
	SigningKey []byte
	// confirm asks the person at the terminal to confirm a write (see
	// writeGuard); nil when stdin and stderr are not both terminals.
	confirm func(preview string) bool
	Close   func()
}

// sandboxOptions is the embedded store --sandbox starts: the same seed every
// time, so that two runs see the same records, with a trickle of new orders so
// that an incremental sync has something new on its next run.
var sandboxOptions = sandbox.Options{Seed: 1, Live: 0.2}

// openTarget resolves the flags to a client: --connection or --sandbox (not
// both), and with neither the connection implicitConnection chooses.
func (a *app) openTarget(ctx context.Context, f *targetFlags) (t *target, err error) {
	defer func() {
		if t != nil {
			t.confirm = a.confirmer()
		}
	}()
	if f.retryNotify == nil {
		f.retryNotify = a.retryNotice()
	}
	switch {
	case f.connection != "" && f.sandbox:
		return nil, badInputf("--connection and --sandbox both given: pass one of them")
	case f.sandbox:
		return a.openSandbox(f)
	case f.connection != "":
		return a.openConnection(f, f.connection)
	}
	c, name, err := a.implicitConnection()
	switch {
	case err != nil:
		return nil, err
	case c != nil:
		return a.openSaved(f, c)
	}
	return a.openConnection(f, name)
}

// implicitConnection is the connection of a command given neither
// --connection nor --sandbox, said on stderr: the one-off connection of
// $BIGC_STORE_HASH and $BIGC_ACCESS_TOKEN (returned whole, as it is saved
// nowhere), else $BIGC_CONNECTION or the default of bigc connection use,
// else the only saved connection (by name).
func (a *app) implicitConnection() (oneOff *connections.Connection, name string, err error) {
	if c, err := envConnection(); err != nil || c != nil {
		if err != nil {
			return nil, "", err
		}
		a.note(envConnectionNote(c))
		a.fromEnv = true
		return c, c.Name, nil
	}
	if name, why := a.defaultConnection(); name != "" {
		a.note(fmt.Sprintf("bigc: using connection %q, %s", name, why))
		return nil, name, nil
	}
	dir, err := a.connectionDir()
	if err != nil {
		return nil, "", err
	}
	names, err := dir.Names()
	if err != nil {
		return nil, "", err
	}
	switch len(names) {
	case 0:
		return nil, "", badInputf("no store chosen: pass --sandbox to use the embedded sandbox store, or add a connection with bigc connection add and pass --connection NAME")
	case 1:
		a.note(fmt.Sprintf("bigc: using connection %q, the only one saved", names[0]))
		return nil, names[0], nil
	}
	return nil, "", badInputf("no store chosen: pass --connection NAME (saved: %s) or --sandbox", strings.Join(names, ", "))
}

// openSandbox starts the embedded sandbox store on a free local port and
// returns a client holding its full-access token.
func (a *app) openSandbox(f *targetFlags) (*target, error) {
	srv, err := sandbox.Start("", sandboxOptions)
	if err != nil {
		return nil, fmt.Errorf("starting the embedded sandbox: %w", err)
	}
	opts, err := f.clientOptions()
	if err != nil {
		srv.Close()
		return nil, err
	}
	shared, unshare, err := a.sharedQuota(f, srv.URL, srv.StoreHash)
	if err != nil {
		srv.Close()
		return nil, err
	}
	client, err := bigcommerce.NewClient(srv.StoreHash, srv.Tokens.Full, append(append(opts, shared...), bigcommerce.WithBaseURL(srv.URL))...)
	if err != nil {
		unshare()
		srv.Close()
		return nil, err
	}
	return &target{Name: connections.SandboxName, Client: client, SigningKey: []byte(srv.ClientSecret), Close: func() { unshare(); srv.Close() }}, nil
}

// openConnection loads a saved connection and builds its client; the token
// comes from the file or from the environment variable the file names.
func (a *app) openConnection(f *targetFlags, name string) (*target, error) {
	dir, err := a.connectionDir()
	if err != nil {
		return nil, err
	}
	c, err := loadConnection(dir, name)
	if err != nil {
		return nil, err
	}
	return a.openSaved(f, c)
}

// openSaved builds the client of connection c (saved, or the one-off
// connection of the environment).
func (a *app) openSaved(f *targetFlags, c *connections.Connection) (*target, error) {
	a.usedConnection = c.Name
	opts, err := f.clientOptions()
	if err != nil {
		return nil, err
	}
	shared, unshare, err := a.sharedQuota(f, c.BaseURL, c.StoreHash)
	if err != nil {
		return nil, err
	}
	client, err := c.NewClient(os.Getenv, append(opts, shared...)...)
	if err != nil {
		unshare()
		return nil, err
	}
	return &target{Name: c.Name, Client: client, Production: c.Production, Access: c.Access, Close: unshare}, nil
}

// connectionDir is where named connections are kept, under the configuration directory.
func (a *app) connectionDir() (connections.Dir, error) {
	dir, err := a.configPath()
	if err != nil {
		return connections.Dir{}, err
	}
	return connections.Open(dir), nil
}

// maxRetriesEnv names the environment variable that caps how many times a
// failed request is retried (default bigcommerce.DefaultMaxRetries, with backoff up to 30 s): scripts that
// would rather fail fast set it low.
const maxRetriesEnv = "BIGC_MAX_RETRIES"

// clientOptions are the client options the command and the environment ask for.
func (f *targetFlags) clientOptions() ([]bigcommerce.Option, error) {
	opts := append([]bigcommerce.Option{bigcommerce.WithUserAgent("bigc")}, f.extra...)
	if f.concurrency > 0 {
		opts = append(opts, bigcommerce.WithConcurrency(f.concurrency))
	}
	if f.retryNotify != nil {
		opts = append(opts, bigcommerce.WithRetryNotify(f.retryNotify))
	}
	if v := os.Getenv(maxRetriesEnv); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 100 {
			return nil, badInputf("%s=%q: want a whole number of retries from 0 to 100", maxRetriesEnv, v)
		}
		opts = append(opts, bigcommerce.WithMaxRetries(n))
	}
	return opts, nil
}

// retryNotice returns what reports the client's retries on stderr when it is
// a terminal, so that a person waiting sees why; nil otherwise (a script
// reads the final outcome).
func (a *app) retryNotice() func(bigcommerce.RetryEvent) {
	f, ok := a.stderr.(*os.File)
	if a.quiet || !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return retryNoticeTo(a.stderr, "\r\x1b[K") // clears a progress line first
}

// retryNoticeTo writes each retry as one line to w, after prefix:
// "bigc: retrying in 4 s (3/10): 503 Service Unavailable (GET /v2/orders)".
func retryNoticeTo(w io.Writer, prefix string) func(bigcommerce.RetryEvent) {
	var mu sync.Mutex
	return func(e bigcommerce.RetryEvent) {
		wait := fmt.Sprintf("%.1f s", e.Wait.Seconds())
		if e.Wait >= 10*time.Second {
			wait = fmt.Sprintf("%.0f s", e.Wait.Seconds())
		}
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(w, "%sbigc: retrying in %s (%d/%d): %s (%s %s)\n", prefix, wait, e.Attempt+1, e.MaxAttempts, e.Reason, e.Method, e.Path)
	}
}
