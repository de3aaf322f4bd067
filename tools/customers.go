package tools

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/bigc-dev/bigc/bigcommerce"
)

// CustomerSummary is one customer in a list.
type CustomerSummary struct {
	ID              int    `json:"id"`
	Email           string `json:"email"`
	FirstName       string `json:"first_name"`
	LastName        string `json:"last_name"`
	Company         string `json:"company,omitempty"`
	Phone           string `json:"phone,omitempty"`
	CustomerGroupID int    `json:"customer_group_id" jsonschema:"group id; 0 for none"`
	DateCreated     string `json:"date_created,omitempty" jsonschema:"created"`
	DateModified    string `json:"date_modified,omitempty" jsonschema:"last change"`
	AddressCount    int    `json:"address_count" jsonschema:"saved addresses"`
}

// CustomerAddressOut is one saved address of a customer.
type CustomerAddressOut struct {
	ID              int    `json:"id" jsonschema:"address id"`
	FirstName       string `json:"first_name"`
	LastName        string `json:"last_name"`
	Company         string `json:"company,omitempty"`
	Address1        string `json:"address1" jsonschema:"street"`
	Address2        string `json:"address2,omitempty" jsonschema:"street, line 2"`
	City            string `json:"city"`
	StateOrProvince string `json:"state_or_province,omitempty"`
	PostalCode      string `json:"postal_code,omitempty"`
	Country         string `json:"country,omitempty" jsonschema:"country name"`
	CountryCode     string `json:"country_code" jsonschema:"ISO 3166 code"`
	Phone           string `json:"phone,omitempty"`
	AddressType     string `json:"address_type,omitempty" bigc:"enum=residential|commercial"`
}

// CustomerDetail is one customer with addresses.
type CustomerDetail struct {
	CustomerSummary
	Notes     string               `json:"notes,omitempty"`
	Addresses []CustomerAddressOut `json:"addresses" jsonschema:"saved addresses"`
}

func customerSummary(c *bigcommerce.Customer) CustomerSummary {
	return CustomerSummary{ID: c.ID, Email: c.Email, FirstName: c.FirstName, LastName: c.LastName,
		Company: c.Company, Phone: c.Phone, CustomerGroupID: c.CustomerGroupID,
		DateCreated: formatTime(c.DateCreated.Time), DateModified: formatTime(c.DateModified.Time), AddressCount: c.AddressCount}
}

func customerDetail(c *bigcommerce.Customer) CustomerDetail {
	d := CustomerDetail{CustomerSummary: customerSummary(c), Notes: c.Notes, Addresses: []CustomerAddressOut{}}
	for _, a := range c.Addresses {
		if a == nil {
			continue
		}
		d.Addresses = append(d.Addresses, CustomerAddressOut{ID: a.ID, FirstName: a.FirstName, LastName: a.LastName,
			Company: a.Company, Address1: a.Address1, Address2: a.Address2, City: a.City,
			StateOrProvince: a.StateOrProvince, PostalCode: a.PostalCode, Country: a.Country,
			CountryCode: a.CountryCode, Phone: a.Phone, AddressType: a.AddressType})
	}
	if len(c.Addresses) > d.AddressCount {
		d.AddressCount = len(c.Addresses)
	}
	return d
}

// ---- list-customers

// ListCustomersInput filters list-customers.
type ListCustomersInput struct {
	Email           string `json:"email,omitempty" jsonschema:"exact" bigc:"pattern=email"`
	Name            string `json:"name,omitempty" jsonschema:"partial"`
	CustomerGroupID *int   `json:"customer_group_id,omitempty" bigc:"minimum=0"`
	CreatedFrom     string `json:"created_from,omitempty"`
	CreatedTo       string `json:"created_to,omitempty"`
	ModifiedFrom    string `json:"modified_from,omitempty"`
	ModifiedTo      string `json:"modified_to,omitempty"`
	Sort            string `json:"sort,omitempty" bigc:"enum=date_created:asc|date_created:desc|date_modified:asc|date_modified:desc|last_name:asc|last_name:desc"`
	Limit           int    `json:"limit,omitempty"`
	Cursor          string `json:"cursor,omitempty" jsonschema:"next.cursor"`
}

// ListCustomersOutput is one page of customers.
type ListCustomersOutput struct {
	Items []CustomerSummary `json:"items" jsonschema:"this page's customers"`
	Next  *NextPage         `json:"next" jsonschema:"a cursor; null on the last page"`
	Hint  string            `json:"hint" jsonschema:"what to do next"`
}

func addListCustomers(r *Registry) {
	add(r, Spec[ListCustomersInput, ListCustomersOutput]{
		Name:        "list-customers",
		Title:       "List customers",
		Description: "Customers, filtered; follow next.cursor with the same filters.",
		Annotations: Annotations{ReadOnly: true, Idempotent: true, OpenWorld: true},
		Handler:     listCustomers,
	})
}

