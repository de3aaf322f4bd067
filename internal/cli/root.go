// Package cli is bigc's command line. One file per command group; each wires
// the packages together and holds no connector logic of its own.
package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
)

// app is what every command shares: the streams and the global flags.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	configDir      string // --config; resolved by configPath
	// isTerminal, when set, says which of the streams are terminals in
	// place of asking the operating system (in-process tests of the
	// output for people); see app.terminal.
	isTerminal func(w any) bool
	// jsonErrors: the command was given --json, so its error is printed
	// as the JSON object even on a terminal.
	jsonErrors bool
	// quiet: the command was given --quiet, so its notes (which connection,
	// retries, progress, the summary line) are not printed; errors still are.
	quiet bool
	// usedConnection names the saved connection the command opened, so that
	// an error's advice names it; fromEnv says it was the one-off connection
	// of $BIGC_STORE_HASH and $BIGC_ACCESS_TOKEN.
	usedConnection string
	fromEnv        bool
}

// Main runs bigc with args and returns the process exit code (see exitcodes.go).
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return run(ctx, args, stdin, stdout, stderr)
}

// run is Main under a context that an interrupt cancels.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return (&app{stdin: stdin, stdout: stdout, stderr: stderr}).run(ctx, args)
}

// run runs the command line args with a's streams.
func (a *app) run(ctx context.Context, args []string) int {
	root := a.rootCmd()
	root.SetArgs(args)
	root.SetIn(a.stdin)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	cmd, err := root.ExecuteContextC(ctx)
	if cmd != nil {
		if f := cmd.Flags().Lookup("json"); f != nil && f.Changed {
			a.jsonErrors = true
		}
	}
	return a.report(err)
}

func (a *app) rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "bigc",
		Short:         "A BigCommerce connector: tools, syncs, an MCP server and webhooks, with a built-in sandbox store",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       buildVersion(),
	}
	root.SetVersionTemplate("{{.Version}}\n")
	root.PersistentFlags().StringVar(&a.configDir, "config", "", "configuration directory (default $BIGC_CONFIG_DIR, else the user's config directory)/bigc")
	root.AddCommand(
		a.sandboxCmd(),
		a.connectionCmd(),
		a.toolsCmd(),
		a.callCmd(),
		a.syncCmd(),
		a.importCmd(),
		a.mcpCmd(),
		a.webhooksCmd(),
		a.workerCmd(),
		a.versionCmd(),
		a.doctorCmd(),
	)
	markUsageErrors(root)
	rejectUnknownSubcommands(root)
	a.addCompletions(root)
	return root
}

// rejectUnknownSubcommands makes every group command (connection, webhooks,
// ...) refuse a subcommand it does not have, with the nearest one suggested,
// where cobra would print the group's help and exit 0. The root command has
// cobra's own check.
func rejectUnknownSubcommands(cmd *cobra.Command) {
	for _, sub := range cmd.Commands() {
		rejectUnknownSubcommands(sub)
	}
	if !cmd.HasParent() || !cmd.HasSubCommands() || cmd.Runnable() {
		return
	}
	cmd.Args = cobra.ArbitraryArgs
	cmd.RunE = func(c *cobra.Command, args []string) error {
		if len(args) == 0 {
			return c.Help()
		}
		msg := fmt.Sprintf("unknown command %q for %q", args[0], c.CommandPath())
		if near := nearestCommand(c, args[0]); near != "" {
			msg += fmt.Sprintf("; did you mean %q? (see %s --help)", near, c.CommandPath())
		} else {
			msg += fmt.Sprintf(" (see %s --help)", c.CommandPath())
		}
		return badInputf("%s", msg)
	}
}

// nearestCommand is the subcommand of c most like name: one whose name holds
// name's letters in order from the same first letter ("rm" -> "remove"),
// else cobra's own suggestion (a few edits away, or name as a prefix).
func nearestCommand(c *cobra.Command, name string) string {
	name = strings.ToLower(name)
	for _, sub := range c.Commands() {
		if !sub.IsAvailableCommand() {
			continue
		}
		for _, cand := range append([]string{sub.Name()}, sub.Aliases...) {
			if name != "" && cand[0] == name[0] && subsequence(name, cand) {
				return sub.Name()
			}
		}
	}
	if c.SuggestionsMinimumDistance <= 0 {
		c.SuggestionsMinimumDistance = 2 // what cobra uses for the root
	}
	if near := c.SuggestionsFor(name); len(near) > 0 {
		return near[0]
	}
	return ""
}

// nearestName is the name in names most like name, by the same rule as
// nearestCommand (which it asks, over stand-in commands), or "".
func nearestName(name string, names []string) string {
	c := &cobra.Command{Use: "names"}
	for _, n := range names {
		c.AddCommand(&cobra.Command{Use: n, Run: func(*cobra.Command, []string) {}})
	}
	return nearestCommand(c, name)
}

// subsequence reports whether the letters of s appear in t in order.
func subsequence(s, t string) bool {
	i := 0
	for j := 0; i < len(s) && j < len(t); j++ {
		if s[i] == t[j] {
			i++
		}
	}
	return i == len(s)
}
