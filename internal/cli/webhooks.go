package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/bigc-dev/bigc/state"
	"github.com/bigc-dev/bigc/syncer"
	"github.com/bigc-dev/bigc/tools"
	"github.com/bigc-dev/bigc/webhooks"
)

func (a *app) webhooksCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "webhooks",
		Short: "Subscribe to store events and receive them: verified, de-duplicated, durable",
		Long: `Webhooks deliver new orders and changes as they happen, where a sync polls.

subscribe registers a hook with a secret bigc keeps; listen receives the
callbacks, refuses any without the secret, stores each event in the local
database before answering, fetches the record it names and writes it as a
JSON line in the sync's envelope. A sync --follow may write the same output
file: no record is written twice.`,
	}
	cmd.AddCommand(a.webhooksSubscribeCmd(), a.webhooksListCmd(), a.webhooksDeleteCmd(),
		a.webhooksReactivateCmd(), a.webhooksListenCmd())
	return cmd
}

// subscriptions opens the store and the secret store for a webhooks command,
// asking guard (when not nil) whether it may write, with preview's account
// of the change when a person is asked.
func (a *app) subscriptions(ctx context.Context, tf *targetFlags, guard *writeGuard, what string, preview func(*target) (string, error)) (*webhooks.Subscriptions, func(), error) {
	t, err := a.openTarget(ctx, tf)
	if err != nil {
		return nil, nil, err
	}
	if guard != nil {
		if err := guard.allowPreviewed(t, what, true, func() (string, error) { return preview(t) }); err != nil {
			t.Close()
			return nil, nil, err
		}
	}
	store, err := a.secretStore()
	if err != nil {
		t.Close()
		return nil, nil, err
	}
	return &webhooks.Subscriptions{Hooks: t.Client.Webhooks, Secrets: store, Connection: t.Name}, t.Close, nil
}

// secretStore is where hook secrets are kept: <config>/webhooks/<connection>.json.
func (a *app) secretStore() (webhooks.SecretStore, error) {
	dir, err := a.configPath()
	if err != nil {
		return webhooks.SecretStore{}, err
	}
	return webhooks.SecretStore{Dir: filepath.Join(dir, "webhooks")}, nil
}

// runSubscriptions opens the store and the secret store, runs op on them and
// writes its result as JSON. A guard, when given, is asked first (showing
// preview to a person): op writes.
func (a *app) runSubscriptions(ctx context.Context, tf *targetFlags, guard *writeGuard, what string, preview func(*target) (string, error), op func(*webhooks.Subscriptions) (any, error)) error {
	subs, closeFn, err := a.subscriptions(ctx, tf, guard, what, preview)
	if err != nil {
		return err
	}
	defer closeFn()
	v, err := op(subs)
	if err != nil {
		return err
	}
	return a.writeResult(v)
}

