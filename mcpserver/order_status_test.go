package mcpserver

import (
	"fmt"
	"strings"
	"testing"

	"github.com/bigc-dev/bigc/sandbox"
	"github.com/bigc-dev/bigc/tools"
)

// TestOrderStatusArgument calls list-orders through MCP against the sandbox:
// a status name (as the schema's enum spells it or in another case) and a
// status id pick the same orders, and a status that is none of them is a
// bad_input tool result naming the field and the allowed names.
func TestOrderStatusArgument(t *testing.T) {
	t.Parallel()
	f := newFixture(t, sandbox.Options{})
	s, err := New(tools.NewRegistry(), Options{Connections: []Connection{{Name: "sandbox", Client: f.client()}}})
	if err != nil {
		t.Fatal(err)
	}
	cs := connect(t, s, nil, nil)
	var first []string
	for _, status := range []any{"Awaiting Fulfillment", "awaiting_fulfillment", 11, "11"} {
		res := call(t, cs, "list-orders", map[string]any{"status": status, "limit": 250})
		if res.IsError {
			t.Fatalf("status %v: %s", status, text(res))
		}
		items, _ := structured(t, res)["items"].([]any)
		var ids []string
		for _, it := range items {
			o := it.(map[string]any)
			if fmt.Sprint(o["status_id"]) != "11" {
				t.Errorf("status %v: order %v has status_id %v", status, o["id"], o["status_id"])
			}
			ids = append(ids, fmt.Sprint(o["id"]))
		}
		if first == nil {
			if len(ids) == 0 {
				t.Fatal("the sandbox holds no order awaiting fulfillment; the test proves nothing")
			}
			first = ids
		} else if strings.Join(ids, ",") != strings.Join(first, ",") {
			t.Errorf("status %v: orders %v, want %v as for the name", status, ids, first)
		}
	}
	for _, bad := range []any{"Lost in the post", 15, "15"} {
		res := call(t, cs, "list-orders", map[string]any{"status": bad})
		e := errorOf(t, res)
		if e["category"] != "bad_input" || !strings.Contains(text(res), "Argument at fault: status") || !strings.Contains(text(res), "Awaiting Fulfillment") {
			t.Errorf("status %v: %s, want bad_input naming status and the names", bad, text(res))
		}
	}
}
