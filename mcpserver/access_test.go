package mcpserver

import (
	"context"
	"fmt"
	"strings"
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

// TestVerifiedAccessRefusesBeforeAsking (issue 12, defect 4): a connection
// whose verification found that the store refuses its writes (the sandbox's
// read-only token, probed with bigcommerce.ProbeScopes) answers delete-product,
// create-customer and a raw catalog write with missing_scope at once: no
// question to the user, no write sent. Reads still work, tag-order (another
// scope) is not refused beforehand, and a connection whose probe found it can
// write still asks before deleting.
func TestVerifiedAccessRefusesBeforeAsking(t *testing.T) {
	t.Parallel()
	f := newFixture(t, sandbox.Options{})
	ctx := context.Background()
	readOnly, err := bigcommerce.NewClient(f.hash, f.tokens.ReadOnly, bigcommerce.WithBaseURL(f.url), bigcommerce.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	roAccess, err := bigcommerce.ProbeScopes(ctx, readOnly)
	if err != nil {
		t.Fatal(err)
	}
	fullAccess, err := bigcommerce.ProbeScopes(ctx, f.client())
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(tools.NewRegistry(), Options{AllowRaw: true, Connections: []Connection{
		{Name: "ro", Client: readOnly, Access: roAccess}, {Name: "full", Client: f.client(), Access: fullAccess},
	}})
	if err != nil {
		t.Fatal(err)
	}
	u := &scriptedUser{action: "accept", typed: firstQuoted}
	a := newAgent(t, connect(t, s, u.clientOptions(), nil), "Tidy up the ro store.", f.tokens.ReadOnly)
	list := a.call("list-products", map[string]any{"connection": "ro", "limit": 2})
	first := num(t, get(list, "items", 0, "id"))
	writes := f.writes()

	for _, c := range []struct {
		tool  string
		args  map[string]any
		scope string
	}{
		{"delete-product", map[string]any{"connection": "ro", "id": first}, "store_v2_products"},
		{"create-customer", map[string]any{"connection": "ro", "email": "new@example.com", "first_name": "N", "last_name": "W"}, "store_v2_customers"},
		{RawToolName, map[string]any{"connection": "ro", "method": "DELETE", "path": fmt.Sprintf("/v3/catalog/products/%d", first)}, "store_v2_products"},
	} {
		e := errorOf(t, a.callRaw(c.tool, c.args))
		if e["category"] != "missing_scope" || e["missing_scope"] != c.scope || !strings.Contains(fmt.Sprint(e["message"]), "Nothing was asked or sent") {
			t.Errorf("%s: %v; want missing_scope %s, nothing asked or sent", c.tool, e, c.scope)
		}
	}
	if len(u.questions()) != 0 || f.writes() != writes {
		t.Errorf("the refused writes asked %d questions and sent %d writes; want none", len(u.questions()), f.writes()-writes)
	}
	if res := a.callRaw("get-product", map[string]any{"connection": "ro", "id": first}); res.IsError {
		t.Errorf("a read on the read-only connection failed: %s", text(res))
	}
	// The full connection's probe found it can write: its delete asks and deletes.
	a.call("delete-product", map[string]any{"connection": "full", "id": first})
	if len(u.questions()) != 1 || f.writes() != writes+1 {
		t.Errorf("the full connection's delete asked %d questions and sent %d writes, want 1 and 1", len(u.questions()), f.writes()-writes)
	}
}

// TestEveryWriteToolHasAScopeGroup: each write tool in the registry names the
// group whose scope it needs, so a verified read-only connection refuses it
// before asking; tag-order alone is left out (metafields have their own
// scope). A new write tool fails here until it is placed.
func TestEveryWriteToolHasAScopeGroup(t *testing.T) {
	t.Parallel()
	groups := map[string]bool{}
	for _, g := range bigcommerce.ScopeGroups {
		groups[g.Name] = true
	}
	for _, tool := range tools.NewRegistry().Tools() {
		if tool.Annotations.ReadOnly || tool.Name == RawToolName || tool.Name == "tag-order" {
			continue
		}
		if g := scopeGroupOf(tool.Name, nil); !groups[g] {
			t.Errorf("%s writes in no known scope group (%q)", tool.Name, g)
		}
	}
	for path, want := range map[string]string{
		"/v3/catalog/products/7": "products", "/v3/catalog/trees/categories": "categories", "/v2/orders/3/shipments": "orders",
		"/v3/orders/3/transactions": "", "/v3/customers": "customers", "/v3/inventory/adjustments/absolute": "inventory", "/v3/carts": "",
	} {
		if got := scopeGroupOf(RawToolName, map[string]any{"path": path}); got != want {
			t.Errorf("raw %s: group %q, want %q", path, got, want)
		}
	}
}