func listCustomers(ctx context.Context, env *Env, in ListCustomersInput) (ListCustomersOutput, error) {
	var out ListCustomersOutput
	limit := listLimit(env, in.Limit)
	created, modified, err := parseCreatedModified(in.CreatedFrom, in.CreatedTo, in.ModifiedFrom, in.ModifiedTo)
	if err != nil {
		return out, err
	}
	opts := &bigcommerce.CustomerListOptions{NameLike: strings.TrimSpace(in.Name),
		DateCreatedMin: created.From, DateCreatedMax: created.To, DateModifiedMin: modified.From, DateModifiedMax: modified.To,
		Sort: in.Sort, After: in.Cursor, Limit: limit}
	if e := strings.TrimSpace(in.Email); e != "" {
		opts.Emails = []string{e}
	}
	if in.CustomerGroupID != nil {
		opts.CustomerGroupIDs = []int{*in.CustomerGroupID}
	}
	cs, resp, err := env.Client.Customers.List(ctx, opts)
	if err != nil {
		return out, apiError(err, "")
	}
	out.Items = make([]CustomerSummary, 0, len(cs))
	for _, c := range cs {
		out.Items = append(out.Items, customerSummary(c))
	}
	if resp != nil && resp.Meta != nil && len(cs) > 0 {
		if cp := resp.Meta.CursorPagination; cp != nil && cp.EndCursor != "" && cp.Links.Next != "" {
			out.Next = &NextPage{Cursor: cp.EndCursor}
		}
	}
	out.Hint = pageHint(out.Next, len(out.Items), "get-customer with id for addresses, or list-orders with customer=ID for orders")
	return out, nil
}

// ---- get-customer

// GetCustomerInput names a customer.
type GetCustomerInput struct {
	ID int `json:"id" bigc:"minimum=0"`
}

// GetCustomerOutput is one customer.
type GetCustomerOutput struct {
	Customer CustomerDetail `json:"customer" jsonschema:"the customer"`
}

func addGetCustomer(r *Registry) {
	add(r, Spec[GetCustomerInput, GetCustomerOutput]{
		Name:        "get-customer",
		Title:       "Get a customer",
		Description: "One customer with saved addresses. Guests (customer_id 0) have no record.",
		Annotations: Annotations{ReadOnly: true, Idempotent: true, OpenWorld: true},
		Handler: func(ctx context.Context, env *Env, in GetCustomerInput) (GetCustomerOutput, error) {
			if in.ID == 0 {
				return GetCustomerOutput{}, BadInput("id", "0 is not a customer: guest orders have customer_id 0 and no customer record")
			}
			c, _, err := env.Client.Customers.Get(ctx, in.ID)
			if err != nil {
				return GetCustomerOutput{}, apiError(err, "call list-customers with email=... or name=... to find the id")
			}
			return GetCustomerOutput{Customer: customerDetail(c)}, nil
		},
	})
}

// ---- create-customer

// CreateCustomerInput is a new customer.
type CreateCustomerInput struct {
	Email           string       `json:"email" bigc:"pattern=email;maxLength=250"`
	FirstName       string       `json:"first_name" bigc:"pattern=nonblank;maxLength=100"`
	LastName        string       `json:"last_name" bigc:"pattern=nonblank;maxLength=100"`
	Phone           string       `json:"phone,omitempty"`
	Company         string       `json:"company,omitempty"`
	CustomerGroupID int          `json:"customer_group_id,omitempty" bigc:"minimum=0"`
	Notes           string       `json:"notes,omitempty"`
	Addresses       []NewAddress `json:"addresses,omitempty"`
}

// NewAddress is an address of a new customer.
type NewAddress struct {
	FirstName       string `json:"first_name" bigc:"pattern=nonblank"`
	LastName        string `json:"last_name" bigc:"pattern=nonblank"`
	Company         string `json:"company,omitempty"`
	Address1        string `json:"address1" bigc:"pattern=nonblank"`
	Address2        string `json:"address2,omitempty"`
	City            string `json:"city" bigc:"pattern=nonblank"`
	StateOrProvince string `json:"state_or_province,omitempty"`
	PostalCode      string `json:"postal_code,omitempty"`
	CountryCode     string `json:"country_code" jsonschema:"e.g. US" bigc:"pattern=country"`
	Phone           string `json:"phone,omitempty"`
	AddressType     string `json:"address_type,omitempty" jsonschema:"default residential" bigc:"enum=residential|commercial"`
}

// CreateCustomerOutput is the created customer.
type CreateCustomerOutput struct {
	Customer   CustomerDetail `json:"customer" jsonschema:"as stored"`
	Reconciled bool           `json:"reconciled" jsonschema:"true: the answer was lost and the customer found by email (created once)"`
}

