package syncer

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/bigc-dev/bigc/bigcommerce"
)

// Tagger marks synced orders with a metafield (POST
// /v3/orders/{id}/metafields), idempotently: it reads the order's metafield
// first and writes only when it is missing, and the API refuses a second
// metafield with the same namespace and key on an order (409), which also
// means "already tagged".
type Tagger struct {
	Client    *bigcommerce.Client
	Namespace string
	Key       string
	// Value is the metafield's value, e.g. the time of the first sync.
	Value string
	// Workers bounds tags created at once (default 8).
	Workers int
	// RetryBase is the first wait after a failed attempt (default 500 ms,
	// doubling up to 30 s, as the client waits between requests).
	RetryBase time.Duration
	// RetryNotify, when set, hears of every retry of a tag.
	RetryNotify func(bigcommerce.RetryEvent)

	created, already atomic.Int64
}

// ErrTagging marks a failure to tag an order: the records are written, and
// running the sync again tags what is left without writing a record twice.
var ErrTagging = errors.New("tagging an exported order failed")

// tagAttempts bounds the attempts (a read, then a write if needed) to tag one
// order. Each attempt is safe to repeat, so the bound is generous: a store
// answering half its requests with a 5xx still tags hundreds of orders with
// odds of a failure far below one in a thousand.
const tagAttempts = 20

// ErrTagForm is ParseTag's error: what a tag must look like. The caller
// says where the tag came from.
var ErrTagForm = errors.New("want NAMESPACE/KEY, each 1 to 64 characters")

// ParseTag reads a tag NAMESPACE/KEY: the order metafield a sync sets.
func ParseTag(s string) (namespace, key string, err error) {
	namespace, key, ok := strings.Cut(s, "/")
	if !ok || namespace == "" || key == "" || len(namespace) > 64 || len(key) > 64 || strings.Contains(key, "/") {
		return "", "", ErrTagForm
	}
	return namespace, key, nil
}

// Counts returns how many tags were created and how many orders were already
// tagged.
func (t *Tagger) Counts() (created, already int64) { return t.created.Load(), t.already.Load() }

// TagOrder tags one order: GET /v3/orders/{id}/metafields?namespace=&key=,
// then POST /v3/orders/{id}/metafields when the tag is missing. Reading first
// makes an attempt safe to repeat, so a failed one (a 5xx, a lost answer, a
// 429) is retried after a backoff, and a POST whose outcome is unknown is
// settled by reading again. It reports whether it created the metafield.
func (t *Tagger) TagOrder(ctx context.Context, id int) (bool, error) {
	req := &bigcommerce.MetafieldCreateRequest{
		Namespace: t.Namespace, Key: t.Key, Value: t.Value, PermissionSet: "app_only",
		Description: "set by bigc sync when the order was exported",
	}
	owner := bigcommerce.MetafieldOwner{Type: bigcommerce.MetafieldOwnerOrder, ID: id}
	base := t.RetryBase
	if base <= 0 {
		base = 500 * time.Millisecond
	}
	posted := false // a POST of ours may have been applied
	for attempt := 1; ; attempt++ {
		found, err := t.tagged(ctx, owner)
		if err == nil && found {
			// Ours, when an earlier POST of this call was applied unseen.
			t.count(posted)
			return posted, nil
		}
		if err == nil {
			_, _, err = t.Client.Metafields.Create(ctx, owner, req)
			switch {
			case err == nil:
				t.count(true)
				return true, nil
			case errors.Is(err, bigcommerce.ErrConflict):
				t.count(posted)
				return posted, nil
			}
			posted = posted || errors.Is(err, bigcommerce.ErrOutcomeUnknown) || errors.Is(err, bigcommerce.ErrUpstream)
		}
		if !retryableTagError(err) || attempt >= tagAttempts || ctx.Err() != nil {
			return false, fmt.Errorf("syncer: %w: order %d: %w", ErrTagging, id, err)
		}
		wait := bigcommerce.Backoff(base, attempt, 30*time.Second)
		if t.RetryNotify != nil {
			ev := bigcommerce.RetryEvent{Method: "tag", Path: fmt.Sprintf("order %d", id), Attempt: attempt,
				MaxAttempts: tagAttempts, Wait: wait, Reason: err.Error()}
			var api *bigcommerce.APIError
			if errors.As(err, &api) {
				ev.Method, ev.Path, ev.Status = api.Method, api.Path, api.Status
				if api.Status != 0 {
					ev.Reason = fmt.Sprintf("%d %s", api.Status, http.StatusText(api.Status))
				}
			}
			t.RetryNotify(ev)
		}
		select {
		case <-ctx.Done():
			return false, fmt.Errorf("syncer: %w: order %d: %w", ErrTagging, id, context.Cause(ctx))
		case <-time.After(wait):
		}
	}
}

// tagged reports whether the order already has the tag.
func (t *Tagger) tagged(ctx context.Context, owner bigcommerce.MetafieldOwner) (bool, error) {
	list, _, err := t.Client.Metafields.List(ctx, owner, &bigcommerce.MetafieldListOptions{Namespace: t.Namespace, Key: t.Key})
	if err != nil {
		return false, err
	}
	for _, m := range list {
		if m.Namespace == t.Namespace && m.Key == t.Key {
			return true, nil
		}
	}
	return false, nil
}

func (t *Tagger) count(created bool) {
	if created {
		t.created.Add(1)
	} else {
		t.already.Add(1)
	}
}

// retryableTagError reports failures a later attempt may not meet: the
// store failing (5xx), busy (429) or unreachable, or a write's lost answer.
func retryableTagError(err error) bool {
	return errors.Is(err, bigcommerce.ErrUpstream) || errors.Is(err, bigcommerce.ErrRateLimited) ||
		errors.Is(err, bigcommerce.ErrOutcomeUnknown)
}

// AfterWrite tags every order of a written batch, at most Workers at once;
// it is a Job.AfterWrite.
func (t *Tagger) AfterWrite(ctx context.Context, items []*Item) error {
	workers := t.Workers
	if workers <= 0 {
		workers = 8
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	for _, it := range items {
		g.Go(func() error {
			_, err := t.TagOrder(gctx, int(it.ID))
			return err
		})
	}
	return g.Wait()
}
