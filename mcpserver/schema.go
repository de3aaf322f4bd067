package mcpserver

import (
	"fmt"
	"reflect"
	"slices"

	"github.com/google/jsonschema-go/jsonschema"
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
		addProperty(in, argFields, &jsonschema.Schema{
			Type:        "array",
			Items:       &jsonschema.Schema{Type: "string", Enum: enum},
			UniqueItems: true,
			Description: "Only these item fields (id is always kept), to fit more items; leave out for all.",
		}, false)
	}
	if confirmable {
		addProperty(in, argConfirmationToken, &jsonschema.Schema{
			Type: "string",
			Description: "Leave out at first. After a confirmation_required error, show its message to the user; only if " +
				"they agree, repeat the call with the same arguments plus this token, unchanged.",
		}, false)
	}
	return in, nil
}

// errorSchema describes the error object of a failed call. Every tool's
// output schema carries it, so it is one line naming the keys; the server's
// instructions list the categories once, and the text copy of a failed
// answer spells the error out.
func errorSchema() *jsonschema.Schema {
	return &jsonschema.Schema{
		Type: "object",
		Description: "Set alone on failure (isError): category, message, and as they apply field, fields, next, " +
			"missing_scope, retry_after_seconds, confirmation_token.",
		Required: []string{"category", "message"},
	}
}

// outputSchema is the tool's output schema as the adapter answers it:
//   - an answer that is not a JSON object is wrapped in {"result": ...};
//   - "note" says what was cut to keep the answer small;
//   - "error" carries a failure, and a failed answer carries nothing else, so
//     the tool's required properties move into an anyOf with {"required":
//     ["error"]}: clients that validate every structured answer against the
//     output schema (as the TypeScript SDK does, even for isError results)
//     accept both;
//   - list items lose their required properties, since "fields" trims them;
//   - objects accept properties the schema does not list, so that a client
//     holding this schema keeps accepting answers after a field is added.
func outputSchema(t *toolSpec, list *listShape) (*jsonschema.Schema, bool, error) {
	if t.output == nil {
		return nil, false, fmt.Errorf("mcpserver: tool %s has no output schema", t.name)
	}
	var out *jsonschema.Schema
	wrapped := !hasType(t.output, "object") || len(t.output.Types) > 0
	if wrapped {
		out = &jsonschema.Schema{
			Type:                 "object",
			Properties:           map[string]*jsonschema.Schema{outResult: t.output.CloneSchemas()},
			Required:             []string{outResult},
			AdditionalProperties: &jsonschema.Schema{Not: &jsonschema.Schema{}},
		}
		if out.Properties[outResult].Description == "" {
			out.Properties[outResult].Description = "The tool's answer."
		}
	} else {
		out = t.output.CloneSchemas()
	}
	for _, name := range []string{outError, outNote} {
		if _, clash := out.Properties[name]; clash {
			return nil, false, fmt.Errorf("mcpserver: tool %s: output property %q is reserved for the MCP adapter", t.name, name)
		}
	}
	if list != nil {
		items := out.Properties[list.property].Items
		items.Required = nil
	}
	openObjects(out)
	required := out.Required
	out.Required = nil
	addProperty(out, outNote, &jsonschema.Schema{
		Type:        "string",
		Description: "Set when the answer was cut to fit: what was left out, how to get it.",
	}, false)
	addProperty(out, outError, errorSchema(), false)
	if len(required) > 0 {
		out.AnyOf = []*jsonschema.Schema{{Required: required}, {Required: []string{outError}}}
	}
	return out, wrapped, nil
}

// openObjects removes "additionalProperties": false from s and its
// sub-schemas.
func openObjects(s *jsonschema.Schema) {
	if s == nil {
		return
	}
	if ap := s.AdditionalProperties; ap != nil && ap.Not != nil && reflect.ValueOf(*ap.Not).IsZero() {
		s.AdditionalProperties = nil
	}
	openObjects(s.AdditionalProperties)
	openObjects(s.Items)
	for _, p := range s.Properties {
		openObjects(p)
	}
	for _, sub := range slices.Concat(s.AnyOf, s.OneOf, s.AllOf, s.PrefixItems) {
		openObjects(sub)
	}
	for _, d := range s.Defs {
		openObjects(d)
	}
}
