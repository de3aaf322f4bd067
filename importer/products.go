package importer

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/state"
)

// productBatch is how many products are looked up and planned together: the
// SKU look-ups of 50 products with a few variants each fill one or two sku:in
// reads, and their updates fill five product batches and a few variant ones.
const productBatch = 50

var productIncludes = []string{"variants", "images", "custom_fields"}

// productRow is one product row on its way through a batch.
type productRow struct {
	outcome
	p      *Product
	cur    *bigcommerce.Product // the store's product with these SKUs; nil: create
	create *bigcommerce.ProductCreateRequest
	update *bigcommerce.ProductUpdateRequest
	vars   []bigcommerce.VariantBatchUpdate
	// what the product lacks: variants, images and custom fields to add or set
	missingVariants []Variant
	missingImages   []Image
	fieldSets       []CustomField
}

// productKey is what a product row is reported by: its SKU, or its first
// variant's.
func productKey(p *Product) string {
	if p.SKU != "" {
		return p.SKU
	}
	if len(p.Variants) > 0 {
		return p.Variants[0].SKU
	}
	return ""
}

// ImportProducts upserts every product rd yields, by SKU.
func (j *Job) ImportProducts(ctx context.Context, rd Reader[Product]) (Summary, error) {
	j.start("products")
	j.names = newNames(j.Client, &j.stats)
	err := readBatches(ctx, j, rd, productBatch, (*Product).Normalize, (*Product).SKUs,
		func(batch []Record[Product], done map[int]state.ImportRow) error {
			return j.productBatch(ctx, batch, done)
		})
	return j.snapshot(), err
}

func (j *Job) productBatch(ctx context.Context, batch []Record[Product], done map[int]state.ImportRow) error {
	rows, todo := newRows(batch, done, productKey, func(o outcome, p *Product) *productRow { return &productRow{outcome: o, p: p} })
	if len(todo) == 0 {
		return finish(ctx, j, rows, nil)
	}
	var skus []string
	for _, r := range todo {
		skus = append(skus, r.p.SKUs()...)
	}
	found, err := j.findProducts(ctx, skus)
	if err != nil {
		return err
	}
	for _, r := range todo {
		if err := j.planProduct(ctx, j.names, r, found); err != nil {
			return err
		}
	}
	if j.DryRun {
		return finish(ctx, j, rows, nil)
	}
	stop := j.applyProducts(ctx, todo)
	if stop == nil {
		stop = j.verifyCreated(ctx, todo)
	}
	for _, r := range todo {
		if r.err == nil && r.id != 0 && r.ref == "" {
			r.ref = fmt.Sprintf("product %d", r.id)
		}
	}
	return finish(ctx, j, rows, stop)
}

// verifyCreated reads the batch's new products back (one read per 50) and
// completes any that the store saved only in part (BigCommerce answers 207
// when the product is saved but, say, a variant or an image is not), so a
// row is journaled only once the store holds all of it.
func (j *Job) verifyCreated(ctx context.Context, rows []*productRow) error {
	var made []*productRow
	var ids []int
	for _, r := range rows {
		if r.err == nil && r.id != 0 && r.action == actionCreate && r.cur == nil {
			made = append(made, r)
			ids = append(ids, r.id)
		}
	}
	if len(made) == 0 {
		return nil
	}
	ps, err := j.Client.Products.ByIDs(ctx, ids, productIncludes)
	j.stats.read()
	if err != nil {
		return err
	}
	byID := map[int]*bigcommerce.Product{}
	for _, p := range ps {
		byID[p.ID] = p
	}
	for _, r := range made {
		if r.cur = byID[r.id]; r.cur == nil {
			r.id = 0 // gone already: not journaled, so the rerun creates it again
			continue
		}
		if err := j.diffExisting(ctx, j.names, r, r.create.Categories); err != nil {
			return err
		}
		if r.action == actionUpdate {
			if err := j.applyOne(ctx, r); err != nil {
				return err
			}
		}
		r.action = actionCreate
	}
	return nil
}

