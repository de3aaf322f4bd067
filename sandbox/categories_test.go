package sandbox

import (
	"fmt"
	"testing"
)

type catJSON struct {
	CategoryID int    `json:"category_id"`
	ParentID   int    `json:"parent_id"`
	TreeID     int    `json:"tree_id"`
	Name       string `json:"name"`
}

type nodeJSON struct {
	ID       int        `json:"id"`
	Depth    int        `json:"depth"`
	Path     []int      `json:"path"`
	Children []nodeJSON `json:"children"`
}

func maxDepth(ns []nodeJSON) int {
	d := 0
	for _, n := range ns {
		d = max(d, n.Depth, maxDepth(n.Children))
	}
	return d
}

func TestCategoryTrees(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Products: 3, Orders: 1})
	trees := must[envelope[[]obj]](t, c.get("/v3/catalog/trees"), 200).Data
	if len(trees) != 1 {
		t.Fatalf("trees = %v", trees)
	}
	nested := must[envelope[[]nodeJSON]](t, c.get("/v3/catalog/trees/1/categories"), 200).Data
	if d := maxDepth(nested); d != 4 {
		t.Errorf("seeded tree depth = %d, want 4", d)
	}
	top := must[envelope[[]catJSON]](t, c.get("/v3/catalog/trees/categories?parent_id:in=0&tree_id:in=1"), 200).Data
	if len(top) != 5 {
		t.Errorf("top-level categories = %d, want 5", len(top))
	}
	like := must[envelope[[]catJSON]](t, c.get("/v3/catalog/trees/categories?name:like=kitchen"), 200).Data
	if len(like) == 0 {
		t.Error("name:like=kitchen matched nothing")
	}
	created := must[envelope[[]catJSON]](t, c.do("POST", "/v3/catalog/trees/categories", []obj{
		{"name": "Clearance", "tree_id": 1},
		{"name": "Deep", "parent_id": top[0].CategoryID},
	}), 201).Data
	if len(created) != 2 || created[1].TreeID != 1 || created[1].ParentID != top[0].CategoryID {
		t.Fatalf("created = %+v", created)
	}
	if r := c.do("POST", "/v3/catalog/trees/categories", []obj{{"name": "Orphan"}}); r.status != 422 {
		t.Errorf("category without tree_id or parent_id = %d, want 422", r.status)
	}
	upd := must[obj](t, c.do("PUT", "/v3/catalog/trees/categories", []obj{{"category_id": created[0].CategoryID, "name": "Sale"}}), 200)
	if m := upd["meta"].(obj); m["success"] != 1.0 {
		t.Errorf("update meta = %v", upd)
	}
	if got := must[envelope[[]catJSON]](t, c.get(fmt.Sprintf("/v3/catalog/trees/categories?category_id:in=%d", created[0].CategoryID)), 200).Data; got[0].Name != "Sale" {
		t.Errorf("after update = %+v", got)
	}
	// A 400 from the category-tree endpoints carries errors as an array.
	bad := must[struct {
		Errors []struct {
			Status int    `json:"status"`
			Title  string `json:"title"`
		} `json:"errors"`
	}](t, c.do("DELETE", "/v3/catalog/trees/categories", nil), 400)
	if len(bad.Errors) != 1 || bad.Errors[0].Status != 400 || bad.Errors[0].Title == "" {
		t.Errorf("DELETE without a filter = %+v, want errors [{status 400, title}]", bad)
	}
	before := c.srv.Store.Counts().Categories
	del := must[obj](t, c.do("DELETE", fmt.Sprintf("/v3/catalog/trees/categories?category_id:in=%d", top[0].CategoryID), nil), 202)
	after := c.srv.Store.Counts().Categories
	if after >= before-2 {
		t.Errorf("categories %d -> %d: the children should go with their parent", before, after)
	}
	if m := del["meta"].(obj); num(m["total"]) != before-after || num(m["success"]) != before-after || num(m["failed"]) != 0 {
		t.Errorf("DELETE answer = %v, want 202 with meta {total, success, failed} counting %d", del, before-after)
	}
	if r := c.get("/v3/catalog/trees/99/categories"); r.status != 404 {
		t.Errorf("unknown tree = %d", r.status)
	}
}

