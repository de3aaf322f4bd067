package cli

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

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
			if !a.wantTable(asJSON) {
				out := make([]toolSummary, 0, len(reg.Tools()))
				for _, t := range reg.Tools() {
					out = append(out, toolSummary{Name: t.Name, Title: t.Title, Annotations: t.Annotations})
				}
				return a.writeResult(out)
			}
			rows := make([][]string, 0, len(reg.Tools()))
			for _, t := range reg.Tools() {
				rows = append(rows, []string{t.Name, t.Title, annotationWords(t.Annotations)})
			}
			return a.writeTable([]string{"NAME", "TITLE", "ANNOTATIONS"}, rows)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the list as JSON (the default when stdout is not a terminal)")
	cmd.AddCommand(a.toolsShowCmd())
	return cmd
}

func (a *app) toolsShowCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:               "show TOOL",
		Short:             "Print a tool's description, annotations and input and output JSON Schemas",
		Args:              oneToolArg,
		ValidArgsFunction: completeToolNames,
		RunE: func(cmd *cobra.Command, args []string) error {
			t, err := lookupTool(tools.NewRegistry(), args[0])
			if err != nil {
				return err
			}
			if a.wantTable(asJSON) {
				return a.writeToolInputs(t)
			}
			return a.writeResult(toolDefinition{
				Name: t.Name, Title: t.Title, Description: t.Description, Annotations: t.Annotations,
				InputSchema: t.InputSchema, OutputSchema: t.OutputSchema,
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the definition with its JSON Schemas (the default when stdout is not a terminal)")
	return cmd
}

// writeToolInputs prints, for a person, a tool's description and a table of
// its inputs: name, type, required, description, allowed values. Nested
// objects are flattened with dotted names ("lines[].sku").
func (a *app) writeToolInputs(t *tools.Tool) error {
	fmt.Fprintf(a.stdout, "%s: %s (%s)\n\n%s\n\n", t.Name, t.Title, annotationWords(t.Annotations), t.Description)
	var rows [][]string
	inputRows(t.InputSchema, "", &rows)
	if len(rows) == 0 {
		_, err := fmt.Fprintln(a.stdout, "No inputs.")
		return err
	}
	// ALLOWED comes last: a long enum then only runs off the right edge.
	return a.writeTable([]string{"INPUT", "TYPE", "REQUIRED", "DESCRIPTION", "ALLOWED"}, rows)
}

// inputRows appends a row per property of s, under prefix, in name order,
// and the rows of nested objects and arrays of objects.
func inputRows(s *jsonschema.Schema, prefix string, rows *[][]string) {
	if s == nil {
		return
	}
	names := make([]string, 0, len(s.Properties))
	for n := range s.Properties {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		p := s.Properties[n]
		req := ""
		if slices.Contains(s.Required, n) {
			req = "yes"
		}
		*rows = append(*rows, []string{prefix + n, schemaType(p), req, firstSentence(p.Description), allowedValues(p)})
		switch {
		case len(p.Properties) > 0:
			inputRows(p, prefix+n+".", rows)
		case p.Items != nil && len(p.Items.Properties) > 0:
			inputRows(p.Items, prefix+n+"[].", rows)
		}
	}
}

// schemaType names a property's JSON type: "integer", "string|number",
// "array of string". null, which only an optional input allows, is left out.
func schemaType(p *jsonschema.Schema) string {
	types := slices.DeleteFunc(slices.Clone(p.Types), func(t string) bool { return t == "null" })
	if p.Type != "" {
		types = []string{p.Type}
	}
	if len(types) == 0 {
		for _, alt := range append(p.AnyOf, p.OneOf...) {
			if alt.Type != "" && !slices.Contains(types, alt.Type) {
				types = append(types, alt.Type)
			}
		}
	}
	t := strings.Join(types, "|")
	if p.Items != nil && slices.Contains(types, "array") {
		t = "array of " + cmp.Or(schemaType(p.Items), "any")
	}
	return t
}

// allowedValues lists a property's enum, or its bounds.
func allowedValues(p *jsonschema.Schema) string {
	if len(p.Enum) > 0 {
		vals := make([]string, len(p.Enum))
		for i, v := range p.Enum {
			vals[i] = fmt.Sprint(v)
		}
		return strings.Join(vals, ", ")
	}
	switch {
	case p.Minimum != nil && p.Maximum != nil:
		return fmt.Sprintf("%v to %v", *p.Minimum, *p.Maximum)
	case p.Minimum != nil:
		return fmt.Sprintf("%v or more", *p.Minimum)
	case p.Maximum != nil:
		return fmt.Sprintf("up to %v", *p.Maximum)
	}
	return ""
}

// firstSentence keeps a table cell short: a description's first sentence
// (one that ends in ". " before a capital letter, not after "e.g").
func firstSentence(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	for i := 0; i+2 < len(s); i++ {
		abbrev := strings.HasSuffix(s[:i], "e.g") || strings.HasSuffix(s[:i], "i.e")
		if s[i] == '.' && s[i+1] == ' ' && 'A' <= s[i+2] && s[i+2] <= 'Z' && !abbrev {
			return s[:i+1]
		}
	}
	return s
}

// lookupTool finds a tool by name, or says which names exist.
func lookupTool(reg *tools.Registry, name string) (*tools.Tool, error) {
	if t, ok := reg.Lookup(name); ok {
		return t, nil
	}
	if near := nearestName(name, reg.Names()); near != "" {
		return nil, badInputf("no tool named %q; did you mean %q? (see bigc tools)", name, near)
	}
	return nil, badInputf("no tool named %q; the tools are: %s (see bigc tools)", name, strings.Join(reg.Names(), ", "))
}

// oneToolArg is the Args check of the commands that take one TOOL: a missing
// or extra argument gets the list of names, as an unknown name does.
func oneToolArg(cmd *cobra.Command, args []string) error {
	if len(args) == 1 {
		return nil
	}
	if len(args) == 0 {
		return badInputf("which tool? the tools are: %s (see bigc tools)", strings.Join(tools.NewRegistry().Names(), ", "))
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
