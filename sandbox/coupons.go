package sandbox

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// V2 marketing coupons (/v2/coupons: list, create, count; /v2/coupons/{id}:
// get, update, delete). The seed makes the five coupons its orders'
// discounts name (seededCouponCodes: 5.00 off the order total, code by
// coupon id), so that an order's coupon_id and code are those of a
// coupon in /v2/coupons and num_uses counts the orders that used it.

// seededCouponCodes are the codes of seeded coupons 1-5.
var seededCouponCodes = []string{"WELCOME5", "SPRING5", "SUMMER5", "AUTUMN5", "WINTER5"}

// seededCouponCode is the code of seeded coupon id (1-5).
func seededCouponCode(id int) string { return seededCouponCodes[(id-1)%len(seededCouponCodes)] }

// couponTypes are the V2 coupon types; an order coupon reports the index.
var couponTypes = []string{"per_item_discount", "percentage_discount", "per_total_discount", "shipping_discount", "free_shipping", "promotion"}

type coupon struct {
	ID                 int           `json:"id"`
	Name               string        `json:"name"`
	Type               string        `json:"type"`
	Amount             string        `json:"amount"`
	MinPurchase        string        `json:"min_purchase"`
	Expires            string        `json:"expires"`
	Enabled            bool          `json:"enabled"`
	Code               string        `json:"code"`
	AppliesTo          couponApplies `json:"applies_to"`
	NumUses            int           `json:"num_uses"`
	MaxUses            int           `json:"max_uses"`
	MaxUsesPerCustomer int           `json:"max_uses_per_customer"`
	RestrictedTo       any           `json:"restricted_to"`
	ShippingMethods    []string      `json:"shipping_methods"`
	DateCreated        string        `json:"date_created"`
}

type couponApplies struct {
	Entity string `json:"entity"`
	IDs    []int  `json:"ids"`
}

func seedCoupons() recordBook[coupon] {
	b := newRecordBook[coupon](1)
	at := v2Date(anchor.AddDate(-1, -1, 0).Unix())
	for _, code := range seededCouponCodes {
		cp := &coupon{Name: "5 off: " + code, Type: "per_total_discount", Amount: decimal(5 * decimalScale).v2(), MinPurchase: decimal(0).v2(),
			Enabled: true, Code: code, AppliesTo: couponApplies{"categories", []int{0}}, RestrictedTo: map[string]any{},
			ShippingMethods: []string{}, DateCreated: at}
		cp.ID = b.add(cp)
	}
	return b
}

// couponUses counts, for every coupon, the orders whose coupons name it.
func (s *Store) couponUses() map[int]int {
	uses := map[int]int{}
	for _, o := range s.ord.orders {
		if o.discount == 0 && (o.extra == nil || len(o.extra.coupons) == 0) {
			continue
		}
		for _, oc := range s.coupons(o) {
			uses[oc.CouponID]++
		}
	}
	return uses
}

func (s *Store) couponViews(list []*coupon) []coupon {
	uses := s.couponUses()
	out := make([]coupon, len(list))
	for i, cp := range list {
		out[i] = *cp
		out[i].NumUses = uses[cp.ID]
	}
	return out
}

// couponFilter is the V2 list's id, min_id, max_id, code, name and type.
func (c *call) couponFilter() (func(*coupon) bool, bool) {
	ids, err := c.v2Num("id", intParser())
	if err != nil {
		c.badFilter(err)
		return nil, false
	}
	code, name, typ := c.q.Get("code"), c.q.Get("name"), c.q.Get("type")
	return func(cp *coupon) bool {
		return ids.match(int64(cp.ID)) && (code == "" || strings.EqualFold(code, cp.Code)) &&
			(name == "" || name == cp.Name) && (typ == "" || typ == cp.Type)
	}, true
}

// listCoupons serves GET /v2/coupons (204 for an empty page).
func (s *Store) listCoupons(c *call) {
	if keep, ok := c.couponFilter(); ok {
		v2Page(c, s.couponViews(s.cpn.list(keep)))
	}
}

// countCoupons serves GET /v2/coupons/count.
func (s *Store) countCoupons(c *call) {
	if keep, ok := c.couponFilter(); ok {
		c.json(http.StatusOK, map[string]int{"count": len(s.cpn.list(keep))})
	}
}

// getCoupon serves GET /v2/coupons/{id}.
func (s *Store) getCoupon(c *call) {
	if cp := recordOr404(c, &s.cpn); cp != nil {
		c.json(http.StatusOK, s.couponViews([]*coupon{cp})[0])
	}
}

