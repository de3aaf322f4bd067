package sandbox

import "fmt"

// The batch updates (PUT /v3/catalog/products, PUT /v3/catalog/variants)
// apply all of their items or none: every item is checked, against the
// store and against the batch's other items, before the first applies, so
// a refused batch leaves the store as it was.

// batchClaims records the names and SKUs a batch's items set, so that two
// items setting the same one are refused before either applies (applied in
// turn, the second would fail after the first had changed the store).
type batchClaims map[string]int

// claim records that item i sets field to value, or answers the 409 when an
// earlier item set it too.
func (b batchClaims) claim(field, value string, i int) error {
	if value == "" {
		return nil
	}
	k := field + "\x00" + value
	if j, ok := b[k]; ok && j != i {
		return &conflictError{"The " + field + " is a duplicate", field, fmt.Sprintf("Items %d and %d of the batch both set %s %q.", j, i, field, value)}
	}
	b[k] = i
	return nil
}

// claimProduct claims a product item's name and SKU.
func (b batchClaims) claimProduct(in *productInput, i int) error {
	if in.Name != nil {
		if err := b.claim("name", *in.Name, i); err != nil {
			return err
		}
	}
	if in.SKU != nil {
		return b.claim("sku", *in.SKU, i)
	}
	return nil
}

// checkVariantBatch checks every item of a variants batch as updateVariant
// or addVariant would, and the SKUs the items set against each other.
func (s *Store) checkVariantBatch(in []variantInput) error {
	claims := batchClaims{}
	for i := range in {
		x := &in[i]
		if err := s.checkVariantItem(x, i); err != nil {
			return err
		}
		var err error
		if x.ID != nil {
			v := s.cat.variants[*x.ID]
			err = s.checkVariantUpdate(s.cat.products[v.ProductID], v, x)
		} else {
			_, err = s.checkNewVariant(s.cat.products[*x.ProductID], x)
		}
		if err == nil && x.SKU != nil {
			err = claims.claim("sku", *x.SKU, i)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// checkVariantUpdate is updateVariant's check of in against the store.
func (s *Store) checkVariantUpdate(p *product, v *variant, in *variantInput) error {
	if in.SKU != nil && *in.SKU != v.SKU {
		if *in.SKU == "" {
			return &validationError{"Invalid fields", map[string]string{"sku": "The field 'sku' cannot be empty."}}
		}
		if holder := s.cat.skuHolder(*in.SKU, p.ID, v.ID); holder != "" {
			return skuConflict(*in.SKU, holder)
		}
	}
	if in.InventoryLevel != nil && *in.InventoryLevel < 0 {
		return &validationError{"Invalid fields", map[string]string{"inventory_level": "The field 'inventory_level' must be 0 or more."}}
	}
	return nil
}

// checkNewVariant is addVariant's check of in against the store: sku and
// option_values are required, the SKU is free, and the option values are
// p's. It returns the option values resolved.
func (s *Store) checkNewVariant(p *product, in *variantInput) ([]optionValueRef, error) {
	errs := map[string]string{}
	if in.SKU == nil || *in.SKU == "" {
		errs["sku"] = "Please provide a sku."
	}
	if len(in.OptionValues) == 0 {
		errs["option_values"] = "Please provide option_values."
	}
	if len(errs) > 0 {
		return nil, &validationError{"Missing Required Fields", errs}
	}
	if holder := s.cat.skuHolder(*in.SKU, p.ID, -1); holder != "" {
		return nil, skuConflict(*in.SKU, holder)
	}
	return resolveOptionValues(p, in.OptionValues)
}
