package mcpserver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/bigc-dev/bigc/sandbox"
	"github.com/bigc-dev/bigc/tools"
)

// marshalledSize measures what resultSize computes, the slow way.
func marshalledSize(v any) int {
	structured, _ := json.Marshal(v)
	text, _ := json.Marshal(compactJSON(v))
	return len(structured) + len(text)
}

func TestResultSizeMatchesTheWire(t *testing.T) {
	t.Parallel()
	for _, raw := range []string{
		`{}`, `[]`, `null`, `{"a":[1,2.5,-3e7,true,false,null,"x"]}`,
		`{"html":"<b>&amp;</b>","quote":"say \"hi\" \\ back","ctl":"a\nb\tc\r\u0001\u001f\b\f","sep":"\u2028\u2029","uni":"héllo 世界 🎉","del":"\u007f"}`,
		`{"nested":{"deep":[{"k":"v"},[],{}],"num":12345678901234567890}}`,
	} {
		v, err := decodeJSON([]byte(raw))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := resultSize(v), marshalledSize(v); got != want {
			t.Errorf("%s: resultSize %d, marshalled %d", raw, got, want)
		}
	}
	// Invalid UTF-8 in a string is written as \ufffd.
	if got, want := resultSize(map[string]any{"bad": "a\xffb\xc3"}), marshalledSize(map[string]any{"bad": "a\xffb\xc3"}); got != want {
		t.Errorf("invalid UTF-8: resultSize %d, marshalled %d", got, want)
	}
}

func FuzzResultSize(f *testing.F) {
	f.Add(`{"a":"<x>","b":[1,{"c":"\u2028"}]}`)
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := decodeJSON([]byte(raw))
		if err != nil {
			return
		}
		if got, want := resultSize(v), marshalledSize(v); got != want {
			t.Fatalf("%q: resultSize %d, marshalled %d", raw, got, want)
		}
	})
}

// megabyteStore is a sandbox whose first page of 250 V2 orders is over a
// megabyte, as a real store's is: each order carries 2.5 KB of staff notes.
func megabyteStore(t testing.TB, products int) *fixture {
	f := newFixture(t, sandbox.Options{Seed: 11, Products: products, Customers: 5, Orders: 250})
	var orders []struct {
		ID int `json:"id"`
	}
	f.api("GET", "/v2/orders?limit=250", nil, &orders)
	for i, o := range orders {
		notes := strings.Repeat(fmt.Sprintf("Order %d: call before delivery & leave <at> the back door. ", o.ID), 60)[:2500]
		f.api("PUT", fmt.Sprintf("/_sandbox/orders/%d", o.ID), map[string]any{"staff_notes": notes, "customer_message": fmt.Sprint("note ", i)}, nil)
	}
	return f
}

// rawServer serves the real tools, raw-api-request included, on a
// megabyteStore with 250 products.
func rawServer(t testing.TB) (*fixture, *agent) {
	f := megabyteStore(t, 250)
	s, err := New(tools.NewRegistry(), Options{Connections: []Connection{{Name: "sandbox", Client: f.client()}}, AllowRaw: true})
	if err != nil {
		t.Fatal(err)
	}
	return f, newAgent(t, connect(t, s, nil, nil), "Show me all orders and all products with their variants.", f.tokens.Full)
}

var rawQueryInNote = regexp.MustCompile(`query (\{[^}]*\})`)

// TestRawMegabyteAnswerFits is the case: raw GET /v2/orders with
// limit=250 is over a megabyte upstream. The answer fits the budget (the
// agent helper checks every answer's wire size), says how many orders it
// shows, and the query it names continues exactly after the last one shown.
// The limit is a JSON number, which raw-api-request sends as its text.
func TestRawMegabyteAnswerFits(t *testing.T) {
	t.Parallel()
	f, a := rawServer(t)
	var upstream bytes.Buffer
	req, _ := http.NewRequest("GET", f.url+"/stores/"+f.hash+"/v2/orders?limit=250&sort=id:asc", nil)
	req.Header.Set("X-Auth-Token", f.tokens.Full)
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(&upstream, resp.Body)
	resp.Body.Close()
	if upstream.Len() < 1_000_000 {
		t.Fatalf("the store's page of 250 orders is %d bytes; the test wants over 1 MB", upstream.Len())
	}

	args := map[string]any{"method": "GET", "path": "/v2/orders", "query": map[string]any{"limit": 250, "sort": "id:asc"}}
	out := a.call(RawToolName, args)
	orders := get(out, "body").([]any)
	note, _ := out["note"].(string)
	if len(orders) < 2 || len(orders) >= 250 || !strings.Contains(note, fmt.Sprintf("first %d of the 250 items of body", len(orders))) {
		t.Fatalf("kept %d of 250 orders, note %q", len(orders), note)
	}
	m := rawQueryInNote.FindStringSubmatch(note)
	if m == nil {
		t.Fatalf("the note names no query to continue with: %q", note)
	}
	var next map[string]any
	if err := json.Unmarshal([]byte(m[1]), &next); err != nil {
		t.Fatal(err)
	}
	if next["sort"] != "id:asc" {
		t.Errorf("the next query %v lost the sort", next)
	}
	lastShown := num(t, get(orders[len(orders)-1], "id"))
	more := get(a.call(RawToolName, map[string]any{"method": "GET", "path": "/v2/orders", "query": next}), "body").([]any)
	ids := map[int]bool{}
	for _, o := range orders {
		ids[num(t, get(o, "id"))] = true
	}
	var firstNew int
	for _, o := range more {
		if id := num(t, get(o, "id")); !ids[id] {
			firstNew = id
			break
		}
	}
	var all []struct {
		ID int `json:"id"`
	}
	f.api("GET", "/v2/orders?limit=250&sort=id:asc", nil, &all)
	for i, o := range all {
		if o.ID == lastShown {
			if i+1 >= len(all) || all[i+1].ID != firstNew {
				t.Errorf("the note's query continued at order %d; the order after %d is %d", firstNew, lastShown, all[i+1].ID)
			}
		}
	}
}

