package cli

// End-to-end tests: they build the bigc binary once, start `bigc sandbox
// serve` as a separate process, and drive it with the binary as a user would.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/internal/connections"
	"github.com/bigc-dev/bigc/tools"
)

// bigcBin is the binary TestMain builds.
var bigcBin string

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "bigc-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bigcBin = filepath.Join(dir, "bigc")
	build := exec.Command("go", "build", "-o", bigcBin, "github.com/bigc-dev/bigc/cmd/bigc")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building bigc:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// sandboxProc is a running `bigc sandbox serve`, as its ready line describes it.
type sandboxProc struct {
	URL       string `json:"url"`
	StoreHash string `json:"store_hash"`
	Tokens    struct {
		Full     string `json:"full"`
		ReadOnly string `json:"read_only"`
	} `json:"tokens"`
}

// startSandbox runs `bigc sandbox serve` with a small store and args, and
// waits for its ready line. The process is stopped when the test ends.
func startSandbox(t *testing.T, args ...string) *sandboxProc {
	t.Helper()
	args = append([]string{"sandbox", "serve", "--products", "5", "--customers", "5", "--orders", "5"}, args...)
	cmd := exec.Command(bigcBin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		if sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		io.Copy(io.Discard, out) // keep draining so the server never blocks on stdout
		cmd.Wait()
		close(done)
	}()
	select {
	case line, ok := <-lines:
		if !ok {
			t.Fatalf("bigc sandbox serve exited without a ready line; stderr:\n%s", stderr.String())
		}
		var p sandboxProc
		if err := json.Unmarshal([]byte(line), &p); err != nil || p.URL == "" || p.Tokens.Full == "" {
			t.Fatalf("ready line %q: %v", line, err)
		}
		return &p
	case <-time.After(60 * time.Second):
		t.Fatalf("bigc sandbox serve printed no ready line in 60s; stderr:\n%s", stderr.String())
	}
	return nil
}

// bin runs the bigc binary with its configuration in cfg.
type bin struct {
	t   *testing.T
	cfg string
	env []string
}

func newBin(t *testing.T) *bin {
	return &bin{t: t, cfg: t.TempDir(), env: []string{"BIGC_MAX_RETRIES=0"}}
}

func (b *bin) run(stdin string, args ...string) result {
	b.t.Helper()
	cmd := exec.Command(bigcBin, append([]string{"--config", b.cfg}, args...)...)
	cmd.Env = append(os.Environ(), b.env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		b.t.Fatalf("running bigc %s: %v", strings.Join(args, " "), err)
	}
	return result{out.String(), errb.String(), code}
}

// mustRun runs bigc and fails the test unless it exits 0.
func (b *bin) mustRun(stdin string, args ...string) string {
	b.t.Helper()
	r := b.run(stdin, args...)
	if r.code != 0 {
		b.t.Fatalf("bigc %s: exit %d; stderr:\n%s", strings.Join(args, " "), r.code, r.stderr)
	}
	return r.stdout
}

// wantExit runs bigc and checks its exit code and error category.
func (b *bin) wantExit(code int, category tools.Category, stdin string, args ...string) result {
	b.t.Helper()
	r := b.run(stdin, args...)
	if r.code != code {
		b.t.Errorf("bigc %s: exit %d, want %d; stderr:\n%s", strings.Join(args, " "), r.code, code, r.stderr)
		return r
	}
	if e := r.errorObject(b.t); e.Category != category {
		b.t.Errorf("bigc %s: category %q, want %q", strings.Join(args, " "), e.Category, category)
	}
	return r
}

func decodeJSON[T any](t *testing.T, s string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("decoding %q: %v", s, err)
	}
	return v
}

type connectionOut struct {
	Connection struct {
		Name        string `json:"name"`
		StoreHash   string `json:"store_hash"`
		TokenSource string `json:"token_source"`
		StoreName   string `json:"store_name"`
	} `json:"connection"`
	Check struct {
		StoreName   string `json:"store_name"`
		CheckedWith string `json:"checked_with"`
		Groups      []struct {
			Group string `json:"group"`
			Read  bool   `json:"read"`
		} `json:"tool_groups"`
	} `json:"check"`
}

