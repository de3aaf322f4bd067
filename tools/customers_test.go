package tools

import (
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/bigc-dev/bigc/sandbox"
)

func newCustomer(email string) in {
	return in{
		"email": email, "first_name": "Ada", "last_name": "Quay", "phone": "+1 555 0100", "company": "Quay & Co",
		"addresses": []in{{"first_name": "Ada", "last_name": "Quay", "address1": "1 Pier Rd", "city": "Portland",
			"state_or_province": "Oregon", "postal_code": "97201", "country_code": "us"}},
	}
}

func TestCreateCustomer(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{})
	out := mustCall[CreateCustomerOutput](t, h, h.full, "create-customer", newCustomer("ada@quay.example"))
	c := out.Customer
	if out.Reconciled || c.ID == 0 || c.Email != "ada@quay.example" || c.Company != "Quay & Co" || len(c.Addresses) != 1 ||
		c.Addresses[0].City != "Portland" || c.Addresses[0].CountryCode != "US" {
		t.Errorf("created %+v (reconciled %v)", c, out.Reconciled)
	}
	if n := len(customersWithEmail(t, h, "ada@quay.example")); n != 1 {
		t.Errorf("store holds %d customers with the email, want 1", n)
	}

	t.Run("duplicate email", func(t *testing.T) {
		_, err := call[CreateCustomerOutput](t, h, h.full, "create-customer", newCustomer("ada@quay.example"))
		e := wantError(t, err, CategoryConflict, "")
		if !strings.Contains(e.Message, strconv.Itoa(c.ID)) || !strings.Contains(e.Next, "get-customer") {
			t.Errorf("%v does not name customer %d and get-customer", e, c.ID)
		}
		if n := len(customersWithEmail(t, h, "ada@quay.example")); n != 1 {
			t.Errorf("store holds %d customers with the email, want 1", n)
		}
	})
	t.Run("read-only token", func(t *testing.T) {
		_, err := call[CreateCustomerOutput](t, h, h.ro, "create-customer", newCustomer("ro@quay.example"))
		wantMissingScope(t, err)
	})
	t.Run("bad input", func(t *testing.T) {
		for _, tt := range []struct {
			input in
			field string
		}{
			{in{"first_name": "A", "last_name": "B"}, "email"},
			{in{"email": "not-an-email", "first_name": "A", "last_name": "B"}, "email"},
			{in{"email": "a@b.example", "first_name": "", "last_name": "B"}, "first_name"},
			{in{"email": "a@b.example", "first_name": "A", "last_name": strings.Repeat("b", 101)}, "last_name"},
			{in{"email": "a@b.example", "first_name": "A", "last_name": "B", "addresses": []in{{"first_name": "A", "last_name": "B", "address1": "x", "city": "y", "country_code": "USA"}}}, "addresses[0].country_code"},
			{in{"email": "a@b.example", "first_name": "A", "last_name": "B", "addresses": []in{{"first_name": "A", "last_name": "B", "city": "y", "country_code": "US"}}}, "addresses[0].address1"},
			{in{"email": "a@b.example", "first_name": "A", "last_name": "B", "nickname": "x"}, "nickname"},
		} {
			_, err := call[CreateCustomerOutput](t, h, h.full, "create-customer", tt.input)
			wantError(t, err, CategoryBadInput, tt.field)
		}
		if n := len(customersWithEmail(t, h, "a@b.example")); n != 0 {
			t.Errorf("bad input wrote %d customers", n)
		}
	})
}

// TestCreateCustomerLostAnswer: the customer is created and the answer lost;
// the tool finds it by email and never creates a second one.
func TestCreateCustomerLostAnswer(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{Faults: lostAnswers(t)})
	out := mustCall[CreateCustomerOutput](t, h, h.full, "create-customer", newCustomer("lost@quay.example"))
	if !out.Reconciled || out.Customer.Email != "lost@quay.example" || out.Customer.ID == 0 {
		t.Errorf("got %+v reconciled=%v", out.Customer, out.Reconciled)
	}
	if n := len(customersWithEmail(t, h, "lost@quay.example")); n != 1 {
		t.Errorf("store holds %d customers with the email, want exactly 1", n)
	}
	if s := h.srv.Store.Stats(); s.ConnectionsDropped == 0 {
		t.Error("the sandbox dropped no connection; the test did not lose an answer")
	}
}

