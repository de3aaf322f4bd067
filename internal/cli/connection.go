package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/internal/connections"
)

func (a *app) connectionCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "connection",
		Short: "Add, list, verify and remove named store connections",
		Long: `A connection is a store hash and an access token saved under a name, in
<config>/connections/NAME.json (mode 0600). The token is either kept in that file
(--token-stdin) or read from an environment variable each time (--token-env VAR:
only the variable's name is saved).`,
	}
	cmd.AddCommand(a.connectionAddCmd(), a.connectionListCmd(), a.connectionVerifyCmd(), a.connectionRemoveCmd(), a.connectionUseCmd())
	return cmd
}

// connectionReport is what add and verify print: the connection, without its
// token, and what the check found.
type connectionReport struct {
	Connection connections.Summary `json:"connection"`
	Check      *connections.Check  `json:"check"`
}

func (a *app) connectionAddCmd() *cobra.Command {
	var (
		c          connections.Connection
		tokenStdin bool
		force      bool
	)
	cmd := &cobra.Command{
		Use:   "add NAME --store-hash H (--token-stdin | --token-env VAR)",
		Short: "Verify a store's credentials with a lightweight read, then save them under NAME",
		Example: `  printf '%s' "$TOKEN" | bigc connection add us-production --store-hash abc123 --token-stdin --production
  bigc connection add staging --store-hash def456 --token-env BIGC_STAGING_TOKEN`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c.Name = args[0]
			if err := connections.ValidateName(c.Name); err != nil {
				return err
			}
			if c.StoreHash == "" {
				return badInputf("--store-hash is required: the letters and digits after stores/ in the API path, e.g. abc123")
			}
			hash, err := bigcommerce.ParseStoreHash(c.StoreHash)
			if err != nil {
				return badInputf("--store-hash: %v", err)
			}
			c.StoreHash = hash
			switch {
			case tokenStdin && c.TokenEnv != "":
				return badInputf("--token-stdin and --token-env both given: pass one of them")
			case tokenStdin:
				tok, err := a.readTokenStdin()
				if err != nil {
					return err
				}
				c.Token = tok
			case c.TokenEnv == "":
				return badInputf("no token: pass --token-stdin (and the token on standard input) or --token-env VAR")
			}
			if err := c.Validate(); err != nil {
				return flagError(err)
			}
			dir, err := a.connectionDir()
			if err != nil {
				return err
			}
			// Refuse a taken name before asking the store anything.
			if names, _ := dir.Names(); !force && slices.Contains(names, c.Name) {
				return fmt.Errorf("%w: %q", connections.ErrExists, c.Name)
			}
			// An unwritable configuration directory is found before the store
			// is asked anything.
			if err := dir.Prepare(); err != nil {
				return badInputf("configuration directory: %v (pass --config DIR or set BIGC_CONFIG_DIR to a directory bigc can write)", err)
			}
			check, err := a.verifyConnection(cmd, &c)
			if err != nil {
				return err
			}
			if err := dir.Save(&c, force); err != nil {
				return err
			}
			return a.writeResult(connectionReport{Connection: c.Summary(), Check: check})
		},
	}
	f := cmd.Flags()
	f.StringVar(&c.StoreHash, "store-hash", "", "the store hash (the letters and digits after stores/ in the API path)")
	f.BoolVar(&tokenStdin, "token-stdin", false, "read the access token from standard input and keep it in the connection file (mode 0600)")
	f.StringVar(&c.TokenEnv, "token-env", "", "read the access token from this environment variable each time; only the variable's name is saved")
	f.StringVar(&c.BaseURL, "base-url", "", "the API host, when it is not https://api.bigcommerce.com (e.g. a bigc sandbox)")
	f.BoolVar(&c.Production, "production", false, "mark the store as production: every write through it needs --yes")
	f.BoolVar(&force, "force", false, "replace a connection of the same name")
	return cmd
}

// flagError words a connections.FieldError by the flag of connection add that
// gave the field (store_hash is --store-hash).
func flagError(err error) error {
	var fe *connections.FieldError
	if errors.As(err, &fe) {
		return badInputf("--%s: %s", strings.ReplaceAll(fe.Field, "_", "-"), fe.Message)
	}
	return err
}

// readTokenStdin reads the access token from standard input: without echo when it
// is a terminal, else the whole input (a pipe or a file).
func (a *app) readTokenStdin() (string, error) {
	if f, ok := a.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(a.stderr, "Access token (input hidden): ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(a.stderr)
		if err != nil {
			return "", fmt.Errorf("reading the token: %w", err)
		}
		return strings.TrimSpace(string(b)), nil
	}
	// A token is short; reading a bounded amount keeps a mistaken pipe of a
	// large file from filling memory.
	b, err := io.ReadAll(io.LimitReader(bufio.NewReader(a.stdin), 64<<10))
	if err != nil {
		return "", fmt.Errorf("reading the token from standard input: %w", err)
	}
	tok := strings.TrimSpace(string(b))
	if tok == "" {
		return "", badInputf("--token-stdin: standard input is empty; pipe the token in, e.g. printf '%%s' \"$TOKEN\" | bigc connection add ...")
	}
	return tok, nil
}

// verifyMaxRetries is how often the credential check retries a failed request.
const verifyMaxRetries = 2

