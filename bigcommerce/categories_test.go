package bigcommerce

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCategoriesTreeNesting(t *testing.T) {
	t.Parallel()
	want := []*CategoryNode{
		{ID: 1, Name: "Kitchen", Depth: 0, Path: []int{1}, IsVisible: true, Children: []*CategoryNode{
			{ID: 2, ParentID: 1, Name: "Mugs", Depth: 1, Path: []int{1, 2}, Children: []*CategoryNode{
				{ID: 4, ParentID: 2, Name: "Espresso", Depth: 2, Path: []int{1, 2, 4}, Children: []*CategoryNode{}},
			}},
			{ID: 3, ParentID: 1, Name: "Plates", Depth: 1, Path: []int{1, 3}, Children: []*CategoryNode{}},
		}},
		{ID: 5, Name: "Bath", Depth: 0, Path: []int{5}, Children: []*CategoryNode{}},
	}
	tests := []struct{ name, body string }{
		{"nested answer", `{"data":[
			{"id":1,"parent_id":0,"depth":0,"path":[1],"name":"Kitchen","is_visible":true,"children":[
				{"id":2,"parent_id":1,"depth":1,"path":[1,2],"name":"Mugs","is_visible":false,"children":[
					{"id":4,"parent_id":2,"depth":2,"path":[1,2,4],"name":"Espresso","children":[]}]},
				{"id":3,"parent_id":1,"depth":1,"path":[1,3],"name":"Plates"}]},
			{"id":5,"parent_id":0,"depth":0,"path":[5],"name":"Bath","children":[]}],"meta":{}}`},
		{"flat answer", `{"data":[
			{"id":4,"parent_id":2,"name":"Espresso"},
			{"id":1,"parent_id":0,"name":"Kitchen","is_visible":true},
			{"id":2,"parent_id":1,"name":"Mugs"},
			{"id":5,"parent_id":0,"name":"Bath"},
			{"id":3,"parent_id":1,"name":"Plates"}],"meta":{}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mux, c := setupResources(t)
			mux.handle("GET /v3/catalog/trees/1/categories", func(w http.ResponseWriter, r *http.Request) {
				wantQuery(t, r, nil)
				writeJSON(w, 200, tt.body)
			})
			got, err := c.Categories.Tree(context.Background(), 1)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("tree (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCategoriesListCreateUpdateDelete(t *testing.T) {
	t.Parallel()
	mux, c := setupResources(t)
	mux.handle("GET /v3/catalog/trees", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, v3Page(`[{"id":1,"name":"Default","channels":[1]}]`, 1, 1))
	})
	mux.handle("GET /v3/catalog/trees/categories", func(w http.ResponseWriter, r *http.Request) {
		wantQuery(t, r, url.Values{"tree_id:in": {"1"}, "name:like": {"mug"}, "page": {"1"}, "limit": {"250"}})
		writeJSON(w, 200, v3Page(`[{"category_id":2,"category_uuid":"6f1c","parent_id":1,"tree_id":1,"name":"Mugs",
			"is_visible":true,"meta_keywords":["mug"],"url":{"path":"/mugs/","is_customized":false}}]`, 1, 1))
	})
	mux.handle("POST /v3/catalog/trees/categories", func(w http.ResponseWriter, r *http.Request) {
		wantBody(t, r, `[{"name":"Cups","parent_id":2,"is_visible":false,"url":{"path":"/cups/","is_customized":true}}]`)
		writeJSON(w, 201, `{"data":[{"category_id":9,"parent_id":2,"tree_id":1,"name":"Cups"}],"meta":{"total":1,"success":1,"failed":0}}`)
	})
	mux.handle("PUT /v3/catalog/trees/categories", func(w http.ResponseWriter, r *http.Request) {
		wantBody(t, r, `[{"category_id":9,"name":"Teacups","sort_order":0}]`)
		writeJSON(w, 200, `{"meta":{"total":1,"success":1,"failed":0}}`)
	})
	mux.handle("DELETE /v3/catalog/trees/categories", func(w http.ResponseWriter, r *http.Request) {
		wantQuery(t, r, url.Values{"category_id:in": {"9,10"}})
		w.WriteHeader(204)
	})
	ctx := context.Background()
	trees, _, err := c.Categories.ListTrees(ctx)
	if err != nil || len(trees) != 1 || trees[0].Channels[0] != 1 {
		t.Fatalf("ListTrees = %v, %v", trees, err)
	}
	var cats []*Category
	for cat, err := range c.Categories.All(ctx, &CategoryListOptions{TreeIDs: []int{1}, NameLike: "mug"}) {
		if err != nil {
			t.Fatal(err)
		}
		cats = append(cats, cat)
	}
	if len(cats) != 1 || cats[0].URL == nil || cats[0].URL.Path != "/mugs/" || cats[0].CategoryUUID != "6f1c" {
		t.Errorf("categories %+v", cats)
	}
	created, _, err := c.Categories.Create(ctx, []*CategoryCreateRequest{{Name: "Cups", ParentID: 2, IsVisible: Ptr(false), URL: &CategoryURL{Path: "/cups/", IsCustomized: true}}})
	if err != nil || len(created) != 1 || created[0].CategoryID != 9 {
		t.Fatalf("Create = %v, %v", created, err)
	}
	if _, err := c.Categories.Update(ctx, []*CategoryUpdate{{CategoryID: 9, Name: Ptr("Teacups"), SortOrder: Ptr(0)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Categories.Delete(ctx, []int{9, 10}); err != nil {
		t.Fatal(err)
	}
}

// TestCategoriesDeleteAcceptsAcceptedAndNoContent: the spec documents 202
// with the write meta for DELETE /v3/catalog/trees/categories; stores have
// answered 204 too. Both are a success.
func TestCategoriesDeleteAcceptsAcceptedAndNoContent(t *testing.T) {
	t.Parallel()
	for _, status := range []int{202, 204} {
		mux, c := setupResources(t)
		mux.handle("DELETE /v3/catalog/trees/categories", func(w http.ResponseWriter, r *http.Request) {
			if status == 204 {
				w.WriteHeader(204)
				return
			}
			writeJSON(w, status, `{"meta":{"total":2,"success":2,"failed":0}}`)
		})
		if resp, err := c.Categories.Delete(context.Background(), []int{9, 10}); err != nil || resp.StatusCode != status {
			t.Errorf("DELETE answered %d: %v, %v", status, resp, err)
		}
	}
}
