package bigcommerce

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strings"
)

// VariantsService handles product variants (V3 /catalog/products/{id}/variants
// and the store-wide /catalog/variants) and the variant options they are built from.
type VariantsService struct{ c *Client }

// Variant is one SKU of a product. Inventory and order line items refer to
// variants; a product without options has a single base variant.
type Variant struct {
	ID                        int                   `json:"id"`
	ProductID                 int                   `json:"product_id"`
	SKU                       string                `json:"sku"`
	SKUID                     int                   `json:"sku_id"`
	Price                     Decimal               `json:"price"`
	CalculatedPrice           Decimal               `json:"calculated_price"`
	SalePrice                 Decimal               `json:"sale_price"`
	RetailPrice               Decimal               `json:"retail_price"`
	CostPrice                 Decimal               `json:"cost_price"`
	Weight                    Decimal               `json:"weight"`
	CalculatedWeight          Decimal               `json:"calculated_weight"`
	Width                     Decimal               `json:"width"`
	Height                    Decimal               `json:"height"`
	Depth                     Decimal               `json:"depth"`
	IsFreeShipping            bool                  `json:"is_free_shipping"`
	FixedCostShippingPrice    Decimal               `json:"fixed_cost_shipping_price"`
	PurchasingDisabled        bool                  `json:"purchasing_disabled"`
	PurchasingDisabledMessage string                `json:"purchasing_disabled_message"`
	ImageURL                  string                `json:"image_url"`
	UPC                       string                `json:"upc"`
	MPN                       string                `json:"mpn"`
	GTIN                      string                `json:"gtin"`
	InventoryLevel            int                   `json:"inventory_level"`
	InventoryWarningLevel     int                   `json:"inventory_warning_level"`
	BinPickingNumber          string                `json:"bin_picking_number"`
	OptionValues              []*VariantOptionValue `json:"option_values"`
}

// VariantOptionValue is the option value a variant stands for, e.g. Color: Beige.
type VariantOptionValue struct {
	ID                int    `json:"id,omitempty"`
	Label             string `json:"label,omitempty"`
	OptionID          int    `json:"option_id,omitempty"`
	OptionDisplayName string `json:"option_display_name,omitempty"`
}

// VariantOption is a product's variant option (e.g. Color) with its values.
type VariantOption struct {
	ID           int            `json:"id"`
	ProductID    int            `json:"product_id"`
	DisplayName  string         `json:"display_name"`
	Type         string         `json:"type"` // radio_buttons, rectangles, dropdown, product_list, swatch, ...
	SortOrder    int            `json:"sort_order"`
	OptionValues []*OptionValue `json:"option_values"`
}

// OptionValue is one value of a variant option.
type OptionValue struct {
	ID        int    `json:"id"`
	Label     string `json:"label"`
	SortOrder int    `json:"sort_order"`
	IsDefault bool   `json:"is_default"`
}

const maxVariantBatch = 50

// ProductVariantListOptions pages GET /v3/catalog/products/{id}/variants.
type ProductVariantListOptions struct {
	IncludeFields []string
	Page          int
	Limit         int
}

func (o *ProductVariantListOptions) values() (url.Values, error) {
	q := listQuery(o.Page, o.Limit)
	q.strs("include_fields", o.IncludeFields)
	return q.encode()
}

// VariantListOptions filters the store-wide GET /v3/catalog/variants.
type VariantListOptions struct {
	IDs           []int  // id:in
	SKU           string // exact SKU
	ProductIDs    []int  // product_id (comma-separated)
	IncludeFields []string
	Page          int
	Limit         int
}

func (o *VariantListOptions) values() (url.Values, error) {
	q := listQuery(o.Page, o.Limit)
	q.ints("id:in", o.IDs)
	q.str("sku", o.SKU)
	q.ints("product_id", o.ProductIDs)
	q.strs("include_fields", o.IncludeFields)
	return q.encode()
}

