package mcpserver

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/bigc-dev/bigc/sandbox"
	"github.com/bigc-dev/bigc/tools"
)

// These tests drive the real bigc binary over stdio, as an agent host does.

var binDir string

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// buildBigc builds cmd/bigc once per test run.
var buildBigc = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "bigc-mcpserver-test-")
	if err != nil {
		return "", err
	}
	binDir = dir
	bin := filepath.Join(dir, "bigc")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/bigc-dev/bigc/cmd/bigc").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build ./cmd/bigc: %v\n%s", err, out)
	}
	return bin, nil
})

func bigcBinary(t *testing.T) string {
	t.Helper()
	bin, err := buildBigc()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// stdioSession starts `bigc args...` and connects to it over its stdin and stdout.
func stdioSession(t *testing.T, copts *mcp.ClientOptions, env []string, args ...string) *mcp.ClientSession {
	t.Helper()
	return stdioSessionWith(t, copts, nil, env, args...)
}

// stdioSessionWith is stdioSession with session options (a protocol version).
func stdioSessionWith(t *testing.T, copts *mcp.ClientOptions, sopts *mcp.ClientSessionOptions, env []string, args ...string) *mcp.ClientSession {
	t.Helper()
	cmd := exec.Command(bigcBinary(t), args...)
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "stdio-test", Version: "v0"}, copts).
		Connect(context.Background(), &mcp.CommandTransport{Command: cmd}, sopts)
	if err != nil {
		t.Fatalf("bigc %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	t.Cleanup(func() {
		cs.Close()
		if t.Failed() {
			t.Logf("bigc %s stderr:\n%s", strings.Join(args, " "), stderr.String())
		}
	})
	return cs
}

func TestStdioSandbox(t *testing.T) {
	t.Parallel()
	config := t.TempDir()
	cs := stdioSession(t, nil, nil, "mcp", "--sandbox", "--config", config)
	a := newAgent(t, cs, "List three products, then delete the second one.", "")
	if _, ok := a.defs[RawToolName]; ok || len(a.defs) != len(tools.NewRegistry().Tools())-1 {
		t.Errorf("bigc mcp --sandbox serves %d tools (raw-api-request included: %v), want every other tool", len(a.defs), ok)
	}
	list := a.call("list-products", map[string]any{"limit": 3, "fields": []string{"name"}})
	if n := len(get(list, "items").([]any)); n != 3 {
		t.Fatalf("list-products limit=3 gave %d items", n)
	}
	id := num(t, get(list, "items", 1, "id"))
	// This client cannot elicit: the first call answers with a token.
	e := errorOf(t, a.callRaw("delete-product", map[string]any{"id": id}))
	tok, _ := e["confirmation_token"].(string)
	if e["category"] != "confirmation_required" || tok == "" {
		t.Fatalf("unconfirmed delete over stdio: %v", e)
	}
	a.call("delete-product", map[string]any{"id": id, "confirmation_token": tok})
	// The token was spent: passing it again is refused before anything is sent.
	if e := errorOf(t, a.callRaw("delete-product", map[string]any{"id": id, "confirmation_token": tok})); e["category"] != "confirmation_used" {
		t.Errorf("the replayed token over stdio: %v, want confirmation_used", e)
	}
	gone := errorOf(t, a.callRaw("get-product", map[string]any{"id": id}))
	if gone["category"] != "not_found" {
		t.Errorf("get-product after the delete: %v", gone)
	}

	ro := stdioSession(t, nil, nil, "mcp", "--sandbox", "--read-only", "--config", config)
	res, err := ro.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tool := range res.Tools {
		if !tool.Annotations.ReadOnlyHint {
			t.Errorf("--read-only serves %s", tool.Name)
		}
	}
}

func TestStdioRefusesBadFlags(t *testing.T) {
	t.Parallel()
	bin := bigcBinary(t)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"mcp", "--sandbox", "--tools", "list-orders,frobnicate"}, `unknown tool "frobnicate"`},
		{[]string{"mcp", "--sandbox", "--tools", "raw-api-request"}, "--allow-raw"},
		{[]string{"mcp", "--sandbox", "--toolsets", "orders,shipping"}, `unknown toolset "shipping"`},
		{[]string{"mcp", "--sandbox", "--http", "0.0.0.0:0"}, "non-loopback address without a bearer token: 0.0.0.0 is reachable from other machines; set a token with --auth-token-env"},
		{[]string{"mcp", "--sandbox", "--http", "127.0.0.1:0", "--auth-token-env", "BIGC_TEST_UNSET_VARIABLE"}, "BIGC_TEST_UNSET_VARIABLE"},
	}
	for _, tt := range tests {
		cmd := exec.Command(bin, append(tt.args, "--config", t.TempDir())...)
		out, err := cmd.CombinedOutput()
		if err == nil || !strings.Contains(string(out), tt.want) {
			t.Errorf("bigc %s: %v, output %q; want a failure naming %q", strings.Join(tt.args, " "), err, out, tt.want)
		}
	}
}

