package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
)

type tree struct {
	ID       int    `json:"id"`
	Name     string `json:"name"`
	Channels []int  `json:"channels"`
}

// category is a category of a tree, as /v3/catalog/trees/categories renders it.
type category struct {
	ID                 int         `json:"category_id"`
	ParentID           int         `json:"parent_id"`
	TreeID             int         `json:"tree_id"`
	Name               string      `json:"name"`
	Description        string      `json:"description"`
	Views              int         `json:"views"`
	SortOrder          int         `json:"sort_order"`
	PageTitle          string      `json:"page_title"`
	SearchKeywords     string      `json:"search_keywords"`
	MetaKeywords       []string    `json:"meta_keywords"`
	MetaDescription    string      `json:"meta_description"`
	LayoutFile         string      `json:"layout_file"`
	IsVisible          bool        `json:"is_visible"`
	DefaultProductSort string      `json:"default_product_sort"`
	URL                categoryURL `json:"url"`
	ImageURL           string      `json:"image_url"`
}

type categoryURL struct {
	Path         string `json:"path"`
	IsCustomized bool   `json:"is_customized"`
}

const maxCategoryDepth = 8

func (cat *catalog) addCategory(c *category) {
	cat.categories[c.ID] = c
	i, _ := slices.BinarySearch(cat.catIDs, c.ID)
	cat.catIDs = slices.Insert(cat.catIDs, i, c.ID)
}

// depth is 1 for a top-level category.
func (cat *catalog) depth(c *category) int {
	d := 1
	for p := cat.categories[c.ParentID]; p != nil; p = cat.categories[p.ParentID] {
		d++
	}
	return d
}

// listTrees serves GET /v3/catalog/trees.
func (s *Store) listTrees(c *call) {
	ids, err := c.v3Num("id", intParser())
	if err != nil {
		c.badFilter(err)
		return
	}
	var out []*tree
	for id := 1; id <= s.ids.tree; id++ {
		if t := s.cat.trees[id]; t != nil && ids.match(int64(id)) {
			out = append(out, t)
		}
	}
	v3List(c, out)
}

// upsertTrees serves PUT /v3/catalog/trees: at most 50; a new tree needs
// exactly one channel.
func (s *Store) upsertTrees(c *call) {
	var in []struct {
		ID       *int   `json:"id"`
		Name     string `json:"name"`
		Channels []int  `json:"channels"`
	}
	if !decodeBatch(c, &in, 50) {
		return
	}
	out := make([]*tree, 0, len(in))
	for i, t := range in {
		if t.ID != nil && s.cat.trees[*t.ID] != nil {
			s.cat.trees[*t.ID].Name = t.Name
			out = append(out, s.cat.trees[*t.ID])
			continue
		}
		if len(t.Channels) != 1 || t.Name == "" {
			c.invalid("Invalid trees", map[string]string{fmt.Sprintf("[%d]", i): "A new tree needs a name and exactly one channel."})
			return
		}
		s.ids.tree++
		nt := &tree{ID: s.ids.tree, Name: t.Name, Channels: t.Channels}
		s.cat.trees[nt.ID] = nt
		out = append(out, nt)
	}
	c.v3Data(200, out)
}

// deleteTrees serves DELETE /v3/catalog/trees?id:in=... (the filter is
// required; 422 without, in the wrapped shape the spec gives).
func (s *Store) deleteTrees(c *call) {
	ids, err := c.v3Num("id", intParser())
	if err != nil || ids.in == nil {
		c.treeErrors(http.StatusUnprocessableEntity, "A filter is required", map[string]string{"id:in": "Give id:in with the trees to delete."}, 0)
		return
	}
	for _, id := range ids.in {
		delete(s.cat.trees, int(id))
		for _, cid := range slices.Clone(s.cat.catIDs) {
			// A category removed with its parent earlier in this loop is gone.
			if cg := s.cat.categories[cid]; cg != nil && cg.TreeID == int(id) {
				s.cat.removeCategory(cg)
			}
		}
	}
	c.noContent()
}

