package bigcommerce

import (
	"context"
	"iter"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// WebhooksService handles webhook subscriptions (V3 /hooks). A hook is visible
// only to the API account that created it.
type WebhooksService struct{ c *Client }

// Hook is a webhook subscription. CreatedAt and UpdatedAt arrive as Unix seconds.
type Hook struct {
	ID          int               `json:"id"`
	ClientID    string            `json:"client_id"`
	StoreHash   string            `json:"store_hash"`
	Scope       string            `json:"scope"`
	Destination string            `json:"destination"`
	IsActive    bool              `json:"is_active"`
	Headers     map[string]string `json:"headers"`
	CreatedAt   Time              `json:"created_at"`
	UpdatedAt   Time              `json:"updated_at"`
}

// HookListOptions filters GET /v3/hooks.
type HookListOptions struct {
	IsActive    *bool
	Scope       string
	Destination string
	Page        int
	Limit       int
}

func (o *HookListOptions) values() (url.Values, error) {
	q := listQuery(o.Page, o.Limit)
	q.boolPtr("is_active", o.IsActive)
	q.str("scope", o.Scope)
	q.str("destination", o.Destination)
	return q.encode()
}

func (o *HookListOptions) atPage(p pageRequest) { o.Page, o.Limit = p.Page, p.Limit }

// List lists one page of hooks: GET /v3/hooks.
func (s *WebhooksService) List(ctx context.Context, opts *HookListOptions) ([]*Hook, *Response, error) {
	return v3List[*Hook](ctx, s.c, "/hooks", opts)
}

// All iterates over every hook matching opts: GET /v3/hooks.
func (s *WebhooksService) All(ctx context.Context, opts *HookListOptions) iter.Seq2[*Hook, error] {
	return allPages(ctx, pagingV3Offset, opts, s.List)
}

// Get fetches one hook: GET /v3/hooks/{id}.
func (s *WebhooksService) Get(ctx context.Context, id int) (*Hook, *Response, error) {
	if err := checkID("hook_id", id); err != nil {
		return nil, nil, err
	}
	return v3Get[*Hook](ctx, s.c, "/hooks/"+itoa(id), nil)
}

// HookCreateRequest subscribes to a scope such as "store/order/created".
// Destination must be an https URL; BigCommerce delivers only to port 443.
type HookCreateRequest struct {
	Scope       string            `json:"scope"`
	Destination string            `json:"destination"`
	IsActive    bool              `json:"is_active"`
	Headers     map[string]string `json:"headers,omitempty"`
}

func checkHookScope(scope string) error {
	if scope == "" {
		return invalid("scope", "is required, e.g. store/order/created")
	}
	if !strings.HasPrefix(scope, "store/") {
		return invalid("scope", "%q does not start with store/ (e.g. store/order/created)", scope)
	}
	return nil
}

// checkHookDestination accepts https URLs, which is all BigCommerce delivers
// to, and plain http to a loopback host, which only a local sandbox can reach.
func checkHookDestination(dest string) error {
	u, err := url.Parse(dest)
	if err != nil || u.Host == "" {
		return invalid("destination", "%q is not an https URL", dest)
	}
	switch {
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && isLoopbackHost(u.Hostname()):
		return nil
	}
	return invalid("destination", "%q is not an https URL (plain http is accepted only for a loopback host)", dest)
}

func isLoopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Create subscribes a hook: POST /v3/hooks.
func (s *WebhooksService) Create(ctx context.Context, r *HookCreateRequest) (*Hook, *Response, error) {
	if r == nil {
		return nil, nil, invalid("hook", "a request body is required")
	}
	if err := checkHookScope(r.Scope); err != nil {
		return nil, nil, err
	}
	if err := checkHookDestination(r.Destination); err != nil {
		return nil, nil, err
	}
	return v3Data[*Hook](ctx, s.c, http.MethodPost, "/hooks", nil, r)
}

// HookUpdateRequest changes a hook; only non-nil fields are sent, and at
// least one is required.
type HookUpdateRequest struct {
	Scope       *string           `json:"scope,omitempty"`
	Destination *string           `json:"destination,omitempty"`
	IsActive    *bool             `json:"is_active,omitempty"`
	Headers     map[string]string `json:"headers,omitempty"`
}

// Update changes a hook, e.g. re-activates it: PUT /v3/hooks/{id}.
func (s *WebhooksService) Update(ctx context.Context, id int, r *HookUpdateRequest) (*Hook, *Response, error) {
	if err := checkID("hook_id", id); err != nil {
		return nil, nil, err
	}
	if r == nil || (r.Scope == nil && r.Destination == nil && r.IsActive == nil && r.Headers == nil) {
		return nil, nil, invalid("hook", "at least one of scope, destination, is_active, headers is required")
	}
	if r.Scope != nil {
		if err := checkHookScope(*r.Scope); err != nil {
			return nil, nil, err
		}
	}
	if r.Destination != nil {
		if err := checkHookDestination(*r.Destination); err != nil {
			return nil, nil, err
		}
	}
	return v3Data[*Hook](ctx, s.c, http.MethodPut, "/hooks/"+itoa(id), nil, r)
}

// Delete deletes a hook and returns it as it was: DELETE /v3/hooks/{id}.
func (s *WebhooksService) Delete(ctx context.Context, id int) (*Hook, *Response, error) {
	if err := checkID("hook_id", id); err != nil {
		return nil, nil, err
	}
	return v3Data[*Hook](ctx, s.c, http.MethodDelete, "/hooks/"+itoa(id), nil, nil)
}