func (a *app) webhooksSubscribeCmd() *cobra.Command {
	var tf targetFlags
	var guard writeGuard
	var scope, destination string
	cmd := &cobra.Command{
		Use:   "subscribe --scope SCOPE --destination URL",
		Short: "Register a hook (or reuse the one for the same scope and destination) with a secret bigc keeps",
		Long: `Registers a hook that sends SCOPE events (e.g. store/order/created, or
store/order/* for all order events) to URL, with a new random secret in its
` + webhooks.SecretHeader + ` header. The secret is saved (mode 0600) under the
configuration directory, where bigc webhooks listen reads it; it is never
printed. Subscribing again to the same scope and destination reuses the hook
and its secret, and turns it back on if BigCommerce deactivated it.
BigCommerce delivers only to https URLs on port 443; a local sandbox also
delivers plain http to a loopback address.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if scope == "" {
				return badInputf("--scope is required, e.g. --scope store/order/created")
			}
			if destination == "" {
				return badInputf("--destination is required: the https URL where bigc webhooks listen is reachable")
			}
			return a.runSubscriptions(cmd.Context(), &tf, &guard, "bigc webhooks subscribe", subscribePreview(scope, destination), func(subs *webhooks.Subscriptions) (any, error) {
				return subs.Subscribe(cmd.Context(), scope, destination)
			})
		},
	}
	tf.register(cmd)
	guard.register(cmd)
	cmd.Flags().StringVar(&scope, "scope", "", "the event scope, e.g. store/order/created")
	cmd.Flags().StringVar(&destination, "destination", "", "the https URL BigCommerce posts events to")
	return cmd
}

func (a *app) webhooksListCmd() *cobra.Command {
	var tf targetFlags
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the hooks of this API account (never their secrets)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			subs, closeFn, err := a.subscriptions(cmd.Context(), &tf, nil, "", nil)
			if err != nil {
				return err
			}
			defer closeFn()
			list, err := subs.List(cmd.Context())
			if err != nil {
				return err
			}
			if !a.wantTable(asJSON) {
				return a.writeResult(list)
			}
			rows := make([][]string, 0, len(list))
			for _, h := range list {
				active, secret := "no", "no"
				if h.IsActive {
					active = "yes"
				}
				if h.HasSecret {
					secret = "yes"
				}
				rows = append(rows, []string{strconv.Itoa(h.ID), h.Scope, h.Destination, active, secret})
			}
			return a.writeTable([]string{"ID", "SCOPE", "DESTINATION", "ACTIVE", "SECRET KEPT"}, rows)
		},
	}
	tf.register(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON array (the default when stdout is not a terminal)")
	return cmd
}

// hookCmd is a command that acts on one hook, named by its ID argument.
func (a *app) hookCmd(use, short string, op func(*webhooks.Subscriptions, context.Context, int) (*webhooks.Subscription, error)) *cobra.Command {
	var tf targetFlags
	var guard writeGuard
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.Atoi(args[0])
			if err != nil || id <= 0 {
				return badInputf("ID %q is not a hook ID (want a positive whole number, see bigc webhooks list)", args[0])
			}
			verb := strings.Fields(use)[0]
			return a.runSubscriptions(cmd.Context(), &tf, &guard, "bigc webhooks "+verb, hookPreview(cmd.Context(), verb, id), func(subs *webhooks.Subscriptions) (any, error) {
				return op(subs, cmd.Context(), id)
			})
		},
	}
	tf.register(cmd)
	guard.register(cmd)
	return cmd
}

func (a *app) webhooksDeleteCmd() *cobra.Command {
	return a.hookCmd("delete ID", "Delete a hook and forget its secret", (*webhooks.Subscriptions).Delete)
}

func (a *app) webhooksReactivateCmd() *cobra.Command {
	return a.hookCmd("reactivate ID", "Turn back on a hook BigCommerce deactivated (failed deliveries or 90 idle days)",
		(*webhooks.Subscriptions).Reactivate)
}

func (a *app) webhooksListenCmd() *cobra.Command {
	var tf targetFlags
	var addr, out, tlsCert, tlsKey, incomplete, signingEnv, statePath string
	var claimHold time.Duration
	cmd := &cobra.Command{
		Use:   "listen --connection NAME [--addr 127.0.0.1:PORT] [--out FILE]",
		Short: "Receive callbacks, store them durably, and write each record as a JSON line",
		Long: `Receives the callbacks of the hooks made by bigc webhooks subscribe. A
callback without the right secret header (or with a bad or stale Standard
Webhooks signature) gets 401, a body over 1 MiB 413, a malformed one 400, one
from another store 403; none of them is stored. An accepted event is committed
to the local database before the 200, so a crash loses nothing: events still
owed are processed when listen starts again. Each event's record is fetched
and written in the sync's envelope to --out (or stdout), once per version.
Orders created incomplete (status 0) are held until they become real orders
(--incomplete hold) or dropped (--incomplete drop). Archived orders and deleted
records are not written, as in the sync.

BigCommerce signs callbacks as Standard Webhooks (webhook-id,
webhook-timestamp, webhook-signature) with the client secret of the API
account or app. Given that secret (--signing-secret-env names the variable
holding it), listen refuses every callback not signed with it within 5
minutes; with --sandbox it uses the embedded store's client secret.

listen binds a loopback address unless told otherwise; put it behind an https
reverse proxy on port 443, or give --tls-cert and --tls-key. One listen at a time
serves a connection; a second one is refused.

With --sandbox, listen subscribes the embedded sandbox store's order, product
and customer events to itself, so that the orders arriving in it (a few a
minute) come out as they happen; it prints the sandbox's address, where
POST /_sandbox/orders creates an order on demand.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			policy, err := webhooks.ParseIncompletePolicy(incomplete)
			if err != nil {
				return badInputf("--incomplete %q is not valid (want hold or drop)", incomplete)
			}
			if (tlsCert == "") != (tlsKey == "") {
				return badInputf("--tls-cert and --tls-key go together: pass both or neither")
			}
			host, _, err := net.SplitHostPort(addr)
			if err != nil {
				return badInputf("--addr %q is not host:port (e.g. 127.0.0.1:8443): %v", addr, err)
			}
			if tf.sandbox {
				if tlsCert != "" {
					return badInputf("--sandbox delivers plain http to a loopback address: drop --tls-cert and --tls-key")
				}
				if ip := net.ParseIP(host); host != "" && host != "localhost" && (ip == nil || !(ip.IsLoopback() || ip.IsUnspecified())) {
					return badInputf("--sandbox delivers to a loopback address only: --addr %q is not one (e.g. 127.0.0.1:8443)", addr)
				}
			}
			var signingKey []byte
			if signingEnv != "" {
				v := os.Getenv(signingEnv)
				if v == "" {
					return badInputf("--signing-secret-env %s: the variable is not set or empty", signingEnv)
				}
				signingKey = []byte(v)
			}
			return a.listen(cmd.Context(), &tf, listenOptions{addr: addr, host: host, out: out,
				tlsCert: tlsCert, tlsKey: tlsKey, incomplete: policy, signingKey: signingKey, subscribeSelf: tf.sandbox,
				state: statePath, claimHold: claimHold})
		},
	}
	tf.register(cmd)
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8443", "the address to listen on (host:port)")
	cmd.Flags().StringVar(&out, "out", "", "the JSON Lines file to append records to (default stdout)")
	cmd.Flags().StringVar(&tlsCert, "tls-cert", "", "serve https with this certificate file (PEM)")
	cmd.Flags().StringVar(&tlsKey, "tls-key", "", "the private key file (PEM) for --tls-cert")
	cmd.Flags().StringVar(&incomplete, "incomplete", "hold", "orders created incomplete (status 0): hold until they become real, or drop")
	cmd.Flags().StringVar(&statePath, "state", "", stateHelp+"; receivers sharing a PostgreSQL state share its inbox")
	cmd.Flags().DurationVar(&claimHold, "lease-timeout", time.Minute, "with receivers sharing a PostgreSQL state: how long one that died keeps the events it took from the others")
	cmd.Flags().StringVar(&signingEnv, "signing-secret-env", "", "require Standard Webhooks signatures made with the client secret in this environment variable (BigCommerce signs callbacks with it)")
	return cmd
}

