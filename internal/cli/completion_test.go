package cli

import (
	"slices"
	"strings"
	"testing"

	"github.com/bigc-dev/bigc/internal/connections"
)

// completions runs cobra's hidden __complete command, as a shell does on TAB.
func completions(t *testing.T, cfg string, args ...string) []string {
	t.Helper()
	r := runBigc(t, cfg, "", append([]string{"__complete"}, args...)...)
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		if l != "" && !strings.HasPrefix(l, ":") {
			name, _, _ := strings.Cut(l, "\t")
			out = append(out, name)
		}
	}
	return out
}

func TestCompletion(t *testing.T) {
	t.Parallel()
	cfg := t.TempDir()
	saveConnection(t, cfg, connections.Connection{Name: "shop", StoreHash: "abc123", Token: "t1"})
	saveConnection(t, cfg, connections.Connection{Name: "staging", StoreHash: "def456", Token: "t2"})
	cases := []struct {
		args     []string
		want     []string
		mustMiss string
	}{
		{[]string{"sync", "or"}, []string{"orders"}, ""},
		{[]string{"sync", ""}, []string{"orders", "products", "customers", "all"}, ""},
		{[]string{"sync", "reset", "cu"}, []string{"customers", "customer_groups"}, ""},
		{[]string{"sync", "orders", "--status", "awaiting_f"}, []string{"awaiting_fulfillment"}, ""},
		{[]string{"mcp", "--toolsets", "orders,cat"}, []string{"orders,catalog"}, ""},
		{[]string{"mcp", "--tools", "get-order,get-ord"}, nil, "get-order,get-order"},
		{[]string{"mcp", "--tools", "get-or"}, []string{"get-order"}, ""},
		{[]string{"webhooks", "subscribe", "--scope", "store/order/c"}, []string{"store/order/created"}, ""},
		{[]string{"import", ""}, []string{"products", "inventory", "customers"}, ""},
		{[]string{"call", "get-order", "--connection", "s"}, []string{"shop", "staging"}, ""},
		{[]string{"sync", "orders", "--connection", "st"}, []string{"staging"}, "shop"},
		{[]string{"connection", "verify", ""}, []string{"shop", "staging"}, ""},
	}
	for _, c := range cases {
		got := completions(t, cfg, c.args...)
		for _, w := range c.want {
			if !slices.Contains(got, w) {
				t.Errorf("bigc %s<TAB> = %v; want %q among them", strings.Join(c.args, " "), got, w)
			}
		}
		if c.mustMiss != "" && slices.Contains(got, c.mustMiss) {
			t.Errorf("bigc %s<TAB> = %v; want no %q", strings.Join(c.args, " "), got, c.mustMiss)
		}
	}
}

func TestMissingArgumentSaysWhich(t *testing.T) {
	t.Parallel()
	cfg := t.TempDir()
	saveConnection(t, cfg, connections.Connection{Name: "shop", StoreHash: "abc123", Token: "t1"})
	cases := map[string]string{
		"sync":              "which stream? orders, products, customers,",
		"sync reset":        "which stream? orders, products, customers,",
		"import":            "which kind of record? products, inventory or customers",
		"connection verify": "which connection? shop",
		"webhooks delete":   "which hook ID? bigc webhooks list shows them",
		"call":              "which tool? list-orders, get-order,",
		"tools show":        "which tool? list-orders, get-order,",
	}
	for args, want := range cases {
		r := runBigc(t, cfg, "", strings.Fields(args)...)
		if r.code != exitBadInput || !strings.Contains(r.stderr, want) || strings.Contains(r.stderr, "arg(s)") {
			t.Errorf("bigc %s: exit %d, stderr:\n%s\nwant %q", args, r.code, r.stderr, want)
		}
	}
}

func TestDidYouMean(t *testing.T) {
	t.Parallel()
	cfg := t.TempDir()
	saveConnection(t, cfg, connections.Connection{Name: "staging", StoreHash: "abc123", Token: "t1"})
	saveConnection(t, cfg, connections.Connection{Name: "production", StoreHash: "def456", Token: "t2"})
	cases := map[string]string{
		"call get-ordr --sandbox":                    `did you mean "get-order"?`,
		"tools show delete-prod":                     `did you mean "delete-product"?`,
		"connection verfy staging":                   `did you mean "verify"?`,
		"call get-order -F id=1 --connection stagng": `did you mean "staging"?`,
		"connection remove prodution":                `did you mean "production"?`,
	}
	for args, want := range cases {
		r := runBigc(t, cfg, "", strings.Fields(args)...)
		if r.code == exitOK || !strings.Contains(r.stderr, want) {
			t.Errorf("bigc %s: exit %d, stderr:\n%s\nwant %q", args, r.code, r.stderr, want)
		}
	}
}
