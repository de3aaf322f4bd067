package tools

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/sandbox"
)

// seededOrders returns every order of the store, oldest id first, and one
// placed by a registered customer.
func seededOrders(t *testing.T, h *harness) ([]*bigcommerce.Order, *bigcommerce.Order) {
	t.Helper()
	var all []*bigcommerce.Order
	var pick *bigcommerce.Order
	for o, err := range h.full.Client.Orders.All(t.Context(), nil) {
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, o)
		if pick == nil && o.CustomerID != 0 && o.BillingAddress != nil && o.BillingAddress.Email != "" {
			pick = o
		}
	}
	if pick == nil {
		t.Fatal("the sandbox seeded no order of a registered customer")
	}
	return all, pick
}

func ids(items []OrderSummary) []int {
	out := make([]int, len(items))
	for i, o := range items {
		out[i] = o.ID
	}
	return out
}

func TestListOrders(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{Orders: 45})
	all, pick := seededOrders(t, h)
	if len(all) != 45 {
		t.Fatalf("sandbox has %d orders, want 45", len(all))
	}
	created := pick.DateCreated.UTC().Format(time.RFC3339)
	// only checks that a filtered page holds pick and no order that match,
	// which says what the filter wants, refuses.
	only := func(want string, match func(OrderSummary) bool) func(*testing.T, ListOrdersOutput) {
		return func(t *testing.T, out ListOrdersOutput) {
			if !slices.Contains(ids(out.Items), pick.ID) {
				t.Errorf("order %d (%s) missing", pick.ID, want)
			}
			for _, o := range out.Items {
				if !match(o) {
					t.Errorf("order %d (status %d, customer %d, created %s, total %s) is not %s", o.ID, o.StatusID, o.CustomerID, o.DateCreated, o.TotalIncTax, want)
				}
			}
		}
	}
	tests := []struct {
		name  string
		env   *Env
		input in
		check func(t *testing.T, out ListOrdersOutput)
	}{
		{"default page holds every order", h.full, in{}, func(t *testing.T, out ListOrdersOutput) {
			if len(out.Items) != 45 || out.Next != nil {
				t.Errorf("got %d items, next %v; want 45 and no next page", len(out.Items), out.Next)
			}
		}},
		{"agent mode pages by 20", agent(h.full), in{}, func(t *testing.T, out ListOrdersOutput) {
			if len(out.Items) != 20 || out.Next == nil || out.Next.Page != 2 || !strings.Contains(out.Hint, "page=2") {
				t.Errorf("got %d items, next %+v, hint %q; want 20 and page 2", len(out.Items), out.Next, out.Hint)
			}
		}},
		{"second page", h.full, in{"limit": 4, "page": 2}, func(t *testing.T, out ListOrdersOutput) {
			want := []int{all[4].ID, all[5].ID, all[6].ID, all[7].ID}
			if got := ids(out.Items); !slices.Equal(got, want) || out.Next == nil || out.Next.Page != 3 {
				t.Errorf("page 2 = %v next %+v, want %v and page 3", got, out.Next, want)
			}
		}},
		{"status by name, any case", h.full, in{"status": strings.ToUpper(pick.Status)}, only(fmt.Sprintf("status %d", pick.StatusID),
			func(o OrderSummary) bool { return o.StatusID == pick.StatusID })},
		{"status by id", h.full, in{"status": pick.StatusID}, only(fmt.Sprintf("status %d", pick.StatusID),
			func(o OrderSummary) bool { return o.StatusID == pick.StatusID })},
		{"customer by id", h.full, in{"customer": pick.CustomerID}, only(fmt.Sprintf("customer %d's", pick.CustomerID),
			func(o OrderSummary) bool { return o.CustomerID == pick.CustomerID })},
		{"customer by email", h.full, in{"customer": pick.BillingAddress.Email}, func(t *testing.T, out ListOrdersOutput) {
			if !slices.Contains(ids(out.Items), pick.ID) || len(out.Items) == len(all) {
				t.Errorf("got %v, want a subset holding order %d", ids(out.Items), pick.ID)
			}
		}},
		{"created range", h.full, in{"created_from": created, "created_to": created}, only("created "+created,
			func(o OrderSummary) bool { return o.DateCreated == created })},
		{"total range", h.full, in{"min_total": string(pick.TotalIncTax), "max_total": string(pick.TotalIncTax)}, only("of total "+string(pick.TotalIncTax),
			func(o OrderSummary) bool { return decimalEqual(o.TotalIncTax, pick.TotalIncTax) })},
		{"newest first", h.full, in{"sort": "date_created:desc", "limit": 10}, func(t *testing.T, out ListOrdersOutput) {
			for i := 1; i < len(out.Items); i++ {
				if out.Items[i].DateCreated > out.Items[i-1].DateCreated {
					t.Errorf("item %d created %s after item %d (%s)", i, out.Items[i].DateCreated, i-1, out.Items[i-1].DateCreated)
				}
			}
		}},
		{"read-only token reads", h.ro, in{"limit": 3}, func(t *testing.T, out ListOrdersOutput) {
			if len(out.Items) != 3 {
				t.Errorf("got %d items, want 3", len(out.Items))
			}
		}},
		{"nothing matches", h.full, in{"min_total": "99999999"}, func(t *testing.T, out ListOrdersOutput) {
			if len(out.Items) != 0 || out.Next != nil || !strings.Contains(out.Hint, "nothing matches") {
				t.Errorf("got %+v", out)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out := mustCall[ListOrdersOutput](t, h, tt.env, "list-orders", tt.input)
			for _, o := range out.Items {
				if o.Status == "" || o.DateCreated == "" || o.TotalIncTax == "" || o.CurrencyCode == "" {
					t.Errorf("order summary %+v lacks status, date, total or currency", o)
				}
			}
			tt.check(t, out)
		})
	}
}

