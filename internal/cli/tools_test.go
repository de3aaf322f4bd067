package cli

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/bigc-dev/bigc/internal/connections"
	"github.com/bigc-dev/bigc/tools"
)

func TestToolsJSONGolden(t *testing.T) {
	t.Parallel()
	r := runBigc(t, t.TempDir(), "", "tools", "--json")
	if r.code != exitOK {
		t.Fatalf("bigc tools --json: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	checkGolden(t, "tools.json", []byte(r.stdout))

	var list []toolSummary
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil {
		t.Fatal(err)
	}
	reg := tools.NewRegistry()
	if len(list) != len(reg.Tools()) {
		t.Fatalf("listed %d tools, the registry has %d", len(list), len(reg.Tools()))
	}
	for i, tool := range reg.Tools() {
		if list[i].Name != tool.Name {
			t.Errorf("tool %d is %q, want %q (registry order)", i, list[i].Name, tool.Name)
		}
	}
}

func TestToolsTable(t *testing.T) {
	t.Parallel()
	r := runBigcTerminal(t, t.TempDir(), "", "tools")
	if r.code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if !strings.HasPrefix(lines[0], "NAME") || len(lines) != len(tools.NewRegistry().Tools())+1 {
		t.Errorf("table:\n%s", r.stdout)
	}
}

func TestToolsShow(t *testing.T) {
	t.Parallel()
	reg := tools.NewRegistry()
	for _, tool := range reg.Tools() {
		r := runBigc(t, t.TempDir(), "", "tools", "show", tool.Name)
		if r.code != exitOK {
			t.Errorf("tools show %s: exit %d, stderr:\n%s", tool.Name, r.code, r.stderr)
			continue
		}
		var def struct {
			Name         string            `json:"name"`
			Annotations  tools.Annotations `json:"annotations"`
			InputSchema  map[string]any    `json:"inputSchema"`
			OutputSchema map[string]any    `json:"outputSchema"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &def); err != nil {
			t.Errorf("tools show %s: %v", tool.Name, err)
			continue
		}
		if def.Name != tool.Name || def.Annotations != tool.Annotations || def.InputSchema["type"] != "object" || def.OutputSchema == nil {
			t.Errorf("tools show %s printed %s", tool.Name, r.stdout)
		}
	}
	r := runBigc(t, t.TempDir(), "", "tools", "show", "drop-database")
	if r.code != exitBadInput || !strings.Contains(r.stderr, "no tool named") {
		t.Errorf("tools show of an unknown tool: exit %d, stderr:\n%s", r.code, r.stderr)
	}
}

func TestCompletionOffersToolNames(t *testing.T) {
	t.Parallel()
	r := runBigc(t, t.TempDir(), "", "__complete", "call", "get-")
	if r.code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	for _, tool := range tools.NewRegistry().Tools() {
		if strings.HasPrefix(tool.Name, "get-") != strings.Contains(r.stdout, tool.Name+"\t") {
			t.Errorf("completion of get-: %q is offered=%v:\n%s", tool.Name, !strings.HasPrefix(tool.Name, "get-"), r.stdout)
		}
	}
	r = runBigc(t, t.TempDir(), "", "completion", "bash")
	if r.code != exitOK || !strings.Contains(r.stdout, "bash completion") {
		t.Errorf("completion bash: exit %d", r.code)
	}
}

func TestCompletionOffersConnectionNames(t *testing.T) {
	t.Parallel()
	cfg := t.TempDir()
	dir := connections.Open(cfg)
	for _, name := range []string{"us-production", "us-staging", "eu"} {
		if err := dir.Save(&connections.Connection{Name: name, StoreHash: "abc123", TokenEnv: "BIGC_TOKEN"}, false); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{
		{"__complete", "connection", "verify", "us-"},
		{"__complete", "connection", "remove", "us-"},
		{"__complete", "call", "get-order", "--connection", "us-"},
	} {
		r := runBigc(t, cfg, "", args...)
		if r.code != exitOK {
			t.Fatalf("%v: exit %d, stderr:\n%s", args, r.code, r.stderr)
		}
		lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
		if want := []string{"us-production", "us-staging", ":4"}; !slices.Equal(lines, want) {
			t.Errorf("%v offers %q, want %q", args, lines, want)
		}
	}
}
