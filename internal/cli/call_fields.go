package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/google/jsonschema-go/jsonschema"
)

// fieldInput builds a tool input from -F key=value pairs, as gh api -F does:
// each value is typed by the tool's schema (an integer input gets a JSON
// number, a boolean true or false, an object or array input a JSON value),
// @FILE reads the value from a file (@- from standard input), a dotted key
// (billing_address.city) sets a field of an object input, and key[]=value
// appends to an array input. The pairs go over base, the --input object.
func (a *app) fieldInput(schema *jsonschema.Schema, base json.RawMessage, fields []string) (json.RawMessage, error) {
	obj := map[string]any{}
	if len(base) > 0 {
		if err := json.Unmarshal(base, &obj); err != nil {
			return nil, badInputf("--input with -F: the input must be a JSON object to add fields to: %v", err)
		}
	}
	for _, kv := range fields {
		key, raw, ok := strings.Cut(kv, "=")
		if !ok || key == "" {
			return nil, badInputf("-F %q: want key=value (e.g. -F id=100, -F description=@notes.txt)", kv)
		}
		if strings.HasPrefix(raw, "@") {
			text, err := a.readFieldFile(raw[1:])
			if err != nil {
				return nil, badInputf("-F %s: %v", key, err)
			}
			raw = text
		}
		path := strings.Split(key, ".")
		parent, prop := obj, schema
		for _, name := range path[:len(path)-1] {
			prop = property(prop, name)
			child, ok := parent[name].(map[string]any)
			if !ok {
				child = map[string]any{}
				parent[name] = child
			}
			parent = child
		}
		name, appendTo := strings.CutSuffix(path[len(path)-1], "[]")
		prop = property(prop, name)
		if appendTo {
			var item *jsonschema.Schema
			if prop != nil {
				item = prop.Items
			}
			v, err := typedValue(key, item, raw)
			if err != nil {
				return nil, err
			}
			list, _ := parent[name].([]any)
			parent[name] = append(list, v)
			continue
		}
		v, err := typedValue(key, prop, raw)
		if err != nil {
			return nil, err
		}
		parent[name] = v
	}
	return json.Marshal(obj)
}

// readFieldFile reads an @FILE value: the file's text, or standard input for -.
func (a *app) readFieldFile(name string) (string, error) {
	var r io.Reader = a.stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return "", err
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, maxInputBytes+1))
	if err != nil {
		return "", err
	}
	if len(b) > maxInputBytes {
		return "", fmt.Errorf("@%s is larger than %d MiB", name, maxInputBytes>>20)
	}
	return string(b), nil
}

// property is the schema of s's property name, or nil when s has none
// (the input check then names the unknown field).
func property(s *jsonschema.Schema, name string) *jsonschema.Schema {
	if s == nil {
		return nil
	}
	return s.Properties[name]
}

// typedValue turns the text of -F key=raw into the JSON value the schema
// asks for. Where the schema allows a string (money is a string or a number)
// the text stays a string; an unknown key stays a string too.
func typedValue(key string, s *jsonschema.Schema, raw string) (any, error) {
	if s == nil {
		return raw, nil
	}
	types := s.Types
	if s.Type != "" {
		types = []string{s.Type}
	}
	if slices.Contains(types, "string") || len(types) == 0 {
		return raw, nil
	}
	text := strings.TrimSpace(raw)
	switch {
	case slices.Contains(types, "integer"):
		if _, err := strconv.ParseInt(text, 10, 64); err == nil {
			return json.Number(text), nil
		}
	case slices.Contains(types, "number"):
		if _, err := strconv.ParseFloat(text, 64); err == nil && json.Valid([]byte(text)) {
			return json.Number(text), nil
		}
	case slices.Contains(types, "boolean"):
		if b, err := strconv.ParseBool(text); err == nil {
			return b, nil
		}
	case slices.Contains(types, "object"), slices.Contains(types, "array"):
		var v any
		if err := json.Unmarshal([]byte(text), &v); err == nil {
			return v, nil
		}
	}
	if text == "null" && slices.Contains(types, "null") {
		return nil, nil
	}
	return nil, badInputf("-F %s=%q: %s takes %s", key, raw, key, fieldExample(types))
}

// fieldExample shows how to write a value of types on the command line.
func fieldExample(types []string) string {
	switch {
	case slices.Contains(types, "integer"):
		return "a whole number, e.g. 100"
	case slices.Contains(types, "number"):
		return "a number, e.g. 18.5"
	case slices.Contains(types, "boolean"):
		return "true or false"
	}
	return "a JSON value, e.g. '[...]' or '{...}', or one read from a file with @FILE"
}
