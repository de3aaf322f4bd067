package sandbox

import (
	"fmt"
	"slices"
)

// resourceKind is what a metafield hangs off.
type resourceKind int

const (
	kindProduct resourceKind = iota
	kindOrder
	kindCustomer
	kindVariant
	kindBrand
	kindCategory
)

func (k resourceKind) String() string {
	return [...]string{"product", "order", "customer", "variant", "brand", "category"}[k]
}

type resKey struct {
	kind resourceKind
	id   int
}

// metafieldBook holds metafields per resource, in creation order.
type metafieldBook struct {
	byResource map[resKey][]*metafield
}

func newMetafieldBook() metafieldBook { return metafieldBook{byResource: map[resKey][]*metafield{}} }

type metafield struct {
	ID            int     `json:"id"`
	Key           string  `json:"key"`
	Value         string  `json:"value"`
	Namespace     string  `json:"namespace"`
	PermissionSet string  `json:"permission_set"`
	ResourceType  string  `json:"resource_type"`
	ResourceID    int     `json:"resource_id"`
	Description   string  `json:"description"`
	DateCreated   isoTime `json:"date_created"`
	DateModified  isoTime `json:"date_modified"`
	OwnerClientID string  `json:"owner_client_id"`
}

// sandboxClientID is the client id every sandbox token belongs to.
const sandboxClientID = "sandboxclient"

func (b *metafieldBook) dropResource(kind resourceKind, id int) {
	delete(b.byResource, resKey{kind, id})
}

// resourceExists reports whether the metafield's owner exists.
func (s *Store) resourceExists(kind resourceKind, id int) bool {
	switch kind {
	case kindProduct:
		return s.cat.products[id] != nil
	case kindOrder:
		return s.ord.get(id) != nil
	case kindVariant:
		return s.cat.variants[id] != nil
	case kindBrand:
		return s.cat.brands[id] != nil
	case kindCategory:
		return s.cat.categories[id] != nil
	}
	return s.crm.customers[id] != nil
}

// metafieldOwner finds the path's resource or answers 404. A variant's
// path names its product first, and the variant must belong to it.
func (c *call) metafieldOwner(kind resourceKind) (resKey, bool) {
	k := resKey{kind, c.id(0)}
	if kind == kindVariant {
		k.id = c.id(1)
		if v := c.s.cat.variants[k.id]; v == nil || v.ProductID != c.id(0) {
			c.notFound()
			return k, false
		}
	}
	if !c.s.resourceExists(kind, k.id) {
		c.notFound()
		return k, false
	}
	return k, true
}

// metafieldID is the path's last id, the metafield's.
func (c *call) metafieldID() int { return c.ids[len(c.ids)-1] }

// listMetafields serves GET /v3/{resource}/{id}/metafields (cursor paged;
// key, key:in, namespace, namespace:in filters).
func (s *Store) listMetafields(kind resourceKind) handlerFunc {
	return func(c *call) {
		k, ok := c.metafieldOwner(kind)
		if !ok {
			return
		}
		keys, spaces := c.v3Str("key"), c.v3Str("namespace")
		var out []*metafield
		for _, m := range s.meta.byResource[k] {
			if keys.match(m.Key) && spaces.match(m.Namespace) {
				out = append(out, m)
			}
		}
		cursorList(c, out, func(m *metafield) int { return m.ID }, func(ms []*metafield) any { return nonNil(ms) })
	}
}

func (c *call) metafieldOr404(kind resourceKind) (resKey, *metafield) {
	k, ok := c.metafieldOwner(kind)
	if !ok {
		return k, nil
	}
	for _, m := range c.s.meta.byResource[k] {
		if m.ID == c.metafieldID() {
			return k, m
		}
	}
	c.notFound()
	return k, nil
}

func (s *Store) getMetafield(kind resourceKind) handlerFunc {
	return func(c *call) {
		if _, m := c.metafieldOr404(kind); m != nil {
			c.v3Data(200, m)
		}
	}
}

type metafieldInput struct {
	Key           *string `json:"key"`
	Value         *string `json:"value"`
	Namespace     *string `json:"namespace"`
	PermissionSet *string `json:"permission_set"`
	Description   *string `json:"description"`
}

var permissionSets = []string{"app_only", "read", "write", "read_and_sf_access", "write_and_sf_access"}

