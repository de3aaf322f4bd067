package cli

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/internal/connections"
	"github.com/bigc-dev/bigc/state"
	"github.com/bigc-dev/bigc/tools"
)

// doctorReport is what bigc doctor prints: where bigc keeps its files, what
// it was built with, and how each connection's store answers.
type doctorReport struct {
	ConfigDir      string `json:"config_dir"`
	ConnectionsDir string `json:"connections_dir"`
	// State is the state database: a file path, or a PostgreSQL URL
	// without its password.
	State       string `json:"state"`
	StateExists *bool  `json:"state_exists,omitempty"` // a file's; null for PostgreSQL
	GoVersion   string `json:"go_version"`
	Version     string `json:"bigc_version"`
	// Default is the connection a command given none uses, and why.
	Default     string        `json:"default_connection,omitempty"`
	Connections []doctorStore `json:"connections"`
}

// doctorStore is one connection as bigc doctor found it.
type doctorStore struct {
	Name       string `json:"name"`
	StoreHash  string `json:"store_hash"`
	BaseURL    string `json:"base_url,omitempty"`
	Production bool   `json:"production"`
	// Reachable: the store answered GET /v2/time with the connection's token.
	Reachable bool         `json:"reachable"`
	Error     *tools.Error `json:"error,omitempty"`
	// ClockSkewSeconds is the store's clock minus this machine's, to the
	// second (the store's clock has no finer unit); a sync's window ends at
	// the store's time, so a large skew is worth knowing. Null when the
	// store did not answer.
	ClockSkewSeconds *int64 `json:"clock_skew_seconds"`
	// Groups says per tool group whether the token can read and write it
	// (bigcommerce.ProbeScopes, which writes nothing).
	Groups []bigcommerce.GroupAccess `json:"tool_groups"`
	// RateLimit is the quota the store reported in its X-Rate-Limit-*
	// headers; null when it sent none.
	RateLimit *doctorQuota `json:"rate_limit"`
}

// doctorQuota is a store's request quota as its last answer reported it.
type doctorQuota struct {
	Requests      int     `json:"requests"`
	WindowSeconds float64 `json:"window_seconds"`
	Left          int     `json:"left"`
}