func TestE2EConnections(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t)
	b := newBin(t)
	b.env = append(b.env, "BIGC_E2E_RO_TOKEN="+sb.Tokens.ReadOnly)

	// add with the token on standard input
	out := decodeJSON[connectionOut](t, b.mustRun(sb.Tokens.Full+"\n", "connection", "add", "full",
		"--store-hash", sb.StoreHash, "--base-url", sb.URL, "--token-stdin"))
	if out.Check.StoreName == "" || out.Check.CheckedWith != "GET /v2/store" {
		t.Errorf("add: check = %+v, want the store's name from GET /v2/store", out.Check)
	}
	for _, g := range out.Check.Groups {
		if !g.Read {
			t.Errorf("add: the full token cannot read %s", g.Group)
		}
	}
	if len(out.Check.Groups) != len(bigcommerce.ScopeGroups) {
		t.Errorf("add: %d tool groups probed, want %d", len(out.Check.Groups), len(bigcommerce.ScopeGroups))
	}
	path := filepath.Join(b.cfg, "connections", "full.json")
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("%s has mode %04o, want 0600", path, fi.Mode().Perm())
	}

	// add with the token in an environment variable: only its name is saved
	out = decodeJSON[connectionOut](t, b.mustRun("", "connection", "add", "read-only",
		"--store-hash", sb.StoreHash, "--base-url", sb.URL, "--token-env", "BIGC_E2E_RO_TOKEN"))
	if out.Connection.TokenSource != "environment variable BIGC_E2E_RO_TOKEN" {
		t.Errorf("add --token-env: token source %q", out.Connection.TokenSource)
	}
	data, err := os.ReadFile(filepath.Join(b.cfg, "connections", "read-only.json"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), sb.Tokens.ReadOnly) {
		t.Error("the --token-env connection file holds the token")
	}

	// a taken name is refused, and --force replaces it
	b.wantExit(exitBadInput, tools.CategoryBadInput, sb.Tokens.Full, "connection", "add", "full",
		"--store-hash", sb.StoreHash, "--base-url", sb.URL, "--token-stdin")
	b.mustRun(sb.Tokens.Full, "connection", "add", "full", "--store-hash", sb.StoreHash, "--base-url", sb.URL, "--token-stdin", "--force")

	// a wrong token is refused before anything is saved
	b.wantExit(exitAuth, tools.CategoryUnauthorized, "not-the-token", "connection", "add", "wrong",
		"--store-hash", sb.StoreHash, "--base-url", sb.URL, "--token-stdin")
	if _, err := os.Stat(filepath.Join(b.cfg, "connections", "wrong.json")); !os.IsNotExist(err) {
		t.Errorf("a connection with a wrong token was saved: %v", err)
	}

	// list never prints a token
	list := b.mustRun("", "connection", "list")
	for _, tok := range []string{sb.Tokens.Full, sb.Tokens.ReadOnly} {
		if strings.Contains(list, tok) {
			t.Errorf("connection list prints a token:\n%s", list)
		}
	}
	names := decodeJSON[[]struct{ Name string }](t, list)
	if len(names) != 2 || names[0].Name != "full" || names[1].Name != "read-only" {
		t.Errorf("connection list = %s", list)
	}

	// verify re-runs the check; the env var must be set
	if out := decodeJSON[connectionOut](t, b.mustRun("", "connection", "verify", "read-only")); out.Connection.Name != "read-only" {
		t.Errorf("verify: %+v", out)
	}
	unset := &bin{t: t, cfg: b.cfg, env: []string{"BIGC_E2E_RO_TOKEN="}}
	r := unset.wantExit(exitBadInput, tools.CategoryBadInput, "", "connection", "verify", "read-only")
	if !strings.Contains(r.stderr, "BIGC_E2E_RO_TOKEN") {
		t.Errorf("verify without the variable does not name it:\n%s", r.stderr)
	}

	// remove
	b.mustRun("", "connection", "remove", "read-only")
	b.wantExit(exitNotFound, tools.CategoryNotFound, "", "connection", "verify", "read-only")
	b.wantExit(exitNotFound, tools.CategoryNotFound, "", "connection", "remove", "read-only")
	if list := b.mustRun("", "connection", "list"); strings.Contains(list, "read-only") {
		t.Errorf("list after remove:\n%s", list)
	}
}

