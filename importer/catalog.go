package importer

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/bigc-dev/bigc/bigcommerce"
)

// names resolves category paths and brand names to IDs, reading the store's
// categories once and each brand once, and creates what is missing when told
// to. Safe for concurrent use.
type names struct {
	client *bigcommerce.Client
	stats  *counter

	mu     sync.Mutex
	loaded bool
	treeID int
	paths  map[string]int // "A/B" -> category id, in the default tree
	brands map[string]int // lower-cased name -> id; 0 when known to be absent
}

func newNames(c *bigcommerce.Client, stats *counter) *names {
	return &names{client: c, stats: stats, paths: map[string]int{}, brands: map[string]int{}}
}

// loadCategories reads every category of the first tree (the storefront's)
// and indexes them by name path: GET /v3/catalog/trees, GET /v3/catalog/trees/categories.
func (n *names) loadCategories(ctx context.Context) error {
	if n.loaded {
		return nil
	}
	trees, _, err := n.client.Categories.ListTrees(ctx)
	n.stats.read()
	if err != nil {
		return err
	}
	for _, t := range trees {
		if n.treeID == 0 || t.ID < n.treeID {
			n.treeID = t.ID
		}
	}
	if n.treeID == 0 {
		return errors.New("the store has no category tree")
	}
	byID := map[int]*bigcommerce.Category{}
	n.stats.read()
	for c, err := range n.client.Categories.All(ctx, &bigcommerce.CategoryListOptions{TreeIDs: []int{n.treeID}}) {
		if err != nil {
			return err
		}
		byID[c.CategoryID] = c
	}
	for id := range byID {
		var parts []string
		for c := byID[id]; c != nil && len(parts) < 50; c = byID[c.ParentID] {
			parts = append([]string{strings.TrimSpace(c.Name)}, parts...)
		}
		n.paths[strings.Join(parts, "/")] = id
	}
	n.loaded = true
	return nil
}

// missingCategory is a category path that does not exist and may not be created.
type missingCategory struct{ path string }

func (e *missingCategory) Error() string {
	return fmt.Sprintf("category %q does not exist; create it in the store, or import with categories created", e.path)
}

// category returns the ID of the category at path; with create, it makes the
// missing categories along the path (unless dryRun, where it returns 0 and
// would=true). POST /v3/catalog/trees/categories.
func (n *names) category(ctx context.Context, path string, create, dryRun bool) (id int, would bool, err error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if err := n.loadCategories(ctx); err != nil {
		return 0, false, err
	}
	if id, ok := n.paths[path]; ok {
		return id, false, nil
	}
	if !create {
		return 0, false, &missingCategory{path}
	}
	if dryRun {
		return 0, true, nil
	}
	parts := strings.Split(path, "/")
	parent := 0
	for i := range parts {
		prefix := strings.Join(parts[:i+1], "/")
		if id, ok := n.paths[prefix]; ok {
			parent = id
			continue
		}
		id, err := n.createCategory(ctx, parts[i], parent)
		if err != nil {
			return 0, false, err
		}
		n.paths[prefix] = id
		parent = id
	}
	return parent, false, nil
}

// createCategory creates one category under parent (0: at the top of the
// tree). A create whose answer was lost is looked up by name under the same
// parent before it is tried again.
func (n *names) createCategory(ctx context.Context, name string, parent int) (int, error) {
	req := &bigcommerce.CategoryCreateRequest{Name: name, TreeID: n.treeID, ParentID: parent, IsVisible: ptr(true)}
	if parent != 0 {
		req.TreeID = 0
	}
	for attempt := 0; ; attempt++ {
		got, _, err := n.client.Categories.Create(ctx, []*bigcommerce.CategoryCreateRequest{req})
		n.stats.write()
		if err == nil && len(got) == 1 {
			return got[0].CategoryID, nil
		}
		if err == nil || attempt == 2 || !(errors.Is(err, bigcommerce.ErrOutcomeUnknown) || errors.Is(err, bigcommerce.ErrUpstream) || errors.Is(err, bigcommerce.ErrConflict)) {
			if err == nil {
				err = fmt.Errorf("creating category %q: the answer held no category", name)
			}
			return 0, err
		}
		opts := &bigcommerce.CategoryListOptions{TreeIDs: []int{n.treeID}, Name: name}
		if parent != 0 {
			opts.ParentIDs = []int{parent}
		}
		found, _, lerr := n.client.Categories.List(ctx, opts)
		n.stats.read()
		if lerr != nil {
			return 0, lerr
		}
		for _, c := range found {
			if c.Name == name && c.ParentID == parent {
				return c.CategoryID, nil
			}
		}
	}
}

// brand returns the ID of the brand named name (case-insensitively), 0 when
// there is none: GET /v3/catalog/brands?name=...
func (n *names) brand(ctx context.Context, name string) (int, error) {
	key := strings.ToLower(name)
	n.mu.Lock()
	id, ok := n.brands[key]
	n.mu.Unlock()
	if ok {
		return id, nil
	}
	b, err := n.client.Brands.FindByName(ctx, name)
	n.stats.read()
	switch {
	case err == nil:
		id = b.ID
	case errors.Is(err, bigcommerce.ErrNotFound):
		id = 0
	default:
		return 0, err
	}
	n.mu.Lock()
	n.brands[key] = id
	n.mu.Unlock()
	return id, nil
}

// ensureBrand returns the brand's ID, creating the brand when it is missing:
// POST /v3/catalog/brands. A lost answer is looked up by name.
func (n *names) ensureBrand(ctx context.Context, name string) (int, error) {
	id, err := n.brand(ctx, name)
	if err != nil || id != 0 {
		return id, err
	}
	for attempt := 0; ; attempt++ {
		b, _, err := n.client.Brands.Create(ctx, &bigcommerce.BrandCreateRequest{Name: name})
		n.stats.write()
		if err == nil {
			id = b.ID
			break
		}
		if attempt == 2 || !(errors.Is(err, bigcommerce.ErrOutcomeUnknown) || errors.Is(err, bigcommerce.ErrUpstream) || errors.Is(err, bigcommerce.ErrConflict)) {
			return 0, err
		}
		n.mu.Lock()
		delete(n.brands, strings.ToLower(name))
		n.mu.Unlock()
		if id, err = n.brand(ctx, name); err != nil || id != 0 {
			return id, err
		}
	}
	n.mu.Lock()
	n.brands[strings.ToLower(name)] = id
	n.mu.Unlock()
	return id, nil
}
