package bigcommerce

import (
	"context"
	"iter"
	"net/http"
	"net/url"
)

// CategoriesService handles category trees and their categories
// (V3 /catalog/trees), the successor of the deprecated /catalog/categories.
type CategoriesService struct{ c *Client }

// CategoryTree is a category tree; each channel has one.
type CategoryTree struct {
	ID       int    `json:"id"`
	Name     string `json:"name"`
	Channels []int  `json:"channels"`
}

// Category is a category of a tree.
type Category struct {
	CategoryID         int          `json:"category_id"`
	CategoryUUID       string       `json:"category_uuid,omitempty"`
	ParentID           int          `json:"parent_id"`
	TreeID             int          `json:"tree_id"`
	Name               string       `json:"name"`
	Description        string       `json:"description"`
	Views              int          `json:"views"`
	SortOrder          int          `json:"sort_order"`
	PageTitle          string       `json:"page_title"`
	MetaKeywords       []string     `json:"meta_keywords"`
	MetaDescription    string       `json:"meta_description"`
	LayoutFile         string       `json:"layout_file"`
	ImageURL           string       `json:"image_url"`
	IsVisible          bool         `json:"is_visible"`
	SearchKeywords     string       `json:"search_keywords"`
	DefaultProductSort string       `json:"default_product_sort"`
	URL                *CategoryURL `json:"url,omitempty"`
}

// CategoryNode is a category in a nested tree.
type CategoryNode struct {
	ID        int             `json:"id"`
	ParentID  int             `json:"parent_id"`
	Depth     int             `json:"depth"`
	Path      []int           `json:"path"`
	Name      string          `json:"name"`
	IsVisible bool            `json:"is_visible"`
	URL       string          `json:"url,omitempty"`
	Children  []*CategoryNode `json:"children"`
}

// ListTrees lists the category trees: GET /v3/catalog/trees.
func (s *CategoriesService) ListTrees(ctx context.Context) ([]*CategoryTree, *Response, error) {
	return v3Get[[]*CategoryTree](ctx, s.c, "/catalog/trees", nil)
}

// Tree returns one category tree as nested nodes, roots first:
// GET /v3/catalog/trees/{tree_id}/categories.
func (s *CategoriesService) Tree(ctx context.Context, treeID int) ([]*CategoryNode, error) {
	if err := checkID("tree_id", treeID); err != nil {
		return nil, err
	}
	nodes, _, err := v3Get[[]*CategoryNode](ctx, s.c, "/catalog/trees/"+itoa(treeID)+"/categories", nil)
	if err != nil {
		return nil, err
	}
	return nest(nodes), nil
}

// nest arranges nodes into a tree. The endpoint already nests its answer; a
// flat list (every node at the top, linked only by parent_id) is nested here
// so that callers get the same shape either way.
func nest(nodes []*CategoryNode) []*CategoryNode {
	byID := make(map[int]*CategoryNode, len(nodes))
	for _, n := range nodes {
		byID[n.ID] = n
	}
	var roots []*CategoryNode
	for _, n := range nodes {
		parent, ok := byID[n.ParentID]
		if n.ParentID == 0 || !ok || parent == n {
			roots = append(roots, n)
			continue
		}
		parent.Children = append(parent.Children, n)
	}
	var fix func(ns []*CategoryNode, depth int, path []int)
	fix = func(ns []*CategoryNode, depth int, path []int) {
		for _, n := range ns {
			n.Depth = depth
			n.Path = append(append([]int(nil), path...), n.ID)
			if n.Children == nil {
				n.Children = []*CategoryNode{}
			}
			fix(n.Children, depth+1, n.Path)
		}
	}
	fix(roots, 0, nil)
	return roots
}

// CategoryListOptions filters GET /v3/catalog/trees/categories.
type CategoryListOptions struct {
	TreeIDs     []int  // tree_id:in
	ParentIDs   []int  // parent_id:in
	CategoryIDs []int  // category_id:in
	Name        string // exact name
	NameLike    string // name:like
	IsVisible   *bool
	Keyword     string
	Page        int
	Limit       int // at most 250
}

func (o *CategoryListOptions) values() (url.Values, error) {
	q := listQuery(o.Page, o.Limit)
	q.ints("tree_id:in", o.TreeIDs)
	q.ints("parent_id:in", o.ParentIDs)
	q.ints("category_id:in", o.CategoryIDs)
	q.str("name", o.Name)
	q.str("name:like", o.NameLike)
	q.boolPtr("is_visible", o.IsVisible)
	q.str("keyword", o.Keyword)
	return q.encode()
}

