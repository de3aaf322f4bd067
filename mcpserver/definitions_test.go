package mcpserver

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/bigc-dev/bigc/internal/golden"
	"github.com/bigc-dev/bigc/tools"
)

// registryServer serves the real registry, every tool included.
func registryServer(t testing.TB, opts Options) *Server {
	t.Helper()
	if opts.Connections == nil {
		opts.Connections = []Connection{testConn(t, "sandbox", false)}
	}
	opts.AllowRaw = true
	s, err := New(tools.NewRegistry(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// listedTools is tools/list as a client receives it, raw.
func listedTools(t testing.TB, s *Server) []json.RawMessage {
	t.Helper()
	cs := connect(t, s, nil, nil)
	res, err := cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var raws []json.RawMessage
	for _, tool := range res.Tools {
		raw, err := json.Marshal(tool)
		if err != nil {
			t.Fatal(err)
		}
		raws = append(raws, raw)
	}
	return raws
}

// TestToolDefinitionSnapshots keeps every tool's definition, as a client
// sees it, in testdata/tools/NAME.json; a change shows in review. Refresh with
// go test ./mcpserver -run Snapshots -update.
func TestToolDefinitionSnapshots(t *testing.T) {
	t.Parallel()
	s := registryServer(t, Options{})
	dir := filepath.Join("testdata", "tools")
	seen := map[string]bool{}
	for _, raw := range listedTools(t, s) {
		var head struct{ Name string }
		json.Unmarshal(raw, &head)
		seen[head.Name+".json"] = true
		var pretty bytes.Buffer
		json.Indent(&pretty, raw, "", "  ")
		pretty.WriteByte('\n')
		golden.Check(t, filepath.Join(dir, head.Name+".json"), pretty.Bytes())
	}
	golden.Prune(t, dir, "*.json", seen)
}

var toolName = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)

// TestToolDefinitionsLint holds every served definition to the bar a model
// needs: a name, a title, a bounded description, all four annotations set,
// every property described, closed input objects, enums that list values,
// and an output schema that is an object.
func TestToolDefinitionsLint(t *testing.T) {
	t.Parallel()
	for _, opts := range []Options{{}, {Connections: []Connection{testConn(t, "us", true), testConn(t, "eu", false)}}} {
		s := registryServer(t, opts)
		raws := listedTools(t, s)
		if len(raws) < 15 {
			t.Errorf("%d tools listed, want the registry's 15", len(raws))
		}
		for _, raw := range raws {
			var def struct {
				Name, Title, Description  string
				Annotations               map[string]any
				InputSchema, OutputSchema *jsonschema.Schema
			}
			if err := json.Unmarshal(raw, &def); err != nil {
				t.Fatal(err)
			}
			name := def.Name
			if !toolName.MatchString(name) || len(name) > 64 {
				t.Errorf("%s: name is not lower-case words joined by hyphens", name)
			}
			if def.Title == "" {
				t.Errorf("%s: no title", name)
			}
			if n := len(def.Description); n < 40 || n > 1200 {
				t.Errorf("%s: description is %d characters; keep it between 40 and 1200", name, n)
			}
			// The four hints a client reads, with the protocol's defaults
			// where a hint is left out, are the tool's own.
			tool, _ := tools.NewRegistry().Lookup(name)
			if got := hintsOf(def.Annotations); got != readableHints(tool.Annotations) {
				t.Errorf("%s: the hints read as %+v, want %+v", name, got, tool.Annotations)
			}
			if def.InputSchema == nil || def.InputSchema.Type != "object" {
				t.Fatalf("%s: input schema is not an object", name)
			}
			if ap := def.InputSchema.AdditionalProperties; ap == nil || ap.Not == nil {
				t.Errorf("%s: input schema accepts unknown arguments; want additionalProperties false", name)
			}
			if def.OutputSchema == nil || def.OutputSchema.Type != "object" {
				t.Errorf("%s: output schema is not an object", name)
			} else {
				lintSkeleton(t, name+" output", def.OutputSchema)
			}
			lintSchema(t, name+" input", def.InputSchema)
		}
	}
}

// lintSkeleton checks an output schema: names and types only, no prose
// (the tool's description and input schema describe each field once), and
// nothing required, so that trimmed, cut and failed answers all validate.
func lintSkeleton(t *testing.T, where string, s *jsonschema.Schema) {
	t.Helper()
	if s == nil {
		return
	}
	if s.Description != "" || s.Title != "" || len(s.Required) > 0 {
		t.Errorf("%s: output schemas carry no description, title or required list", where)
	}
	for _, p := range slices.Sorted(mapsKeys(s.Properties)) {
		lintSkeleton(t, where+"."+p, s.Properties[p])
	}
	lintSkeleton(t, where+"[]", s.Items)
}

// wordsOf is a name or a description as its lower-case words.
func wordsOf(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !('a' <= r && r <= 'z' || '0' <= r && r <= '9')
	}), " ")
}

