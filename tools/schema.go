package tools

import (
	"encoding/json"
	"reflect"
	"regexp"
	"time"

	"github.com/google/jsonschema-go/jsonschema"

	"github.com/bigc-dev/bigc/bigcommerce"
)

// decimalPattern is the plain decimal notation bigcommerce.ParseDecimal accepts.
const decimalPattern = `^-?[0-9]+(\.[0-9]+)?$`

var decimalRE = regexp.MustCompile(decimalPattern)

// schemaOptions are the options every tool schema is built with. They teach
// jsonschema-go the client's own JSON types:
//   - bigcommerce.Decimal is money or a weight: a JSON number or a decimal
//     string, never held as a float (the string pattern refuses "1e3" and
//     "19,99");
//   - bigcommerce.Time and time.Time are RFC 3339 date-time strings;
//   - json.RawMessage is any JSON value (raw-api-request bodies), not the
//     array of bytes its Go type would suggest;
//   - IDOrName is an id or a name: a JSON integer or a string.
func schemaOptions() *jsonschema.ForOptions {
	return &jsonschema.ForOptions{TypeSchemas: map[reflect.Type]*jsonschema.Schema{
		reflect.TypeFor[bigcommerce.Decimal](): decimalSchema(),
		reflect.TypeFor[bigcommerce.Time](): {
			Type: "string", Format: "date-time",
			Description: "A date-time in RFC 3339 form, such as 2025-01-15T00:03:17Z.",
		},
		reflect.TypeFor[time.Time](): {Type: "string", Format: "date-time"},
		reflect.TypeFor[json.RawMessage](): {
			Description: "Any JSON value.",
		},
		// IDOrName decodes a JSON integer or string; its Go kind alone would
		// make the schema refuse the integer.
		reflect.TypeFor[IDOrName](): {Types: []string{"integer", "string"}},
	}}
}

// outputSchemaOptions are schemaOptions for tool results, which hold what the
// client's types marshal to: a Decimal is a JSON number, and an unset Decimal
// or Time is null.
func outputSchemaOptions() *jsonschema.ForOptions {
	o := schemaOptions()
	o.TypeSchemas[reflect.TypeFor[bigcommerce.Decimal]()] = &jsonschema.Schema{
		Types:       []string{"null", "number"},
		Description: "An exact decimal amount written as a JSON number (null when unset).",
	}
	o.TypeSchemas[reflect.TypeFor[bigcommerce.Time]()] = &jsonschema.Schema{
		Types: []string{"null", "string"}, Format: "date-time",
		Description: "A date-time in RFC 3339 form, or null when unset.",
	}
	return o
}

func decimalSchema() *jsonschema.Schema {
	return &jsonschema.Schema{
		Types:       []string{"number", "string"},
		Pattern:     decimalPattern,
		Description: `A decimal amount: a JSON number such as 19.99 or a string such as "19.99".`,
	}
}

// isDecimalSchema recognises the schema decimalSchema made, also when
// jsonschema-go has added "null" for a pointer field.
func isDecimalSchema(s *jsonschema.Schema) bool {
	if s.Pattern != decimalPattern {
		return false
	}
	var number, str bool
	for _, t := range schemaTypes(s) {
		number = number || t == "number"
		str = str || t == "string"
	}
	return number && str
}

// boundPaging writes the bounds of a list tool's paging arguments into its
// input schema: limit 1 to bigcommerce.MaxPageSize, page from 1. The Go fields
// are plain ints whose zero means "the default", so without the bounds an
// explicit "limit": 0 would pass silently; with them it is refused, naming
// the field, and a model reads the range from the schema.
func boundPaging(in *jsonschema.Schema) {
	if p := in.Properties["limit"]; p != nil && p.Type == "integer" {
		p.Minimum, p.Maximum = jsonschema.Ptr(1.0), jsonschema.Ptr(float64(bigcommerce.MaxPageSize))
	}
	if p := in.Properties["page"]; p != nil && p.Type == "integer" {
		p.Minimum = jsonschema.Ptr(1.0)
	}
}

// SchemaFor returns the JSON Schema bigc derives for T, with the same options
// the registry uses for tool inputs and outputs.
func SchemaFor[T any]() (*jsonschema.Schema, error) {
	return jsonschema.For[T](schemaOptions())
}
