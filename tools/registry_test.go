package tools

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/sandbox"
)

// testVariant and testInput exercise every kind of field tool inputs use.
type testVariant struct {
	SKU   string              `json:"sku" jsonschema:"the variant's SKU"`
	Price bigcommerce.Decimal `json:"price,omitempty" jsonschema:"the variant's price"`
}

type testInput struct {
	ID       int                  `json:"id" jsonschema:"the record's id"`
	Price    bigcommerce.Decimal  `json:"price,omitempty" jsonschema:"the price"`
	Weight   *bigcommerce.Decimal `json:"weight,omitempty" jsonschema:"the weight"`
	Since    bigcommerce.Time     `json:"since,omitzero" jsonschema:"only records changed since then"`
	Limit    *int                 `json:"limit,omitempty" jsonschema:"page size"`
	Visible  *bool                `json:"visible,omitempty" jsonschema:"visibility"`
	Tags     []string             `json:"tags,omitempty" jsonschema:"tags"`
	Variants []testVariant        `json:"variants,omitempty" jsonschema:"variants"`
	Query    map[string]string    `json:"query,omitempty" jsonschema:"query parameters"`
	Body     json.RawMessage      `json:"body,omitempty" jsonschema:"any JSON"`
}

type testOutput struct {
	ID    int                 `json:"id"`
	Price bigcommerce.Decimal `json:"price"`
}

// testCalls records what the test registry's handlers were asked to do.
type testCalls struct {
	handled []testInput
}

// newTestRegistry returns a registry of three small tools (a read, a write and
// a destructive delete) that exercise the framework without a store.
func newTestRegistry(calls *testCalls) *Registry {
	r := &Registry{}
	add(r, Spec[testInput, testOutput]{
		Name: "get-thing", Title: "Get a thing", Description: "Reads a thing.",
		Annotations: Annotations{ReadOnly: true, Idempotent: true},
		Handler: func(ctx context.Context, env *Env, in testInput) (testOutput, error) {
			calls.handled = append(calls.handled, in)
			return testOutput{ID: in.ID, Price: in.Price}, nil
		},
	})
	add(r, Spec[testInput, testOutput]{
		Name: "update-thing", Title: "Update a thing", Description: "Changes a thing.",
		Annotations: Annotations{Idempotent: true},
		Handler: func(ctx context.Context, env *Env, in testInput) (testOutput, error) {
			calls.handled = append(calls.handled, in)
			return testOutput{ID: in.ID, Price: in.Price}, nil
		},
	})
	add(r, Spec[testInput, testOutput]{
		Name: "delete-thing", Title: "Delete a thing", Description: "Deletes a thing.",
		Annotations: Annotations{Destructive: true},
		Handler: func(ctx context.Context, env *Env, in testInput) (testOutput, error) {
			calls.handled = append(calls.handled, in)
			return testOutput{ID: in.ID}, nil
		},
		Preview: func(ctx context.Context, env *Env, in testInput) (string, error) {
			if in.ID == 404 {
				return "", errors.Join(errors.New("GET /v3/catalog/products/404"), bigcommerce.ErrNotFound)
			}
			return "would delete thing 7 (\"Blue shirt\")", nil
		},
	})
	add(r, Spec[testInput, testOutput]{
		Name: "raw-thing", Title: "Raw call", Description: "Reads when id is 1, else writes.",
		Annotations: Annotations{Destructive: true, OpenWorld: true},
		Writes:      func(in testInput) bool { return in.ID != 1 },
		Handler: func(ctx context.Context, env *Env, in testInput) (testOutput, error) {
			calls.handled = append(calls.handled, in)
			return testOutput{ID: in.ID}, nil
		},
	})
	return r
}

func TestRegistryOrderAndLookup(t *testing.T) {
	t.Parallel()
	r := newTestRegistry(&testCalls{})
	if diff := cmp.Diff([]string{"get-thing", "update-thing", "delete-thing", "raw-thing"}, r.Names()); diff != "" {
		t.Errorf("Names() mismatch (-want +got):\n%s", diff)
	}
	if _, ok := r.Lookup("delete-thing"); !ok {
		t.Error("Lookup(delete-thing) found nothing")
	}
	if _, ok := r.Lookup("drop-thing"); ok {
		t.Error("Lookup(drop-thing) found a tool")
	}
}

