package tools

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"unicode"
	"unicode/utf8"
)

// CleanText is bigc's one sanitizer for text that shoppers or staff wrote,
// so that it reaches a person or a model as data: it removes the characters
// that could hide or disguise text (C0 and C1 control characters other than
// newline and tab, DEL, and Unicode format characters: zero-width spaces and
// joiners, bidirectional overrides and isolates, the byte order mark, tag
// characters), and writes invalid UTF-8 as U+FFFD, so a reader sees that
// something was there. Text that needs no change is returned as is, without
// allocating. Tool.Run and Tool.Preview apply it to everything a tool
// answers, for the command line and the MCP server alike.
func CleanText(s string) string {
	clean := true
	for _, r := range s {
		if dropRune(r) || r == utf8.RuneError {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if !dropRune(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func dropRune(r rune) bool {
	if r == '\n' || r == '\t' {
		return false
	}
	return unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r)
}

var rawMessageType = reflect.TypeFor[json.RawMessage]()

// cleanOutput returns a tool's answer with present applied to every string
// it holds, whatever the field: an answer is built from store data, any
// string may carry what a shopper wrote, and a store may echo back a token
// that a user pasted into a query. A raw JSON value (raw-api-request's body)
// is cleaned string by string, and rewritten only if one changed.
func cleanOutput(out any, present func(string) string) any {
	if out == nil {
		return nil
	}
	v := reflect.New(reflect.TypeOf(out)).Elem()
	v.Set(reflect.ValueOf(out))
	cleanValue(v, present)
	return v.Interface()
}

// cleanValue applies present to the strings of the settable value v in place.
func cleanValue(v reflect.Value, present func(string) string) {
	switch v.Kind() {
	case reflect.String:
		if s := v.String(); present(s) != s {
			v.SetString(present(s))
		}
	case reflect.Pointer:
		if !v.IsNil() {
			cleanValue(v.Elem(), present)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if f := v.Field(i); f.CanSet() {
				cleanValue(f, present)
			}
		}
	case reflect.Slice:
		if v.Type() == rawMessageType {
			if b, ok := cleanJSON(v.Bytes(), present); ok {
				v.SetBytes(b)
			}
			return
		}
		for i := range v.Len() {
			cleanValue(v.Index(i), present)
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(v.MapIndex(k))
			cleanValue(e, present)
			v.SetMapIndex(k, e)
		}
	case reflect.Interface:
		if !v.IsNil() {
			e := reflect.New(v.Elem().Type()).Elem()
			e.Set(v.Elem())
			cleanValue(e, present)
			v.Set(e)
		}
	}
}

// cleanJSON applies present to the strings of a JSON value; ok is false when
// none changed (or raw is not JSON), and raw is then kept byte for byte.
func cleanJSON(raw []byte, present func(string) string) ([]byte, bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if len(bytes.TrimSpace(raw)) == 0 || dec.Decode(&v) != nil {
		return nil, false
	}
	v, changed := cleanPlain(v, present)
	if !changed {
		return nil, false
	}
	b, err := json.Marshal(v)
	return b, err == nil
}

// cleanPlain applies present to the strings of a decoded JSON value (keys
// included) and says whether any changed.
func cleanPlain(v any, present func(string) string) (any, bool) {
	changed := false
	switch x := v.(type) {
	case string:
		c := present(x)
		return c, c != x
	case []any:
		for i, e := range x {
			var ch bool
			x[i], ch = cleanPlain(e, present)
			changed = changed || ch
		}
	case map[string]any:
		for k, e := range x {
			c, ch := cleanPlain(e, present)
			if ck := present(k); ck != k {
				delete(x, k)
				k, ch = ck, true
			}
			x[k] = c
			changed = changed || ch
		}
	}
	return v, changed
}

// CompactJSON is v as compact JSON with <, > and & as they are, without the
// trailing newline: answers hold shoppers' and staff's HTML (product
// descriptions, notes), and "\u003c" would only obscure it for the person or
// model reading the text. The MCP server's text copies and `bigc call --all`
// both write answers with it.
func CompactJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
