package mcpserver

import (
	"testing"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/sandbox"
	"github.com/bigc-dev/bigc/tools"
)

// TestKnownDeniedWriteIsRefusedBeforeAsking: with a read-only token, the
// first delete asks the user and then fails with missing_scope; from then on
// the connection knows, so the next delete says so at once, without asking
// the user and without a request to the store. Reads still work, and another
// connection is not affected.
func TestKnownDeniedWriteIsRefusedBeforeAsking(t *testing.T) {
	t.Parallel()
	f := newFixture(t, sandbox.Options{})
	readOnly, err := bigcommerce.NewClient(f.hash, f.tokens.ReadOnly, bigcommerce.WithBaseURL(f.url), bigcommerce.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(tools.NewRegistry(), Options{Connections: []Connection{
		{Name: "ro", Client: readOnly}, {Name: "full", Client: f.client()},
	}})
	if err != nil {
		t.Fatal(err)
	}
	u := &scriptedUser{action: "accept", typed: firstQuoted}
	a := newAgent(t, connect(t, s, u.clientOptions(), nil), "Delete the first two products of the ro store.", f.tokens.ReadOnly)
	list := a.call("list-products", map[string]any{"connection": "ro", "limit": 2})
	first, second := num(t, get(list, "items", 0, "id")), num(t, get(list, "items", 1, "id"))

	e := errorOf(t, a.callRaw("delete-product", map[string]any{"connection": "ro", "id": first}))
	if e["category"] != "missing_scope" || len(u.questions()) != 1 {
		t.Fatalf("first delete: %v after %d questions; want missing_scope after asking once", e, len(u.questions()))
	}
	writes := f.writes()
	e = errorOf(t, a.callRaw("delete-product", map[string]any{"connection": "ro", "id": second}))
	if e["category"] != "missing_scope" || e["missing_scope"] != "store_v2_products" || len(u.questions()) != 1 || f.writes() != writes {
		t.Errorf("second delete: %v after %d questions, %d more writes; want missing_scope at once, no question, nothing sent",
			e, len(u.questions()), f.writes()-writes)
	}
	if res := a.callRaw("get-product", map[string]any{"connection": "ro", "id": second}); res.IsError {
		t.Errorf("a read on the read-only connection failed: %s", text(res))
	}
	// The full connection still asks and deletes.
	a.call("delete-product", map[string]any{"connection": "full", "id": second})
	if len(u.questions()) != 2 {
		t.Errorf("the full connection's delete asked %d questions in all, want 2", len(u.questions()))
	}
}
