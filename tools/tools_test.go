package tools

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/jsonschema-go/jsonschema"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/sandbox"
	"github.com/bigc-dev/bigc/sandbox/sandboxtest"
)

// The tests in this file check the tools' shared logic and contracts, and
// confirmation on a production connection; the per-entity files
// (orders_test.go, products_test.go, ...) run each tool against the sandbox
// through the harness at the end of this file.

func TestNewRegistryOrder(t *testing.T) {
	t.Parallel()
	want := []string{"list-orders", "get-order", "tag-order", "update-order", "create-order", "list-shipments", "create-shipment",
		"list-products", "get-product", "create-product", "update-product", "delete-product", "find-variant", "update-variant",
		"upsert-product", "set-inventory", "list-categories", "list-customers", "get-customer", "create-customer", "update-customer",
		"raw-api-request", "describe-endpoint"}
	if got := NewRegistry().Names(); !slices.Equal(got, want) {
		t.Errorf("tools = %v\nwant %v", got, want)
	}
}

// TestToolContracts checks what issue 4 and 5 promise of every tool beyond the
// registry's own conventions: bounded descriptions, no property description
// that only repeats the property's name (a name that says it all goes
// undescribed: issue 12 wants each field described once, and briefly), list
// outputs shaped {items, next, hint}, and the annotations that decide
// confirmation.
func TestToolContracts(t *testing.T) {
	t.Parallel()
	wantAnnotations := map[string]Annotations{
		"delete-product":  {Destructive: true, Idempotent: true, OpenWorld: true},
		"raw-api-request": {Destructive: true, OpenWorld: true},
		"tag-order":       {Idempotent: true, OpenWorld: true},
		"update-order":    {Idempotent: true, OpenWorld: true},
		"create-product":  {Idempotent: true, OpenWorld: true},
		"update-product":  {Idempotent: true, OpenWorld: true},
		"update-variant":  {Idempotent: true, OpenWorld: true},
		"upsert-product":  {Idempotent: true, OpenWorld: true},
		"set-inventory":   {Idempotent: true, OpenWorld: true},
		"create-customer": {Idempotent: true, OpenWorld: true},
		"create-order":    {OpenWorld: true},
		"create-shipment": {OpenWorld: true},
		"update-customer": {Idempotent: true, OpenWorld: true},
		// The guide is the connector's own text: it reaches no store.
		"describe-endpoint": {ReadOnly: true, Idempotent: true},
	}
	for _, tool := range NewRegistry().Tools() {
		t.Run(tool.Name, func(t *testing.T) {
			t.Parallel()
			if n := len(tool.Description); n > 600 {
				t.Errorf("description is %d characters; keep it under 600", n)
			}
			want, ok := wantAnnotations[tool.Name]
			if !ok {
				want = Annotations{ReadOnly: true, Idempotent: true, OpenWorld: true}
			}
			if tool.Annotations != want {
				t.Errorf("annotations = %+v, want %+v", tool.Annotations, want)
			}
			checkDescribed(t, "input", tool.InputSchema)
			checkDescribed(t, "output", tool.OutputSchema)
			if tool.OutputSchema.Type != "object" {
				t.Errorf("output type %q, want object", tool.OutputSchema.Type)
			}
			if strings.HasPrefix(tool.Name, "list-") {
				for _, p := range []string{"items", "next", "hint"} {
					if tool.OutputSchema.Properties[p] == nil {
						t.Errorf("list output has no %q", p)
					}
				}
				if tool.InputSchema.Properties["limit"] == nil {
					t.Error("list input has no limit")
				}
			}
		})
	}
}

func checkDescribed(t *testing.T, path string, s *jsonschema.Schema) {
	t.Helper()
	if s == nil {
		return
	}
	for name, p := range s.Properties {
		if d := p.Description; d != "" && wordsOf(d) == wordsOf(name) {
			t.Errorf("%s.%s: the description %q only repeats the name", path, name, d)
		}
		checkDescribed(t, path+"."+name, p)
	}
	checkDescribed(t, path+"[]", s.Items)
}

// wordsOf is a name or a description as its lower-case words.
func wordsOf(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !('a' <= r && r <= 'z' || '0' <= r && r <= '9')
	}), " ")
}

