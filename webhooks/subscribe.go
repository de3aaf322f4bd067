package webhooks

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"maps"
	"slices"
	"time"

	"github.com/bigc-dev/bigc/bigcommerce"
)

// HookService is what Subscriptions needs of the client's hooks API;
// *bigcommerce.WebhooksService (client.Webhooks) is one.
type HookService interface {
	All(ctx context.Context, opts *bigcommerce.HookListOptions) iter.Seq2[*bigcommerce.Hook, error]
	Create(ctx context.Context, r *bigcommerce.HookCreateRequest) (*bigcommerce.Hook, *bigcommerce.Response, error)
	Update(ctx context.Context, id int, r *bigcommerce.HookUpdateRequest) (*bigcommerce.Hook, *bigcommerce.Response, error)
	Delete(ctx context.Context, id int) (*bigcommerce.Hook, *bigcommerce.Response, error)
}

// Subscriptions manages one connection's hooks and keeps their secrets.
type Subscriptions struct {
	Hooks      HookService // client.Webhooks
	Secrets    SecretStore
	Connection string
}

// Subscription is a hook as bigc shows it. It never holds the secret.
type Subscription struct {
	ID          int    `json:"id"`
	Scope       string `json:"scope"`
	Destination string `json:"destination"`
	IsActive    bool   `json:"is_active"`
	// HasSecret reports whether bigc keeps this hook's secret, i.e. whether
	// `bigc webhooks listen` can authenticate its callbacks.
	HasSecret bool      `json:"has_secret"`
	Reused    bool      `json:"reused,omitempty"` // Subscribe found the hook already there
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func subscriptionOf(h *bigcommerce.Hook, hasSecret bool) *Subscription {
	return &Subscription{ID: h.ID, Scope: h.Scope, Destination: h.Destination, IsActive: h.IsActive,
		HasSecret: hasSecret, CreatedAt: h.CreatedAt.Time, UpdatedAt: h.UpdatedAt.Time}
}

// find returns the hook with exactly this scope and destination, or nil:
// BigCommerce allows only one per API account, scope and destination.
func (s *Subscriptions) find(ctx context.Context, scope, destination string) (*bigcommerce.Hook, error) {
	for h, err := range s.Hooks.All(ctx, &bigcommerce.HookListOptions{Scope: scope, Destination: destination}) {
		if err != nil {
			return nil, err
		}
		if h.Scope == scope && h.Destination == destination {
			return h, nil
		}
	}
	return nil, nil
}

// Subscribe makes sure an active hook delivers scope to destination with a
// secret bigc keeps. An existing hook for the same scope and destination is
// reused with its secret (and turned back on if BigCommerce deactivated it);
// otherwise a hook is created (POST /v3/hooks) with a new 32-byte secret in
// its SecretHeader header. The secret is saved before Subscribe returns.
func (s *Subscriptions) Subscribe(ctx context.Context, scope, destination string) (*Subscription, error) {
	if scope == "" {
		return nil, fmt.Errorf("%w: scope is required, e.g. store/order/created", bigcommerce.ErrBadRequest)
	}
	if destination == "" {
		return nil, fmt.Errorf("%w: destination is required: the https URL the receiver is reachable at", bigcommerce.ErrBadRequest)
	}
	kept, err := s.Secrets.Load(s.Connection)
	if err != nil {
		return nil, err
	}
	h, err := s.find(ctx, scope, destination)
	if err != nil {
		return nil, err
	}
	if h == nil {
		secret, err := NewSecret()
		if err != nil {
			return nil, err
		}
		h, _, err = s.Hooks.Create(ctx, &bigcommerce.HookCreateRequest{
			Scope: scope, Destination: destination, IsActive: true,
			Headers: map[string]string{SecretHeader: string(secret)},
		})
		if errors.Is(err, bigcommerce.ErrOutcomeUnknown) || errors.Is(err, bigcommerce.ErrConflict) {
			// The POST may have made the hook (or another subscribe just
			// did): look for it by its natural key instead of posting again,
			// and adopt it, which puts a secret bigc keeps in its header.
			found, ferr := s.find(ctx, scope, destination)
			if ferr != nil || found == nil {
				return nil, err
			}
			return s.adopt(ctx, kept, found)
		}
		if err != nil {
			return nil, err
		}
		if err := s.keep(kept, HookSecret{HookID: h.ID, Scope: scope, Destination: destination, Secret: secret}); err != nil {
			return nil, err
		}
		return subscriptionOf(h, true), nil
	}
	return s.adopt(ctx, kept, h)
}

// adopt brings an existing hook in line: the secret bigc keeps for it (a new
// one if none) in its header, and active.
func (s *Subscriptions) adopt(ctx context.Context, kept []HookSecret, h *bigcommerce.Hook) (*Subscription, error) {
	var secret Secret
	for _, k := range kept {
		if k.HookID == h.ID {
			secret = k.Secret
		}
	}
	if secret == "" {
		var err error
		if secret, err = NewSecret(); err != nil {
			return nil, err
		}
	}
	if h.Headers[SecretHeader] != string(secret) || !h.IsActive {
		headers := maps.Clone(h.Headers)
		if headers == nil {
			headers = map[string]string{}
		}
		headers[SecretHeader] = string(secret)
		updated, _, err := s.Hooks.Update(ctx, h.ID, &bigcommerce.HookUpdateRequest{
			IsActive: bigcommerce.Ptr(true), Headers: headers,
		})
		if err != nil {
			return nil, err
		}
		h = updated
	}
	if err := s.keep(kept, HookSecret{HookID: h.ID, Scope: h.Scope, Destination: h.Destination, Secret: secret}); err != nil {
		return nil, err
	}
	sub := subscriptionOf(h, true)
	sub.Reused = true
	return sub, nil
}

func (s *Subscriptions) keep(kept []HookSecret, hs HookSecret) error {
	kept = slices.DeleteFunc(slices.Clone(kept), func(k HookSecret) bool { return k.HookID == hs.HookID })
	return s.Secrets.Save(s.Connection, append(kept, hs))
}

// List returns the connection's hooks (GET /v3/hooks), without secrets.
func (s *Subscriptions) List(ctx context.Context) ([]*Subscription, error) {
	kept, err := s.Secrets.Load(s.Connection)
	if err != nil {
		return nil, err
	}
	have := map[int]bool{}
	for _, k := range kept {
		have[k.HookID] = k.Secret != ""
	}
	out := []*Subscription{}
	for h, err := range s.Hooks.All(ctx, nil) {
		if err != nil {
			return nil, err
		}
		out = append(out, subscriptionOf(h, have[h.ID]))
	}
	return out, nil
}

// Delete deletes a hook (DELETE /v3/hooks/{id}) and forgets its secret. A hook
// already gone is forgotten too, and reported as not found.
func (s *Subscriptions) Delete(ctx context.Context, id int) (*Subscription, error) {
	h, _, err := s.Hooks.Delete(ctx, id)
	if err != nil && !errors.Is(err, bigcommerce.ErrNotFound) {
		return nil, err
	}
	kept, lerr := s.Secrets.Load(s.Connection)
	if lerr != nil {
		return nil, lerr
	}
	if n := len(kept); n > 0 {
		kept = slices.DeleteFunc(kept, func(k HookSecret) bool { return k.HookID == id })
		if len(kept) != n {
			if serr := s.Secrets.Save(s.Connection, kept); serr != nil {
				return nil, serr
			}
		}
	}
	if err != nil {
		return nil, err
	}
	return subscriptionOf(h, false), nil
}

// Reactivate turns a hook BigCommerce deactivated (after its retries ran out,
// or 90 idle days) back on: PUT /v3/hooks/{id} {"is_active": true}.
func (s *Subscriptions) Reactivate(ctx context.Context, id int) (*Subscription, error) {
	h, _, err := s.Hooks.Update(ctx, id, &bigcommerce.HookUpdateRequest{IsActive: bigcommerce.Ptr(true)})
	if err != nil {
		return nil, err
	}
	kept, err := s.Secrets.Load(s.Connection)
	if err != nil {
		return nil, err
	}
	has := false
	for _, k := range kept {
		has = has || (k.HookID == h.ID && k.Secret != "")
	}
	return subscriptionOf(h, has), nil
}
