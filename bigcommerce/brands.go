package bigcommerce

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
)

// BrandsService handles catalog brands (V3 /catalog/brands).
type BrandsService struct{ c *Client }

// Brand is a catalog brand.
type Brand struct {
	ID              int        `json:"id"`
	Name            string     `json:"name"`
	PageTitle       string     `json:"page_title"`
	MetaKeywords    []string   `json:"meta_keywords"`
	MetaDescription string     `json:"meta_description"`
	ImageURL        string     `json:"image_url"`
	SearchKeywords  string     `json:"search_keywords"`
	CustomURL       *CustomURL `json:"custom_url,omitempty"`
}

// BrandListOptions filters GET /v3/catalog/brands.
type BrandListOptions struct {
	IDs   []int  // id:in
	Name  string // exact name
	Page  int
	Limit int // at most 250
}

func (o *BrandListOptions) values() (url.Values, error) {
	q := listQuery(o.Page, o.Limit)
	q.ints("id:in", o.IDs)
	q.str("name", o.Name)
	return q.encode()
}

func (o *BrandListOptions) atPage(p pageRequest) { o.Page, o.Limit = p.Page, p.Limit }

// List lists one page of brands: GET /v3/catalog/brands.
func (s *BrandsService) List(ctx context.Context, opts *BrandListOptions) ([]*Brand, *Response, error) {
	return v3List[*Brand](ctx, s.c, "/catalog/brands", opts)
}

// All iterates over every brand matching opts: GET /v3/catalog/brands.
func (s *BrandsService) All(ctx context.Context, opts *BrandListOptions) iter.Seq2[*Brand, error] {
	return allPages(ctx, pagingV3Offset, opts, s.List)
}

// Get fetches one brand: GET /v3/catalog/brands/{id}.
func (s *BrandsService) Get(ctx context.Context, id int) (*Brand, *Response, error) {
	if err := checkID("brand_id", id); err != nil {
		return nil, nil, err
	}
	return v3Get[*Brand](ctx, s.c, "/catalog/brands/"+itoa(id), nil)
}

// FindByName returns the brand named exactly name: GET /v3/catalog/brands?name=...
// When there is none the error satisfies errors.Is(err, ErrNotFound).
func (s *BrandsService) FindByName(ctx context.Context, name string) (*Brand, error) {
	if name == "" {
		return nil, invalid("name", "is required")
	}
	list, _, err := s.List(ctx, &BrandListOptions{Name: name})
	if err != nil {
		return nil, err
	}
	for _, b := range list {
		if b.Name == name {
			return b, nil
		}
	}
	return nil, notFound("brand", fmt.Sprintf("no brand is named %q", name))
}

// BrandCreateRequest creates a brand; Name is required.
type BrandCreateRequest struct {
	Name            string   `json:"name"`
	PageTitle       string   `json:"page_title,omitempty"`
	MetaKeywords    []string `json:"meta_keywords,omitempty"`
	MetaDescription string   `json:"meta_description,omitempty"`
	ImageURL        string   `json:"image_url,omitempty"`
	SearchKeywords  string   `json:"search_keywords,omitempty"`
}

// Create creates a brand: POST /v3/catalog/brands.
func (s *BrandsService) Create(ctx context.Context, r *BrandCreateRequest) (*Brand, *Response, error) {
	if r == nil || r.Name == "" || len(r.Name) > 255 {
		return nil, nil, invalid("name", "must be 1 to 255 characters")
	}
	return v3Data[*Brand](ctx, s.c, http.MethodPost, "/catalog/brands", nil, r)
}