// lintSchema checks that no property of s, at any depth, is described by
// its name alone (a name that says it all goes undescribed: each field is
// described once, briefly) and that every enum lists values.
func lintSchema(t *testing.T, where string, s *jsonschema.Schema) {
	t.Helper()
	if s == nil {
		return
	}
	if s.Enum != nil && len(s.Enum) == 0 {
		t.Errorf("%s: empty enum", where)
	}
	for _, p := range slices.Sorted(mapsKeys(s.Properties)) {
		ps := s.Properties[p]
		if ps.Description != "" && wordsOf(ps.Description) == wordsOf(p) {
			t.Errorf("%s.%s: the description %q only repeats the name", where, p, ps.Description)
		}
		lintSchema(t, where+"."+p, ps)
	}
	lintSchema(t, where+"[]", s.Items)
	if s.AdditionalProperties != nil && s.AdditionalProperties.Not == nil {
		lintSchema(t, where+"{}", s.AdditionalProperties)
	}
	for i, sub := range slices.Concat(s.AnyOf, s.OneOf, s.AllOf) {
		lintSchema(t, fmt.Sprintf("%s|%d", where, i), sub)
	}
}

func mapsKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// toolsListBudget bounds tools/list, every tool served (raw-api-request
// included) on one connection, as minified JSON: what a model pays for
// before its first call.
const toolsListBudget = 24_000

// TestToolsListBudget holds tools/list to its budget, and keeps the bytes
// each tool takes in testdata/tools_list_bytes.txt (refresh with -update),
// so that growth shows, tool by tool, in review.
func TestToolsListBudget(t *testing.T) {
	t.Parallel()
	s := registryServer(t, Options{})
	cs := connect(t, s, nil, nil)
	res, err := cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(res)
	var table strings.Builder
	fmt.Fprintf(&table, "%-20s %6s %6s %6s %6s\n", "tool", "bytes", "descr", "input", "output")
	for _, tool := range res.Tools {
		all, _ := json.Marshal(tool)
		in, _ := json.Marshal(tool.InputSchema)
		out, _ := json.Marshal(tool.OutputSchema)
		fmt.Fprintf(&table, "%-20s %6d %6d %6d %6d\n", tool.Name, len(all), len(tool.Description), len(in), len(out))
	}
	fmt.Fprintf(&table, "%-20s %6d  (%d tools, the whole tools/list result)\n", "total", len(raw), len(res.Tools))
	golden.Check(t, filepath.Join("testdata", "tools_list_bytes.txt"), []byte(table.String()))
	if len(raw) > toolsListBudget {
		t.Errorf("tools/list is %d bytes, over the %d budget:\n%s", len(raw), toolsListBudget, table.String())
	}
}

// validateOutput checks a result's structured content against the tool's
// published output schema, as a strict client would.
func validateOutput(t testing.TB, def *mcp.Tool, res *mcp.CallToolResult) {
	t.Helper()
	raw, err := json.Marshal(def.OutputSchema)
	if err != nil {
		t.Fatal(err)
	}
	var schema jsonschema.Schema
	if err := json.Unmarshal(raw, &schema); err != nil {
		t.Fatal(err)
	}
	resolved, err := schema.Resolve(nil)
	if err != nil {
		t.Fatalf("%s: output schema does not resolve: %v", def.Name, err)
	}
	// Validate what the client received, decoded as any JSON client would.
	body, _ := json.Marshal(res.StructuredContent)
	var v any
	json.Unmarshal(body, &v)
	if err := resolved.Validate(v); err != nil {
		t.Errorf("%s: answer does not match the output schema: %v\nanswer: %s", def.Name, err, body)
	}
}

// TestInstructionsNameErrorCategories: the output schemas describe the error
// object in one line, so the instructions, sent once, must name every
// category a failed call can carry.
func TestInstructionsNameErrorCategories(t *testing.T) {
	t.Parallel()
	cs := connect(t, registryServer(t, Options{}), nil, nil)
	instructions := cs.InitializeResult().Instructions
	for _, c := range slices.Concat(errorCategories(), adapterCategories()) {
		if !strings.Contains(instructions, string(c)) {
			t.Errorf("instructions do not name the error category %s: %q", c, instructions)
		}
	}
}
