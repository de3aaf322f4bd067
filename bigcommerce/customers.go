package bigcommerce

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"time"
)

// CustomersService handles customers (V3 /customers). V3 creates and updates
// customers in arrays of at most 10, and has no single-customer GET.
type CustomersService struct{ c *Client }

// Customer is a V3 customer.
type Customer struct {
	ID                                      int                  `json:"id"`
	Email                                   string               `json:"email"`
	FirstName                               string               `json:"first_name"`
	LastName                                string               `json:"last_name"`
	Company                                 string               `json:"company"`
	Phone                                   string               `json:"phone"`
	Notes                                   string               `json:"notes"`
	TaxExemptCategory                       string               `json:"tax_exempt_category"`
	CustomerGroupID                         int                  `json:"customer_group_id"`
	RegistrationIPAddress                   string               `json:"registration_ip_address"`
	AcceptsProductReviewAbandonedCartEmails bool                 `json:"accepts_product_review_abandoned_cart_emails"`
	OriginChannelID                         int                  `json:"origin_channel_id"`
	ChannelIDs                              []int                `json:"channel_ids"`
	AddressCount                            int                  `json:"address_count"`
	AttributeCount                          int                  `json:"attribute_count"`
	DateCreated                             Time                 `json:"date_created"`
	DateModified                            Time                 `json:"date_modified"`
	Addresses                               []*CustomerAddress   `json:"addresses,omitempty"`  // with include=addresses
	Attributes                              []*CustomerAttribute `json:"attributes,omitempty"` // with include=attributes
}

// CustomerAddress is one of a customer's addresses.
type CustomerAddress struct {
	ID              int    `json:"id"`
	CustomerID      int    `json:"customer_id"`
	FirstName       string `json:"first_name"`
	LastName        string `json:"last_name"`
	Company         string `json:"company"`
	Address1        string `json:"address1"`
	Address2        string `json:"address2"`
	City            string `json:"city"`
	StateOrProvince string `json:"state_or_province"`
	PostalCode      string `json:"postal_code"`
	Country         string `json:"country"`
	CountryCode     string `json:"country_code"`
	Phone           string `json:"phone"`
	AddressType     string `json:"address_type"` // residential or commercial
}

// CustomerAttribute is a value of a store-defined customer attribute.
type CustomerAttribute struct {
	ID             int    `json:"id"`
	AttributeID    int    `json:"attribute_id"`
	AttributeValue string `json:"attribute_value"`
	CustomerID     int    `json:"customer_id"`
	DateCreated    Time   `json:"date_created"`
	DateModified   Time   `json:"date_modified"`
}

const (
	maxCustomerBatch    = 10
	maxCustomerDeleteIn = 250
)

var (
	customerIncludes = []string{"addresses", "storecredit", "attributes", "formfields", "shopper_profile_id", "segment_ids"}
)

// CustomerListOptions filters GET /v3/customers.
type CustomerListOptions struct {
	IDs              []int    // id:in
	Emails           []string // email:in
	NameLike         string   // name:like, a substring of the full name
	CustomerGroupIDs []int    // customer_group_id:in
	DateCreatedMin   time.Time
	DateCreatedMax   time.Time
	DateModifiedMin  time.Time
	DateModifiedMax  time.Time
	// Include embeds sub-resources: addresses, attributes, storecredit, ...
	Include []string
	// Sort carries its direction: date_created:asc, last_name:desc, date_modified:asc, ...
	Sort string

	After string // cursor: the previous page's end_cursor
	Page  int    // offset paging, when no cursor is used
	Limit int    // at most 250
}

func (o *CustomerListOptions) values() (url.Values, error) {
	q := listQuery(o.Page, o.Limit)
	q.check(checkAllOneOf("include", o.Include, customerIncludes...))
	q.ints("id:in", o.IDs)
	q.strs("email:in", o.Emails)
	q.str("name:like", o.NameLike)
	q.ints("customer_group_id:in", o.CustomerGroupIDs)
	q.time("date_created:min", o.DateCreatedMin)
	q.time("date_created:max", o.DateCreatedMax)
	q.time("date_modified:min", o.DateModifiedMin)
	q.time("date_modified:max", o.DateModifiedMax)
	q.strs("include", o.Include)
	q.str("sort", o.Sort)
	q.str("after", o.After)
	return q.encode()
}

func (o *CustomerListOptions) atPage(p pageRequest) {
	o.Page, o.After, o.Limit = cursorPage(p), p.After, p.Limit
}

// List lists one page of customers: GET /v3/customers. The next page's cursor
// is in Response.Meta.CursorPagination.EndCursor.
func (s *CustomersService) List(ctx context.Context, opts *CustomerListOptions) ([]*Customer, *Response, error) {
	return v3List[*Customer](ctx, s.c, "/customers", opts)
}

