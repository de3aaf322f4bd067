package mcpserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/sandbox"
	"github.com/bigc-dev/bigc/tools"
)

// Scripted agent scenarios. Each one starts from a prompt that names what a
// store owner would name (an email, a SKU, a category, a product), drives the
// tools the way an agent would, with every argument copied from the prompt or
// from an earlier answer (the agent helper checks that no id comes from
// anywhere else), and then checks the sandbox's final state through its own
// API or Go methods, never through the tools under test.

// fixture is a sandbox store with helpers that read it behind the tools'
// back. It counts the API writes the store receives, whoever sends them
// (this process or a bigc binary).
type fixture struct {
	t      testing.TB
	url    string
	hash   string
	tokens sandbox.Tokens
	store  *sandbox.Store

	mu        sync.Mutex
	apiWriteN int // non-GET requests to the store's API
}

func newFixture(t testing.TB, opts sandbox.Options) *fixture {
	t.Helper()
	if opts.Seed == 0 {
		opts.Seed = 3
	}
	if opts.Products == 0 {
		opts.Products, opts.Customers, opts.Orders = 30, 15, 60
	}
	store, err := sandbox.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, hash: store.StoreHash(), tokens: store.Tokens(), store: store}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && strings.HasPrefix(r.URL.Path, "/stores/") {
			f.mu.Lock()
			f.apiWriteN++
			f.mu.Unlock()
		}
		store.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		srv.Close()
		store.Close()
	})
	f.url = srv.URL
	return f
}

// api sends a request straight to the sandbox's API and decodes the answer.
func (f *fixture) api(method, path string, body, v any) {
	f.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	u := f.url + path
	if !strings.HasPrefix(path, "/_sandbox/") {
		u = f.url + "/stores/" + f.hash + path
	}
	req, err := http.NewRequest(method, u, rd)
	if err != nil {
		f.t.Fatal(err)
	}
	req.Header.Set("X-Auth-Token", f.tokens.Full)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		f.t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, raw)
	}
	if v != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, v); err != nil {
			f.t.Fatalf("%s %s: %v: %s", method, path, err, raw)
		}
	}
}

func (f *fixture) client() *bigcommerce.Client {
	f.t.Helper()
	c, err := bigcommerce.NewClient(f.hash, f.tokens.Full, bigcommerce.WithBaseURL(f.url))
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

// writes counts the API requests the store received that could change it.
func (f *fixture) writes() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.apiWriteN
}

// resetWrites starts the count of write requests again, after a connection
// add whose verification sent its scope probes: writes the store refuses
// (bigcommerce's TestProbeScopesAgainstTheSandbox shows they change nothing).
func (f *fixture) resetWrites() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.apiWriteN = 0
}

// scriptedUser answers elicitations like a person at the agent host's form.
type scriptedUser struct {
	action string
	// typed is what the user types, given the form's message.
	typed func(message string) string
	mu    sync.Mutex
	asked []string
}

func (u *scriptedUser) clientOptions() *mcp.ClientOptions {
	if u == nil {
		return nil
	}
	return &mcp.ClientOptions{ElicitationHandler: func(_ context.Context, req *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
		u.mu.Lock()
		defer u.mu.Unlock()
		u.asked = append(u.asked, req.Params.Message)
		res := &mcp.ElicitResult{Action: u.action}
		if u.action == "accept" {
			res.Content = map[string]any{"confirm": u.typed(req.Params.Message)}
		}
		return res, nil
	}}
}

func (u *scriptedUser) questions() []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return slices.Clone(u.asked)
}

// firstQuoted is what a person types when the form says `type "X"`.
func firstQuoted(message string) string {
	m := regexp.MustCompile(`type "([^"]+)"`).FindStringSubmatch(message)
	if m == nil {
		return ""
	}
	return m[1]
}

// agent is the scripted model: it calls tools, checks every answer, and
// remembers what it has seen so that it can prove where its ids came from.
type agent struct {
	t      testing.TB
	cs     *mcp.ClientSession
	defs   map[string]*mcp.Tool
	seen   strings.Builder
	secret string // the BigCommerce token, which no answer may contain
	calls  int
}

func newAgent(t testing.TB, cs *mcp.ClientSession, prompt, secret string) *agent {
	t.Helper()
	a := &agent{t: t, cs: cs, defs: map[string]*mcp.Tool{}, secret: secret}
	res, err := cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range res.Tools {
		a.defs[d.Name] = d
	}
	a.seen.WriteString(prompt)
	return a
}

