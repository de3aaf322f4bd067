package sandbox

import (
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
)

// hookBook holds the V3 webhook subscriptions.
type hookBook struct {
	hooks map[int]*hook
	ids   []int
}

func newHookBook() hookBook { return hookBook{hooks: map[int]*hook{}} }

type hook struct {
	ID          int               `json:"id"`
	ClientID    string            `json:"client_id"`
	StoreHash   string            `json:"store_hash"`
	Scope       string            `json:"scope"`
	Destination string            `json:"destination"`
	IsActive    bool              `json:"is_active"`
	Headers     map[string]string `json:"headers"`
	CreatedAt   int64             `json:"created_at"`
	UpdatedAt   int64             `json:"updated_at"`
}

// maxHooksPerScope is BigCommerce's limit per store, client and scope.
const maxHooksPerScope = 10

// matches reports whether the hook's scope (possibly a wildcard such as
// store/order/*) covers the event scope.
func (h *hook) matches(scope string) bool {
	if prefix, ok := strings.CutSuffix(h.Scope, "*"); ok {
		return strings.HasPrefix(scope, prefix)
	}
	return h.Scope == scope
}

// listHooks serves GET /v3/hooks (is_active, scope, destination filters).
func (s *Store) listHooks(c *call) {
	active, activeSet, err := c.boolParam("is_active")
	if err != nil {
		c.badFilter(err)
		return
	}
	scope, dest := c.q.Get("scope"), c.q.Get("destination")
	var out []*hook
	for _, id := range s.hks.ids {
		h := s.hks.hooks[id]
		if (!activeSet || h.IsActive == active) && (scope == "" || h.Scope == scope) && (dest == "" || h.Destination == dest) {
			out = append(out, h)
		}
	}
	v3List(c, out)
}

func (c *call) hookOr404() *hook {
	h := c.s.hks.hooks[c.id(0)]
	if h == nil {
		c.notFound()
	}
	return h
}

func (s *Store) getHook(c *call) {
	if h := c.hookOr404(); h != nil {
		c.v3Data(200, h)
	}
}

type hookInput struct {
	Scope       *string            `json:"scope"`
	Destination *string            `json:"destination"`
	IsActive    *bool              `json:"is_active"`
	Headers     *map[string]string `json:"headers"`
}

// checkDestination accepts what BigCommerce delivers to, https on port 443,
// and, because this is a sandbox, plain http to a loopback address.
func checkDestination(dest string) string {
	u, err := url.Parse(dest)
	if err != nil || u.Host == "" {
		return "The field 'destination' must be an absolute URL."
	}
	switch u.Scheme {
	case "https":
		if p := u.Port(); p != "" && p != "443" {
			return "The field 'destination' must use port 443; custom ports are not supported."
		}
		return ""
	case "http":
		if ip := net.ParseIP(u.Hostname()); u.Hostname() == "localhost" || ip != nil && ip.IsLoopback() {
			return ""
		}
	}
	return "The field 'destination' must be an https URL (the sandbox also allows http to a loopback address)."
}

func checkScope(scope string) string {
	if !strings.HasPrefix(scope, "store/") || len(scope) <= len("store/") {
		return "The field 'scope' must be an event scope such as store/order/created or store/order/*."
	}
	return ""
}

// checkHook applies BigCommerce's hook rules. self is the hook being
// updated (0 on create).
func (s *Store) checkHook(scope, dest string, self int) error {
	errs := map[string]string{}
	if m := checkScope(scope); m != "" {
		errs["scope"] = m
	}
	if m := checkDestination(dest); m != "" {
		errs["destination"] = m
	}
	if len(errs) > 0 {
		return &validationError{"JSON data is missing or invalid", errs}
	}
	sameScope := 0
	for _, h := range s.hks.hooks {
		if h.ID == self || h.Scope != scope {
			continue
		}
		if h.Destination == dest {
			// The spec lists no 409 for hooks: a duplicate is invalid data (422).
			return &validationError{"A hook with this scope and destination already exists", map[string]string{
				"destination": fmt.Sprintf("Hook %d already sends %s to this destination.", h.ID, scope)}}
		}
		sameScope++
	}
	if sameScope >= maxHooksPerScope {
		return &validationError{"Too many hooks", map[string]string{"scope": fmt.Sprintf("At most %d hooks may share a scope.", maxHooksPerScope)}}
	}
	return nil
}

// createHook serves POST /v3/hooks (200): scope and destination are
// required; one hook per scope and destination (422 for a second one).
func (s *Store) createHook(c *call) {
	var in hookInput
	if !c.decode(&in) {
		return
	}
	errs := map[string]string{}
	if in.Scope == nil {
		errs["scope"] = "error.path.missing."
	}
	if in.Destination == nil {
		errs["destination"] = "error.path.missing."
	}
	if len(errs) > 0 {
		c.invalid("JSON data is missing or invalid", errs)
		return
	}
	if !c.writeErr(s.checkHook(*in.Scope, *in.Destination, 0)) {
		return
	}
	now := c.now.Unix()
	s.ids.hook++
	h := &hook{ID: s.ids.hook, ClientID: sandboxClientID, StoreHash: s.hash, Scope: *in.Scope, Destination: *in.Destination,
		IsActive: true, Headers: map[string]string{}, CreatedAt: now, UpdatedAt: now}
	setIf(&h.IsActive, in.IsActive)
	setIf(&h.Headers, in.Headers)
	s.hks.hooks[h.ID] = h
	s.hks.ids = append(s.hks.ids, h.ID)
	c.v3Data(200, h)
}

// updateHook serves PUT /v3/hooks/{id}; is_active true turns a deactivated
// hook back on.
func (s *Store) updateHook(c *call) {
	h := c.hookOr404()
	var in hookInput
	if h == nil || !c.decode(&in) {
		return
	}
	if in.Scope == nil && in.Destination == nil && in.IsActive == nil && in.Headers == nil {
		c.invalid("JSON data is missing or invalid", map[string]string{"body": "Give at least one of scope, destination, is_active, headers."})
		return
	}
	scope, dest := h.Scope, h.Destination
	setIf(&scope, in.Scope)
	setIf(&dest, in.Destination)
	if !c.writeErr(s.checkHook(scope, dest, h.ID)) {
		return
	}
	h.Scope, h.Destination = scope, dest
	setIf(&h.IsActive, in.IsActive)
	setIf(&h.Headers, in.Headers)
	h.UpdatedAt = c.now.Unix()
	c.v3Data(200, h)
}

// deleteHook serves DELETE /v3/hooks/{id}: 200 with the deleted hook.
func (s *Store) deleteHook(c *call) {
	h := c.hookOr404()
	if h == nil {
		return
	}
	delete(s.hks.hooks, h.ID)
	s.hks.ids = slices.DeleteFunc(s.hks.ids, func(id int) bool { return id == h.ID })
	c.v3Data(200, h)
}
