package tools

import (
	"context"
	"fmt"
	"strings"

	"github.com/bigc-dev/bigc/bigcommerce"
)

// ---- update-customer: PUT /v3/customers

// UpdateCustomerInput changes a customer; fields left out stay as they are.
type UpdateCustomerInput struct {
	ID              int     `json:"id" bigc:"minimum=1"`
	Email           *string `json:"email,omitempty" bigc:"pattern=email;maxLength=250"`
	FirstName       *string `json:"first_name,omitempty" bigc:"pattern=nonblank;maxLength=100"`
	LastName        *string `json:"last_name,omitempty" bigc:"pattern=nonblank;maxLength=100"`
	Phone           *string `json:"phone,omitempty" bigc:"maxLength=50"`
	Company         *string `json:"company,omitempty" bigc:"maxLength=255"`
	CustomerGroupID *int    `json:"customer_group_id,omitempty" jsonschema:"0 for no group" bigc:"minimum=0"`
	Notes           *string `json:"notes,omitempty" jsonschema:"staff notes"`
}

// UpdateCustomerOutput is the customer as stored after the change.
type UpdateCustomerOutput struct {
	Customer CustomerDetail `json:"customer"`
	Changed  []string       `json:"changed" jsonschema:"the fields changed"`
}

func addUpdateCustomer(r *Registry) {
	add(r, Spec[UpdateCustomerInput, UpdateCustomerOutput]{
		Name:        "update-customer",
		Title:       "Update a customer",
		Description: "Change a customer: only the fields given are sent.",
		Annotations: Annotations{Idempotent: true, OpenWorld: true},
		Preview:     previewUpdateCustomer,
		Handler:     updateCustomer,
	})
}

// plan reads the customer, checks a new email, and returns the update and
// the fields it changes in words; nothing is written.
func (in UpdateCustomerInput) plan(ctx context.Context, env *Env) (*bigcommerce.Customer, *bigcommerce.CustomerUpdate, []string, error) {
	c, _, err := env.Client.Customers.Get(ctx, in.ID)
	if err != nil {
		return nil, nil, nil, apiError(err, "call list-customers to find the customer id")
	}
	u := &bigcommerce.CustomerUpdate{ID: in.ID}
	var changes []string
	str := func(name string, v *string, old string, dst **string) {
		if v == nil {
			return
		}
		s := strings.TrimSpace(*v)
		if s != old {
			*dst = &s
			changes = append(changes, fmt.Sprintf("%s %q -> %q", name, old, s))
		}
	}
	if in.Email != nil && !strings.EqualFold(strings.TrimSpace(*in.Email), c.Email) {
		if err := checkEmailFree(ctx, env, strings.TrimSpace(*in.Email)); err != nil {
			return nil, nil, nil, err
		}
	}
	str("email", in.Email, c.Email, &u.Email)
	str("first_name", in.FirstName, c.FirstName, &u.FirstName)
	str("last_name", in.LastName, c.LastName, &u.LastName)
	str("phone", in.Phone, c.Phone, &u.Phone)
	str("company", in.Company, c.Company, &u.Company)
	str("notes", in.Notes, c.Notes, &u.Notes)
	if g := in.CustomerGroupID; g != nil && *g != c.CustomerGroupID {
		u.CustomerGroupID = g
		changes = append(changes, fmt.Sprintf("customer_group_id %d -> %d", c.CustomerGroupID, *g))
	}
	return c, u, changes, nil
}

func previewUpdateCustomer(ctx context.Context, env *Env, in UpdateCustomerInput) (string, error) {
	c, _, changes, err := in.plan(ctx, env)
	if err != nil {
		return "", err
	}
	if len(changes) == 0 {
		return fmt.Sprintf("customer %d (%s) already has these values; nothing would change", c.ID, c.Email), nil
	}
	return fmt.Sprintf("would change customer %d (%s): %s", c.ID, c.Email, strings.Join(changes, "; ")), nil
}

func updateCustomer(ctx context.Context, env *Env, in UpdateCustomerInput) (UpdateCustomerOutput, error) {
	out := UpdateCustomerOutput{Changed: []string{}}
	c, u, changes, err := in.plan(ctx, env)
	if err != nil {
		return out, err
	}
	if len(changes) > 0 {
		if _, err := env.Client.Customers.Update(ctx, []*bigcommerce.CustomerUpdate{u}); err != nil {
			return out, apiError(err, "")
		}
		if c, _, err = env.Client.Customers.Get(ctx, in.ID); err != nil {
			return out, withNext(err, fmt.Sprintf("the change was sent; call get-customer with id=%d to see it", in.ID))
		}
		for _, ch := range changes {
			name, _, _ := strings.Cut(ch, " ")
			out.Changed = append(out.Changed, name)
		}
	}
	out.Customer = customerDetail(c)
	return out, nil
}