// idArg reports whether an argument names a record, so its value must come
// from the prompt or an earlier answer.
func idArg(key string) bool {
	return key == "id" || strings.HasSuffix(key, "_id") || key == "customer" || key == "category" || key == "sku" || key == "path"
}

// callRaw calls a tool and checks the answer: valid against the output
// schema, within the size budget, no secret, and ids only from what the
// agent has seen.
func (a *agent) callRaw(name string, args map[string]any) *mcp.CallToolResult {
	a.t.Helper()
	for k, v := range args {
		if !idArg(k) {
			continue
		}
		s := fmt.Sprint(v)
		if k == "path" {
			for _, n := range regexp.MustCompile(`/(\d+)`).FindAllString(s, -1) {
				n = n[1:]
				if !strings.Contains(a.seen.String(), n) {
					a.t.Fatalf("%s: path %s holds %s, which neither the prompt nor an earlier answer gave", name, s, n)
				}
			}
		} else if !strings.Contains(a.seen.String(), s) {
			a.t.Fatalf("%s: argument %s=%s comes from neither the prompt nor an earlier answer", name, k, s)
		}
	}
	def, ok := a.defs[name]
	if !ok {
		a.t.Fatalf("tool %s is not served", name)
	}
	a.calls++
	res, err := a.cs.CallTool(context.Background(), &mcp.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		a.t.Fatalf("%s: protocol error: %v", name, err)
	}
	validateOutput(a.t, def, res)
	body := text(res)
	// The budget covers the whole result: structured content and text copy.
	if wire, _ := json.Marshal(res); len(wire) > DefaultMaxAnswerBytes {
		a.t.Errorf("%s: the tool result is %d bytes, over the %d budget", name, len(wire), DefaultMaxAnswerBytes)
	}
	if a.secret != "" && strings.Contains(body+fmt.Sprint(res.StructuredContent), a.secret) {
		a.t.Fatalf("%s: the answer holds the store's access token", name)
	}
	a.seen.WriteString("\n" + body)
	return res
}

// call is callRaw for a call that must succeed; it returns the structured answer.
func (a *agent) call(name string, args map[string]any) map[string]any {
	a.t.Helper()
	res := a.callRaw(name, args)
	if res.IsError {
		a.t.Fatalf("%s %v failed: %s", name, args, text(res))
	}
	return structured(a.t, res)
}

