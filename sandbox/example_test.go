package sandbox_test

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/bigc-dev/bigc/sandbox"
)

// ExampleStart starts a small seeded store on a free loopback port and asks
// it how many orders it holds.
func ExampleStart() {
	srv, err := sandbox.Start("", sandbox.Options{Seed: 7, Products: 5, Customers: 3, Orders: 12})
	if err != nil {
		panic(err)
	}
	defer srv.Close()

	req, _ := http.NewRequest("GET", srv.URL+"/stores/"+srv.StoreHash+"/v2/orders/count", nil)
	req.Header.Set("X-Auth-Token", srv.Tokens.Full)
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	var count struct {
		Count int `json:"count"`
	}
	json.NewDecoder(resp.Body).Decode(&count)
	fmt.Println(resp.StatusCode, count.Count)
	// Output: 200 12
}

// ExampleStore_CreateOrder creates an order straight in the store, as a
// test does to give a sync or a webhook receiver something to find.
func ExampleStore_CreateOrder() {
	st, err := sandbox.New(sandbox.Options{Seed: 3, Products: 2, Customers: 1, Orders: 1})
	if err != nil {
		panic(err)
	}
	defer st.Close()
	o, err := st.CreateOrder(&sandbox.OrderInput{
		BillingAddress: &sandbox.OrderAddress{FirstName: "Ada", Email: "ada@example.com"},
		Products: []sandbox.OrderProductInput{
			{Name: ptr("Gift card"), Quantity: ptr(2), PriceExTax: ptr(sandbox.Amount("25.00"))},
		},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(o.Status, o.TotalIncTax, len(o.Lines))
	// Output: Pending 55.0000 1
}

func ptr[T any](v T) *T { return &v }