// categoryFilter selects categories by the filters of GET /v3/catalog/trees/categories.
func (c *call) categoryFilter() (func(*category) bool, error) {
	var nums [3]numFilter
	for i, n := range []string{"category_id", "tree_id", "parent_id"} {
		f, err := c.v3Num(n, intParser())
		if err != nil {
			return nil, err
		}
		nums[i] = f
	}
	name, title := c.v3Str("name"), c.v3Str("page_title")
	visible, visSet, err := c.boolParam("is_visible")
	if err != nil {
		return nil, err
	}
	keyword := c.v3Str("keyword")
	keyword.like, keyword.in = keyword.in, nil
	return func(cg *category) bool {
		return nums[0].match(int64(cg.ID)) && nums[1].match(int64(cg.TreeID)) && nums[2].match(int64(cg.ParentID)) &&
			name.match(cg.Name) && title.match(cg.PageTitle) && (!visSet || cg.IsVisible == visible) &&
			keyword.match(cg.Name+" "+cg.Description+" "+cg.SearchKeywords)
	}, nil
}

// The category-tree endpoints shape their errors unlike the rest of V3
// (category-trees spec: ErrorRequest, ErrorResponse, GeneralErrorWithErrors):
// a 400 is {"errors": [{status, title, type}]}, an array; a 422 wraps the
// usual error object in "errors" beside the batch's "meta".

// treeBadRequest answers 400 as {"errors": [{status, title, type}]}.
func (c *call) treeBadRequest(title string) {
	c.json(http.StatusBadRequest, map[string]any{"errors": []v3ErrorBasic{{Status: http.StatusBadRequest, Title: title, Type: statusCodesURL}}})
}

// treeErrors answers {"errors": {status, title, type, errors}, "meta":
// {total, success: 0, failed: total}} for a batch of total items refused.
func (c *call) treeErrors(status int, title string, fields map[string]string, total int) {
	c.json(status, map[string]any{"errors": v3Error{Status: status, Title: title, Type: statusCodesURL, Errors: fields},
		"meta": map[string]int{"total": total, "success": 0, "failed": total}})
}

// v3ErrorBasic is one element of the category-tree 400's errors array.
type v3ErrorBasic struct {
	Status int    `json:"status"`
	Title  string `json:"title"`
	Type   string `json:"type"`
}

// decodeCategories reads a category batch body; a body that is not one
// answers the category-tree 400.
func (c *call) decodeCategories(in *[]categoryInput) bool {
	dec := json.NewDecoder(http.MaxBytesReader(nil, c.r.Body, 8<<20))
	if err := dec.Decode(in); err != nil {
		c.treeBadRequest("The request body is not a JSON array of categories: " + err.Error())
		return false
	}
	return true
}

// listCategories serves GET /v3/catalog/trees/categories, with
// include_fields and exclude_fields.
func (s *Store) listCategories(c *call) {
	match, err := c.categoryFilter()
	if err != nil {
		c.treeErrors(http.StatusUnprocessableEntity, "Invalid filter", map[string]string{"filter": err.Error()}, 0)
		return
	}
	var out []*category
	for _, id := range s.cat.catIDs {
		if cg := s.cat.categories[id]; match(cg) {
			out = append(out, cg)
		}
	}
	v3FieldList(c, out, "category_id")
}

// siblingNamed finds a category other than self under the same parent of
// the same tree with the given name: names are unique among siblings
// (category-trees spec, "name").
func (cat *catalog) siblingNamed(treeID, parentID int, name string, self int) *category {
	for _, id := range cat.catIDs {
		if cg := cat.categories[id]; cg.ID != self && cg.TreeID == treeID && cg.ParentID == parentID && cg.Name == name {
			return cg
		}
	}
	return nil
}

// placeOf is the tree and parent a new category goes under.
func (cat *catalog) placeOf(in *categoryInput) (treeID, parentID int) {
	if in.ParentID != nil && *in.ParentID != 0 {
		if p := cat.categories[*in.ParentID]; p != nil {
			return p.TreeID, p.ID
		}
	}
	if in.TreeID != nil {
		return *in.TreeID, 0
	}
	return 0, 0
}

type categoryInput struct {
	CategoryID      *int      `json:"category_id"`
	ParentID        *int      `json:"parent_id"`
	TreeID          *int      `json:"tree_id"`
	Name            *string   `json:"name"`
	Description     *string   `json:"description"`
	SortOrder       *int      `json:"sort_order"`
	PageTitle       *string   `json:"page_title"`
	SearchKeywords  *string   `json:"search_keywords"`
	MetaKeywords    *[]string `json:"meta_keywords"`
	MetaDescription *string   `json:"meta_description"`
	IsVisible       *bool     `json:"is_visible"`
	ImageURL        *string   `json:"image_url"`
}