// TestRawProductsWithSubResourcesFit: /v3/catalog/products with every
// include is cut in its data list, and the note's query pages on.
func TestRawProductsWithSubResourcesFit(t *testing.T) {
	t.Parallel()
	_, a := rawServer(t)
	out := a.call(RawToolName, map[string]any{"method": "GET", "path": "/v3/catalog/products",
		"query": map[string]any{"limit": "250", "include": "variants,images,custom_fields"}})
	products := get(out, "body", "data").([]any)
	note, _ := out["note"].(string)
	if !strings.Contains(note, fmt.Sprintf("first %d of the 250 items of body.data", len(products))) || !rawQueryInNote.MatchString(note) {
		t.Errorf("kept %d products, note %q", len(products), note)
	}
	if get(out, "body", "meta") == nil {
		t.Error("the page's meta was lost")
	}
}

// TestFitKeepsTextCopyComplete: whatever fit cuts, the text copy is the
// structured content, so clients that read only text see the same answer.
func TestFitKeepsTextCopyComplete(t *testing.T) {
	t.Parallel()
	_, a := rawServer(t)
	res := a.callRaw(RawToolName, map[string]any{"method": "GET", "path": "/v2/orders", "query": map[string]any{"limit": "250"}})
	var fromText map[string]any
	if err := json.Unmarshal([]byte(text(res)), &fromText); err != nil {
		t.Fatal(err)
	}
	var structuredCopy map[string]any
	b, _ := json.Marshal(res.StructuredContent)
	json.Unmarshal(b, &structuredCopy)
	if !reflect.DeepEqual(fromText, structuredCopy) {
		t.Error("the text copy differs from the structured content")
	}
}

// BenchmarkShapeMegabyteRawAnswer measures the adapter's work on a 1 MB
// upstream answer (250 V2 orders) from the tool's output to the finished
// tool result: decoding to plain values, cleaning, fitting, the note, the
// text copy. Figures go in BENCHMARKS.md.
func BenchmarkShapeMegabyteRawAnswer(b *testing.B) {
	f := megabyteStore(b, 20)
	var body json.RawMessage
	f.api("GET", "/v2/orders?limit=250", nil, &body)
	s, err := New(tools.NewRegistry(), Options{Connections: []Connection{{Name: "sandbox", Client: f.client()}}, AllowRaw: true})
	if err != nil {
		b.Fatal(err)
	}
	st := s.served[s.order[RawToolName]]
	out := tools.RawAPIRequestOutput{Status: 200, Body: body}
	args := map[string]any{"method": "GET", "path": "/v2/orders", "query": map[string]any{"limit": "250"}}
	if len(body) < 1_000_000 {
		b.Fatalf("the upstream body is %d bytes, want over 1 MB", len(body))
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		res, _ := s.answer(st, out, nil, args)
		if res.IsError {
			b.Fatal(text(res))
		}
	}
}

// BenchmarkRawMegabyteCall is the whole call as an agent makes it, through
// the in-memory transport: the request to the sandbox, the tool's reading
// and cleaning of the 1 MB body, the adapter's fitting, and the result on
// the wire. Figures go in BENCHMARKS.md.
func BenchmarkRawMegabyteCall(b *testing.B) {
	f := megabyteStore(b, 20)
	s, err := New(tools.NewRegistry(), Options{Connections: []Connection{{Name: "sandbox", Client: f.client()}}, AllowRaw: true})
	if err != nil {
		b.Fatal(err)
	}
	cs := connect(b, s, nil, nil)
	args := map[string]any{"method": "GET", "path": "/v2/orders", "query": map[string]any{"limit": "250"}}
	b.ReportAllocs()
	for b.Loop() {
		if res := call(b, cs, RawToolName, args); res.IsError {
			b.Fatal(text(res))
		}
	}
}