// addConnection saves a connection to sb under name with the given token.
func (b *bin) addConnection(sb *sandboxProc, name, token string, extra ...string) {
	b.t.Helper()
	b.mustRun(token, append([]string{"connection", "add", name, "--store-hash", sb.StoreHash, "--base-url", sb.URL, "--token-stdin"}, extra...)...)
}

func TestE2EProductRoundTrip(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t)
	b := newBin(t)
	b.addConnection(sb, "store", sb.Tokens.Full)
	call := func(tool, input string, extra ...string) string {
		t.Helper()
		return b.mustRun("", append([]string{"call", tool, "--connection", "store", "--input", input}, extra...)...)
	}

	created := decodeJSON[map[string]any](t, call("create-product",
		`{"name": "E2E Round Trip Mug", "type": "physical", "price": "12.50", "weight": 0.4, "sku": "E2E-MUG-1"}`))
	id := productID(t, created)

	got := decodeJSON[map[string]any](t, call("get-product", fmt.Sprintf(`{"id": %d}`, id)))
	if !strings.Contains(fmt.Sprint(got), "E2E Round Trip Mug") || !strings.Contains(fmt.Sprint(got), "12.5") {
		t.Errorf("get-product after create: %v", got)
	}

	call("update-product", fmt.Sprintf(`{"id": %d, "price": "14.25"}`, id))
	got = decodeJSON[map[string]any](t, call("get-product", fmt.Sprintf(`{"id": %d}`, id)))
	if !strings.Contains(fmt.Sprint(got), "14.25") {
		t.Errorf("get-product after update: %v", got)
	}

	// Without --yes a delete writes nothing, says what it would delete, exits 2.
	r := b.wantExit(exitBadInput, tools.CategoryConfirmationRequired, "", "call", "delete-product", "--connection", "store",
		"--input", fmt.Sprintf(`{"id": %d}`, id))
	if !strings.Contains(r.stderr, "E2E Round Trip Mug") || !strings.Contains(r.stderr, "repeat the command with --yes") {
		t.Errorf("unconfirmed delete does not say what it would delete and that --yes confirms it:\n%s", r.stderr)
	}
	call("get-product", fmt.Sprintf(`{"id": %d}`, id)) // still there

	call("delete-product", fmt.Sprintf(`{"id": %d}`, id), "--yes")
	b.wantExit(exitNotFound, tools.CategoryNotFound, "", "call", "get-product", "--connection", "store",
		"--input", fmt.Sprintf(`{"id": %d}`, id))
}

// productID finds the new product's id in a create-product result, which
// holds it at the top level or in a "product" object.
func productID(t *testing.T, out map[string]any) int {
	t.Helper()
	for _, m := range []any{out, out["product"]} {
		if obj, ok := m.(map[string]any); ok {
			if id, ok := obj["id"].(float64); ok && id > 0 {
				return int(id)
			}
		}
	}
	t.Fatalf("no product id in %v", out)
	return 0
}

