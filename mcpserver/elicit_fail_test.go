package mcpserver

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/bigc-dev/bigc/sandbox"
	"github.com/bigc-dev/bigc/tools"
)

// badAnswers are the ways a client's confirmation dialog goes wrong: an
// accept without content, an accept with an empty answer, and a dialog that
// fails. clientFails marks the ones a 2026 client's SDK turns into an error
// of its own before the server hears of them (it checks the content against
// the form's schema, and a failing handler fails the call client-side).
var badAnswers = []struct {
	name        string
	clientFails bool
	answer      func() (*mcp.ElicitResult, error)
}{
	{"accept without content", false, func() (*mcp.ElicitResult, error) { return &mcp.ElicitResult{Action: "accept"}, nil }},
	{"accept with empty content", true, func() (*mcp.ElicitResult, error) {
		return &mcp.ElicitResult{Action: "accept", Content: map[string]any{}}, nil
	}},
	{"accept with a blank answer", false, func() (*mcp.ElicitResult, error) {
		return &mcp.ElicitResult{Action: "accept", Content: map[string]any{"confirm": "  "}}, nil
	}},
	{"dialog fails", true, func() (*mcp.ElicitResult, error) { return nil, errors.New("the dialog could not be shown") }},
}

// TestFailedElicitationsAreToolResults: whatever goes wrong with the
// confirmation dialog, the call answers a tool result with isError, category
// not_confirmed and "Nothing was changed", never a protocol error, and
// nothing is deleted. On the 2026 protocol some failures never leave the
// client (see badAnswers); the others reach the server and are judged there.
func TestFailedElicitationsAreToolResults(t *testing.T) {
	t.Parallel()
	for _, version := range []string{"", "2025-06-18"} {
		for _, tt := range badAnswers {
			if tt.clientFails && version == "" {
				continue
			}
			t.Run(tt.name+" "+version, func(t *testing.T) {
				t.Parallel()
				w := newWorld()
				s := newTestServer(t, w, Options{})
				cs := connect(t, s, &mcp.ClientOptions{ElicitationHandler: func(context.Context, *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
					return tt.answer()
				}}, &mcp.ClientSessionOptions{ProtocolVersion: version})
				res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "delete-thing", Arguments: map[string]any{"id": 7}})
				if err != nil {
					t.Fatalf("protocol error: %v", err)
				}
				e := errorOf(t, res)
				if e["category"] != "not_confirmed" || !strings.Contains(fmt.Sprint(e["message"]), "Nothing was changed") {
					t.Errorf("answered %s, want not_confirmed saying nothing was changed", text(res))
				}
				if w.deleteCount() != 0 {
					t.Error("the thing was deleted")
				}
			})
		}
	}
}

// TestRealDeleteWithFailedDialog is the case with the real tools:
// delete-product confirmed through a 2025 client whose dialog answers badly
// sends no write to the store.
func TestRealDeleteWithFailedDialog(t *testing.T) {
	t.Parallel()
	for _, tt := range badAnswers {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, sandbox.Options{})
			s, err := New(tools.NewRegistry(), Options{Connections: []Connection{{Name: "sandbox", Client: f.client()}}})
			if err != nil {
				t.Fatal(err)
			}
			cs := connect(t, s, &mcp.ClientOptions{ElicitationHandler: func(context.Context, *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
				return tt.answer()
			}}, &mcp.ClientSessionOptions{ProtocolVersion: "2025-06-18"})
			a := newAgent(t, cs, "Delete the first product.", f.tokens.Full)
			id := num(t, get(a.call("list-products", map[string]any{"limit": 1}), "items", 0, "id"))
			e := errorOf(t, a.callRaw("delete-product", map[string]any{"id": id}))
			if e["category"] != "not_confirmed" || f.writes() != 0 {
				t.Errorf("delete-product after a bad dialog: %v, %d writes; want not_confirmed and none", e, f.writes())
			}
		})
	}
}
