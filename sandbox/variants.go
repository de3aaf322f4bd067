package sandbox

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// variantInput is a variant create or update body.
type variantInput struct {
	ID                     *int               `json:"id"`
	ProductID              *int               `json:"product_id"`
	SKU                    *string            `json:"sku"`
	Price                  *optDecimal        `json:"price"`
	SalePrice              *optDecimal        `json:"sale_price"`
	RetailPrice            *optDecimal        `json:"retail_price"`
	MapPrice               *optDecimal        `json:"map_price"`
	CostPrice              *optDecimal        `json:"cost_price"`
	Weight                 *optDecimal        `json:"weight"`
	Width                  *optDecimal        `json:"width"`
	Height                 *optDecimal        `json:"height"`
	Depth                  *optDecimal        `json:"depth"`
	FixedCostShippingPrice *optDecimal        `json:"fixed_cost_shipping_price"`
	IsFreeShipping         *bool              `json:"is_free_shipping"`
	PurchasingDisabled     *bool              `json:"purchasing_disabled"`
	InventoryLevel         *int               `json:"inventory_level"`
	InventoryWarningLevel  *int               `json:"inventory_warning_level"`
	UPC                    *string            `json:"upc"`
	MPN                    *string            `json:"mpn"`
	GTIN                   *string            `json:"gtin"`
	ImageURL               *string            `json:"image_url"`
	BinPickingNumber       *string            `json:"bin_picking_number"`
	OptionValues           []optionValueInput `json:"option_values"`
}

// optionValueInput names an option value either by ids (variant endpoints)
// or by option display name and label (variants inside a product create).
type optionValueInput struct {
	ID                int    `json:"id"`
	OptionID          int    `json:"option_id"`
	OptionDisplayName string `json:"option_display_name"`
	Label             string `json:"label"`
}

func applyVariant(v *variant, in *variantInput) {
	setIf(&v.SKU, in.SKU)
	setIf(&v.Price, in.Price)
	setIf(&v.SalePrice, in.SalePrice)
	setIf(&v.RetailPrice, in.RetailPrice)
	setIf(&v.MapPrice, in.MapPrice)
	setIf(&v.CostPrice, in.CostPrice)
	setIf(&v.Weight, in.Weight)
	setIf(&v.Width, in.Width)
	setIf(&v.Height, in.Height)
	setIf(&v.Depth, in.Depth)
	setIf(&v.FixedCostShippingPrice, in.FixedCostShippingPrice)
	setIf(&v.IsFreeShipping, in.IsFreeShipping)
	setIf(&v.PurchasingDisabled, in.PurchasingDisabled)
	setIf(&v.InventoryLevel, in.InventoryLevel)
	setIf(&v.InventoryWarningLevel, in.InventoryWarningLevel)
	setIf(&v.UPC, in.UPC)
	setIf(&v.MPN, in.MPN)
	setIf(&v.GTIN, in.GTIN)
	setIf(&v.ImageURL, in.ImageURL)
	setIf(&v.BinPickingNumber, in.BinPickingNumber)
}

// refreshVariants recomputes what variants inherit from their product.
func (p *product) refreshVariants() {
	for _, v := range p.Variants {
		v.CalculatedPrice = p.CalculatedPrice
		if v.Price.set {
			v.CalculatedPrice = v.Price.v
		}
		if v.SalePrice.set && v.SalePrice.v > 0 {
			v.CalculatedPrice = v.SalePrice.v
		}
		v.CalculatedWeight = p.Weight
		if v.Weight.set {
			v.CalculatedWeight = v.Weight.v
		}
	}
}

