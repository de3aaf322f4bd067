package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/bigc-dev/bigc/internal/connections"
	"github.com/bigc-dev/bigc/tools"
)

// runBigcTerminal runs bigc in this process as if stdout and stderr were a
// terminal (the pseudo-terminal test runs the binary on a real one).
func runBigcTerminal(t *testing.T, cfg, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	a := &app{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb, isTerminal: func(any) bool { return true }}
	code := a.run(context.Background(), append([]string{"--config", cfg}, args...))
	return result{out.String(), errb.String(), code}
}

// saveConnection writes a connection straight into cfg, as connection add
// would after its check, so that list commands have something to show.
func saveConnection(t *testing.T, cfg string, c connections.Connection) {
	t.Helper()
	if err := connections.Open(cfg).Save(&c, false); err != nil {
		t.Fatal(err)
	}
}

func TestConnectionListTableOnTerminalJSONElsewhere(t *testing.T) {
	t.Parallel()
	cfg := t.TempDir()
	if r := runBigcTerminal(t, cfg, "", "connection", "list"); !strings.Contains(r.stdout, "No connections saved") {
		t.Errorf("empty list on a terminal:\n%s", r.stdout)
	}
	saveConnection(t, cfg, connections.Connection{Name: "shop", StoreHash: "abc123", Token: "secret-token-1", Production: true})
	saveConnection(t, cfg, connections.Connection{Name: "staging-eu", StoreHash: "def456", TokenEnv: "STAGING_TOKEN"})

	r := runBigcTerminal(t, cfg, "", "connection", "list")
	lines := strings.Split(strings.TrimRight(r.stdout, "\n"), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "NAME") {
		t.Fatalf("table:\n%s", r.stdout)
	}
	// Aligned: every row's second column starts where the header's does.
	col := strings.Index(lines[0], "STORE HASH")
	for _, l := range lines[1:] {
		if len(l) <= col || l[col-1] != ' ' || l[col] == ' ' {
			t.Errorf("row %q is not aligned under STORE HASH (column %d)", l, col)
		}
	}
	if !regexp.MustCompile(`(?m)^shop\s+abc123\s+-\s+yes\s`).MatchString(r.stdout) || strings.Contains(r.stdout, "secret-token-1") {
		t.Errorf("table row for shop:\n%s", r.stdout)
	}

	for _, args := range [][]string{{"connection", "list"}, {"connection", "list", "--json"}} {
		r := runBigc(t, cfg, "", args...)
		var list []connections.Summary
		if err := json.Unmarshal([]byte(r.stdout), &list); err != nil || len(list) != 2 || list[0].Name != "shop" {
			t.Errorf("bigc %s piped: %v\n%s", strings.Join(args, " "), err, r.stdout)
		}
	}
	if r := runBigcTerminal(t, cfg, "", "connection", "list", "--json"); !json.Valid([]byte(r.stdout)) {
		t.Errorf("--json on a terminal:\n%s", r.stdout)
	}
}

func TestToolsJSONWhenPiped(t *testing.T) {
	t.Parallel()
	r := runBigc(t, t.TempDir(), "", "tools")
	var list []toolSummary
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil || len(list) != len(tools.NewRegistry().Tools()) {
		t.Errorf("bigc tools | ...: %v\n%s", err, r.stdout)
	}
}

func TestToolsShowInputTable(t *testing.T) {
	t.Parallel()
	r := runBigcTerminal(t, t.TempDir(), "", "tools", "show", "list-orders")
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "INPUT") || !strings.Contains(r.stdout, "REQUIRED") || strings.Contains(r.stdout, `"inputSchema"`) {
		t.Errorf("tools show on a terminal:\n%s", r.stdout)
	}
	tool, _ := tools.NewRegistry().Lookup("list-orders")
	for name := range tool.InputSchema.Properties {
		if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + `\s`).MatchString(r.stdout) {
			t.Errorf("no row for input %q:\n%s", name, r.stdout)
		}
	}
	// A required input says so, and an enum lists its values.
	r = runBigcTerminal(t, t.TempDir(), "", "tools", "show", "get-order")
	if !regexp.MustCompile(`(?m)^id\s+integer\s+yes\s`).MatchString(r.stdout) {
		t.Errorf("get-order's id is not shown as a required integer:\n%s", r.stdout)
	}
	r = runBigcTerminal(t, t.TempDir(), "", "tools", "show", "get-order", "--json")
	var def toolDefinition
	if err := json.Unmarshal([]byte(r.stdout), &def); err != nil || def.InputSchema == nil {
		t.Errorf("tools show --json: %v\n%s", err, r.stdout)
	}
}

func TestErrorsOneLineOnTerminalJSONElsewhere(t *testing.T) {
	t.Parallel()
	r := runBigcTerminal(t, t.TempDir(), "", "call", "get-order", "--input", `{"id": "x"}`)
	if r.code != exitBadInput || strings.Count(r.stderr, "\n") != 1 || !strings.HasPrefix(r.stderr, "bigc: bad_input") || strings.Contains(r.stderr, `{"error"`) {
		t.Errorf("terminal: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	r = runBigc(t, t.TempDir(), "", "call", "get-order", "--input", `{"id": "x"}`)
	if r.code != exitBadInput || r.errorObject(t).Field != "id" {
		t.Errorf("piped: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	r = runBigcTerminal(t, t.TempDir(), "", "tools", "--json", "--no-such-flag")
	if r.code != exitBadInput || !strings.Contains(r.stderr, `{"error"`) {
		t.Errorf("terminal with --json: exit %d, stderr:\n%s", r.code, r.stderr)
	}
}

func TestWebhooksListTable(t *testing.T) {
	t.Parallel()
	r := runBigcTerminal(t, t.TempDir(), "", "webhooks", "list", "--sandbox")
	if r.code != exitOK || !regexp.MustCompile(`^ID\s+SCOPE\s+DESTINATION\s+ACTIVE\s+SECRET KEPT\n`).MatchString(r.stdout) {
		t.Errorf("exit %d, stdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	r = runBigc(t, t.TempDir(), "", "webhooks", "list", "--sandbox")
	if !json.Valid([]byte(r.stdout)) {
		t.Errorf("piped: %s", r.stdout)
	}
}

func TestFirstSentence(t *testing.T) {
	for in, want := range map[string]string{
		"country name, e.g. United States":  "country name, e.g. United States",
		"The id. Find it with list-orders.": "The id.",
		"sort key, e.g. date_created:desc":  "sort key, e.g. date_created:desc",
		"one\n  line. two":                  "one line. two",
	} {
		if got := firstSentence(in); got != want {
			t.Errorf("firstSentence(%q) = %q, want %q", in, got, want)
		}
	}
}