func TestListOrdersBadInput(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{Orders: 3})
	tests := []struct {
		input in
		field string
	}{
		{in{"status": "Teleported"}, "status"},
		{in{"status": 15}, "status"},
		{in{"created_from": "last tuesday"}, "created_from"},
		{in{"modified_from": "2026-02-01T00:00:00Z", "modified_to": "2026-01-01T00:00:00Z"}, "modified_to"},
		{in{"customer": "bob"}, "customer"},
		{in{"sort": "total:desc"}, "sort"},
		{in{"sort": "id:sideways"}, "sort"},
		{in{"sort": "date_created"}, "sort"}, // the schema's enum names a direction every time
		{in{"limit": 251}, "limit"},
		{in{"page": -1}, "page"},
		{in{"min_total": "10", "max_total": "5"}, "max_total"},
		{in{"min_total": "ten"}, "min_total"},
		{in{"colour": "red"}, "colour"},
	}
	before := h.srv.Store.Stats().Requests
	for _, tt := range tests {
		_, err := call[ListOrdersOutput](t, h, h.full, "list-orders", tt.input)
		wantError(t, err, CategoryBadInput, tt.field)
	}
	// "Teleported" may look at the store's custom status labels; nothing else is sent.
	if n := h.srv.Store.Stats().Requests - before; n > 1 {
		t.Errorf("bad input sent %d requests, want at most 1", n)
	}
}

