package tools

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/google/jsonschema-go/jsonschema"

	"github.com/bigc-dev/bigc/bigcommerce"
)

// validateInput checks raw against t's input schema and decodes it into v.
//
// jsonschema-go's own messages name schema locations ("validating
// /properties/price") rather than the input's fields, and it reads numbers as
// float64, so "1e3" for a price would pass. The walk below checks the subset
// of JSON Schema that schemaOptions produces, on the input's literal text, and
// names the field at fault with what would be valid. jsonschema-go then runs
// as a backstop for any keyword the walk does not know.
func validateInput(t *Tool, raw json.RawMessage, v any) error {
	if len(bytes.TrimSpace(raw)) == 0 {
		raw = json.RawMessage("{}")
	}
	tree, err := decodeTree(raw)
	if err != nil {
		return &Error{Category: CategoryBadInput, Message: "the input is not valid JSON: " + err.Error(),
			Next: "pass one JSON object, e.g. {\"id\": 12}"}
	}
	if _, ok := tree.(map[string]any); !ok {
		return &Error{Category: CategoryBadInput,
			Message: fmt.Sprintf("the input must be a JSON object, not %s", describe(tree)),
			Next:    "pass one JSON object, e.g. {\"id\": 12}"}
	}
	if err := checkValue(t.InputSchema, tree, ""); err != nil {
		return err
	}
	var generic any
	if err := json.Unmarshal(raw, &generic); err != nil {
		return &Error{Category: CategoryBadInput, Message: "the input is not valid JSON: " + err.Error()}
	}
	if err := t.resolved.Validate(generic); err != nil {
		return &Error{Category: CategoryBadInput, Message: cleanSchemaMessage(err.Error())}
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return decodeError(err)
	}
	return nil
}

// decodeTree decodes one JSON value keeping numbers as their literal text, and
// refuses anything after it.
func decodeTree(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("%v (at byte %d)", err, se.Offset)
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, errors.New("the JSON ends early")
		}
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("unexpected data after the JSON value")
	}
	return tree, nil
}

// decodeError turns an error of json.Unmarshal into the typed input into a
// bad_input error naming the field, where encoding/json says which it is.
func decodeError(err error) *Error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		// A whole number that does not fit the Go integer is not a wrong type.
		if lit, ok := strings.CutPrefix(te.Value, "number "); ok && isIntegerLiteral(lit) && jsonKind(te.Type.Kind().String()) == "a whole number" {
			return &Error{Category: CategoryBadInput, Field: te.Field,
				Message: fmt.Sprintf("%s is too large to be an id or a count", lit)}
		}
		return &Error{Category: CategoryBadInput, Field: te.Field,
			Message: fmt.Sprintf("must be %s, got %s", jsonKind(te.Type.Kind().String()), te.Value)}
	}
	return &Error{Category: CategoryBadInput, Message: strings.TrimPrefix(err.Error(), "bigcommerce: ")}
}

func jsonKind(goKind string) string {
	switch {
	case strings.HasPrefix(goKind, "int"), strings.HasPrefix(goKind, "uint"):
		return "a whole number"
	case strings.HasPrefix(goKind, "float"):
		return "a number"
	case goKind == "bool":
		return "true or false"
	case goKind == "string":
		return "a string"
	case goKind == "slice", goKind == "array":
		return "an array"
	}
	return "an object"
}

var schemaLocation = regexp.MustCompile(`validating [^:]*: `)

// cleanSchemaMessage drops jsonschema-go's schema locations, which mean
// nothing to the person who wrote the input.
func cleanSchemaMessage(msg string) string {
	return "the input does not match the tool's schema: " + schemaLocation.ReplaceAllString(msg, "")
}

// fieldPath appends a property name to a dotted path.
func fieldPath(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "." + name
}