// get walks a decoded answer: get(m, "items", 0, "id").
func get(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

// num reads a JSON number as an int.
func num(t testing.TB, v any) int {
	t.Helper()
	f, ok := v.(float64)
	if !ok {
		t.Fatalf("%v (%T) is not a number", v, v)
	}
	return int(f)
}

// scenario is one prompt, the scripted agent's work, and the check of the
// store afterwards.
type scenario struct {
	name string
	// setup prepares the store and returns the prompt and the values in it.
	setup func(f *fixture) (prompt string, facts map[string]string)
	// user answers elicitations; nil is a client without elicitation.
	user func() *scriptedUser
	run  func(a *agent, facts map[string]string, u *scriptedUser)
	// check asserts the store's final state.
	check func(t testing.TB, f *fixture, facts map[string]string, u *scriptedUser)
	// allowRaw serves raw-api-request (--allow-raw); the others run without
	// it, as a cautious user would start the server.
	allowRaw bool
}

func scenarios() []scenario {
	return append(baseScenarios(), agentScenarios()...)
}

func baseScenarios() []scenario {
	accept := func(typed func(string) string) func() *scriptedUser {
		return func() *scriptedUser { return &scriptedUser{action: "accept", typed: typed} }
	}
	deleteProduct := func(name string, user func() *scriptedUser, wantDeleted bool, token bool) scenario {
		return scenario{
			name: name,
			setup: func(f *fixture) (string, map[string]string) {
				var ps struct {
					Data []struct {
						ID   int
						Name string
					}
				}
				f.api("GET", "/v3/catalog/products?limit=5&sort=id", nil, &ps)
				p := ps.Data[2]
				return fmt.Sprintf("Delete the product %q.", p.Name), map[string]string{"name": p.Name, "id": fmt.Sprint(p.ID)}
			},
			user: user,
			run: func(a *agent, facts map[string]string, u *scriptedUser) {
				found := a.call("list-products", map[string]any{"name": facts["name"], "fields": []string{"name", "sku"}})
				id := num(a.t, get(found, "items", 0, "id"))
				res := a.callRaw("delete-product", map[string]any{"id": id})
				if token {
					e := errorOf(a.t, res)
					tok, _ := e["confirmation_token"].(string)
					if e["category"] != "confirmation_required" || tok == "" || !strings.Contains(fmt.Sprint(e["message"]), facts["name"]) {
						a.t.Fatalf("unconfirmed delete answered %s, want a preview naming the product and a token", text(res))
					}
					// The agent shows the preview; the user says yes; the agent passes the token back unchanged.
					res = a.callRaw("delete-product", map[string]any{"id": id, "confirmation_token": tok})
				}
				if wantDeleted {
					if res.IsError || get(structured(a.t, res), "deleted") != true {
						a.t.Fatalf("confirmed delete answered %s", text(res))
					}
					return
				}
				e := errorOf(a.t, res)
				if e["category"] != "not_confirmed" || !strings.Contains(fmt.Sprint(e["message"]), "Nothing was changed") {
					a.t.Errorf("refused delete answered %s", text(res))
				}
			},
			check: func(t testing.TB, f *fixture, facts map[string]string, u *scriptedUser) {
				id := 0
				fmt.Sscan(facts["id"], &id)
				_, exists := f.store.Product(id)
				if exists == wantDeleted {
					t.Errorf("product %d exists = %v after the scenario", id, exists)
				}
				if u != nil {
					q := u.questions()
					if len(q) != 1 || !strings.Contains(q[0], facts["name"]) {
						t.Errorf("the user was asked %q, want one question naming %q", q, facts["name"])
					}
				}
				if !wantDeleted && f.writes() != 0 {
					t.Errorf("%d write requests reached the store after the user said no", f.writes())
				}
			},
		}
	}

	return []scenario{
		{
			name: "tag the latest order of a customer found by email",
			setup: func(f *fixture) (string, map[string]string) {
				var orders []struct {
					ID         int `json:"id"`
					CustomerID int `json:"customer_id"`
				}
				f.api("GET", "/v2/orders?limit=250", nil, &orders)
				count := map[int]int{}
				best := 0
				for _, o := range orders {
					if o.CustomerID != 0 {
						count[o.CustomerID]++
						if count[o.CustomerID] > count[best] {
							best = o.CustomerID
						}
					}
				}
				if count[best] < 2 {
					f.t.Fatalf("no customer with two orders in the seeded store")
				}
				var cs struct{ Data []struct{ Email string } }
				f.api("GET", fmt.Sprintf("/v3/customers?id:in=%d", best), nil, &cs)
				email := cs.Data[0].Email
				return fmt.Sprintf("Find the recent orders of the customer with email %s and tag the latest one with follow_up=call-back.", email),
					map[string]string{"email": email, "customer_id": fmt.Sprint(best)}
			},
			run: func(a *agent, facts map[string]string, _ *scriptedUser) {
				cust := a.call("list-customers", map[string]any{"email": facts["email"]})
				customerID := num(a.t, get(cust, "items", 0, "id"))
				orders := a.call("list-orders", map[string]any{"customer": customerID, "sort": "date_created:desc", "limit": 5,
					"fields": []string{"date_created", "status", "total_inc_tax"}})
				latest := num(a.t, get(orders, "items", 0, "id"))
				tag := a.call("tag-order", map[string]any{"id": latest, "key": "follow_up", "value": "call-back"})
				if get(tag, "action") != "created" {
					a.t.Errorf("tag-order answered %v", tag)
				}
			},
			check: func(t testing.TB, f *fixture, facts map[string]string, _ *scriptedUser) {
				var orders []struct {
					ID int `json:"id"`
				}
				f.api("GET", "/v2/orders?customer_id="+facts["customer_id"]+"&sort=date_created:desc", nil, &orders)
				for i, o := range orders {
					var tagged bool
					for _, m := range f.store.OrderMetafields(o.ID) {
						tagged = tagged || (m.Key == "follow_up" && m.Value == "call-back")
					}
					if tagged != (i == 0) {
						t.Errorf("order %d (position %d by date) tagged = %v; only the latest may be", o.ID, i, tagged)
					}
				}
			},
		},
		{
			name: "lower the price of a SKU by 10%",
			setup: func(f *fixture) (string, map[string]string) {
				var vs struct {
					Data []struct {
						SKU string `json:"sku"`
					}
				}
				f.api("GET", "/v3/catalog/variants?limit=50", nil, &vs)
				for _, v := range slices.Backward(vs.Data) {
					if v.SKU != "" {
						return fmt.Sprintf("Lower the price of SKU %s by 10%%.", v.SKU), map[string]string{"sku": v.SKU}
					}
				}
				f.t.Fatal("no variant with a SKU")
				return "", nil
			},
			run: func(a *agent, facts map[string]string, _ *scriptedUser) {
				found := a.call("find-variant", map[string]any{"sku": facts["sku"]})
				current := get(found, "variant", "price")
				if current == nil {
					// The variant inherits its product's price.
					p := a.call("get-product", map[string]any{"id": num(a.t, get(found, "product", "id"))})
					current = get(p, "product", "price")
				}
				price, ok := new(big.Rat).SetString(fmt.Sprint(current))
				if !ok {
					a.t.Fatalf("no price for SKU %s: %v", facts["sku"], current)
				}
				facts["old_price"] = price.FloatString(2)
				lower := new(big.Rat).Mul(price, big.NewRat(9, 10)).FloatString(2)
				facts["new_price"] = lower
				a.call("update-variant", map[string]any{
					"product_id": num(a.t, get(found, "product", "id")),
					"id":         num(a.t, get(found, "variant", "id")),
					"price":      lower,
				})
			},
			check: func(t testing.TB, f *fixture, facts map[string]string, _ *scriptedUser) {
				var vs struct {
					Data []struct {
						Price float64 `json:"price"`
					}
				}
				f.api("GET", "/v3/catalog/variants?sku="+url.QueryEscape(facts["sku"]), nil, &vs)
				if len(vs.Data) != 1 || fmt.Sprintf("%.2f", vs.Data[0].Price) != facts["new_price"] {
					t.Errorf("SKU %s price is %v after the change, want %s (was %s)", facts["sku"], vs.Data, facts["new_price"], facts["old_price"])
				}
			},
		},
		{
			name: "which products in a category are out of stock",
			setup: func(f *fixture) (string, map[string]string) {
				var ps struct {
					Data []struct {
						ID         int   `json:"id"`
						Categories []int `json:"categories"`
					}
				}
				f.api("GET", "/v3/catalog/products?limit=250", nil, &ps)
				byCat := map[int][]int{}
				for _, p := range ps.Data {
					for _, c := range p.Categories {
						byCat[c] = append(byCat[c], p.ID)
					}
				}
				var cats struct {
					Data []struct {
						ID   int    `json:"category_id"`
						Name string `json:"name"`
					}
				}
				f.api("GET", "/v3/catalog/trees/categories?limit=250", nil, &cats)
				names := map[string]int{}
				for _, c := range cats.Data {
					names[c.Name]++
				}
				for _, c := range cats.Data {
					ids := byCat[c.ID]
					if len(ids) < 3 || names[c.Name] != 1 {
						continue
					}
					// Two products run out; one is well stocked.
					for i, id := range ids[:3] {
						level := 0
						if i == 2 {
							level = 7
						}
						f.api("PUT", fmt.Sprintf("/_sandbox/products/%d", id), map[string]any{"inventory_tracking": "product", "inventory_level": level}, nil)
					}
					return fmt.Sprintf("Which products in the category %q are out of stock?", c.Name),
						map[string]string{"category": c.Name, "category_id": fmt.Sprint(c.ID)}
				}
				f.t.Fatal("no category with three products and a unique name")
				return "", nil
			},
			run: func(a *agent, facts map[string]string, _ *scriptedUser) {
				cats := a.call("list-categories", map[string]any{"flat": true, "limit": 250, "fields": []string{"name", "path"}})
				id := 0
				for _, c := range get(cats, "items").([]any) {
					if get(c, "name") == facts["category"] {
						id = num(a.t, get(c, "id"))
					}
				}
				if id == 0 {
					a.t.Fatalf("list-categories does not list %q", facts["category"])
				}
				out := a.call("list-products", map[string]any{"category": id, "out_of_stock": true, "limit": 50,
					"fields": []string{"name", "sku", "inventory_level"}})
				var got []string
				for _, p := range get(out, "items").([]any) {
					got = append(got, fmt.Sprint(get(p, "id")))
				}
				slices.Sort(got)
				facts["answer"] = strings.Join(got, ",")
			},
			check: func(t testing.TB, f *fixture, facts map[string]string, _ *scriptedUser) {
				var ps struct {
					Data []struct{ ID int }
				}
				f.api("GET", "/v3/catalog/products?limit=250&categories:in="+facts["category_id"], nil, &ps)
				var want []string
				for _, p := range ps.Data {
					snap, _ := f.store.Product(p.ID)
					if snap.InventoryTracking != "none" && snap.InventoryLevel == 0 {
						want = append(want, fmt.Sprint(p.ID))
					}
				}
				slices.Sort(want)
				if got := facts["answer"]; got != strings.Join(want, ",") || len(want) < 2 {
					t.Errorf("out of stock in %q: the agent found [%s], the store has [%s]", facts["category"], got, strings.Join(want, ","))
				}
			},
		},
		createCustomerAndNote("create a customer and an order note", false),
		createCustomerAndNote("create a customer and an order note through raw-api-request", true),
		deleteProduct("delete a product, the user accepts", accept(func(m string) string {
			// The user types the product's name, as the prompt gave it.
			return regexp.MustCompile(`or "([^"]+)"`).FindStringSubmatch(m)[1]
		}), true, false),
		deleteProduct("delete a product, the user declines", func() *scriptedUser { return &scriptedUser{action: "decline"} }, false, false),
		deleteProduct("delete a product, the user cancels", func() *scriptedUser { return &scriptedUser{action: "cancel"} }, false, false),
		deleteProduct("delete a product, the user mistypes", accept(func(string) string { return "yes" }), false, false),
		deleteProduct("delete a product with a confirmation token", nil, true, true),
		{
			name: "read a customer's saved addresses",
			setup: func(f *fixture) (string, map[string]string) {
				var cs struct {
					Data []struct {
						ID    int    `json:"id"`
						Email string `json:"email"`
					}
				}
				f.api("GET", "/v3/customers?limit=5&include=addresses", nil, &cs)
				c := cs.Data[1]
				return fmt.Sprintf("What addresses has %s saved?", c.Email), map[string]string{"email": c.Email, "id": fmt.Sprint(c.ID)}
			},
			run: func(a *agent, facts map[string]string, _ *scriptedUser) {
				found := a.call("list-customers", map[string]any{"email": facts["email"], "fields": []string{"email"}})
				id := num(a.t, get(found, "items", 0, "id"))
				c := a.call("get-customer", map[string]any{"id": id})
				facts["answer_id"] = fmt.Sprint(get(c, "customer", "id"))
			},
			check: func(t testing.TB, f *fixture, facts map[string]string, _ *scriptedUser) {
				if facts["answer_id"] != facts["id"] || f.writes() != 0 {
					t.Errorf("read customer %s (want %s) with %d writes", facts["answer_id"], facts["id"], f.writes())
				}
			},
		},
	}
}

// createCustomerAndNote is the scenario "create a customer and an order
// note": the note goes through update-order, or, with raw, through a
// raw-api-request PUT that the user must confirm.
func createCustomerAndNote(name string, raw bool) scenario {
	sc := scenario{
		name:     name,
		allowRaw: raw,
		setup: func(f *fixture) (string, map[string]string) {
			return "Create the customer Ada Lovelace (ada@example.com), then add the staff note " +
					`"Ada will collect in person" to the store's most recent order.`,
				map[string]string{"email": "ada@example.com", "note": "Ada will collect in person"}
		},
		run: func(a *agent, facts map[string]string, _ *scriptedUser) {
			c := a.call("create-customer", map[string]any{"email": facts["email"], "first_name": "Ada", "last_name": "Lovelace"})
			facts["customer_id"] = fmt.Sprint(get(c, "customer", "id"))
			latest := a.call("list-orders", map[string]any{"sort": "date_created:desc", "limit": 1, "fields": []string{"date_created"}})
			id := num(a.t, get(latest, "items", 0, "id"))
			facts["order_id"] = fmt.Sprint(id)
			if raw {
				res := a.call("raw-api-request", map[string]any{"method": "PUT", "path": fmt.Sprintf("/v2/orders/%d", id),
					"body": map[string]any{"staff_notes": facts["note"]}})
				if num(a.t, get(res, "status")) != 200 {
					a.t.Errorf("raw PUT answered %v", res)
				}
				return
			}
			res := a.call("update-order", map[string]any{"id": id, "staff_notes": facts["note"]})
			if get(res, "staff_notes") != facts["note"] || fmt.Sprint(get(res, "order", "id")) != facts["order_id"] {
				a.t.Errorf("update-order answered %v", res)
			}
		},
		check: func(t testing.TB, f *fixture, facts map[string]string, u *scriptedUser) {
			var cs struct {
				Data []struct {
					ID        int    `json:"id"`
					FirstName string `json:"first_name"`
				}
			}
			f.api("GET", "/v3/customers?email:in="+url.QueryEscape(facts["email"]), nil, &cs)
			if len(cs.Data) != 1 || fmt.Sprint(cs.Data[0].ID) != facts["customer_id"] || cs.Data[0].FirstName != "Ada" {
				t.Errorf("customers with %s: %+v", facts["email"], cs.Data)
			}
			id := 0
			fmt.Sscan(facts["order_id"], &id)
			o, _ := f.store.Order(id)
			if o.StaffNotes != facts["note"] {
				t.Errorf("order %d staff notes %q, want %q", id, o.StaffNotes, facts["note"])
			}
			if raw {
				if q := u.questions(); len(q) != 1 || !strings.Contains(q[0], "PUT /v2/orders/"+facts["order_id"]) {
					t.Errorf("the user was asked %q, want one confirmation of the raw PUT", q)
				}
			}
		},
	}
	if raw {
		sc.user = func() *scriptedUser { return &scriptedUser{action: "accept", typed: firstQuoted} }
	}
	return sc
}

// TestScenariosInMemory runs every scenario through the in-memory transport,
// on the newest protocol and on the 2025 one (where elicitation is a
// server-to-client request rather than an input-required result).
func TestScenariosInMemory(t *testing.T) {
	t.Parallel()
	for _, version := range []string{"", "2025-06-18"} {
		for _, sc := range scenarios() {
			t.Run(sc.name+" "+version, func(t *testing.T) {
				t.Parallel()
				f := newFixture(t, sandbox.Options{})
				prompt, facts := sc.setup(f)
				var u *scriptedUser
				if sc.user != nil {
					u = sc.user()
				}
				s, err := New(tools.NewRegistry(), Options{
					Connections: []Connection{{Name: "sandbox", Client: f.client()}},
					AllowRaw:    sc.allowRaw,
				})
				if err != nil {
					t.Fatal(err)
				}
				cs := connect(t, s, u.clientOptions(), &mcp.ClientSessionOptions{ProtocolVersion: version})
				sc.run(newAgent(t, cs, prompt, f.tokens.Full), facts, u)
				sc.check(t, f, facts, u)
			})
		}
	}
}

// watchedTransport reports when a request starts and how it ended.
type watchedTransport struct {
	started chan struct{}
	ended   chan error
}

func (w *watchedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	w.started <- struct{}{}
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err == nil {
		// The latency is spent before the headers; a body read ends here too.
		_, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		resp.Body = io.NopCloser(strings.NewReader(""))
	}
	w.ended <- err
	return resp, err
}

// TestCancelStopsStoreRequests cancels a call while its request to a slow
// store is in flight: the request must end with the call's cancellation
// rather than run to its end.
func TestCancelStopsStoreRequests(t *testing.T) {
	t.Parallel()
	f := newFixture(t, sandbox.Options{Latency: time.Minute})
	w := &watchedTransport{started: make(chan struct{}, 10), ended: make(chan error, 10)}
	c, err := bigcommerce.NewClient(f.hash, f.tokens.Full, bigcommerce.WithBaseURL(f.url),
		bigcommerce.WithHTTPClient(&http.Client{Transport: w}))
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(tools.NewRegistry(), Options{Connections: []Connection{{Name: "sandbox", Client: c}}})
	if err != nil {
		t.Fatal(err)
	}
	cs := connect(t, s, nil, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "list-orders", Arguments: map[string]any{}})
		done <- err
	}()
	<-w.started
	cancel()
	if err := <-w.ended; !errors.Is(err, context.Canceled) {
		t.Errorf("the store request ended with %v, want context.Canceled", err)
	}
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("the cancelled call returned %v", err)
	}
	select {
	case <-w.started:
		t.Error("a request was sent after the call was cancelled")
	default:
	}
}