// All iterates over every customer matching opts, following cursors:
// GET /v3/customers. opts.After, opts.Page and opts.Limit are ignored.
func (s *CustomersService) All(ctx context.Context, opts *CustomerListOptions) iter.Seq2[*Customer, error] {
	return allPages(ctx, pagingV3Cursor, opts, s.List)
}

// Get fetches one customer with addresses and attributes through
// GET /v3/customers?id:in={id}, as V3 has no single-customer GET. When there
// is no such customer the error satisfies errors.Is(err, ErrNotFound).
func (s *CustomersService) Get(ctx context.Context, id int) (*Customer, *Response, error) {
	if err := checkID("customer_id", id); err != nil {
		return nil, nil, err
	}
	list, resp, err := s.List(ctx, &CustomerListOptions{IDs: []int{id}, Include: []string{"addresses", "attributes"}})
	if err != nil {
		return nil, resp, err
	}
	for _, c := range list {
		if c.ID == id {
			return c, resp, nil
		}
	}
	return nil, resp, notFound("customer", fmt.Sprintf("no customer has ID %d", id))
}

// CustomerCreateRequest creates a customer. Email, FirstName and LastName are required.
type CustomerCreateRequest struct {
	Email                                   string                  `json:"email"`
	FirstName                               string                  `json:"first_name"`
	LastName                                string                  `json:"last_name"`
	Company                                 string                  `json:"company,omitempty"`
	Phone                                   string                  `json:"phone,omitempty"`
	Notes                                   string                  `json:"notes,omitempty"`
	TaxExemptCategory                       string                  `json:"tax_exempt_category,omitempty"`
	CustomerGroupID                         int                     `json:"customer_group_id,omitempty"`
	AcceptsProductReviewAbandonedCartEmails bool                    `json:"accepts_product_review_abandoned_cart_emails,omitempty"`
	ChannelIDs                              []int                   `json:"channel_ids,omitempty"`
	Addresses                               []*AddressCreateRequest `json:"addresses,omitempty"`
}

// AddressCreateRequest creates a customer address. FirstName, LastName,
// Address1, City and CountryCode are required; CustomerID only when the
// address is created on its own.
type AddressCreateRequest struct {
	CustomerID int `json:"customer_id,omitempty"`
	AddressFields
}

// AddressFields are a customer address as V3 writes it: the name, the postal
// address and the contact.
type AddressFields struct {
	FirstName       string `json:"first_name"`
	LastName        string `json:"last_name"`
	Company         string `json:"company,omitempty"`
	Address1        string `json:"address1"`
	Address2        string `json:"address2,omitempty"`
	City            string `json:"city"`
	StateOrProvince string `json:"state_or_province,omitempty"`
	PostalCode      string `json:"postal_code,omitempty"`
	CountryCode     string `json:"country_code"`
	Phone           string `json:"phone,omitempty"`
	AddressType     string `json:"address_type,omitempty"` // residential or commercial
}

func (r *AddressCreateRequest) validate(field string, standalone bool) error {
	if r == nil {
		return invalid(field, "is null")
	}
	if standalone {
		if err := checkID(field+".customer_id", r.CustomerID); err != nil {
			return err
		}
	}
	for _, f := range []struct{ name, v string }{
		{"first_name", r.FirstName}, {"last_name", r.LastName}, {"address1", r.Address1}, {"city", r.City}, {"country_code", r.CountryCode},
	} {
		if f.v == "" {
			return invalid(field+"."+f.name, "is required")
		}
	}
	return nil
}

func (r *CustomerCreateRequest) validate(field string) error {
	if r == nil {
		return invalid(field, "is null")
	}
	for _, f := range []struct{ name, v string }{{"email", r.Email}, {"first_name", r.FirstName}, {"last_name", r.LastName}} {
		if f.v == "" {
			return invalid(field+"."+f.name, "is required")
		}
	}
	for i, a := range r.Addresses {
		if err := a.validate(field+".addresses["+itoa(i)+"]", false); err != nil {
			return err
		}
	}
	return nil
}

// Create creates customers: POST /v3/customers, 10 per request. Larger input
// is split into several requests sent in order; if one fails, the customers
// created by earlier requests are returned with an error naming the failed
// batch. BigCommerce has no idempotency key: when the outcome is unknown, look
// customers up by email before trying again.
func (s *CustomersService) Create(ctx context.Context, customers []*CustomerCreateRequest) ([]*Customer, error) {
	if len(customers) == 0 {
		return nil, invalid("customers", "at least one customer is required")
	}
	for i, r := range customers {
		if err := r.validate("customers[" + itoa(i) + "]"); err != nil {
			return nil, err
		}
	}
	var out []*Customer
	err := inBatches("create customers", customers, maxCustomerBatch, func(batch []*CustomerCreateRequest) error {
		got, _, err := v3Data[[]*Customer](ctx, s.c, http.MethodPost, "/customers", nil, batch)
		out = append(out, got...)
		return err
	})
	return out, err
}