type listenOptions struct {
	addr, host, out, tlsCert, tlsKey string
	incomplete                       webhooks.IncompletePolicy
	signingKey                       []byte
	state                            string        // --state
	claimHold                        time.Duration // --lease-timeout
	// subscribeSelf subscribes sandboxScopes to the receiver's own address
	// once it listens (the embedded sandbox delivers to loopback).
	subscribeSelf bool
}

// sandboxScopes are the events listen --sandbox subscribes to: the ones the
// worker fetches a record for, and every deletion it records
// (webhooks.DeletionScopes).
var sandboxScopes = []string{"store/order/*", "store/product/*", "store/customer/*", "store/shipment/*", "store/category/deleted"}

func (a *app) listen(ctx context.Context, tf *targetFlags, o listenOptions) error {
	if o.out != "" {
		if err := checkOutputPath(o.out); err != nil {
			return err
		}
	}
	t, err := a.openTarget(ctx, tf)
	if err != nil {
		return err
	}
	defer t.Close()
	db, _, err := a.openStore(ctx, o.state)
	if err != nil {
		return err
	}
	defer db.Close()
	store, err := a.secretStore()
	if err != nil {
		return err
	}
	unlock, err := store.LockListener(t.Name)
	if errors.Is(err, webhooks.ErrListening) {
		return &tools.Error{Category: tools.CategoryConflict, Message: err.Error(),
			Next: "stop the other bigc webhooks listen for this connection first"}
	}
	if err != nil {
		return err
	}
	defer unlock()
	secrets := store.Watch(t.Name)
	if s, err := secrets(); err != nil {
		return err
	} else if len(s) == 0 && !o.subscribeSelf {
		fmt.Fprintf(a.stderr, "bigc: no hook secrets kept for connection %q: every callback will be refused until you run bigc webhooks subscribe --connection %s\n", t.Name, t.Name)
	}
	output, sink, err := a.listenOutput(ctx, db, o.out, t.Name)
	if err != nil {
		return err
	}
	defer output.Close()
	if o.signingKey == nil {
		o.signingKey = t.SigningKey // the embedded sandbox's client secret
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return fmt.Errorf("--addr %s: %w", o.addr, err)
	}
	logger := slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	forget := func() {}
	err = webhooks.Serve(ctx, ln, webhooks.ServeConfig{
		Receiver: webhooks.ReceiverConfig{Connection: t.Name, StoreHash: t.Client.StoreHash(), StoreID: a.storeID(ctx, t),
			SigningKey: o.signingKey, Secrets: secrets, Inbox: db, Logger: logger},
		Worker: webhooks.WorkerConfig{Connection: t.Name, Inbox: db, Fetcher: webhooks.NewClientFetcher(t.Client),
			Output: sink, Incomplete: o.incomplete, Logger: logger, ClaimHold: o.claimHold, Claimant: a.claimant(t.Name)},
		TLSCert: o.tlsCert, TLSKey: o.tlsKey,
		Ready: func(ctx context.Context, addr net.Addr) error {
			scheme := "http"
			if o.tlsCert != "" {
				scheme = "https"
			}
			fmt.Fprintf(a.stderr, "bigc: listening on %s://%s for connection %q (store %s); output: %s\n",
				scheme, addr, t.Name, t.Client.StoreHash(), outputName(output))
			if !o.subscribeSelf {
				return nil
			}
			var err error
			forget, err = a.subscribeSelf(ctx, t, store, addr)
			if ctx.Err() != nil {
				return nil // stopped while subscribing: a normal stop
			}
			return err
		},
	})
	forget()
	if err != nil {
		return err
	}
	counts, err := db.InboxCounts(context.WithoutCancel(ctx), t.Name)
	if err == nil {
		fmt.Fprintf(a.stderr, "bigc: stopped; inbox: %d pending, %d held, %d done, %d dropped\n",
			counts["pending"], counts["held"], counts["done"], counts["dropped"])
	}
	return nil
}

