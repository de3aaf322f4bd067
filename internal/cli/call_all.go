package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/bigc-dev/bigc/tools"
)

// pagedTool reports whether t is a list tool whose answer pages: its output
// has items and next, and its input takes the page or the cursor next names.
func pagedTool(t *tools.Tool) bool {
	out, in := t.OutputSchema.Properties, t.InputSchema.Properties
	return out["items"] != nil && out["next"] != nil && (in["page"] != nil || in["cursor"] != nil)
}

// pagedToolNames lists the tools --all applies to, for its error.
func pagedToolNames(reg *tools.Registry) string {
	var names []string
	for _, t := range reg.Tools() {
		if pagedTool(t) {
			names = append(names, t.Name)
		}
	}
	return strings.Join(names, ", ")
}

// runAllPages is bigc call TOOL --all: it runs a list tool page after page,
// each time with the page or cursor the last answer's next named, and
// answers the last page's object with every page's items in "items", next
// null and "count", the number of items, so that a script reads one answer
// of the shape it knows. Without a limit in the input, pages are as large as
// the tool allows (fewer requests). A next that repeats is an error, not a
// loop.
func runAllPages(ctx context.Context, tool *tools.Tool, env *tools.Env, raw json.RawMessage) (json.RawMessage, int, error) {
	var input map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&input); err != nil || input == nil {
		return nil, 0, badInputf("--input: want a JSON object")
	}
	if _, ok := input["limit"]; !ok {
		if l := tool.InputSchema.Properties["limit"]; l != nil && l.Maximum != nil {
			input["limit"] = int(*l.Maximum)
		}
	}
	var (
		items []json.RawMessage
		last  []byte
		pages int
		seen  = map[string]bool{}
	)
	for {
		in, err := json.Marshal(input)
		if err != nil {
			return nil, pages, err
		}
		out, err := tool.Run(ctx, env, in)
		if err != nil {
			return nil, pages, err
		}
		pages++
		if last, err = tools.CompactJSON(out); err != nil {
			return nil, pages, err
		}
		var page struct {
			Items []json.RawMessage `json:"items"`
			Next  *tools.NextPage   `json:"next"`
		}
		if err := json.Unmarshal(last, &page); err != nil {
			return nil, pages, fmt.Errorf("%s answered what --all cannot page: %w", tool.Name, err)
		}
		items = append(items, page.Items...)
		if page.Next == nil {
			break
		}
		delete(input, "page")
		delete(input, "cursor")
		key := fmt.Sprintf("page=%d", page.Next.Page)
		if page.Next.Cursor != "" {
			input["cursor"], key = page.Next.Cursor, "cursor="+page.Next.Cursor
		} else {
			input["page"] = page.Next.Page
		}
		if seen[key] {
			return nil, pages, fmt.Errorf("%s named %s as the next page twice; stopped after %s rather than loop", tool.Name, key, plural(pages, "page"))
		}
		seen[key] = true
	}
	if items == nil {
		items = []json.RawMessage{}
	}
	all, err := replaceFields(last, map[string]any{"items": items, "next": nil}, "count", len(items))
	return all, pages, err
}

// replaceFields re-encodes the JSON object obj with the values of set in
// place of its own, in obj's order, and the field add=addValue at the end.
func replaceFields(obj []byte, set map[string]any, add string, addValue any) (json.RawMessage, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(obj, &fields); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(obj))
	if _, err := dec.Token(); err != nil { // {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteByte('{')
	write := func(k string, v any) error {
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		vb, err := tools.CompactJSON(v)
		if err != nil {
			return err
		}
		b.Write(kb)
		b.WriteByte(':')
		b.Write(vb)
		return nil
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		k := tok.(string)
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil, err
		}
		v, ok := set[k]
		if !ok {
			v = fields[k]
		}
		if err := write(k, v); err != nil {
			return nil, err
		}
	}
	if err := write(add, addValue); err != nil {
		return nil, err
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}