func TestRegistryRefusesDuplicateNames(t *testing.T) {
	t.Parallel()
	defer func() {
		if recover() == nil {
			t.Error("adding a second tool with the same name did not panic")
		}
	}()
	r := newTestRegistry(&testCalls{})
	add(r, Spec[testInput, testOutput]{Name: "get-thing"})
}

func TestValidateInputAccepts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		input string
		want  testInput
	}{
		{"only the required id", `{"id": 12}`, testInput{ID: 12}},
		{"price as a number keeps its digits", `{"id": 1, "price": 19.990}`, testInput{ID: 1, Price: "19.990"}},
		{"price as a string", `{"id": 1, "price": "0.10"}`, testInput{ID: 1, Price: "0.10"}},
		{"negative price", `{"id": 1, "price": -3}`, testInput{ID: 1, Price: "-3"}},
		{"null for an optional pointer", `{"id": 1, "weight": null, "limit": null}`, testInput{ID: 1}},
		{"pointer decimal", `{"id": 1, "weight": "2.5"}`, testInput{ID: 1, Weight: bigcommerce.Ptr(bigcommerce.Decimal("2.5"))}},
		{"date-time", `{"id": 1, "since": "2025-01-15T00:03:17Z"}`,
			testInput{ID: 1, Since: bigcommerce.Time{Time: time.Date(2025, 1, 15, 0, 3, 17, 0, time.UTC)}}},
		{"nested variants", `{"id": 1, "variants": [{"sku": "A-1", "price": 5}]}`,
			testInput{ID: 1, Variants: []testVariant{{SKU: "A-1", Price: "5"}}}},
		{"free-form map and raw body", `{"id": 1, "query": {"limit": "1"}, "body": {"any": ["thing", 1]}}`,
			testInput{ID: 1, Query: map[string]string{"limit": "1"}, Body: json.RawMessage(`{"any": ["thing", 1]}`)}},
		{"whitespace around the object", " \n{\"id\": 3}\n ", testInput{ID: 3}},
	}
	tool, _ := newTestRegistry(&testCalls{}).Lookup("get-thing")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got testInput
			if err := validateInput(tool, json.RawMessage(tc.input), &got); err != nil {
				t.Fatalf("validateInput(%s) = %v, want nil", tc.input, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("decoded input mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestValidateInputRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		input     string
		wantField string
		wantIn    []string // substrings of the message
	}{
		{"empty input lacks the id", ``, "id", []string{"is required", "the record's id"}},
		{"unknown field", `{"id": 1, "colour": "red"}`, "colour", []string{`unknown field "colour"`, "valid fields: id, price"}},
		{"unknown field in another case", `{"id": 1, "Price": 3}`, "Price", []string{`did you mean "price"?`}},
		{"typo gets a suggestion", `{"id": 1, "limt": 3}`, "limt", []string{`did you mean "limit"?`}},
		{"unknown nested field", `{"id": 1, "variants": [{"sku": "A"}, {"sku": "B", "cost": 1}]}`,
			"variants[1].cost", []string{`unknown field "cost"`, "valid fields: sku, price"}},
		{"missing nested required", `{"id": 1, "variants": [{"price": 1}]}`, "variants[0].sku", []string{"is required"}},
		{"id as a string", `{"id": "12"}`, "id", []string{"must be a whole number", `"12"`}},
		{"id with a fraction", `{"id": 1.5}`, "id", []string{"must be a whole number, got 1.5"}},
		{"id too large for an int", `{"id": 12345678901234567890}`, "id", []string{"12345678901234567890 is too large"}},
		{"price in exponent form", `{"id": 1, "price": 1e3}`, "price", []string{"decimal amount", "no exponent", "1e3"}},
		{"price with a comma", `{"id": 1, "price": "19,99"}`, "price", []string{"decimal amount", `"19,99"`}},
		{"price as a boolean", `{"id": 1, "price": true}`, "price", []string{"decimal amount", "true"}},
		{"price null when not a pointer", `{"id": 1, "price": null}`, "price", []string{"decimal amount", "null"}},
		{"nested price", `{"id": 1, "variants": [{"sku": "A", "price": "cheap"}]}`, "variants[0].price", []string{"decimal amount"}},
		{"bad date", `{"id": 1, "since": "yesterday"}`, "since", []string{"date-time", "RFC 3339", `"yesterday"`}},
		{"bool as a string", `{"id": 1, "visible": "yes"}`, "visible", []string{"must be true or false or null"}},
		{"array expected", `{"id": 1, "tags": "a,b"}`, "tags", []string{"must be an array or null"}},
		{"map value type", `{"id": 1, "query": {"limit": 1}}`, "query.limit", []string{"must be a string"}},
		{"array item type", `{"id": 1, "tags": ["a", 2]}`, "tags[1]", []string{"must be a string"}},
		{"not an object", `[1, 2]`, "", []string{"must be a JSON object, not an array"}},
		{"not JSON", `{"id": 1,}`, "", []string{"not valid JSON", "at byte 10"}},
		{"truncated JSON", `{"id": 1`, "", []string{"not valid JSON", "ends early"}},
		{"two values", `{"id": 1} {"id": 2}`, "", []string{"unexpected data after the JSON value"}},
		// Issue 10 §6: input that should never reach a store.
		{"NUL in a string", `{"id": 1, "tags": ["Nul\u0000Name"]}`, "tags[0]", []string{"NUL"}},
		{"NUL in a raw body", `{"id": 1, "body": {"name": "a\u0000"}}`, "body.name", []string{"NUL"}},
		{"invalid UTF-8", "{\"id\": 1, \"variants\": [{\"sku\": \"SKU-\xff\"}]}", "variants[0].sku", []string{"UTF-8"}},
		{"invalid UTF-8 in a key", "{\"id\": 1, \"query\": {\"k\xc0\": \"v\"}}", "query", []string{"UTF-8"}},
		{"lone high surrogate escape", `{"id": 1, "variants": [{"sku": "A\ud800B"}]}`, "variants[0].sku", []string{"surrogate"}},
		{"lone low surrogate escape", `{"id": 1, "tags": ["\uDC00"]}`, "tags[0]", []string{"surrogate"}},
		{"reversed surrogate pair", `{"id": 1, "tags": ["\udc00\ud800"]}`, "tags[0]", []string{"surrogate"}},
		{"high surrogate then a letter escape", `{"id": 1, "tags": ["\ud800\u0041"]}`, "tags[0]", []string{"surrogate"}},
		// What an MCP transport decoded before bigc saw it: the bytes are gone,
		// U+FFFD stands in their place.
		{"replacement character", `{"id": 1, "variants": [{"sku": "B\ufffdx"}]}`, "variants[0].sku", []string{"U+FFFD"}},
		{"replacement character written raw", "{\"id\": 1, \"tags\": [\"S\uFFFDx\"]}", "tags[0]", []string{"U+FFFD"}},
		{"duplicate key", `{"id": 1, "id": 2}`, "id", []string{"twice"}},
		{"duplicate nested key", `{"id": 1, "body": {"a": 1, "a": 2}}`, "body.a", []string{"twice"}},
		{"100,001-digit price", `{"id": 1, "price": ` + strings.Repeat("9", 100_001) + `}`, "price", []string{"decimal amount", "100001 characters"}},
		{"100,001-digit price string", `{"id": 1, "price": "` + strings.Repeat("9", 100_001) + `"}`, "price", []string{"decimal amount"}},
		{"number no float holds", `{"id": 1e400}`, "id", []string{"too large"}},
	}
	tool, _ := newTestRegistry(&testCalls{}).Lookup("get-thing")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got testInput
			err := validateInput(tool, json.RawMessage(tc.input), &got)
			var te *Error
			if !errors.As(err, &te) {
				t.Fatalf("validateInput(%s) = %v, want an *Error", tc.input, err)
			}
			if te.Category != CategoryBadInput {
				t.Errorf("category = %q, want bad_input", te.Category)
			}
			if te.Field != tc.wantField {
				t.Errorf("field = %q, want %q (message %q)", te.Field, tc.wantField, te.Message)
			}
			for _, s := range tc.wantIn {
				if !strings.Contains(te.Message, s) {
					t.Errorf("message %q does not contain %q", te.Message, s)
				}
			}
		})
	}
}

