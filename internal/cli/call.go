package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/tools"
)

// maxInputBytes bounds a tool input read from a file or standard input; the
// largest real input (a product with its variants) is far smaller.
const maxInputBytes = 16 << 20

func (a *app) callCmd() *cobra.Command {
	var (
		tf        targetFlags
		input     string
		inputFile string
		fields    []string
		guard     writeGuard
		all       bool
	)
	cmd := &cobra.Command{
		Use:   "call TOOL [--connection NAME | --sandbox] [--input JSON | --input-file F] [-F key=value ...] [--yes]",
		Short: "Run one tool and print its result as JSON",
		Long: `Run one tool (see bigc tools) against a store and print its result as JSON on
stdout. The input is a JSON object, checked against the tool's schema before any
request. A destructive tool, and any write through a --production connection,
needs --yes: without it nothing is written, the change is described on stderr,
and the exit code is 2.`,
		Example: `  bigc call list-orders --sandbox --input '{"status": "Awaiting Fulfillment", "limit": 5}'
  bigc call list-orders --sandbox -F status='Awaiting Fulfillment' -F limit=5
  bigc call list-orders --sandbox -F status=Shipped --all
  bigc call update-product --sandbox -F id=111 -F description=@description.html
  bigc call get-product --connection us-production --input '{"id": 112}'
  echo '{"id": 112}' | bigc call delete-product --connection staging --input-file - --yes`,
		Args:              oneToolArg,
		ValidArgsFunction: completeToolNames,
		RunE: func(cmd *cobra.Command, args []string) error {
			reg := tools.NewRegistry()
			tool, err := lookupTool(reg, args[0])
			if err != nil {
				return err
			}
			if all && !pagedTool(tool) {
				return badInputf("--all follows the pages of a list tool (%s); %s answers in one piece", pagedToolNames(reg), tool.Name)
			}
			raw, err := a.readCallInput(cmd, input, inputFile)
			if err != nil {
				return err
			}
			if len(fields) > 0 {
				if raw, err = a.fieldInput(tool.InputSchema, raw, fields); err != nil {
					return tools.RedactError(err, a.redactSavedTokens)
				}
			}
			// Refuse bad input before starting a sandbox or touching a store.
			if err := tool.CheckInput(raw); err != nil {
				return tools.RedactError(err, a.redactSavedTokens)
			}
			t, err := a.openTarget(cmd.Context(), &tf)
			if err != nil {
				return err
			}
			defer t.Close()
			env := &tools.Env{Client: t.Client, Connection: t.Name, Production: t.Production, Confirmed: guard.yes}
			// On a production connection every call that writes needs
			// confirmation, which is what NeedsConfirmation answers there.
			preview := func() (string, error) { return tool.Preview(cmd.Context(), env, raw) }
			if err := guard.allowPreviewed(t, "bigc call "+tool.Name, t.Production && tool.NeedsConfirmation(env, raw), preview); err != nil {
				return err
			}
			env.Confirmed = guard.yes // a yes at the terminal's prompt
			if all {
				out, pages, err := runAllPages(cmd.Context(), tool, env, raw)
				if err != nil {
					return err
				}
				a.note(fmt.Sprintf("bigc call %s --all: %s read", tool.Name, plural(pages, "page")))
				return a.writeResult(out)
			}
			out, err := tool.Run(cmd.Context(), env, raw)
			if guard.confirmedAfter(t, err) {
				// A destructive tool refused with its preview, which the
				// person at the terminal has now confirmed.
				env.Confirmed = true
				out, err = tool.Run(cmd.Context(), env, raw)
			}
			var te *tools.Error
			if errors.As(err, &te) && te.Category == tools.CategoryConfirmationRequired {
				c := *te // a destructive tool's preview; the command line confirms with --yes
				c.Next = "nothing was changed; repeat the command with --yes to go ahead"
				return &c
			}
			if err != nil {
				return err
			}
			return a.writeResult(out)
		},
	}
	tf.register(cmd)
	f := cmd.Flags()
	f.StringVar(&input, "input", "", "the tool's input as a JSON object (default {})")
	f.StringVar(&inputFile, "input-file", "", "read the input from this file, or from standard input if -")
	f.StringArrayVarP(&fields, "field", "F", nil, "an input field as key=value, typed by the tool's schema; @FILE reads the value from a file; a.b sets a nested field, key[]=v appends (repeatable)")
	f.BoolVar(&all, "all", false, "list tools: follow every page and print one answer of the same shape, with all the items and their count")
	guard.register(cmd)
	return cmd
}

// readCallInput returns the tool input from --input or --input-file.
func (a *app) readCallInput(cmd *cobra.Command, input, inputFile string) (json.RawMessage, error) {
	if cmd.Flags().Changed("input") && inputFile != "" {
		return nil, badInputf("--input and --input-file both given: pass one of them")
	}
	if inputFile == "" {
		if input == "" {
			return json.RawMessage("{}"), nil
		}
		return json.RawMessage(input), nil
	}
	var r io.Reader
	if inputFile == "-" {
		r = a.stdin
	} else {
		f, err := os.Open(inputFile)
		if err != nil {
			return nil, badInputf("--input-file: %v", err)
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, maxInputBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading the input: %w", err)
	}
	if len(b) > maxInputBytes {
		return nil, badInputf("--input-file: the input is larger than %d MiB", maxInputBytes>>20)
	}
	return json.RawMessage(b), nil
}

// redactSavedTokens removes the access token of every saved connection and
// of the one-off connection ($BIGC_ACCESS_TOKEN) from s, read from the local
// configuration only: an input error is shown before any connection is
// opened, and a user may have pasted a token into the input.
func (a *app) redactSavedTokens(s string) string {
	if token := os.Getenv(accessTokenEnv); token != "" {
		s = bigcommerce.RedactSecret(s, token)
	}
	dir, err := a.connectionDir()
	if err != nil {
		return s
	}
	saved, _ := dir.List()
	for _, c := range saved {
		if token, err := c.ResolveToken(os.Getenv); err == nil && token != "" {
			s = bigcommerce.RedactSecret(s, token)
		}
	}
	return s
}
