package importer

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/sandbox"
	"github.com/bigc-dev/bigc/state/statetest"
)

func runCustomers(t *testing.T, c *bigcommerce.Client, j *Job, format, text string) Summary {
	t.Helper()
	j.Client, j.ImportID = c, "customers/"+format+"/"+hashText(text)
	rd, err := CustomerReader(format, strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	sum, err := j.ImportCustomers(context.Background(), rd)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// TestImportCustomers upserts by email with addresses: new customers are
// created with theirs, an existing one gets only the changed fields and the
// address it lacks, a bad row is rejected, and a rerun sends nothing.
func TestImportCustomers(t *testing.T) {
	t.Parallel()
	c, srv := testStore(t, sandbox.Options{Seed: 7, Products: -1, Customers: -1, Orders: -1})
	db := statetest.Open(t)
	existing, err := c.Customers.Create(context.Background(), []*bigcommerce.CustomerCreateRequest{{Email: "old@example.com", FirstName: "Old", LastName: "Name",
		Addresses: []*bigcommerce.AddressCreateRequest{{AddressFields: bigcommerce.AddressFields{FirstName: "Old", LastName: "Name", Address1: "1 Main St", City: "Springfield", CountryCode: "US"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	csv := "email,first_name,last_name,phone,address1,city,postal_code,country_code\n" +
		"new@example.com,New,Person,555,2 Elm St,Shelbyville,12345,us\n" +
		"new@example.com,,,,3 Oak St,Capital City,54321,US\n" +
		"Old@Example.com,Old,Renamed,,1 Main St,Springfield,,US\n" +
		"old@example.com,,,,\n" +
		"nobody,No,Email,,,,,\n"
	var rejected bytes.Buffer
	sum := runCustomers(t, c, &Job{Journal: db, Rejected: &rejected}, FormatCSV, csv)
	if sum.Created != 1 || sum.Updated != 1 || sum.Rejected != 1 {
		t.Errorf("summary %+v; rejected %s", sum, rejected.String())
	}
	if !strings.Contains(rejected.String(), `"line":6,"key":"nobody","field":"email"`) {
		t.Errorf("rejected: %s", rejected.String())
	}
	all := map[string]*bigcommerce.Customer{}
	for cu, err := range c.Customers.All(context.Background(), &bigcommerce.CustomerListOptions{Include: []string{"addresses"}}) {
		if err != nil {
			t.Fatal(err)
		}
		all[strings.ToLower(cu.Email)] = cu
	}
	if len(all) != 2 {
		t.Fatalf("%d customers, want 2: %v", len(all), all)
	}
	if n := all["new@example.com"]; n.Phone != "555" || len(n.Addresses) != 2 {
		t.Errorf("new customer: %+v with %d addresses", n, len(n.Addresses))
	}
	if o := all["old@example.com"]; o.ID != existing[0].ID || o.LastName != "Renamed" || len(o.Addresses) != 1 {
		t.Errorf("existing customer: %+v with %d addresses", o, len(o.Addresses))
	}
	before := srv.Store.Stats().Requests
	sum = runCustomers(t, c, &Job{Journal: db}, FormatCSV, csv)
	if sum.Done != 2 || sum.Writes != 0 {
		t.Errorf("rerun: %+v", sum)
	}
	if d := srv.Store.Stats().Requests - before; d != 0 {
		t.Errorf("rerun sent %d requests", d)
	}
	// JSON Lines: an address the customer lacks is added, nothing else changes.
	sum = runCustomers(t, c, &Job{Journal: db}, FormatJSONL,
		`{"email":"old@example.com","first_name":"Old","last_name":"Renamed","addresses":[{"first_name":"Old","last_name":"Renamed","address1":"9 Pine St","city":"Ogdenville","country_code":"US"}]}`+"\n")
	if sum.Updated != 1 {
		t.Errorf("address run: %+v", sum)
	}
}
