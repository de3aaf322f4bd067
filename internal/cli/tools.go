package cli

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/spf13/cobra"

	"github.com/bigc-dev/bigc/tools"
)

// toolSummary is one line of bigc tools --json.
type toolSummary struct {
	Name        string            `json:"name"`
	Title       string            `json:"title"`
	Annotations tools.Annotations `json:"annotations"`
}

// toolDefinition is what bigc tools show prints: everything a caller needs to
// call the tool.
type toolDefinition struct {
	Name         string             `json:"name"`
	Title        string             `json:"title"`
	Description  string             `json:"description"`
	Annotations  tools.Annotations  `json:"annotations"`
	InputSchema  *jsonschema.Schema `json:"inputSchema"`
	OutputSchema *jsonschema.Schema `json:"outputSchema"`
}

func (a *app) toolsCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "tools",
		Short: "List the tools bigc call and the MCP server run",
		Long: `List the tools in their fixed order with their titles and annotations
(read-only, destructive, idempotent, open-world). bigc tools show TOOL prints a
tool's input and output JSON Schemas.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			reg := tools.NewRegistry()
			if asJSON {
				out := make([]toolSummary, 0, len(reg.Tools()))
				for _, t := range reg.Tools() {
					out = append(out, toolSummary{Name: t.Name, Title: t.Title, Annotations: t.Annotations})
				}
				return a.writeResult(out)
			}
			w := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "NAME\tTITLE\tANNOTATIONS")
			for _, t := range reg.Tools() {
				fmt.Fprintf(w, "%s\t%s\t%s\n", t.Name, t.Title, annotationWords(t.Annotations))
			}
			return w.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the list as JSON")
	cmd.AddCommand(a.toolsShowCmd())
	return cmd
}

func (a *app) toolsShowCmd() *cobra.Command {
	return &cobra.Command{
		Use:               "show TOOL",
		Short:             "Print a tool's description, annotations and input and output JSON Schemas",
		Args:              oneToolArg,
		ValidArgsFunction: completeToolNames,
		RunE: func(cmd *cobra.Command, args []string) error {
			t, err := lookupTool(tools.NewRegistry(), args[0])
			if err != nil {
				return err
			}
			return a.writeResult(toolDefinition{
				Name: t.Name, Title: t.Title, Description: t.Description, Annotations: t.Annotations,
				InputSchema: t.InputSchema, OutputSchema: t.OutputSchema,
			})
		},
	}
}

// lookupTool finds a tool by name, or says which names exist.
func lookupTool(reg *tools.Registry, name string) (*tools.Tool, error) {
	if t, ok := reg.Lookup(name); ok {
		return t, nil
	}
	return nil, badInputf("no tool named %q; the tools are: %s (see bigc tools)", name, strings.Join(reg.Names(), ", "))
}

// oneToolArg is the Args check of the commands that take one TOOL: a missing
// or extra argument gets the list of names, as an unknown name does.
func oneToolArg(cmd *cobra.Command, args []string) error {
	if len(args) == 1 {
		return nil
	}
	return badInputf("%s takes one TOOL argument, got %d; the tools are: %s (see bigc tools)",
		cmd.CommandPath(), len(args), strings.Join(tools.NewRegistry().Names(), ", "))
}

// annotationWords renders annotations for the human-readable list.
func annotationWords(an tools.Annotations) string {
	w := []string{"writes"}
	switch {
	case an.ReadOnly:
		w[0] = "read-only"
	case an.Destructive:
		w[0] = "destructive"
	}
	if an.Idempotent {
		w = append(w, "idempotent")
	}
	if an.OpenWorld {
		w = append(w, "open-world")
	}
	return strings.Join(w, ", ")
}

// completeToolNames offers tool names as shell completions for the first argument.
func completeToolNames(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	reg := tools.NewRegistry()
	var out []string
	for _, t := range reg.Tools() {
		if strings.HasPrefix(t.Name, toComplete) {
			out = append(out, t.Name+"\t"+t.Title)
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}