// TestScenariosStdio runs every scenario against the real binary serving a
// saved connection to a sandbox this test can inspect.
func TestScenariosStdio(t *testing.T) {
	t.Parallel()
	for _, sc := range scenarios() {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, sandbox.Options{})
			prompt, facts := sc.setup(f)
			var extra []string
			if sc.allowRaw {
				extra = append(extra, "--allow-raw")
			}
			args, env := binaryOn(t, f, f.tokens.Full, extra...)
			var u *scriptedUser
			if sc.user != nil {
				u = sc.user()
			}
			cs := stdioSession(t, u.clientOptions(), env, args...)
			a := newAgent(t, cs, prompt, f.tokens.Full)
			sc.run(a, facts, u)
			// Writes went through the binary, not f.client: count them at the store.
			sc.check(t, f, facts, u)
		})
	}
}

// TestBinaryHTTP serves Streamable HTTP from the binary: the ready line
// gives the URL, a foreign Origin is refused and a client can work.
func TestBinaryHTTP(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(bigcBinary(t), "mcp", "--sandbox", "--http", "127.0.0.1:0", "--config", t.TempDir())
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		if err := cmd.Wait(); err != nil {
			t.Errorf("bigc mcp --http after an interrupt: %v\n%s", err, stderr.String())
		}
	})
	var ready struct{ URL string }
	if err := json.NewDecoder(stdout).Decode(&ready); err != nil || !strings.HasPrefix(ready.URL, "http://127.0.0.1:") {
		t.Fatalf("ready line: %+v, %v\n%s", ready, err, stderr.String())
	}
	if got := post(t, ready.URL, map[string]string{"Origin": "https://evil.example"}, initializeBody).StatusCode; got != http.StatusForbidden {
		t.Errorf("foreign Origin: status %d, want 403", got)
	}
	if got := post(t, ready.URL, map[string]string{"Host": "evil.example"}, initializeBody).StatusCode; got != http.StatusForbidden {
		t.Errorf("foreign Host without Origin: status %d, want 403", got)
	}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "http-test", Version: "v0"}, nil).
		Connect(context.Background(), &mcp.StreamableClientTransport{Endpoint: ready.URL}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	res := call(t, cs, "list-orders", map[string]any{"limit": 2})
	if res.IsError || len(get(structured(t, res), "items").([]any)) != 2 {
		t.Errorf("list-orders over HTTP: %s", text(res))
	}
}

// TestStdioVerifiedReadOnlyConnection (issue 12, defect 4, through the real
// binary): a connection added with the sandbox's read-only token records what
// its verification found, and bigc mcp serving it answers delete-product with
// missing_scope at once: no question to the user, no write sent to the store.
func TestStdioVerifiedReadOnlyConnection(t *testing.T) {
	t.Parallel()
	f := newFixture(t, sandbox.Options{})
	args, env := binaryOn(t, f, f.tokens.ReadOnly)
	u := &scriptedUser{action: "accept", typed: firstQuoted}
	a := newAgent(t, stdioSession(t, u.clientOptions(), env, args...), "Delete the first product.", f.tokens.ReadOnly)
	list := a.call("list-products", map[string]any{"limit": 1})
	e := errorOf(t, a.callRaw("delete-product", map[string]any{"id": num(t, get(list, "items", 0, "id"))}))
	if e["category"] != "missing_scope" || e["missing_scope"] != "store_v2_products" {
		t.Errorf("delete-product: %v, want missing_scope store_v2_products", e)
	}
	if len(u.questions()) != 0 || f.writes() != 0 {
		t.Errorf("delete-product asked %d questions and sent %d writes; want none", len(u.questions()), f.writes())
	}
}

// binaryOn saves a connection "sbx" to f's store with token and returns the
// arguments and environment that serve it from the bigc binary, counting
// f's writes from then on (the connection's verification probes are
// refused writes).
func binaryOn(t *testing.T, f *fixture, token string, extra ...string) (args, env []string) {
	t.Helper()
	config := t.TempDir()
	env = []string{"BIGC_TEST_STORE_TOKEN=" + token}
	add := exec.Command(bigcBinary(t), "connection", "add", "sbx", "--store-hash", f.hash,
		"--token-env", "BIGC_TEST_STORE_TOKEN", "--base-url", f.url, "--config", config)
	add.Env = append(os.Environ(), env...)
	if out, err := add.CombinedOutput(); err != nil {
		t.Fatalf("bigc connection add: %v\n%s", err, out)
	}
	f.resetWrites()
	return append([]string{"mcp", "--connection", "sbx", "--config", config}, extra...), env
}

