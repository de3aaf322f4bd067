package tools

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
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
// The input is read once, token by token, into a tree of plain JSON values
// (readInput), which refuses what JSON Schema cannot express: duplicate keys,
// NUL characters and invalid UTF-8 in text, numbers no float holds, and
// values whose format only their Go type knows (decimals, date-times). The
// schema engine, jsonschema-go, then decides everything the schema declares;
// when it refuses, explain finds the value at fault and says, naming the
// field, what would be valid. Only then is the input decoded into its Go type.
func validateInput(t *Tool, raw json.RawMessage, v any) error {
	if len(bytes.TrimSpace(raw)) == 0 {
		raw = json.RawMessage("{}")
	}
	tree, err := readInput(t.InputSchema, raw)
	if err != nil {
		return err
	}
	if err := t.resolved.Validate(tree); err != nil {
		return explain(t.InputSchema, tree, "", err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return decodeError(err)
	}
	return nil
}

// inputReader reads one tool input into a tree of plain JSON values.
type inputReader struct {
	dec *json.Decoder
	raw []byte
}

var wantObject = "pass one JSON object, e.g. {\"id\": 12}"

// readInput reads raw, which must be one JSON object, into a tree of
// map[string]any, []any, string, float64, bool and nil, as jsonschema-go
// validates it. s is the schema of raw: it tells which values are decimals
// or date-times.
func readInput(s *jsonschema.Schema, raw []byte) (any, error) {
	r := &inputReader{dec: json.NewDecoder(bytes.NewReader(raw)), raw: raw}
	r.dec.UseNumber()
	tree, err := r.value(s, "")
	if err != nil {
		return nil, err
	}
	if _, err := r.dec.Token(); !errors.Is(err, io.EOF) {
		return nil, &Error{Category: CategoryBadInput, Message: "the input is not valid JSON: unexpected data after the JSON value", Next: wantObject}
	}
	if _, ok := tree.(map[string]any); !ok {
		return nil, &Error{Category: CategoryBadInput,
			Message: fmt.Sprintf("the input must be a JSON object, not %s", describe(tree)), Next: wantObject}
	}
	return tree, nil
}

func (r *inputReader) syntaxError(err error) *Error {
	// The tokenizer's positions differ from encoding/json's own; on this
	// rare path the input is decoded again for the usual message.
	dec := json.NewDecoder(bytes.NewReader(r.raw))
	var v any
	if derr := dec.Decode(&v); derr != nil {
		err = derr
	}
	var se *json.SyntaxError
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		err = errors.New("the JSON ends early")
	case errors.As(err, &se):
		err = fmt.Errorf("%v (at byte %d)", err, se.Offset)
	}
	return &Error{Category: CategoryBadInput, Message: "the input is not valid JSON: " + err.Error(), Next: wantObject}
}

// token reads the next token and checks the text of a string token.
func (r *inputReader) token(path string) (json.Token, error) {
	start := r.dec.InputOffset()
	tok, err := r.dec.Token()
	if err != nil {
		return nil, r.syntaxError(err)
	}
	if s, ok := tok.(string); ok {
		// encoding/json turns invalid UTF-8 into U+FFFD without a word, so
		// the bytes are checked as written.
		if !utf8.Valid(r.raw[start:r.dec.InputOffset()]) {
			return nil, BadInput(path, "holds bytes that are not UTF-8 text; send the text as UTF-8")
		}
		// A \uD800-\uDFFF escape outside a pair is no character either;
		// encoding/json turns it into U+FFFD as silently.
		if loneSurrogate(r.raw[start:r.dec.InputOffset()]) {
			return nil, BadInput(path, "holds a \\u escape of half a UTF-16 surrogate pair, which is no character; write the character itself, or its escape as a whole pair")
		}
		if strings.ContainsRune(s, 0) {
			return nil, BadInput(path, "holds a NUL character (\\u0000), which no store field takes; remove it")
		}
		// U+FFFD stands where text was lost on the way (a transport that
		// decoded invalid bytes before bigc saw them); storing it would keep
		// the loss silently.
		if strings.ContainsRune(s, utf8.RuneError) {
			return nil, BadInput(path, "holds U+FFFD, the replacement character that stands where text was lost in encoding; send the original text as UTF-8")
		}
	}
	return tok, nil
}

