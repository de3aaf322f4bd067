package mcpserver

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/tools"
)

// deniedWrites remembers the writes each connection's store has refused for
// lack of an OAuth scope (a read-only token, or one without the scope a tool
// needs), so that the same kind of write is refused at once the next time,
// before the user is asked to confirm something that cannot happen. A store
// answers the same token the same way until a person re-issues it, and a new
// token means a restart of bigc mcp, which forgets. Safe for concurrent use.
type deniedWrites struct {
	mu     sync.Mutex
	scopes map[string]string // connection + "\x00" + kind of write -> the missing scope
}

// writeKind names a kind of write for deniedWrites: the tool, and for
// raw-api-request the method and the API family (/v2/orders, /v3/catalog),
// since one raw write says nothing about another family's scope.
func writeKind(tool string, args map[string]any) string {
	if tool != RawToolName {
		return tool
	}
	method, _ := args["method"].(string)
	path, _ := args["path"].(string)
	segs := strings.SplitN(strings.Trim(path, "/"), "/", 3)
	if len(segs) > 2 {
		segs = segs[:2]
	}
	return tool + " " + strings.ToUpper(strings.TrimSpace(method)) + " /" + strings.Join(segs, "/")
}

func (d *deniedWrites) key(conn, kind string) string { return conn + "\x00" + kind }

// known returns the scope the store refused this kind of write for, if any.
func (d *deniedWrites) known(conn, kind string) (string, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	s, ok := d.scopes[d.key(conn, kind)]
	return s, ok
}

// learn records a write the store refused for lack of scope.
func (d *deniedWrites) learn(conn, kind, scope string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.scopes == nil {
		d.scopes = map[string]string{}
	}
	d.scopes[d.key(conn, kind)] = scope
}

// callWrites reports whether a call of st with canonical input changes the
// store. A tool's confirmation rule already knows: on a production
// connection exactly the calls that write need confirmation.
func callWrites(st *servedTool, canonical json.RawMessage) bool {
	return !st.spec.annotations.ReadOnly && st.spec.needsConfirmation(&tools.Env{Production: true}, canonical)
}

// scopeGroupOf names the bigcommerce.ScopeGroups group whose scope a write by
// tool needs, from its toolset (for raw-api-request, from its path), or ""
// when no group's scope is known to cover it. tag-order writes order
// metafields, which BigCommerce documents under the default metafield scope
// rather than the Orders scope, so a refused Orders write says nothing of it.
func scopeGroupOf(tool string, args map[string]any) string {
	switch tool {
	case RawToolName:
		path, _ := args["path"].(string)
		return bigcommerce.ScopeGroupOfPath(strings.TrimSpace(path))
	case "tag-order":
		return ""
	}
	switch toolsetOf(tool) {
	case "catalog":
		return "products"
	case "orders", "fulfilment":
		return "orders"
	case "customers":
		return "customers"
	case "inventory":
		return "inventory"
	}
	return ""
}

// knownRefusal answers a write that conn's store is known to refuse for lack
// of scope, without asking the user or sending anything: known from the
// connection's verification (Connection.Access), or because the store
// refused the same kind of write earlier in this session. nil when the write
// may go ahead.
func (s *Server) knownRefusal(conn Connection, tool, kind string, args map[string]any) *mcp.CallToolResult {
	if group := scopeGroupOf(tool, args); group != "" {
		for _, a := range conn.Access {
			if a.Group == group && a.WriteRefused() {
				return refusedBefore(tool, conn.Name, a.MissingScope,
					fmt.Sprintf("its token may not change %s: when the connection was verified, the store refused a write to them for lack of the scope %s", group, a.MissingScope))
			}
		}
	}
	if scope, ok := s.denied.known(conn.Name, kind); ok {
		return refusedBefore(tool, conn.Name, scope,
			fmt.Sprintf("the store already refused it for lack of the scope %s (HTTP %d)", scope, http.StatusForbidden))
	}
	return nil
}

// refusedBefore answers a write this connection's store is known to refuse,
// for the reason why, without asking the user or sending anything.
func refusedBefore(tool, conn, scope, why string) *mcp.CallToolResult {
	return errorResult(errorBody{
		Category:     tools.CategoryMissingScope,
		MissingScope: scope,
		Message:      fmt.Sprintf("connection %q cannot make this write: %s. Nothing was asked or sent", conn, why),
		Next:         "tell the user; a person must grant " + scope + " to the store's API account and restart the server with the new token; do not retry " + tool + " until then",
	})
}
