package sandbox

import (
	"fmt"
	"testing"
)

func TestOrderMetafields(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Orders: 5, Products: 2, Customers: 2})
	base := "/v3/orders/101/metafields"
	mk := func(key string) obj {
		return obj{"namespace": "bigc", "key": key, "value": "v-" + key, "permission_set": "app_only"}
	}
	first := must[envelope[obj]](t, c.do("POST", base, mk("sync")), 200).Data
	if first["resource_type"] != "order" || num(first["resource_id"]) != 101 || first["date_created"] == "" {
		t.Errorf("metafield = %v", first)
	}
	e := must[v3Err](t, c.do("POST", base, mk("sync")), 409)
	if e.Status != 409 {
		t.Errorf("duplicate = %+v", e)
	}
	if e := must[v3Err](t, c.do("POST", base, obj{"key": "k"}), 422); e.Errors["namespace"] == "" || e.Errors["permission_set"] == "" || e.Errors["value"] == "" {
		t.Errorf("missing fields = %+v", e.Errors)
	}
	for _, k := range []string{"a", "b", "c"} {
		must[envelope[obj]](t, c.do("POST", base, mk(k)), 200)
	}
	pg := must[envelope[[]obj]](t, c.get(base+"?limit=3"), 200)
	if len(pg.Data) != 3 || pg.Meta.CursorPagination == nil || pg.Meta.Pagination == nil {
		t.Fatalf("first page = %+v", pg.Meta)
	}
	rest := must[envelope[[]obj]](t, c.get(base+pg.Meta.CursorPagination.Links.Next), 200)
	if len(rest.Data) != 1 || rest.Meta.Pagination != nil || rest.Data[0]["key"] != "c" {
		t.Errorf("after page = %v %+v", rest.Data, rest.Meta)
	}
	if got := must[envelope[[]obj]](t, c.get(base+"?key=b"), 200).Data; len(got) != 1 {
		t.Errorf("key filter = %v", got)
	}
	path := fmt.Sprintf("%s/%d", base, num(first["id"]))
	if got := must[envelope[obj]](t, c.do("PUT", path, obj{"value": "done"}), 200).Data; got["value"] != "done" {
		t.Errorf("update = %v", got)
	}
	if r := c.do("PUT", path, obj{"key": "a"}); r.status != 409 {
		t.Errorf("update onto a taken key = %d, want 409", r.status)
	}
	if ms := c.srv.Store.OrderMetafields(101); len(ms) != 4 || ms[0].Value != "done" {
		t.Errorf("OrderMetafields = %+v", ms)
	}
	if r := c.do("DELETE", path, nil); r.status != 204 {
		t.Errorf("delete = %d", r.status)
	}
	if r := c.get("/v3/orders/9999/metafields"); r.status != 404 {
		t.Errorf("metafields of a missing order = %d", r.status)
	}
}

func TestProductAndCustomerMetafields(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Orders: 1, Products: 2, Customers: 2})
	pid := c.srv.Store.ProductIDs()[0]
	p, _ := c.srv.Store.Product(pid)
	for _, base := range []string{fmt.Sprintf("/v3/catalog/products/%d/metafields", pid), "/v3/customers/1/metafields",
		fmt.Sprintf("/v3/catalog/products/%d/variants/%d/metafields", pid, p.Variants[0].ID), "/v3/catalog/brands/1/metafields",
		"/v3/catalog/categories/1/metafields"} {
		m := must[envelope[obj]](t, c.do("POST", base, obj{"namespace": "n", "key": "k", "value": "v", "permission_set": "read"}), 200).Data
		if got := must[envelope[obj]](t, c.get(fmt.Sprintf("%s/%d", base, num(m["id"]))), 200).Data; got["key"] != "k" {
			t.Errorf("%s get = %v", base, got)
		}
		if r := c.do("POST", base, obj{"namespace": "n", "key": "k", "value": "v", "permission_set": "read"}); r.status != 409 {
			t.Errorf("%s duplicate = %d", base, r.status)
		}
	}
	if ms := c.srv.Store.ProductMetafields(pid); len(ms) != 1 {
		t.Errorf("ProductMetafields = %v", ms)
	}
	other := c.srv.Store.ProductIDs()[1]
	if r := c.get(fmt.Sprintf("/v3/catalog/products/%d/variants/%d/metafields", other, p.Variants[0].ID)); r.status != 404 {
		t.Errorf("a variant's metafields under another product = %d, want 404", r.status)
	}
}
