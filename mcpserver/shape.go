package mcpserver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// toGeneric turns a tool's typed output into plain JSON values (maps, slices,
// strings, json.Number, bools, nil), which the adapter can trim, clean and cut
// without knowing the tool's Go types. Numbers stay json.Number so that ids
// and money keep every digit.
func toGeneric(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out any
	if err := dec.Decode(&out); err != nil {
		return nil, err
	}
	return out, nil
}

// compactJSON is the text copy of an answer: the same JSON as the structured
// content, without indentation.
func compactJSON(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only values built from decoded JSON reach here, so this cannot fail;
		// an empty object keeps the answer well-formed if it ever does.
		return "{}"
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

// jsonSize is how many bytes v takes as compact JSON.
func jsonSize(v any) int { return len(compactJSON(v)) }

// resultSize is how many bytes an answer v takes in a tool result: v as
// structured content plus its text copy, which the JSON-RPC message carries
// as a JSON string with every quote escaped. Both are measured as
// encoding/json writes them (with HTML escaping, as the SDK sends them), so
// the size is what goes on the wire, give or take the envelope.
func resultSize(v any) int {
	structured, err := json.Marshal(v)
	if err != nil {
		return jsonSize(v) * 2
	}
	text, _ := json.Marshal(compactJSON(v))
	return len(structured) + len(text)
}

// cleanText removes the characters a shopper could use to hide or disguise
// text from a person reading it: C0 and C1 control characters other than
// newline and tab, DEL, and Unicode format characters (zero-width spaces and
// joiners, bidirectional overrides and isolates, the byte order mark, tag
// characters). Invalid UTF-8 becomes U+FFFD. Text that needs no change is
// returned as is, without allocating.
func cleanText(s string) string {
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

// cleanValue walks plain JSON values and cleans every string in place (map
// values and slice elements). Strings are the only place shopper-written text
// can hide, whatever the field is called.
func cleanValue(v any) any {
	switch x := v.(type) {
	case string:
		return cleanText(x)
	case map[string]any:
		for k, e := range x {
			x[k] = cleanValue(e)
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = cleanValue(e)
		}
		return x
	default:
		return v
	}
}

// listShape describes a list tool's answer: the top-level property holding
// the items and the names of an item's properties, in schema order.
type listShape struct {
	property string
	fields   []string
}

// trimItems keeps only the named fields of each item of the list property of
// out. The item's "id" is always kept so that the model can chain calls.
func (l *listShape) trimItems(out map[string]any, fields []string) {
	items, ok := out[l.property].([]any)
	if !ok {
		return
	}
	keep := map[string]bool{"id": true}
	for _, f := range fields {
		keep[f] = true
	}
	for _, it := range items {
		m, ok := it.(map[string]any)
		if !ok {
			continue
		}
		for k := range m {
			if !keep[k] {
				delete(m, k)
			}
		}
	}
}

// cut records what budget left out of an answer.
type cut struct {
	kept, total int  // list items kept, of the page's total; equal when none was cut
	shortened   bool // long strings were shortened
}

// budget fits an answer into maxBytes of tool result, structured content and
// text copy together (see resultSize): the text copy must stay complete for
// clients that read only text, so each copy gets about half. A list answer
// loses items from the end; anything still too big has its longest strings
// cut.
func budget(out map[string]any, maxBytes int, list *listShape) cut {
	var c cut
	size := resultSize(out)
	if list != nil {
		if items, ok := out[list.property].([]any); ok {
			c.kept, c.total = len(items), len(items)
			// Each step removes the share of items that the excess represents
			// (at least one), so the loop ends after a few marshals even for
			// thousands of items.
			for len(items) > 1 && size > maxBytes {
				n := max(len(items)*(size-maxBytes)/size, 1)
				items = items[:len(items)-n]
				out[list.property] = items
				size = resultSize(out)
			}
			c.kept = len(items)
		}
	}
	if size > maxBytes {
		cutLongStrings(out, maxBytes)
		c.shortened = true
	}
	return c
}

// note tells the model what budget cut and how to get the rest. For a page
// list it also points next.page at the first item left out, at the smaller
// page size the note names.
func (c cut) note(out map[string]any, maxBytes int, st *servedTool, args map[string]any) string {
	var notes []string
	if c.kept < c.total {
		var b strings.Builder
		fmt.Fprintf(&b, "Only the first %d of the %d items on this page are shown, to keep the answer under %d KB.", c.kept, c.total, maxBytes/1000)
		next, _ := out["next"].(map[string]any)
		switch {
		case st.paging.page && st.paging.limit:
			page, limit := intArg(args, "page", 1), intArg(args, "limit", c.total)
			start := (page - 1) * limit // index of the page's first item
			size := c.kept
			for size > 1 && start%size != 0 {
				size--
			}
			after := start/size + 2 // the page, at that size, just after the items shown
			fmt.Fprintf(&b, " To continue after them, call again with limit=%d and page=%d", size, after)
			if next != nil {
				next["page"] = json.Number(fmt.Sprint(after))
				b.WriteString(" (next.page says so too)")
			}
			b.WriteString(".")
		case st.paging.limit && st.paging.cursor:
			fmt.Fprintf(&b, " next.cursor skips the items left out: to see every item, start again with limit=%d and the same filters, and follow next.cursor from there.", c.kept)
		case st.paging.limit:
			fmt.Fprintf(&b, " Ask for fewer items with limit=%d.", c.kept)
		}
		if st.list != nil && len(st.list.fields) > 0 {
			b.WriteString(" Passing fields with only the fields you need fits more items.")
		}
		notes = append(notes, b.String())
	}
	if c.shortened {
		notes = append(notes, fmt.Sprintf("Long text was shortened (marked with %q) to keep the answer under %d KB.", cutMark, maxBytes/1000))
	}
	return strings.Join(notes, " ")
}

// pagingArgs are the list tool's input properties the size note may name.
type pagingArgs struct {
	limit, page, cursor bool
}

// intArg reads a positive integer argument, or def when it is absent.
func intArg(args map[string]any, name string, def int) int {
	if n, ok := args[name].(json.Number); ok {
		if v, err := n.Int64(); err == nil && v > 0 {
			return int(v)
		}
	}
	return def
}

const cutMark = "…[cut]"

// cutLongStrings halves the longest string in v until v's tool result fits
// in maxBytes or no string is worth cutting.
func cutLongStrings(out map[string]any, maxBytes int) {
	for resultSize(out) > maxBytes {
		ref := longestString(out)
		if ref == nil || len(*ref.value) < 2*len(cutMark)+16 {
			return
		}
		s := *ref.value
		keep := len(s) / 2
		for keep > 0 && !utf8.RuneStart(s[keep]) {
			keep--
		}
		ref.set(strings.TrimSuffix(s[:keep], cutMark) + cutMark)
	}
}

type stringRef struct {
	value *string
	set   func(string)
}

func longestString(v any) *stringRef {
	var best *stringRef
	var walk func(v any, set func(string))
	walk = func(v any, set func(string)) {
		switch x := v.(type) {
		case string:
			if best == nil || len(x) > len(*best.value) {
				s := x
				best = &stringRef{value: &s, set: set}
			}
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				walk(x[k], func(s string) { x[k] = s })
			}
		case []any:
			for i, e := range x {
				walk(e, func(s string) { x[i] = s })
			}
		}
	}
	walk(v, nil)
	if best != nil && best.set == nil {
		return nil
	}
	return best
}
