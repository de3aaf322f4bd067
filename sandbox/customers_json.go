package sandbox

// The hand encoders of the V3 customer views (jsonwrite.go says why): each
// writes its struct's fields in declaration order under their JSON tags,
// as encoding/json does.

// customerList is a page of customers as GET /v3/customers renders it.
type customerList []customerView

func (l customerList) appendJSON(b []byte) []byte { return appendJSONList(b, l) }

// appendJSON appends the customer with its addresses when included.
func (v *customerView) appendJSON(b []byte) []byte {
	o := openObject(b)
	if cu := v.customer; cu != nil {
		cu.appendFields(&o)
	}
	if v.Addresses != nil {
		o.key("addresses")
		if as, ok := v.Addresses.([]*customerAddress); ok {
			o.b = appendJSONPtrs(o.b, as)
		} else {
			o.b = appendJSONValue(o.b, v.Addresses)
		}
	}
	return o.close()
}

func (cu *customer) appendFields(o *jsonObject) {
	o.int("id", cu.ID)
	o.key("authentication")
	o.b = append(o.b, `{"force_password_reset":`...)
	o.b = appendBool(o.b, cu.Authentication.ForcePasswordReset)
	o.b = append(o.b, '}')
	o.str("company", cu.Company)
	o.int("customer_group_id", cu.CustomerGroupID)
	o.str("email", cu.Email)
	o.str("first_name", cu.FirstName)
	o.str("last_name", cu.LastName)
	o.str("notes", cu.Notes)
	o.str("phone", cu.Phone)
	o.str("registration_ip_address", cu.RegistrationIPAddress)
	o.str("tax_exempt_category", cu.TaxExemptCategory)
	o.isoTime("date_created", cu.DateCreated)
	o.isoTime("date_modified", cu.DateModified)
	o.bool("accepts_product_review_abandoned_cart_emails", cu.AcceptsMarketing)
	o.key("store_credit_amounts")
	if cu.StoreCreditAmounts == nil {
		o.b = append(o.b, "null"...)
	} else {
		o.b = append(o.b, '[')
		for i, sc := range cu.StoreCreditAmounts {
			if i > 0 {
				o.b = append(o.b, ',')
			}
			o.b = append(o.b, `{"amount":`...)
			o.b = sc.Amount.appendV3(o.b)
			o.b = append(o.b, '}')
		}
		o.b = append(o.b, ']')
	}
	o.int("origin_channel_id", cu.OriginChannelID)
	o.ints("channel_ids", cu.ChannelIDs)
	o.int("address_count", cu.AddressCount)
	o.int("attribute_count", cu.AttributeCount)
}

func (a *customerAddress) appendJSON(b []byte) []byte {
	o := openObject(b)
	o.int("id", a.ID)
	o.int("customer_id", a.CustomerID)
	o.str("first_name", a.FirstName)
	o.str("last_name", a.LastName)
	o.str("company", a.Company)
	o.str("address1", a.Address1)
	o.str("address2", a.Address2)
	o.str("city", a.City)
	o.str("state_or_province", a.StateOrProvince)
	o.str("postal_code", a.PostalCode)
	o.str("country", a.Country)
	o.str("country_code", a.CountryCode)
	o.str("phone", a.Phone)
	o.str("address_type", a.AddressType)
	return o.close()
}