// loneSurrogate reports whether the JSON text b (one string token, with what
// precedes it in the input) escapes half a surrogate pair: a \uD800-\uDBFF
// not followed by a \uDC00-\uDFFF escape, or a \uDC00-\uDFFF on its own.
func loneSurrogate(b []byte) bool {
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' {
			continue
		}
		if i+1 < len(b) && b[i+1] != 'u' {
			i++ // an escape such as \\ or \", whose second byte is no escape
			continue
		}
		r, ok := escapedRune(b, i)
		if !ok {
			continue
		}
		switch {
		case r >= 0xDC00 && r <= 0xDFFF:
			return true
		case r >= 0xD800 && r <= 0xDBFF:
			if lo, ok := escapedRune(b, i+6); !ok || lo < 0xDC00 || lo > 0xDFFF {
				return true
			}
			i += 11 // the pair
		default:
			i += 5
		}
	}
	return false
}

// escapedRune reads the \uXXXX escape at b[i:].
func escapedRune(b []byte, i int) (rune, bool) {
	if i+6 > len(b) || b[i] != '\\' || b[i+1] != 'u' {
		return 0, false
	}
	n, err := strconv.ParseUint(string(b[i+2:i+6]), 16, 16)
	return rune(n), err == nil
}

// value reads one JSON value at path, whose schema is s (nil when the schema
// does not know the path: the engine refuses it, or anything goes there).
func (r *inputReader) value(s *jsonschema.Schema, path string) (any, error) {
	tok, err := r.token(path)
	if err != nil {
		return nil, err
	}
	switch x := tok.(type) {
	case json.Delim:
		if x == '{' {
			return r.object(s, path)
		}
		return r.array(s, path)
	case string:
		return typedString(s, x, path)
	case json.Number:
		return typedNumber(s, x, path)
	}
	return tok, nil // a bool or nil
}

func (r *inputReader) object(s *jsonschema.Schema, path string) (any, error) {
	obj := map[string]any{}
	for r.dec.More() {
		tok, err := r.token(path)
		if err != nil {
			return nil, err
		}
		key, _ := tok.(string)
		field := fieldPath(path, key)
		if _, dup := obj[key]; dup {
			return nil, BadInput(field, "is given twice; give each field once")
		}
		if obj[key], err = r.value(propertySchema(s, key), field); err != nil {
			return nil, err
		}
	}
	_, err := r.token(path) // '}'
	return obj, err
}

func (r *inputReader) array(s *jsonschema.Schema, path string) (any, error) {
	var items []any
	var item *jsonschema.Schema
	if s != nil {
		item = s.Items
	}
	for r.dec.More() {
		v, err := r.value(item, fmt.Sprintf("%s[%d]", path, len(items)))
		if err != nil {
			return nil, err
		}
		items = append(items, v)
	}
	if items == nil {
		items = []any{}
	}
	_, err := r.token(path) // ']'
	return items, err
}

// propertySchema is the schema of property key of an object whose schema is s.
func propertySchema(s *jsonschema.Schema, key string) *jsonschema.Schema {
	if s == nil {
		return nil
	}
	if p, ok := s.Properties[key]; ok {
		return p
	}
	if s.AdditionalProperties != nil && !isFalseSchema(s.AdditionalProperties) {
		return s.AdditionalProperties
	}
	return nil
}

// wantDecimal says what a decimal field takes.
var wantDecimal = fmt.Sprintf(`a decimal amount such as 19.99 (a JSON number or a string like "19.99"; no exponent, at most %d digits on each side of the point)`, bigcommerce.MaxDecimalDigits)

