package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/spf13/cobra"

	"github.com/bigc-dev/bigc/mcpserver"
	"github.com/bigc-dev/bigc/tools"
)

// mcpFlags are bigc mcp's flags.
type mcpFlags struct {
	connections    []string
	sandbox        bool
	http           string
	readOnly       bool
	tools          []string
	toolsets       []string
	allowRaw       bool
	allowedOrigins []string
	authTokenEnv   string
}

func (a *app) mcpCmd() *cobra.Command {
	var f mcpFlags
	cmd := &cobra.Command{
		Use:   "mcp",
		Short: "Serve the tools to AI agents over MCP (Agent mode): stdio, or Streamable HTTP with --http",
		Long: `Serve bigc's tools to an AI agent over the Model Context Protocol.

By default the server speaks MCP on stdin and stdout, as agent hosts expect of a
local server; with --http ADDR it serves Streamable HTTP at http://ADDR/mcp and
prints {"url": ...} on stdout once it listens. An address without a host binds
127.0.0.1. Any other address must be protected with a bearer token
(--auth-token-env); browser pages may call it only from an allowed Origin.

Deleting, raw API writes and any write on a production connection ask the user
to confirm, through the agent host's form (elicitation) or a confirmation token.`,
		Example: `  bigc mcp --sandbox
  bigc mcp --connection us-store --read-only
  bigc mcp --connection us --connection eu --tools list-orders,get-order,tag-order
  bigc mcp --connection us --toolsets orders,fulfilment
  BIGC_MCP_TOKEN=... bigc mcp --connection us --http 0.0.0.0:8808 --auth-token-env BIGC_MCP_TOKEN`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return a.runMCP(cmd, &f) },
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&f.connections, "connection", nil, "a named connection to serve; repeat for several (each tool then takes a connection argument)")
	fl.BoolVar(&f.sandbox, "sandbox", false, "serve an embedded sandbox store started in this process")
	fl.StringVar(&f.http, "http", "", "serve Streamable HTTP on this host:port instead of stdio (\":8808\" binds 127.0.0.1)")
	fl.BoolVar(&f.readOnly, "read-only", false, "serve only the tools that change nothing")
	fl.StringSliceVar(&f.tools, "tools", nil, "serve only these tools (comma-separated names; see bigc tools)")
	fl.StringSliceVar(&f.toolsets, "toolsets", nil, "serve only these toolsets (comma-separated): "+strings.Join(mcpserver.Toolsets, ", ")+"; default all")
	fl.BoolVar(&f.allowRaw, "allow-raw", false, "also serve raw-api-request, which can call any endpoint")
	fl.StringSliceVar(&f.allowedOrigins, "allowed-origins", nil, "browser origins allowed besides http://localhost:* and http://127.0.0.1:* (e.g. https://app.example.com, http://devbox:*)")
	fl.StringVar(&f.authTokenEnv, "auth-token-env", "", "environment variable holding the bearer token HTTP clients must send (required off loopback)")
	return cmd
}

func (a *app) runMCP(cmd *cobra.Command, f *mcpFlags) error {
	ctx := cmd.Context()
	switch {
	case f.sandbox && len(f.connections) > 0:
		return badInputf("--connection and --sandbox both given: pass one of them")
	case f.http == "" && (len(f.allowedOrigins) > 0 || f.authTokenEnv != ""):
		return badInputf("--allowed-origins and --auth-token-env apply to --http only")
	}
	var token string
	if f.authTokenEnv != "" {
		token = os.Getenv(f.authTokenEnv)
		if token == "" {
			return badInputf("--auth-token-env: the environment variable %s is empty or unset", f.authTokenEnv)
		}
	}

	var conns []mcpserver.Connection
	// Stores are released when the command returns, after the server stops.
	var closers []func()
	defer func() {
		for _, c := range slices.Backward(closers) {
			c()
		}
	}()
	var targets []*targetFlags
	switch {
	case f.sandbox:
		targets = append(targets, &targetFlags{sandbox: true})
	case len(f.connections) == 0:
		targets = append(targets, &targetFlags{}) // the sole saved connection, if there is one
	default:
		for i, name := range f.connections {
			if name == "" {
				return badInputf("--connection: the name is empty")
			}
			if slices.Contains(f.connections[:i], name) {
				return badInputf("--connection %s is given twice", name)
			}
			targets = append(targets, &targetFlags{connection: name})
		}
	}
	for _, tf := range targets {
		t, err := a.openTarget(ctx, tf)
		if err != nil {
			return err
		}
		if t.Close != nil {
			closers = append(closers, t.Close)
		}
		conns = append(conns, mcpserver.Connection{Name: t.Name, Client: t.Client, Production: t.Production, Access: t.Access})
	}

	toolNames := trimmed(f.tools)
	srv, err := mcpserver.New(tools.NewRegistry(), mcpserver.Options{
		Connections: conns,
		ReadOnly:    f.readOnly,
		Tools:       toolNames,
		Toolsets:    trimmed(f.toolsets),
		AllowRaw:    f.allowRaw,
	})
	if errors.Is(err, mcpserver.ErrRawNotAllowed) {
		return badInputf("--tools %s: it is served only with --allow-raw", mcpserver.RawToolName)
	}
	if err != nil {
		return err
	}
	var names []string
	for _, c := range conns {
		names = append(names, c.Name)
	}

	if f.http == "" {
		fmt.Fprintf(a.stderr, "bigc mcp: serving %s for %s on stdio\n", plural(len(srv.Tools()), "tool"), strings.Join(names, ", "))
		err := srv.Run(ctx, &mcp.IOTransport{Reader: readCloser(a.stdin), Writer: writeCloser(a.stdout)})
		if ctx.Err() != nil {
			return nil // interrupted: a normal way to stop a server
		}
		return err
	}
	err = srv.ListenAndServe(ctx, mcpserver.HTTPOptions{
		Addr:           f.http,
		AllowedOrigins: f.allowedOrigins,
		AuthToken:      token,
	}, func(url string) {
		fmt.Fprintf(a.stderr, "bigc mcp: serving %s for %s at %s\n", plural(len(srv.Tools()), "tool"), strings.Join(names, ", "), url)
		json.NewEncoder(a.stdout).Encode(map[string]string{"url": url})
	})
	if errors.Is(err, mcpserver.ErrAuthTokenRequired) {
		return badInputf("%w; set a token with --auth-token-env VAR", err)
	}
	return err
}

// trimmed drops the spaces around each of a list flag's values, and empty ones.
func trimmed(values []string) []string {
	var out []string
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// readCloser adapts stdin to the transport; a reader that cannot be closed
// gets a Close that does nothing.
func readCloser(r io.Reader) io.ReadCloser {
	if rc, ok := r.(io.ReadCloser); ok {
		return rc
	}
	return io.NopCloser(r)
}

type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }

// writeCloser keeps the server from closing stdout, which the process still
// uses for its own output after the session ends.
func writeCloser(w io.Writer) io.WriteCloser { return nopWriteCloser{w} }
