package syncer

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/bigc-dev/bigc/bigcommerce"
)

// Spec declares one stream: what identifies its records, what moves it, the
// token scopes it needs, the JSON Schema of its records and how it reads.
// Adding a stream is adding a Spec to specs; the CLI (bigc sync, sync --list,
// sync all), the worker and both destinations take it from there.
type Spec struct {
	Name string `json:"name"`
	// Key is the record field that is the envelope's id.
	Key string `json:"key"`
	// Cursor says what finds the changed records.
	Cursor string `json:"cursor"`
	// Scopes are the OAuth scopes the token needs (read-only forms).
	Scopes []string `json:"scopes"`
	// Deletions says when the stream emits a tombstone
	// {"stream","id","date_modified","deleted":true}.
	Deletions string `json:"deletions"`
	// Schema is the JSON Schema of the records (the envelope's "record").
	Schema json.RawMessage `json:"schema"`
	// TombstoneSchema is the JSON Schema of the stream's tombstone lines,
	// whole: {"stream","id","date_modified","deleted":true}, no record.
	TombstoneSchema json.RawMessage `json:"tombstone_schema"`

	// One way of reading:
	// source reads by date_modified window (orders, products, customers).
	source func(c *bigcommerce.Client, f OrderFilter) Source
	// whole reads the whole stream; path and key name the list and its ID
	// field when whole is nil and no other way is set.
	whole func(ctx context.Context, c *bigcommerce.Client) ([]Raw, error)
	// perOrder reads what one order holds (its shipments), for the orders
	// whose date_modified is in the run's window.
	perOrder func(ctx context.Context, c *bigcommerce.Client, o orderRef) ([]Raw, error)
	// window reads the records created in the run's window (refunds, which
	// never change once made).
	window func(ctx context.Context, c *bigcommerce.Client, from, to time.Time) ([]Raw, error)
}

//go:embed schemas/*.json
var schemaFiles embed.FS

func schema(name string) json.RawMessage {
	b, err := schemaFiles.ReadFile("schemas/" + name + ".json")
	if err != nil {
		panic(err) // the files are embedded: a missing one is a build mistake
	}
	return b
}

// Streams lists every stream, in the order bigc sync all runs them.
func Streams() []*Spec { return specs }

// Lookup returns the stream named name.
func Lookup(name string) (*Spec, bool) {
	for _, s := range specs {
		if s.Name == name {
			return s, true
		}
	}
	return nil, false
}

// StreamNames is the streams' names, comma-separated, for messages.
func StreamNames() string {
	names := make([]string, len(specs))
	for i, s := range specs {
		names[i] = s.Name
	}
	return strings.Join(names, ", ")
}

// NewSource returns the reader of a stream. filter applies to orders only.
func NewSource(stream string, c *bigcommerce.Client, filter OrderFilter) (Reader, error) {
	s, ok := Lookup(stream)
	if !ok {
		return nil, fmt.Errorf("stream %q: want one of %s", stream, StreamNames())
	}
	if s.source != nil {
		return s.source(c, filter), nil
	}
	return &changeReader{spec: s, c: c}, nil
}

// changeReader is the ChangeSource of a Spec read whole, per order or by
// creation window.
type changeReader struct {
	spec *Spec
	c    *bigcommerce.Client
}

func (r *changeReader) Stream() string { return r.spec.Name }

func (r *changeReader) Read(ctx context.Context, from, to time.Time, part func(Part) error) error {
	s := r.spec
	switch {
	case s.whole != nil:
		recs, err := s.whole(ctx, r.c)
		if err != nil {
			return err
		}
		return part(Part{Records: recs, Reread: func(ctx context.Context) ([]Raw, error) { return s.whole(ctx, r.c) }})
	case s.window != nil:
		recs, err := s.window(ctx, r.c, from, to)
		if err != nil {
			return err
		}
		return part(Part{Records: recs, Partial: true})
	}
	// The orders' records are read several at once (the client's governor
	// paces them) and handed on in the orders' order.
	var chunk []orderRef
	flush := func() error {
		recs := make([][]Raw, len(chunk))
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(orderWorkers)
		for i, o := range chunk {
			if o.IsDeleted {
				continue // an archived order's records are gone with it: its scope is empty
			}
			g.Go(func() (err error) {
				if recs[i], err = s.perOrder(gctx, r.c, o); err != nil {
					return fmt.Errorf("syncer: %s of order %d: %w", s.Name, o.ID, err)
				}
				return nil
			})
		}
		if err := g.Wait(); err != nil {
			return err
		}
		for i, o := range chunk {
			if err := part(Part{Scope: fmt.Sprintf("order %d", o.ID), Records: recs[i]}); err != nil {
				return err
			}
		}
		chunk = chunk[:0]
		return nil
	}
	err := forOrders(ctx, r.c, from, to, func(o orderRef) error {
		if chunk = append(chunk, o); len(chunk) == 4*orderWorkers {
			return flush()
		}
		return nil
	})
	if err != nil {
		return err
	}
	return flush()
}