func applyCategory(cg *category, in *categoryInput) {
	setIf(&cg.Name, in.Name)
	setIf(&cg.Description, in.Description)
	setIf(&cg.SortOrder, in.SortOrder)
	setIf(&cg.PageTitle, in.PageTitle)
	setIf(&cg.SearchKeywords, in.SearchKeywords)
	setIf(&cg.MetaKeywords, in.MetaKeywords)
	setIf(&cg.MetaDescription, in.MetaDescription)
	setIf(&cg.IsVisible, in.IsVisible)
	setIf(&cg.ImageURL, in.ImageURL)
}

// checkNewCategory applies the create rules: a name of 1-50 characters, and
// tree_id or parent_id naming something that exists, within depth 8.
func (cat *catalog) checkNewCategory(in *categoryInput, i int) map[string]string {
	key := func(f string) string { return fmt.Sprintf("[%d].%s", i, f) }
	errs := map[string]string{}
	if in.Name == nil || len(*in.Name) < 1 || len(*in.Name) > 50 {
		errs[key("name")] = "The field 'name' must be between 1 and 50 characters."
	}
	switch {
	case in.ParentID != nil && *in.ParentID != 0:
		p := cat.categories[*in.ParentID]
		if p == nil {
			errs[key("parent_id")] = fmt.Sprintf("Category %d does not exist.", *in.ParentID)
		} else if cat.depth(p) >= maxCategoryDepth {
			errs[key("parent_id")] = "Categories nest at most 8 levels deep."
		}
	case in.TreeID == nil:
		errs[key("tree_id")] = "Give tree_id or parent_id."
	case cat.trees[*in.TreeID] == nil:
		errs[key("tree_id")] = fmt.Sprintf("Tree %d does not exist.", *in.TreeID)
	}
	return errs
}

// createCategories serves POST /v3/catalog/trees/categories (201). A name
// a sibling already has, in the store or earlier in the batch, is refused
// (422).
func (s *Store) createCategories(c *call) {
	var in []categoryInput
	if !c.decodeCategories(&in) {
		return
	}
	errs := map[string]string{}
	type place struct {
		tree, parent int
		name         string
	}
	batch := map[place]int{}
	for i := range in {
		for k, v := range s.cat.checkNewCategory(&in[i], i) {
			errs[k] = v
		}
		if in[i].Name == nil {
			continue
		}
		t, p := s.cat.placeOf(&in[i])
		key := fmt.Sprintf("[%d].name", i)
		if d := s.cat.siblingNamed(t, p, *in[i].Name, 0); d != nil {
			errs[key] = fmt.Sprintf("Category %d under the same parent is already named %q.", d.ID, *in[i].Name)
		} else if j, ok := batch[place{t, p, *in[i].Name}]; ok {
			errs[key] = fmt.Sprintf("Item %d of this batch has the same parent and name %q.", j, *in[i].Name)
		}
		batch[place{t, p, *in[i].Name}] = i
	}
	if len(errs) > 0 {
		c.treeErrors(http.StatusUnprocessableEntity, "Invalid categories", errs, len(in))
		return
	}
	out := make([]*category, 0, len(in))
	for i := range in {
		s.ids.category++
		cg := &category{ID: s.ids.category, IsVisible: true, MetaKeywords: []string{}, DefaultProductSort: "use_store_settings"}
		applyCategory(cg, &in[i])
		setIf(&cg.ParentID, in[i].ParentID)
		if p := s.cat.categories[cg.ParentID]; p != nil {
			cg.TreeID = p.TreeID
		} else {
			cg.TreeID = *in[i].TreeID
		}
		cg.URL = categoryURL{Path: "/" + slug(cg.Name) + "/"}
		s.cat.addCategory(cg)
		s.emit("store/category/created", "category", cg.ID, nil)
		out = append(out, cg)
	}
	c.json(http.StatusCreated, map[string]any{"data": out, "meta": writeMeta(len(out))})
}

// writeMeta is the meta of a batch write that fully succeeded.
func writeMeta(n int) map[string]int {
	return map[string]int{"total": n, "success": n, "failed": 0}
}