func TestGetOrder(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{Orders: 10})
	_, pick := seededOrders(t, h)

	out := mustCall[GetOrderOutput](t, h, h.ro, "get-order", in{"id": pick.ID})
	o := out.Order
	if o.ID != pick.ID || o.StatusID != pick.StatusID || !decimalEqual(o.TotalIncTax, pick.TotalIncTax) {
		t.Errorf("order = %d status %d total %s, want %d status %d total %s", o.ID, o.StatusID, o.TotalIncTax, pick.ID, pick.StatusID, pick.TotalIncTax)
	}
	if len(o.LineItems) == 0 {
		t.Fatal("no line items")
	}
	items := 0
	for _, li := range o.LineItems {
		if li.ProductID == 0 || li.SKU == "" || li.Name == "" || li.Quantity <= 0 || li.PriceIncTax == "" {
			t.Errorf("line item %+v lacks product id, SKU, name, quantity or price", li)
		}
		items += li.Quantity
	}
	if items != o.ItemsTotal {
		t.Errorf("line items add up to %d units, items_total is %d", items, o.ItemsTotal)
	}
	if o.BillingAddress.Email != pick.BillingAddress.Email || o.BillingAddress.Street1 == "" {
		t.Errorf("billing address %+v, want email %s and a street", o.BillingAddress, pick.BillingAddress.Email)
	}
	if len(o.ShippingAddresses) == 0 && !pickIsDigital(pick) {
		t.Error("no shipping address")
	}

	t.Run("not found", func(t *testing.T) {
		_, err := call[GetOrderOutput](t, h, h.full, "get-order", in{"id": 987654})
		e := wantError(t, err, CategoryNotFound, "")
		if !strings.Contains(e.Next, "list-orders") {
			t.Errorf("next %q does not point at list-orders", e.Next)
		}
	})
	t.Run("bad id", func(t *testing.T) {
		_, err := call[GetOrderOutput](t, h, h.full, "get-order", in{"id": 0})
		wantError(t, err, CategoryBadInput, "id")
		_, err = call[GetOrderOutput](t, h, h.full, "get-order", in{})
		wantError(t, err, CategoryBadInput, "id")
	})
}

func pickIsDigital(o *bigcommerce.Order) bool { return o.OrderIsDigital }

func TestTagOrder(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{Orders: 5})
	_, pick := seededOrders(t, h)
	id := pick.ID
	steps := []struct {
		name       string
		input      in
		wantAction string
		wantValue  string
	}{
		{"read before set", in{"id": id, "key": "synced"}, "absent", ""},
		{"set", in{"id": id, "key": "synced", "value": "netsuite:1"}, "created", "netsuite:1"},
		{"set again", in{"id": id, "key": "synced", "value": "netsuite:1"}, "unchanged", "netsuite:1"},
		{"change", in{"id": id, "key": "synced", "value": "netsuite:2"}, "updated", "netsuite:2"},
		{"read", in{"id": id, "key": "synced"}, "read", "netsuite:2"},
		{"other namespace", in{"id": id, "key": "synced", "namespace": "erp", "value": "x"}, "created", "x"},
	}
	for _, s := range steps {
		out := mustCall[TagOrderOutput](t, h, h.full, "tag-order", s.input)
		if out.Action != s.wantAction || out.Value != s.wantValue || out.OrderID != id {
			t.Errorf("%s: got %+v, want action %s value %q", s.name, out, s.wantAction, s.wantValue)
		}
	}
	tags := orderTags(t, h, id, "bigc", "synced")
	if len(tags) != 1 || tags[0].Value != "netsuite:2" {
		t.Errorf("store holds %d bigc/synced tags (%+v), want one with netsuite:2", len(tags), tags)
	}
	got := mustCall[GetOrderOutput](t, h, h.full, "get-order", in{"id": id})
	if len(got.Order.Tags) != 2 {
		t.Errorf("get-order shows tags %+v, want 2", got.Order.Tags)
	}

	t.Run("read-only token", func(t *testing.T) {
		_, err := call[TagOrderOutput](t, h, h.ro, "tag-order", in{"id": id, "key": "synced", "value": "other"})
		wantMissingScope(t, err)
		out := mustCall[TagOrderOutput](t, h, h.ro, "tag-order", in{"id": id, "key": "synced"})
		if out.Value != "netsuite:2" {
			t.Errorf("read-only read = %+v", out)
		}
	})
	t.Run("not found", func(t *testing.T) {
		_, err := call[TagOrderOutput](t, h, h.full, "tag-order", in{"id": 987654, "key": "synced", "value": "x"})
		wantError(t, err, CategoryNotFound, "")
	})
	t.Run("bad input", func(t *testing.T) {
		for _, tt := range []struct {
			input in
			field string
		}{
			{in{"id": id, "key": ""}, "key"},
			{in{"id": id, "key": strings.Repeat("k", 65)}, "key"},
			{in{"id": id, "key": "k", "value": ""}, "value"},
			{in{"id": id, "key": "k", "namespace": strings.Repeat("n", 65)}, "namespace"},
			{in{"id": -3, "key": "k"}, "id"},
		} {
			_, err := call[TagOrderOutput](t, h, h.full, "tag-order", tt.input)
			wantError(t, err, CategoryBadInput, tt.field)
		}
	})
}