func TestRunValidatesBeforeTheHandler(t *testing.T) {
	t.Parallel()
	calls := &testCalls{}
	tool, _ := newTestRegistry(calls).Lookup("update-thing")
	_, err := tool.Run(context.Background(), &Env{}, json.RawMessage(`{"id": 1, "price": 1e2}`))
	if AsError(err).Category != CategoryBadInput {
		t.Fatalf("Run with a bad price = %v, want bad_input", err)
	}
	if len(calls.handled) != 0 {
		t.Errorf("the handler ran %d times on bad input", len(calls.handled))
	}
	out, err := tool.Run(context.Background(), &Env{}, json.RawMessage(`{"id": 1, "price": "12.50"}`))
	if err != nil {
		t.Fatalf("Run = %v", err)
	}
	if diff := cmp.Diff(testOutput{ID: 1, Price: "12.50"}, out); diff != "" {
		t.Errorf("output mismatch (-want +got):\n%s", diff)
	}
}

func TestRunConfirmation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		tool        string
		env         Env
		wantConfirm bool
	}{
		{"get-thing", Env{}, false},
		{"get-thing", Env{Production: true}, false},
		{"update-thing", Env{}, false},
		{"update-thing", Env{Production: true}, true},
		{"update-thing", Env{Production: true, Confirmed: true}, false},
		{"delete-thing", Env{}, true},
		{"delete-thing", Env{Confirmed: true}, false},
		{"delete-thing", Env{Production: true, Confirmed: true}, false},
		{"raw-thing", Env{}, true},
		{"raw-thing", Env{Confirmed: true}, false},
	}
	for _, tc := range tests {
		calls := &testCalls{}
		tool, _ := newTestRegistry(calls).Lookup(tc.tool)
		input := json.RawMessage(`{"id": 7}`)
		_, err := tool.Run(context.Background(), &tc.env, input)
		if tc.wantConfirm {
			te := AsError(err)
			if te == nil || te.Category != CategoryConfirmationRequired {
				t.Errorf("%s on %+v: err = %v, want confirmation_required", tc.tool, tc.env, err)
				continue
			}
			if len(calls.handled) != 0 {
				t.Errorf("%s on %+v: the handler ran without confirmation", tc.tool, tc.env)
			}
			if tool.hasPreview() && !strings.Contains(te.Message, "would delete thing 7") {
				t.Errorf("%s: message %q lacks the preview", tc.tool, te.Message)
			}
			if tc.env.Production && !strings.Contains(te.Message, "production connection") {
				t.Errorf("%s: message %q does not say why a production write needs confirmation", tc.tool, te.Message)
			}
			if !strings.Contains(te.Next, "nothing was changed") {
				t.Errorf("%s: next %q", tc.tool, te.Next)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s on %+v: err = %v, want nil", tc.tool, tc.env, err)
		}
		if len(calls.handled) != 1 {
			t.Errorf("%s on %+v: the handler ran %d times, want 1", tc.tool, tc.env, len(calls.handled))
		}
	}
}

