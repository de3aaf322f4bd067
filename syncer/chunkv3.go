package syncer

import (
	"context"
	"time"

	"github.com/bigc-dev/bigc/bigcommerce"
)

// pageTotal is meta.pagination.total of an answer, or -1 without one.
func pageTotal(resp *bigcommerce.Response) int {
	if resp == nil || resp.Meta == nil || resp.Meta.Pagination == nil {
		return -1
	}
	return resp.Meta.Pagination.Total
}

// Paging reads products by page number, every answer vouching for itself
// with the window's size (meta.pagination.total), so no count is sent.
func (s *ProductSource) Paging() (offsets, totals bool) { return true, true }

// ScanPage calls GET /v3/catalog/products?date_modified:min=&date_modified:max=&sort=date_modified&direction=asc&page=n.
func (s *ProductSource) ScanPage(ctx context.Context, from, to time.Time, limit, page int) ([]Item, int, error) {
	list, resp, err := s.Client.Products.List(ctx, &bigcommerce.ProductListOptions{
		DateModifiedMin: from, DateModifiedMax: to, Sort: "date_modified", Direction: "asc",
		Include: productIncludes, Page: page, Limit: limit,
	})
	if err != nil {
		return nil, 0, err
	}
	return productItems(list), pageTotal(resp), nil
}

// Paging reads customers by page number, every answer vouching for itself
// with the window's size (meta.pagination.total), so no count is sent.
func (s *CustomerSource) Paging() (offsets, totals bool) { return true, true }

// ScanPage calls GET /v3/customers?date_modified:min=&date_modified:max=&sort=date_modified:asc&page=n.
func (s *CustomerSource) ScanPage(ctx context.Context, from, to time.Time, limit, page int) ([]Item, int, error) {
	list, resp, err := s.Client.Customers.List(ctx, &bigcommerce.CustomerListOptions{
		DateModifiedMin: from, DateModifiedMax: to, Sort: "date_modified:asc",
		Include: customerIncludes, Page: page, Limit: limit,
	})
	if err != nil {
		return nil, 0, err
	}
	return customerItems(list), pageTotal(resp), nil
}
