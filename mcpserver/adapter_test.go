package mcpserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/tools"
)

// The adapter's unit tests serve a small registry of their own, so that
// every path (confirmation, trimming, cutting, errors, progress,
// cancellation) is exercised without a store.

type thing struct {
	ID   int    `json:"id" jsonschema:"the thing's id"`
	Name string `json:"name" jsonschema:"the thing's name"`
	Note string `json:"note" jsonschema:"a note a shopper wrote"`
}

type listThingsIn struct {
	Limit int `json:"limit,omitempty" jsonschema:"items per page"`
	Page  int `json:"page,omitempty" jsonschema:"page number from 1"`
}

type listThingsOut struct {
	Items []thing `json:"items" jsonschema:"things on this page"`
	Hint  string  `json:"hint" jsonschema:"what to do next"`
}

type idIn struct {
	ID int `json:"id" jsonschema:"the thing's id"`
}

type deleted struct {
	ID      int  `json:"id" jsonschema:"the deleted thing's id"`
	Deleted bool `json:"deleted" jsonschema:"always true"`
}

type getThingOut struct {
	ID          int    `json:"id" jsonschema:"the thing's id"`
	Description string `json:"description" jsonschema:"long text"`
}

// world is the state the test tools read and change.
type world struct {
	mu        sync.Mutex
	things    map[int]string
	deletes   []int
	items     int    // how many items list-things answers
	note      string // the note on every listed item
	longText  int    // length of get-thing's description
	cancelled chan error
	started   chan struct{}
}

func newWorld() *world {
	return &world{things: map[int]string{7: "Blue Shirt", 8: "Red Hat"}, items: 3, note: "plain",
		cancelled: make(chan error, 1), started: make(chan struct{}, 1)}
}

func (w *world) deleteCount() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.deletes)
}

func spec[In, Out any](name, title string, a tools.Annotations,
	run func(context.Context, *tools.Env, In) (Out, error),
	preview func(context.Context, *tools.Env, In) (string, error)) *toolSpec {
	in, err := jsonschema.For[In](nil)
	if err != nil {
		panic(err)
	}
	out, err := jsonschema.For[Out](nil)
	if err != nil {
		panic(err)
	}
	decode := func(raw json.RawMessage) (In, error) {
		var v In
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&v); err != nil {
			return v, &tools.Error{Category: tools.CategoryBadInput, Message: err.Error()}
		}
		return v, nil
	}
	s := &toolSpec{name: name, title: title, description: title + " (a test tool).", annotations: a, input: in, output: out}
	s.needsConfirmation = func(env *tools.Env, _ json.RawMessage) bool {
		return !a.ReadOnly && (a.Destructive || env.Production)
	}
	s.run = func(ctx context.Context, env *tools.Env, raw json.RawMessage) (any, error) {
		v, err := decode(raw)
		if err != nil {
			return nil, err
		}
		if s.needsConfirmation(env, raw) && !env.Confirmed {
			return nil, &tools.Error{Category: tools.CategoryConfirmationRequired, Message: "not confirmed"}
		}
		return run(ctx, env, v)
	}
	s.preview = func(ctx context.Context, env *tools.Env, raw json.RawMessage) (string, error) {
		v, err := decode(raw)
		if err != nil {
			return "", err
		}
		if preview == nil {
			return name + " changes the store", nil
		}
		return preview(ctx, env, v)
	}
	return s
}

var (
	readOnly    = tools.Annotations{ReadOnly: true, Idempotent: true, OpenWorld: true}
	destructive = tools.Annotations{Destructive: true, Idempotent: true, OpenWorld: true}
	write       = tools.Annotations{OpenWorld: true}
)