func TestPreviewErrorsAreReported(t *testing.T) {
	t.Parallel()
	calls := &testCalls{}
	tool, _ := newTestRegistry(calls).Lookup("delete-thing")
	_, err := tool.Run(context.Background(), &Env{}, json.RawMessage(`{"id": 404}`))
	if got := AsError(err).Category; got != CategoryNotFound {
		t.Errorf("unconfirmed delete of a missing record: category %q, want not_found", got)
	}
	if len(calls.handled) != 0 {
		t.Error("the handler ran")
	}
	p, err := tool.Preview(context.Background(), &Env{}, json.RawMessage(`{"id": 7}`))
	if err != nil || p != `would delete thing 7 ("Blue shirt")` {
		t.Errorf("Preview = %q, %v", p, err)
	}
	if _, err := tool.Preview(context.Background(), &Env{}, json.RawMessage(`{"id": 7, "x": 1}`)); AsError(err).Field != "x" {
		t.Errorf("Preview with an unknown field = %v, want bad_input on x", err)
	}
}

func TestNeedsConfirmation(t *testing.T) {
	t.Parallel()
	r := newTestRegistry(&testCalls{})
	for _, tc := range []struct {
		tool       string
		production bool
		want       bool
	}{
		{"get-thing", true, false},
		{"update-thing", false, false},
		{"update-thing", true, true},
		{"delete-thing", false, true},
	} {
		tool, _ := r.Lookup(tc.tool)
		if got := tool.NeedsConfirmation(&Env{Production: tc.production}, nil); got != tc.want {
			t.Errorf("%s production=%v: NeedsConfirmation = %v, want %v", tc.tool, tc.production, got, tc.want)
		}
	}
	// Writes lets a call that only reads go without confirmation; bad input
	// never skips it.
	raw, _ := r.Lookup("raw-thing")
	for _, tc := range []struct {
		input string
		want  bool
	}{
		{`{"id": 1}`, false},
		{`{"id": 2}`, true},
		{`{"id": 1, "unknown": true}`, true},
		{`not json`, true},
	} {
		for _, production := range []bool{false, true} {
			if got := raw.NeedsConfirmation(&Env{Production: production}, json.RawMessage(tc.input)); got != tc.want {
				t.Errorf("raw-thing %s production=%v: NeedsConfirmation = %v, want %v", tc.input, production, got, tc.want)
			}
		}
	}
}

