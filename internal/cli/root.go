// Package cli is bigc's command line. One file per command group; each wires
// the packages together and holds no connector logic of its own.
package cli

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

// app is what every command shares: the streams and the global flags.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	configDir      string // --config; resolved by configPath
}

// Main runs bigc with args and returns the process exit code (see exitcodes.go).
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return run(ctx, args, stdin, stdout, stderr)
}

// run is Main under a context that an interrupt cancels.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr}
	root := a.rootCmd()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
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
		a.mcpCmd(),
		a.webhooksCmd(),
		a.versionCmd(),
	)
	markUsageErrors(root)
	a.addCompletions(root)
	return root
}
