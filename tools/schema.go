package tools

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/google/jsonschema-go/jsonschema"

	"github.com/bigc-dev/bigc/bigcommerce"
)

// schemaOptions are the options every tool schema is built with. They teach
// jsonschema-go the client's own JSON types:
//   - bigcommerce.Decimal is money or a weight: a JSON number or a decimal
//     string, never held as a float (the string pattern refuses "1e3" and
//     "19,99"); the two types say so, with no description repeated on
//     every price;
//   - bigcommerce.Time and time.Time are RFC 3339 date-time strings;
//   - json.RawMessage is any JSON value (raw-api-request bodies), not the
//     array of bytes its Go type would suggest;
//   - IDOrName is an id or a name: a JSON integer or a string;
//   - OrderStatus is one of the status ids or names, an enum.
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
		reflect.TypeFor[IDOrName]():    {Types: []string{"integer", "string"}},
		reflect.TypeFor[OrderStatus](): orderStatusSchema(),
		// QueryValue decodes a string, number or boolean.
		reflect.TypeFor[QueryValue](): {Types: []string{"string", "number", "boolean"}},
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
		Types:   []string{"number", "string"},
		Pattern: bigcommerce.DecimalPattern,
	}
}

// isDecimalSchema recognises the schema decimalSchema made, also when
// jsonschema-go has added "null" for a pointer field.
func isDecimalSchema(s *jsonschema.Schema) bool {
	if s.Pattern != bigcommerce.DecimalPattern {
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

// Patterns the input types' bigc tags use, each with the words an error
// message says for it.
const (
	// nonBlank: some text besides spaces.
	nonBlank = `\S`
	// httpURL: an http or https URL.
	httpURL = `^https?://\S+$`
	// emailAddress: one address, as the store takes it.
	emailAddress = `^\s*[^\s,;<>@]+@[^\s,;<>@]+\s*$`
	// countryCode: an ISO 3166 two-letter code.
	countryCode = `^[A-Za-z]{2}$`
)

var patternWords = map[string]string{
	nonBlank:     "must not be blank",
	httpURL:      "must be an http(s) URL",
	emailAddress: "must be an email address such as ann@example.com",
	countryCode:  "must be a two-letter ISO 3166 country code such as US",
}

// namedPatterns lets a bigc tag name a pattern instead of spelling it.
var namedPatterns = map[string]string{
	"nonblank": nonBlank, "url": httpURL, "email": emailAddress, "country": countryCode,
}

// applyBounds writes the bounds declared in the bigc struct tags of t's
// fields into the schema s that jsonschema-go derived from t, so that a
// tool's allowed values, lengths and ranges are declared once, on its input
// type, and appear in the schema agents and `bigc tools show` read and the
// validator applies. A tag is a list of key=value separated by ";":
//
//	enum=a|b|c        allowed values of a string
//	minimum=N, maximum=N
//	minLength=N, maxLength=N (characters)
//	minItems=N, maxItems=N
//	pattern=NAME      one of namedPatterns
//	items.KEY=VALUE   the same, for each item of an array
//
// With enumsOnly, only the enums are written: an answer's schema (whose Go
// types an input may share) lists its closed sets of values, but the input's
// lengths and patterns are no promise about what a store holds.
//
// A malformed tag is a programming error and panics at registration.
func applyBounds(s *jsonschema.Schema, t reflect.Type, enumsOnly bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		if s.Items != nil {
			applyBounds(s.Items, t.Elem(), enumsOnly)
		}
		return
	case reflect.Struct:
	default:
		return
	}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && name == "" {
			// An embedded struct's fields are the outer object's.
			applyBounds(s, f.Type, enumsOnly)
			continue
		}
		if name == "" {
			name = f.Name
		}
		p := s.Properties[name]
		if p == nil {
			continue
		}
		if tag, ok := f.Tag.Lookup("bigc"); ok {
			for _, kv := range strings.Split(tag, ";") {
				k, v, _ := strings.Cut(kv, "=")
				target := p
				if rest, ok := strings.CutPrefix(k, "items."); ok {
					target, k = p.Items, rest
				}
				if enumsOnly && k != "enum" {
					continue
				}
				if target == nil || !setBound(target, k, v) {
					panic(fmt.Sprintf("tools: %s.%s: bad bigc tag %q", t, f.Name, kv))
				}
			}
		}
		applyBounds(p, f.Type, enumsOnly)
	}
}

// setBound sets one keyword of s; false means the tag is malformed.
func setBound(s *jsonschema.Schema, key, val string) bool {
	num := func() (float64, bool) { f, err := strconv.ParseFloat(val, 64); return f, err == nil }
	count := func() (*int, bool) { n, err := strconv.Atoi(val); return &n, err == nil && n >= 0 }
	var ok bool
	switch key {
	case "enum":
		for _, e := range strings.Split(val, "|") {
			s.Enum = append(s.Enum, e)
		}
		ok = val != ""
	case "minimum":
		var f float64
		f, ok = num()
		s.Minimum = &f
	case "maximum":
		var f float64
		f, ok = num()
		s.Maximum = &f
	case "minLength":
		s.MinLength, ok = count()
	case "maxLength":
		s.MaxLength, ok = count()
	case "minItems":
		s.MinItems, ok = count()
	case "maxItems":
		s.MaxItems, ok = count()
	case "pattern":
		s.Pattern, ok = namedPatterns[val]
	}
	return ok
}