func TestE2EExitCodes(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t)
	b := newBin(t)
	b.addConnection(sb, "full", sb.Tokens.Full)
	b.addConnection(sb, "read-only", sb.Tokens.ReadOnly)

	// 2: bad input, refused before any request
	b.wantExit(exitBadInput, tools.CategoryBadInput, "", "call", "create-product", "--connection", "full",
		"--input", `{"name": "x", "price": 1e3}`)

	// 3: a write with a read-only token names the missing modify scope
	r := b.wantExit(exitAuth, tools.CategoryMissingScope, "", "call", "create-product", "--connection", "read-only",
		"--input", `{"name": "Read Only Write", "type": "physical", "price": "1.00", "weight": 1}`)
	if !strings.Contains(r.stderr, "modify scope") || !strings.Contains(r.stderr, "old token is invalidated") {
		t.Errorf("read-only write: no re-issue hint:\n%s", r.stderr)
	}

	// 4: not found
	b.wantExit(exitNotFound, tools.CategoryNotFound, "", "call", "get-product", "--connection", "full",
		"--input", `{"id": 987654}`)

	// 5: conflict: a second product with the same name and another SKU
	lamp := productID(t, decodeJSON[map[string]any](t, b.mustRun("", "call", "create-product", "--connection", "full",
		"--input", `{"name": "E2E Conflict Lamp", "type": "physical", "price": "30", "weight": 2, "sku": "E2E-LAMP-1"}`)))
	b.wantExit(exitConflict, tools.CategoryConflict, "", "call", "create-product", "--connection", "full",
		"--input", `{"name": "E2E Conflict Lamp", "type": "physical", "price": "30", "weight": 2, "sku": "E2E-LAMP-2"}`)

	// A production connection's writes need --yes even when not destructive.
	b.addConnection(sb, "live", sb.Tokens.Full, "--production")
	update := fmt.Sprintf(`{"id": %d, "price": "31.00"}`, lamp)
	b.wantExit(exitBadInput, tools.CategoryConfirmationRequired, "", "call", "update-product", "--connection", "live", "--input", update)
	get := fmt.Sprintf(`{"id": %d}`, lamp)
	if got := b.mustRun("", "call", "get-product", "--connection", "live", "--input", get); !strings.Contains(got, `"price": 30`) {
		t.Errorf("an unconfirmed production write changed the product:\n%s", got)
	}
	b.mustRun("", "call", "update-product", "--connection", "live", "--input", update, "--yes")
	if got := b.mustRun("", "call", "get-product", "--connection", "live", "--input", get); !strings.Contains(got, `"price": 31`) {
		t.Errorf("a confirmed production write did not change the price:\n%s", got)
	}
}

func TestE2EUpstreamAndQuota(t *testing.T) {
	t.Parallel()
	// 6: every answer is a 500 and the client may not retry (BIGC_MAX_RETRIES=0).
	// The connection is saved directly: add's own check would meet the faults.
	failing := startSandbox(t, "--faults", "500=1")
	b := newBin(t)
	b.saveConnection(failing, "failing")
	b.wantExit(exitRateLimited, tools.CategoryUpstream, "", "call", "list-products", "--connection", "failing")
	// A POST that got a 500 may have been applied: outcome unknown, also 6.
	b.wantExit(exitRateLimited, tools.CategoryOutcomeUnknown, "", "call", "raw-api-request", "--connection", "failing", "--yes",
		"--input", `{"method": "POST", "path": "/v3/catalog/brands", "body": {"name": "E2E Brand"}}`)

	// 6: a quota of one request a minute is spent by the first call.
	limited := startSandbox(t, "--quota", "1/1m")
	q := newBin(t)
	q.saveConnection(limited, "limited")
	q.run("", "call", "list-products", "--connection", "limited")
	q.wantExit(exitRateLimited, tools.CategoryRateLimited, "", "call", "list-products", "--connection", "limited")
}