// findProducts returns the store's products that hold any of skus, by SKU,
// with their variants, images and custom fields: GET /v3/catalog/variants
// and GET /v3/catalog/products with sku:in, then id:in.
func (j *Job) findProducts(ctx context.Context, skus []string) (map[string]*bigcommerce.Product, error) {
	vs, err := j.Client.Variants.BySKUs(ctx, skus)
	j.countLookups(len(skus))
	if err != nil {
		return nil, err
	}
	ids := map[int]bool{}
	seen := map[string]bool{}
	for _, v := range vs {
		ids[v.ProductID] = true
		seen[v.SKU] = true
	}
	// A product with options has a SKU of its own that no variant carries.
	var rest []string
	for _, s := range skus {
		if !seen[s] {
			rest = append(rest, s)
		}
	}
	if len(rest) > 0 {
		ps, err := j.Client.Products.BySKUs(ctx, rest, []string{"variants"})
		j.countLookups(len(rest))
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			ids[p.ID] = true
		}
	}
	out := map[string]*bigcommerce.Product{}
	if len(ids) == 0 {
		return out, nil
	}
	list := make([]int, 0, len(ids))
	for id := range ids {
		list = append(list, id)
	}
	ps, err := j.Client.Products.ByIDs(ctx, list, productIncludes)
	j.countLookups(len(list) * bigcommerce.MaxSKUsPerLookup / 50)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		if p.SKU != "" {
			out[p.SKU] = p
		}
		for _, v := range p.Variants {
			if v != nil && v.SKU != "" {
				out[v.SKU] = p
			}
		}
	}
	return out, nil
}

// countLookups counts the reads a look-up of n keys takes.
func (j *Job) countLookups(n int) {
	for i := 0; i < n; i += bigcommerce.MaxSKUsPerLookup {
		j.stats.read()
	}
}

// planProduct decides what r needs: a create, an update of the fields that
// differ, the variants, images and custom fields the product lacks, or
// nothing. A row that cannot be applied gets r.err.
func (j *Job) planProduct(ctx context.Context, n *names, r *productRow, found map[string]*bigcommerce.Product) error {
	p := r.p
	owners := map[int]*bigcommerce.Product{}
	for _, s := range p.SKUs() {
		if cur := found[s]; cur != nil {
			owners[cur.ID] = cur
		}
	}
	if len(owners) > 1 {
		var ids []string
		for id := range owners {
			ids = append(ids, fmt.Sprint(id))
		}
		r.err = rowErr("sku", "the row's SKUs belong to %d products in the store (ids %s); one row must match one product", len(owners), strings.Join(ids, ", "))
		return nil
	}
	cats, would, err := j.categoryIDs(ctx, n, p)
	var rowE *RowError
	if errors.As(err, &rowE) {
		r.err = rowE
		return nil
	}
	if err != nil {
		return err
	}
	r.changes = changes{}
	for _, path := range would {
		r.changes["create category "+path] = [2]any{nil, path}
	}
	for _, cur := range owners {
		r.cur = cur
	}
	if r.cur == nil {
		r.action, r.variants = actionCreate, len(p.Variants)
		if r.create, r.err = createRequest(p, cats); r.err != nil {
			return nil
		}
		if p.Brand != "" {
			id, err := n.brand(ctx, p.Brand)
			if err != nil {
				return err
			}
			if id != 0 {
				r.create.BrandID, r.create.BrandName = id, ""
			}
		}
		return nil
	}
	return j.diffExisting(ctx, n, r, cats)
}

