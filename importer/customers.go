package importer

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/state"
)

// Customer is one customer to import, matched to the store by email. Fields
// left out are left alone when the customer exists; addresses the customer
// lacks are added (none is removed).
type Customer struct {
	Email           string    `json:"email"`
	FirstName       string    `json:"first_name"`
	LastName        string    `json:"last_name"`
	Company         *string   `json:"company,omitempty"`
	Phone           *string   `json:"phone,omitempty"`
	Notes           *string   `json:"notes,omitempty"`
	CustomerGroupID *int      `json:"customer_group_id,omitempty"`
	Addresses       []Address `json:"addresses,omitempty"`
}

// Address is a customer's address, in the fields V3 writes.
type Address = bigcommerce.AddressFields

// customerColumns are the columns of bigc's customer CSV: one row per
// customer, further rows with the same email add addresses.
var customerColumns = []string{"email", "first_name", "last_name", "company", "phone", "notes", "customer_group_id",
	"address_first_name", "address_last_name", "address_company", "address1", "address2", "city", "state_or_province",
	"postal_code", "country_code", "address_phone", "address_type"}

// CustomerReader opens a customer file: JSON Lines of Customer, or CSV with
// customerColumns.
func CustomerReader(format string, r io.Reader) (Reader[Customer], error) {
	switch format {
	case FormatJSONL:
		return newJSONLReader[Customer](r), nil
	case FormatCSV:
	default:
		return nil, rowErr("format", "%q: want jsonl or csv", format)
	}
	t, err := newCSVTable(r)
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, c := range customerColumns {
		known[c] = true
	}
	for _, h := range t.head {
		if h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))); !known[h] {
			return nil, rowErr(h, "is not a column of bigc's customer CSV; columns: %s", strings.Join(customerColumns, ", "))
		}
	}
	if !t.has("email") {
		return nil, rowErr("email", "the header needs email; columns: %s", strings.Join(customerColumns, ", "))
	}
	address := func(r csvRow, c *Customer) {
		if r.get("address1") == "" {
			return
		}
		a := Address{FirstName: r.get("address_first_name"), LastName: r.get("address_last_name"), Company: r.get("address_company"),
			Address1: r.get("address1"), Address2: r.get("address2"), City: r.get("city"), StateOrProvince: r.get("state_or_province"),
			PostalCode: r.get("postal_code"), CountryCode: r.get("country_code"), Phone: r.get("address_phone"), AddressType: r.get("address_type")}
		if a.FirstName == "" {
			a.FirstName = c.FirstName
		}
		if a.LastName == "" {
			a.LastName = c.LastName
		}
		c.Addresses = append(c.Addresses, a)
	}
	return &grouper[Customer]{t: t,
		start: func(r csvRow, rec *Record[Customer]) {
			c := &cell{r: r}
			cu := Customer{Email: c.str("email"), FirstName: c.str("first_name"), LastName: c.str("last_name"),
				Company: c.strPtr("company"), Phone: c.strPtr("phone"), Notes: c.strPtr("notes")}
			if g := c.intPtr("customer_group_id"); g != nil {
				cu.CustomerGroupID = g
			}
			for _, p := range []**string{&cu.Company, &cu.Phone, &cu.Notes} {
				if *p != nil && **p == "" {
					*p = nil
				}
			}
			address(r, &cu)
			rec.Item, rec.Err = cu, c.err
		},
		add: func(r csvRow, rec *Record[Customer]) bool {
			if !strings.EqualFold(r.get("email"), rec.Item.Email) {
				return false
			}
			address(r, &rec.Item)
			return true
		},
	}, nil
}

func (c *Customer) normalize() *RowError {
	c.Email = strings.TrimSpace(c.Email)
	c.FirstName, c.LastName = strings.TrimSpace(c.FirstName), strings.TrimSpace(c.LastName)
	switch {
	case len(c.Email) < 3 || len(c.Email) > 250 || !strings.Contains(c.Email, "@"):
		return rowErr("email", "%q is not an email address", c.Email)
	case c.FirstName == "" || len(c.FirstName) > 100:
		return rowErr("first_name", "must be 1 to 100 characters")
	case c.LastName == "" || len(c.LastName) > 100:
		return rowErr("last_name", "must be 1 to 100 characters")
	}
	for i := range c.Addresses {
		a := &c.Addresses[i]
		f := fmt.Sprintf("addresses[%d]", i)
		for _, req := range []struct{ name, v string }{{"first_name", a.FirstName}, {"last_name", a.LastName}, {"address1", a.Address1}, {"city", a.City}, {"country_code", a.CountryCode}} {
			if strings.TrimSpace(req.v) == "" {
				return rowErr(f+"."+req.name, "is required")
			}
		}
		if len(a.CountryCode) != 2 {
			return rowErr(f+".country_code", "%q is not a two-letter ISO 3166 code such as US", a.CountryCode)
		}
		a.CountryCode = strings.ToUpper(a.CountryCode)
		if a.AddressType != "" && a.AddressType != "residential" && a.AddressType != "commercial" {
			return rowErr(f+".address_type", "%q: want residential or commercial", a.AddressType)
		}
	}
	return nil
}

