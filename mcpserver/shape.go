package mcpserver

import (
	"bytes"
	"encoding/json"

	"github.com/bigc-dev/bigc/tools"
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
	b, err := tools.CompactJSON(v)
	if err != nil {
		// Only values built from decoded JSON reach here, so this cannot fail;
		// an empty object keeps the answer well-formed if it ever does.
		return "{}"
	}
	return string(b)
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
