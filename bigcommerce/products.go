package bigcommerce

import (
	"context"
	"iter"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// ProductsService handles catalog products (V3 /catalog/products) and their
// images and custom fields. Product metafields are on MetafieldsService.
type ProductsService struct{ c *Client }

// Product is a catalog product.
type Product struct {
	ID                      int             `json:"id"`
	Name                    string          `json:"name"`
	Type                    string          `json:"type"` // physical or digital
	SKU                     string          `json:"sku"`
	Description             string          `json:"description"`
	Weight                  Decimal         `json:"weight"`
	Width                   Decimal         `json:"width"`
	Depth                   Decimal         `json:"depth"`
	Height                  Decimal         `json:"height"`
	Price                   Decimal         `json:"price"`
	CostPrice               Decimal         `json:"cost_price"`
	RetailPrice             Decimal         `json:"retail_price"`
	SalePrice               Decimal         `json:"sale_price"`
	CalculatedPrice         Decimal         `json:"calculated_price"`
	TaxClassID              int             `json:"tax_class_id"`
	Categories              []int           `json:"categories"`
	BrandID                 int             `json:"brand_id"`
	InventoryLevel          int             `json:"inventory_level"`
	InventoryWarningLevel   int             `json:"inventory_warning_level"`
	InventoryTracking       string          `json:"inventory_tracking"` // none, product or variant
	TotalSold               int             `json:"total_sold"`
	FixedCostShippingPrice  Decimal         `json:"fixed_cost_shipping_price"`
	IsFreeShipping          bool            `json:"is_free_shipping"`
	IsVisible               bool            `json:"is_visible"`
	IsFeatured              bool            `json:"is_featured"`
	Warranty                string          `json:"warranty"`
	BinPickingNumber        string          `json:"bin_picking_number"`
	UPC                     string          `json:"upc"`
	MPN                     string          `json:"mpn"`
	GTIN                    string          `json:"gtin"`
	SearchKeywords          string          `json:"search_keywords"`
	Availability            string          `json:"availability"` // available, disabled or preorder
	AvailabilityDescription string          `json:"availability_description"`
	Condition               string          `json:"condition"`
	SortOrder               int             `json:"sort_order"`
	OrderQuantityMinimum    int             `json:"order_quantity_minimum"`
	OrderQuantityMaximum    int             `json:"order_quantity_maximum"`
	PageTitle               string          `json:"page_title"`
	MetaDescription         string          `json:"meta_description"`
	ViewCount               int             `json:"view_count"`
	CustomURL               *CustomURL      `json:"custom_url,omitempty"`
	BaseVariantID           int             `json:"base_variant_id"`
	DateCreated             Time            `json:"date_created"`
	DateModified            Time            `json:"date_modified"`
	Variants                []*Variant      `json:"variants,omitempty"`      // with include=variants
	Images                  []*ProductImage `json:"images,omitempty"`        // with include=images
	PrimaryImage            *ProductImage   `json:"primary_image,omitempty"` // with include=primary_image
	CustomFields            []*CustomField  `json:"custom_fields,omitempty"` // with include=custom_fields
}

// CustomURL is a storefront URL path.
type CustomURL struct {
	URL          string `json:"url"`
	IsCustomized bool   `json:"is_customized"`
}

// ProductImage is an image of a product.
type ProductImage struct {
	ID           int    `json:"id"`
	ProductID    int    `json:"product_id"`
	IsThumbnail  bool   `json:"is_thumbnail"`
	SortOrder    int    `json:"sort_order"`
	Description  string `json:"description"`
	ImageFile    string `json:"image_file"`
	URLZoom      string `json:"url_zoom"`
	URLStandard  string `json:"url_standard"`
	URLThumbnail string `json:"url_thumbnail"`
	URLTiny      string `json:"url_tiny"`
	DateModified Time   `json:"date_modified"`
}

// CustomField is a storefront-visible name/value pair on a product.
type CustomField struct {
	ID    int    `json:"id"`
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Values accepted by product list options and requests.
var (
	productIncludes      = []string{"variants", "images", "custom_fields", "primary_image", "bulk_pricing_rules", "options", "modifiers", "videos", "channels", "parent_relations", "reviews"}
	productSorts         = []string{"id", "name", "sku", "price", "date_modified", "date_last_imported", "inventory_level", "is_visible", "total_sold", "calculated_price"}
	productTypes         = []string{"physical", "digital"}
	sortDirections       = []string{"asc", "desc"}
	maxProductBatch      = 10
	maxProductDeleteByID = 250
)

// ProductListOptions filters GET /v3/catalog/products. Unset fields are not sent.
type ProductListOptions struct {
	IDs         []int    // id:in
	Name        string   // exact name
	SKU         string   // exact SKU
	SKUs        []string // sku:in
	Keyword     string   // keyword search over name, SKU and description
	BrandID     int      // brand_id
	CategoryIDs []int    // categories:in
	IsVisible   *bool
	// Availability is available, disabled or preorder.
	Availability string
	// Type is physical or digital.
	Type            string
	DateModifiedMin time.Time // date_modified:min
	DateModifiedMax time.Time // date_modified:max

	InventoryLevel        *int // inventory_level
	InventoryLevelMin     *int // inventory_level:min
	InventoryLevelMax     *int // inventory_level:max
	InventoryLevelGreater *int // inventory_level:greater
	InventoryLevelLess    *int // inventory_level:less

	// Include embeds sub-resources: variants, images, custom_fields, primary_image, ...
	Include []string
	// IncludeFields limits the fields returned; id is always returned.
	IncludeFields []string
	// Sort is a field name (id, name, sku, price, date_modified, ...); Direction is asc or desc.
	Sort      string
	Direction string

	Page  int
	Limit int // at most 250
}

func (o *ProductListOptions) values() (url.Values, error) {
	q := listQuery(o.Page, o.Limit)
	q.check(checkOneOf("type", o.Type, productTypes...))
	q.check(checkAllOneOf("include", o.Include, productIncludes...))
	q.check(checkOneOf("sort", o.Sort, productSorts...))
	q.check(checkOneOf("direction", o.Direction, sortDirections...))
	q.ints("id:in", o.IDs)
	q.str("name", o.Name)
	q.str("sku", o.SKU)
	q.strs("sku:in", o.SKUs)
	q.str("keyword", o.Keyword)
	q.int("brand_id", o.BrandID)
	q.ints("categories:in", o.CategoryIDs)
	q.boolPtr("is_visible", o.IsVisible)
	q.str("availability", o.Availability)
	q.str("type", o.Type)
	q.time("date_modified:min", o.DateModifiedMin)
	q.time("date_modified:max", o.DateModifiedMax)
	q.intPtr("inventory_level", o.InventoryLevel)
	q.intPtr("inventory_level:min", o.InventoryLevelMin)
	q.intPtr("inventory_level:max", o.InventoryLevelMax)
	q.intPtr("inventory_level:greater", o.InventoryLevelGreater)
	q.intPtr("inventory_level:less", o.InventoryLevelLess)
	q.strs("include", o.Include)
	q.strs("include_fields", o.IncludeFields)
	q.str("sort", o.Sort)
	q.str("direction", o.Direction)
	return q.encode()
}

func (o *ProductListOptions) atPage(p pageRequest) { o.Page, o.Limit = p.Page, p.Limit }

// ProductGetOptions selects what GET /v3/catalog/products/{id} embeds.
type ProductGetOptions struct {
	Include       []string
	IncludeFields []string
}

func (o *ProductGetOptions) values() (url.Values, error) {
	if o == nil {
		return nil, nil
	}
	if err := checkAllOneOf("include", o.Include, productIncludes...); err != nil {
		return nil, err
	}
	q := newQuery()
	q.strs("include", o.Include)
	q.strs("include_fields", o.IncludeFields)
	return q.values(), nil
}

// List lists one page of products: GET /v3/catalog/products.
func (s *ProductsService) List(ctx context.Context, opts *ProductListOptions) ([]*Product, *Response, error) {
	return v3List[*Product](ctx, s.c, "/catalog/products", opts)
}

// All iterates over every product matching opts, 250 per request: GET /v3/catalog/products.
// opts.Page and opts.Limit are ignored.
func (s *ProductsService) All(ctx context.Context, opts *ProductListOptions) iter.Seq2[*Product, error] {
	return allPages(ctx, pagingV3Offset, opts, s.List)
}

// Get fetches one product: GET /v3/catalog/products/{id}.
func (s *ProductsService) Get(ctx context.Context, id int, opts *ProductGetOptions) (*Product, *Response, error) {
	if err := checkID("product_id", id); err != nil {
		return nil, nil, err
	}
	q, err := opts.values()
	if err != nil {
		return nil, nil, err
	}
	return v3Get[*Product](ctx, s.c, "/catalog/products/"+itoa(id), q)
}

// ProductCreateRequest is the body of POST /v3/catalog/products. Name, Type,
// Weight and Price are required.
type ProductCreateRequest struct {
	Name                    string                  `json:"name"`
	Type                    string                  `json:"type"` // physical or digital
	Weight                  Decimal                 `json:"weight"`
	Price                   Decimal                 `json:"price"`
	SKU                     string                  `json:"sku,omitempty"`
	Description             string                  `json:"description,omitempty"`
	CostPrice               Decimal                 `json:"cost_price,omitempty"`
	RetailPrice             Decimal                 `json:"retail_price,omitempty"`
	SalePrice               Decimal                 `json:"sale_price,omitempty"`
	Width                   Decimal                 `json:"width,omitempty"`
	Depth                   Decimal                 `json:"depth,omitempty"`
	Height                  Decimal                 `json:"height,omitempty"`
	Categories              []int                   `json:"categories,omitempty"`
	BrandID                 int                     `json:"brand_id,omitempty"`
	BrandName               string                  `json:"brand_name,omitempty"` // creates the brand if it does not exist
	InventoryLevel          int                     `json:"inventory_level,omitempty"`
	InventoryWarningLevel   int                     `json:"inventory_warning_level,omitempty"`
	InventoryTracking       string                  `json:"inventory_tracking,omitempty"`
	IsVisible               *bool                   `json:"is_visible,omitempty"` // the store's default is visible
	IsFeatured              bool                    `json:"is_featured,omitempty"`
	IsFreeShipping          bool                    `json:"is_free_shipping,omitempty"`
	Availability            string                  `json:"availability,omitempty"`
	AvailabilityDescription string                  `json:"availability_description,omitempty"`
	Condition               string                  `json:"condition,omitempty"` // New, Used or Refurbished
	UPC                     string                  `json:"upc,omitempty"`
	MPN                     string                  `json:"mpn,omitempty"`
	GTIN                    string                  `json:"gtin,omitempty"`
	SearchKeywords          string                  `json:"search_keywords,omitempty"`
	PageTitle               string                  `json:"page_title,omitempty"`
	MetaDescription         string                  `json:"meta_description,omitempty"`
	SortOrder               int                     `json:"sort_order,omitempty"`
	CustomURL               *CustomURL              `json:"custom_url,omitempty"`
	Variants                []*VariantCreateRequest `json:"variants,omitempty"`
	CustomFields            []*CustomFieldRequest   `json:"custom_fields,omitempty"`
	Images                  []*ProductImageRequest  `json:"images,omitempty"`
}

// ProductImageRequest adds an image by URL; BigCommerce downloads it.
type ProductImageRequest struct {
	ImageURL    string `json:"image_url"`
	IsThumbnail bool   `json:"is_thumbnail,omitempty"`
	SortOrder   int    `json:"sort_order,omitempty"`
	Description string `json:"description,omitempty"`
}

// CustomFieldRequest creates or changes a product custom field.
type CustomFieldRequest struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

func (r *ProductCreateRequest) validate() error {
	if r == nil {
		return invalid("product", "a request body is required")
	}
	if r.Name == "" {
		return invalid("name", "is required")
	}
	if r.Type == "" {
		return invalid("type", "is required; want physical or digital")
	}
	if r.Weight == "" {
		return invalid("weight", "is required (a decimal such as 1.5)")
	}
	if r.Price == "" {
		return invalid("price", "is required (a decimal such as 19.99)")
	}
	// The wire format needs the decimals in plain notation; the values the
	// API allows (type, lengths, ...) are the API's to check, and a tool's
	// schema declares them for its callers.
	if err := checkDecimals(df("weight", r.Weight), df("price", r.Price), df("cost_price", r.CostPrice),
		df("retail_price", r.RetailPrice), df("sale_price", r.SalePrice), df("width", r.Width), df("depth", r.Depth), df("height", r.Height)); err != nil {
		return err
	}
	for i, img := range r.Images {
		if img == nil || img.ImageURL == "" {
			return invalid("images["+itoa(i)+"].image_url", "is required")
		}
	}
	for i, cf := range r.CustomFields {
		if cf == nil || cf.Name == "" || cf.Value == "" {
			return invalid("custom_fields["+itoa(i)+"]", "name and value are both required")
		}
	}
	for i, v := range r.Variants {
		if v == nil || v.SKU == "" {
			return invalid("variants["+itoa(i)+"].sku", "is required")
		}
	}
	return nil
}

// Create creates a product, with its variants, custom fields and images when
// given: POST /v3/catalog/products. BigCommerce has no idempotency key: when the
// outcome is unknown, look the product up by name or SKU before trying again.
func (s *ProductsService) Create(ctx context.Context, r *ProductCreateRequest) (*Product, *Response, error) {
	if err := r.validate(); err != nil {
		return nil, nil, err
	}
	return v3Data[*Product](ctx, s.c, http.MethodPost, "/catalog/products", nil, r)
}

// ProductUpdateRequest is the body of PUT /v3/catalog/products/{id}. Only
// non-nil fields are sent; a nil slice leaves the list unchanged.
type ProductUpdateRequest struct {
	Name                  *string    `json:"name,omitempty"`
	Type                  *string    `json:"type,omitempty"`
	SKU                   *string    `json:"sku,omitempty"`
	Description           *string    `json:"description,omitempty"`
	Weight                *Decimal   `json:"weight,omitempty"`
	Width                 *Decimal   `json:"width,omitempty"`
	Depth                 *Decimal   `json:"depth,omitempty"`
	Height                *Decimal   `json:"height,omitempty"`
	Price                 *Decimal   `json:"price,omitempty"`
	CostPrice             *Decimal   `json:"cost_price,omitempty"`
	RetailPrice           *Decimal   `json:"retail_price,omitempty"`
	SalePrice             *Decimal   `json:"sale_price,omitempty"`
	Categories            []int      `json:"categories,omitempty"`
	BrandID               *int       `json:"brand_id,omitempty"`
	InventoryLevel        *int       `json:"inventory_level,omitempty"`
	InventoryWarningLevel *int       `json:"inventory_warning_level,omitempty"`
	InventoryTracking     *string    `json:"inventory_tracking,omitempty"`
	IsVisible             *bool      `json:"is_visible,omitempty"`
	IsFeatured            *bool      `json:"is_featured,omitempty"`
	IsFreeShipping        *bool      `json:"is_free_shipping,omitempty"`
	Availability          *string    `json:"availability,omitempty"`
	Condition             *string    `json:"condition,omitempty"`
	UPC                   *string    `json:"upc,omitempty"`
	MPN                   *string    `json:"mpn,omitempty"`
	GTIN                  *string    `json:"gtin,omitempty"`
	SearchKeywords        *string    `json:"search_keywords,omitempty"`
	PageTitle             *string    `json:"page_title,omitempty"`
	MetaDescription       *string    `json:"meta_description,omitempty"`
	SortOrder             *int       `json:"sort_order,omitempty"`
	CustomURL             *CustomURL `json:"custom_url,omitempty"`
}

// validate checks r; prefix is put before field names in errors, e.g. "products[3].".
func (r *ProductUpdateRequest) validate(prefix string) error {
	if r == nil {
		return invalid(strings.TrimSuffix(prefix, "."), "a request body is required")
	}
	return checkDecimalPtrs(dp(prefix+"weight", r.Weight), dp(prefix+"width", r.Width), dp(prefix+"depth", r.Depth), dp(prefix+"height", r.Height),
		dp(prefix+"price", r.Price), dp(prefix+"cost_price", r.CostPrice), dp(prefix+"retail_price", r.RetailPrice), dp(prefix+"sale_price", r.SalePrice))
}

func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}

// Update changes a product: PUT /v3/catalog/products/{id}.
func (s *ProductsService) Update(ctx context.Context, id int, r *ProductUpdateRequest) (*Product, *Response, error) {
	if err := checkID("product_id", id); err != nil {
		return nil, nil, err
	}
	if err := r.validate(""); err != nil {
		return nil, nil, err
	}
	return v3Data[*Product](ctx, s.c, http.MethodPut, "/catalog/products/"+itoa(id), nil, r)
}

// ProductBatchUpdate is one item of a batch update: the product's ID and the
// fields to change.
type ProductBatchUpdate struct {
	ID int `json:"id"`
	ProductUpdateRequest
}

// BatchUpdate changes several products: PUT /v3/catalog/products, 10 products
// per request. Larger input is split into several requests sent in order; if
// one fails, the products updated by earlier requests are returned with an
// error naming the failed batch.
func (s *ProductsService) BatchUpdate(ctx context.Context, updates []ProductBatchUpdate) ([]*Product, error) {
	if len(updates) == 0 {
		return nil, invalid("products", "at least one product update is required")
	}
	for i := range updates {
		prefix := "products[" + itoa(i) + "]."
		if err := checkID(prefix+"id", updates[i].ID); err != nil {
			return nil, err
		}
		if err := updates[i].validate(prefix); err != nil {
			return nil, err
		}
	}
	var out []*Product
	err := inBatches("batch update products", updates, maxProductBatch, func(batch []ProductBatchUpdate) error {
		got, _, err := v3Data[[]*Product](ctx, s.c, http.MethodPut, "/catalog/products", nil, batch)
		out = append(out, got...)
		return err
	})
	return out, err
}

// Delete deletes one product: DELETE /v3/catalog/products/{id}.
func (s *ProductsService) Delete(ctx context.Context, id int) (*Response, error) {
	if err := checkID("product_id", id); err != nil {
		return nil, err
	}
	return noContent(ctx, s.c, http.MethodDelete, "v3", "/catalog/products/"+itoa(id), nil)
}

// DeleteByIDs deletes the products with the given IDs: DELETE
// /v3/catalog/products?id:in=..., 250 IDs per request. An empty list is refused
// before any request, because the endpoint with no filter would match every product.
func (s *ProductsService) DeleteByIDs(ctx context.Context, ids []int) error {
	if err := checkIDs("id:in", ids); err != nil {
		return err
	}
	return inBatches("delete products", ids, maxProductDeleteByID, func(batch []int) error {
		_, err := noContent(ctx, s.c, http.MethodDelete, "v3", "/catalog/products", url.Values{"id:in": {joinInts(batch)}})
		return err
	})
}

// ListImages lists a product's images: GET /v3/catalog/products/{id}/images.
// BigCommerce answers 204 when there are none; that is an empty list.
func (s *ProductsService) ListImages(ctx context.Context, productID int) ([]*ProductImage, *Response, error) {
	if err := checkID("product_id", productID); err != nil {
		return nil, nil, err
	}
	return v3Get[[]*ProductImage](ctx, s.c, "/catalog/products/"+itoa(productID)+"/images", url.Values{"limit": {itoa(MaxPageSize)}})
}

// CreateImage adds an image by URL: POST /v3/catalog/products/{id}/images.
func (s *ProductsService) CreateImage(ctx context.Context, productID int, r *ProductImageRequest) (*ProductImage, *Response, error) {
	if err := checkID("product_id", productID); err != nil {
		return nil, nil, err
	}
	if r == nil || r.ImageURL == "" {
		return nil, nil, invalid("image_url", "is required")
	}
	return v3Data[*ProductImage](ctx, s.c, http.MethodPost, "/catalog/products/"+itoa(productID)+"/images", nil, r)
}

// ProductImageUpdateRequest changes an image; only non-nil fields are sent.
type ProductImageUpdateRequest struct {
	ImageURL    *string `json:"image_url,omitempty"`
	IsThumbnail *bool   `json:"is_thumbnail,omitempty"`
	SortOrder   *int    `json:"sort_order,omitempty"`
	Description *string `json:"description,omitempty"`
}

// UpdateImage changes an image, e.g. makes it the thumbnail:
// PUT /v3/catalog/products/{id}/images/{image_id}.
func (s *ProductsService) UpdateImage(ctx context.Context, productID, imageID int, r *ProductImageUpdateRequest) (*ProductImage, *Response, error) {
	if err := checkID("product_id", productID); err != nil {
		return nil, nil, err
	}
	if err := checkID("image_id", imageID); err != nil {
		return nil, nil, err
	}
	if r == nil || (r.ImageURL == nil && r.IsThumbnail == nil && r.SortOrder == nil && r.Description == nil) {
		return nil, nil, invalid("image", "at least one of image_url, is_thumbnail, sort_order, description is required")
	}
	if r.ImageURL != nil && *r.ImageURL == "" {
		return nil, nil, invalid("image_url", "cannot be empty")
	}
	return v3Data[*ProductImage](ctx, s.c, http.MethodPut, "/catalog/products/"+itoa(productID)+"/images/"+itoa(imageID), nil, r)
}

// DeleteImage deletes an image: DELETE /v3/catalog/products/{id}/images/{image_id}.
func (s *ProductsService) DeleteImage(ctx context.Context, productID, imageID int) (*Response, error) {
	if err := checkID("product_id", productID); err != nil {
		return nil, err
	}
	if err := checkID("image_id", imageID); err != nil {
		return nil, err
	}
	return noContent(ctx, s.c, http.MethodDelete, "v3", "/catalog/products/"+itoa(productID)+"/images/"+itoa(imageID), nil)
}

// ListCustomFields lists a product's custom fields (at most 200 exist):
// GET /v3/catalog/products/{id}/custom-fields.
func (s *ProductsService) ListCustomFields(ctx context.Context, productID int) ([]*CustomField, *Response, error) {
	if err := checkID("product_id", productID); err != nil {
		return nil, nil, err
	}
	return v3Get[[]*CustomField](ctx, s.c, "/catalog/products/"+itoa(productID)+"/custom-fields", url.Values{"limit": {itoa(MaxPageSize)}})
}

func (r *CustomFieldRequest) validate() error {
	if r == nil {
		return invalid("custom_field", "a request body is required")
	}
	if r.Name == "" {
		return invalid("name", "is required")
	}
	if r.Value == "" {
		return invalid("value", "is required")
	}
	return nil
}

// CreateCustomField adds a custom field: POST /v3/catalog/products/{id}/custom-fields.
func (s *ProductsService) CreateCustomField(ctx context.Context, productID int, r *CustomFieldRequest) (*CustomField, *Response, error) {
	if err := checkID("product_id", productID); err != nil {
		return nil, nil, err
	}
	if err := r.validate(); err != nil {
		return nil, nil, err
	}
	return v3Data[*CustomField](ctx, s.c, http.MethodPost, "/catalog/products/"+itoa(productID)+"/custom-fields", nil, r)
}

// UpdateCustomField changes a custom field:
// PUT /v3/catalog/products/{id}/custom-fields/{custom_field_id}.
func (s *ProductsService) UpdateCustomField(ctx context.Context, productID, fieldID int, r *CustomFieldRequest) (*CustomField, *Response, error) {
	if err := checkID("product_id", productID); err != nil {
		return nil, nil, err
	}
	if err := checkID("custom_field_id", fieldID); err != nil {
		return nil, nil, err
	}
	if err := r.validate(); err != nil {
		return nil, nil, err
	}
	return v3Data[*CustomField](ctx, s.c, http.MethodPut, "/catalog/products/"+itoa(productID)+"/custom-fields/"+itoa(fieldID), nil, r)
}

// DeleteCustomField deletes a custom field:
// DELETE /v3/catalog/products/{id}/custom-fields/{custom_field_id}.
func (s *ProductsService) DeleteCustomField(ctx context.Context, productID, fieldID int) (*Response, error) {
	if err := checkID("product_id", productID); err != nil {
		return nil, err
	}
	if err := checkID("custom_field_id", fieldID); err != nil {
		return nil, err
	}
	return noContent(ctx, s.c, http.MethodDelete, "v3", "/catalog/products/"+itoa(productID)+"/custom-fields/"+itoa(fieldID), nil)
}
