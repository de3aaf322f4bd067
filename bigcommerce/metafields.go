package bigcommerce

import (
	"context"
	"iter"
	"net/http"
	"net/url"
)

// MetafieldsService handles metafields: hidden key/value data an app attaches
// to products, variants, orders, customers, categories and brands. Sync jobs
// use them to tag the records they processed.
type MetafieldsService struct{ c *Client }

// Metafield is one metafield.
type Metafield struct {
	ID            int    `json:"id"`
	Namespace     string `json:"namespace"`
	Key           string `json:"key"`
	Value         string `json:"value"`
	PermissionSet string `json:"permission_set"`
	Description   string `json:"description"`
	ResourceType  string `json:"resource_type"`
	ResourceID    int    `json:"resource_id"`
	OwnerClientID string `json:"owner_client_id,omitempty"`
	DateCreated   Time   `json:"date_created"`
	DateModified  Time   `json:"date_modified"`
}

// Metafield owner types.
const (
	MetafieldOwnerProduct  = "product"
	MetafieldOwnerVariant  = "variant"
	MetafieldOwnerOrder    = "order"
	MetafieldOwnerCustomer = "customer"
	MetafieldOwnerCategory = "category"
	MetafieldOwnerBrand    = "brand"
)

// MetafieldOwner names the record whose metafields are read or written.
type MetafieldOwner struct {
	Type      string // one of the MetafieldOwner* constants
	ID        int    // the product, variant, order, customer, category or brand ID
	ProductID int    // the variant's product; only for variants
}

// Permission sets a metafield can have.
var metafieldPermissionSets = []string{"app_only", "read", "write", "read_and_sf_access", "write_and_sf_access"}

// path returns the V3 collection path of the owner's metafields.
func (o MetafieldOwner) path() (string, error) {
	if err := checkID("resource_id", o.ID); err != nil {
		return "", err
	}
	switch o.Type {
	case MetafieldOwnerProduct:
		return "/catalog/products/" + itoa(o.ID) + "/metafields", nil
	case MetafieldOwnerVariant:
		if err := checkID("product_id", o.ProductID); err != nil {
			return "", invalid("product_id", "a variant's metafields need its product ID: %v", err)
		}
		return "/catalog/products/" + itoa(o.ProductID) + "/variants/" + itoa(o.ID) + "/metafields", nil
	case MetafieldOwnerOrder:
		return "/orders/" + itoa(o.ID) + "/metafields", nil
	case MetafieldOwnerCustomer:
		return "/customers/" + itoa(o.ID) + "/metafields", nil
	case MetafieldOwnerCategory:
		return "/catalog/categories/" + itoa(o.ID) + "/metafields", nil
	case MetafieldOwnerBrand:
		return "/catalog/brands/" + itoa(o.ID) + "/metafields", nil
	}
	return "", invalid("resource_type", "%q is not one of product, variant, order, customer, category, brand", o.Type)
}

// MetafieldListOptions filters a metafield list. Metafield lists page by cursor.
type MetafieldListOptions struct {
	Namespace  string   // exact namespace
	Namespaces []string // namespace:in
	Key        string   // exact key
	After      string   // cursor: the previous page's end_cursor
	Page       int      // offset paging, when no cursor is used
	Limit      int
}

func (o *MetafieldListOptions) values() (url.Values, error) {
	q := listQuery(o.Page, o.Limit)
	q.str("namespace", o.Namespace)
	q.strs("namespace:in", o.Namespaces)
	q.str("key", o.Key)
	q.str("after", o.After)
	return q.encode()
}

func (o *MetafieldListOptions) atPage(p pageRequest) {
	o.Page, o.After, o.Limit = cursorPage(p), p.After, p.Limit
}

// List lists one page of an owner's metafields, e.g. GET
// /v3/catalog/products/{id}/metafields or GET /v3/orders/{id}/metafields. The
// next page's cursor is in Response.Meta.CursorPagination.EndCursor.
func (s *MetafieldsService) List(ctx context.Context, owner MetafieldOwner, opts *MetafieldListOptions) ([]*Metafield, *Response, error) {
	path, err := owner.path()
	if err != nil {
		return nil, nil, err
	}
	return v3List[*Metafield](ctx, s.c, path, opts)
}