// CustomerUpdate changes one customer; only non-nil fields are sent.
type CustomerUpdate struct {
	ID                                      int     `json:"id"`
	Email                                   *string `json:"email,omitempty"`
	FirstName                               *string `json:"first_name,omitempty"`
	LastName                                *string `json:"last_name,omitempty"`
	Company                                 *string `json:"company,omitempty"`
	Phone                                   *string `json:"phone,omitempty"`
	Notes                                   *string `json:"notes,omitempty"`
	TaxExemptCategory                       *string `json:"tax_exempt_category,omitempty"`
	CustomerGroupID                         *int    `json:"customer_group_id,omitempty"`
	AcceptsProductReviewAbandonedCartEmails *bool   `json:"accepts_product_review_abandoned_cart_emails,omitempty"`
}

// Update changes customers: PUT /v3/customers, 10 per request, split like Create.
func (s *CustomersService) Update(ctx context.Context, updates []*CustomerUpdate) ([]*Customer, error) {
	if len(updates) == 0 {
		return nil, invalid("customers", "at least one customer update is required")
	}
	for i, u := range updates {
		f := "customers[" + itoa(i) + "]"
		if u == nil {
			return nil, invalid(f, "is null")
		}
		if err := checkID(f+".id", u.ID); err != nil {
			return nil, err
		}
		if u.FirstName != nil && *u.FirstName == "" {
			return nil, invalid(f+".first_name", "cannot be empty")
		}
		if u.LastName != nil && *u.LastName == "" {
			return nil, invalid(f+".last_name", "cannot be empty")
		}
	}
	var out []*Customer
	err := inBatches("update customers", updates, maxCustomerBatch, func(batch []*CustomerUpdate) error {
		got, _, err := v3Data[[]*Customer](ctx, s.c, http.MethodPut, "/customers", nil, batch)
		out = append(out, got...)
		return err
	})
	return out, err
}

// Delete deletes the customers with the given IDs: DELETE
// /v3/customers?id:in=..., 250 IDs per request. An empty list is refused before
// any request: the endpoint answers 204 without a filter, which would hide the mistake.
func (s *CustomersService) Delete(ctx context.Context, ids []int) error {
	if err := checkIDs("id:in", ids); err != nil {
		return err
	}
	return inBatches("delete customers", ids, maxCustomerDeleteIn, func(batch []int) error {
		_, err := noContent(ctx, s.c, http.MethodDelete, "v3", "/customers", url.Values{"id:in": {joinInts(batch)}})
		return err
	})
}

// AddressListOptions filters GET /v3/customers/addresses.
type AddressListOptions struct {
	CustomerIDs []int // customer_id:in
	IDs         []int // id:in
	Page        int
	Limit       int
}

func (o *AddressListOptions) values() (url.Values, error) {
	q := listQuery(o.Page, o.Limit)
	q.ints("customer_id:in", o.CustomerIDs)
	q.ints("id:in", o.IDs)
	return q.encode()
}

func (o *AddressListOptions) atPage(p pageRequest) { o.Page, o.Limit = p.Page, p.Limit }

// ListAddresses lists one page of customer addresses: GET /v3/customers/addresses.
func (s *CustomersService) ListAddresses(ctx context.Context, opts *AddressListOptions) ([]*CustomerAddress, *Response, error) {
	return v3List[*CustomerAddress](ctx, s.c, "/customers/addresses", opts)
}

// AllAddresses iterates over every address matching opts: GET /v3/customers/addresses.
func (s *CustomersService) AllAddresses(ctx context.Context, opts *AddressListOptions) iter.Seq2[*CustomerAddress, error] {
	return allPages(ctx, pagingV3Offset, opts, s.ListAddresses)
}

// CreateAddresses creates addresses: POST /v3/customers/addresses, 10 per
// request, split like Create. Each address needs its CustomerID.
func (s *CustomersService) CreateAddresses(ctx context.Context, addrs []*AddressCreateRequest) ([]*CustomerAddress, error) {
	if len(addrs) == 0 {
		return nil, invalid("addresses", "at least one address is required")
	}
	for i, a := range addrs {
		if err := a.validate("addresses["+itoa(i)+"]", true); err != nil {
			return nil, err
		}
	}
	var out []*CustomerAddress
	err := inBatches("create addresses", addrs, maxCustomerBatch, func(batch []*AddressCreateRequest) error {
		got, _, err := v3Data[[]*CustomerAddress](ctx, s.c, http.MethodPost, "/customers/addresses", nil, batch)
		out = append(out, got...)
		return err
	})
	return out, err
}