// updateCategories serves PUT /v3/catalog/trees/categories (each with
// category_id); the answer carries only the write meta, as the spec says.
func (s *Store) updateCategories(c *call) {
	var in []categoryInput
	if !c.decodeCategories(&in) {
		return
	}
	for i := range in {
		if in[i].CategoryID == nil || s.cat.categories[*in[i].CategoryID] == nil {
			c.treeErrors(http.StatusUnprocessableEntity, "Invalid categories", map[string]string{fmt.Sprintf("[%d].category_id", i): "Give the category_id of an existing category."}, len(in))
			return
		}
		cg := s.cat.categories[*in[i].CategoryID]
		if in[i].Name == nil {
			continue
		}
		if len(*in[i].Name) < 1 || len(*in[i].Name) > 50 {
			c.treeErrors(http.StatusUnprocessableEntity, "Invalid categories", map[string]string{fmt.Sprintf("[%d].name", i): "The field 'name' must be between 1 and 50 characters."}, len(in))
			return
		}
		if d := s.cat.siblingNamed(cg.TreeID, cg.ParentID, *in[i].Name, cg.ID); d != nil {
			c.treeErrors(http.StatusUnprocessableEntity, "Invalid categories", map[string]string{fmt.Sprintf("[%d].name", i): fmt.Sprintf("Category %d under the same parent is already named %q.", d.ID, *in[i].Name)}, len(in))
			return
		}
	}
	out := make([]*category, 0, len(in))
	for i := range in {
		cg := s.cat.categories[*in[i].CategoryID]
		applyCategory(cg, &in[i])
		s.emit("store/category/updated", "category", cg.ID, nil)
		out = append(out, cg)
	}
	c.json(200, map[string]any{"meta": writeMeta(len(out))})
}

// deleteCategories serves DELETE /v3/catalog/trees/categories with a
// filter (category_id:in, tree_id:in or parent_id:in); children go with
// their parent. It answers 202 with the write meta, as the spec documents;
// without a filter it is refused (400).
func (s *Store) deleteCategories(c *call) {
	if !c.q.Has("category_id:in") && !c.q.Has("tree_id:in") && !c.q.Has("parent_id:in") && !c.q.Has("category_uuid:in") {
		c.treeBadRequest("A filter is required: give category_id:in, tree_id:in or parent_id:in.")
		return
	}
	match, err := c.categoryFilter()
	if err != nil {
		c.treeErrors(http.StatusUnprocessableEntity, "Invalid filter", map[string]string{"filter": err.Error()}, 0)
		return
	}
	n := 0
	for _, id := range slices.Clone(s.cat.catIDs) {
		if cg := s.cat.categories[id]; cg != nil && match(cg) {
			n += s.cat.removeCategory(cg)
			s.emit("store/category/deleted", "category", cg.ID, nil)
		}
	}
	c.json(http.StatusAccepted, map[string]any{"meta": writeMeta(n)})
}

// removeCategory drops cg, its descendants and the products' references to
// them, and says how many categories went.
func (cat *catalog) removeCategory(cg *category) int {
	n := 1
	for _, id := range slices.Clone(cat.catIDs) {
		if child := cat.categories[id]; child != nil && child.ParentID == cg.ID {
			n += cat.removeCategory(child)
		}
	}
	delete(cat.categories, cg.ID)
	if i, ok := slices.BinarySearch(cat.catIDs, cg.ID); ok {
		cat.catIDs = slices.Delete(cat.catIDs, i, i+1)
	}
	for _, p := range cat.products {
		p.Categories = slices.DeleteFunc(p.Categories, func(id int) bool { return id == cg.ID })
	}
	return n
}

// treeNode is one node of GET /v3/catalog/trees/{id}/categories.
type treeNode struct {
	ID        int         `json:"id"`
	ParentID  int         `json:"parent_id"`
	Depth     int         `json:"depth"`
	Path      []int       `json:"path"`
	Name      string      `json:"name"`
	IsVisible bool        `json:"is_visible"`
	Children  []*treeNode `json:"children"`
	URL       string      `json:"url"`
}

// getCategoryTree serves GET /v3/catalog/trees/{id}/categories: the tree as nested nodes.
func (s *Store) getCategoryTree(c *call) {
	if s.cat.trees[c.id(0)] == nil {
		c.notFound()
		return
	}
	nodes := map[int]*treeNode{}
	var roots []*treeNode
	for _, id := range s.cat.catIDs { // ascending ids: parents come before children
		cg := s.cat.categories[id]
		if cg.TreeID != c.id(0) {
			continue
		}
		n := &treeNode{ID: cg.ID, ParentID: cg.ParentID, Name: cg.Name, IsVisible: cg.IsVisible, URL: cg.URL.Path, Children: []*treeNode{}, Path: []int{}}
		nodes[id] = n
		if p := nodes[cg.ParentID]; p != nil {
			n.Depth, n.Path = p.Depth+1, append(slices.Clone(p.Path), p.ID)
			p.Children = append(p.Children, n)
		} else {
			n.Depth = 1
			roots = append(roots, n)
		}
	}
	c.v3Data(200, nonNil(roots))
}