func (o *VariantListOptions) atPage(p pageRequest) { o.Page, o.Limit = p.Page, p.Limit }

func variantsPath(productID int) string { return "/catalog/products/" + itoa(productID) + "/variants" }

// ListByProduct lists one page of a product's variants:
// GET /v3/catalog/products/{id}/variants.
func (s *VariantsService) ListByProduct(ctx context.Context, productID int, opts *ProductVariantListOptions) ([]*Variant, *Response, error) {
	if err := checkID("product_id", productID); err != nil {
		return nil, nil, err
	}
	return v3List[*Variant](ctx, s.c, variantsPath(productID), opts)
}

// AllByProduct iterates over all of a product's variants:
// GET /v3/catalog/products/{id}/variants.
func (s *VariantsService) AllByProduct(ctx context.Context, productID int) iter.Seq2[*Variant, error] {
	return all(ctx, pagingV3Offset, func(ctx context.Context, p pageRequest) ([]*Variant, *Response, error) {
		return s.ListByProduct(ctx, productID, &ProductVariantListOptions{Page: p.Page, Limit: p.Limit})
	})
}

// List lists one page of variants across the store: GET /v3/catalog/variants.
func (s *VariantsService) List(ctx context.Context, opts *VariantListOptions) ([]*Variant, *Response, error) {
	return v3List[*Variant](ctx, s.c, "/catalog/variants", opts)
}

// All iterates over every variant matching opts: GET /v3/catalog/variants.
// opts.Page and opts.Limit are ignored.
func (s *VariantsService) All(ctx context.Context, opts *VariantListOptions) iter.Seq2[*Variant, error] {
	return allPages(ctx, pagingV3Offset, opts, s.List)
}

// Get fetches one variant: GET /v3/catalog/products/{id}/variants/{variant_id}.
func (s *VariantsService) Get(ctx context.Context, productID, variantID int) (*Variant, *Response, error) {
	if err := checkID("product_id", productID); err != nil {
		return nil, nil, err
	}
	if err := checkID("variant_id", variantID); err != nil {
		return nil, nil, err
	}
	return v3Get[*Variant](ctx, s.c, variantsPath(productID)+"/"+itoa(variantID), nil)
}

// FindBySKU returns the variant whose SKU is exactly sku, with its ProductID:
// GET /v3/catalog/variants?sku=... When no variant has that SKU the error
// satisfies errors.Is(err, ErrNotFound).
func (s *VariantsService) FindBySKU(ctx context.Context, sku string) (*Variant, error) {
	if sku == "" {
		return nil, invalid("sku", "is required")
	}
	vs, _, err := s.List(ctx, &VariantListOptions{SKU: sku, Limit: MaxPageSize})
	if err != nil {
		return nil, err
	}
	// The filter is documented as exact, but check: a variant with another
	// SKU must never be taken for this one.
	for _, v := range vs {
		if v.SKU == sku {
			return v, nil
		}
	}
	return nil, notFound("variant", fmt.Sprintf("no variant has SKU %q", sku))
}

// VariantCreateRequest creates a variant, alone (POST
// /v3/catalog/products/{id}/variants) or inside a product create request.
// SKU and OptionValues are required for a variant of an existing product.
type VariantCreateRequest struct {
	SKU                   string                `json:"sku"`
	OptionValues          []*VariantOptionValue `json:"option_values,omitempty"`
	Price                 Decimal               `json:"price,omitempty"`
	SalePrice             Decimal               `json:"sale_price,omitempty"`
	RetailPrice           Decimal               `json:"retail_price,omitempty"`
	CostPrice             Decimal               `json:"cost_price,omitempty"`
	Weight                Decimal               `json:"weight,omitempty"`
	InventoryLevel        int                   `json:"inventory_level,omitempty"`
	InventoryWarningLevel int                   `json:"inventory_warning_level,omitempty"`
	UPC                   string                `json:"upc,omitempty"`
	MPN                   string                `json:"mpn,omitempty"`
	GTIN                  string                `json:"gtin,omitempty"`
	ImageURL              string                `json:"image_url,omitempty"`
	PurchasingDisabled    bool                  `json:"purchasing_disabled,omitempty"`
}

