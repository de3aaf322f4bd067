package mcpserver

import (
	"fmt"
	"maps"
	"regexp"
	"slices"

	"github.com/google/jsonschema-go/jsonschema"

	"github.com/bigc-dev/bigc/bigcommerce"
)

// Arguments the adapter adds to a tool's input schema and removes again
// before the tool runs.
const (
	argConnection        = "connection"
	argFields            = "fields"
	argConfirmationToken = "confirmation_token"
)

// Properties the adapter adds to a tool's output schema.
const (
	outError  = "error"
	outNote   = "note"
	outResult = "result"
)

func hasType(s *jsonschema.Schema, t string) bool {
	return s != nil && (s.Type == t || slices.Contains(s.Types, t))
}

// detectList finds the list in a list tool's answer: a tool that takes a
// limit and answers with exactly one top-level array of objects (or several,
// one of them called "items"). Other tools get nil.
func detectList(in, out *jsonschema.Schema) *listShape {
	if in == nil || in.Properties["limit"] == nil || out == nil {
		return nil
	}
	var candidates []string
	for name, p := range out.Properties {
		if hasType(p, "array") && hasType(p.Items, "object") && len(p.Items.Properties) > 0 {
			candidates = append(candidates, name)
		}
	}
	slices.Sort(candidates)
	var prop string
	switch {
	case len(candidates) == 1:
		prop = candidates[0]
	case slices.Contains(candidates, "items"):
		prop = "items"
	default:
		return nil
	}
	return &listShape{property: prop, fields: propertyNames(out.Properties[prop].Items)}
}