// diffExisting plans r against the product it matched.
func (j *Job) diffExisting(ctx context.Context, n *names, r *productRow, cats []int) error {
	p, cur := r.p, r.cur
	r.id = cur.ID
	r.changes = changes{}
	r.update, r.vars, r.missingVariants, r.missingImages, r.fieldSets, r.completes = nil, nil, nil, nil, nil, nil
	brandID := 0
	if p.Brand != "" {
		id, err := n.brand(ctx, p.Brand)
		if err != nil {
			return err
		}
		if id == 0 && !j.DryRun {
			if id, err = n.ensureBrand(ctx, p.Brand); err != nil {
				return err
			}
		}
		brandID = id
		if id == 0 {
			r.changes["create brand"] = [2]any{nil, p.Brand}
		}
	}
	r.update = diffProduct(p, cur, cats, brandID, r.changes)
	byVariantSKU := map[string]*bigcommerce.Variant{}
	for _, v := range cur.Variants {
		if v != nil {
			byVariantSKU[v.SKU] = v
		}
	}
	perVariant := p.InventoryTracking == "variant" || (p.InventoryTracking == "" && cur.InventoryTracking == "variant")
	for i := range p.Variants {
		v := &p.Variants[i]
		cv := byVariantSKU[v.SKU]
		if cv == nil {
			r.missingVariants = append(r.missingVariants, *v)
			r.completes = append(r.completes, "variant "+v.SKU)
			continue
		}
		if u := diffVariant(v, cv, perVariant, r.changes); u != nil {
			r.vars = append(r.vars, bigcommerce.VariantBatchUpdate{ID: cv.ID, VariantUpdateRequest: *u})
		}
	}
	for _, img := range p.Images {
		if !hasImage(cur.Images, img.URL) {
			r.missingImages = append(r.missingImages, img)
			r.completes = append(r.completes, "image "+img.URL)
		}
	}
	for _, cf := range p.CustomFields {
		same := false
		for _, have := range cur.CustomFields {
			if have != nil && have.Name == cf.Name && have.Value == cf.Value {
				same = true
			}
		}
		if !same {
			r.fieldSets = append(r.fieldSets, cf)
			r.completes = append(r.completes, "custom field "+cf.Name)
		}
	}
	r.action = actionUnchanged
	if len(r.changes) > 0 || len(r.completes) > 0 {
		r.action = actionUpdate
	}
	return nil
}

// categoryIDs resolves the row's category paths. would lists the paths a dry
// run would create.
func (j *Job) categoryIDs(ctx context.Context, n *names, p *Product) (ids []int, would []string, err error) {
	for i, path := range p.Categories {
		id, w, err := n.category(ctx, path, j.CreateCategories, j.DryRun)
		var mc *missingCategory
		if errors.As(err, &mc) {
			re := rowErr(fmt.Sprintf("categories[%d]", i), "%s", mc.Error())
			re.missingCategory = true
			return nil, nil, re
		}
		if err != nil {
			return nil, nil, err
		}
		if w {
			would = append(would, path)
			continue
		}
		ids = append(ids, id)
	}
	return ids, would, nil
}

// createRequest is the one request that creates p with its variants, images
// and custom fields. A new product needs a price (the first variant's when
// the product has none); its type defaults to physical and its weight to 0.
func createRequest(p *Product, cats []int) (*bigcommerce.ProductCreateRequest, *RowError) {
	price := p.Price
	if price.IsZero() && len(p.Variants) > 0 {
		price = p.Variants[0].Price
	}
	if price.IsZero() {
		return nil, rowErr("price", "is required to create the product, e.g. 19.99 (or a price on the first variant)")
	}
	typ, weight := p.Type, p.Weight
	if typ == "" {
		typ = "physical"
	}
	if weight.IsZero() {
		weight = "0"
	}
	req := &bigcommerce.ProductCreateRequest{
		Name: p.Name, Type: typ, Weight: weight, Price: price, SKU: p.SKU, SalePrice: p.SalePrice,
		CostPrice: p.CostPrice, RetailPrice: p.RetailPrice, Categories: cats, BrandName: p.Brand,
		InventoryTracking: p.InventoryTracking, IsVisible: p.IsVisible,
	}
	if p.Description != nil {
		req.Description = *p.Description
	}
	if p.InventoryLevel != nil {
		req.InventoryLevel = *p.InventoryLevel
	}
	for _, v := range p.Variants {
		vr := &bigcommerce.VariantCreateRequest{SKU: v.SKU, Price: v.Price, SalePrice: v.SalePrice, RetailPrice: v.RetailPrice,
			CostPrice: v.CostPrice, Weight: v.Weight, UPC: v.UPC, ImageURL: v.ImageURL}
		if v.InventoryLevel != nil {
			vr.InventoryLevel = *v.InventoryLevel
		}
		for _, o := range v.Options {
			vr.OptionValues = append(vr.OptionValues, &bigcommerce.VariantOptionValue{OptionDisplayName: o.Option, Label: o.Value})
		}
		req.Variants = append(req.Variants, vr)
	}
	for _, cf := range p.CustomFields {
		req.CustomFields = append(req.CustomFields, &bigcommerce.CustomFieldRequest{Name: cf.Name, Value: cf.Value})
	}
	for _, img := range p.Images {
		req.Images = append(req.Images, &bigcommerce.ProductImageRequest{ImageURL: img.URL, IsThumbnail: img.IsThumbnail, Description: img.Description})
	}
	return req, nil
}