type couponInput struct {
	Name               *string        `json:"name"`
	Type               *string        `json:"type"`
	Amount             *Amount        `json:"amount"`
	MinPurchase        *Amount        `json:"min_purchase"`
	Expires            *string        `json:"expires"`
	Enabled            *bool          `json:"enabled"`
	Code               *string        `json:"code"`
	AppliesTo          *couponApplies `json:"applies_to"`
	MaxUses            *int           `json:"max_uses"`
	MaxUsesPerCustomer *int           `json:"max_uses_per_customer"`
}

// checkCoupon validates a create (name, type, amount, code and applies_to
// required) or update body; codes are unique (409).
func (s *Store) checkCoupon(in *couponInput, self int, create bool) error {
	errs := map[string]string{}
	if create {
		for name, ok := range map[string]bool{"name": in.Name != nil, "type": in.Type != nil, "amount": in.Amount != nil,
			"code": in.Code != nil, "applies_to": in.AppliesTo != nil} {
			if !ok {
				errs[name] = requiredV2(name)
			}
		}
	}
	if in.Type != nil && !slices.Contains(couponTypes, *in.Type) {
		errs["type"] = "The field 'type' is invalid: use one of " + strings.Join(couponTypes, ", ") + "."
	}
	for name, a := range map[string]*Amount{"amount": in.Amount, "min_purchase": in.MinPurchase} {
		if d, _, err := parseAmount(a, name); err != nil || d < 0 {
			errs[name] = fmt.Sprintf("The field '%s' is invalid: give a decimal of 0 or more.", name)
		}
	}
	if in.AppliesTo != nil && in.AppliesTo.Entity != "categories" && in.AppliesTo.Entity != "products" {
		errs["applies_to"] = "The field 'applies_to' is invalid: entity is categories or products, with their ids (categories [0] for all)."
	}
	if len(errs) > 0 {
		return &validationError{"Invalid coupon", errs}
	}
	if in.Code != nil {
		for _, cp := range s.cpn.list(func(cp *coupon) bool { return cp.ID != self && strings.EqualFold(cp.Code, *in.Code) }) {
			return &conflictError{"The coupon code is a duplicate", "code", fmt.Sprintf("The code %q is already used by coupon %d.", *in.Code, cp.ID)}
		}
	}
	return nil
}

func applyCoupon(cp *coupon, in *couponInput) {
	setIf(&cp.Name, in.Name)
	setIf(&cp.Type, in.Type)
	setIf(&cp.Expires, in.Expires)
	setIf(&cp.Enabled, in.Enabled)
	setIf(&cp.Code, in.Code)
	setIf(&cp.AppliesTo, in.AppliesTo)
	setIf(&cp.MaxUses, in.MaxUses)
	setIf(&cp.MaxUsesPerCustomer, in.MaxUsesPerCustomer)
	if d, ok, _ := parseAmount(in.Amount, "amount"); ok {
		cp.Amount = d.v2()
	}
	if d, ok, _ := parseAmount(in.MinPurchase, "min_purchase"); ok {
		cp.MinPurchase = d.v2()
	}
}

// createCoupon serves POST /v2/coupons (201).
func (s *Store) createCoupon(c *call) {
	var in couponInput
	if !c.decode(&in) || !c.writeErr(s.checkCoupon(&in, 0, true)) {
		return
	}
	cp := &coupon{Enabled: true, MinPurchase: decimal(0).v2(), RestrictedTo: map[string]any{}, ShippingMethods: []string{}, DateCreated: v2Date(c.now.Unix())}
	applyCoupon(cp, &in)
	cp.ID = s.cpn.add(cp)
	c.json(http.StatusCreated, s.couponViews([]*coupon{cp})[0])
}

// updateCoupon serves PUT /v2/coupons/{id}.
func (s *Store) updateCoupon(c *call) {
	cp := recordOr404(c, &s.cpn)
	var in couponInput
	if cp == nil || !c.decode(&in) || !c.writeErr(s.checkCoupon(&in, cp.ID, false)) {
		return
	}
	applyCoupon(cp, &in)
	c.json(http.StatusOK, s.couponViews([]*coupon{cp})[0])
}

// deleteCoupon serves DELETE /v2/coupons/{id} (204); orders keep the
// coupon lines they were placed with.
func (s *Store) deleteCoupon(c *call) {
	if cp := recordOr404(c, &s.cpn); cp != nil {
		s.cpn.remove(cp.ID)
		c.noContent()
	}
}