// TestE2EConnectionCheckFailsFast: the credential check behind connection add
// retries a failing store twice, not the nine times a long job may, so a person
// at the prompt gets exit 6 at once, and nothing is saved.
func TestE2EConnectionCheckFailsFast(t *testing.T) {
	t.Parallel()
	failing := startSandbox(t, "--faults", "500=1")
	b := &bin{t: t, cfg: t.TempDir()} // no BIGC_MAX_RETRIES: the command's own budget
	b.wantExit(exitRateLimited, tools.CategoryUpstream, failing.Tokens.Full,
		"connection", "add", "flaky", "--store-hash", failing.StoreHash, "--token-stdin", "--base-url", failing.URL)
	resp, err := http.Get(failing.URL + "/_sandbox/stats")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var stats struct {
		Requests int `json:"requests"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&stats); err != nil {
		t.Fatal(err)
	}
	if stats.Requests != 1+verifyMaxRetries {
		t.Errorf("the check sent %d requests, want %d (one try and %d retries)", stats.Requests, 1+verifyMaxRetries, verifyMaxRetries)
	}
	if names, _ := connections.Open(b.cfg).Names(); len(names) != 0 {
		t.Errorf("a connection that failed its check was saved: %v", names)
	}
}

// saveConnection saves a connection to sb's full token without verifying it.
func (b *bin) saveConnection(sb *sandboxProc, name string) {
	b.t.Helper()
	c := &connections.Connection{Name: name, StoreHash: sb.StoreHash, BaseURL: sb.URL, Token: sb.Tokens.Full}
	if err := connections.Open(b.cfg).Save(c, false); err != nil {
		b.t.Fatal(err)
	}
}

func TestE2ETargets(t *testing.T) {
	t.Parallel()
	b := newBin(t)
	// --sandbox starts an embedded store in the command itself.
	out := decodeJSON[map[string]any](t, b.mustRun("", "call", "list-products", "--sandbox", "--input", `{"limit": 2}`))
	if items, _ := out["items"].([]any); len(items) != 2 {
		t.Errorf("list-products --sandbox with limit 2: %v", out)
	}
	// With neither flag, the only saved connection is used, and said so.
	sb := startSandbox(t)
	b.saveConnection(sb, "only")
	r := b.run("", "call", "list-categories")
	if r.code != 0 || !strings.Contains(r.stderr, `using connection "only"`) {
		t.Errorf("call with one saved connection: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	// With two, the choice is the caller's.
	b.saveConnection(sb, "other")
	r = b.wantExit(exitBadInput, tools.CategoryBadInput, "", "call", "list-categories")
	if !strings.Contains(r.stderr, "only, other") {
		t.Errorf("call with two saved connections does not list them:\n%s", r.stderr)
	}
}

// TestE2ELostCreateAnswer: every POST is applied and then its connection is
// dropped, so no create ever gets its answer. The create tools must find the
// record they made instead of making a second one.
func TestE2ELostCreateAnswer(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, "--faults", "commit-then-drop=1")
	b := newBin(t)
	b.saveConnection(sb, "lossy")

	out := decodeJSON[map[string]any](t, b.mustRun("", "call", "create-product", "--connection", "lossy",
		"--input", `{"name": "Lost Answer Lamp", "type": "physical", "price": "10", "weight": 1, "sku": "LOST-LAMP-1"}`))
	if out["reconciled"] != true {
		t.Errorf("create-product with a lost answer: reconciled = %v, want true", out["reconciled"])
	}
	list := decodeJSON[map[string]any](t, b.mustRun("", "call", "list-products", "--connection", "lossy",
		"--input", `{"name": "Lost Answer Lamp"}`))
	if items, _ := list["items"].([]any); len(items) != 1 {
		t.Errorf("after a lost create answer the store has %d products of that name, want 1", len(items))
	}

	out = decodeJSON[map[string]any](t, b.mustRun("", "call", "create-customer", "--connection", "lossy",
		"--input", `{"email": "lost.answer@example.com", "first_name": "Lou", "last_name": "Ost"}`))
	if out["reconciled"] != true {
		t.Errorf("create-customer with a lost answer: reconciled = %v, want true", out["reconciled"])
	}
	customers := decodeJSON[map[string]any](t, b.mustRun("", "call", "list-customers", "--connection", "lossy",
		"--input", `{"email": "lost.answer@example.com"}`))
	if items, _ := customers["items"].([]any); len(items) != 1 {
		t.Errorf("after a lost create answer the store has %d customers with that email, want 1: %v", len(items), customers)
	}
}