// checkValue checks v against s; path is the dotted path of v ("" for the input itself).
func checkValue(s *jsonschema.Schema, v any, path string) error {
	if s == nil {
		return nil
	}
	if isDecimalSchema(s) {
		return checkDecimal(s, v, path)
	}
	if err := checkType(s, v, path); err != nil {
		return err
	}
	if len(s.Enum) > 0 && !enumContains(s.Enum, v) {
		return BadInput(path, "must be one of %s, got %s", listEnum(s.Enum), describe(v))
	}
	switch x := v.(type) {
	case map[string]any:
		return checkObject(s, x, path)
	case []any:
		if s.MinItems != nil && len(x) < *s.MinItems {
			return BadInput(path, "must have at least %d items, got %d", *s.MinItems, len(x))
		}
		if s.MaxItems != nil && len(x) > *s.MaxItems {
			return BadInput(path, "must have at most %d items, got %d", *s.MaxItems, len(x))
		}
		for i, item := range x {
			if err := checkValue(s.Items, item, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case string:
		return checkString(s, x, path)
	case json.Number:
		return checkNumber(s, x, path)
	}
	return nil
}

func checkObject(s *jsonschema.Schema, obj map[string]any, path string) error {
	if s.Properties == nil && s.AdditionalProperties == nil {
		return nil // an unconstrained object (a map[string]any or an any)
	}
	names := make([]string, 0, len(obj))
	for k := range obj {
		names = append(names, k)
	}
	slices.Sort(names)
	closed := isFalseSchema(s.AdditionalProperties)
	for _, k := range names {
		if _, ok := s.Properties[k]; ok {
			continue
		}
		if closed {
			return unknownField(s, k, path)
		}
	}
	for _, r := range s.Required {
		if _, ok := obj[r]; !ok {
			msg := "is required"
			if d := s.Properties[r].Description; d != "" {
				msg += " (" + strings.TrimSuffix(d, ".") + ")"
			}
			return BadInput(fieldPath(path, r), "%s", msg)
		}
	}
	for _, name := range propertyOrder(s) {
		val, ok := obj[name]
		if !ok {
			continue
		}
		if err := checkValue(s.Properties[name], val, fieldPath(path, name)); err != nil {
			return err
		}
	}
	if s.AdditionalProperties != nil && !closed {
		for _, k := range names {
			if _, ok := s.Properties[k]; ok {
				continue
			}
			if err := checkValue(s.AdditionalProperties, obj[k], fieldPath(path, k)); err != nil {
				return err
			}
		}
	}
	return nil
}

// propertyOrder lists s's properties in declaration order, so the first error
// reported is the same on every run.
func propertyOrder(s *jsonschema.Schema) []string {
	if len(s.PropertyOrder) == len(s.Properties) {
		return s.PropertyOrder
	}
	names := make([]string, 0, len(s.Properties))
	for k := range s.Properties {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

func unknownField(s *jsonschema.Schema, name, path string) *Error {
	valid := propertyOrder(s)
	msg := fmt.Sprintf("unknown field %q", name)
	if best := closest(name, valid); best != "" {
		msg += fmt.Sprintf("; did you mean %q?", best)
	}
	if len(valid) == 0 {
		msg += "; this object takes no fields"
	} else {
		msg += "; valid fields: " + strings.Join(valid, ", ")
	}
	return BadInput(fieldPath(path, name), "%s", msg)
}

// closest returns the candidate nearest to name, if it is near enough to be a
// plausible typo (or differs only in case, as "Price" for "price").
func closest(name string, candidates []string) string {
	best, bestDist := "", 3
	for _, c := range candidates {
		if strings.EqualFold(c, name) {
			return c
		}
		if d := editDistance(strings.ToLower(name), c); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// isFalseSchema reports whether s refuses every value, as the
// additionalProperties of a Go struct's schema does.
func isFalseSchema(s *jsonschema.Schema) bool {
	// jsonschema-go writes false as {"not": {}}.
	return s != nil && s.Not != nil && reflect.ValueOf(*s.Not).IsZero()
}

// schemaTypes returns the JSON types s allows; nil means any.
func schemaTypes(s *jsonschema.Schema) []string {
	if s.Type != "" {
		return []string{s.Type}
	}
	return s.Types
}

func checkType(s *jsonschema.Schema, v any, path string) error {
	types := schemaTypes(s)
	if len(types) == 0 {
		return nil
	}
	got := jsonTypeOf(v)
	for _, t := range types {
		if t == got || (t == "number" && got == "integer") {
			return nil
		}
		if t == "integer" && got == "number" {
			return BadInput(path, "must be a whole number, got %s", v)
		}
	}
	return BadInput(path, "must be %s, got %s", describeTypes(s, types), describe(v))
}

func jsonTypeOf(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case json.Number:
		if isIntegerLiteral(string(x)) {
			return "integer"
		}
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

var integerRE = regexp.MustCompile(`^-?[0-9]+$`)

func isIntegerLiteral(s string) bool { return integerRE.MatchString(s) }

// describeTypes says in words what the types allow.
func describeTypes(s *jsonschema.Schema, types []string) string {
	var words []string
	for _, t := range types {
		switch t {
		case "null":
			words = append(words, "null")
		case "boolean":
			words = append(words, "true or false")
		case "integer":
			words = append(words, "a whole number")
		case "number":
			words = append(words, "a number")
		case "string":
			if s.Format == "date-time" {
				words = append(words, "a date-time string such as 2025-01-15T00:03:17Z")
			} else {
				words = append(words, "a string")
			}
		case "array":
			words = append(words, "an array")
		case "object":
			words = append(words, "an object")
		}
	}
	// "null" is allowed for optional pointers, but naming it first misleads.
	if len(words) > 1 && words[0] == "null" {
		words = append(words[1:], "null")
	}
	return strings.Join(words, " or ")
}

// describe renders a value for an error message, briefly.
func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		if utf8.RuneCountInString(x) > 40 {
			x = string([]rune(x)[:40]) + "..."
		}
		return strconv.Quote(x)
	case json.Number:
		return "the number " + string(x)
	case bool:
		return strconv.FormatBool(x)
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprint(v)
}

func checkString(s *jsonschema.Schema, str, path string) error {
	n := utf8.RuneCountInString(str)
	if s.MinLength != nil && n < *s.MinLength {
		if *s.MinLength == 1 {
			return BadInput(path, "must not be empty")
		}
		return BadInput(path, "must be at least %d characters, got %d", *s.MinLength, n)
	}
	if s.MaxLength != nil && n > *s.MaxLength {
		return BadInput(path, "must be at most %d characters, got %d", *s.MaxLength, n)
	}
	if s.Pattern != "" {
		re, err := regexp.Compile(s.Pattern)
		if err == nil && !re.MatchString(str) {
			return BadInput(path, "%s does not match the pattern %s", describe(str), s.Pattern)
		}
	}
	if s.Format == "date-time" && str != "" {
		if _, err := bigcommerce.ParseTime(str); err != nil {
			return BadInput(path, "must be a date-time such as 2025-01-15T00:03:17Z (RFC 3339), got %s", describe(str))
		}
	}
	return nil
}

func checkNumber(s *jsonschema.Schema, n json.Number, path string) error {
	r, ok := new(big.Rat).SetString(string(n))
	if !ok {
		return BadInput(path, "%s is not a number", n)
	}
	if s.Minimum != nil && r.Cmp(ratOf(*s.Minimum)) < 0 {
		return BadInput(path, "must be at least %s, got %s", formatBound(*s.Minimum), n)
	}
	if s.Maximum != nil && r.Cmp(ratOf(*s.Maximum)) > 0 {
		return BadInput(path, "must be at most %s, got %s", formatBound(*s.Maximum), n)
	}
	if s.ExclusiveMinimum != nil && r.Cmp(ratOf(*s.ExclusiveMinimum)) <= 0 {
		return BadInput(path, "must be greater than %s, got %s", formatBound(*s.ExclusiveMinimum), n)
	}
	if s.ExclusiveMaximum != nil && r.Cmp(ratOf(*s.ExclusiveMaximum)) >= 0 {
		return BadInput(path, "must be less than %s, got %s", formatBound(*s.ExclusiveMaximum), n)
	}
	return nil
}

func ratOf(f float64) *big.Rat { return new(big.Rat).SetFloat64(f) }

func formatBound(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// checkDecimal accepts money and weights as a JSON number or a decimal string,
// always in plain notation: "1e3" would be read differently by different
// parsers, and a float would lose cents.
func checkDecimal(s *jsonschema.Schema, v any, path string) error {
	const want = `a decimal amount such as 19.99 (a JSON number or a string like "19.99"; no exponent)`
	switch x := v.(type) {
	case nil:
		if slices.Contains(schemaTypes(s), "null") {
			return nil
		}
		return BadInput(path, "must be %s, got null", want)
	case json.Number:
		if !decimalRE.MatchString(string(x)) {
			return BadInput(path, "must be %s, got %s", want, x)
		}
		return checkNumber(s, x, path)
	case string:
		if !decimalRE.MatchString(x) {
			return BadInput(path, "must be %s, got %s", want, describe(x))
		}
		return checkNumber(s, json.Number(x), path)
	}
	return BadInput(path, "must be %s, got %s", want, describe(v))
}

func enumContains(enum []any, v any) bool {
	for _, e := range enum {
		switch x := v.(type) {
		case string:
			if s, ok := e.(string); ok && s == x {
				return true
			}
		case json.Number:
			r, ok := new(big.Rat).SetString(string(x))
			if !ok {
				continue
			}
			switch n := e.(type) {
			case float64:
				if r.Cmp(ratOf(n)) == 0 {
					return true
				}
			case int:
				if r.Cmp(new(big.Rat).SetInt64(int64(n))) == 0 {
					return true
				}
			}
		case bool:
			if b, ok := e.(bool); ok && b == x {
				return true
			}
		case nil:
			if e == nil {
				return true
			}
		}
	}
	return false
}

func listEnum(enum []any) string {
	parts := make([]string, len(enum))
	for i, e := range enum {
		if s, ok := e.(string); ok {
			parts[i] = strconv.Quote(s)
		} else {
			parts[i] = fmt.Sprint(e)
		}
	}
	return strings.Join(parts, ", ")
}
