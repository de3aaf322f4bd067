package sandbox

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// customerBook holds the V3 customers and their addresses.
type customerBook struct {
	customers map[int]*customer
	ids       []int          // ascending
	emails    map[string]int // lower-cased email -> customer id
	addresses map[int]*customerAddress
	// byModified lists the customers by (date_modified, id), so that the
	// customers stream's query (sort=date_modified) needs no sort per page.
	byModified modIndex
}

func newCustomerBook() customerBook {
	return customerBook{customers: map[int]*customer{}, emails: map[string]int{}, addresses: map[int]*customerAddress{}}
}

type customer struct {
	ID                    int                `json:"id"`
	Authentication        authentication     `json:"authentication"`
	Company               string             `json:"company"`
	CustomerGroupID       int                `json:"customer_group_id"`
	Email                 string             `json:"email"`
	FirstName             string             `json:"first_name"`
	LastName              string             `json:"last_name"`
	Notes                 string             `json:"notes"`
	Phone                 string             `json:"phone"`
	RegistrationIPAddress string             `json:"registration_ip_address"`
	TaxExemptCategory     string             `json:"tax_exempt_category"`
	DateCreated           isoTime            `json:"date_created"`
	DateModified          isoTime            `json:"date_modified"`
	AcceptsMarketing      bool               `json:"accepts_product_review_abandoned_cart_emails"`
	StoreCreditAmounts    []storeCredit      `json:"store_credit_amounts"`
	OriginChannelID       int                `json:"origin_channel_id"`
	ChannelIDs            []int              `json:"channel_ids"`
	AddressCount          int                `json:"address_count"`
	AttributeCount        int                `json:"attribute_count"`
	Addresses             []*customerAddress `json:"-"`
	billing               *OrderAddress      // the V2 form of the first address, shared by seeded orders
}

type authentication struct {
	ForcePasswordReset bool `json:"force_password_reset"`
}

type storeCredit struct {
	Amount decimal `json:"amount"`
}

type customerAddress struct {
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
	AddressType     string `json:"address_type"`
}

type customerView struct {
	*customer
	Addresses any `json:"addresses,omitempty"`
}

func (c *call) renderCustomers(cs []*customer) customerList {
	withAddr := c.includes()["addresses"]
	out := make(customerList, len(cs))
	for i, cu := range cs {
		out[i] = customerView{customer: cu}
		if withAddr {
			out[i].Addresses = nonNil(cu.Addresses)
		}
	}
	return out
}

func (b *customerBook) add(cu *customer) {
	b.customers[cu.ID] = cu
	i, _ := slices.BinarySearch(b.ids, cu.ID)
	b.ids = slices.Insert(b.ids, i, cu.ID)
	b.emails[strings.ToLower(cu.Email)] = cu.ID
	for _, a := range cu.Addresses {
		b.addresses[a.ID] = a
	}
	cu.AddressCount = len(cu.Addresses)
	b.byModified.add(modKey{int64(cu.DateModified), cu.ID})
}

func (b *customerBook) remove(cu *customer) {
	delete(b.customers, cu.ID)
	if i, ok := slices.BinarySearch(b.ids, cu.ID); ok {
		b.ids = slices.Delete(b.ids, i, i+1)
	}
	delete(b.emails, strings.ToLower(cu.Email))
	for _, a := range cu.Addresses {
		delete(b.addresses, a.ID)
	}
	b.byModified.remove(modKey{int64(cu.DateModified), cu.ID})
}

// customerSorts are the sort values of GET /v3/customers.
var customerSorts = map[string]func(a, b *customer) int{
	"date_created":  func(a, b *customer) int { return cmp.Compare(a.DateCreated, b.DateCreated) },
	"date_modified": func(a, b *customer) int { return cmp.Compare(a.DateModified, b.DateModified) },
	"last_name":     func(a, b *customer) int { return strings.Compare(a.LastName, b.LastName) },
	"id":            func(a, b *customer) int { return cmp.Compare(a.ID, b.ID) },
}

