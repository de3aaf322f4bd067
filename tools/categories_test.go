package tools

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/sandbox"
)

func TestListCategories(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{})
	ctx := t.Context()
	trees, _, err := h.full.Client.Categories.ListTrees(ctx)
	if err != nil || len(trees) == 0 {
		t.Fatalf("trees: %v, %v", trees, err)
	}
	tree := trees[0].ID
	// A small branch of our own: Garden > Tools > Spades.
	mk := func(name string, parent int) int {
		req := &bigcommerce.CategoryCreateRequest{Name: name, ParentID: parent}
		if parent == 0 {
			req.TreeID = tree
		}
		cs, _, err := h.full.Client.Categories.Create(ctx, []*bigcommerce.CategoryCreateRequest{req})
		if err != nil || len(cs) != 1 {
			t.Fatalf("creating %s: %v", name, err)
		}
		return cs[0].CategoryID
	}
	garden := mk("Garden Test", 0)
	tools := mk("Tools Test", garden)
	spades := mk("Spades Test", tools)

	nested := mustCall[ListCategoriesOutput](t, h, h.ro, "list-categories", in{"tree_id": tree})
	var root *CategoryOut
	for i := range nested.Items {
		if nested.Items[i].ID == garden {
			root = &nested.Items[i]
		}
		if nested.Items[i].ParentID != 0 || nested.Items[i].Depth != 0 {
			t.Errorf("top-level item %+v has a parent", nested.Items[i])
		}
	}
	if root == nil {
		t.Fatalf("Garden Test missing from the top level: %+v", nested.Items)
	}
	// Children are typed loosely in the schema; read them back as JSON.
	b, _ := json.Marshal(root)
	var r struct {
		Children []struct {
			ID       int    `json:"id"`
			Path     string `json:"path"`
			Children []struct {
				ID    int    `json:"id"`
				Depth int    `json:"depth"`
				Path  string `json:"path"`
			} `json:"children"`
		} `json:"children"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Children) != 1 || r.Children[0].ID != tools || len(r.Children[0].Children) != 1 ||
		r.Children[0].Children[0].ID != spades || r.Children[0].Children[0].Depth != 2 ||
		r.Children[0].Children[0].Path != "Garden Test > Tools Test > Spades Test" {
		t.Errorf("nested branch = %s", b)
	}
	if nested.Next != nil || nested.Total < 3 {
		t.Errorf("nested next %+v total %d", nested.Next, nested.Total)
	}

	flat := mustCall[ListCategoriesOutput](t, h, h.full, "list-categories", in{"flat": true, "limit": 250})
	if len(flat.Items) != flat.Total || flat.Next != nil {
		t.Errorf("flat: %d items of %d, next %+v", len(flat.Items), flat.Total, flat.Next)
	}
	found := false
	for _, c := range flat.Items {
		if len(c.Children) != 0 {
			t.Errorf("flat item %d has children", c.ID)
		}
		if c.ID == spades {
			found = c.ParentID == tools && c.Depth == 2 && c.TreeID == tree
		}
	}
	if !found {
		t.Error("Spades Test missing from the flat list, or with the wrong parent")
	}
	page := mustCall[ListCategoriesOutput](t, h, agent(h.full), "list-categories", in{"flat": true, "limit": 2})
	if len(page.Items) != 2 || (flat.Total > 2 && (page.Next == nil || page.Next.Page != 2)) {
		t.Errorf("flat page: %d items, next %+v", len(page.Items), page.Next)
	}

	t.Run("resolves names for list-products", func(t *testing.T) {
		p := mustCall[CreateProductOutput](t, h, h.full, "create-product", in{"name": "Steel Spade", "price": 20, "categories": []int{spades}}).Product
		out := mustCall[ListProductsOutput](t, h, h.full, "list-products", in{"category": "spades test"})
		if len(out.Items) != 1 || out.Items[0].ID != p.ID {
			t.Errorf("got %+v, want product %d", out.Items, p.ID)
		}
		mk("Spades Test", garden) // now the name is ambiguous
		_, err := call[ListProductsOutput](t, h, h.full, "list-products", in{"category": "Spades Test"})
		e := wantError(t, err, CategoryBadInput, "category")
		if !strings.Contains(e.Message, "Garden Test > Tools Test > Spades Test") {
			t.Errorf("ambiguity message %q does not give the paths", e.Message)
		}
	})
	t.Run("errors", func(t *testing.T) {
		_, err := call[ListCategoriesOutput](t, h, h.full, "list-categories", in{"tree_id": 98765})
		wantError(t, err, CategoryNotFound, "")
		_, err = call[ListCategoriesOutput](t, h, h.full, "list-categories", in{"limit": 5})
		wantError(t, err, CategoryBadInput, "limit")
		_, err = call[ListCategoriesOutput](t, h, h.full, "list-categories", in{"flat": "yes"})
		wantError(t, err, CategoryBadInput, "flat")
	})
}
