package tools

import (
	"context"
	"fmt"
	"strings"

	"github.com/bigc-dev/bigc/bigcommerce"
)

// ListCategoriesInput selects the tree and its shape.
type ListCategoriesInput struct {
	TreeID int  `json:"tree_id,omitempty" jsonschema:"default all" bigc:"minimum=1"`
	Flat   bool `json:"flat,omitempty"`
	Limit  int  `json:"limit,omitempty" jsonschema:"flat only"`
	Page   int  `json:"page,omitempty" jsonschema:"flat only"`
}

// CategoryOut is one category. Nested, it holds its children.
type CategoryOut struct {
	ID        int    `json:"id" jsonschema:"category id"`
	ParentID  int    `json:"parent_id" jsonschema:"0 at the top"`
	TreeID    int    `json:"tree_id" jsonschema:"category tree id"`
	Name      string `json:"name"`
	Depth     int    `json:"depth" jsonschema:"0 at the top"`
	Path      string `json:"path" jsonschema:"e.g. Garden > Tools"`
	IsVisible bool   `json:"is_visible" jsonschema:"shown to shoppers"`
	URL       string `json:"url,omitempty" jsonschema:"storefront path"`
	// Children is []CategoryOut; it is typed loosely because a JSON Schema
	// derived from a Go type cannot refer to itself.
	Children []any `json:"children,omitempty" jsonschema:"subcategories, same fields (nested view)"`
}

// ListCategoriesOutput is the category tree.
type ListCategoriesOutput struct {
	Items []CategoryOut `json:"items" jsonschema:"top-level categories (nested) or all (flat)"`
	Total int           `json:"total" jsonschema:"categories in the trees"`
	Next  *NextPage     `json:"next" jsonschema:"flat only; null on the last page"`
	Hint  string        `json:"hint" jsonschema:"what to do next"`
}

func addListCategories(r *Registry) {
	add(r, Spec[ListCategoriesInput, ListCategoriesOutput]{
		Name:        "list-categories",
		Title:       "List categories",
		Description: "The category tree, nested or flat=true with paths: turns category names into ids.",
		Annotations: Annotations{ReadOnly: true, Idempotent: true, OpenWorld: true},
		Handler:     listCategories,
	})
}

func listCategories(ctx context.Context, env *Env, in ListCategoriesInput) (ListCategoriesOutput, error) {
	var out ListCategoriesOutput
	if !in.Flat && (in.Limit != 0 || in.Page != 0) {
		field := "limit"
		if in.Limit == 0 {
			field = "page"
		}
		return out, BadInput(field, "applies to the flat list only; add flat=true, or leave it out for the whole nested tree")
	}
	limit, page := pageArgs(env, in.Limit, in.Page)
	roots, err := categoryTrees(ctx, env, newProgress(env), in.TreeID)
	if err != nil {
		return out, err
	}
	var flat []CategoryOut
	var walk func(ns []*bigcommerce.CategoryNode, treeID int, path string) []any
	walk = func(ns []*bigcommerce.CategoryNode, treeID int, path string) []any {
		var kids []any
		for _, n := range ns {
			c := CategoryOut{ID: n.ID, ParentID: n.ParentID, TreeID: treeID, Name: n.Name, Depth: n.Depth,
				IsVisible: n.IsVisible, URL: n.URL, Path: joinPath(path, n.Name)}
			flat = append(flat, c)
			c.Children = walk(n.Children, treeID, c.Path)
			kids = append(kids, c)
		}
		return kids
	}
	out.Items = []CategoryOut{}
	for _, t := range roots {
		for _, k := range walk(t.nodes, t.id, "") {
			out.Items = append(out.Items, k.(CategoryOut))
		}
	}
	out.Total = len(flat)
	if in.Flat {
		start := min((page-1)*limit, len(flat))
		end := min(start+limit, len(flat))
		out.Items = append([]CategoryOut{}, flat[start:end]...)
		if end < len(flat) {
			out.Next = &NextPage{Page: page + 1}
		}
		out.Hint = pageHint(out.Next, len(out.Items), "list-products with category=ID for a category's products")
		return out, nil
	}
	out.Hint = "the whole tree; call list-products with category=ID for a category's products"
	if len(flat) == 0 {
		out.Hint = "the store has no categories"
	}
	return out, nil
}

func joinPath(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + " > " + name
}

type treeNodes struct {
	id    int
	nodes []*bigcommerce.CategoryNode
}

// categoryTrees returns the nested categories of one tree, or of every tree,
// one request per tree; p counts them.
func categoryTrees(ctx context.Context, env *Env, p *progress, treeID int) ([]treeNodes, error) {
	var ids []int
	if treeID > 0 {
		ids = []int{treeID}
	} else {
		p.plan(1)
		trees, _, err := env.Client.Categories.ListTrees(ctx)
		if err != nil {
			return nil, apiError(err, "")
		}
		p.step()
		for _, t := range trees {
			ids = append(ids, t.ID)
		}
	}
	p.plan(len(ids))
	var out []treeNodes
	for _, id := range ids {
		nodes, err := env.Client.Categories.Tree(ctx, id)
		if err != nil {
			return nil, apiError(err, "call list-categories without tree_id to see every tree")
		}
		p.step()
		out = append(out, treeNodes{id: id, nodes: nodes})
	}
	return out, nil
}

// resolveCategoryID turns a category id or name into its id. A name is
// matched case-insensitively across every tree; a name that several
// categories share is refused with their ids and paths. p counts the
// requests a name takes.
func resolveCategoryID(ctx context.Context, env *Env, p *progress, field string, v IDOrName) (int, error) {
	if id, ok, err := v.checkedID(field); ok {
		return id, err
	}
	name := strings.TrimSpace(string(v))
	trees, err := categoryTrees(ctx, env, p, 0)
	if err != nil {
		return 0, err
	}
	var matches []string
	var id int
	var walk func(ns []*bigcommerce.CategoryNode, path string)
	walk = func(ns []*bigcommerce.CategoryNode, path string) {
		for _, n := range ns {
			p := joinPath(path, n.Name)
			if strings.EqualFold(strings.TrimSpace(n.Name), name) {
				id = n.ID
				matches = append(matches, fmt.Sprintf("%d (%s)", n.ID, p))
			}
			walk(n.Children, p)
		}
	}
	for _, t := range trees {
		walk(t.nodes, "")
	}
	switch len(matches) {
	case 0:
		return 0, &Error{Category: CategoryBadInput, Field: field, Message: fmt.Sprintf("no category is named %q", name),
			Next: "call list-categories to see the category names and ids"}
	case 1:
		return id, nil
	}
	return 0, &Error{Category: CategoryBadInput, Field: field,
		Message: fmt.Sprintf("%d categories are named %q: %s", len(matches), name, strings.Join(matches, ", ")),
		Next:    "pass the id of the one you mean"}
}
