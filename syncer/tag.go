package syncer

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/bigc-dev/bigc/bigcommerce"
)

// Tagger marks synced orders with a metafield (POST
// /v3/orders/{id}/metafields), idempotently: the API refuses a second
// metafield with the same namespace and key on an order (409), and that
// refusal means "already tagged".
type Tagger struct {
	Client    *bigcommerce.Client
	Namespace string
	Key       string
	// Value is the metafield's value, e.g. the time of the first sync.
	Value string
	// Workers bounds tags created at once (default 8).
	Workers int

	created, already atomic.Int64
}

// ParseTag reads --tag NAMESPACE/KEY.
func ParseTag(s string) (namespace, key string, err error) {
	namespace, key, ok := strings.Cut(s, "/")
	if !ok || namespace == "" || key == "" || len(namespace) > 64 || len(key) > 64 || strings.Contains(key, "/") {
		return "", "", fmt.Errorf("--tag %q: want NAMESPACE/KEY, each 1 to 64 characters", s)
	}
	return namespace, key, nil
}

// Counts returns how many tags were created and how many orders were already
// tagged.
func (t *Tagger) Counts() (created, already int64) { return t.created.Load(), t.already.Load() }

// TagOrder tags one order. It reports whether it created the metafield
// (false: the order was already tagged). A POST whose outcome is unknown is
// sent again: if the first one was applied, the second gets 409.
func (t *Tagger) TagOrder(ctx context.Context, id int) (bool, error) {
	req := &bigcommerce.MetafieldCreateRequest{
		Namespace: t.Namespace, Key: t.Key, Value: t.Value, PermissionSet: "app_only",
		Description: "set by bigc sync when the order was exported",
	}
	owner := bigcommerce.MetafieldOwner{Type: bigcommerce.MetafieldOwnerOrder, ID: id}
	var err error
	for range 5 {
		_, _, err = t.Client.Metafields.Create(ctx, owner, req)
		switch {
		case err == nil:
			t.created.Add(1)
			return true, nil
		case errors.Is(err, bigcommerce.ErrConflict):
			t.already.Add(1)
			return false, nil
		case errors.Is(err, bigcommerce.ErrOutcomeUnknown):
			continue
		}
		break
	}
	return false, fmt.Errorf("syncer: tagging order %d: %w", id, err)
}

// AfterWrite tags every order of a written batch; it is a Job.AfterWrite.
func (t *Tagger) AfterWrite(ctx context.Context, items []*Item) error {
	workers := t.Workers
	if workers <= 0 {
		workers = 8
	}
	return forEachItem(ctx, items, make(chan struct{}, workers), func(it *Item) error {
		_, err := t.TagOrder(ctx, int(it.ID))
		return err
	})
}

// NewSource returns the Source of a stream: orders, products or customers.
// filter applies to orders only.
func NewSource(stream string, c *bigcommerce.Client, filter OrderFilter) (Source, error) {
	switch stream {
	case StreamOrders:
		return &OrderSource{Client: c, Filter: filter}, nil
	case StreamProducts:
		return &ProductSource{Client: c}, nil
	case StreamCustomers:
		return &CustomerSource{Client: c}, nil
	}
	return nil, fmt.Errorf("stream %q: want orders, products or customers", stream)
}