func testSpecs(w *world) []*toolSpec {
	return []*toolSpec{
		spec("list-things", "List things", readOnly, func(ctx context.Context, env *tools.Env, in listThingsIn) (listThingsOut, error) {
			w.mu.Lock()
			defer w.mu.Unlock()
			var out listThingsOut
			for i := range w.items {
				out.Items = append(out.Items, thing{ID: i + 1, Name: fmt.Sprintf("thing %d on %s", i+1, env.Connection), Note: w.note})
			}
			out.Hint = "call get-thing"
			return out, nil
		}, nil),
		spec("get-thing", "Get a thing", readOnly, func(ctx context.Context, env *tools.Env, in idIn) (getThingOut, error) {
			if in.ID == 404 {
				return getThingOut{}, &tools.Error{Category: tools.CategoryNotFound, Message: "no thing 404", Next: "call list-things"}
			}
			if in.ID == 429 {
				return getThingOut{}, &tools.Error{Category: tools.CategoryRateLimited, Message: "quota spent", RetryAfterSeconds: 1.5}
			}
			if in.ID == 500 {
				return getThingOut{}, errors.New("boom")
			}
			return getThingOut{ID: in.ID, Description: strings.Repeat("é", w.longText)}, nil
		}, nil),
		spec("update-thing", "Update a thing", write, func(ctx context.Context, env *tools.Env, in idIn) (deleted, error) {
			return deleted{ID: in.ID}, nil
		}, nil),
		spec("delete-thing", "Delete a thing", destructive, func(ctx context.Context, env *tools.Env, in idIn) (deleted, error) {
			w.mu.Lock()
			defer w.mu.Unlock()
			if _, ok := w.things[in.ID]; !ok {
				return deleted{}, &tools.Error{Category: tools.CategoryNotFound, Message: "no such thing"}
			}
			delete(w.things, in.ID)
			w.deletes = append(w.deletes, in.ID)
			return deleted{ID: in.ID, Deleted: true}, nil
		}, func(ctx context.Context, env *tools.Env, in idIn) (string, error) {
			w.mu.Lock()
			defer w.mu.Unlock()
			name, ok := w.things[in.ID]
			if !ok {
				return "", &tools.Error{Category: tools.CategoryNotFound, Message: fmt.Sprintf("no thing %d", in.ID), Next: "call list-things"}
			}
			return fmt.Sprintf("Delete thing %d %q.", in.ID, name), nil
		}),
		spec("slow-thing", "Wait for a thing", readOnly, func(ctx context.Context, env *tools.Env, in struct{}) (deleted, error) {
			for i := 1; i <= 3; i++ {
				if env.Progress != nil {
					env.Progress(i, 3)
					env.Progress(i, 3) // repeated values must not be sent twice
				}
			}
			w.started <- struct{}{}
			<-ctx.Done()
			w.cancelled <- ctx.Err()
			return deleted{}, ctx.Err()
		}, nil),
	}
}

func testConn(t testing.TB, name string, production bool) Connection {
	t.Helper()
	c, err := bigcommerce.NewClient("abc123defg", "secret-token-never-shown", bigcommerce.WithBaseURL("http://127.0.0.1:1"))
	if err != nil {
		t.Fatal(err)
	}
	return Connection{Name: name, Client: c, Production: production}
}

func newTestServer(t testing.TB, w *world, opts Options) *Server {
	t.Helper()
	if opts.Connections == nil {
		opts.Connections = []Connection{testConn(t, "sandbox", false)}
	}
	s, err := newServer(testSpecs(w), opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// connect opens an in-memory client session on s.
func connect(t testing.TB, s *Server, copts *mcp.ClientOptions, sopts *mcp.ClientSessionOptions) *mcp.ClientSession {
	t.Helper()
	ctx := context.Background()
	ct, st := mcp.NewInMemoryTransports()
	ss, err := s.MCP().Connect(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ss.Close() })
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "v0"}, copts).Connect(ctx, ct, sopts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs
}

func call(t testing.TB, cs *mcp.ClientSession, name string, args map[string]any) *mcp.CallToolResult {
	t.Helper()
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return res
}

func text(res *mcp.CallToolResult) string {
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String()
}

func structured(t testing.TB, res *mcp.CallToolResult) map[string]any {
	t.Helper()
	m, ok := res.StructuredContent.(map[string]any)
	if !ok {
		t.Fatalf("structured content is %T, want an object; text %s", res.StructuredContent, text(res))
	}
	return m
}

func errorOf(t testing.TB, res *mcp.CallToolResult) map[string]any {
	t.Helper()
	if !res.IsError {
		t.Fatalf("want an isError result, got %s", text(res))
	}
	e, ok := structured(t, res)["error"].(map[string]any)
	if !ok {
		t.Fatalf("isError result without an error object: %s", text(res))
	}
	return e
}

