package tools

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/jsonschema-go/jsonschema"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/internal/golden"
)

// toolDefinition is what a golden file holds for one tool: everything a
// caller (a person, the CLI, an MCP client) sees of it.
type toolDefinition struct {
	Name         string             `json:"name"`
	Title        string             `json:"title"`
	Description  string             `json:"description"`
	Annotations  Annotations        `json:"annotations"`
	InputSchema  *jsonschema.Schema `json:"inputSchema"`
	OutputSchema *jsonschema.Schema `json:"outputSchema"`
}

func definitionJSON(t *testing.T, tool *Tool) []byte {
	t.Helper()
	b, err := json.MarshalIndent(toolDefinition{
		Name: tool.Name, Title: tool.Title, Description: tool.Description,
		Annotations: tool.Annotations, InputSchema: tool.InputSchema, OutputSchema: tool.OutputSchema,
	}, "", "  ")
	if err != nil {
		t.Fatalf("%s: encoding the definition: %v", tool.Name, err)
	}
	return append(b, '\n')
}

// TestToolSchemasGolden pins every registered tool's schemas, annotations and
// description: a change to a tool's contract shows up in review as a diff.
func TestToolSchemasGolden(t *testing.T) {
	reg := NewRegistry()
	dir := filepath.Join("testdata", "schemas")
	want := map[string]bool{}
	for _, tool := range reg.Tools() {
		name := tool.Name + ".json"
		want[name] = true
		golden.Check(t, filepath.Join(dir, name), definitionJSON(t, tool))
	}
	// A golden file of a tool that no longer exists is stale.
	golden.Prune(t, dir, "*.json", want)
}

// TestFrameworkSchemaGolden pins the schema the framework derives for each kind
// of field (decimals, times, pointers, maps, raw JSON), independent of the tools.
func TestFrameworkSchemaGolden(t *testing.T) {
	t.Parallel()
	tool, _ := newTestRegistry(&testCalls{}).Lookup("get-thing")
	golden.Check(t, filepath.Join("testdata", "framework", "get-thing.json"), definitionJSON(t, tool))
}

var kebabName = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)

// TestRegistryConventions checks what every tool promises its callers.
func TestRegistryConventions(t *testing.T) {
	t.Parallel()
	reg := NewRegistry()
	for _, tool := range reg.Tools() {
		t.Run(tool.Name, func(t *testing.T) {
			if !kebabName.MatchString(tool.Name) || len(tool.Name) > 64 {
				t.Errorf("name %q is not kebab-case of at most 64 characters", tool.Name)
			}
			if strings.TrimSpace(tool.Title) == "" {
				t.Error("no title")
			}
			if len(strings.Fields(tool.Description)) < 8 {
				t.Errorf("description %q is too short to tell a model when to use the tool", tool.Description)
			}
			a := tool.Annotations
			if a.ReadOnly && a.Destructive {
				t.Error("annotated both read-only and destructive")
			}
			if a.Destructive && !tool.hasPreview() {
				t.Error("destructive without a Preview: an unconfirmed call could not say what it would delete")
			}
			in := tool.InputSchema
			if in.Type != "object" || !isFalseSchema(in.AdditionalProperties) {
				t.Errorf("input schema is not a closed object: type %q", in.Type)
			}
			// A field whose name says it all goes undescribed (tools/list is
			// paid for in tokens); one whose name does not needs a
			// jsonschema:"..." tag. TestToolContracts refuses descriptions that
			// only repeat the name.
			for name, p := range in.Properties {
				if strings.TrimSpace(p.Description) == "" && len(p.Enum) == 0 && !selfExplanatory(name) {
					t.Errorf("input field %q has no description (add a jsonschema:\"...\" tag)", name)
				}
			}
			if tool.OutputSchema == nil {
				t.Error("no output schema")
			}
		})
	}
}

// TestDecimalSchemaMatchesTheClient checks that the schema's pattern and the
// client's decimal parser agree on what a decimal is.
func TestDecimalSchemaMatchesTheClient(t *testing.T) {
	t.Parallel()
	published := regexp.MustCompile(decimalSchema().Pattern)
	for _, s := range []string{"0", "19.99", "-3", "1.000", "1e3", "1.", ".5", "19,99", "+1", " 1", "NaN", "", strings.Repeat("9", 100_001)} {
		schemaOK := published.MatchString(s)
		_, err := bigcommerce.ParseDecimal(s)
		if schemaOK != (err == nil) {
			t.Errorf("%q: schema pattern accepts=%v, bigcommerce.ParseDecimal accepts=%v", s, schemaOK, err == nil)
		}
	}
}

func TestSchemaOptionsDecimal(t *testing.T) {
	t.Parallel()
	s, err := jsonschema.For[testVariant](schemaOptions())
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(s.Properties["price"])
	var m map[string]any
	if err := json.Unmarshal(got, &m); err != nil {
		t.Fatal(err)
	}
	if m["pattern"] != bigcommerce.DecimalPattern || !slices.Equal(toStrings(m["type"]), []string{"number", "string"}) {
		t.Errorf("price schema = %s, want a number-or-decimal-string schema", got)
	}
	if !bytes.Contains(got, []byte(`"description":"the variant's price"`)) {
		t.Errorf("price schema = %s, want the jsonschema tag as description", got)
	}
}

func toStrings(v any) []string {
	l, _ := v.([]any)
	out := make([]string, 0, len(l))
	for _, x := range l {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

// selfExplanatory are input names that say what they hold: an entity's id,
// names, contact fields and paging.
func selfExplanatory(name string) bool {
	switch name {
	case "id", "first_name", "last_name", "email", "phone", "company", "name", "sku", "quantity", "tracking_number",
		"street_1", "city", "state", "zip", "limit", "page", "cursor", "is_visible", "purchasable", "brand", "notes", "key",
		"inventory_min", "inventory_max", "min_total", "max_total", "price", "sale_price", "cost_price", "retail_price",
		"weight", "variants", "images", "custom_fields", "lines", "items", "addresses", "create_categories",
		"inventory_level", "inventory_warning_level", "category", "metafields", "flat", "country", "staff_notes", "customer_message", "line_items_page", "query",
		"created_from", "created_to", "modified_from", "modified_to":
		return true
	}
	return strings.HasSuffix(name, "_id")
}