// Create creates a variant of a product: POST /v3/catalog/products/{id}/variants.
func (s *VariantsService) Create(ctx context.Context, productID int, r *VariantCreateRequest) (*Variant, *Response, error) {
	if err := checkID("product_id", productID); err != nil {
		return nil, nil, err
	}
	if r == nil || r.SKU == "" {
		return nil, nil, invalid("sku", "is required")
	}
	if len(r.OptionValues) == 0 {
		return nil, nil, invalid("option_values", "at least one option value is required; create options with CreateOption first")
	}
	if err := checkDecimals(df("price", r.Price), df("sale_price", r.SalePrice), df("retail_price", r.RetailPrice), df("cost_price", r.CostPrice), df("weight", r.Weight)); err != nil {
		return nil, nil, err
	}
	return v3Data[*Variant](ctx, s.c, http.MethodPost, variantsPath(productID), nil, r)
}

// VariantUpdateRequest changes a variant. Only non-nil fields are sent.
type VariantUpdateRequest struct {
	SKU                       *string  `json:"sku,omitempty"`
	Price                     *Decimal `json:"price,omitempty"`
	SalePrice                 *Decimal `json:"sale_price,omitempty"`
	RetailPrice               *Decimal `json:"retail_price,omitempty"`
	CostPrice                 *Decimal `json:"cost_price,omitempty"`
	Weight                    *Decimal `json:"weight,omitempty"`
	InventoryLevel            *int     `json:"inventory_level,omitempty"`
	InventoryWarningLevel     *int     `json:"inventory_warning_level,omitempty"`
	UPC                       *string  `json:"upc,omitempty"`
	MPN                       *string  `json:"mpn,omitempty"`
	GTIN                      *string  `json:"gtin,omitempty"`
	ImageURL                  *string  `json:"image_url,omitempty"`
	PurchasingDisabled        *bool    `json:"purchasing_disabled,omitempty"`
	PurchasingDisabledMessage *string  `json:"purchasing_disabled_message,omitempty"`
	BinPickingNumber          *string  `json:"bin_picking_number,omitempty"`
}

// validate checks r; prefix is put before field names in errors, e.g. "variants[3].".
func (r *VariantUpdateRequest) validate(prefix string) error {
	if r == nil {
		return invalid(strings.TrimSuffix(prefix, "."), "a request body is required")
	}
	if r.SKU != nil && *r.SKU == "" {
		return invalid(prefix+"sku", "cannot be set to empty")
	}
	return checkDecimalPtrs(dp(prefix+"price", r.Price), dp(prefix+"sale_price", r.SalePrice), dp(prefix+"retail_price", r.RetailPrice),
		dp(prefix+"cost_price", r.CostPrice), dp(prefix+"weight", r.Weight))
}

// Update changes a variant: PUT /v3/catalog/products/{id}/variants/{variant_id}.
func (s *VariantsService) Update(ctx context.Context, productID, variantID int, r *VariantUpdateRequest) (*Variant, *Response, error) {
	if err := checkID("product_id", productID); err != nil {
		return nil, nil, err
	}
	if err := checkID("variant_id", variantID); err != nil {
		return nil, nil, err
	}
	if err := r.validate(""); err != nil {
		return nil, nil, err
	}
	return v3Data[*Variant](ctx, s.c, http.MethodPut, variantsPath(productID)+"/"+itoa(variantID), nil, r)
}

// Delete deletes a variant: DELETE /v3/catalog/products/{id}/variants/{variant_id}.
func (s *VariantsService) Delete(ctx context.Context, productID, variantID int) (*Response, error) {
	if err := checkID("product_id", productID); err != nil {
		return nil, err
	}
	if err := checkID("variant_id", variantID); err != nil {
		return nil, err
	}
	return noContent(ctx, s.c, http.MethodDelete, "v3", variantsPath(productID)+"/"+itoa(variantID), nil)
}