// customerRow is one customer row on its way through a batch.
type customerRow struct {
	outcome
	c      *Customer
	cur    *bigcommerce.Customer
	update *bigcommerce.CustomerUpdate
	addrs  []*bigcommerce.AddressCreateRequest
}

// customerBatch is how many customers are looked up together (email:in) and
// then written, 10 per request.
const customerBatch = 50

// ImportCustomers upserts every customer rd yields, by email, with their
// addresses: GET /v3/customers?email:in=..., then POST and PUT /v3/customers
// and POST /v3/customers/addresses, 10 per request.
func (j *Job) ImportCustomers(ctx context.Context, rd Reader[Customer]) (Summary, error) {
	j.start("customers")
	err := readBatches(ctx, j, rd, customerBatch, (*Customer).normalize,
		func(c *Customer) []string { return []string{strings.ToLower(c.Email)} },
		func(batch []Record[Customer], done map[int]state.ImportRow) error {
			return j.customerBatch(ctx, batch, done)
		})
	return j.snapshot(), err
}

// findCustomers returns the store's customers with these emails, by
// lower-cased email, with their addresses.
func (j *Job) findCustomers(ctx context.Context, emails []string) (map[string]*bigcommerce.Customer, error) {
	out := map[string]*bigcommerce.Customer{}
	j.stats.read()
	for c, err := range j.Client.Customers.All(ctx, &bigcommerce.CustomerListOptions{Emails: emails, Include: []string{"addresses"}}) {
		if err != nil {
			return nil, err
		}
		out[strings.ToLower(c.Email)] = c
	}
	return out, nil
}

func (j *Job) customerBatch(ctx context.Context, batch []Record[Customer], done map[int]state.ImportRow) error {
	rows, todo := newRows(batch, done, func(c *Customer) string { return c.Email },
		func(o outcome, c *Customer) *customerRow { return &customerRow{outcome: o, c: c} })
	var emails []string
	for _, r := range todo {
		emails = append(emails, r.c.Email)
	}
	if len(todo) == 0 {
		return finish(ctx, j, rows, nil)
	}
	found, err := j.findCustomers(ctx, emails)
	if err != nil {
		return err
	}
	for _, r := range todo {
		planCustomer(r, found[strings.ToLower(r.c.Email)])
		for _, a := range r.addrs {
			r.completes = append(r.completes, "address "+a.Address1+", "+a.City)
		}
	}
	if j.DryRun {
		return finish(ctx, j, rows, nil)
	}
	stop := j.applyCustomers(ctx, todo)
	for _, r := range todo {
		if r.err == nil && r.id != 0 {
			r.ref = "customer " + strconv.Itoa(r.id)
		}
	}
	return finish(ctx, j, rows, stop)
}

func addressRequest(a Address, customerID int) *bigcommerce.AddressCreateRequest {
	return &bigcommerce.AddressCreateRequest{CustomerID: customerID, AddressFields: a}
}

// planCustomer decides r's create, or its update and the addresses it lacks.
func planCustomer(r *customerRow, cur *bigcommerce.Customer) {
	r.cur, r.changes, r.update, r.addrs = cur, changes{}, nil, nil
	if cur == nil {
		r.action = actionCreate
		return
	}
	r.id = cur.ID
	u := bigcommerce.CustomerUpdate{ID: cur.ID}
	r.changes.str("first_name", cur.FirstName, &r.c.FirstName, &u.FirstName)
	r.changes.str("last_name", cur.LastName, &r.c.LastName, &u.LastName)
	r.changes.str("company", cur.Company, r.c.Company, &u.Company)
	r.changes.str("phone", cur.Phone, r.c.Phone, &u.Phone)
	r.changes.str("notes", cur.Notes, r.c.Notes, &u.Notes)
	r.changes.integer("customer_group_id", cur.CustomerGroupID, r.c.CustomerGroupID, &u.CustomerGroupID)
	if len(r.changes) > 0 {
		r.update = &u
	}
	for _, a := range r.c.Addresses {
		if !hasAddress(cur.Addresses, a) {
			r.addrs = append(r.addrs, addressRequest(a, cur.ID))
		}
	}
	r.action = actionUnchanged
	if r.update != nil || len(r.addrs) > 0 {
		r.action = actionUpdate
	}
}

// hasAddress reports whether the customer already has a: same first line,
// city, postal code and country.
func hasAddress(have []*bigcommerce.CustomerAddress, a Address) bool {
	for _, h := range have {
		if h != nil && strings.EqualFold(h.Address1, a.Address1) && strings.EqualFold(h.City, a.City) &&
			strings.EqualFold(strings.ReplaceAll(h.PostalCode, " ", ""), strings.ReplaceAll(a.PostalCode, " ", "")) &&
			strings.EqualFold(h.CountryCode, a.CountryCode) {
			return true
		}
	}
	return false
}