func (o *CategoryListOptions) atPage(p pageRequest) { o.Page, o.Limit = p.Page, p.Limit }

// List lists one page of categories: GET /v3/catalog/trees/categories.
func (s *CategoriesService) List(ctx context.Context, opts *CategoryListOptions) ([]*Category, *Response, error) {
	return v3List[*Category](ctx, s.c, "/catalog/trees/categories", opts)
}

// All iterates over every category matching opts: GET /v3/catalog/trees/categories.
func (s *CategoriesService) All(ctx context.Context, opts *CategoryListOptions) iter.Seq2[*Category, error] {
	return allPages(ctx, pagingV3Offset, opts, s.List)
}

// CategoryCreateRequest creates a category: Name plus TreeID (a top-level
// category) or ParentID.
type CategoryCreateRequest struct {
	Name            string       `json:"name"`
	TreeID          int          `json:"tree_id,omitempty"`
	ParentID        int          `json:"parent_id,omitempty"`
	Description     string       `json:"description,omitempty"`
	SortOrder       int          `json:"sort_order,omitempty"`
	PageTitle       string       `json:"page_title,omitempty"`
	MetaDescription string       `json:"meta_description,omitempty"`
	ImageURL        string       `json:"image_url,omitempty"`
	IsVisible       *bool        `json:"is_visible,omitempty"`
	SearchKeywords  string       `json:"search_keywords,omitempty"`
	URL             *CategoryURL `json:"url,omitempty"`
}

// CategoryURL is a category's storefront path in requests.
type CategoryURL struct {
	Path         string `json:"path"`
	IsCustomized bool   `json:"is_customized"`
}

// Create creates categories: POST /v3/catalog/trees/categories.
func (s *CategoriesService) Create(ctx context.Context, cats []*CategoryCreateRequest) ([]*Category, *Response, error) {
	if len(cats) == 0 {
		return nil, nil, invalid("categories", "at least one category is required")
	}
	for i, c := range cats {
		f := "categories[" + itoa(i) + "]"
		switch {
		case c == nil:
			return nil, nil, invalid(f, "is null")
		case c.Name == "" || len(c.Name) > 50:
			return nil, nil, invalid(f+".name", "must be 1 to 50 characters")
		case c.TreeID <= 0 && c.ParentID <= 0:
			return nil, nil, invalid(f, "needs tree_id (a top-level category) or parent_id")
		}
	}
	return v3Data[[]*Category](ctx, s.c, http.MethodPost, "/catalog/trees/categories", nil, cats)
}

// CategoryUpdate changes one category; only non-nil fields are sent.
type CategoryUpdate struct {
	CategoryID      int          `json:"category_id"`
	Name            *string      `json:"name,omitempty"`
	ParentID        *int         `json:"parent_id,omitempty"`
	Description     *string      `json:"description,omitempty"`
	SortOrder       *int         `json:"sort_order,omitempty"`
	PageTitle       *string      `json:"page_title,omitempty"`
	MetaDescription *string      `json:"meta_description,omitempty"`
	ImageURL        *string      `json:"image_url,omitempty"`
	IsVisible       *bool        `json:"is_visible,omitempty"`
	SearchKeywords  *string      `json:"search_keywords,omitempty"`
	URL             *CategoryURL `json:"url,omitempty"`
}

// Update changes categories: PUT /v3/catalog/trees/categories. The endpoint
// answers with no category data.
func (s *CategoriesService) Update(ctx context.Context, updates []*CategoryUpdate) (*Response, error) {
	if len(updates) == 0 {
		return nil, invalid("categories", "at least one category update is required")
	}
	for i, u := range updates {
		f := "categories[" + itoa(i) + "]"
		if u == nil {
			return nil, invalid(f, "is null")
		}
		if err := checkID(f+".category_id", u.CategoryID); err != nil {
			return nil, err
		}
		if u.Name != nil && (*u.Name == "" || len(*u.Name) > 50) {
			return nil, invalid(f+".name", "must be 1 to 50 characters")
		}
	}
	return s.c.do(ctx, request{method: http.MethodPut, version: "v3", path: "/catalog/trees/categories", body: updates}, nil)
}

// Delete deletes categories by ID: DELETE /v3/catalog/trees/categories?category_id:in=...
// An empty list is refused before any request.
func (s *CategoriesService) Delete(ctx context.Context, categoryIDs []int) (*Response, error) {
	if err := checkIDs("category_id:in", categoryIDs); err != nil {
		return nil, err
	}
	return noContent(ctx, s.c, http.MethodDelete, "v3", "/catalog/trees/categories", url.Values{"category_id:in": {joinInts(categoryIDs)}})
}