func TestBrands(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Products: 3, Orders: 1})
	list := must[envelope[[]obj]](t, c.get("/v3/catalog/brands?limit=3"), 200)
	if len(list.Data) != 3 || list.Meta.Pagination.Total != len(brandNames) {
		t.Errorf("brands page = %d items, total %d", len(list.Data), list.Meta.Pagination.Total)
	}
	b := must[envelope[obj]](t, c.do("POST", "/v3/catalog/brands", obj{"name": "Zephyr"}), 200).Data
	if r := c.do("POST", "/v3/catalog/brands", obj{"name": "zephyr"}); r.status != 409 {
		t.Errorf("duplicate brand = %d, want 409", r.status)
	}
	if r := c.do("POST", "/v3/catalog/brands", obj{}); r.status != 422 {
		t.Errorf("brand without name = %d, want 422", r.status)
	}
	path := fmt.Sprintf("/v3/catalog/brands/%d", num(b["id"]))
	if got := must[envelope[obj]](t, c.do("PUT", path, obj{"page_title": "Z"}), 200).Data; got["page_title"] != "Z" {
		t.Errorf("update = %v", got)
	}
	if r := c.do("DELETE", path, nil); r.status != 204 {
		t.Errorf("delete = %d", r.status)
	}
	if r := c.get(path); r.status != 404 {
		t.Errorf("deleted brand = %d", r.status)
	}
}

// TestDeleteTreeWithNestedCategories: deleting a tree removes a parent with
// its children first, then meets the children's ids again (this used to
// panic and drop the connection).
func TestDeleteTreeWithNestedCategories(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Products: 1, Orders: 1})
	if r := c.do("DELETE", "/v3/catalog/trees?id:in=1", nil); r.status != 204 {
		t.Fatalf("delete seeded tree = %d: %s", r.status, r.body)
	}
	if got := must[envelope[[]catJSON]](t, c.get("/v3/catalog/trees/categories?tree_id:in=1"), 200).Data; len(got) != 0 {
		t.Errorf("categories left in the deleted tree: %d", len(got))
	}
}

// TestCategoryNamesUniqueAmongSiblings: the spec's "Name is unique with
// respect to the category's siblings"; the 422 is the category-tree shape.
func TestCategoryNamesUniqueAmongSiblings(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Products: 1, Orders: 1})
	top := must[envelope[[]catJSON]](t, c.get("/v3/catalog/trees/categories?parent_id:in=0&tree_id:in=1"), 200).Data
	for _, body := range [][]obj{
		{{"name": top[0].Name, "tree_id": 1}},
		{{"name": "Twin", "tree_id": 1}, {"name": "Twin", "tree_id": 1}},
	} {
		e := must[struct {
			Errors struct {
				Status int               `json:"status"`
				Errors map[string]string `json:"errors"`
			} `json:"errors"`
			Meta struct {
				Total, Failed int
			} `json:"meta"`
		}](t, c.do("POST", "/v3/catalog/trees/categories", body), 422)
		if e.Errors.Status != 422 || len(e.Errors.Errors) != 1 || e.Meta.Total != len(body) || e.Meta.Failed != len(body) {
			t.Errorf("sibling with the same name %v = %+v", body, e)
		}
	}
	// The same name under another parent, or in another place, is fine.
	must[envelope[[]catJSON]](t, c.do("POST", "/v3/catalog/trees/categories", []obj{{"name": top[0].Name, "parent_id": top[1].CategoryID}}), 201)
	if r := c.do("PUT", "/v3/catalog/trees/categories", []obj{{"category_id": top[1].CategoryID, "name": top[0].Name}}); r.status != 422 {
		t.Errorf("renaming to a sibling's name = %d %s, want 422", r.status, r.body)
	}
	if r := c.do("POST", "/v3/catalog/trees/categories", obj{"name": "not an array"}); r.status != 400 {
		t.Errorf("a body that is not an array = %d, want 400", r.status)
	}
}

func TestIncludeAndExcludeFields(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Products: 3, Orders: 1})
	for _, tt := range []struct {
		path, idKey, gone, kept string
	}{
		{"/v3/catalog/products?exclude_fields=description,price", "id", "price", "name"},
		{"/v3/catalog/products?exclude_fields=id,name", "id", "name", "sku"},
		{"/v3/catalog/trees/categories?exclude_fields=description", "category_id", "description", "name"},
		{"/v3/catalog/brands?exclude_fields=page_title", "id", "page_title", "name"},
		{"/v3/catalog/variants?exclude_fields=sku", "id", "sku", "price"},
		{"/v3/catalog/products?include_fields=name&exclude_fields=name", "id", "name", "id"},
	} {
		list := must[envelope[[]obj]](t, c.get(tt.path), 200).Data
		if len(list) == 0 {
			t.Fatalf("%s: empty", tt.path)
		}
		for _, item := range list {
			_, gone := item[tt.gone]
			_, kept := item[tt.kept]
			if gone || !kept || item[tt.idKey] == nil {
				t.Errorf("%s: item %v", tt.path, item)
				break
			}
		}
	}
	one := must[envelope[obj]](t, c.get(fmt.Sprintf("/v3/catalog/products/%d?exclude_fields=variants,weight&include=variants", c.srv.Store.ProductIDs()[0])), 200).Data
	if _, ok := one["weight"]; ok {
		t.Errorf("single product with exclude_fields=weight: %v", one)
	}
}