func orderTags(t *testing.T, h *harness, orderID int, namespace, key string) []*bigcommerce.Metafield {
	t.Helper()
	mfs, _, err := h.full.Client.Metafields.List(t.Context(), bigcommerce.MetafieldOwner{Type: bigcommerce.MetafieldOwnerOrder, ID: orderID},
		&bigcommerce.MetafieldListOptions{Namespace: namespace, Key: key})
	if err != nil {
		t.Fatal(err)
	}
	return mfs
}

// TestTagOrderLostAnswer: the tag is written but its answer lost; the retry
// logic finds it instead of failing on a duplicate.
func TestTagOrderLostAnswer(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{Orders: 3, Faults: lostAnswers(t)})
	_, pick := seededOrders(t, h)
	out := mustCall[TagOrderOutput](t, h, h.full, "tag-order", in{"id": pick.ID, "key": "exported", "value": "yes"})
	if out.Action != "created" || out.Value != "yes" {
		t.Errorf("got %+v, want created yes", out)
	}
	if tags := orderTags(t, h, pick.ID, "bigc", "exported"); len(tags) != 1 {
		t.Errorf("store holds %d tags, want 1", len(tags))
	}
}

// TestRateLimitedAfterRetries: when the quota is spent by someone else and
// the client may not retry, the tool says how long to wait.
func TestRateLimitedAfterRetries(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{Orders: 3, Quota: 2, Window: 20 * time.Second}, bigcommerce.WithMaxRetries(0))
	// Another app of the same store spends the quota, unseen by our governor.
	for range 3 {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, h.srv.URL+"/stores/"+h.srv.StoreHash+"/v2/time", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Auth-Token", h.srv.Tokens.ReadOnly)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	_, err := call[ListOrdersOutput](t, h, h.full, "list-orders", in{})
	e := wantError(t, err, CategoryRateLimited, "")
	if e.RetryAfterSeconds <= 0 || e.RetryAfterSeconds > 20 || !strings.Contains(e.Next, "wait") {
		t.Errorf("retry after %v s, next %q; want a wait within the 20 s window", e.RetryAfterSeconds, e.Next)
	}
}