// addVariantsFromInput gives a new product its variants: a base variant
// carrying the product's SKU when none are given, else one per input, with
// options and values created by display name and label as needed.
func (s *Store) addVariantsFromInput(p *product, ins []variantInput) error {
	if len(ins) == 0 {
		s.ids.variant++
		v := &variant{ID: s.ids.variant, ProductID: p.ID, SKU: p.SKU, OptionValues: []optionValueRef{}, InventoryLevel: p.InventoryLevel}
		p.Variants = []*variant{v}
		p.BaseVariantID = &v.ID
		p.refreshVariants()
		return nil
	}
	seen := map[string]bool{}
	for i := range ins {
		in := &ins[i]
		if in.SKU == nil || *in.SKU == "" {
			return &validationError{"Missing Required Fields", map[string]string{fmt.Sprintf("variants[%d].sku", i): "Please provide a sku."}}
		}
		if seen[*in.SKU] {
			return &conflictError{"The SKU is a duplicate", "sku", fmt.Sprintf("SKU %q appears twice.", *in.SKU)}
		}
		seen[*in.SKU] = true
		refs := make([]optionValueRef, 0, len(in.OptionValues))
		for _, ov := range in.OptionValues {
			refs = append(refs, s.optionValueByName(p, ov.OptionDisplayName, ov.Label))
		}
		v := s.newOptionVariant(p, refs)
		applyVariant(v, in)
		p.Variants = append(p.Variants, v)
		s.emitSKU("created", v)
	}
	p.refreshVariants()
	return nil
}

// newOptionVariant makes a variant with option values, which unlike a base
// variant has a SKU record of its own (sku_id).
func (s *Store) newOptionVariant(p *product, refs []optionValueRef) *variant {
	s.ids.variant++
	s.ids.sku++
	skuID := s.ids.sku
	return &variant{ID: s.ids.variant, ProductID: p.ID, SKUID: &skuID, OptionValues: refs}
}

// optionValueByName finds or creates the option displayName and its value label.
func (s *Store) optionValueByName(p *product, displayName, label string) optionValueRef {
	var opt *option
	for _, o := range p.Options {
		if o.DisplayName == displayName {
			opt = o
		}
	}
	if opt == nil {
		s.ids.option++
		opt = &option{ID: s.ids.option, ProductID: p.ID, DisplayName: displayName, Name: displayName + fmt.Sprint(s.ids.option),
			Type: "rectangles", Config: map[string]any{}, SortOrder: len(p.Options)}
		p.Options = append(p.Options, opt)
	}
	for _, v := range opt.OptionValues {
		if v.Label == label {
			return optionValueRef{ID: v.ID, Label: label, OptionID: opt.ID, OptionDisplayName: displayName}
		}
	}
	s.ids.optionValue++
	ov := &optionValue{ID: s.ids.optionValue, Label: label, SortOrder: len(opt.OptionValues), ValueData: nil}
	opt.OptionValues = append(opt.OptionValues, ov)
	return optionValueRef{ID: ov.ID, Label: label, OptionID: opt.ID, OptionDisplayName: displayName}
}

// resolveOptionValues checks option_values given by ids against p's options.
func resolveOptionValues(p *product, ins []optionValueInput) ([]optionValueRef, error) {
	refs := make([]optionValueRef, 0, len(ins))
	for i, ov := range ins {
		ref, ok := findOptionValue(p, ov.OptionID, ov.ID)
		if !ok {
			return nil, &validationError{"Invalid option values", map[string]string{
				fmt.Sprintf("option_values[%d]", i): fmt.Sprintf("Option value %d of option %d does not exist on product %d.", ov.ID, ov.OptionID, p.ID)}}
		}
		refs = append(refs, ref)
	}
	return refs, nil
}

func findOptionValue(p *product, optionID, valueID int) (optionValueRef, bool) {
	for _, o := range p.Options {
		if o.ID != optionID {
			continue
		}
		for _, v := range o.OptionValues {
			if v.ID == valueID {
				return optionValueRef{ID: v.ID, Label: v.Label, OptionID: o.ID, OptionDisplayName: o.DisplayName}, true
			}
		}
	}
	return optionValueRef{}, false
}