// matchingCustomers selects and sorts the customers of GET /v3/customers.
func (c *call) matchingCustomers() ([]*customer, error) {
	id, err := c.v3Num("id", intParser())
	if err != nil {
		return nil, err
	}
	group, err := c.v3Num("customer_group_id", intParser())
	if err != nil {
		return nil, err
	}
	created, err := c.v3Num("date_created", c.dateParser())
	if err != nil {
		return nil, err
	}
	modified, err := c.v3Num("date_modified", c.dateParser())
	if err != nil {
		return nil, err
	}
	email, name, company, phone := c.v3Str("email"), c.v3Str("name"), c.v3Str("company"), c.v3Str("phone")
	spec := c.q.Get("sort")
	field, dir, _ := strings.Cut(spec, ":")
	less, ok := customerSorts[field]
	if spec != "" && (!ok || dir != "" && dir != "asc" && dir != "desc") {
		return nil, &filterError{"sort", spec, "one of date_created:asc|desc, last_name:asc|desc, date_modified:asc|desc"}
	}
	match := func(cu *customer) bool {
		return id.match(int64(cu.ID)) && group.match(int64(cu.CustomerGroupID)) && created.match(int64(cu.DateCreated)) &&
			modified.match(int64(cu.DateModified)) && email.match(cu.Email) &&
			(!name.active() || name.match(cu.FirstName+" "+cu.LastName)) && company.match(cu.Company) && phone.match(cu.Phone)
	}
	var out []*customer
	if field == "date_modified" {
		// The index is in (date_modified, id) order already: what the
		// sort below would make of it.
		idx := c.s.crm.byModified.keys
		lo, hi := modRange(idx, modified.lo, modified.hi)
		for _, k := range idx[lo:hi] {
			if cu := c.s.crm.customers[k.id]; match(cu) {
				out = append(out, cu)
			}
		}
		if dir == "desc" {
			slices.Reverse(out)
		}
		return out, nil
	}
	for _, cid := range c.s.crm.ids {
		if cu := c.s.crm.customers[cid]; match(cu) {
			out = append(out, cu)
		}
	}
	if spec != "" {
		sortRecords(out, less, func(cu *customer) int { return cu.ID }, dir == "desc")
	}
	return out, nil
}

// listCustomers serves GET /v3/customers, offset or cursor paged.
func (s *Store) listCustomers(c *call) {
	all, err := c.matchingCustomers()
	if err != nil {
		c.badFilter(err)
		return
	}
	cursorList(c, all, func(cu *customer) int { return cu.ID }, func(cs []*customer) any { return c.renderCustomers(cs) })
}

// customerInput is a V3 customer create or update item, also taken by
// POST /_sandbox/customers.
type customerInput struct {
	ID               *int           `json:"id"`
	Email            *string        `json:"email"`
	FirstName        *string        `json:"first_name"`
	LastName         *string        `json:"last_name"`
	Company          *string        `json:"company"`
	Phone            *string        `json:"phone"`
	Notes            *string        `json:"notes"`
	CustomerGroupID  *int           `json:"customer_group_id"`
	AcceptsMarketing *bool          `json:"accepts_product_review_abandoned_cart_emails"`
	Addresses        []addressInput `json:"addresses"`
}

func checkCustomer(in *customerInput, i int, create bool) map[string]string {
	errs := map[string]string{}
	key := func(f string) string { return fmt.Sprintf("[%d].%s", i, f) }
	if create && in.Email == nil || in.Email != nil && (len(*in.Email) < 3 || len(*in.Email) > 250 || !strings.Contains(*in.Email, "@")) {
		errs[key("email")] = "The field 'email' must be a valid email address of 3 to 250 characters."
	}
	for _, f := range []struct {
		name string
		v    *string
	}{{"first_name", in.FirstName}, {"last_name", in.LastName}} {
		if create && f.v == nil || f.v != nil && (len(*f.v) < 1 || len(*f.v) > 100) {
			errs[key(f.name)] = fmt.Sprintf("The field '%s' must be between 1 and 100 characters.", f.name)
		}
	}
	for j := range in.Addresses {
		for k, v := range checkAddress(&in.Addresses[j], false) {
			errs[fmt.Sprintf("[%d].addresses[%d].%s", i, j, k)] = v
		}
	}
	return errs
}

// emailTaken reports a batch email already used by another customer or by
// an earlier item of the same batch.
func (b *customerBook) emailTaken(ins []customerInput) map[string]string {
	errs := map[string]string{}
	seen := map[string]int{}
	for i, in := range ins {
		if in.Email == nil {
			continue
		}
		e := strings.ToLower(*in.Email)
		self := 0
		setIf(&self, in.ID)
		if id, ok := b.emails[e]; ok && id != self {
			errs[fmt.Sprintf("[%d].email", i)] = fmt.Sprintf("The email address %s is already in use.", *in.Email)
		}
		if j, ok := seen[e]; ok {
			errs[fmt.Sprintf("[%d].email", i)] = fmt.Sprintf("The email address %s is already in use by item %d of this request.", *in.Email, j)
		}
		seen[e] = i
	}
	return errs
}

// createCustomersAPI serves POST /v3/customers: an array of at most 10;
// 200 with the created customers.
func (s *Store) createCustomersAPI(c *call) {
	var in []customerInput
	if !c.decode(&in) {
		return
	}
	out, err := s.createCustomers(in)
	if c.writeErr(err) {
		c.v3Data(200, c.renderCustomers(out))
	}
}