func TestUpdateOrder(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{Orders: 5})
	_, pick := seededOrders(t, h)
	id := pick.ID
	stored := func(t *testing.T) *bigcommerce.Order {
		t.Helper()
		o, _, err := h.full.Client.Orders.Get(t.Context(), id, nil)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	totalBefore := stored(t).TotalIncTax

	t.Run("note and status by name", func(t *testing.T) {
		out := mustCall[UpdateOrderOutput](t, h, h.full, "update-order",
			in{"id": id, "status": "awaiting_shipment", "staff_notes": "Called the shopper\u200b: leave at the door"})
		if out.Order.ID != id || out.Order.StatusID != 9 || out.StaffNotes != "Called the shopper: leave at the door" ||
			!slices.Equal(out.Changed, []string{"status", "staff_notes"}) {
			t.Errorf("got %+v, want status 9, the cleaned note and changed [status staff_notes]", out)
		}
		o := stored(t)
		if o.StatusID != 9 || o.StaffNotes != "Called the shopper\u200b: leave at the door" || !decimalEqual(o.TotalIncTax, totalBefore) {
			t.Errorf("store holds status %d, notes %q, total %s; want 9, the note, total %s", o.StatusID, o.StaffNotes, o.TotalIncTax, totalBefore)
		}
	})
	t.Run("status by id, message, idempotent", func(t *testing.T) {
		for range 2 {
			out := mustCall[UpdateOrderOutput](t, h, h.full, "update-order", in{"id": id, "status": 2, "customer_message": "ring twice"})
			if out.Order.Status != "Shipped" || out.CustomerMessage != "ring twice" {
				t.Errorf("got %+v, want Shipped and the message", out)
			}
		}
		if o := stored(t); o.StatusID != 2 || o.CustomerMessage != "ring twice" || o.StaffNotes == "" {
			t.Errorf("store holds status %d, message %q, notes %q; want 2, the message and the earlier note kept", o.StatusID, o.CustomerMessage, o.StaffNotes)
		}
	})
	t.Run("empty note clears it", func(t *testing.T) {
		mustCall[UpdateOrderOutput](t, h, h.full, "update-order", in{"id": id, "staff_notes": ""})
		if o := stored(t); o.StaffNotes != "" || o.StatusID != 2 {
			t.Errorf("store holds notes %q status %d, want none and 2", o.StaffNotes, o.StatusID)
		}
	})
	t.Run("production preview shows old and new", func(t *testing.T) {
		prod := *h.full
		prod.Production = true
		_, err := call[UpdateOrderOutput](t, h, &prod, "update-order", in{"id": id, "status": "Completed", "staff_notes": "done"})
		e := wantError(t, err, CategoryConfirmationRequired, "")
		if !strings.Contains(e.Message, `status "Shipped" → "Completed"`) || !strings.Contains(e.Message, `staff_notes "" → "done"`) {
			t.Errorf("preview %q does not show old → new", e.Message)
		}
		if o := stored(t); o.StatusID != 2 {
			t.Errorf("unconfirmed call changed the status to %d", o.StatusID)
		}
		mustCall[UpdateOrderOutput](t, h, confirmed(&prod), "update-order", in{"id": id, "status": "Completed"})
		if o := stored(t); o.StatusID != 10 {
			t.Errorf("confirmed call left status %d, want 10", o.StatusID)
		}
	})
	t.Run("read-only token", func(t *testing.T) {
		_, err := call[UpdateOrderOutput](t, h, h.ro, "update-order", in{"id": id, "staff_notes": "x"})
		wantMissingScope(t, err)
	})
	t.Run("not found", func(t *testing.T) {
		_, err := call[UpdateOrderOutput](t, h, h.full, "update-order", in{"id": 987654, "status": 2})
		e := wantError(t, err, CategoryNotFound, "")
		if !strings.Contains(e.Next, "list-orders") {
			t.Errorf("next %q does not point at list-orders", e.Next)
		}
	})
	t.Run("bad input", func(t *testing.T) {
		before := h.srv.Store.Stats().Requests
		for _, tt := range []struct {
			input in
			field string
			msg   string
		}{
			{in{"id": id}, "", "staff_notes"},
			{in{"id": 0, "status": 2}, "id", ""},
			{in{"id": id, "status": 15}, "status", ""},
			{in{"id": id, "staff_notes": strings.Repeat("n", 65536)}, "staff_notes", ""},
			{in{"id": id, "total": "1"}, "total", ""},
		} {
			_, err := call[UpdateOrderOutput](t, h, h.full, "update-order", tt.input)
			e := wantError(t, err, CategoryBadInput, tt.field)
			if !strings.Contains(e.Message, tt.msg) {
				t.Errorf("%v: message %q does not name %s", tt.input, e.Message, tt.msg)
			}
		}
		if n := h.srv.Store.Stats().Requests - before; n != 0 {
			t.Errorf("bad input sent %d requests", n)
		}
	})
}