func FuzzValidateInput(f *testing.F) {
	for _, s := range []string{`{"id": 1}`, `{"id": 1, "price": "1.5"}`, `{"variants": [{"sku": 1}]}`, `[]`, `1e400`, `{"price": 1e400}`} {
		f.Add([]byte(s))
	}
	tool, _ := newTestRegistry(&testCalls{}).Lookup("get-thing")
	f.Fuzz(func(t *testing.T, raw []byte) {
		var v testInput
		err := validateInput(tool, raw, &v)
		if err == nil {
			if _, err := bigcommerce.ParseDecimal(string(v.Price)); err != nil && v.Price != "" {
				t.Errorf("accepted price %q", v.Price)
			}
			return
		}
		var te *Error
		if !errors.As(err, &te) || te.Category != CategoryBadInput {
			t.Errorf("validateInput(%q) = %v, want a bad_input *Error", raw, err)
		}
	})
}

// BenchmarkValidateInput measures the schema check every tool call pays
// before its first request.
func BenchmarkValidateInput(b *testing.B) {
	tool, _ := newTestRegistry(&testCalls{}).Lookup("get-thing")
	input := json.RawMessage(`{"id": 12, "price": "19.99", "since": "2025-01-15T00:03:17Z", "tags": ["a", "b"],
		"variants": [{"sku": "A-1", "price": 5}, {"sku": "A-2", "price": "6.50"}], "query": {"limit": "1"}}`)
	b.ReportAllocs()
	for b.Loop() {
		var v testInput
		if err := validateInput(tool, input, &v); err != nil {
			b.Fatal(err)
		}
	}
}

// TestPastedTokenIsRedacted: an access token pasted into a tool input is not
// echoed by a validation message, a confirmation request or a preview
// (issue 10 §6).
func TestPastedTokenIsRedacted(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{Products: 2, Customers: 1, Orders: 1})
	token := h.srv.Tokens.Full
	prod := *h.full
	prod.Production = true
	for _, tc := range []struct {
		tool  string
		input string
		env   *Env
	}{
		{"create-product", `{"name": "Mug", "price": "` + token + `"}`, h.full},
		{"create-product", `{"name": "Mug", "price": 5, "type": "` + token + `"}`, h.full},
		{"create-product", `{"name": "Mug", "price": 5, "` + token + `": 1}`, h.full},
		{"create-product", `{"name": "` + token + `", "price": 5}`, &prod},
		{"raw-api-request", `{"method": "POST", "path": "/v3/catalog/brands", "query": {"q": "` + token + `"}}`, h.full},
		{"raw-api-request", `{"method": "GET", "path": "/v3/` + token + `/\uff0e"}`, h.full},
	} {
		tool, _ := h.reg.Lookup(tc.tool)
		_, err := tool.Run(t.Context(), tc.env, json.RawMessage(tc.input))
		e := AsError(err)
		if e == nil {
			t.Fatalf("%s %s: no error", tc.tool, tc.input)
		}
		if b, _ := json.Marshal(e); strings.Contains(string(b), token) || strings.Contains(e.Error(), token) {
			t.Errorf("%s %s: the error quotes the token: %s", tc.tool, tc.input, b)
		}
		if !strings.Contains(e.Message+e.Field, "[redacted]") {
			t.Errorf("%s %s: error %v does not say what was redacted", tc.tool, tc.input, e)
		}
		if p, err := tool.Preview(t.Context(), tc.env, json.RawMessage(tc.input)); strings.Contains(p, token) || (err != nil && strings.Contains(err.Error(), token)) {
			t.Errorf("%s %s: preview %q, %v quotes the token", tc.tool, tc.input, p, err)
		}
	}
}

