package sandbox

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
)

// productView is a product as GET renders it, with the included sub-resources.
type productView struct {
	*product
	Variants     any `json:"variants,omitempty"`
	Images       any `json:"images,omitempty"`
	CustomFields any `json:"custom_fields,omitempty"`
	Options      any `json:"options,omitempty"`
	PrimaryImage any `json:"primary_image,omitempty"`
}

func (p *product) view(inc map[string]bool) productView {
	v := productView{product: p}
	if inc["variants"] {
		v.Variants = nonNil(p.Variants)
	}
	if inc["images"] {
		v.Images = nonNil(p.Images)
	}
	if inc["custom_fields"] {
		v.CustomFields = nonNil(p.CustomFields)
	}
	if inc["options"] {
		v.Options = nonNil(p.Options)
	}
	if inc["primary_image"] {
		for _, img := range p.Images {
			if img.IsThumbnail {
				v.PrimaryImage = img
			}
		}
	}
	return v
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// renderProducts applies include, include_fields and exclude_fields to a
// list of products.
func (c *call) renderProducts(ps []*product) (any, error) {
	inc := c.includes()
	views := make(productList, len(ps))
	for i, p := range ps {
		views[i] = p.view(inc)
	}
	shape := c.fieldShape("id", slices.Collect(maps.Keys(inc))...)
	if shape == nil {
		return views, nil
	}
	out := make([]map[string]json.RawMessage, len(views))
	for i := range views {
		m, err := shape(views[i])
		if err != nil {
			return nil, err
		}
		out[i] = m
	}
	return out, nil
}

// fieldShape reads include_fields and exclude_fields (a comma-separated
// list each) and returns what keeps only the fields asked for and drops the
// ones excluded; idKey is always kept (the spec: "The ID cannot be
// excluded"), and so are the keys of also (sub-resources asked for with
// include). It returns nil when the request asks for neither.
func (c *call) fieldShape(idKey string, also ...string) func(v any) (map[string]json.RawMessage, error) {
	include, exclude := split(c.q.Get("include_fields")), split(c.q.Get("exclude_fields"))
	if len(include) == 0 && len(exclude) == 0 {
		return nil
	}
	if len(include) > 0 {
		include = append(include, also...)
	}
	return func(v any) (map[string]json.RawMessage, error) {
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		var all map[string]json.RawMessage
		if err := json.Unmarshal(b, &all); err != nil {
			return nil, err
		}
		out := all
		if len(include) > 0 {
			out = map[string]json.RawMessage{idKey: all[idKey]}
			for _, f := range include {
				if raw, ok := all[f]; ok {
					out[f] = raw
				}
			}
		}
		for _, f := range exclude {
			if f != idKey {
				delete(out, f)
			}
		}
		return out, nil
	}
}

// v3FieldList is v3List with include_fields and exclude_fields applied.
func v3FieldList[T any](c *call, items []T, idKey string) {
	shape := c.fieldShape(idKey)
	if shape == nil {
		v3List(c, items)
		return
	}
	pg := c.paging()
	lo, hi := pg.window(len(items))
	out := make([]map[string]json.RawMessage, 0, hi-lo)
	for _, it := range items[lo:hi] {
		m, err := shape(it)
		if err != nil {
			c.fail(http.StatusInternalServerError, err.Error(), nil)
			return
		}
		out = append(out, m)
	}
	c.v3Page(out, pg, len(items), hi-lo)
}

// productFilter is the parsed filter set of GET /v3/catalog/products.
type productFilter struct {
	id, brand, cats, inventory, price, weight, sold, modified, created numFilter
	name, sku, typ, availability, condition                            strFilter
	keyword                                                            string
	visible, featured, freeShipping                                    *bool
}

func (c *call) productFilter() (productFilter, error) {
	var f productFilter
	var err error
	for _, n := range []struct {
		name string
		dst  *numFilter
		p    parser
	}{
		{"id", &f.id, intParser()}, {"brand_id", &f.brand, intParser()}, {"categories", &f.cats, intParser()},
		{"inventory_level", &f.inventory, intParser()}, {"price", &f.price, decimalParser()},
		{"weight", &f.weight, decimalParser()}, {"total_sold", &f.sold, intParser()},
		{"date_modified", &f.modified, c.dateParser()}, {"date_created", &f.created, c.dateParser()},
	} {
		if *n.dst, err = c.v3Num(n.name, n.p); err != nil {
			return f, err
		}
	}
	f.name, f.sku, f.typ = c.v3Str("name"), c.v3Str("sku"), c.v3Str("type")
	f.availability, f.condition = c.v3Str("availability"), c.v3Str("condition")
	f.keyword = strings.ToLower(c.q.Get("keyword"))
	for _, b := range []struct {
		name string
		dst  **bool
	}{{"is_visible", &f.visible}, {"is_featured", &f.featured}, {"is_free_shipping", &f.freeShipping}} {
		v, set, err := c.boolParam(b.name)
		if err != nil {
			return f, err
		}
		if set {
			*b.dst = &v
		}
	}
	return f, nil
}

// productsByModified walks the (date_modified, id) index over f's
// date_modified range, so sorting by date_modified (the incremental-sync
// query) needs no sort, and with no other filter no scan either.
func (cat *catalog) productsByModified(f *productFilter, desc bool, pg page) ([]*product, int) {
	i, j := modRange(cat.byModified.keys, f.modified.lo, f.modified.hi)
	idx := cat.byModified.keys[i:j]
	at := func(k int) *product {
		if desc {
			k = len(idx) - 1 - k
		}
		return cat.products[idx[k].id]
	}
	var out []*product
	if f.onlyModifiedRange() {
		for k := pg.offset(); k < min(len(idx), pg.offset()+pg.limit); k++ {
			out = append(out, at(k))
		}
		return out, len(idx)
	}
	n := 0
	for k := range idx {
		p := at(k)
		if !f.match(p) {
			continue
		}
		if n >= pg.offset() && n-pg.offset() < pg.limit {
			out = append(out, p)
		}
		n++
	}
	return out, n
}

// onlyModifiedRange reports whether f selects by nothing but a
// date_modified range.
func (f *productFilter) onlyModifiedRange() bool {
	m := f.modified
	f.modified = anyNum()
	plain := f.onlyIDRange() && !f.id.active() && m.in == nil && m.notIn == nil
	f.modified = m
	return plain
}

// onlyIDRange reports whether f selects by nothing but an id range, which
// the sorted product list answers without a scan.
func (f *productFilter) onlyIDRange() bool {
	for _, n := range []*numFilter{&f.brand, &f.cats, &f.inventory, &f.price, &f.weight, &f.sold, &f.modified, &f.created} {
		if n.active() {
			return false
		}
	}
	for _, s := range []*strFilter{&f.name, &f.sku, &f.typ, &f.availability, &f.condition} {
		if s.active() {
			return false
		}
	}
	return f.id.in == nil && f.id.notIn == nil && f.keyword == "" && f.visible == nil && f.featured == nil && f.freeShipping == nil
}

func (f *productFilter) match(p *product) bool {
	switch {
	case !f.id.match(int64(p.ID)), !f.brand.match(int64(p.BrandID)), !f.inventory.match(int64(p.InventoryLevel)),
		!f.price.match(int64(p.Price)), !f.weight.match(int64(p.Weight)), !f.sold.match(int64(p.TotalSold)),
		!f.modified.match(int64(p.DateModified)), !f.created.match(int64(p.DateCreated)),
		!f.name.match(p.Name), !f.typ.match(p.Type), !f.availability.match(p.Availability), !f.condition.match(p.Condition),
		f.visible != nil && *f.visible != p.IsVisible, f.featured != nil && *f.featured != p.IsFeatured,
		f.freeShipping != nil && *f.freeShipping != p.IsFreeShipping:
		return false
	}
	if f.cats.active() && !slices.ContainsFunc(p.Categories, func(id int) bool { return f.cats.match(int64(id)) }) {
		return false
	}
	// sku and sku:in match the product's own (main) SKU only, as the spec
	// says; a variant's SKU is found through /v3/catalog/variants.
	if f.sku.active() && !f.sku.match(p.SKU) {
		return false
	}
	if f.keyword != "" && !strings.Contains(strings.ToLower(p.Name+" "+p.SKU+" "+p.Description+" "+p.SearchKeywords), f.keyword) {
		return false
	}
	return true
}

// productSorts are the sort keys GET /v3/catalog/products accepts.
var productSorts = map[string]func(a, b *product) int{
	"id":               func(a, b *product) int { return cmp.Compare(a.ID, b.ID) },
	"name":             func(a, b *product) int { return strings.Compare(a.Name, b.Name) },
	"sku":              func(a, b *product) int { return strings.Compare(a.SKU, b.SKU) },
	"price":            func(a, b *product) int { return cmp.Compare(a.Price, b.Price) },
	"calculated_price": func(a, b *product) int { return cmp.Compare(a.CalculatedPrice, b.CalculatedPrice) },
	"date_modified":    func(a, b *product) int { return cmp.Compare(a.DateModified, b.DateModified) },
	"inventory_level":  func(a, b *product) int { return cmp.Compare(a.InventoryLevel, b.InventoryLevel) },
	"total_sold":       func(a, b *product) int { return cmp.Compare(a.TotalSold, b.TotalSold) },
	"is_visible": func(a, b *product) int {
		return cmp.Compare(boolInt(a.IsVisible), boolInt(b.IsVisible))
	},
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// matchingProducts returns the products the query selects, sorted as asked.
func (c *call) matchingProducts() ([]*product, error) {
	all, _, err := c.productWindow(page{num: 1, limit: 1 << 31})
	return all, err
}

// productWindow returns the products of page pg and the number matching in
// all. Sorted by id ascending, the default, it keeps only the page, so a
// large catalog costs one pass and no allocation per product.
func (c *call) productWindow(pg page) ([]*product, int, error) {
	f, err := c.productFilter()
	if err != nil {
		return nil, 0, err
	}
	key := cmp.Or(c.q.Get("sort"), "id")
	less, ok := productSorts[key]
	if !ok {
		return nil, 0, &filterError{"sort", key, "one of id, name, sku, price, calculated_price, date_modified, inventory_level, total_sold, is_visible"}
	}
	desc := strings.EqualFold(c.q.Get("direction"), "desc")
	if key == "date_modified" {
		out, n := c.s.cat.productsByModified(&f, desc, pg)
		return out, n, nil
	}
	byID := key == "id" && !desc
	list := c.s.cat.productsInIDRange(f.id.lo, f.id.hi)
	if byID && f.onlyIDRange() {
		lo, hi := pg.window(len(list))
		return list[lo:hi], len(list), nil
	}
	var out []*product
	n := 0
	for _, p := range list {
		if !f.match(p) {
			continue
		}
		if !byID || n >= pg.offset() && n-pg.offset() < pg.limit {
			out = append(out, p)
		}
		n++
	}
	if byID {
		return out, n, nil
	}
	sortRecords(out, less, func(p *product) int { return p.ID }, desc)
	lo, hi := pg.window(len(out))
	return out[lo:hi], n, nil
}

// listProducts serves GET /v3/catalog/products.
func (s *Store) listProducts(c *call) {
	p := c.paging()
	if inc := c.includes(); inc["options"] || inc["modifiers"] {
		p.limit = min(p.limit, 10) // the real API's cap with these includes
	}
	items, total, err := c.productWindow(p)
	if err != nil {
		c.badFilter(err)
		return
	}
	data, err := c.renderProducts(items)
	if err != nil {
		c.fail(500, err.Error(), nil)
		return
	}
	c.v3Page(data, p, total, len(items))
}

// getProduct serves GET /v3/catalog/products/{id}.
func (s *Store) getProduct(c *call) {
	p := s.cat.products[c.id(0)]
	if p == nil {
		c.notFound()
		return
	}
	data, err := c.renderProducts([]*product{p})
	if err != nil {
		c.fail(500, err.Error(), nil)
		return
	}
	c.v3Data(200, first(data))
}

// first is the one element of a rendered single-item list.
func first(data any) any {
	switch d := data.(type) {
	case productList:
		return d[0]
	case []map[string]json.RawMessage:
		return d[0]
	}
	return data
}

// productOr404 finds the product of the path's first id, or answers 404.
func (c *call) productOr404() *product {
	p := c.s.cat.products[c.id(0)]
	if p == nil {
		c.notFound()
	}
	return p
}

// productInput is a product create or update body. Pointers tell "absent"
// from zero, because an update changes only the fields it carries.
type productInput struct {
	ID                     *int               `json:"id"`
	Name                   *string            `json:"name"`
	Type                   *string            `json:"type"`
	SKU                    *string            `json:"sku"`
	Description            *string            `json:"description"`
	Weight                 *decimal           `json:"weight"`
	Width                  *decimal           `json:"width"`
	Depth                  *decimal           `json:"depth"`
	Height                 *decimal           `json:"height"`
	Price                  *decimal           `json:"price"`
	CostPrice              *decimal           `json:"cost_price"`
	RetailPrice            *decimal           `json:"retail_price"`
	SalePrice              *decimal           `json:"sale_price"`
	MapPrice               *decimal           `json:"map_price"`
	FixedCostShippingPrice *decimal           `json:"fixed_cost_shipping_price"`
	TaxClassID             *int               `json:"tax_class_id"`
	Categories             *[]int             `json:"categories"`
	BrandID                *int               `json:"brand_id"`
	InventoryLevel         *int               `json:"inventory_level"`
	InventoryWarningLevel  *int               `json:"inventory_warning_level"`
	InventoryTracking      *string            `json:"inventory_tracking"`
	IsFreeShipping         *bool              `json:"is_free_shipping"`
	IsVisible              *bool              `json:"is_visible"`
	IsFeatured             *bool              `json:"is_featured"`
	Availability           *string            `json:"availability"`
	Condition              *string            `json:"condition"`
	UPC                    *string            `json:"upc"`
	MPN                    *string            `json:"mpn"`
	GTIN                   *string            `json:"gtin"`
	SortOrder              *int               `json:"sort_order"`
	SearchKeywords         *string            `json:"search_keywords"`
	PageTitle              *string            `json:"page_title"`
	MetaDescription        *string            `json:"meta_description"`
	Warranty               *string            `json:"warranty"`
	BinPickingNumber       *string            `json:"bin_picking_number"`
	CustomURL              *customURL         `json:"custom_url"`
	Variants               []variantInput     `json:"variants"`
	CustomFields           []customFieldInput `json:"custom_fields"`
	Images                 []imageInput       `json:"images"`
}

// validateProduct checks in against BigCommerce's rules. create says whether
// the required fields must be present. It returns the 422 field messages.
func validateProduct(in *productInput, create bool) map[string]string {
	errs := map[string]string{}
	if create {
		if in.Name == nil {
			errs["name"] = "Please provide a name."
		}
		if in.Type == nil {
			errs["type"] = "Please provide a type."
		}
		if in.Weight == nil {
			errs["weight"] = "Please provide a weight."
		}
		if in.Price == nil {
			errs["price"] = "Please provide a price."
		}
	}
	if in.Name != nil && (len(*in.Name) < 1 || len(*in.Name) > 250) {
		errs["name"] = "The field 'name' must be between 1 and 250 characters."
	}
	if in.Type != nil && *in.Type != "physical" && *in.Type != "digital" {
		errs["type"] = "The field 'type' must be one of: physical, digital."
	}
	if in.SKU != nil && len(*in.SKU) > 255 {
		errs["sku"] = "The field 'sku' must be at most 255 characters."
	}
	if in.Price != nil && *in.Price < 0 {
		errs["price"] = "The field 'price' must be 0 or more."
	}
	if in.Weight != nil && *in.Weight < 0 {
		errs["weight"] = "The field 'weight' must be between 0 and 9999999999."
	}
	if in.InventoryTracking != nil && !slices.Contains([]string{"none", "product", "variant"}, *in.InventoryTracking) {
		errs["inventory_tracking"] = "The field 'inventory_tracking' must be one of: none, product, variant."
	}
	if in.Availability != nil && !slices.Contains([]string{"available", "disabled", "preorder"}, *in.Availability) {
		errs["availability"] = "The field 'availability' must be one of: available, disabled, preorder."
	}
	if in.Condition != nil && !slices.Contains([]string{"New", "Used", "Refurbished"}, *in.Condition) {
		errs["condition"] = "The field 'condition' must be one of: New, Used, Refurbished."
	}
	if in.InventoryLevel != nil && *in.InventoryLevel < 0 {
		errs["inventory_level"] = "The field 'inventory_level' must be 0 or more."
	}
	return errs
}

// conflictError is a 409 with the field at fault.
type conflictError struct {
	title, field, msg string
}

func (e *conflictError) Error() string { return e.title }

// checkUnique refuses a name or SKU another product or variant already has,
// and references to brands or categories that do not exist (both 409 on the
// real API).
func (cat *catalog) checkUnique(in *productInput, self int) *conflictError {
	if in.Name != nil {
		if id, ok := cat.names[*in.Name]; ok && id != self {
			return &conflictError{"The product name is a duplicate", "name", fmt.Sprintf("Product name %q is already used by product %d.", *in.Name, id)}
		}
	}
	if in.SKU != nil {
		if holder := cat.skuHolder(*in.SKU, self, 0); holder != "" {
			return skuConflict(*in.SKU, holder)
		}
	}
	if in.BrandID != nil && *in.BrandID != 0 && cat.brands[*in.BrandID] == nil {
		return &conflictError{"The brand does not exist", "brand_id", fmt.Sprintf("Brand %d does not exist.", *in.BrandID)}
	}
	if in.Categories != nil {
		for _, id := range *in.Categories {
			if cat.categories[id] == nil {
				return &conflictError{"The category does not exist", "categories", fmt.Sprintf("Category %d does not exist.", id)}
			}
		}
	}
	for _, v := range in.Variants {
		if v.SKU == nil {
			continue
		}
		if holder := cat.skuHolder(*v.SKU, self, -1); holder != "" {
			return skuConflict(*v.SKU, holder)
		}
		if in.SKU != nil && *in.SKU == *v.SKU {
			return skuConflict(*v.SKU, "the product itself")
		}
	}
	return nil
}

// skuConflict is the 409 for a SKU another product or variant holds.
func skuConflict(sku, holder string) *conflictError {
	return &conflictError{"The SKU is a duplicate", "sku", fmt.Sprintf("SKU %q is already used by %s.", sku, holder)}
}

// createProductAPI serves POST /v3/catalog/products (answers 200, as the real API does).
func (s *Store) createProductAPI(c *call) {
	var in productInput
	if !c.decode(&in) {
		return
	}
	p, err := s.createProduct(&in)
	if !c.writeErr(err) {
		return
	}
	c.v3Data(200, p.view(map[string]bool{"variants": true, "images": true, "custom_fields": true}))
}

// writeErr answers a write failure and reports whether there was none.
func (c *call) writeErr(err error) bool {
	switch e := err.(type) {
	case nil:
		return true
	case *conflictError:
		c.conflict(e.title, map[string]string{e.field: e.msg})
	case *validationError:
		c.invalid(e.title, e.fields)
	case notFoundError:
		c.notFound()
	case *tooManyError:
		c.tooMany(e.limit)
	default:
		c.fail(http.StatusInternalServerError, err.Error(), nil)
	}
	return false
}

// validationError is a 422 (V3) or 400 (V2) with field messages.
type validationError struct {
	title  string
	fields map[string]string
}

func (e *validationError) Error() string { return e.title }

type notFoundError struct{}

func (notFoundError) Error() string { return "not found" }

// createProduct validates and stores a new product. The caller holds s.mu.
func (s *Store) createProduct(in *productInput) (*product, error) {
	if errs := validateProduct(in, true); len(errs) > 0 {
		return nil, &validationError{"Missing or invalid fields", errs}
	}
	if err := s.cat.checkUnique(in, 0); err != nil {
		return nil, err
	}
	now := isoTime(s.now().Unix())
	s.ids.product++
	p := &product{ID: s.ids.product, Availability: "available", Condition: "New", InventoryTracking: "none",
		Categories: []int{}, RelatedProducts: []int{}, MetaKeywords: []string{}, OptionSetDisplay: "right",
		IsVisible: true, DateCreated: now, DateModified: now}
	applyProduct(p, in)
	p.CustomURL = customURL{URL: "/" + slug(p.Name) + "/"}
	if err := s.addVariantsFromInput(p, in.Variants); err != nil {
		return nil, err
	}
	for _, f := range in.CustomFields {
		s.ids.customField++
		p.CustomFields = append(p.CustomFields, &customField{ID: s.ids.customField, Name: f.Name, Value: f.Value})
	}
	for _, im := range in.Images {
		s.addImage(p, im)
	}
	p.syncInventory()
	s.cat.addProduct(p)
	s.emit("store/product/created", "product", p.ID, nil)
	return p, nil
}

// applyProduct copies the fields in carries onto p.
func applyProduct(p *product, in *productInput) {
	setIf(&p.Name, in.Name)
	setIf(&p.Type, in.Type)
	setIf(&p.SKU, in.SKU)
	setIf(&p.Description, in.Description)
	setIf(&p.Weight, in.Weight)
	setIf(&p.Width, in.Width)
	setIf(&p.Depth, in.Depth)
	setIf(&p.Height, in.Height)
	setIf(&p.Price, in.Price)
	setIf(&p.CostPrice, in.CostPrice)
	setIf(&p.RetailPrice, in.RetailPrice)
	setIf(&p.SalePrice, in.SalePrice)
	setIf(&p.MapPrice, in.MapPrice)
	setIf(&p.FixedCostShippingPrice, in.FixedCostShippingPrice)
	setIf(&p.TaxClassID, in.TaxClassID)
	setIf(&p.Categories, in.Categories)
	setIf(&p.BrandID, in.BrandID)
	setIf(&p.InventoryLevel, in.InventoryLevel)
	setIf(&p.InventoryWarningLevel, in.InventoryWarningLevel)
	setIf(&p.InventoryTracking, in.InventoryTracking)
	setIf(&p.IsFreeShipping, in.IsFreeShipping)
	setIf(&p.IsVisible, in.IsVisible)
	setIf(&p.IsFeatured, in.IsFeatured)
	setIf(&p.Availability, in.Availability)
	setIf(&p.Condition, in.Condition)
	setIf(&p.UPC, in.UPC)
	setIf(&p.MPN, in.MPN)
	setIf(&p.GTIN, in.GTIN)
	setIf(&p.SortOrder, in.SortOrder)
	setIf(&p.SearchKeywords, in.SearchKeywords)
	setIf(&p.PageTitle, in.PageTitle)
	setIf(&p.MetaDescription, in.MetaDescription)
	setIf(&p.Warranty, in.Warranty)
	setIf(&p.BinPickingNumber, in.BinPickingNumber)
	setIf(&p.CustomURL, in.CustomURL)
	p.CalculatedPrice = p.Price
	if p.SalePrice > 0 {
		p.CalculatedPrice = p.SalePrice
	}
	if p.Categories == nil {
		p.Categories = []int{}
	}
}

func setIf[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}

func slug(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

// updateProduct applies in to product id. The caller holds s.mu.
func (s *Store) updateProduct(id int, in *productInput) (*product, error) {
	p := s.cat.products[id]
	if p == nil {
		return nil, notFoundError{}
	}
	if errs := validateProduct(in, false); len(errs) > 0 {
		return nil, &validationError{"Invalid fields", errs}
	}
	if err := s.cat.checkUnique(in, id); err != nil {
		return nil, err
	}
	oldStock, oldName, oldSKU := p.InventoryLevel, p.Name, p.SKU
	applyProduct(p, in)
	if p.Name != oldName {
		delete(s.cat.names, oldName)
		s.cat.names[p.Name] = p.ID
	}
	if p.SKU != oldSKU {
		s.cat.setProductSKU(p, oldSKU)
		if bv := p.baseVariant(); bv != nil {
			delete(s.cat.skus, oldSKU)
			bv.SKU = p.SKU
			s.cat.skus[p.SKU] = bv.ID
		}
	}
	if bv := p.baseVariant(); bv != nil {
		bv.InventoryLevel = p.InventoryLevel
	}
	p.syncInventory()
	s.cat.setModified(p, s.now().Unix())
	s.emit("store/product/updated", "product", p.ID, nil)
	if p.InventoryLevel != oldStock {
		s.emitInventory(p, nil, "absolute", p.InventoryLevel)
	}
	return p, nil
}

// updateProductAPI serves PUT /v3/catalog/products/{id}.
func (s *Store) updateProductAPI(c *call) {
	var in productInput
	if !c.decode(&in) {
		return
	}
	p, err := s.updateProduct(c.id(0), &in)
	if !c.writeErr(err) {
		return
	}
	c.v3Data(200, p.view(nil))
}

// batchUpdateProducts serves PUT /v3/catalog/products: at most 10 products,
// each with its id. Every item is checked before any is applied.
func (s *Store) batchUpdateProducts(c *call) {
	var in []productInput
	if !decodeBatch(c, &in, 10) {
		return
	}
	claims := batchClaims{} // a name or SKU two items set (batch.go)
	for i := range in {
		if in[i].ID == nil {
			c.invalid("Missing Required Fields", map[string]string{fmt.Sprintf("[%d].id", i): "Please provide an id."})
			return
		}
		if err := claims.claimProduct(&in[i], i); err != nil {
			c.writeErr(err)
			return
		}
		if s.cat.products[*in[i].ID] == nil {
			c.fail(404, fmt.Sprintf("Product %d was not found.", *in[i].ID), nil)
			return
		}
		if errs := validateProduct(&in[i], false); len(errs) > 0 {
			c.invalid("Invalid fields", errs)
			return
		}
		if err := s.cat.checkUnique(&in[i], *in[i].ID); err != nil {
			c.writeErr(err)
			return
		}
	}
	out := make([]productView, 0, len(in))
	for i := range in {
		p, err := s.updateProduct(*in[i].ID, &in[i])
		if !c.writeErr(err) {
			return
		}
		out = append(out, p.view(nil))
	}
	c.v3Data(200, out)
}

// deleteProduct serves DELETE /v3/catalog/products/{id}.
func (s *Store) deleteProduct(c *call) {
	p := c.productOr404()
	if p == nil {
		return
	}
	s.removeProduct(p)
	c.noContent()
}

func (s *Store) removeProduct(p *product) {
	s.cat.removeProduct(p)
	s.meta.dropResource(kindProduct, p.ID)
	for _, v := range p.Variants {
		s.meta.dropResource(kindVariant, v.ID)
	}
	s.emit("store/product/deleted", "product", p.ID, nil)
}

// deleteProducts serves DELETE /v3/catalog/products?id:in=...: a filter is
// required (so that nobody deletes the whole catalog by accident) and at
// most 250 products go per call.
func (s *Store) deleteProducts(c *call) {
	filters := []string{"id:in", "id", "name", "sku", "price", "weight", "condition", "brand_id", "date_modified", "is_visible", "is_featured", "inventory_level", "total_sold", "type", "categories", "keyword"}
	if !slices.ContainsFunc(filters, c.q.Has) {
		c.invalid("A filter is required to delete products", map[string]string{"id:in": "Give id:in or another filter; deleting every product is refused."})
		return
	}
	all, err := c.matchingProducts()
	if err != nil {
		c.badFilter(err)
		return
	}
	if len(all) > maxLimit {
		c.tooMany(maxLimit)
		return
	}
	for _, p := range all {
		s.removeProduct(p)
	}
	c.noContent()
}
