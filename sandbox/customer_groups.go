package sandbox

import (
	"fmt"
	"net/http"
	"strings"
)

// V2 customer groups (/v2/customer_groups: list, create, count;
// /v2/customer_groups/{id}: get, update, delete). The seed makes three
// groups and puts seeded customer n in group n mod 4 (0: no group), so
// customer_group_id on seeded customers names a group that exists.

// seededGroups are the seeded groups, ids 1-3.
var seededGroups = []string{"Retail", "Wholesale", "VIP"}

// seededGroupOf is the group of seeded customer id (0: none).
func seededGroupOf(id int) int { return id % (len(seededGroups) + 1) }

type customerGroup struct {
	ID               int            `json:"id"`
	Name             string         `json:"name"`
	IsDefault        bool           `json:"is_default"`
	IsGroupForGuests bool           `json:"is_group_for_guests"`
	CategoryAccess   map[string]any `json:"category_access"`
	DiscountRules    []groupRule    `json:"discount_rules"`
	DateCreated      string         `json:"date_created"`
	DateModified     string         `json:"date_modified"`
}

type groupRule struct {
	Type   string `json:"type"`
	Method string `json:"method"`
	Amount string `json:"amount"`
}

func seedCustomerGroups() recordBook[customerGroup] {
	b := newRecordBook[customerGroup](1)
	at := v2Date(anchor.AddDate(-2, 0, 0).Unix())
	for i, name := range seededGroups {
		g := &customerGroup{Name: name, CategoryAccess: map[string]any{"type": "all"}, DiscountRules: []groupRule{}, DateCreated: at, DateModified: at}
		if i > 0 {
			g.DiscountRules = []groupRule{{Type: "all", Method: "percent", Amount: decimal(5 * i * decimalScale).v2()}}
		}
		g.ID = b.add(g)
	}
	return b
}

func (c *call) groupFilter() (func(*customerGroup) bool, bool) {
	def, defSet, err := c.boolParam("is_default")
	if err != nil {
		c.badFilter(err)
		return nil, false
	}
	name := c.q.Get("name")
	return func(g *customerGroup) bool {
		return (name == "" || name == g.Name) && (!defSet || def == g.IsDefault)
	}, true
}

// listCustomerGroups serves GET /v2/customer_groups (204 for an empty page).
func (s *Store) listCustomerGroups(c *call) {
	if keep, ok := c.groupFilter(); ok {
		v2Page(c, s.grp.list(keep))
	}
}

// countCustomerGroups serves GET /v2/customer_groups/count.
func (s *Store) countCustomerGroups(c *call) {
	if keep, ok := c.groupFilter(); ok {
		c.json(http.StatusOK, map[string]int{"count": len(s.grp.list(keep))})
	}
}

// getCustomerGroup serves GET /v2/customer_groups/{id}.
func (s *Store) getCustomerGroup(c *call) {
	if g := recordOr404(c, &s.grp); g != nil {
		c.json(http.StatusOK, g)
	}
}

type customerGroupInput struct {
	Name             *string        `json:"name"`
	IsDefault        *bool          `json:"is_default"`
	IsGroupForGuests *bool          `json:"is_group_for_guests"`
	CategoryAccess   map[string]any `json:"category_access"`
	DiscountRules    []groupRule    `json:"discount_rules"`
}

// checkGroup validates a body: name required on create, names unique (409).
func (s *Store) checkGroup(in *customerGroupInput, self int, create bool) error {
	switch {
	case create && in.Name == nil:
		return &validationError{"Invalid customer group", map[string]string{"name": requiredV2("name")}}
	case in.Name != nil && strings.TrimSpace(*in.Name) == "":
		return &validationError{"Invalid customer group", map[string]string{"name": "The field 'name' cannot be empty."}}
	}
	if in.Name != nil {
		for _, g := range s.grp.list(func(g *customerGroup) bool { return g.ID != self && strings.EqualFold(g.Name, *in.Name) }) {
			return &conflictError{"The customer group name is a duplicate", "name", fmt.Sprintf("The name %q is already used by group %d.", *in.Name, g.ID)}
		}
	}
	return nil
}

// applyGroup applies in; a group made the default (or the guests' group)
// takes that role from the others.
func (s *Store) applyGroup(g *customerGroup, in *customerGroupInput) {
	setIf(&g.Name, in.Name)
	setIf(&g.IsDefault, in.IsDefault)
	setIf(&g.IsGroupForGuests, in.IsGroupForGuests)
	if in.CategoryAccess != nil {
		g.CategoryAccess = in.CategoryAccess
	}
	if in.DiscountRules != nil {
		g.DiscountRules = in.DiscountRules
	}
	for _, other := range s.grp.list(func(o *customerGroup) bool { return o != g }) {
		other.IsDefault = other.IsDefault && !g.IsDefault
		other.IsGroupForGuests = other.IsGroupForGuests && !g.IsGroupForGuests
	}
}

// createCustomerGroup serves POST /v2/customer_groups: 200, the only success
// the customers V2 spec lists for it (coupons, by contrast, answer 201).
func (s *Store) createCustomerGroup(c *call) {
	var in customerGroupInput
	if !c.decode(&in) || !c.writeErr(s.checkGroup(&in, 0, true)) {
		return
	}
	now := v2Date(c.now.Unix())
	g := &customerGroup{CategoryAccess: map[string]any{"type": "all"}, DiscountRules: []groupRule{}, DateCreated: now, DateModified: now}
	g.ID = s.grp.add(g)
	s.applyGroup(g, &in)
	c.json(http.StatusOK, g)
}

// updateCustomerGroup serves PUT /v2/customer_groups/{id}.
func (s *Store) updateCustomerGroup(c *call) {
	g := recordOr404(c, &s.grp)
	var in customerGroupInput
	if g == nil || !c.decode(&in) || !c.writeErr(s.checkGroup(&in, g.ID, false)) {
		return
	}
	s.applyGroup(g, &in)
	g.DateModified = v2Date(c.now.Unix())
	c.json(http.StatusOK, g)
}

// deleteCustomerGroup serves DELETE /v2/customer_groups/{id} (204); its
// customers are left in no group.
func (s *Store) deleteCustomerGroup(c *call) {
	g := recordOr404(c, &s.grp)
	if g == nil {
		return
	}
	s.grp.remove(g.ID)
	for _, cu := range s.crm.customers {
		if cu.CustomerGroupID == g.ID {
			cu.CustomerGroupID = 0
		}
	}
	c.noContent()
}