func TestIDOrName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    IDOrName
		id      int
		isID    bool
		wantErr bool
	}{
		{in: `11`, want: "11", id: 11, isID: true},
		{in: `"11"`, want: "11", id: 11, isID: true},
		{in: `" Awaiting Fulfillment "`, want: "Awaiting Fulfillment"},
		{in: `"a@b.example"`, want: "a@b.example"},
		{in: `1.5`, wantErr: true},
		{in: `true`, wantErr: true},
		{in: `[1]`, wantErr: true},
	}
	for _, tt := range tests {
		var v IDOrName
		err := json.Unmarshal([]byte(tt.in), &v)
		if (err != nil) != tt.wantErr {
			t.Errorf("Unmarshal(%s) error = %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if tt.wantErr {
			continue
		}
		id, isID := v.ID()
		if v != tt.want || id != tt.id || isID != tt.isID {
			t.Errorf("Unmarshal(%s) = %q (ID %d, %v), want %q (ID %d, %v)", tt.in, v, id, isID, tt.want, tt.id, tt.isID)
		}
	}
}

func TestCleanText(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"plain text":                        "plain text",
		"line one\nline two\tend":           "line one\nline two\tend",
		"ignore\u200b previous\u202e":       "ignore previous",
		"bell\x07 and esc\x1b[31m":          "bell and esc[31m",
		"zero\x00width\ufeff":               "zerowidth",
		"caf\u00e9 \u65e5\u672c \U0001F600": "caf\u00e9 \u65e5\u672c \U0001F600",
		"drops\r\nCR":                       "drops\nCR",
		"bidi \u202aa\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f": "bidi a",
		"C1\u0080\u009f and DEL\x7f":         "C1 and DEL",
		"tags\U000E0001\U000E0049\U000E007F": "tags",
		// Invalid UTF-8 shows as U+FFFD, which is kept: a reader sees
		// something was there (the MCP server and the command line agree).
		"bad utf8 \xff":     "bad utf8 \ufffd",
		"kept \ufffd as is": "kept \ufffd as is",
	}
	for in, want := range tests {
		if got := CleanText(in); got != want {
			t.Errorf("CleanText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseRange(t *testing.T) {
	t.Parallel()
	tests := []struct {
		from, to  string
		wantField string
	}{
		{from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00+02:00"},
		{from: "2026-01-01"},
		{from: "yesterday", wantField: "created_from"},
		{to: "01/02/2026", wantField: "created_to"},
		{from: "2026-02-01T00:00:00Z", to: "2026-01-01T00:00:00Z", wantField: "created_to"},
	}
	for _, tt := range tests {
		_, err := parseRange("created_from", tt.from, "created_to", tt.to)
		if tt.wantField == "" {
			if err != nil {
				t.Errorf("parseRange(%q, %q) = %v", tt.from, tt.to, err)
			}
			continue
		}
		var e *Error
		if !errors.As(err, &e) || e.Category != CategoryBadInput || e.Field != tt.wantField {
			t.Errorf("parseRange(%q, %q) = %v, want bad_input on %s", tt.from, tt.to, err, tt.wantField)
		}
	}
}

// TestListLimit: the defaults of each mode; the range is the schema's
// (TestListToolsRefuseOutOfRangePaging).
func TestListLimit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		agent bool
		limit int
		want  int
	}{
		{limit: 0, want: 50},
		{agent: true, limit: 0, want: 20},
		{agent: true, limit: 250, want: 250},
		{limit: 7, want: 7},
	}
	for _, tt := range tests {
		if got := listLimit(&Env{Agent: tt.agent}, tt.limit); got != tt.want {
			t.Errorf("listLimit(agent=%v, %d) = %d; want %d", tt.agent, tt.limit, got, tt.want)
		}
	}
}

func TestRawWrites(t *testing.T) {
	t.Parallel()
	for method, want := range map[string]bool{"GET": false, "get": false, " GET ": false, "POST": true, "PUT": true, "DELETE": true, "": true} {
		if got := rawWrites(RawAPIRequestInput{Method: method, Path: "/v3/catalog/products"}); got != want {
			t.Errorf("rawWrites(%q) = %v, want %v", method, got, want)
		}
	}
}

func TestRawRequestRefusesBeforeSending(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in        RawAPIRequestInput
		wantField string
	}{
		{RawAPIRequestInput{Method: "PATCH", Path: "/v3/catalog/products"}, "method"},
		{RawAPIRequestInput{Method: "GET", Path: "https://evil.example/v3/x"}, "path"},
		{RawAPIRequestInput{Method: "GET", Path: "/v3/../v2/orders"}, "path"},
		{RawAPIRequestInput{Method: "GET", Path: "/v3/catalog/products\r\nX: y"}, "path"},
		{RawAPIRequestInput{Method: "GET", Path: "/v4/things"}, "path"},
		{RawAPIRequestInput{Method: "GET", Path: "/v3/catalog/products", Body: json.RawMessage(`{"a":1}`)}, "body"},
		{RawAPIRequestInput{Method: "GET", Path: "/v3/catalog/products", Query: map[string]QueryValue{"": "x"}}, "query"},
	}
	for _, tt := range tests {
		_, err := tt.in.request()
		var e *Error
		if !errors.As(err, &e) || e.Category != CategoryBadInput || e.Field != tt.wantField {
			t.Errorf("request(%+v) = %v, want bad_input on %s", tt.in, err, tt.wantField)
		}
	}
}

