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
	if r := c.do("DELETE", "/v3/catalog/trees/categories", nil); r.status != 400 {
		t.Errorf("DELETE without a filter = %d, want 400", r.status)
	}
	before := c.srv.Store.Counts().Categories
	if r := c.do("DELETE", fmt.Sprintf("/v3/catalog/trees/categories?category_id:in=%d", top[0].CategoryID), nil); r.status != 204 {
		t.Fatalf("DELETE = %d", r.status)
	}
	if after := c.srv.Store.Counts().Categories; after >= before-2 {
		t.Errorf("categories %d -> %d: the children should go with their parent", before, after)
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