// TestDefaultAnswersFitBudget calls every read tool with its defaults on a
// store of the sandbox's default size: lists answer 20 items, and no answer
// needs cutting to stay under the budget. Shopper text planted with hidden
// characters comes back clean.
func TestDefaultAnswersFitBudget(t *testing.T) {
	t.Parallel()
	f := newFixture(t, sandbox.Options{Seed: 5, Products: 50, Customers: 40, Orders: 300})
	hidden := "Leave at the door\u200b\u202e please\u2066 \ufeffthanks\x07"
	var order struct {
		ID int `json:"id"`
	}
	f.api("POST", "/_sandbox/orders", nil, &order)
	f.api("PUT", fmt.Sprintf("/_sandbox/orders/%d", order.ID), map[string]any{"customer_message": hidden, "staff_notes": hidden}, nil)

	s, err := New(tools.NewRegistry(), Options{Connections: []Connection{{Name: "sandbox", Client: f.client()}}})
	if err != nil {
		t.Fatal(err)
	}
	cs := connect(t, s, nil, nil)
	a := newAgent(t, cs, fmt.Sprintf("Look around the store; start with order %d.", order.ID), f.tokens.Full)
	for _, list := range []string{"list-orders", "list-products", "list-customers"} {
		out := a.call(list, map[string]any{})
		if n := len(get(out, "items").([]any)); n != 20 {
			t.Errorf("%s answered %d items by default, want 20", list, n)
		}
		if out["note"] != nil {
			t.Errorf("%s: a default answer was cut: %v", list, out["note"])
		}
	}
	products := a.call("list-products", map[string]any{"fields": []string{"name"}})
	customers := a.call("list-customers", map[string]any{"fields": []string{"email"}})
	for name, args := range map[string]map[string]any{
		"list-categories": {},
		"get-order":       {"id": order.ID},
		"get-product":     {"id": num(t, get(products, "items", 0, "id"))},
		"get-customer":    {"id": num(t, get(customers, "items", 0, "id"))},
	} {
		out := a.call(name, args)
		if out["note"] != nil {
			t.Errorf("%s: a default answer was cut: %v", name, out["note"])
		}
		if name == "get-order" {
			for _, field := range []string{"customer_message", "staff_notes"} {
				if got := get(out, "order", field); got != "Leave at the door please thanks" {
					t.Errorf("get-order %s = %q, want the text without hidden characters", field, got)
				}
			}
		}
	}
}

