package sandbox

import (
	"fmt"
	"testing"
)

type groupedCustomer struct {
	ID              int `json:"id"`
	CustomerGroupID int `json:"customer_group_id"`
}

type groupJSON struct {
	ID        int    `json:"id"`
	Name      string `json:"name"`
	IsDefault bool   `json:"is_default"`
}

func TestCustomerGroups(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Orders: 2, Customers: 12, Products: 2})
	groups := must[[]groupJSON](t, c.get("/v2/customer_groups"), 200)
	exists := map[int]bool{0: true}
	for _, g := range groups {
		exists[g.ID] = true
	}
	inGroup := 0
	for _, cu := range must[envelope[[]groupedCustomer]](t, c.get("/v3/customers?limit=50"), 200).Data {
		if !exists[cu.CustomerGroupID] {
			t.Errorf("customer %d is in group %d, which does not exist", cu.ID, cu.CustomerGroupID)
		}
		if cu.CustomerGroupID != 0 {
			inGroup++
		}
	}
	if inGroup == 0 {
		t.Error("no seeded customer is in a group")
	}
	if r := c.do("POST", "/v2/customer_groups", obj{"name": "vip"}); r.status != 409 {
		t.Errorf("duplicate name = %d, want 409", r.status)
	}
	if r := c.do("POST", "/v2/customer_groups", obj{}); r.status != 400 {
		t.Errorf("no name = %d, want 400", r.status)
	}
	made := must[groupJSON](t, c.do("POST", "/v2/customer_groups", obj{"name": "Students", "is_default": true}), 200)
	if !made.IsDefault {
		t.Errorf("created = %+v", made)
	}
	if got := must[[]groupJSON](t, c.get("/v2/customer_groups?is_default=true"), 200); len(got) != 1 || got[0].ID != made.ID {
		t.Errorf("is_default filter = %+v, want only the new default", got)
	}
	if n := must[obj](t, c.get("/v2/customer_groups/count"), 200)["count"]; n != float64(len(groups)+1) {
		t.Errorf("count = %v", n)
	}
	must[groupJSON](t, c.do("PUT", fmt.Sprintf("/v2/customer_groups/%d", made.ID), obj{"name": "Students 2026"}), 200)
	// Deleting a group leaves its customers in no group.
	cu := must[envelope[[]groupedCustomer]](t, c.get("/v3/customers?customer_group_id:in=1"), 200).Data
	if len(cu) == 0 {
		t.Fatal("no customer in group 1")
	}
	if r := c.do("DELETE", "/v2/customer_groups/1", nil); r.status != 204 {
		t.Errorf("delete = %d", r.status)
	}
	if left := must[envelope[[]groupedCustomer]](t, c.get("/v3/customers?customer_group_id:in=1"), 200).Data; len(left) != 0 {
		t.Errorf("customers still in the deleted group: %d", len(left))
	}
}