func TestDefinitionsAreCompleteAndOrdered(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, newWorld(), Options{})
	cs := connect(t, s, nil, nil)
	res, err := cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tool := range res.Tools {
		names = append(names, tool.Name)
		raw, _ := json.Marshal(tool)
		var m map[string]any
		json.Unmarshal(raw, &m)
		ann, _ := m["annotations"].(map[string]any)
		for _, spec := range testSpecs(newWorld()) {
			if got := hintsOf(ann); spec.name == tool.Name && got != readableHints(spec.annotations) {
				t.Errorf("%s: the hints read as %+v, want %+v: %s", tool.Name, got, spec.annotations, raw)
			}
		}
		if tool.Title == "" || tool.OutputSchema == nil {
			t.Errorf("%s: title %q, output schema %v", tool.Name, tool.Title, tool.OutputSchema)
		}
		props, _ := tool.InputSchema.(map[string]any)["properties"].(map[string]any)
		_, hasFields := props["fields"]
		_, hasToken := props["confirmation_token"]
		if hasFields != (tool.Name == "list-things") {
			t.Errorf("%s: fields argument present = %v", tool.Name, hasFields)
		}
		if hasToken != (tool.Name == "delete-thing") {
			t.Errorf("%s: confirmation_token argument present = %v", tool.Name, hasToken)
		}
	}
	want := "list-things get-thing update-thing delete-thing slow-thing"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("tools are listed as %s, want the registry's order %s", got, want)
	}
}

func TestExposure(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		opts    Options
		want    string // served tools, or "" when New must fail
		wantErr string
	}{
		{"all", Options{}, "list-things get-thing update-thing delete-thing slow-thing", ""},
		{"read-only", Options{ReadOnly: true}, "list-things get-thing slow-thing", ""},
		{"allowlist", Options{Tools: []string{"get-thing", "delete-thing"}}, "get-thing delete-thing", ""},
		{"allowlist and read-only", Options{Tools: []string{"get-thing", "delete-thing"}, ReadOnly: true}, "get-thing", ""},
		{"unknown tool", Options{Tools: []string{"get-thing", "frobnicate"}}, "", `unknown tool "frobnicate"`},
		{"nothing left", Options{Tools: []string{"delete-thing"}, ReadOnly: true}, "", "no tool is left"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.opts.Connections = []Connection{testConn(t, "sandbox", false)}
			s, err := newServer(testSpecs(newWorld()), tt.opts)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("New: error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, d := range s.Tools() {
				names = append(names, d.Name)
			}
			if got := strings.Join(names, " "); got != tt.want {
				t.Errorf("served %s, want %s", got, tt.want)
			}
		})
	}
}

func TestRawToolNeedsAllowRaw(t *testing.T) {
	t.Parallel()
	raw := spec(RawToolName, "Raw API request", destructive, func(ctx context.Context, env *tools.Env, in idIn) (deleted, error) {
		return deleted{}, nil
	}, nil)
	conns := []Connection{testConn(t, "sandbox", false)}
	s, err := newServer([]*toolSpec{raw, testSpecs(newWorld())[0]}, Options{Connections: conns})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(s.Tools()); n != 1 || s.Tools()[0].Name == RawToolName {
		t.Errorf("without AllowRaw the server serves %d tools including %s", n, s.Tools()[0].Name)
	}
	if _, err := newServer([]*toolSpec{raw}, Options{Connections: conns, Tools: []string{RawToolName}}); !errors.Is(err, ErrRawNotAllowed) {
		t.Errorf("allowlisting %s without AllowRaw: error %v, want ErrRawNotAllowed", RawToolName, err)
	}
	s, err = newServer([]*toolSpec{raw}, Options{Connections: conns, AllowRaw: true})
	if err != nil || len(s.Tools()) != 1 {
		t.Fatalf("AllowRaw: %v, %d tools", err, len(s.Tools()))
	}
}

