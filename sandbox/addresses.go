package sandbox

import (
	"fmt"
	"slices"
)

// addressInput is a V3 customer address create or update item.
type addressInput struct {
	ID              *int    `json:"id"`
	CustomerID      *int    `json:"customer_id"`
	FirstName       *string `json:"first_name"`
	LastName        *string `json:"last_name"`
	Company         *string `json:"company"`
	Address1        *string `json:"address1"`
	Address2        *string `json:"address2"`
	City            *string `json:"city"`
	StateOrProvince *string `json:"state_or_province"`
	PostalCode      *string `json:"postal_code"`
	CountryCode     *string `json:"country_code"`
	Phone           *string `json:"phone"`
	AddressType     *string `json:"address_type"`
}

// checkAddress applies the required fields of a new address.
func checkAddress(in *addressInput, update bool) map[string]string {
	errs := map[string]string{}
	if update {
		return errs
	}
	for _, f := range []struct {
		name string
		v    *string
	}{{"first_name", in.FirstName}, {"last_name", in.LastName}, {"address1", in.Address1}, {"city", in.City}, {"country_code", in.CountryCode}} {
		if f.v == nil || *f.v == "" {
			errs[f.name] = fmt.Sprintf("The field '%s' is required.", f.name)
		}
	}
	if in.CountryCode != nil && len(*in.CountryCode) != 2 {
		errs["country_code"] = "The field 'country_code' must be an ISO 3166-1 alpha-2 code such as US."
	}
	return errs
}

var countryNames = map[string]string{"US": "United States", "CA": "Canada", "GB": "United Kingdom", "AU": "Australia", "DE": "Germany", "FR": "France"}

func applyAddress(a *customerAddress, in *addressInput) {
	setIf(&a.FirstName, in.FirstName)
	setIf(&a.LastName, in.LastName)
	setIf(&a.Company, in.Company)
	setIf(&a.Address1, in.Address1)
	setIf(&a.Address2, in.Address2)
	setIf(&a.City, in.City)
	setIf(&a.StateOrProvince, in.StateOrProvince)
	setIf(&a.PostalCode, in.PostalCode)
	setIf(&a.CountryCode, in.CountryCode)
	setIf(&a.Phone, in.Phone)
	setIf(&a.AddressType, in.AddressType)
	a.Country = countryNames[a.CountryCode]
	if a.Country == "" {
		a.Country = a.CountryCode
	}
}

func (s *Store) newAddress(customerID int, in *addressInput) *customerAddress {
	s.ids.address++
	a := &customerAddress{ID: s.ids.address, CustomerID: customerID, AddressType: "residential"}
	applyAddress(a, in)
	return a
}

// listAddresses serves GET /v3/customers/addresses (id:in, customer_id:in).
func (s *Store) listAddresses(c *call) {
	ids, err := c.v3Num("id", intParser())
	if err != nil {
		c.badFilter(err)
		return
	}
	owners, err := c.v3Num("customer_id", intParser())
	if err != nil {
		c.badFilter(err)
		return
	}
	company := c.v3Str("company")
	var out []*customerAddress
	for _, cid := range s.crm.ids {
		for _, a := range s.crm.customers[cid].Addresses {
			if ids.match(int64(a.ID)) && owners.match(int64(a.CustomerID)) && company.match(a.Company) {
				out = append(out, a)
			}
		}
	}
	v3List(c, out)
}

// createAddresses serves POST /v3/customers/addresses (an array, each with customer_id).
func (s *Store) createAddresses(c *call) {
	var in []addressInput
	if !decodeBatch(c, &in, 10) {
		return
	}
	errs := map[string]string{}
	for i := range in {
		if in[i].CustomerID == nil || s.crm.customers[*in[i].CustomerID] == nil {
			errs[fmt.Sprintf("[%d].customer_id", i)] = "Give the id of an existing customer."
		}
		for k, v := range checkAddress(&in[i], false) {
			errs[fmt.Sprintf("[%d].%s", i, k)] = v
		}
	}
	if len(errs) > 0 {
		c.invalid("Missing or invalid address fields", errs)
		return
	}
	out := make([]*customerAddress, 0, len(in))
	for i := range in {
		cu := s.crm.customers[*in[i].CustomerID]
		a := s.newAddress(cu.ID, &in[i])
		cu.Addresses = append(cu.Addresses, a)
		cu.AddressCount = len(cu.Addresses)
		s.crm.addresses[a.ID] = a
		s.emit("store/customer/address/created", "customer", a.ID, map[string]any{"address": map[string]int{"customer_id": cu.ID}})
		out = append(out, a)
	}
	c.v3Data(200, out)
}

// updateAddresses serves PUT /v3/customers/addresses (an array, each with id).
func (s *Store) updateAddresses(c *call) {
	var in []addressInput
	if !decodeBatch(c, &in, 10) {
		return
	}
	for i := range in {
		if in[i].ID == nil || s.crm.addresses[*in[i].ID] == nil {
			c.invalid("Unable to update addresses", map[string]string{fmt.Sprintf("[%d].id", i): "Give the id of an existing address."})
			return
		}
	}
	out := make([]*customerAddress, 0, len(in))
	for i := range in {
		a := s.crm.addresses[*in[i].ID]
		applyAddress(a, &in[i])
		s.emit("store/customer/address/updated", "customer", a.ID, map[string]any{"address": map[string]int{"customer_id": a.CustomerID}})
		out = append(out, a)
	}
	c.v3Data(200, out)
}

// deleteAddresses serves DELETE /v3/customers/addresses?id:in=...; without
// id:in nothing is deleted.
func (s *Store) deleteAddresses(c *call) {
	ids, err := c.v3Num("id", intParser())
	if err != nil {
		c.badFilter(err)
		return
	}
	for _, id := range ids.in {
		a := s.crm.addresses[int(id)]
		if a == nil {
			continue
		}
		delete(s.crm.addresses, a.ID)
		if cu := s.crm.customers[a.CustomerID]; cu != nil {
			cu.Addresses = slices.DeleteFunc(cu.Addresses, func(x *customerAddress) bool { return x == a })
			cu.AddressCount = len(cu.Addresses)
		}
		s.emit("store/customer/address/deleted", "customer", a.ID, map[string]any{"address": map[string]int{"customer_id": a.CustomerID}})
	}
	c.noContent()
}