func (a *app) doctorCmd() *cobra.Command {
	var (
		asJSON bool
		only   []string
	)
	cmd := &cobra.Command{
		Use:   "doctor [--connection NAME ...] [--json]",
		Short: "Say where bigc keeps its files and check every connection: reachable, clock skew, what its token can read and write, the store's quota",
		Long: `Doctor prints the configuration and state paths, the Go and bigc versions,
and for each saved connection (and the one-off connection of $BIGC_STORE_HASH
and $BIGC_ACCESS_TOKEN, when set): whether the store answers with its token,
its clock's skew from this machine's (GET /v2/time), which tool groups the
token can read and write (two requests a group, which write nothing), and the
request quota the store reports (X-Rate-Limit-* headers).

A table on a terminal; JSON with --json or when stdout is not a terminal. The
exit code is not 0 when a connection cannot be reached (that of its error).`,
		Example: `  bigc doctor
  bigc doctor --connection shop --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runDoctor(cmd.Context(), only, asJSON)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (the default when stdout is not a terminal)")
	cmd.Flags().StringArrayVar(&only, "connection", nil, "check only this connection (repeatable; default every saved one)")
	return cmd
}

// runDoctor gathers the report, prints it, and fails with the first
// unreachable connection's error.
func (a *app) runDoctor(ctx context.Context, only []string, asJSON bool) error {
	cfg, err := a.configPath()
	if err != nil {
		return err
	}
	if abs, err := filepath.Abs(cfg); err == nil {
		cfg = abs
	}
	rep := doctorReport{ConfigDir: cfg, ConnectionsDir: filepath.Join(cfg, "connections"),
		GoVersion: runtime.Version(), Version: buildVersion()}
	rep.State, rep.StateExists = a.statePlace(cfg)
	if name, why := a.defaultConnection(); name != "" {
		rep.Default = name + " (" + why + ")"
	}
	conns, err := a.doctorConnections(only)
	if err != nil {
		return err
	}
	rep.Connections = make([]doctorStore, len(conns))
	var wg sync.WaitGroup
	for i, c := range conns {
		wg.Go(func() { rep.Connections[i] = examineStore(ctx, c) })
	}
	wg.Wait()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if a.wantTable(asJSON) {
		err = a.writeDoctorTable(&rep)
	} else {
		err = a.writeResult(rep)
	}
	if err != nil {
		return err
	}
	var down []string
	var first *tools.Error
	for _, s := range rep.Connections {
		if !s.Reachable {
			down = append(down, s.Name)
			if first == nil {
				first = s.Error
			}
		}
	}
	if first == nil {
		return nil
	}
	e := *first
	e.Message = fmt.Sprintf("%s of %s cannot be reached (%s): %s", plural(len(down), "connection"), plural(len(rep.Connections), "connection"), strings.Join(down, ", "), first.Message)
	return &e
}

// statePlace names the state database a command given no --state uses
// ($BIGC_STATE_URL, else state.db in the configuration directory), without
// opening (and so creating) it, and for a file whether it exists.
func (a *app) statePlace(cfg string) (string, *bool) {
	target := os.Getenv("BIGC_STATE_URL")
	if state.IsPostgresURL(target) {
		return state.RedactURL(target), nil
	}
	if target == "" {
		target = filepath.Join(cfg, "state.db")
	}
	_, err := os.Stat(target)
	exists := err == nil
	return target, &exists
}

// doctorConnections are the connections to check: those named, else every
// saved one and the one-off connection of the environment.
func (a *app) doctorConnections(only []string) ([]*connections.Connection, error) {
	dir, err := a.connectionDir()
	if err != nil {
		return nil, err
	}
	if len(only) > 0 {
		var out []*connections.Connection
		for _, name := range only {
			c, err := loadConnection(dir, name)
			if err != nil {
				return nil, err
			}
			out = append(out, c)
		}
		return out, nil
	}
	out, err := dir.List()
	if err != nil {
		return nil, err
	}
	env, err := envConnection()
	if err != nil {
		return nil, err
	}
	if env != nil {
		out = append(out, env)
	}
	return out, nil
}

// doctorRetries is how often doctor retries a failed request: a person is
// waiting, as for connection verify.
const doctorRetries = verifyMaxRetries

// examineStore asks c's store the time (reachability and clock skew), probes
// what its token may read and write, and reads the quota the answers
// reported.
func examineStore(ctx context.Context, c *connections.Connection) doctorStore {
	s := doctorStore{Name: c.Name, StoreHash: c.StoreHash, BaseURL: c.BaseURL, Production: c.Production, Groups: []bigcommerce.GroupAccess{}}
	opts, err := (&targetFlags{}).clientOptions()
	if err == nil {
		var client *bigcommerce.Client
		client, err = c.NewClient(os.Getenv, append([]bigcommerce.Option{bigcommerce.WithMaxRetries(doctorRetries)}, opts...)...)
		if err == nil {
			err = s.ask(ctx, client)
		}
	}
	if err != nil {
		s.Error = tools.AsError(err)
		if errors.Is(err, connections.ErrInvalid) {
			s.Error = &tools.Error{Category: tools.CategoryBadInput, Message: err.Error()}
		}
	}
	return s
}

// ask fills s from the store's answers.
func (s *doctorStore) ask(ctx context.Context, client *bigcommerce.Client) error {
	before := time.Now()
	storeTime, err := client.Store.Time(ctx)
	if err != nil {
		return err
	}
	after := time.Now()
	s.Reachable = true
	// The store read its clock somewhere between the request and the
	// answer: compare with the middle.
	mid := before.Add(after.Sub(before) / 2)
	skew := int64(math.Round(storeTime.Sub(mid).Seconds()))
	s.ClockSkewSeconds = &skew
	groups, err := bigcommerce.ProbeScopes(ctx, client)
	if err != nil {
		return err
	}
	s.Groups = groups
	if rl := client.RateLimit(); rl.Quota > 0 {
		s.RateLimit = &doctorQuota{Requests: rl.Quota, WindowSeconds: rl.Window.Seconds(), Left: rl.Left}
	}
	return nil
}

// writeDoctorTable prints the report for a person: the paths and versions,
// then one row per connection.
func (a *app) writeDoctorTable(rep *doctorReport) error {
	state := rep.State
	if rep.StateExists != nil && !*rep.StateExists {
		state += " (not created yet)"
	}
	def := rep.Default
	if def == "" {
		def = "none"
	}
	if err := a.writeTable([]string{"CONFIG", rep.ConfigDir}, [][]string{
		{"CONNECTIONS", rep.ConnectionsDir},
		{"STATE", state},
		{"DEFAULT CONNECTION", def},
		{"GO", rep.GoVersion},
		{"BIGC", rep.Version},
	}); err != nil {
		return err
	}
	fmt.Fprintln(a.stdout)
	if len(rep.Connections) == 0 {
		_, err := fmt.Fprintln(a.stdout, "No connections saved; add one with bigc connection add NAME --store-hash H --token-stdin, or set $"+storeHashEnv+" and $"+accessTokenEnv+".")
		return err
	}
	rows := make([][]string, 0, len(rep.Connections))
	for _, s := range rep.Connections {
		reach, skew, quota := "yes", "", ""
		if !s.Reachable {
			reach = "no: " + string(s.Error.Category)
		}
		if s.ClockSkewSeconds != nil {
			skew = fmt.Sprintf("%+ds", *s.ClockSkewSeconds)
		}
		if s.RateLimit != nil {
			quota = fmt.Sprintf("%d/%gs (%d left)", s.RateLimit.Requests, s.RateLimit.WindowSeconds, s.RateLimit.Left)
		}
		var read, write []string
		for _, g := range s.Groups {
			if g.Read {
				read = append(read, g.Group)
			}
			if g.Write {
				write = append(write, g.Group)
			}
		}
		if s.Reachable && len(s.Groups) > 0 {
			read, write = orNone(read), orNone(write)
		}
		rows = append(rows, []string{s.Name, s.StoreHash, reach, skew, strings.Join(read, ","), strings.Join(write, ","), quota})
	}
	if err := a.writeTable([]string{"CONNECTION", "STORE HASH", "REACHABLE", "CLOCK SKEW", "CAN READ", "CAN WRITE", "QUOTA"}, rows); err != nil {
		return err
	}
	// Why a connection failed, or a probe did not prove access, below the table.
	var notes []string
	for _, s := range rep.Connections {
		if s.Error != nil {
			notes = append(notes, s.Name+": "+s.Error.Error())
		}
		for _, g := range s.Groups {
			// A write refused to a token that reads is the table's "none".
			if g.Note != "" && !(g.Read && g.WriteRefused()) {
				notes = append(notes, s.Name+": "+g.Group+": "+g.Note)
			}
		}
	}
	if len(notes) > 0 {
		_, err := fmt.Fprintf(a.stdout, "\n%s\n", strings.Join(notes, "\n"))
		return err
	}
	return nil
}

// orNone is names, or "none" for an empty list.
func orNone(names []string) []string {
	if len(names) == 0 {
		return []string{"none"}
	}
	return names
}