// listProductVariants serves GET /v3/catalog/products/{id}/variants.
func (s *Store) listProductVariants(c *call) {
	p := c.productOr404()
	if p == nil {
		return
	}
	v3FieldList(c, p.Variants, "id")
}

// variantOr404 finds variant {id 1} of product {id 0}.
func (c *call) variantOr404() (*product, *variant) {
	p := c.productOr404()
	if p == nil {
		return nil, nil
	}
	v := c.s.cat.variants[c.id(1)]
	if v == nil || v.ProductID != p.ID {
		c.notFound()
		return nil, nil
	}
	return p, v
}

// getVariant serves GET /v3/catalog/products/{id}/variants/{id}.
func (s *Store) getVariant(c *call) {
	if _, v := c.variantOr404(); v != nil {
		c.v3Data(200, v)
	}
}

// createVariant serves POST /v3/catalog/products/{id}/variants: sku and
// option_values (by option id and value id) are required.
func (s *Store) createVariant(c *call) {
	p := c.productOr404()
	if p == nil {
		return
	}
	var in variantInput
	if !c.decode(&in) {
		return
	}
	v, err := s.addVariant(p, &in)
	if c.writeErr(err) {
		c.v3Data(200, v)
	}
}

func (s *Store) addVariant(p *product, in *variantInput) (*variant, error) {
	refs, err := s.checkNewVariant(p, in)
	if err != nil {
		return nil, err
	}
	if bv := p.baseVariant(); bv != nil {
		// The first variant with options replaces the base variant.
		delete(s.cat.variants, bv.ID)
		delete(s.cat.skus, bv.SKU)
		p.Variants, p.BaseVariantID = nil, nil
	}
	v := s.newOptionVariant(p, refs)
	applyVariant(v, in)
	p.Variants = append(p.Variants, v)
	s.cat.variants[v.ID] = v
	s.cat.skus[v.SKU] = v.ID
	p.refreshVariants()
	p.syncInventory()
	s.touchProduct(p)
	s.emitSKU("created", v)
	return v, nil
}

// touchProduct records a change to p or one of its parts.
func (s *Store) touchProduct(p *product) {
	s.cat.setModified(p, s.now().Unix())
	s.emit("store/product/updated", "product", p.ID, nil)
}

// updateVariant applies in to v. The caller holds s.mu.
func (s *Store) updateVariant(p *product, v *variant, in *variantInput) error {
	if err := s.checkVariantUpdate(p, v, in); err != nil {
		return err
	}
	oldSKU, oldStock := v.SKU, v.InventoryLevel
	applyVariant(v, in)
	if v.SKU != oldSKU {
		delete(s.cat.skus, oldSKU)
		s.cat.skus[v.SKU] = v.ID
		if p.BaseVariantID != nil && *p.BaseVariantID == v.ID {
			p.SKU = v.SKU
			s.cat.setProductSKU(p, oldSKU)
		}
	}
	if p.BaseVariantID != nil && *p.BaseVariantID == v.ID {
		p.InventoryLevel = v.InventoryLevel
	}
	p.refreshVariants()
	p.syncInventory()
	s.touchProduct(p)
	s.emitSKU("updated", v)
	if v.InventoryLevel != oldStock {
		s.emitInventory(p, v, "absolute", v.InventoryLevel)
	}
	return nil
}

// updateVariantAPI serves PUT /v3/catalog/products/{id}/variants/{id}.
func (s *Store) updateVariantAPI(c *call) {
	p, v := c.variantOr404()
	if v == nil {
		return
	}
	var in variantInput
	if !c.decode(&in) {
		return
	}
	if c.writeErr(s.updateVariant(p, v, &in)) {
		c.v3Data(200, v)
	}
}