func TestSeveralConnections(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, newWorld(), Options{Connections: []Connection{testConn(t, "us", false), testConn(t, "eu", false)}})
	cs := connect(t, s, nil, nil)
	tools, err := cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tool := range tools.Tools {
		in := tool.InputSchema.(map[string]any)
		conn, _ := in["properties"].(map[string]any)["connection"].(map[string]any)
		if fmt.Sprint(conn["enum"]) != "[us eu]" {
			t.Errorf("%s: connection enum %v, want [us eu]", tool.Name, conn["enum"])
		}
		if req := fmt.Sprint(in["required"]); !strings.Contains(req, "connection") {
			t.Errorf("%s: connection is not required: %v", tool.Name, req)
		}
	}
	res := call(t, cs, "list-things", map[string]any{"connection": "eu"})
	if got := text(res); res.IsError || !strings.Contains(got, "thing 1 on eu") {
		t.Errorf("list-things on eu: %s", got)
	}
	for _, args := range []map[string]any{{}, {"connection": "asia"}} {
		e := errorOf(t, call(t, cs, "list-things", args))
		if e["field"] != "connection" || !strings.Contains(fmt.Sprint(e["message"]), "us, eu") {
			t.Errorf("list-things %v: error %v, want one naming connection and its values", args, e)
		}
	}
}

func TestFieldsTrimItems(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, newWorld(), Options{})
	cs := connect(t, s, nil, nil)
	res := call(t, cs, "list-things", map[string]any{"fields": []string{"name"}})
	items := structured(t, res)["items"].([]any)
	for _, it := range items {
		m := it.(map[string]any)
		if len(m) != 2 || m["id"] == nil || m["name"] == nil {
			t.Errorf("item %v, want only id and name", m)
		}
	}
	if !strings.Contains(text(res), `"name":"thing 1 on sandbox"`) || strings.Contains(text(res), "note") {
		t.Errorf("the text copy is not the trimmed answer: %s", text(res))
	}
	e := errorOf(t, call(t, cs, "list-things", map[string]any{"fields": []string{"colour"}}))
	if e["field"] != "fields" || !strings.Contains(fmt.Sprint(e["message"]), "id, name, note") {
		t.Errorf("unknown field: error %v, want one listing the valid fields", e)
	}
}

func TestAnswersAreCutToBudget(t *testing.T) {
	t.Parallel()
	w := newWorld()
	w.items = 400
	w.note = strings.Repeat("n", 200)
	w.longText = 15000
	s := newTestServer(t, w, Options{MaxAnswerBytes: 20_000})
	cs := connect(t, s, nil, nil)

	res := call(t, cs, "list-things", map[string]any{"limit": 400})
	out := structured(t, res)
	items := out["items"].([]any)
	if len(text(res)) > 20_000 {
		t.Errorf("list answer is %d bytes, over the 20000 budget", len(text(res)))
	}
	if len(items) == 0 || len(items) >= 400 {
		t.Errorf("list answer kept %d of 400 items", len(items))
	}
	note, _ := out["note"].(string)
	if !strings.Contains(note, fmt.Sprintf("first %d of the 400", len(items))) || !strings.Contains(note, fmt.Sprintf("limit=%d", len(items))) {
		t.Errorf("note %q does not say what was cut and how to get the rest", note)
	}

	res = call(t, cs, "get-thing", map[string]any{"id": 1})
	out = structured(t, res)
	if len(text(res)) > 20_000 || !strings.HasSuffix(out["description"].(string), cutMark) || out["note"] == nil {
		t.Errorf("long text was not cut: %d bytes, note %v", len(text(res)), out["note"])
	}

	w.items, w.longText = 3, 10
	res = call(t, cs, "list-things", nil)
	if out := structured(t, res); out["note"] != nil || len(out["items"].([]any)) != 3 {
		t.Errorf("a small answer was changed: %s", text(res))
	}
}