// TestStdioIssueChecks runs issue 12's checks through the real binary over
// stdio, as an agent host would: a replayed confirmation token, a megabyte
// raw answer, a 400-line order and bad confirmation dialogs. (The new tools
// and the endpoint-guide scenario run in TestScenariosStdio.)
func TestStdioIssueChecks(t *testing.T) {
	t.Parallel()
	t.Run("replayed token", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, sandbox.Options{})
		args, env := binaryOn(t, f, f.tokens.Full, "--allow-raw")
		a := newAgent(t, stdioSession(t, nil, env, args...), "Create an order of one variant for a guest.", f.tokens.Full)
		variant := get(a.call(RawToolName, map[string]any{"method": "GET", "path": "/v3/catalog/variants", "query": map[string]any{"limit": 1}}), "body", "data", 0)
		order := map[string]any{"method": "POST", "path": "/v2/orders", "body": map[string]any{
			"billing_address": map[string]any{"email": "guest@example.com", "first_name": "Gus", "last_name": "Guest"},
			"products":        []any{map[string]any{"product_id": get(variant, "product_id"), "variant_id": get(variant, "id"), "quantity": 1}}}}
		e := errorOf(t, a.callRaw(RawToolName, order))
		tok, _ := e["confirmation_token"].(string)
		if e["category"] != "confirmation_required" || tok == "" || f.writes() != 0 {
			t.Fatalf("unconfirmed raw POST: %v after %d writes; want a token and nothing sent", e, f.writes())
		}
		before := f.store.Counts().Orders
		order["confirmation_token"] = tok
		a.call(RawToolName, order)
		for i := range 2 {
			if e := errorOf(t, a.callRaw(RawToolName, order)); e["category"] != "confirmation_used" {
				t.Errorf("replay %d: %v, want confirmation_used", i+1, e)
			}
		}
		if n := f.store.Counts().Orders - before; n != 1 || f.writes() != 1 {
			t.Errorf("one token made %d orders in %d writes, want 1 and 1", n, f.writes())
		}
	})
	t.Run("megabyte raw answer", func(t *testing.T) {
		t.Parallel()
		f := megabyteStore(t, 20)
		args, env := binaryOn(t, f, f.tokens.Full, "--allow-raw")
		// The agent checks every answer's size on the wire against the budget.
		a := newAgent(t, stdioSession(t, nil, env, args...), "Show me all orders.", f.tokens.Full)
		out := a.call(RawToolName, map[string]any{"method": "GET", "path": "/v2/orders", "query": map[string]any{"limit": 250}})
		shown := len(get(out, "body").([]any))
		note, _ := out["note"].(string)
		if shown < 2 || shown >= 250 || !strings.Contains(note, fmt.Sprintf("first %d of the 250 items of body", shown)) || !rawQueryInNote.MatchString(note) {
			t.Errorf("%d of 250 orders shown, note %q; want a cut with the query that continues", shown, note)
		}
	})
	t.Run("400-line order", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, sandbox.Options{Seed: 13, Products: 250, Customers: 5, Orders: 5})
		id := fourHundredLineOrder(f)
		args, env := binaryOn(t, f, f.tokens.Full)
		a := newAgent(t, stdioSession(t, nil, env, args...), fmt.Sprintf("Show me every line of order %d.", id), f.tokens.Full)
		readEveryLine(t, a, id)
	})
	for _, tt := range badAnswers {
		t.Run("dialog: "+tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, sandbox.Options{})
			args, env := binaryOn(t, f, f.tokens.Full)
			copts := &mcp.ClientOptions{ElicitationHandler: func(context.Context, *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
				return tt.answer()
			}}
			cs := stdioSessionWith(t, copts, &mcp.ClientSessionOptions{ProtocolVersion: "2025-06-18"}, env, args...)
			a := newAgent(t, cs, "Delete the first product.", f.tokens.Full)
			id := num(t, get(a.call("list-products", map[string]any{"limit": 1}), "items", 0, "id"))
			e := errorOf(t, a.callRaw("delete-product", map[string]any{"id": id}))
			if e["category"] != "not_confirmed" || !strings.Contains(fmt.Sprint(e["message"]), "Nothing was changed") || f.writes() != 0 {
				t.Errorf("delete-product after a bad dialog: %v, %d writes; want not_confirmed and none", e, f.writes())
			}
		})
	}
}
