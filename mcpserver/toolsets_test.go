package mcpserver

import (
	"slices"
	"strings"
	"testing"

	"github.com/bigc-dev/bigc/tools"
)

// TestEveryToolHasAToolset: each registry tool belongs to one of the
// toolsets, and every toolset but inventory and fulfilment (whose tools
// other work adds) has a tool.
func TestEveryToolHasAToolset(t *testing.T) {
	t.Parallel()
	used := map[string]bool{}
	for _, tool := range tools.NewRegistry().Tools() {
		set := toolsetOf(tool.Name)
		if !slices.Contains(Toolsets, set) {
			t.Errorf("tool %s belongs to no toolset; extend toolsetOf", tool.Name)
		}
		used[set] = true
	}
	for _, set := range []string{"orders", "catalog", "customers", "raw"} {
		if !used[set] {
			t.Errorf("toolset %s has no tool", set)
		}
	}
}

func TestToolsetsChooseTools(t *testing.T) {
	t.Parallel()
	s := registryServer(t, Options{Toolsets: []string{"orders", "customers"}})
	for _, d := range s.Tools() {
		if set := toolsetOf(d.Name); set != "orders" && set != "customers" {
			t.Errorf("--toolsets orders,customers serves %s (%s)", d.Name, set)
		}
	}
	if len(s.Tools()) < 5 {
		t.Errorf("--toolsets orders,customers serves %d tools", len(s.Tools()))
	}
	_, err := New(tools.NewRegistry(), Options{Connections: []Connection{testConn(t, "sandbox", false)}, Toolsets: []string{"orders", "shipping"}})
	if err == nil || !strings.Contains(err.Error(), `unknown toolset "shipping"`) || !strings.Contains(err.Error(), "fulfilment") {
		t.Errorf("an unknown toolset: %v", err)
	}
}