func TestErrorsAreToolResults(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, newWorld(), Options{})
	cs := connect(t, s, nil, nil)
	tests := []struct {
		id       int
		category string
		inText   []string
	}{
		{404, "not_found", []string{"Error (not_found)", "no thing 404", "Next: call list-things."}},
		{429, "rate_limited", []string{"Retry after 1.5 seconds"}},
		{500, "internal", []string{"boom"}},
	}
	for _, tt := range tests {
		res := call(t, cs, "get-thing", map[string]any{"id": tt.id})
		e := errorOf(t, res)
		if e["category"] != tt.category {
			t.Errorf("get-thing %d: category %v, want %s", tt.id, e["category"], tt.category)
		}
		for _, want := range tt.inText {
			if !strings.Contains(text(res), want) {
				t.Errorf("get-thing %d: text %q lacks %q", tt.id, text(res), want)
			}
		}
	}
	// Bad arguments are tool errors too, not protocol errors.
	e := errorOf(t, call(t, cs, "get-thing", map[string]any{"id": "seven"}))
	if e["category"] != "bad_input" {
		t.Errorf("bad argument: %v", e)
	}
	// An unknown tool is a protocol fault.
	if _, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "no-such-tool"}); err == nil {
		t.Error("calling an unknown tool did not fail at the protocol level")
	}
}

// elicitClient answers every elicitation with action and, when accepting, typed.
func elicitClient(action, typed string, asked *[]string) *mcp.ClientOptions {
	var mu sync.Mutex
	return &mcp.ClientOptions{ElicitationHandler: func(ctx context.Context, req *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
		mu.Lock()
		*asked = append(*asked, req.Params.Message)
		mu.Unlock()
		res := &mcp.ElicitResult{Action: action}
		if action == "accept" {
			res.Content = map[string]any{"confirm": typed}
		}
		return res, nil
	}}
}

func TestDeleteConfirmedByElicitation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, action, typed string
		wantDeleted         bool
		wantMessage         string
	}{
		{"accept with the id", "accept", "7", true, ""},
		{"accept with the name", "accept", " blue shirt ", true, ""},
		{"accept with a wrong value", "accept", "8", false, `typed "8"`},
		{"decline", "decline", "", false, "declined"},
		{"cancel", "cancel", "", false, "cancelled"},
	}
	for _, version := range []string{"", "2025-06-18"} {
		for _, tt := range tests {
			t.Run(tt.name+" "+version, func(t *testing.T) {
				t.Parallel()
				w := newWorld()
				s := newTestServer(t, w, Options{})
				var asked []string
				cs := connect(t, s, elicitClient(tt.action, tt.typed, &asked), &mcp.ClientSessionOptions{ProtocolVersion: version})
				res := call(t, cs, "delete-thing", map[string]any{"id": 7})
				if len(asked) != 1 || !strings.Contains(asked[0], `Delete thing 7 "Blue Shirt".`) || !strings.Contains(asked[0], `type "7" or "Blue Shirt"`) {
					t.Fatalf("elicitation messages %q, want one showing the preview and what to type", asked)
				}
				if got := w.deleteCount() == 1; got != tt.wantDeleted {
					t.Fatalf("deleted = %v, want %v; answer %s", got, tt.wantDeleted, text(res))
				}
				if tt.wantDeleted {
					if res.IsError || structured(t, res)["deleted"] != true {
						t.Errorf("confirmed delete answered %s", text(res))
					}
					return
				}
				e := errorOf(t, res)
				if e["category"] != "not_confirmed" || !strings.Contains(fmt.Sprint(e["message"]), tt.wantMessage) ||
					!strings.Contains(fmt.Sprint(e["message"]), "Nothing was changed") {
					t.Errorf("error %v, want not_confirmed saying %q and that nothing changed", e, tt.wantMessage)
				}
			})
		}
	}
}

func TestDeletePreviewFailureIsAnError(t *testing.T) {
	t.Parallel()
	w := newWorld()
	s := newTestServer(t, w, Options{})
	var asked []string
	cs := connect(t, s, elicitClient("accept", "99", &asked), nil)
	e := errorOf(t, call(t, cs, "delete-thing", map[string]any{"id": 99}))
	if e["category"] != "not_found" || len(asked) != 0 {
		t.Errorf("deleting a missing thing: error %v after %d questions, want not_found and no question", e, len(asked))
	}
}