// TestAnswerEchoingAPastedTokenIsRedacted: a store may echo a query back
// (V3's meta.pagination.links), so a token pasted into a successful raw
// request's query must not come back in the answer either.
func TestAnswerEchoingAPastedTokenIsRedacted(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{Products: 3, Customers: 1, Orders: 1})
	token := h.srv.Tokens.Full
	tool, _ := h.reg.Lookup("raw-api-request")
	out, err := tool.Run(t.Context(), h.full, json.RawMessage(`{"method": "GET", "path": "/v3/catalog/products", "query": {"keyword": "`+token+`", "limit": "1"}}`))
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), token) {
		t.Errorf("the answer quotes the token: %s", b)
	}
	if !strings.Contains(string(b), "[redacted]") {
		t.Errorf("the answer does not show where the token was: %s", b)
	}
}

// TestRunCleansEveryAnswer: whatever a tool answers passes through
// CleanText once, in Run, for the command line and the MCP server alike:
// every string, nested, in maps, behind pointers and interfaces, and the
// strings inside a raw JSON body (issue 17 item 3).
func TestRunCleansEveryAnswer(t *testing.T) {
	t.Parallel()
	const dirty = "Hello\u200b\u202eworld\x00\x1b[31m\ufeff\u0085 ok\n\tend\U000E0041 \xff"
	const clean = "Helloworld[31m ok\n\tend \ufffd"
	type inner struct {
		Note string `json:"note"`
	}
	type answer struct {
		Name  string            `json:"name"`
		Tags  []string          `json:"tags"`
		Meta  map[string]string `json:"meta"`
		Ptr   *inner            `json:"ptr"`
		Any   []any             `json:"any"`
		Body  json.RawMessage   `json:"body"`
		Plain json.RawMessage   `json:"plain"`
	}
	r := &Registry{}
	add(r, Spec[struct{}, answer]{
		Name: "dirty", Title: "Dirty", Description: "Answers hidden characters.",
		Annotations: Annotations{ReadOnly: true},
		Handler: func(ctx context.Context, env *Env, _ struct{}) (answer, error) {
			quoted, _ := json.Marshal(dirty)
			body := []byte(`{"description":` + string(quoted) + `,"n":1.50}`)
			return answer{Name: dirty, Tags: []string{dirty}, Meta: map[string]string{"k": dirty}, Ptr: &inner{Note: dirty},
				Any: []any{dirty, inner{Note: dirty}}, Body: body, Plain: json.RawMessage(`{"b": 2, "a": 1.50}`)}, nil
		},
	})
	tool, _ := r.Lookup("dirty")
	out, err := tool.Run(context.Background(), &Env{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	a := out.(answer)
	for name, got := range map[string]string{"name": a.Name, "tags[0]": a.Tags[0], "meta.k": a.Meta["k"], "ptr.note": a.Ptr.Note,
		"any[0]": a.Any[0].(string), "any[1].note": a.Any[1].(inner).Note} {
		if got != clean {
			t.Errorf("%s = %q, want %q", name, got, clean)
		}
	}
	if want := `{"description":"` + strings.ReplaceAll(strings.ReplaceAll(clean, "\n", `\n`), "\t", `\t`) + `","n":1.50}`; string(a.Body) != want {
		t.Errorf("body = %s, want %s", a.Body, want)
	}
	if string(a.Plain) != `{"b": 2, "a": 1.50}` {
		t.Errorf("a clean raw body was rewritten: %s", a.Plain)
	}
}

// TestLoneSurrogate: only half a surrogate pair written as an escape is
// refused; whole pairs, other escapes and a backslash escaped before "u"
// pass.
func TestLoneSurrogate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		json string
		want bool
	}{
		{`"\ud83d\ude00"`, false},
		{`"\uD83D\uDE00 and \u00e9"`, false},
		{`"\\ud800"`, false},
		{`"\\\ud83d\ude00"`, false},
		{`"\"\u0041"`, false},
		{`"\ud800"`, true},
		{`"\\\ud800"`, true},
		{`"\ude00\ud83d"`, true},
		{`"\ud83d"`, true},
		{`"\ud83d\n"`, true},
	}
	for _, tc := range tests {
		if got := loneSurrogate([]byte(tc.json)); got != tc.want {
			t.Errorf("loneSurrogate(%s) = %v, want %v", tc.json, got, tc.want)
		}
	}
}