// verifyConnection runs the lightweight credential check and records what it found in c.
func (a *app) verifyConnection(cmd *cobra.Command, c *connections.Connection) (*connections.Check, error) {
	opts, err := (&targetFlags{retryNotify: a.retryNotice()}).clientOptions()
	if err != nil {
		return nil, err
	}
	// A credential check answers a person waiting at a prompt: two retries,
	// not the nine a long job gets. BIGC_MAX_RETRIES, applied after, still wins.
	opts = append([]bigcommerce.Option{bigcommerce.WithMaxRetries(verifyMaxRetries)}, opts...)
	client, err := c.NewClient(os.Getenv, opts...)
	if err != nil {
		return nil, err
	}
	check, err := connections.Verify(cmd.Context(), client)
	if err != nil {
		return nil, fmt.Errorf("verifying connection %q: %w", c.Name, err)
	}
	c.Record(check, time.Now())
	return check, nil
}

func (a *app) connectionListCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the saved connections (never their tokens)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, err := a.connectionDir()
			if err != nil {
				return err
			}
			list, err := dir.List()
			if err != nil {
				return err
			}
			out := make([]connections.Summary, 0, len(list))
			for _, c := range list {
				out = append(out, c.Summary())
			}
			if !a.wantTable(asJSON) {
				return a.writeResult(out)
			}
			if len(out) == 0 {
				_, err := fmt.Fprintln(a.stdout, "No connections saved; add one with bigc connection add NAME --store-hash H --token-stdin.")
				return err
			}
			rows := make([][]string, 0, len(out))
			for _, s := range out {
				prod := ""
				if s.Production {
					prod = "yes"
				}
				rows = append(rows, []string{s.Name, s.StoreHash, s.StoreName, prod, s.TokenSource, s.BaseURL})
			}
			return a.writeTable([]string{"NAME", "STORE HASH", "STORE", "PRODUCTION", "TOKEN", "BASE URL"}, rows)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON array (the default when stdout is not a terminal)")
	return cmd
}

// connectionNameCmd is a connection subcommand of one saved connection's
// NAME (completed from the saved names): run gets the configuration
// directory and the name.
func (a *app) connectionNameCmd(use, short string, run func(cmd *cobra.Command, dir connections.Dir, name string) error) *cobra.Command {
	return &cobra.Command{
		Use:               use,
		Short:             short,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: a.completeConnectionArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, err := a.connectionDir()
			if err != nil {
				return err
			}
			return run(cmd, dir, args[0])
		},
	}
}

func (a *app) connectionVerifyCmd() *cobra.Command {
	return a.connectionNameCmd("verify NAME", "Check a saved connection's credentials again and say which tool groups it can read",
		func(cmd *cobra.Command, dir connections.Dir, name string) error {
			c, err := loadConnection(dir, name)
			if err != nil {
				return err
			}
			a.usedConnection = c.Name
			check, err := a.verifyConnection(cmd, c)
			if err != nil {
				return err
			}
			if err := dir.Save(c, true); err != nil {
				return err
			}
			return a.writeResult(connectionReport{Connection: c.Summary(), Check: check})
		})
}

func (a *app) connectionRemoveCmd() *cobra.Command {
	return a.connectionNameCmd("remove NAME", "Delete a saved connection (the token in the store stays valid; revoke it in the control panel)",
		func(_ *cobra.Command, dir connections.Dir, name string) error {
			if err := dir.Remove(name); err != nil {
				return suggestConnection(dir, name, err)
			}
			return a.writeResult(map[string]string{"removed": name})
		})
}

// writeResult writes v to stdout as indented JSON (with <, > and & as they
// are: product descriptions hold HTML).
func (a *app) writeResult(v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encoding the result: %w", err)
	}
	_, err := a.stdout.Write(buf.Bytes())
	return err
}

// loadConnection is dir.Load with, for a name not saved, the saved name most
// like it suggested ("did you mean \"staging\"?").
func loadConnection(dir connections.Dir, name string) (*connections.Connection, error) {
	c, err := dir.Load(name)
	return c, suggestConnection(dir, name, err)
}

// suggestConnection adds to err, when it is ErrNotFound for name, the saved
// connection name most like name.
func suggestConnection(dir connections.Dir, name string, err error) error {
	if errors.Is(err, connections.ErrNotFound) {
		names, _ := dir.Names()
		if near := nearestName(name, names); near != "" {
			return fmt.Errorf("%w; did you mean %q?", err, near)
		}
	}
	return err
}

// connectionEnv names the environment variable that chooses the connection
// of a command given neither --connection nor --sandbox.
const connectionEnv = "BIGC_CONNECTION"

// defaultConnectionFile holds, under the configuration directory, the name
// bigc connection use saved.
const defaultConnectionFile = "default-connection"

func (a *app) connectionUseCmd() *cobra.Command {
	return a.connectionNameCmd("use NAME", "Make NAME the connection of commands given neither --connection nor --sandbox ($BIGC_CONNECTION wins over it)",
		func(_ *cobra.Command, dir connections.Dir, name string) error {
			if _, err := loadConnection(dir, name); err != nil {
				return err
			}
			cfg, err := a.configPath()
			if err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(cfg, defaultConnectionFile), []byte(name+"\n"), 0o600); err != nil {
				return err
			}
			return a.writeResult(map[string]string{"default": name})
		})
}

// defaultConnection is the connection a command given neither --connection
// nor --sandbox uses, and why: $BIGC_CONNECTION, else the one bigc connection
// use saved; "" when neither is set.
func (a *app) defaultConnection() (name, why string) {
	if v := os.Getenv(connectionEnv); v != "" {
		return v, "from $" + connectionEnv
	}
	cfg, err := a.configPath()
	if err != nil {
		return "", ""
	}
	b, err := os.ReadFile(filepath.Join(cfg, defaultConnectionFile))
	if err != nil {
		return "", ""
	}
	return strings.TrimSpace(string(b)), "the default (bigc connection use)"
}
