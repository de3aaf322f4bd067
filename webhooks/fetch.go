package webhooks

import (
	"context"
	"fmt"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/syncer"
)

// ClientFetcher fetches the record an event names through the sync's own
// hydration (syncer.FetchOrder, FetchProduct, FetchCustomer and their
// envelopes), so that a record written from a webhook has the form and the
// key (stream, id, date_modified) of the line the sync writes for it.
type ClientFetcher struct {
	client *bigcommerce.Client
}

// NewClientFetcher returns a Fetcher that reads records through c.
func NewClientFetcher(c *bigcommerce.Client) *ClientFetcher { return &ClientFetcher{client: c} }

// Fetch reads one whole record: the order (GET /v2/orders/{id} with its
// lines, shipping addresses and coupons), the product (GET
// /v3/catalog/products/{id} with variants, images and custom fields) or the
// customer (GET /v3/customers?id:in={id} with addresses and attributes).
func (f *ClientFetcher) Fetch(ctx context.Context, stream string, id int64) (Record, error) {
	var (
		rec Record
		err error
	)
	switch stream {
	case syncer.StreamOrders:
		var o *syncer.OrderRecord
		if o, err = syncer.FetchOrder(ctx, f.client, int(id)); err != nil {
			return Record{}, err
		}
		rec.Incomplete = o.StatusID == 0
		rec.Archived = o.IsDeleted
		rec.Envelope, err = syncer.OrderEnvelope(o)
	case syncer.StreamProducts:
		var p *bigcommerce.Product
		if p, err = syncer.FetchProduct(ctx, f.client, int(id)); err != nil {
			return Record{}, err
		}
		rec.Envelope, err = syncer.ProductEnvelope(p)
	case syncer.StreamCustomers:
		var c *bigcommerce.Customer
		if c, err = syncer.FetchCustomer(ctx, f.client, int(id)); err != nil {
			return Record{}, err
		}
		rec.Envelope, err = syncer.CustomerEnvelope(c)
	default:
		return Record{}, fmt.Errorf("webhooks: stream %q is not one bigc emits", stream)
	}
	if err != nil {
		return Record{}, err
	}
	return rec, nil
}