// orderWorkers bounds the orders whose records are read at once.
const orderWorkers = 8

// orderRef is what the order-following streams, and the orders stream's
// tombstones, need of a listed order.
type orderRef struct {
	ID           int              `json:"id"`
	StatusID     int              `json:"status_id"`
	DateModified bigcommerce.Time `json:"date_modified"`
	ItemsShipped int              `json:"items_shipped"`
	IsDeleted    bool             `json:"is_deleted"`
}

// forOrders calls fn for every order, archived ones included, whose
// date_modified is in [from, to]. An order modified during the read leaves
// the window and may be missed by the offset pages; its new date_modified is
// after to, so the next run reads it.
func forOrders(ctx context.Context, c *bigcommerce.Client, from, to time.Time, fn func(orderRef) error) error {
	for _, archived := range []bool{false, true} {
		if err := listOrders(ctx, c, from, to, archived, fn); err != nil {
			return err
		}
	}
	return nil
}

// listOrders calls fn for every live (or, with archived, every archived)
// order whose date_modified is in [from, to]: GET
// /v2/orders?min_date_modified=&max_date_modified=&sort=id:asc, with
// is_deleted=true for the archived ones, which the API leaves out unless
// asked.
func listOrders(ctx context.Context, c *bigcommerce.Client, from, to time.Time, archived bool, fn func(orderRef) error) error {
	q := url.Values{}
	if !from.IsZero() {
		q.Set("min_date_modified", bigcommerce.FormatFilterTime(from))
	}
	q.Set("max_date_modified", bigcommerce.FormatFilterTime(to))
	q.Set("sort", "id:asc")
	if archived {
		q.Set("is_deleted", "true")
	}
	list, err := listAll(ctx, c, "/v2/orders", q)
	if err != nil {
		return err
	}
	for _, raw := range list {
		var o orderRef
		if err := json.Unmarshal(raw, &o); err != nil {
			return fmt.Errorf("syncer: decoding an order: %w", err)
		}
		o.IsDeleted = o.IsDeleted || archived
		if err := fn(o); err != nil {
			return err
		}
	}
	return nil
}

// listed reads a whole list and keys its records by key.
func listed(path, key string, q url.Values) func(context.Context, *bigcommerce.Client) ([]Raw, error) {
	return func(ctx context.Context, c *bigcommerce.Client) ([]Raw, error) {
		list, err := listAll(ctx, c, path, q)
		if err != nil {
			return nil, err
		}
		return raws(list, key)
	}
}

const (
	scopeOrders       = "store_v2_orders_read_only"
	scopeProducts     = "store_v2_products_read_only"
	scopeCustomers    = "store_v2_customers_read_only"
	scopeTransactions = "store_v2_transactions_read_only"
	scopeChannels     = "store_channel_settings_read_only"
	scopeMarketing    = "store_v2_marketing_read_only"
	scopeContent      = "store_v2_content_read_only"
	scopeInventory    = "store_inventory_read_only"
	scopeInfo         = "store_v2_information_read_only"
)

const (
	cursorDateModified = "date_modified (incremental)"
	cursorContent      = "content hash per id (read whole)"
	cursorOrders       = "the orders' date_modified, then content hash per id"
	noDeletes          = "none"
	missingOnRead      = "an id missing from a whole read"
)

// reportedBy is the Deletions of a stream whose deletions only webhooks
// report: a webhook receiver sharing the state records them, and each
// destination's next run writes their tombstones.
func reportedBy(scope string) string {
	return "a record reported by " + scope + " to a webhook receiver sharing the state: the next run writes its tombstone; none without a receiver"
}