// propertyNames lists s's properties in the order the tool declared them
// (the Go struct's field order), then any others sorted.
func propertyNames(s *jsonschema.Schema) []string {
	var names []string
	for _, n := range s.PropertyOrder {
		if _, ok := s.Properties[n]; ok && !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	var rest []string
	for n := range s.Properties {
		if !slices.Contains(names, n) {
			rest = append(rest, n)
		}
	}
	slices.Sort(rest)
	return append(names, rest...)
}

// addProperty adds a property to an object schema, after the tool's own.
func addProperty(s *jsonschema.Schema, name string, p *jsonschema.Schema, required bool) {
	if s.Properties == nil {
		s.Properties = map[string]*jsonschema.Schema{}
	}
	s.Properties[name] = p
	if len(s.PropertyOrder) > 0 {
		s.PropertyOrder = append(slices.Clone(s.PropertyOrder), name)
	}
	if required {
		s.Required = append(slices.Clone(s.Required), name)
	}
}

// inputSchema is the tool's input schema plus the arguments the adapter
// handles: connection (with several connections), fields (list tools) and
// confirmation_token (tools whose calls may need confirmation).
func inputSchema(t *toolSpec, connections []string, list *listShape, confirmable bool) (*jsonschema.Schema, error) {
	if !hasType(t.input, "object") {
		return nil, fmt.Errorf("mcpserver: tool %s: input schema is not an object", t.name)
	}
	in := t.input.CloneSchemas()
	compactInput(in, true)
	for _, name := range []string{argConnection, argFields, argConfirmationToken} {
		if _, clash := in.Properties[name]; clash {
			return nil, fmt.Errorf("mcpserver: tool %s: input property %q is reserved for the MCP adapter", t.name, name)
		}
	}
	if len(connections) > 1 {
		enum := make([]any, len(connections))
		for i, c := range connections {
			enum[i] = c
		}
		addProperty(in, argConnection, &jsonschema.Schema{
			Type:        "string",
			Enum:        enum,
			Description: "The store (connection name) to use.",
		}, true)
	}
	if list != nil {
		enum := make([]any, len(list.fields))
		for i, f := range list.fields {
			enum[i] = f
		}
		// The server's instructions describe fields once for every list tool.
		addProperty(in, argFields, &jsonschema.Schema{
			Type:  "array",
			Items: &jsonschema.Schema{Type: "string", Enum: enum},
		}, false)
	}
	if confirmable {
		// The server's instructions describe the confirmation once.
		addProperty(in, argConfirmationToken, &jsonschema.Schema{Type: "string"}, false)
	}
	return in, nil
}

// compactInput trims an input schema to what a model needs to call the
// tool, since every byte of tools/list is paid for in tokens: patterns,
// lengths and item counts go (the tool checks them and names the field at
// fault),
// "null" leaves the types of optional fields (a model leaves such a field
// out), and only the top-level object keeps additionalProperties false.
// Enums, numeric bounds, required lists and the type of a map's values
// (additionalProperties as a schema) stay.
func compactInput(s *jsonschema.Schema, root bool) {
	if s == nil {
		return
	}
	if s.Pattern == bigcommerce.DecimalPattern && hasType(s, "number") {
		// A decimal: a model sends a number; the tool still takes the
		// decimal string the full schema allows.
		s.Type, s.Types = "number", nil
	}
	s.Pattern, s.MinLength, s.MaxLength, s.MinItems, s.MaxItems, s.UniqueItems = "", nil, nil, nil, nil, false
	if i := slices.Index(s.Types, "null"); i >= 0 && len(s.Types) == 2 {
		s.Type, s.Types = s.Types[1-i], nil
	}
	if ap := s.AdditionalProperties; !root && hasType(s, "object") && ap != nil && ap.Not != nil {
		s.AdditionalProperties = nil
	}
	compactInput(s.AdditionalProperties, false)
	for _, p := range s.Properties {
		compactInput(p, false)
	}
	compactInput(s.Items, false)
	for _, sub := range slices.Concat(s.AnyOf, s.OneOf, s.AllOf) {
		compactInput(sub, false)
	}
}

// outputDepth is how deep an output schema names properties: the answer's
// own, and those of the objects (and list items) directly in it.
const outputDepth = 2

// outputSchema is the tool's output schema as the adapter publishes it: the
// answer's skeleton, property names and JSON types to outputDepth, without
// descriptions (the tool's description and the input schema describe each
// field once) and without required properties, so that every answer the
// adapter gives validates against it: a trimmed list item, an answer cut to
// fit with its "note", and a failure carrying only "error" (the server's
// instructions describe both once for all tools). An answer that is not a
// JSON object is wrapped in {"result": ...}. A list tool's items are only
// typed: the fields argument's enum names their properties.
//
// A list in the answer is published as an array, never null: the answer
// gives [] for a Go nil slice (lists names those properties).
func outputSchema(t *toolSpec, list *listShape) (out *jsonschema.Schema, wrapped bool, lists []string, err error) {
	if t.output == nil {
		return nil, false, nil, fmt.Errorf("mcpserver: tool %s has no output schema", t.name)
	}
	src := t.output
	wrapped = !hasType(t.output, "object") || len(t.output.Types) > 0
	if wrapped {
		src = &jsonschema.Schema{Type: "object", Properties: map[string]*jsonschema.Schema{outResult: t.output}}
	}
	for _, name := range []string{outError, outNote} {
		if _, clash := src.Properties[name]; clash {
			return nil, false, nil, fmt.Errorf("mcpserver: tool %s: output property %q is reserved for the MCP adapter", t.name, name)
		}
	}
	out = skeleton(src, 0)
	for _, name := range slices.Sorted(maps.Keys(out.Properties)) {
		if p := out.Properties[name]; len(p.Types) == 2 && slices.Contains(p.Types, "null") && slices.Contains(p.Types, "array") {
			p.Type, p.Types = "array", nil
			lists = append(lists, name)
		}
	}
	if list != nil {
		out.Properties[list.property].Items = &jsonschema.Schema{Type: "object"}
		// next names only the way this tool pages: a page number or a cursor.
		if next := out.Properties["next"]; next != nil && t.input != nil {
			for name := range next.Properties {
				if t.input.Properties[name] == nil {
					delete(next.Properties, name)
				}
			}
		}
	}
	return out, wrapped, lists, nil
}

// chainKey matches the names of the fields inside an answer's objects that
// a model passes from one call to the next: the object's id, its status,
// the next page or cursor. (The answer's own fields are all named.)
var chainKey = regexp.MustCompile(`^(id|status|page|cursor)$`)

// skeleton is s reduced to its JSON types, with the properties of objects
// (and of list items) above outputDepth: all of the answer's own, and the
// chain keys of the objects in it (the answer itself shows the rest).
func skeleton(s *jsonschema.Schema, depth int) *jsonschema.Schema {
	k := &jsonschema.Schema{Type: s.Type, Types: slices.Clone(s.Types)}
	if depth >= outputDepth {
		return k
	}
	if hasType(s, "object") && len(s.Properties) > 0 {
		for name, p := range s.Properties {
			if depth == 0 || chainKey.MatchString(name) {
				if k.Properties == nil {
					k.Properties = make(map[string]*jsonschema.Schema, len(s.Properties))
				}
				k.Properties[name] = skeleton(p, depth+1)
			}
		}
	}
	if hasType(s, "array") && s.Items != nil {
		k.Items = skeleton(s.Items, depth)
	}
	return k
}