func TestDeleteConfirmedByToken(t *testing.T) {
	t.Parallel()
	w := newWorld()
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	s := newTestServer(t, w, Options{Now: now})
	cs := connect(t, s, nil, nil) // no elicitation handler: the client cannot elicit

	first := call(t, cs, "delete-thing", map[string]any{"id": 7})
	e := errorOf(t, first)
	token, _ := e["confirmation_token"].(string)
	if e["category"] != "confirmation_required" || token == "" || !strings.Contains(fmt.Sprint(e["message"]), `Delete thing 7 "Blue Shirt".`) {
		t.Fatalf("first call: %v, want the preview and a token", e)
	}
	if !strings.Contains(text(first), token) {
		t.Errorf("the text copy lacks the token: %s", text(first))
	}
	if w.deleteCount() != 0 {
		t.Fatal("the first call deleted")
	}

	tampered := []byte(token)
	tampered[3] ^= 1
	for name, args := range map[string]map[string]any{
		"tampered token":  {"id": 7, "confirmation_token": string(tampered)},
		"other arguments": {"id": 8, "confirmation_token": token},
		"made-up token":   {"id": 7, "confirmation_token": "abc.def"},
	} {
		e := errorOf(t, call(t, cs, "delete-thing", args))
		if e["category"] != "confirmation_required" || w.deleteCount() != 0 {
			t.Errorf("%s: %v, deletes %d; want confirmation_required and no delete", name, e, w.deleteCount())
		}
	}

	mu.Lock()
	clock = clock.Add(confirmTTL + time.Second)
	mu.Unlock()
	e = errorOf(t, call(t, cs, "delete-thing", map[string]any{"id": 7, "confirmation_token": token}))
	if !strings.Contains(fmt.Sprint(e["message"]), "expired") || w.deleteCount() != 0 {
		t.Errorf("expired token: %v", e)
	}

	e = errorOf(t, call(t, cs, "delete-thing", map[string]any{"id": 7}))
	token = e["confirmation_token"].(string)
	res := call(t, cs, "delete-thing", map[string]any{"confirmation_token": token, "id": 7})
	if res.IsError || w.deleteCount() != 1 {
		t.Fatalf("confirmed call: %s, deletes %d", text(res), w.deleteCount())
	}
}

func TestProductionWritesNeedConfirmation(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, newWorld(), Options{Connections: []Connection{testConn(t, "live", true)}})
	cs := connect(t, s, nil, nil)
	for _, d := range s.Tools() {
		props := d.InputSchema.(*jsonschema.Schema).Properties
		if _, ok := props[argConfirmationToken]; ok == d.Annotations.ReadOnlyHint {
			t.Errorf("%s: confirmation_token present = %v on a production connection", d.Name, ok)
		}
	}
	e := errorOf(t, call(t, cs, "update-thing", map[string]any{"id": 1}))
	if e["category"] != "confirmation_required" || e["confirmation_token"] == nil {
		t.Errorf("a write on production answered %v, want a confirmation token", e)
	}
	if res := call(t, cs, "get-thing", map[string]any{"id": 1}); res.IsError {
		t.Errorf("a read on production needed confirmation: %s", text(res))
	}
}

func TestProgressAndCancellation(t *testing.T) {
	t.Parallel()
	w := newWorld()
	s := newTestServer(t, w, Options{})
	var mu sync.Mutex
	var progress []float64
	cs := connect(t, s, &mcp.ClientOptions{ProgressNotificationHandler: func(_ context.Context, req *mcp.ProgressNotificationClientRequest) {
		mu.Lock()
		defer mu.Unlock()
		progress = append(progress, req.Params.Progress)
	}}, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		params := &mcp.CallToolParams{Name: "slow-thing", Arguments: map[string]any{}}
		params.SetProgressToken("p1")
		_, err := cs.CallTool(ctx, params)
		done <- err
	}()
	<-w.started
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled call returned %v", err)
	}
	if err := <-w.cancelled; !errors.Is(err, context.Canceled) {
		t.Errorf("the tool's context ended with %v, want context.Canceled", err)
	}
	mu.Lock()
	defer mu.Unlock()
	// Notifications are delivered asynchronously; the ones that arrived must increase.
	for i := 1; i < len(progress); i++ {
		if progress[i] <= progress[i-1] {
			t.Errorf("progress does not increase: %v", progress)
		}
	}
}