func TestListAndGetCustomers(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{Customers: 25})
	made := mustCall[CreateCustomerOutput](t, h, h.full, "create-customer", newCustomer("zed@quay.example")).Customer

	t.Run("cursor paging visits every customer once", func(t *testing.T) {
		var seen []int
		cursor := ""
		for range 10 {
			input := in{"limit": 10}
			if cursor != "" {
				input["cursor"] = cursor
			}
			out := mustCall[ListCustomersOutput](t, h, h.full, "list-customers", input)
			for _, c := range out.Items {
				seen = append(seen, c.ID)
			}
			if out.Next == nil {
				break
			}
			if out.Next.Cursor == "" || out.Next.Page != 0 || !strings.Contains(out.Hint, "cursor=") {
				t.Fatalf("next %+v hint %q, want a cursor", out.Next, out.Hint)
			}
			cursor = out.Next.Cursor
		}
		slices.Sort(seen)
		if len(seen) != 26 || len(slices.Compact(seen)) != 26 {
			t.Errorf("paging saw %d customers (%v), want 26 distinct", len(seen), seen)
		}
	})
	tests := []struct {
		name  string
		env   *Env
		input in
		check func(t *testing.T, out ListCustomersOutput)
	}{
		{"agent default page", agent(h.full), in{}, func(t *testing.T, out ListCustomersOutput) {
			if len(out.Items) != 20 || out.Next == nil {
				t.Errorf("%d items, next %+v", len(out.Items), out.Next)
			}
		}},
		{"by email", h.ro, in{"email": "zed@quay.example"}, func(t *testing.T, out ListCustomersOutput) {
			if len(out.Items) != 1 || out.Items[0].ID != made.ID || out.Next != nil {
				t.Errorf("got %+v", out)
			}
		}},
		{"by name", h.full, in{"name": "quay"}, func(t *testing.T, out ListCustomersOutput) {
			if !slices.ContainsFunc(out.Items, func(c CustomerSummary) bool { return c.ID == made.ID }) {
				t.Errorf("customer %d missing", made.ID)
			}
		}},
		{"by group", h.full, in{"customer_group_id": 0, "limit": 250}, func(t *testing.T, out ListCustomersOutput) {
			for _, c := range out.Items {
				if c.CustomerGroupID != 0 {
					t.Errorf("customer %d is in group %d", c.ID, c.CustomerGroupID)
				}
			}
		}},
		{"created since", h.full, in{"created_from": made.DateCreated}, func(t *testing.T, out ListCustomersOutput) {
			if !slices.ContainsFunc(out.Items, func(c CustomerSummary) bool { return c.ID == made.ID }) {
				t.Errorf("customer %d created %s missing", made.ID, made.DateCreated)
			}
			for _, c := range out.Items {
				if c.DateCreated < made.DateCreated {
					t.Errorf("customer %d created %s", c.ID, c.DateCreated)
				}
			}
		}},
		{"nothing matches", h.full, in{"email": "nobody@nowhere.example"}, func(t *testing.T, out ListCustomersOutput) {
			if len(out.Items) != 0 || out.Next != nil {
				t.Errorf("got %+v", out)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.check(t, mustCall[ListCustomersOutput](t, h, tt.env, "list-customers", tt.input))
		})
	}
	t.Run("list bad input", func(t *testing.T) {
		for _, tt := range []struct {
			input in
			field string
		}{
			{in{"email": "zed"}, "email"},
			{in{"sort": "email:asc"}, "sort"},
			{in{"created_to": "soon"}, "created_to"},
			{in{"limit": 1000}, "limit"},
		} {
			_, err := call[ListCustomersOutput](t, h, h.full, "list-customers", tt.input)
			wantError(t, err, CategoryBadInput, tt.field)
		}
	})
	t.Run("get", func(t *testing.T) {
		got := mustCall[GetCustomerOutput](t, h, h.ro, "get-customer", in{"id": made.ID}).Customer
		if got.ID != made.ID || got.Email != "zed@quay.example" || len(got.Addresses) != 1 || got.Addresses[0].Address1 != "1 Pier Rd" {
			t.Errorf("got %+v", got)
		}
		_, err := call[GetCustomerOutput](t, h, h.full, "get-customer", in{"id": 987654})
		e := wantError(t, err, CategoryNotFound, "")
		if !strings.Contains(e.Next, "list-customers") {
			t.Errorf("next %q does not point at list-customers", e.Next)
		}
		_, err = call[GetCustomerOutput](t, h, h.full, "get-customer", in{"id": 0})
		e = wantError(t, err, CategoryBadInput, "id")
		if !strings.Contains(e.Message, "guest") {
			t.Errorf("message %q does not explain guest orders", e.Message)
		}
	})
}

// An address missing several fields names the first of them, in field order,
// on every run (the check once ranged over a map).
func TestCreateCustomerAddressNamesFirstMissingField(t *testing.T) {
	t.Parallel()
	for range 20 {
		tool, _ := NewRegistry().Lookup("create-customer")
		err := tool.CheckInput(json.RawMessage(`{"email": "a@b.example", "first_name": "A", "last_name": "B",
			"addresses": [{"first_name": "A", "city": " ", "country_code": ""}]}`))
		var e *Error
		if !errors.As(err, &e) || e.Field != "addresses[0].last_name" {
			t.Fatalf("check() = %v; want bad_input naming addresses[0].last_name", err)
		}
	}
}