// listenOutput opens where listen writes records: the --out file (its
// directory made if missing), whose own ledger keeps each version once, or stdout with a ledger in the state
// database.
func (a *app) listenOutput(ctx context.Context, db state.Store, out, connection string) (*syncer.Writer, webhooks.Output, error) {
	if out != "" {
		if err := makeOutputDir(out); err != nil {
			return nil, nil, err
		}
		w, err := syncer.OpenFile(ctx, db, out)
		return w, w, err
	}
	w := syncer.NewStreamWriter(a.stdout)
	return w, webhooks.StreamLedger(db, "stdout of bigc webhooks listen, connection "+connection, w), nil
}

// storeID is the store's numeric ID, which lets the receiver refuse
// callbacks for another store; without it the producer's store hash is
// still checked.
func (a *app) storeID(ctx context.Context, t *target) string {
	info, err := t.Client.Store.Info(ctx)
	if err != nil {
		fmt.Fprintf(a.stderr, "bigc: could not read the store's ID (%v); callbacks are checked by store hash only\n", err)
		return ""
	}
	return strconv.FormatInt(info.StoreID, 10)
}

// subscribeSelf subscribes the embedded sandbox's sandboxScopes to the
// receiver listening on addr, through the same Subscriptions as bigc webhooks
// subscribe (so the secrets are kept where the receiver reads them). forget
// deletes those hooks and their secrets: the sandbox, and so its hooks, end
// with this process.
func (a *app) subscribeSelf(ctx context.Context, t *target, store webhooks.SecretStore, addr net.Addr) (forget func(), err error) {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return func() {}, err
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		host = "127.0.0.1" // an unspecified address (0.0.0.0, ::) listens on loopback too
	}
	dest := "http://" + net.JoinHostPort(host, port) + "/bigc/hooks"
	subs := &webhooks.Subscriptions{Hooks: t.Client.Webhooks, Secrets: store, Connection: t.Name}
	var ids []int
	forget = func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		for _, id := range ids {
			if _, err := subs.Delete(ctx, id); err != nil {
				fmt.Fprintf(a.stderr, "bigc: removing the sandbox's hook %d: %v\n", id, err)
			}
		}
	}
	for _, scope := range sandboxScopes {
		sub, err := subs.Subscribe(ctx, scope, dest)
		if err != nil {
			return forget, fmt.Errorf("subscribing the embedded sandbox's %s events to %s: %w", scope, dest, err)
		}
		ids = append(ids, sub.ID)
	}
	base := t.Client.BaseURL()
	fmt.Fprintf(a.stderr, "bigc: embedded sandbox at %s delivers %s to %s; POST %s/_sandbox/orders creates an order\n",
		base, strings.Join(sandboxScopes, ", "), dest, base)
	return forget, nil
}

func outputName(w *syncer.Writer) string {
	if p := w.Path(); p != "" {
		return p
	}
	return "stdout"
}