func TestCutNotePointsAfterTheItemsShown(t *testing.T) {
	t.Parallel()
	pageList := &servedTool{spec: &toolSpec{name: "list-things"}, list: &listShape{property: "items", fields: []string{"id", "name"}}, paging: pagingArgs{limit: true, page: true}}
	cursorList := &servedTool{spec: &toolSpec{name: "list-things"}, list: &listShape{property: "items"}, paging: pagingArgs{limit: true, cursor: true}}
	items := func(kept, total int) fitting {
		return fitting{arrays: []arrayCut{{path: []string{"items"}, kept: kept, total: total}}}
	}
	tests := []struct {
		name     string
		st       *servedTool
		c        fitting
		args     map[string]any
		want     []string
		wantNext string
	}{
		{"first page", pageList, items(7, 20), map[string]any{},
			[]string{"first 7 of the 20 items of items", "limit=7 and page=2", "fields"}, "2"},
		// Items 100-119 shown of page 3 at 50: page 7 at 20 starts at item 120.
		{"third page", pageList, items(20, 50), map[string]any{"page": json.Number("3"), "limit": json.Number("50")},
			[]string{"limit=20 and page=7"}, "7"},
		// 30 shown from item 100: 25 divides 100, so page 6 at 25 starts at 125 (repeating 5, skipping none).
		{"uneven", pageList, items(30, 50), map[string]any{"page": json.Number("3"), "limit": json.Number("50")},
			[]string{"limit=25 and page=6"}, "6"},
		{"cursor", cursorList, items(5, 20), map[string]any{}, []string{"start again with limit=5"}, ""},
		{"strings", pageList, fitting{shortened: 2}, map[string]any{}, []string{"2 long text values were shortened"}, ""},
	}
	for _, tt := range tests {
		out := map[string]any{"next": map[string]any{"page": json.Number("4")}}
		if tt.wantNext == "" {
			out = map[string]any{}
		}
		note := tt.c.note(out, 80_000, tt.st, tt.args)
		for _, w := range tt.want {
			if !strings.Contains(note, w) {
				t.Errorf("%s: note %q lacks %q", tt.name, note, w)
			}
		}
		if tt.wantNext != "" && fmt.Sprint(get(out, "next", "page")) != tt.wantNext {
			t.Errorf("%s: next.page = %v, want %s", tt.name, get(out, "next", "page"), tt.wantNext)
		}
	}
	if note := (fitting{}).note(map[string]any{}, 80_000, pageList, nil); note != "" {
		t.Errorf("nothing was cut, yet the note says %q", note)
	}
}

// FuzzParseArgs: tool arguments come from outside; decoding them never
// panics and yields an object or an error.
func FuzzParseArgs(f *testing.F) {
	for _, seed := range []string{`{"id":7}`, `[]`, `null`, `{"a":1} {}`, `{"n":12345678901234567890}`, ``} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := parseArgs(raw)
		if err == nil && m == nil {
			t.Fatalf("parseArgs(%q) gave neither arguments nor an error", raw)
		}
	})
}

func TestServerVersion(t *testing.T) {
	t.Parallel()
	if v := DefaultVersion(); v == "" {
		t.Fatal("DefaultVersion is empty")
	}
	for _, tt := range []struct{ given, want string }{
		{"1.4.0", "1.4.0"},
		{"", DefaultVersion()},
	} {
		cs := connect(t, newTestServer(t, newWorld(), Options{Version: tt.given}), nil, nil)
		if got := cs.InitializeResult().ServerInfo.Version; got != tt.want {
			t.Errorf("Options.Version %q: serverInfo.version = %q, want %q", tt.given, got, tt.want)
		}
	}
}

// hintsOf reads a tool's annotations as a client does: a hint left out has
// the protocol's default (destructive and open world true, the others false).
func hintsOf(ann map[string]any) tools.Annotations {
	hint := func(name string, def bool) bool {
		if v, ok := ann[name].(bool); ok {
			return v
		}
		return def
	}
	a := tools.Annotations{ReadOnly: hint("readOnlyHint", false), Destructive: hint("destructiveHint", true),
		Idempotent: hint("idempotentHint", false), OpenWorld: hint("openWorldHint", true)}
	return readableHints(a)
}

// readableHints is a with destructive cleared for a read-only tool, where the
// protocol gives destructiveHint no meaning.
func readableHints(a tools.Annotations) tools.Annotations {
	if a.ReadOnly {
		a.Destructive = false
	}
	return a
}
