package bigcommerce

import (
	"context"
	"net/url"
	"strings"
)

// MaxSKUsPerLookup is how many SKUs one sku:in read carries: short enough for
// any proxy's URL limit (a few KB), long enough that 10,000 SKUs take 100 reads.
const MaxSKUsPerLookup = 100

// skuChunks splits skus for sku:in reads. A SKU holding a comma cannot travel
// inside a comma-separated list; it gets a read of its own with the exact
// sku filter (single is true for those).
func skuChunks(skus []string) (lists [][]string, singles []string) {
	var plain []string
	seen := make(map[string]bool, len(skus))
	for _, s := range skus {
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		if strings.Contains(s, ",") {
			singles = append(singles, s)
			continue
		}
		plain = append(plain, s)
	}
	return chunks(plain, MaxSKUsPerLookup), singles
}

// BySKUs returns every variant, of any product, whose SKU is one of skus:
// GET /v3/catalog/variants?sku:in=..., MaxSKUsPerLookup SKUs per read. The
// base variant of a product without options carries the product's SKU, so
// this finds those products too. SKUs that match nothing are simply absent.
func (s *VariantsService) BySKUs(ctx context.Context, skus []string) ([]*Variant, error) {
	lists, singles := skuChunks(skus)
	var out []*Variant
	keep := func(want map[string]bool, vs []*Variant) {
		for _, v := range vs {
			// The filter is documented as exact; check anyway, so a variant
			// with another SKU is never taken for one of these.
			if want[v.SKU] {
				out = append(out, v)
			}
		}
	}
	for _, list := range lists {
		want := make(map[string]bool, len(list))
		for _, s := range list {
			want[s] = true
		}
		for v, err := range all(ctx, pagingV3Offset, func(ctx context.Context, p pageRequest) ([]*Variant, *Response, error) {
			q := url.Values{"sku:in": {strings.Join(list, ",")}}
			return listPage[*Variant](ctx, s.c, "v3", "/catalog/variants", q, p)
		}) {
			if err != nil {
				return out, err
			}
			keep(want, []*Variant{v})
		}
	}
	for _, sku := range singles {
		vs, _, err := s.List(ctx, &VariantListOptions{SKU: sku, Limit: MaxPageSize})
		if err != nil {
			return out, err
		}
		keep(map[string]bool{sku: true}, vs)
	}
	return out, nil
}

// BySKUs returns the products whose own SKU is one of skus, with the
// sub-resources include names: GET /v3/catalog/products?sku:in=...,
// MaxSKUsPerLookup SKUs per read. A product is matched by its own SKU; find
// products by a variant's SKU with VariantsService.BySKUs.
func (s *ProductsService) BySKUs(ctx context.Context, skus []string, include []string) ([]*Product, error) {
	lists, singles := skuChunks(skus)
	for _, sku := range singles {
		lists = append(lists, []string{sku}) // exact filter below
	}
	var out []*Product
	for _, list := range lists {
		want := make(map[string]bool, len(list))
		for _, s := range list {
			want[s] = true
		}
		opts := &ProductListOptions{SKUs: list, Include: include}
		if len(list) == 1 {
			opts = &ProductListOptions{SKU: list[0], Include: include}
		}
		for p, err := range s.All(ctx, opts) {
			if err != nil {
				return out, err
			}
			if want[p.SKU] {
				out = append(out, p)
			}
		}
	}
	return out, nil
}

// ByIDs returns the products with the given IDs and the sub-resources include
// names: GET /v3/catalog/products?id:in=..., 50 IDs per read.
func (s *ProductsService) ByIDs(ctx context.Context, ids []int, include []string) ([]*Product, error) {
	var out []*Product
	for _, batch := range chunks(ids, 50) {
		for p, err := range s.All(ctx, &ProductListOptions{IDs: batch, Include: include}) {
			if err != nil {
				return out, err
			}
			out = append(out, p)
		}
	}
	return out, nil
}
