package importer

import (
	"context"
	"errors"
	"fmt"

	"github.com/bigc-dev/bigc/bigcommerce"
)

// complete adds what an existing product lacks: variants, images and custom
// fields, one request each. This is how a product left half made (created,
// then a variant or image call failed, or the process was killed) is finished
// on the next run. Each create whose answer is lost is looked up before it is
// tried again, so nothing is added twice.
func (j *Job) complete(ctx context.Context, r *productRow) error {
	if len(r.missingVariants) > 0 {
		if err := j.addVariants(ctx, r); err != nil || r.err != nil {
			return err
		}
	}
	for _, img := range r.missingImages {
		err := j.retryCreate(ctx, func() error {
			_, _, err := j.Client.Products.CreateImage(ctx, r.id, &bigcommerce.ProductImageRequest{ImageURL: img.URL, IsThumbnail: img.IsThumbnail, Description: img.Description})
			return err
		}, func() (bool, error) {
			imgs, _, err := j.Client.Products.ListImages(ctx, r.id)
			j.stats.read()
			return hasImage(imgs, img.URL), err
		})
		if stop, err := r.settle(err); stop {
			return err
		}
	}
	if len(r.fieldSets) > 0 {
		have, _, err := j.Client.Products.ListCustomFields(ctx, r.id)
		j.stats.read()
		if err != nil {
			return err
		}
		for _, cf := range r.fieldSets {
			req := &bigcommerce.CustomFieldRequest{Name: cf.Name, Value: cf.Value}
			id := 0
			for _, h := range have {
				if h.Name == cf.Name {
					id = h.ID
				}
			}
			if id != 0 {
				_, _, err = j.Client.Products.UpdateCustomField(ctx, r.id, id, req)
				j.stats.write()
			} else {
				err = j.retryCreate(ctx, func() error {
					_, _, err := j.Client.Products.CreateCustomField(ctx, r.id, req)
					return err
				}, func() (bool, error) {
					fs, _, err := j.Client.Products.ListCustomFields(ctx, r.id)
					j.stats.read()
					for _, f := range fs {
						if f.Name == cf.Name && f.Value == cf.Value {
							return true, err
						}
					}
					return false, err
				})
			}
			if stop, err := r.settle(err); stop {
				return err
			}
		}
	}
	return nil
}

// retryCreate sends a create (a POST, never retried by the client) up to
// three times; after a failure whose outcome is unknown it asks exists
// first, and stops when the record is there.
func (j *Job) retryCreate(ctx context.Context, create func() error, exists func() (bool, error)) error {
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		err = create()
		j.stats.write()
		if err == nil || !retryable(err) {
			return err
		}
		ok, lerr := exists()
		if lerr != nil {
			return lerr
		}
		if ok {
			return nil
		}
	}
	return err
}

// addVariants creates the variants a product lacks: POST
// /v3/catalog/products/{id}/options for an option it does not have yet, then
// POST /v3/catalog/products/{id}/variants with the option values' IDs.
func (j *Job) addVariants(ctx context.Context, r *productRow) error {
	opts, err := j.Client.Variants.Options(ctx, r.id)
	j.stats.read()
	if err != nil {
		return err
	}
	byName := map[string]*bigcommerce.VariantOption{}
	for _, o := range opts {
		byName[o.DisplayName] = o
	}
	// Options the product does not have are created with every value the
	// missing variants need.
	var newOpts []string
	labels := map[string][]string{}
	for _, v := range r.missingVariants {
		for _, ov := range v.Options {
			if byName[ov.Option] != nil {
				continue
			}
			if _, ok := labels[ov.Option]; !ok {
				newOpts = append(newOpts, ov.Option)
			}
			if !contains(labels[ov.Option], ov.Value) {
				labels[ov.Option] = append(labels[ov.Option], ov.Value)
			}
		}
	}
	for _, name := range newOpts {
		req := &bigcommerce.VariantOptionCreateRequest{DisplayName: name, Type: "rectangles"}
		for i, l := range labels[name] {
			req.OptionValues = append(req.OptionValues, &bigcommerce.OptionValueCreateRequest{Label: l, SortOrder: i})
		}
		var made *bigcommerce.VariantOption
		err := j.retryCreate(ctx, func() error {
			o, _, err := j.Client.Variants.CreateOption(ctx, r.id, req)
			made = o
			return err
		}, func() (bool, error) {
			os, err := j.Client.Variants.Options(ctx, r.id)
			j.stats.read()
			for _, o := range os {
				if o.DisplayName == name {
					made = o
					return true, err
				}
			}
			return false, err
		})
		if stop, err := r.settle(err); stop {
			return err
		}
		byName[name] = made
	}
	for i, v := range r.missingVariants {
		req := &bigcommerce.VariantCreateRequest{SKU: v.SKU, Price: v.Price, SalePrice: v.SalePrice, RetailPrice: v.RetailPrice,
			CostPrice: v.CostPrice, Weight: v.Weight, UPC: v.UPC, ImageURL: v.ImageURL}
		if v.InventoryLevel != nil {
			req.InventoryLevel = *v.InventoryLevel
		}
		for _, ov := range v.Options {
			o := byName[ov.Option]
			var val *bigcommerce.OptionValue
			for _, x := range o.OptionValues {
				if x.Label == ov.Value {
					val = x
				}
			}
			if val == nil {
				r.err = rowErr(fmt.Sprintf("variants[%s].options", v.SKU),
					"product %d's option %q has no value %q; add the value to the option in the store, then run the import again", r.id, ov.Option, ov.Value)
				return nil
			}
			req.OptionValues = append(req.OptionValues, &bigcommerce.VariantOptionValue{ID: val.ID, OptionID: o.ID})
		}
		err := j.retryCreate(ctx, func() error {
			_, _, err := j.Client.Variants.Create(ctx, r.id, req)
			return err
		}, func() (bool, error) {
			got, err := j.Client.Variants.FindBySKU(ctx, v.SKU)
			j.stats.read()
			if errors.Is(err, bigcommerce.ErrNotFound) {
				return false, nil
			}
			return err == nil && got.ProductID == r.id, err
		})
		if refused(err) {
			r.err = apiRowError(err)
			r.err.Field = fmt.Sprintf("variants[%d]", i)
			return nil
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