// TestFullPagesFitBudget asks for the largest pages the tools allow: the
// whole tool result, structured content and its text copy together, stays
// under the answer budget, the text copy is the complete structured content,
// and the note says what was left out.
func TestFullPagesFitBudget(t *testing.T) {
	t.Parallel()
	f := newFixture(t, sandbox.Options{Seed: 7, Products: 250, Customers: 5, Orders: 250})
	s, err := New(tools.NewRegistry(), Options{Connections: []Connection{{Name: "sandbox", Client: f.client()}}})
	if err != nil {
		t.Fatal(err)
	}
	cs := connect(t, s, nil, nil)
	for _, name := range []string{"list-orders", "list-products"} {
		res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: name, Arguments: map[string]any{"limit": 250}})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		wire, err := json.Marshal(res)
		if err != nil {
			t.Fatal(err)
		}
		if len(wire) > DefaultMaxAnswerBytes {
			t.Errorf("%s limit=250: the tool result is %d bytes, over the %d budget", name, len(wire), DefaultMaxAnswerBytes)
		}
		out := structured(t, res)
		var fromText map[string]any
		if err := json.Unmarshal([]byte(text(res)), &fromText); err != nil {
			t.Fatalf("%s: the text copy is not JSON: %v", name, err)
		}
		if !reflect.DeepEqual(fromText, out) {
			t.Errorf("%s: the text copy differs from the structured content", name)
		}
		items := get(out, "items").([]any)
		note, _ := out["note"].(string)
		if len(items) < 20 || len(items) >= 250 || !strings.Contains(note, fmt.Sprintf("first %d of the 250", len(items))) {
			t.Errorf("%s: kept %d of 250 items with note %q; want a cut page that says so", name, len(items), note)
		}
		t.Logf("%s limit=250: %d items, %d bytes", name, len(items), len(wire))
	}
}