// applyProducts sends a batch's writes: product updates 10 at a time,
// variant updates 50 at a time, then the creates and completions, several at
// once. Rows the store refuses get r.err; a failure that is not a row's (the
// store unreachable after retries) is returned.
func (j *Job) applyProducts(ctx context.Context, rows []*productRow) error {
	var ups []*productRow
	var vars []*productRow
	for _, r := range rows {
		if r.err == nil && r.update != nil {
			ups = append(ups, r)
		}
		if r.err == nil && len(r.vars) > 0 {
			vars = append(vars, r)
		}
	}
	stop := j.batchUpdates(ctx, ups, 10, func(batch []*productRow) error {
		items := make([]bigcommerce.ProductBatchUpdate, len(batch))
		for i, r := range batch {
			items[i] = bigcommerce.ProductBatchUpdate{ID: r.id, ProductUpdateRequest: *r.update}
		}
		_, err := j.Client.Products.BatchUpdate(ctx, items)
		return err
	})
	if stop == nil {
		stop = j.variantUpdates(ctx, vars)
	}
	if stop == nil {
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(j.workers())
		for _, r := range rows {
			if r.err != nil || (r.cur != nil && len(r.completes) == 0) {
				continue
			}
			g.Go(func() error {
				if r.cur == nil {
					return j.createProduct(gctx, r)
				}
				return j.complete(gctx, r)
			})
		}
		stop = g.Wait()
	}
	return stop
}

// batchUpdates sends rows n at a time through send. When the store refuses
// a batch (422, 409: one bad item fails them all), each row of it is sent
// alone so that only the bad one is rejected.
func (j *Job) batchUpdates(ctx context.Context, rows []*productRow, n int, send func([]*productRow) error) error {
	for len(rows) > 0 {
		k := min(n, len(rows))
		batch := rows[:k]
		rows = rows[k:]
		err := send(batch)
		j.stats.write()
		if err == nil {
			continue
		}
		if !refused(err) {
			return err
		}
		for _, r := range batch {
			err := send([]*productRow{r})
			j.stats.write()
			if refused(err) {
				r.err = apiRowError(err)
			} else if err != nil {
				return err
			}
		}
	}
	return nil
}

// variantUpdates sends the rows' variant updates, 50 variants per request.
func (j *Job) variantUpdates(ctx context.Context, rows []*productRow) error {
	var batch []bigcommerce.VariantBatchUpdate
	var owners []*productRow
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		_, err := j.Client.Variants.BatchUpdate(ctx, batch)
		j.stats.write()
		if refused(err) {
			// Find the row at fault: each row's variants alone.
			done := map[*productRow]bool{}
			for _, r := range owners {
				if done[r] {
					continue
				}
				done[r] = true
				_, err := j.Client.Variants.BatchUpdate(ctx, r.vars)
				j.stats.write()
				if refused(err) {
					r.err = apiRowError(err)
				} else if err != nil {
					return err
				}
			}
			err = nil
		}
		batch, owners = batch[:0], owners[:0]
		return err
	}
	for _, r := range rows {
		if len(batch)+len(r.vars) > 50 {
			if err := flush(); err != nil {
				return err
			}
		}
		batch = append(batch, r.vars...)
		for range r.vars {
			owners = append(owners, r)
		}
	}
	return flush()
}

