package mcpserver

import (
	"fmt"
	"slices"
	"strings"

	"github.com/bigc-dev/bigc/tools"
)

// Toolsets are the groups of tools a host may ask for (--toolsets), so that
// it serves a focused set: each tool belongs to exactly one.
var Toolsets = []string{"orders", "catalog", "customers", "inventory", "fulfilment", "raw"}

// toolsetOf names the toolset a tool belongs to, from the entity its name
// ends in. The rule sits here, in one place, and a test holds every
// registry tool to it, so a new tool whose name fits no toolset fails the
// test rather than go unserved.
func toolsetOf(name string) string {
	switch {
	case name == RawToolName, name == "describe-endpoint":
		return "raw"
	case strings.Contains(name, "inventory"):
		return "inventory"
	case strings.Contains(name, "shipment"):
		return "fulfilment"
	case strings.HasSuffix(name, "-order"), strings.HasSuffix(name, "-orders"):
		return "orders"
	case strings.HasSuffix(name, "-customer"), strings.HasSuffix(name, "-customers"):
		return "customers"
	case strings.HasSuffix(name, "-product"), strings.HasSuffix(name, "-products"),
		strings.HasSuffix(name, "-variant"), strings.HasSuffix(name, "-variants"),
		strings.HasSuffix(name, "-categories"), strings.HasSuffix(name, "-category"):
		return "catalog"
	}
	return ""
}

// checkToolsets refuses an unknown toolset name, naming the valid ones.
func checkToolsets(sets []string) error {
	for _, s := range sets {
		if !slices.Contains(Toolsets, s) {
			return &tools.Error{Category: tools.CategoryBadInput, Field: "toolsets",
				Message: fmt.Sprintf("unknown toolset %q; the toolsets are %s", s, strings.Join(Toolsets, ", "))}
		}
	}
	return nil
}