var specs = []*Spec{
	{Name: StreamOrders, Key: "id", Cursor: cursorDateModified, Scopes: []string{scopeOrders},
		Deletions: "an order archived (DELETE /v2/orders/{id}), found by listing is_deleted=true over the run's window, " +
			"or reported by store/order/archived; its transactions and shipments get tombstones too",
		source: func(c *bigcommerce.Client, f OrderFilter) Source { return &OrderSource{Client: c, Filter: f} }},
	{Name: StreamProducts, Key: "id", Cursor: cursorDateModified, Scopes: []string{scopeProducts}, Deletions: reportedBy("store/product/deleted"),
		source: func(c *bigcommerce.Client, _ OrderFilter) Source { return &ProductSource{Client: c} }},
	{Name: StreamCustomers, Key: "id", Cursor: cursorDateModified, Scopes: []string{scopeCustomers}, Deletions: reportedBy("store/customer/deleted"),
		source: func(c *bigcommerce.Client, _ OrderFilter) Source { return &CustomerSource{Client: c} }},
	{Name: "transactions", Key: "id", Cursor: cursorOrders, Scopes: []string{scopeOrders, scopeTransactions},
		Deletions: "a transaction missing when its order is read again, and every transaction of an archived order",
		perOrder:  transactionsOf},
	{Name: "refunds", Key: "id", Cursor: "date_created (incremental: refunds never change)", Scopes: []string{scopeOrders},
		Deletions: noDeletes + ": refunds are never deleted", window: refundsCreated},
	{Name: "shipments", Key: "id", Cursor: cursorOrders, Scopes: []string{scopeOrders},
		Deletions: "a shipment missing when its order is read again, every shipment of an archived order, " +
			"and a shipment reported by store/shipment/deleted",
		perOrder: shipmentsOf},
	{Name: "categories", Key: "category_id", Cursor: cursorContent, Scopes: []string{scopeProducts},
		Deletions: missingOnRead + ", or reported by store/category/deleted",
		whole:     categoriesWithPaths},
	{Name: "brands", Key: "id", Cursor: cursorContent, Scopes: []string{scopeProducts}, Deletions: missingOnRead,
		whole: listed("/v3/catalog/brands", "id", nil)},
	{Name: "channels", Key: "id", Cursor: cursorContent, Scopes: []string{scopeChannels},
		Deletions: noDeletes + ": channels are retired by status, never deleted",
		whole:     listed("/v3/channels", "id", nil)},
	{Name: "coupons", Key: "id", Cursor: cursorContent, Scopes: []string{scopeMarketing}, Deletions: missingOnRead,
		whole: listed("/v2/coupons", "id", nil)},
	{Name: "customer_groups", Key: "id", Cursor: cursorContent, Scopes: []string{scopeCustomers}, Deletions: missingOnRead,
		whole: listed("/v2/customer_groups", "id", nil)},
	{Name: "pages", Key: "id", Cursor: cursorContent, Scopes: []string{scopeContent}, Deletions: missingOnRead,
		whole: listed("/v3/content/pages", "id", url.Values{"include": {"body"}})},
	{Name: "inventory", Key: "identity.variant_id", Cursor: cursorContent, Scopes: []string{scopeInventory},
		Deletions: "a variant missing from a whole read",
		whole:     listed("/v3/inventory/items", "identity.variant_id", nil)},
	{Name: "store", Key: "id (always 1: one snapshot of the store's settings)", Cursor: cursorContent, Scopes: []string{scopeInfo},
		Deletions: noDeletes, whole: storeSnapshot},
}

func init() {
	for _, s := range specs {
		s.Schema = schema(s.Name)
		s.TombstoneSchema = tombstoneSchema(s.Name)
	}
}

// tombstoneSchema is the JSON Schema of a tombstone line of stream.
func tombstoneSchema(stream string) json.RawMessage {
	b, err := json.Marshal(map[string]any{
		"$schema": "https://json-schema.org/draft/2020-12/schema",
		"title":   stream + " tombstone",
		"description": "The record was deleted (or, for an order, archived) in the store; " +
			"date_modified is when the deletion was seen, after every version of the record written before.",
		"type":                 "object",
		"required":             []string{"stream", "id", "date_modified", "deleted"},
		"additionalProperties": false,
		"properties": map[string]any{
			"stream":        map[string]any{"const": stream},
			"id":            map[string]any{"type": "integer", "minimum": 1},
			"date_modified": map[string]any{"type": "string", "format": "date-time"},
			"deleted":       map[string]any{"const": true},
		},
	})
	if err != nil {
		panic(err) // plain values: cannot fail
	}
	return b
}