func (s *Store) createCustomers(in []customerInput) ([]*customer, error) {
	if len(in) > 10 {
		return nil, &tooManyError{10}
	}
	if len(in) == 0 {
		return nil, &validationError{"Missing Required Fields", map[string]string{"customers": "Give an array of 1 to 10 customers."}}
	}
	errs := map[string]string{}
	for i := range in {
		for k, v := range checkCustomer(&in[i], i, true) {
			errs[k] = v
		}
	}
	if len(errs) > 0 {
		return nil, &validationError{"Missing or invalid customer fields", errs}
	}
	if dup := s.crm.emailTaken(in); len(dup) > 0 {
		return nil, &validationError{"Unable to create customers: an email address is already in use", dup}
	}
	out := make([]*customer, 0, len(in))
	now := isoTime(s.now().Unix())
	for i := range in {
		s.ids.customer++
		cu := &customer{ID: s.ids.customer, DateCreated: now, DateModified: now, OriginChannelID: 1, ChannelIDs: []int{1},
			StoreCreditAmounts: []storeCredit{{}}}
		applyCustomer(cu, &in[i])
		for j := range in[i].Addresses {
			cu.Addresses = append(cu.Addresses, s.newAddress(cu.ID, &in[i].Addresses[j]))
		}
		s.crm.add(cu)
		cu.billing = billingFor(cu)
		s.emit("store/customer/created", "customer", cu.ID, nil)
		out = append(out, cu)
	}
	return out, nil
}

// tooManyError is a batch over its limit (413).
type tooManyError struct{ limit int }

func (e *tooManyError) Error() string { return fmt.Sprintf("more than %d items", e.limit) }

func applyCustomer(cu *customer, in *customerInput) {
	setIf(&cu.Email, in.Email)
	setIf(&cu.FirstName, in.FirstName)
	setIf(&cu.LastName, in.LastName)
	setIf(&cu.Company, in.Company)
	setIf(&cu.Phone, in.Phone)
	setIf(&cu.Notes, in.Notes)
	setIf(&cu.CustomerGroupID, in.CustomerGroupID)
	setIf(&cu.AcceptsMarketing, in.AcceptsMarketing)
}

// billingFor is the V2 billing address orders of cu carry.
func billingFor(cu *customer) *OrderAddress {
	b := &OrderAddress{FirstName: cu.FirstName, LastName: cu.LastName, Company: cu.Company, Phone: cu.Phone, Email: cu.Email}
	if len(cu.Addresses) > 0 {
		a := cu.Addresses[0]
		b.Street1, b.Street2, b.City, b.State, b.Zip, b.Country, b.CountryISO2 = a.Address1, a.Address2, a.City, a.StateOrProvince, a.PostalCode, a.Country, a.CountryCode
	}
	return b
}

// updateCustomers serves PUT /v3/customers: an array of at most 10, each with its id.
func (s *Store) updateCustomers(c *call) {
	var in []customerInput
	if !decodeBatch(c, &in, 10) {
		return
	}
	errs := map[string]string{}
	for i := range in {
		if in[i].ID == nil || s.crm.customers[*in[i].ID] == nil {
			errs[fmt.Sprintf("[%d].id", i)] = "Give the id of an existing customer."
		}
		for k, v := range checkCustomer(&in[i], i, false) {
			errs[k] = v
		}
	}
	for k, v := range s.crm.emailTaken(in) {
		errs[k] = v
	}
	if len(errs) > 0 {
		c.invalid("Unable to update customers", errs)
		return
	}
	out := make([]*customer, 0, len(in))
	for i := range in {
		cu := s.crm.customers[*in[i].ID]
		delete(s.crm.emails, strings.ToLower(cu.Email))
		applyCustomer(cu, &in[i])
		s.crm.emails[strings.ToLower(cu.Email)] = cu.ID
		s.touchCustomer(cu)
		out = append(out, cu)
	}
	c.v3Data(200, c.renderCustomers(out))
}

func (s *Store) touchCustomer(cu *customer) {
	s.crm.byModified.remove(modKey{int64(cu.DateModified), cu.ID})
	cu.DateModified = isoTime(s.now().Unix())
	s.crm.byModified.add(modKey{int64(cu.DateModified), cu.ID})
	s.emit("store/customer/updated", "customer", cu.ID, nil)
}

// deleteCustomers serves DELETE /v3/customers?id:in=...; without id:in it
// answers 204 and deletes nothing, as the real API does.
func (s *Store) deleteCustomers(c *call) {
	ids, err := c.v3Num("id", intParser())
	if err != nil {
		c.badFilter(err)
		return
	}
	if ids.in == nil {
		c.noContent()
		return
	}
	for _, id := range ids.in {
		if cu := s.crm.customers[int(id)]; cu != nil {
			s.crm.remove(cu)
			s.meta.dropResource(kindCustomer, cu.ID)
			s.emit("store/customer/deleted", "customer", cu.ID, nil)
		}
	}
	c.noContent()
}