// checkMetafield applies the field rules; create requires every field.
func checkMetafield(in *metafieldInput, create bool) map[string]string {
	errs := map[string]string{}
	for _, f := range []struct {
		name string
		v    *string
		max  int
	}{{"namespace", in.Namespace, 64}, {"key", in.Key, 64}, {"value", in.Value, 65535}} {
		if create && f.v == nil || f.v != nil && (len(*f.v) < 1 || len(*f.v) > f.max) {
			errs[f.name] = fmt.Sprintf("The field '%s' must be between 1 and %d characters.", f.name, f.max)
		}
	}
	if create && in.PermissionSet == nil || in.PermissionSet != nil && !slices.Contains(permissionSets, *in.PermissionSet) {
		errs["permission_set"] = "The field 'permission_set' must be one of: app_only, read, write, read_and_sf_access, write_and_sf_access."
	}
	if in.Description != nil && len(*in.Description) > 255 {
		errs["description"] = "The field 'description' must be at most 255 characters."
	}
	return errs
}

// duplicateMetafield finds another metafield of k with the same namespace and key.
func (b *metafieldBook) duplicate(k resKey, namespace, key string, self int) *metafield {
	for _, m := range b.byResource[k] {
		if m.ID != self && m.Namespace == namespace && m.Key == key {
			return m
		}
	}
	return nil
}

// createMetafield serves POST /v3/{resource}/{id}/metafields: 409 when the
// namespace and key are taken on that resource.
func (s *Store) createMetafield(kind resourceKind) handlerFunc {
	return func(c *call) {
		k, ok := c.metafieldOwner(kind)
		var in metafieldInput
		if !ok || !c.decode(&in) {
			return
		}
		m, err := s.addMetafield(k, &in)
		if c.writeErr(err) {
			c.v3Data(200, m)
		}
	}
}

func (s *Store) addMetafield(k resKey, in *metafieldInput) (*metafield, error) {
	if errs := checkMetafield(in, true); len(errs) > 0 {
		return nil, &validationError{"Missing or invalid metafield fields", errs}
	}
	if d := s.meta.duplicate(k, *in.Namespace, *in.Key, 0); d != nil {
		return nil, &conflictError{"Metafield already exists", "key",
			fmt.Sprintf("A metafield with namespace %q and key %q already exists on this %s (id %d).", *in.Namespace, *in.Key, k.kind, d.ID)}
	}
	if len(s.meta.byResource[k]) >= 250 {
		return nil, &validationError{"Too many metafields", map[string]string{"key": "A resource holds at most 250 metafields per client."}}
	}
	now := isoTime(s.now().Unix())
	s.ids.metafield++
	m := &metafield{ID: s.ids.metafield, ResourceType: k.kind.String(), ResourceID: k.id, OwnerClientID: sandboxClientID,
		DateCreated: now, DateModified: now}
	applyMetafield(m, in)
	s.meta.byResource[k] = append(s.meta.byResource[k], m)
	s.emitMetafield("created", k, m.ID)
	return m, nil
}

func applyMetafield(m *metafield, in *metafieldInput) {
	setIf(&m.Key, in.Key)
	setIf(&m.Value, in.Value)
	setIf(&m.Namespace, in.Namespace)
	setIf(&m.PermissionSet, in.PermissionSet)
	setIf(&m.Description, in.Description)
}

// updateMetafield serves PUT /v3/{resource}/{id}/metafields/{id}.
func (s *Store) updateMetafield(kind resourceKind) handlerFunc {
	return func(c *call) {
		k, m := c.metafieldOr404(kind)
		var in metafieldInput
		if m == nil || !c.decode(&in) {
			return
		}
		if errs := checkMetafield(&in, false); len(errs) > 0 {
			c.invalid("Invalid metafield fields", errs)
			return
		}
		ns, key := m.Namespace, m.Key
		setIf(&ns, in.Namespace)
		setIf(&key, in.Key)
		if d := s.meta.duplicate(k, ns, key, m.ID); d != nil {
			c.conflict("Metafield already exists", map[string]string{"key": fmt.Sprintf("Metafield %d already has namespace %q and key %q.", d.ID, ns, key)})
			return
		}
		applyMetafield(m, &in)
		m.DateModified = isoTime(c.now.Unix())
		s.emitMetafield("updated", k, m.ID)
		c.v3Data(200, m)
	}
}

// deleteMetafield serves DELETE /v3/{resource}/{id}/metafields/{id} (204).
func (s *Store) deleteMetafield(kind resourceKind) handlerFunc {
	return func(c *call) {
		k, m := c.metafieldOr404(kind)
		if m == nil {
			return
		}
		s.meta.byResource[k] = slices.DeleteFunc(s.meta.byResource[k], func(x *metafield) bool { return x == m })
		s.emitMetafield("deleted", k, m.ID)
		c.noContent()
	}
}