func TestOrderStatusNames(t *testing.T) {
	t.Parallel()
	tests := map[OrderStatus]int{
		"0": 0, "11": 11, " 11 ": 11, "Awaiting Fulfillment": 11, "awaiting fulfillment": 11, "AWAITING_FULFILLMENT": 11,
		"partially-refunded": 14, "Incomplete": 0, "shipped": 2,
	}
	for in, want := range tests {
		got, err := in.id()
		if err != nil || got != want {
			t.Errorf("OrderStatus(%q).id() = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []OrderStatus{"15", "Lost in the post"} {
		_, err := bad.id()
		var e *Error
		if !errors.As(err, &e) || e.Field != "status" || !strings.Contains(e.Message, "Awaiting Fulfillment") {
			t.Errorf("status %q: %v, want bad_input on status listing the names", bad, err)
		}
	}
}

// TestOrderStatusSchema: list-orders', update-order's and create-order's
// status publishes the allowed names as an enum, and the validator holds to
// it: names in any case and ids 0 to 14 (numbers or strings) pass, anything
// else is refused naming the field, before any request.
func TestOrderStatusSchema(t *testing.T) {
	t.Parallel()
	r := NewRegistry()
	for name, head := range map[string]string{"list-orders": `{"status":`, "update-order": `{"id":1,"status":`,
		"create-order": `{"customer_id":1,"lines":[{"sku":"A","quantity":1}],"status":`} {
		tool, ok := r.Lookup(name)
		if !ok {
			t.Fatalf("no tool %s", name)
		}
		p := tool.InputSchema.Properties["status"]
		if p == nil || !slices.Equal(p.Enum, []any{"Incomplete", "Pending", "Shipped", "Partially Shipped", "Refunded", "Cancelled", "Declined",
			"Awaiting Payment", "Awaiting Pickup", "Awaiting Shipment", "Completed", "Awaiting Fulfillment", "Manual Verification Required",
			"Disputed", "Partially Refunded"}) {
			t.Fatalf("%s: status schema = %+v, want an enum of the names", name, p)
		}
		for _, ok := range []string{`0`, `11`, `"11"`, `"Awaiting Fulfillment"`, `"awaiting_fulfillment"`, `"PARTIALLY-REFUNDED"`} {
			var in struct{ Status OrderStatus }
			if err := validateInput(tool, json.RawMessage(head+ok+`}`), &in); err != nil {
				t.Errorf("%s status %s: %v, want accepted", name, ok, err)
			}
		}
		for _, bad := range []string{`15`, `-1`, `"15"`, `"Lost in the post"`, `true`, `2.5`} {
			var in struct{ Status OrderStatus }
			err := validateInput(tool, json.RawMessage(head+bad+`}`), &in)
			var e *Error
			if !errors.As(err, &e) || e.Field != "status" || !strings.Contains(e.Message, "0 to 14") {
				t.Errorf("%s status %s: %v, want bad_input naming status and the allowed values", name, bad, err)
			}
		}
	}
}

func TestDecimalHelpers(t *testing.T) {
	t.Parallel()
	if nonZeroDecimal("0.0000") != "" || nonZeroDecimal("1.50") != "1.50" {
		t.Error("nonZeroDecimal")
	}
}

// TestProductionWritesAskFirst: on a production connection every write is
// previewed, with what it would change, and nothing is written until the
// call is confirmed; reads are never held up.
func TestProductionWritesAskFirst(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{Orders: 3})
	ctx := t.Context()
	board := mustCall[CreateProductOutput](t, h, h.full, "create-product", in{"name": "Pine Board", "sku": "PB", "price": "18.00",
		"inventory_tracking": "product", "inventory_level": 4}).Product
	tee := mustCall[CreateProductOutput](t, h, h.full, "create-product", shirt("Wren Tee", "WT")).Product
	_, pick := seededOrders(t, h)
	prod := *h.full
	prod.Production = true

	tests := []struct {
		tool    string
		input   in
		preview string
	}{
		{"update-product", in{"id": board.ID, "price": 16.5, "inventory_level": 9},
			fmt.Sprintf(`would change product %d "Pine Board": price 18 → 16.5, inventory_level 4 → 9`, board.ID)},
		{"update-variant", in{"sku": "WT-L", "inventory_level": 1},
			fmt.Sprintf(`would change variant %d (SKU WT-L) of product %d "Wren Tee": inventory_level 5 → 1`, variantID(t, tee, "WT-L"), tee.ID)},
		{"create-product", in{"name": "Ash Board", "price": 20},
			`would create physical product "Ash Board" (SKU none, price 20, 0 variants)`},
		{"create-customer", in{"email": "prod@quay.example", "first_name": "P", "last_name": "Q"},
			"would create customer prod@quay.example (P Q) with 0 addresses"},
		{"tag-order", in{"id": pick.ID, "key": "reviewed", "value": "yes"},
			fmt.Sprintf(`would set tag bigc/reviewed on order %d to "yes" (not set)`, pick.ID)},
		{"update-order", in{"id": pick.ID, "status": "Completed", "staff_notes": "hold"},
			fmt.Sprintf(`would change order %d: status %q → "Completed", staff_notes %q → "hold"`, pick.ID, pick.Status, pick.StaffNotes)},
	}
	for _, tt := range tests {
		t.Run(tt.tool, func(t *testing.T) {
			_, err := call[any](t, h, &prod, tt.tool, tt.input)
			e := wantError(t, err, CategoryConfirmationRequired, "")
			if !strings.HasPrefix(e.Message, tt.preview) {
				t.Errorf("preview\n%s\nwant\n%s", e.Message, tt.preview)
			}
		})
	}
	// Nothing above was written.
	p, _, err := h.full.Client.Products.Get(ctx, board.ID, nil)
	if err != nil || !decimalEqual(p.Price, "18") || p.InventoryLevel != 4 {
		t.Errorf("board after previews: %+v, %v", p, err)
	}
	if len(productsNamed(t, h, "Ash Board")) != 0 || len(customersWithEmail(t, h, "prod@quay.example")) != 0 ||
		len(orderTags(t, h, pick.ID, "bigc", "reviewed")) != 0 {
		t.Error("a preview wrote")
	}
	if o, _, err := h.full.Client.Orders.Get(ctx, pick.ID, nil); err != nil || o.StatusID != pick.StatusID || o.StaffNotes != pick.StaffNotes {
		t.Errorf("order after previews: %+v, %v", o, err)
	}
	// Reads need no confirmation, even through tools that can write.
	mustCall[TagOrderOutput](t, h, &prod, "tag-order", in{"id": pick.ID, "key": "reviewed"})
	mustCall[RawAPIRequestOutput](t, h, &prod, "raw-api-request", in{"method": "GET", "path": "/v2/time"})
	mustCall[ListProductsOutput](t, h, &prod, "list-products", in{"limit": 1})
	// Confirmed, the write goes through.
	out := mustCall[UpdateProductOutput](t, h, confirmed(&prod), "update-product", in{"id": board.ID, "price": 16.5})
	if !decimalEqual(out.Product.Price, "16.5") {
		t.Errorf("confirmed update: price %s", out.Product.Price)
	}
}

func variantID(t *testing.T, p ProductDetail, sku string) int {
	t.Helper()
	for _, v := range p.Variants {
		if v.SKU == sku {
			return v.ID
		}
	}
	t.Fatalf("product %d has no variant %s", p.ID, sku)
	return 0
}

// TestEveryToolUnderTinyQuota runs every tool on a store whose quota is spent
// many times over: the client's governor paces the calls and each succeeds.
func TestEveryToolUnderTinyQuota(t *testing.T) {
	t.Parallel()
	opts := tinyQuota
	opts.Orders, opts.Products, opts.Customers = 6, 4, 4
	h := newHarness(t, opts)
	var orderID, productID, customerID int
	steps := []struct {
		tool  string
		input func() in
		after func(out any)
	}{
		{"list-orders", func() in { return in{"limit": 2} }, func(o any) { orderID = o.(ListOrdersOutput).Items[0].ID }},
		{"get-order", func() in { return in{"id": orderID} }, nil},
		{"tag-order", func() in { return in{"id": orderID, "key": "quota", "value": "ok"} }, nil},
		{"update-order", func() in { return in{"id": orderID, "status": "Shipped", "staff_notes": "quota"} }, nil},
		{"list-products", func() in { return in{"limit": 2} }, nil},
		{"create-product", func() in { return shirt("Quota Tee", "QT") }, func(o any) { productID = o.(CreateProductOutput).Product.ID }},
		{"get-product", func() in { return in{"id": productID} }, nil},
		{"update-product", func() in { return in{"id": productID, "price": 21} }, nil},
		{"find-variant", func() in { return in{"sku": "QT-S"} }, nil},
		{"update-variant", func() in { return in{"sku": "QT-S", "inventory_level": 8} }, nil},
		{"upsert-product", func() in {
			return in{"name": "Quota Mug", "sku": "QM", "price": "4", "inventory_level": 3, "categories": []string{"Quota/Mugs"}, "create_categories": true}
		}, nil},
		{"set-inventory", func() in { return in{"items": []in{{"sku": "QT-S", "quantity": 9}, {"sku": "QM", "quantity": 5}}} }, nil},
		{"list-categories", func() in { return in{} }, nil},
		{"list-customers", func() in { return in{"limit": 2} }, nil},
		{"create-customer", func() in { return newCustomer("quota@quay.example") }, func(o any) { customerID = o.(CreateCustomerOutput).Customer.ID }},
		{"get-customer", func() in { return in{"id": customerID} }, nil},
		{"update-customer", func() in { return in{"id": customerID, "phone": "555-0100"} }, nil},
		{"create-order", func() in { return in{"customer_id": customerID, "lines": []in{{"sku": "QT-S", "quantity": 1}}} },
			func(o any) { orderID = o.(CreateOrderOutput).Order.ID }},
		{"create-shipment", func() in { return in{"order_id": orderID, "tracking_number": "1ZQUOTA", "carrier": "ups"} }, nil},
		{"list-shipments", func() in { return in{"order_id": orderID} }, nil},
		{"describe-endpoint", func() in { return in{"topic": "carts"} }, nil},
		{"raw-api-request", func() in { return in{"method": "GET", "path": "/v2/time"} }, nil},
		{"delete-product", func() in { return in{"id": productID} }, nil},
	}
	ran := map[string]bool{}
	for _, s := range steps {
		out := mustCall[any](t, h, confirmed(h.full), s.tool, s.input())
		if s.after != nil {
			s.after(out)
		}
		ran[s.tool] = true
	}
	for _, name := range h.reg.Names() {
		if !ran[name] {
			t.Errorf("%s did not run under the tiny quota", name)
		}
	}
	if s := h.srv.Store.Stats(); s.Requests <= 3*tinyQuota.Quota {
		t.Errorf("only %d requests; the test did not outrun the quota of %d", s.Requests, tinyQuota.Quota)
	}
}

// progressLog records what a tool tells env.Progress.
type progressLog struct {
	mu      sync.Mutex
	reports [][2]int // done, total
}

// env returns a copy of base whose progress goes to l.
func (l *progressLog) env(base *Env) *Env {
	e := *base
	e.Progress = func(done, total int) {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.reports = append(l.reports, [2]int{done, total})
	}
	return &e
}

// TestProgressReports: tools whose work takes several requests report each
// one as it ends, done counting up by one, total never below done nor
// shrinking, and the last report saying all is done.
func TestProgressReports(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{Orders: 3})
	ctx := t.Context()
	_, pick := seededOrders(t, h)
	trees, _, err := h.full.Client.Categories.ListTrees(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := h.full.Client.Categories.Create(ctx, []*bigcommerce.CategoryCreateRequest{{Name: "Progress Test", TreeID: trees[0].ID}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := h.full.Client.Brands.Create(ctx, &bigcommerce.BrandCreateRequest{Name: "Progress Brand"}); err != nil {
		t.Fatal(err)
	}
	// run calls tool and checks its reports; steps is how many requests it takes.
	run := func(tool string, input in, steps int) any {
		t.Helper()
		var log progressLog
		out := mustCall[any](t, h, log.env(h.full), tool, input)
		r := log.reports
		if len(r) != steps {
			t.Errorf("%s %v: %d progress reports %v, want %d", tool, input, len(r), r, steps)
			return out
		}
		for i, rep := range r {
			if rep[0] != i+1 || rep[1] < rep[0] || (i > 0 && rep[1] < r[i-1][1]) {
				t.Errorf("%s: report %d is %v in %v; want done %d, total at least that and never shrinking", tool, i, rep, r, i+1)
			}
		}
		if last := r[len(r)-1]; last[0] != last[1] {
			t.Errorf("%s: last report %v does not say all is done", tool, last)
		}
		return out
	}
	run("get-order", in{"id": pick.ID}, 6) // the order and its five sub-resources
	run("list-categories", in{}, 1+len(trees))
	run("list-categories", in{"tree_id": trees[0].ID}, 1)
	// The trees to find the category, the brand by name, then the page.
	run("list-products", in{"category": "progress test", "brand": "Progress Brand"}, 1+len(trees)+1+1)
	// Two reconciling lookups (name, SKU), the create, one metafield, the read back.
	tee := run("create-product", shirt("Progress Tee", "PGT"), 5).(CreateProductOutput).Product
	// The brand, the product as it is, the update, the read back.
	run("update-product", in{"id": tee.ID, "brand": "Progress Brand", "price": 30}, 4)
	// Without a listener nothing is reported and nothing breaks.
	mustCall[GetOrderOutput](t, h, h.full, "get-order", in{"id": pick.ID})
}

// ---- the sandbox harness the entity tests share

// harness is a small sandbox store with a client for each of its tokens.
type harness struct {
	srv  *sandbox.Server
	reg  *Registry
	full *Env // full-scope token
	ro   *Env // read-only token
}

// in is a tool input written inline.
type in = map[string]any

// newHarness starts a small sandbox store; opts may set faults and quotas,
// and counts (default 8 products, 6 customers, 30 orders).
func newHarness(t *testing.T, opts sandbox.Options, clientOpts ...bigcommerce.Option) *harness {
	t.Helper()
	if opts.Products == 0 {
		opts.Products = 8
	}
	if opts.Customers == 0 {
		opts.Customers = 6
	}
	if opts.Orders == 0 {
		opts.Orders = 30
	}
	srv := sandboxtest.NewServer(t, opts)
	mk := func(token string) *Env {
		c, err := bigcommerce.NewClient(srv.StoreHash, token, append([]bigcommerce.Option{bigcommerce.WithBaseURL(srv.URL)}, clientOpts...)...)
		if err != nil {
			t.Fatal(err)
		}
		return &Env{Client: c, Connection: "sandbox"}
	}
	return &harness{srv: srv, reg: NewRegistry(), full: mk(srv.Tokens.Full), ro: mk(srv.Tokens.ReadOnly)}
}

// agent returns a copy of env in Agent mode.
func agent(env *Env) *Env {
	e := *env
	e.Agent = true
	return &e
}

// confirmed returns a copy of env whose calls are confirmed.
func confirmed(env *Env) *Env {
	e := *env
	e.Confirmed = true
	return &e
}

// call runs a tool as the CLI and the MCP server do (JSON in, schema
// validation, handler) and checks a successful answer against the tool's
// output schema.
func call[Out any](t *testing.T, h *harness, env *Env, name string, input any) (Out, error) {
	t.Helper()
	var zero Out
	tool, ok := h.reg.Lookup(name)
	if !ok {
		t.Fatalf("no tool %q", name)
	}
	raw, ok := input.(string)
	if !ok {
		b, err := json.Marshal(input)
		if err != nil {
			t.Fatal(err)
		}
		raw = string(b)
	}
	res, err := tool.Run(t.Context(), env, json.RawMessage(raw))
	if err != nil {
		return zero, err
	}
	out, ok := res.(Out)
	if !ok {
		t.Fatalf("%s returned %T, want %T", name, res, zero)
	}
	checkOutputSchema(t, tool, res)
	return out, nil
}

// mustCall is call for calls that must succeed.
func mustCall[Out any](t *testing.T, h *harness, env *Env, name string, input any) Out {
	t.Helper()
	out, err := call[Out](t, h, env, name, input)
	if err != nil {
		t.Fatalf("%s %v: %v", name, input, err)
	}
	return out
}

// checkOutputSchema checks that an answer validates against the output schema
// an MCP client is told about.
func checkOutputSchema(t *testing.T, tool *Tool, res any) {
	t.Helper()
	resolved, err := tool.OutputSchema.Resolve(nil)
	if err != nil {
		t.Fatalf("%s: output schema: %v", tool.Name, err)
	}
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatalf("%s: encoding the answer: %v", tool.Name, err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	if err := resolved.Validate(v); err != nil {
		t.Errorf("%s: answer does not match the output schema: %v\n%s", tool.Name, err, b)
	}
}

// wantError checks that err is a tool error of category cat naming field
// (when field is not "") and returns it.
func wantError(t *testing.T, err error, cat Category, field string) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v (%T), want a *tools.Error of category %s", err, err, cat)
	}
	if e.Category != cat {
		t.Fatalf("error = %v, want category %s", e, cat)
	}
	if field != "" && e.Field != field {
		t.Fatalf("error = %v, want field %q", e, field)
	}
	return e
}

// wantMissingScope checks the read-only-token-on-a-write answer.
func wantMissingScope(t *testing.T, err error) {
	t.Helper()
	e := wantError(t, err, CategoryMissingScope, "")
	if !strings.Contains(e.Next, "re-issue") || !strings.Contains(e.Next, "modify") {
		t.Errorf("missing_scope next step %q does not say to re-issue the token with the modify scope", e.Next)
	}
}

// lostAnswers is the sandbox fault that applies every write, then drops the
// connection before the answer.
func lostAnswers(t *testing.T) sandbox.Faults {
	t.Helper()
	f, err := sandbox.ParseFaults("commit-then-drop=1")
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// tinyQuota is a quota small enough that a test spends it many times over.
var tinyQuota = sandbox.Options{Quota: 5, Window: 100 * time.Millisecond}

// products returns every product of the store with name, read through the API.
func productsNamed(t *testing.T, h *harness, name string) []*bigcommerce.Product {
	t.Helper()
	ps, _, err := h.full.Client.Products.List(t.Context(), &bigcommerce.ProductListOptions{Name: name, Include: []string{"variants"}})
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

// customersWithEmail returns every customer of the store with email.
func customersWithEmail(t *testing.T, h *harness, email string) []*bigcommerce.Customer {
	t.Helper()
	cs, _, err := h.full.Client.Customers.List(t.Context(), &bigcommerce.CustomerListOptions{Emails: []string{email}})
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// FuzzIDOrName: any JSON is either refused or read as an id or a name, and
// an id reads back as the number it was.
func FuzzIDOrName(f *testing.F) {
	for _, s := range []string{`11`, `"11"`, `"Awaiting Fulfillment"`, `-1`, `1e2`, `"0012"`, `null`, `""`, `99999999999999999999`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var v IDOrName
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			return
		}
		if id, ok := v.ID(); ok {
			if n, err := strconv.Atoi(string(v)); err != nil || n != id || id < 0 {
				t.Errorf("%s: ID() = %d for %q", s, id, v)
			}
		}
	})
}

// FuzzCleanText: cleaned text holds no control or format character but
// newlines and tabs, and cleaning twice changes nothing.
func FuzzCleanText(f *testing.F) {
	for _, s := range []string{"plain", "a\u200bb", "\x1b[31mred", "line\nnext\ttab", "\ufeff\u202e", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := CleanText(s)
		for _, r := range got {
			if dropRune(r) {
				t.Fatalf("cleanText(%q) = %q keeps %U", s, got, r)
			}
		}
		if again := CleanText(got); again != got {
			t.Fatalf("cleanText is not idempotent on %q: %q then %q", s, got, again)
		}
	})
}

// TestListToolsRefuseOutOfRangePaging checks that an explicit limit or page
// outside its range is refused by name before any request, rather than read as
// "the default" (the Go fields' zero), and that the schema shows the range.
func TestListToolsRefuseOutOfRangePaging(t *testing.T) {
	t.Parallel()
	tests := []struct {
		field, input, wantIn string
	}{
		{"limit", `{"limit": 0}`, "must be at least 1, got 0"},
		{"limit", `{"limit": 251}`, "must be at most 250, got 251"},
		{"page", `{"page": 0}`, "must be at least 1, got 0"},
	}
	var listTools int
	for _, tool := range NewRegistry().Tools() {
		if tool.InputSchema.Properties["limit"] == nil {
			continue
		}
		listTools++
		if lim := tool.InputSchema.Properties["limit"]; lim.Minimum == nil || *lim.Minimum != 1 || lim.Maximum == nil || *lim.Maximum != bigcommerce.MaxPageSize {
			t.Errorf("%s: limit schema has no 1..%d bounds", tool.Name, bigcommerce.MaxPageSize)
		}
		// A list of something's parts (list-shipments) requires its owner.
		with := func(input string) json.RawMessage {
			var m map[string]any
			json.Unmarshal([]byte(input), &m)
			for _, r := range tool.InputSchema.Required {
				m[r] = 1
			}
			b, _ := json.Marshal(m)
			return b
		}
		if err := tool.CheckInput(with(`{"limit": 1}`)); err != nil {
			t.Errorf("%s: limit 1 refused: %v", tool.Name, err)
		}
		for _, tt := range tests {
			if tool.InputSchema.Properties[tt.field] == nil {
				continue
			}
			err := tool.CheckInput(with(tt.input))
			var e *Error
			if !errors.As(err, &e) || e.Category != CategoryBadInput || e.Field != tt.field || !strings.Contains(e.Message, tt.wantIn) {
				t.Errorf("%s %s: error = %v, want bad_input on %s containing %q", tool.Name, tt.input, err, tt.field, tt.wantIn)
			}
		}
	}
	if listTools < 4 {
		t.Errorf("found %d tools with a limit, want the 4 list tools", listTools)
	}
}

// decimalEqual reports whether two amounts are equal, as the tests compare
// what the store holds.
func decimalEqual(a, b bigcommerce.Decimal) bool { return a.Cmp(b) == 0 }

func TestCompactJSON(t *testing.T) {
	t.Parallel()
	got, err := CompactJSON(map[string]any{"description": "<p>Tom & Jerry</p>", "n": []int{1, 2}})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"description":"<p>Tom & Jerry</p>","n":[1,2]}`; string(got) != want {
		t.Errorf("CompactJSON = %s, want %s", got, want)
	}
}

// TestOutputEnums: an answer's closed sets of values are enums in the
// output schema, not prose in a description.
func TestOutputEnums(t *testing.T) {
	t.Parallel()
	r := NewRegistry()
	tests := []struct {
		tool string
		path []string
		want []any
	}{
		{"get-product", []string{"product", "type"}, []any{"physical", "digital"}},
		{"get-product", []string{"product", "inventory_tracking"}, []any{"none", "product", "variant"}},
		{"get-product", []string{"product", "condition"}, []any{"New", "Used", "Refurbished"}},
		{"find-variant", []string{"product", "inventory_tracking"}, []any{"none", "product", "variant"}},
		{"tag-order", []string{"action"}, []any{"created", "updated", "unchanged", "read", "absent"}},
		{"upsert-product", []string{"action"}, []any{"created", "updated", "unchanged"}},
	}
	for _, tt := range tests {
		tool, ok := r.Lookup(tt.tool)
		if !ok {
			t.Fatalf("no tool %s", tt.tool)
		}
		s := tool.OutputSchema
		for _, p := range tt.path {
			if s = s.Properties[p]; s == nil {
				t.Fatalf("%s: no output property %v", tt.tool, tt.path)
			}
		}
		if !slices.Equal(s.Enum, tt.want) {
			t.Errorf("%s %v: enum %v, want %v (description %q)", tt.tool, tt.path, s.Enum, tt.want, s.Description)
		}
	}
}