// TestRealToolsConfirmationRules checks, with the real tools, who must
// confirm: a raw GET reads freely, a raw write and any write on a production
// connection ask the user, a read on production does not.
func TestRealToolsConfirmationRules(t *testing.T) {
	t.Parallel()
	f := newFixture(t, sandbox.Options{})
	s, err := New(tools.NewRegistry(), Options{
		Connections: []Connection{{Name: "live", Client: f.client(), Production: true}},
		AllowRaw:    true,
	})
	if err != nil {
		t.Fatal(err)
	}
	u := &scriptedUser{action: "accept", typed: firstQuoted}
	cs := connect(t, s, u.clientOptions(), nil)
	a := newAgent(t, cs, "Hide the first product on the live store.", f.tokens.Full)

	list := a.call("raw-api-request", map[string]any{"method": "GET", "path": "/v3/catalog/products", "query": map[string]any{"limit": "1"}})
	if len(u.questions()) != 0 {
		t.Errorf("a raw GET asked the user: %q", u.questions())
	}
	id := num(t, get(list, "body", "data", 0, "id"))
	a.call("get-product", map[string]any{"id": id})
	if len(u.questions()) != 0 {
		t.Errorf("a read on production asked the user: %q", u.questions())
	}
	a.call("update-product", map[string]any{"id": id, "is_visible": false})
	if q := u.questions(); len(q) != 1 || !strings.Contains(q[0], fmt.Sprint(id)) {
		t.Errorf("a write on production asked %q, want one question naming product %d", q, id)
	}
	var p struct {
		Data struct {
			IsVisible bool `json:"is_visible"`
		}
	}
	f.api("GET", fmt.Sprintf("/v3/catalog/products/%d", id), nil, &p)
	if p.Data.IsVisible {
		t.Errorf("product %d is still visible after the confirmed update", id)
	}
}