// applyCustomers sends the creates (10 per request, addresses inline), the
// updates (10 per request) and the missing addresses (10 per request). A
// create whose answer is lost is reconciled by email before it is retried.
func (j *Job) applyCustomers(ctx context.Context, rows []*customerRow) error {
	var creates, updates, addrs []*customerRow
	for _, r := range rows {
		switch {
		case r.action == actionCreate:
			creates = append(creates, r)
		case r.update != nil:
			updates = append(updates, r)
		}
		if r.action == actionUpdate && len(r.addrs) > 0 {
			addrs = append(addrs, r)
		}
	}
	for i := 0; i < len(creates); i += 10 {
		if err := j.createCustomers(ctx, creates[i:min(i+10, len(creates))]); err != nil {
			return err
		}
	}
	for i := 0; i < len(updates); i += 10 {
		batch := updates[i:min(i+10, len(updates))]
		err := j.eachOrAll(batch, func(rs []*customerRow) error {
			us := make([]*bigcommerce.CustomerUpdate, len(rs))
			for k, r := range rs {
				us[k] = r.update
			}
			_, err := j.Client.Customers.Update(ctx, us)
			return err
		}, func(r *customerRow, e *RowError) { r.err = e })
		if err != nil {
			return err
		}
	}
	for _, r := range addrs {
		if r.err != nil {
			continue
		}
		err := j.retryCreate(ctx, func() error {
			_, err := j.Client.Customers.CreateAddresses(ctx, r.addrs)
			return err
		}, func() (bool, error) {
			found, err := j.findCustomers(ctx, []string{r.c.Email})
			if err != nil || found[strings.ToLower(r.c.Email)] == nil {
				return false, err
			}
			for _, a := range r.c.Addresses {
				if !hasAddress(found[strings.ToLower(r.c.Email)].Addresses, a) {
					return false, nil
				}
			}
			return true, nil
		})
		if refused(err) {
			r.err = apiRowError(err)
		} else if err != nil {
			return err
		}
	}
	return nil
}

// eachOrAll sends rows together; when the store refuses them, it sends each
// alone and rejects the ones it refuses.
func (j *Job) eachOrAll(rows []*customerRow, send func([]*customerRow) error, fail func(*customerRow, *RowError)) error {
	err := send(rows)
	j.stats.write()
	if !refused(err) {
		return err
	}
	for _, r := range rows {
		err := send([]*customerRow{r})
		j.stats.write()
		if refused(err) {
			fail(r, apiRowError(err))
		} else if err != nil {
			return err
		}
	}
	return nil
}

// createCustomers creates up to 10 customers with their addresses in one
// request: POST /v3/customers. After an unknown outcome the emails are
// looked up: those found were created (their addresses are completed), the
// others are sent again.
func (j *Job) createCustomers(ctx context.Context, rows []*customerRow) error {
	for attempt := 0; len(rows) > 0; attempt++ {
		reqs := make([]*bigcommerce.CustomerCreateRequest, len(rows))
		for i, r := range rows {
			c := r.c
			req := &bigcommerce.CustomerCreateRequest{Email: c.Email, FirstName: c.FirstName, LastName: c.LastName}
			if c.Company != nil {
				req.Company = *c.Company
			}
			if c.Phone != nil {
				req.Phone = *c.Phone
			}
			if c.Notes != nil {
				req.Notes = *c.Notes
			}
			if c.CustomerGroupID != nil {
				req.CustomerGroupID = *c.CustomerGroupID
			}
			for _, a := range c.Addresses {
				req.Addresses = append(req.Addresses, addressRequest(a, 0))
			}
			reqs[i] = req
		}
		got, err := j.Client.Customers.Create(ctx, reqs)
		j.stats.write()
		if err == nil {
			byEmail := map[string]int{}
			for _, c := range got {
				byEmail[strings.ToLower(c.Email)] = c.ID
			}
			for _, r := range rows {
				r.id = byEmail[strings.ToLower(r.c.Email)]
			}
			return nil
		}
		if refused(err) && len(rows) > 1 && !retryable(err) {
			// One bad customer fails the request: send each alone.
			for _, r := range rows {
				if err := j.createCustomers(ctx, []*customerRow{r}); err != nil {
					return err
				}
			}
			return nil
		}
		if refused(err) && !retryable(err) {
			rows[0].err = apiRowError(err)
			return nil
		}
		if !retryable(err) || attempt == 3 {
			return err
		}
		emails := make([]string, len(rows))
		for i, r := range rows {
			emails[i] = r.c.Email
		}
		found, ferr := j.findCustomers(ctx, emails)
		if ferr != nil {
			return ferr
		}
		var again []*customerRow
		for _, r := range rows {
			cur := found[strings.ToLower(r.c.Email)]
			if cur == nil {
				again = append(again, r)
				continue
			}
			// Created by the lost request (or an earlier run): complete it.
			planCustomer(r, cur)
			if r.update != nil {
				if _, err := j.Client.Customers.Update(ctx, []*bigcommerce.CustomerUpdate{r.update}); err != nil {
					return err
				}
				j.stats.write()
			}
			if len(r.addrs) > 0 {
				if _, err := j.Client.Customers.CreateAddresses(ctx, r.addrs); err != nil && !refused(err) {
					return err
				}
				j.stats.write()
			}
			r.action = actionCreate
		}
		rows = again
	}
	return nil
}