func addCreateCustomer(r *Registry) {
	add(r, Spec[CreateCustomerInput, CreateCustomerOutput]{
		Name:        "create-customer",
		Title:       "Create a customer",
		Description: "Create a customer with addresses; a taken email is a conflict naming its customer.",
		Annotations: Annotations{Idempotent: true, OpenWorld: true},
		Preview:     previewCreateCustomer,
		Handler:     createCustomer,
	})
}

// normalize trims what the schema allowed around the names and the email.
func (in *CreateCustomerInput) normalize() {
	in.Email = strings.TrimSpace(in.Email)
	in.FirstName, in.LastName = strings.TrimSpace(in.FirstName), strings.TrimSpace(in.LastName)
}

func createCustomer(ctx context.Context, env *Env, in CreateCustomerInput) (CreateCustomerOutput, error) {
	var out CreateCustomerOutput
	in.normalize()
	if err := checkEmailFree(ctx, env, in.Email); err != nil {
		return out, err
	}
	req := &bigcommerce.CustomerCreateRequest{Email: in.Email, FirstName: in.FirstName, LastName: in.LastName,
		Phone: in.Phone, Company: in.Company, CustomerGroupID: in.CustomerGroupID, Notes: in.Notes}
	for _, a := range in.Addresses {
		req.Addresses = append(req.Addresses, &bigcommerce.AddressCreateRequest{AddressFields: bigcommerce.AddressFields{
			FirstName: a.FirstName, LastName: a.LastName, Company: a.Company, Address1: a.Address1, Address2: a.Address2, City: a.City,
			StateOrProvince: a.StateOrProvince, PostalCode: a.PostalCode, CountryCode: strings.ToUpper(a.CountryCode), Phone: a.Phone, AddressType: a.AddressType}})
	}
	created, cerr := env.Client.Customers.Create(ctx, []*bigcommerce.CustomerCreateRequest{req})
	if cerr == nil && len(created) == 1 {
		id := created[0].ID
		c, _, err := env.Client.Customers.Get(ctx, id)
		if err != nil {
			return out, withNext(err, fmt.Sprintf("the customer was created with id %d; call get-customer with id=%d", id, id))
		}
		out.Customer = customerDetail(c)
		return out, nil
	}
	if cerr == nil {
		cerr = fmt.Errorf("the store answered the create with %d customers instead of 1", len(created))
	}
	lost := errors.Is(cerr, bigcommerce.ErrOutcomeUnknown)
	if !lost && !errors.Is(cerr, bigcommerce.ErrConflict) && !errors.Is(cerr, bigcommerce.ErrValidation) {
		return out, apiError(cerr, "")
	}
	// The email was free a moment ago: a customer holding it now was made by
	// this call (answer lost) or by a concurrent one (conflict).
	found, err := customerByEmail(ctx, env, in.Email)
	if err != nil {
		return out, err
	}
	switch {
	case found != nil && lost:
		out.Customer = customerDetail(found)
		out.Reconciled = true
		return out, nil
	case found != nil:
		return out, duplicateEmail(found)
	case lost:
		return out, withNext(cerr, fmt.Sprintf("the answer was lost and no customer has email %s, so none was created; call create-customer again", in.Email))
	}
	return out, apiError(cerr, "")
}

func previewCreateCustomer(ctx context.Context, env *Env, in CreateCustomerInput) (string, error) {
	in.normalize()
	if err := checkEmailFree(ctx, env, in.Email); err != nil {
		return "", err
	}
	return fmt.Sprintf("would create customer %s (%s %s) with %d addresses", in.Email, in.FirstName, in.LastName, len(in.Addresses)), nil
}

// customerByEmail returns the customer with email (compared without regard to
// case, as the store does), with addresses, or nil.
func customerByEmail(ctx context.Context, env *Env, email string) (*bigcommerce.Customer, error) {
	cs, _, err := env.Client.Customers.List(ctx, &bigcommerce.CustomerListOptions{Emails: []string{email}, Include: []string{"addresses"}, Limit: 10})
	if err != nil {
		return nil, apiError(err, "")
	}
	for _, c := range cs {
		if strings.EqualFold(c.Email, email) {
			return c, nil
		}
	}
	return nil, nil
}

// checkEmailFree refuses an email that a customer already has, naming them.
func checkEmailFree(ctx context.Context, env *Env, email string) error {
	existing, err := customerByEmail(ctx, env, email)
	if err != nil {
		return err
	}
	if existing != nil {
		return duplicateEmail(existing)
	}
	return nil
}

func duplicateEmail(c *bigcommerce.Customer) *Error {
	return &Error{Category: CategoryConflict,
		Message: fmt.Sprintf("customer %d (%s %s) already has email %s", c.ID, c.FirstName, c.LastName, c.Email),
		Next:    fmt.Sprintf("call get-customer with id=%d to use the existing customer", c.ID)}
}