// TestRealErrorsAreActionable provokes real store failures through the real
// tools: each is an isError result naming its category and what to do.
func TestRealErrorsAreActionable(t *testing.T) {
	t.Parallel()
	f := newFixture(t, sandbox.Options{})
	readOnly, err := bigcommerce.NewClient(f.hash, f.tokens.ReadOnly, bigcommerce.WithBaseURL(f.url), bigcommerce.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(tools.NewRegistry(), Options{Connections: []Connection{{Name: "sandbox", Client: readOnly}}})
	if err != nil {
		t.Fatal(err)
	}
	a := newAgent(t, connect(t, s, nil, nil), "Add the customer Grace Hopper, grace@example.com; then show order 999999.", f.tokens.ReadOnly)

	check := func(res *mcp.CallToolResult, category string, inText ...string) map[string]any {
		t.Helper()
		e := errorOf(t, res)
		if e["category"] != category {
			t.Errorf("category %v, want %s: %s", e["category"], category, text(res))
		}
		for _, w := range inText {
			if !strings.Contains(text(res), w) {
				t.Errorf("error text %q lacks %q", text(res), w)
			}
		}
		return e
	}
	e := check(a.callRaw("create-customer", map[string]any{"email": "grace@example.com", "first_name": "Grace", "last_name": "Hopper"}),
		"missing_scope", "lacks the scope", "Next:")
	if e["missing_scope"] == nil {
		t.Errorf("missing_scope error without the scope: %v", e)
	}
	check(a.callRaw("get-order", map[string]any{"id": 999999}), "not_found", "list-orders")
	check(a.callRaw("list-orders", map[string]any{"limit": 0, "status": "Teleported"}), "bad_input", "Argument at fault")
	// Platform load: 429s without rate-limit headers, and a client told not to retry.
	f.store.SetFaults(sandbox.Faults{RateLimitNoHeader: 1})
	check(a.callRaw("list-products", map[string]any{"limit": 1}), "rate_limited", "Next: ")
}

// TestRealToolReportsProgress calls get-order, which reads the order and its
// five sub-resources, with a progress token: the adapter passes each step the
// tool reports to the client as a progress notification, ending at 6 of 6.
func TestRealToolReportsProgress(t *testing.T) {
	t.Parallel()
	f := newFixture(t, sandbox.Options{Products: 5, Customers: 5, Orders: 5})
	s, err := New(tools.NewRegistry(), Options{Connections: []Connection{{Name: "sandbox", Client: f.client()}}})
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan *mcp.ProgressNotificationParams, 32)
	cs := connect(t, s, &mcp.ClientOptions{ProgressNotificationHandler: func(_ context.Context, req *mcp.ProgressNotificationClientRequest) {
		got <- req.Params
	}}, nil)
	// No progress token, no notification: list-orders is asked for none.
	id := num(t, get(structured(t, call(t, cs, "list-orders", map[string]any{"limit": 1})), "items", 0, "id"))

	params := &mcp.CallToolParams{Name: "get-order", Arguments: map[string]any{"id": id}}
	params.SetProgressToken("order-progress")
	res, err := cs.CallTool(context.Background(), params)
	if err != nil || res.IsError {
		t.Fatalf("get-order: %v %s", err, text(res))
	}
	const steps = 6
	seen := map[float64]bool{}
	for len(seen) < steps {
		select {
		case p := <-got:
			if p.ProgressToken != "order-progress" {
				t.Fatalf("notification for token %v, want order-progress", p.ProgressToken)
			}
			if p.Total != steps || p.Progress < 1 || p.Progress > steps || seen[p.Progress] {
				t.Fatalf("notification %+v after %v; want progress 1 to %d, each once, of total %d", p, seen, steps, steps)
			}
			seen[p.Progress] = true
		case <-time.After(30 * time.Second):
			// A guard against a hang, not a timing assertion.
			t.Fatalf("got progress %v, never all %d steps", seen, steps)
		}
	}
}