// VariantBatchUpdate is one item of a batch update: the variant's ID and the
// fields to change.
type VariantBatchUpdate struct {
	ID int `json:"id"`
	VariantUpdateRequest
}

// BatchUpdate changes variants of any products: PUT /v3/catalog/variants, 50
// variants per request. Larger input is split into several requests sent in
// order; if one fails, the variants updated by earlier requests are returned
// with an error naming the failed batch.
func (s *VariantsService) BatchUpdate(ctx context.Context, updates []VariantBatchUpdate) ([]*Variant, error) {
	if len(updates) == 0 {
		return nil, invalid("variants", "at least one variant update is required")
	}
	for i := range updates {
		prefix := "variants[" + itoa(i) + "]."
		if err := checkID(prefix+"id", updates[i].ID); err != nil {
			return nil, err
		}
		if err := updates[i].validate(prefix); err != nil {
			return nil, err
		}
	}
	var out []*Variant
	err := inBatches("batch update variants", updates, maxVariantBatch, func(batch []VariantBatchUpdate) error {
		got, _, err := v3Data[[]*Variant](ctx, s.c, http.MethodPut, "/catalog/variants", nil, batch)
		out = append(out, got...)
		return err
	})
	return out, err
}

// Options lists all of a product's variant options with their values:
// GET /v3/catalog/products/{id}/options.
func (s *VariantsService) Options(ctx context.Context, productID int) ([]*VariantOption, error) {
	if err := checkID("product_id", productID); err != nil {
		return nil, err
	}
	var out []*VariantOption
	for o, err := range all(ctx, pagingV3Offset, func(ctx context.Context, p pageRequest) ([]*VariantOption, *Response, error) {
		return listPage[*VariantOption](ctx, s.c, "v3", "/catalog/products/"+itoa(productID)+"/options", nil, p)
	}) {
		if err != nil {
			return out, err
		}
		out = append(out, o)
	}
	return out, nil
}

// VariantOptionCreateRequest creates a variant option with its values.
type VariantOptionCreateRequest struct {
	DisplayName  string                      `json:"display_name"`
	Type         string                      `json:"type"` // radio_buttons, rectangles, dropdown, product_list, product_list_with_images, swatch
	SortOrder    int                         `json:"sort_order,omitempty"`
	OptionValues []*OptionValueCreateRequest `json:"option_values"`
}

// OptionValueCreateRequest is one value of a new variant option.
type OptionValueCreateRequest struct {
	Label     string `json:"label"`
	SortOrder int    `json:"sort_order"`
	IsDefault bool   `json:"is_default,omitempty"`
}

var optionTypes = []string{"radio_buttons", "rectangles", "dropdown", "product_list", "product_list_with_images", "swatch"}

// CreateOption creates a variant option on a product, the first step to
// creating its variants: POST /v3/catalog/products/{id}/options.
func (s *VariantsService) CreateOption(ctx context.Context, productID int, r *VariantOptionCreateRequest) (*VariantOption, *Response, error) {
	if err := checkID("product_id", productID); err != nil {
		return nil, nil, err
	}
	if r == nil || r.DisplayName == "" {
		return nil, nil, invalid("display_name", "is required")
	}
	if r.Type == "" {
		return nil, nil, invalid("type", "is required; want one of radio_buttons, rectangles, dropdown, product_list, product_list_with_images, swatch")
	}
	if err := checkOneOf("type", r.Type, optionTypes...); err != nil {
		return nil, nil, err
	}
	if len(r.OptionValues) == 0 {
		return nil, nil, invalid("option_values", "at least one value is required")
	}
	return v3Data[*VariantOption](ctx, s.c, http.MethodPost, "/catalog/products/"+itoa(productID)+"/options", nil, r)
}