// All iterates over all of an owner's metafields matching opts, following
// cursors; opts.After, opts.Page and opts.Limit are ignored.
func (s *MetafieldsService) All(ctx context.Context, owner MetafieldOwner, opts *MetafieldListOptions) iter.Seq2[*Metafield, error] {
	return allPages(ctx, pagingV3Cursor, opts, func(ctx context.Context, o *MetafieldListOptions) ([]*Metafield, *Response, error) {
		return s.List(ctx, owner, o)
	})
}

// MetafieldCreateRequest creates a metafield. Namespace, Key, Value and
// PermissionSet are required.
type MetafieldCreateRequest struct {
	Namespace     string `json:"namespace"`
	Key           string `json:"key"`
	Value         string `json:"value"`
	PermissionSet string `json:"permission_set"`
	Description   string `json:"description,omitempty"`
}

func (r *MetafieldCreateRequest) validate() error {
	if r == nil {
		return invalid("metafield", "a request body is required")
	}
	for _, f := range []struct{ name, v string }{{"namespace", r.Namespace}, {"key", r.Key}, {"value", r.Value}} {
		if f.v == "" {
			return invalid(f.name, "is required")
		}
	}
	if r.PermissionSet == "" {
		return invalid("permission_set", "is required; want one of app_only, read, write, read_and_sf_access, write_and_sf_access")
	}
	return checkOneOf("permission_set", r.PermissionSet, metafieldPermissionSets...)
}

// Create creates a metafield on owner, e.g. POST
// /v3/catalog/products/{id}/metafields. A metafield with the same namespace
// and key already on the owner is a conflict (ErrConflict).
func (s *MetafieldsService) Create(ctx context.Context, owner MetafieldOwner, r *MetafieldCreateRequest) (*Metafield, *Response, error) {
	path, err := owner.path()
	if err != nil {
		return nil, nil, err
	}
	if err := r.validate(); err != nil {
		return nil, nil, err
	}
	return v3Data[*Metafield](ctx, s.c, http.MethodPost, path, nil, r)
}

// MetafieldUpdateRequest changes a metafield; only non-nil fields are sent.
type MetafieldUpdateRequest struct {
	Namespace     *string `json:"namespace,omitempty"`
	Key           *string `json:"key,omitempty"`
	Value         *string `json:"value,omitempty"`
	PermissionSet *string `json:"permission_set,omitempty"`
	Description   *string `json:"description,omitempty"`
}

// Update changes a metafield, e.g. PUT /v3/orders/{id}/metafields/{metafield_id}.
func (s *MetafieldsService) Update(ctx context.Context, owner MetafieldOwner, metafieldID int, r *MetafieldUpdateRequest) (*Metafield, *Response, error) {
	path, err := owner.path()
	if err != nil {
		return nil, nil, err
	}
	if err := checkID("metafield_id", metafieldID); err != nil {
		return nil, nil, err
	}
	if r == nil {
		return nil, nil, invalid("metafield", "a request body is required")
	}
	if r.Value != nil && *r.Value == "" {
		return nil, nil, invalid("value", "cannot be empty")
	}
	if err := checkOneOf("permission_set", deref(r.PermissionSet), metafieldPermissionSets...); err != nil {
		return nil, nil, err
	}
	return v3Data[*Metafield](ctx, s.c, http.MethodPut, path+"/"+itoa(metafieldID), nil, r)
}

// Delete deletes a metafield, e.g. DELETE /v3/customers/{id}/metafields/{metafield_id}.
func (s *MetafieldsService) Delete(ctx context.Context, owner MetafieldOwner, metafieldID int) (*Response, error) {
	path, err := owner.path()
	if err != nil {
		return nil, err
	}
	if err := checkID("metafield_id", metafieldID); err != nil {
		return nil, err
	}
	return noContent(ctx, s.c, http.MethodDelete, "v3", path+"/"+itoa(metafieldID), nil)
}