// typedNumber turns a number into the float64 the engine checks. A decimal
// must be written plainly, as bigcommerce.Decimal reads it; any other number
// must fit a float64.
func typedNumber(s *jsonschema.Schema, n json.Number, path string) (any, error) {
	if s != nil && isOrderStatusSchema(s) {
		// A status id is the name the enum holds; OrderStatus decodes
		// it the same way.
		return OrderStatus(n).canonical(), nil
	}
	if s != nil && isDecimalSchema(s) {
		if _, err := bigcommerce.ParseDecimal(string(n)); err != nil {
			return nil, BadInput(path, "must be %s, got %s", wantDecimal, shortLiteral(string(n)))
		}
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || math.IsInf(f, 0) {
		return nil, BadInput(path, "%s is too large a number", shortLiteral(string(n)))
	}
	return f, nil
}

// typedString checks a string whose format its Go type knows: a decimal
// string becomes the number the engine checks bounds on; a date-time must
// parse as bigcommerce.Time does.
func typedString(s *jsonschema.Schema, str, path string) (any, error) {
	switch {
	case s == nil:
	case isOrderStatusSchema(s):
		// A status name in any case or an id as a string is the name
		// the enum holds; OrderStatus decodes it the same way.
		return OrderStatus(str).canonical(), nil
	case isDecimalSchema(s):
		if _, err := bigcommerce.ParseDecimal(str); err != nil {
			return nil, BadInput(path, "must be %s, got %s", wantDecimal, describe(str))
		}
		f, _ := strconv.ParseFloat(str, 64)
		return f, nil
	case s.Format == "date-time" && str != "":
		if _, err := bigcommerce.ParseTime(str); err != nil {
			return nil, BadInput(path, "must be a date-time such as 2025-01-15T00:03:17Z (RFC 3339), got %s", describe(str))
		}
	}
	return str, nil
}

// shortLiteral bounds a number's text for a message.
func shortLiteral(s string) string {
	if len(s) > 40 {
		return fmt.Sprintf("%s... (%d characters)", s[:40], len(s))
	}
	return s
}

// explain finds the value in v (at path, with schema s) that the schema
// engine refused, and says what would be valid there. cause is the engine's
// own error, kept for errors.Unwrap and used only if no value is found.
func explain(s *jsonschema.Schema, v any, path string, cause error) *Error {
	if !typeMatches(s, v) {
		return BadInput(path, "must be %s, got %s", describeTypes(s), describe(v))
	}
	switch x := v.(type) {
	case map[string]any:
		if e := explainObject(s, x, path, cause); e != nil {
			return e
		}
	case []any:
		if s.MinItems != nil && len(x) < *s.MinItems {
			return BadInput(path, "must have at least %d %s, got %d", *s.MinItems, plural(*s.MinItems, "item"), len(x))
		}
		if s.MaxItems != nil && len(x) > *s.MaxItems {
			return BadInput(path, "must have at most %d %s, got %d", *s.MaxItems, plural(*s.MaxItems, "item"), len(x))
		}
		for i, item := range x {
			if s.Items != nil && refuses(s.Items, item) {
				return explain(s.Items, item, fmt.Sprintf("%s[%d]", path, i), cause)
			}
		}
	}
	if msg := explainValue(s, v); msg != "" {
		return BadInput(path, "%s", msg)
	}
	e := BadInput(path, "does not match the tool's input schema")
	e.cause = cause
	return e
}

// explainObject names an unknown or missing field of obj, or explains the
// first property the engine refuses; nil when all of them pass.
func explainObject(s *jsonschema.Schema, obj map[string]any, path string, cause error) *Error {
	names := slices.Sorted(func(yield func(string) bool) {
		for k := range obj {
			if !yield(k) {
				return
			}
		}
	})
	if isFalseSchema(s.AdditionalProperties) {
		for _, k := range names {
			if _, ok := s.Properties[k]; !ok {
				return unknownField(s, k, path)
			}
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
	for _, name := range append(propertyOrder(s), names...) {
		val, ok := obj[name]
		p := propertySchema(s, name)
		if ok && p != nil && refuses(p, val) {
			return explain(p, val, fieldPath(path, name), cause)
		}
	}
	return nil
}

// refuses reports whether the schema engine refuses v against s.
func refuses(s *jsonschema.Schema, v any) bool {
	r, err := s.Resolve(nil)
	return err != nil || r.Validate(v) != nil
}

// explainValue says which of s's keywords a single value breaks, in words;
// "" when none does.
func explainValue(s *jsonschema.Schema, v any) string {
	if isOrderStatusSchema(s) {
		return fmt.Sprintf("must be %s, got %s", wantOrderStatus, describe(v))
	}
	if len(s.Enum) > 0 && !slices.ContainsFunc(s.Enum, func(e any) bool { return reflect.DeepEqual(e, v) }) {
		return fmt.Sprintf("must be one of %s, got %s", listEnum(s.Enum), describe(v))
	}
	switch x := v.(type) {
	case float64:
		switch {
		case s.Minimum != nil && x < *s.Minimum:
			return fmt.Sprintf("must be at least %s, got %s", formatNumber(*s.Minimum), formatNumber(x))
		case s.Maximum != nil && x > *s.Maximum:
			return fmt.Sprintf("must be at most %s, got %s", formatNumber(*s.Maximum), formatNumber(x))
		}
	case string:
		n := utf8.RuneCountInString(x)
		switch {
		case s.MinLength != nil && n < *s.MinLength && *s.MinLength == 1:
			return "must not be empty"
		case s.MinLength != nil && n < *s.MinLength:
			return fmt.Sprintf("must be at least %d characters, got %d", *s.MinLength, n)
		case s.MaxLength != nil && n > *s.MaxLength:
			return fmt.Sprintf("must be at most %d characters, got %d", *s.MaxLength, n)
		case s.Pattern != "" && !regexp.MustCompile(s.Pattern).MatchString(x):
			if w, ok := patternWords[s.Pattern]; ok {
				return fmt.Sprintf("%s, got %s", w, describe(x))
			}
			return fmt.Sprintf("%s does not match the pattern %s", describe(x), s.Pattern)
		}
	}
	return ""
}

// typeMatches reports whether v has one of the JSON types s allows.
func typeMatches(s *jsonschema.Schema, v any) bool {
	types := schemaTypes(s)
	if len(types) == 0 {
		return true
	}
	got := jsonTypeOf(v)
	return slices.Contains(types, got) || (got == "integer" && slices.Contains(types, "number"))
}

func jsonTypeOf(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case float64:
		if x == math.Trunc(x) {
			return "integer"
		}
		return "number"
	case []any:
		return "array"
	}
	return "object"
}

// schemaTypes returns the JSON types s allows; nil means any.
func schemaTypes(s *jsonschema.Schema) []string {
	if s.Type != "" {
		return []string{s.Type}
	}
	return s.Types
}

// describeTypes says in words what s's types allow.
func describeTypes(s *jsonschema.Schema) string {
	if isDecimalSchema(s) {
		if slices.Contains(schemaTypes(s), "null") {
			return wantDecimal + " or null"
		}
		return wantDecimal
	}
	var words []string
	for _, t := range schemaTypes(s) {
		switch t {
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
	if slices.Contains(schemaTypes(s), "null") {
		words = append(words, "null")
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
	case float64:
		return formatNumber(x)
	case bool:
		return strconv.FormatBool(x)
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprint(v)
}

func formatNumber(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

func listEnum(enum []any) string {
	parts := make([]string, len(enum))
	for i, e := range enum {
		parts[i] = describe(e)
	}
	return strings.Join(parts, ", ")
}

// decodeError turns an error of json.Unmarshal into the typed input into a
// bad_input error naming the field, where encoding/json says which it is.
// The engine has checked the types, so what is left is a whole number too
// large for its Go integer.
func decodeError(err error) *Error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		if lit, ok := strings.CutPrefix(te.Value, "number "); ok {
			return BadInput(te.Field, "%s is too large to be an id or a count", shortLiteral(lit))
		}
		return BadInput(te.Field, "must be %s, got %s", te.Type.Kind(), te.Value)
	}
	return &Error{Category: CategoryBadInput, Message: strings.TrimPrefix(err.Error(), "bigcommerce: "), cause: err}
}

// fieldPath appends a property name to a dotted path.
func fieldPath(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "." + name
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
