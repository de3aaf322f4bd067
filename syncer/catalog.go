package syncer

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/bigc-dev/bigc/bigcommerce"
)

// productIncludes are the sub-resources a whole product carries.
var productIncludes = []string{"variants", "images", "custom_fields"}

// customerIncludes are the sub-resources a whole customer carries.
var customerIncludes = []string{"addresses", "attributes"}

// FetchProduct reads one whole product: GET /v3/catalog/products/{id} with
// variants, images and custom fields, as the sync lists them.
func FetchProduct(ctx context.Context, c *bigcommerce.Client, id int) (*bigcommerce.Product, error) {
	p, _, err := c.Products.Get(ctx, id, &bigcommerce.ProductGetOptions{Include: productIncludes})
	return p, err
}

// ProductEnvelope is the output line of a whole product.
func ProductEnvelope(p *bigcommerce.Product) (Envelope, error) {
	return NewEnvelope(StreamProducts, int64(p.ID), p.DateModified.Time, p)
}

// FetchCustomer reads one whole customer with addresses and attributes (GET
// /v3/customers?id:in=), as the sync lists them.
func FetchCustomer(ctx context.Context, c *bigcommerce.Client, id int) (*bigcommerce.Customer, error) {
	cu, _, err := c.Customers.Get(ctx, id)
	return cu, err
}

// CustomerEnvelope is the output line of a whole customer.
func CustomerEnvelope(cu *bigcommerce.Customer) (Envelope, error) {
	return NewEnvelope(StreamCustomers, int64(cu.ID), cu.DateModified.Time, cu)
}

// ProductSource reads products through GET /v3/catalog/products, whole
// (variants, images and custom fields are embedded, so no request per
// product).
type ProductSource struct {
	Client *bigcommerce.Client
}

// Stream is "products".
func (s *ProductSource) Stream() string { return StreamProducts }

func productItems(list []*bigcommerce.Product) []Item {
	items := make([]Item, len(list))
	for i, p := range list {
		items[i] = Item{ID: int64(p.ID), DateModified: p.DateModified.UTC(), Value: p}
	}
	return items
}

// Scan calls GET /v3/catalog/products?date_modified:min=&date_modified:max=&sort=date_modified&direction=asc.
func (s *ProductSource) Scan(ctx context.Context, from, to time.Time, limit int) ([]Item, error) {
	items, _, err := s.ScanPage(ctx, from, to, limit, 1)
	return items, err
}

// Group reads the products modified at one second by ID keyset: GET
// /v3/catalog/products?date_modified:min=at&date_modified:max=at&id:greater=&sort=id.
// ProductListOptions has no ID range, so the query is sent raw.
func (s *ProductSource) Group(ctx context.Context, at time.Time, limit int) iter.Seq2[[]Item, error] {
	return func(yield func([]Item, error) bool) {
		after := 0
		for {
			q := url.Values{}
			q.Set("date_modified:min", bigcommerce.FormatFilterTime(at))
			q.Set("date_modified:max", bigcommerce.FormatFilterTime(at))
			q.Set("id:greater", strconv.Itoa(after))
			q.Set("sort", "id")
			q.Set("direction", "asc")
			q.Set("include", strings.Join(productIncludes, ","))
			q.Set("limit", strconv.Itoa(limit))
			resp, err := s.Client.Do(ctx, bigcommerce.RawRequest{Method: "GET", Path: "/v3/catalog/products", Query: q})
			if err != nil {
				yield(nil, err)
				return
			}
			var env struct {
				Data []*bigcommerce.Product `json:"data"`
			}
			if len(resp.Body) > 0 {
				if err := json.Unmarshal(resp.Body, &env); err != nil {
					yield(nil, fmt.Errorf("syncer: decoding products: %w", err))
					return
				}
			}
			if !yield(productItems(env.Data), nil) || len(env.Data) < limit {
				return
			}
			after = env.Data[len(env.Data)-1].ID
		}
	}
}

// Hydrate encodes the product: the list already embedded everything.
func (s *ProductSource) Hydrate(ctx context.Context, it *Item) error {
	env, err := ProductEnvelope(it.Value.(*bigcommerce.Product))
	if err != nil {
		return err
	}
	it.Record, it.Value = env.Record, nil
	return nil
}

// Count reads meta.pagination.total of a one-record page over the window.
func (s *ProductSource) Count(ctx context.Context, from, to time.Time) (int, error) {
	_, resp, err := s.Client.Products.List(ctx, &bigcommerce.ProductListOptions{
		DateModifiedMin: from, DateModifiedMax: to, IncludeFields: []string{"id"}, Limit: 1,
	})
	return metaTotal(resp, err)
}

func metaTotal(resp *bigcommerce.Response, err error) (int, error) {
	if err != nil {
		return -1, err
	}
	return pageTotal(resp), nil
}

// CustomerSource reads customers through GET /v3/customers with addresses
// and attributes embedded.
type CustomerSource struct {
	Client *bigcommerce.Client
}

// Stream is "customers".
func (s *CustomerSource) Stream() string { return StreamCustomers }

func customerItems(list []*bigcommerce.Customer) []Item {
	items := make([]Item, len(list))
	for i, c := range list {
		items[i] = Item{ID: int64(c.ID), DateModified: c.DateModified.UTC(), Value: c}
	}
	return items
}

// Scan calls GET /v3/customers?date_modified:min=&date_modified:max=&sort=date_modified:asc&page=1.
func (s *CustomerSource) Scan(ctx context.Context, from, to time.Time, limit int) ([]Item, error) {
	items, _, err := s.ScanPage(ctx, from, to, limit, 1)
	return items, err
}

// Group reads the customers modified at one second with the API's cursor
// (after=end_cursor), which pages by keyset: customers have no ID range
// filter.
func (s *CustomerSource) Group(ctx context.Context, at time.Time, limit int) iter.Seq2[[]Item, error] {
	return func(yield func([]Item, error) bool) {
		after := ""
		for {
			list, resp, err := s.Client.Customers.List(ctx, &bigcommerce.CustomerListOptions{
				DateModifiedMin: at, DateModifiedMax: at, Include: customerIncludes, After: after, Limit: limit,
			})
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(customerItems(list), nil) {
				return
			}
			if resp == nil || resp.Meta == nil || resp.Meta.CursorPagination == nil ||
				resp.Meta.CursorPagination.Links.Next == "" || len(list) == 0 {
				return
			}
			after = resp.Meta.CursorPagination.EndCursor
		}
	}
}

// Hydrate encodes the customer: the list already embedded everything.
func (s *CustomerSource) Hydrate(ctx context.Context, it *Item) error {
	env, err := CustomerEnvelope(it.Value.(*bigcommerce.Customer))
	if err != nil {
		return err
	}
	it.Record, it.Value = env.Record, nil
	return nil
}

// Count reads meta.pagination.total of a one-record page over the window.
func (s *CustomerSource) Count(ctx context.Context, from, to time.Time) (int, error) {
	_, resp, err := s.Client.Customers.List(ctx, &bigcommerce.CustomerListOptions{
		DateModifiedMin: from, DateModifiedMax: to, Limit: 1,
	})
	return metaTotal(resp, err)
}