// deleteVariant serves DELETE /v3/catalog/products/{id}/variants/{id}.
func (s *Store) deleteVariant(c *call) {
	p, v := c.variantOr404()
	if v == nil {
		return
	}
	if p.BaseVariantID != nil {
		c.invalid("The base variant cannot be deleted", map[string]string{"id": "A product without options keeps its base variant."})
		return
	}
	p.Variants = slices.DeleteFunc(p.Variants, func(x *variant) bool { return x.ID == v.ID })
	delete(s.cat.variants, v.ID)
	delete(s.cat.skus, v.SKU)
	p.syncInventory()
	s.touchProduct(p)
	s.emitSKU("deleted", v)
	c.noContent()
}

// listAllVariants serves GET /v3/catalog/variants with id, sku, sku:in,
// product_id, upc and inventory_level filters.
func (s *Store) listAllVariants(c *call) {
	idF, err := c.v3Num("id", intParser())
	if err != nil {
		c.badFilter(err)
		return
	}
	prodF, err := c.v3Num("product_id", intParser())
	if err != nil {
		c.badFilter(err)
		return
	}
	stockF, err := c.v3Num("inventory_level", intParser())
	if err != nil {
		c.badFilter(err)
		return
	}
	skuF, upcF := c.v3Str("sku"), c.v3Str("upc")
	var out []*variant
	for _, p := range s.cat.productList {
		if !prodF.match(int64(p.ID)) {
			continue
		}
		for _, v := range p.Variants {
			if idF.match(int64(v.ID)) && skuF.match(v.SKU) && upcF.match(v.UPC) && stockF.match(int64(v.InventoryLevel)) {
				out = append(out, v)
			}
		}
	}
	v3FieldList(c, out, "id")
}

// batchUpdateVariants serves PUT /v3/catalog/variants: at most 50 items;
// an item with id updates that variant, one with product_id, sku and
// option_values creates a variant.
func (s *Store) batchUpdateVariants(c *call) {
	defer c.batchErrors()
	var in []variantInput
	if !decodeBatch(c, &in, 50) {
		return
	}
	if err := s.checkVariantBatch(in); err != nil { // all or nothing (batch.go)
		c.writeErr(err)
		return
	}
	out := make([]*variant, 0, len(in))
	for i := range in {
		v, err := s.applyVariantItem(&in[i])
		if !c.writeErr(err) {
			return
		}
		out = append(out, v)
	}
	c.v3Data(200, out)
}

func (s *Store) checkVariantItem(in *variantInput, i int) error {
	switch {
	case in.ID != nil:
		if s.cat.variants[*in.ID] == nil {
			return &validationError{"Variant not found", map[string]string{fmt.Sprintf("[%d].id", i): fmt.Sprintf("Variant %d does not exist.", *in.ID)}}
		}
	case in.ProductID != nil:
		if s.cat.products[*in.ProductID] == nil {
			return &validationError{"Product not found", map[string]string{fmt.Sprintf("[%d].product_id", i): fmt.Sprintf("Product %d does not exist.", *in.ProductID)}}
		}
	default:
		return &validationError{"Missing Required Fields", map[string]string{fmt.Sprintf("[%d].id", i): "Give id to update a variant, or product_id, sku and option_values to create one."}}
	}
	return nil
}

func (s *Store) applyVariantItem(in *variantInput) (*variant, error) {
	if in.ID == nil {
		return s.addVariant(s.cat.products[*in.ProductID], in)
	}
	v := s.cat.variants[*in.ID]
	return v, s.updateVariant(s.cat.products[v.ProductID], v, in)
}

// variantBySKU finds a variant by SKU, case-sensitively as BigCommerce does.
func (cat *catalog) variantBySKU(sku string) *variant {
	if id, ok := cat.skus[strings.TrimSpace(sku)]; ok {
		return cat.variants[id]
	}
	return nil
}

// batchErrors gives a 422 of PUT /v3/catalog/variants the body the variants
// spec documents for that operation, {"batch_errors": [error]}, the usual V3
// error object inside a list.
func (c *call) batchErrors() {
	if c.status == http.StatusUnprocessableEntity {
		c.body = slices.Concat([]byte(`{"batch_errors":[`), c.body, []byte(`]}`))
	}
}