// refused reports whether the store refused the input itself (so the row is
// rejected) rather than failing to answer.
// settle sorts the outcome of one of r's requests: the store's refusal
// becomes r's error and ends r's work (stop, and nil: the import goes on), any
// other error ends the import (stop, err), and nil lets r go on.
func (r *productRow) settle(err error) (stop bool, _ error) {
	switch {
	case refused(err):
		r.err = apiRowError(err)
		return true, nil
	case err != nil:
		return true, err
	}
	return false, nil
}

func refused(err error) bool {
	return err != nil && (errors.Is(err, bigcommerce.ErrValidation) || errors.Is(err, bigcommerce.ErrConflict) ||
		errors.Is(err, bigcommerce.ErrBadRequest))
}

func apiRowError(err error) *RowError {
	var ae *bigcommerce.APIError
	if errors.As(err, &ae) {
		for f, m := range ae.FieldErrors {
			return rowErr(f, "the store refused it: %s (%s)", m, ae.Title)
		}
	}
	return rowErr("", "the store refused it: %v", err)
}

// retryable reports whether a failed create may be looked up and tried again.
func retryable(err error) bool {
	return errors.Is(err, bigcommerce.ErrOutcomeUnknown) || errors.Is(err, bigcommerce.ErrUpstream) ||
		errors.Is(err, bigcommerce.ErrConflict) || errors.Is(err, bigcommerce.ErrRateLimited)
}

// createAttempts bounds how often one product's create is sent when its
// outcome stays unknown and the look-up finds nothing (the store failed
// before applying it): a run then stops, and the rerun carries on.
const createAttempts = 6

// createProduct creates r's product with its variants, images and custom
// fields in one request: POST /v3/catalog/products. BigCommerce has no
// idempotency key, so when the answer is lost (or the SKU is taken) the
// product is looked up by its SKUs: found, it is the one just created (or an
// earlier run's), and it is completed to match the row; not found, the create
// is tried again.
func (j *Job) createProduct(ctx context.Context, r *productRow) error {
	var last error
	for attempt := 0; attempt < createAttempts; attempt++ {
		got, _, err := j.Client.Products.Create(ctx, r.create)
		j.stats.write()
		if err == nil {
			r.id = got.ID
			return nil
		}
		last = err
		if !retryable(err) {
			if refused(err) {
				r.err = apiRowError(err)
				return nil
			}
			return err
		}
		found, ferr := j.findProducts(ctx, r.p.SKUs())
		if ferr != nil {
			return ferr
		}
		for _, s := range r.p.SKUs() {
			if cur := found[s]; cur != nil {
				r.cur = cur
			}
		}
		if r.cur != nil {
			// Ours (the answer was lost) or an earlier run's: make it match.
			created := r.action
			if err := j.diffExisting(ctx, j.names, r, r.create.Categories); err != nil {
				return err
			}
			if err := j.applyOne(ctx, r); err != nil {
				return err
			}
			r.action = created
			return nil
		}
		if errors.Is(err, bigcommerce.ErrConflict) {
			r.err = apiRowError(err) // a name taken by another product
			return nil
		}
	}
	return fmt.Errorf("creating product %q (line %d): %w", r.p.Name, r.line, last)
}

// applyOne sends one row's update, variant updates and completion alone.
func (j *Job) applyOne(ctx context.Context, r *productRow) error {
	if r.update != nil {
		_, _, err := j.Client.Products.Update(ctx, r.id, r.update)
		j.stats.write()
		if stop, err := r.settle(err); stop {
			return err
		}
	}
	if len(r.vars) > 0 {
		_, err := j.Client.Variants.BatchUpdate(ctx, r.vars)
		j.stats.write()
		if stop, err := r.settle(err); stop {
			return err
		}
	}
	return j.complete(ctx, r)
}
