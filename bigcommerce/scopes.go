package bigcommerce

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
)

// ScopeGroup is a group of bigc's tools whose data one OAuth scope covers,
// with the two requests ProbeScopes sends to learn what a token may do with
// it. BigCommerce's API accounts page lists the scopes: Products
// (store_v2_products) covers the catalog, brands and categories; Orders
// (store_v2_orders) orders and their shipments; Customers
// (store_v2_customers); Store Inventory (store_inventory). Each has a
// read-only form, store_v2_products_read_only and so on.
type ScopeGroup struct {
	// Name is the group, e.g. "products".
	Name string
	// Scope is the modify scope a write needs; the read-only scope is
	// Scope + "_read_only".
	Scope string
	// Paths are the API path prefixes the scope covers, to place a raw
	// request in its group.
	Paths []string

	readPath  string
	writeVerb string
	writePath string
	writeBody string
}

// ScopeGroups are the groups ProbeScopes checks, in the order it reports
// them. Categories share the Products scope but are listed on their own,
// because they are probed (and answered) on their own endpoint.
var ScopeGroups = []ScopeGroup{
	{Name: "products", Scope: "store_v2_products", Paths: []string{"/v3/catalog/", "/v3/pricelists"},
		readPath: "/v3/catalog/products", writeVerb: http.MethodPost, writePath: "/v3/catalog/products", writeBody: `{}`},
	{Name: "categories", Scope: "store_v2_products", Paths: []string{"/v3/catalog/trees", "/v3/catalog/categories"},
		readPath: "/v3/catalog/trees/categories", writeVerb: http.MethodPost, writePath: "/v3/catalog/trees/categories", writeBody: `[{}]`},
	{Name: "orders", Scope: "store_v2_orders", Paths: []string{"/v2/orders", "/v2/order_statuses", "/v3/orders"},
		readPath: "/v2/orders", writeVerb: http.MethodPost, writePath: "/v2/orders", writeBody: `{}`},
	{Name: "customers", Scope: "store_v2_customers", Paths: []string{"/v3/customers", "/v2/customers", "/v2/customer_groups"},
		readPath: "/v3/customers", writeVerb: http.MethodPost, writePath: "/v3/customers", writeBody: `[{}]`},
	{Name: "inventory", Scope: "store_inventory", Paths: []string{"/v3/inventory/"},
		readPath: "/v3/inventory/items", writeVerb: http.MethodPut, writePath: "/v3/inventory/adjustments/absolute", writeBody: `{}`},
}

// ScopeGroupOfPath names the group whose scope an API path (below the store,
// e.g. /v3/catalog/products/12) needs, the most specific match winning, or
// "" when the path is in none of ScopeGroups. Order transactions are left
// out: they need store_v2_transactions, not the Orders scope.
func ScopeGroupOfPath(path string) string {
	if strings.Contains(path, "/transactions") {
		return ""
	}
	best, bestLen := "", 0
	for _, g := range ScopeGroups {
		for _, p := range g.Paths {
			if (strings.HasPrefix(path, p) || path == strings.TrimSuffix(p, "/")) && len(p) > bestLen {
				best, bestLen = g.Name, len(p)
			}
		}
	}
	return best
}

// GroupAccess is what a token may do with one ScopeGroup.
type GroupAccess struct {
	Group string `json:"group"`
	Read  bool   `json:"read"`
	Write bool   `json:"write"`
	// MissingScope is the scope the store said the token lacks: the modify
	// scope when the store refused the write probe with 403. It is empty when
	// nothing was refused and when a probe failed for another reason (the
	// answer is then unknown, and Note says why).
	MissingScope string `json:"missing_scope,omitempty"`
	// Note says why a probe did not prove access.
	Note string `json:"note,omitempty"`
}

// WriteRefused reports whether the store refused the group's write for lack
// of scope: only then is a write known to fail before it is tried.
func (a GroupAccess) WriteRefused() bool { return !a.Write && a.MissingScope != "" }

// ProbeScopes learns, per ScopeGroup, whether client's token can read the
// group (GET with limit=1) and write it, without writing anything.
//
// The write probe sends the group's create (or absolute adjustment) with a
// body that lacks every required field ({} or [{}]), which no store can
// accept: a token with the scope gets 400 or 422 and nothing is written. A
// token without it gets 403, because the scope is checked on the method and
// the endpoint, before the body is read: BigCommerce's API accounts page says
// each read-only scope limits a token to GET and HEAD requests on the scope's
// endpoints (docs/start/authentication/api-accounts.mdx, "OAuth scopes"), a
// check that needs no body; the missing-scope 403 ("You don't have a required
// scope to access the endpoint") names no field, and the sandbox, which models
// it, checks the scope before any handler reads the body (sandbox/store.go,
// serveAPI). Any answer other than 403 proves the scope; a 2xx would too,
// though the bodies make one impossible. A 401 (the token does not work at
// all) fails the whole probe; a 5xx, 429 or network failure leaves the group's
// answer unknown, with a Note. 2 requests per group, 10 in all.
func ProbeScopes(ctx context.Context, client *Client) ([]GroupAccess, error) {
	out := make([]GroupAccess, 0, len(ScopeGroups))
	for _, g := range ScopeGroups {
		a := GroupAccess{Group: g.Name}
		_, err := client.Do(ctx, RawRequest{Method: http.MethodGet, Path: g.readPath, Query: url.Values{"limit": {"1"}}})
		switch {
		case err == nil:
			a.Read = true
		case errors.Is(err, ErrUnauthorized), ctx.Err() != nil:
			return nil, probeError(ctx, err)
		case errors.Is(err, ErrForbidden):
			a.Note = "the token lacks the read scope " + g.Scope + "_read_only"
		default:
			a.Note = "the read probe failed: " + strings.TrimPrefix(err.Error(), "bigcommerce: ")
		}
		_, err = client.Do(ctx, RawRequest{Method: g.writeVerb, Path: g.writePath, Body: json.RawMessage(g.writeBody)})
		switch {
		case err == nil, errors.Is(err, ErrValidation), errors.Is(err, ErrConflict):
			a.Write = true
		case errors.Is(err, ErrUnauthorized), ctx.Err() != nil:
			return nil, probeError(ctx, err)
		case errors.Is(err, ErrForbidden):
			a.MissingScope = g.Scope
			if a.Read {
				a.Note = "the token may read but not change " + g.Name + ": it lacks the scope " + g.Scope
			}
		default:
			a.Note = joinNote(a.Note, "the write probe failed: "+strings.TrimPrefix(err.Error(), "bigcommerce: "))
		}
		out = append(out, a)
	}
	return out, nil
}

func probeError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

func joinNote(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}
