package sandbox

import (
	"fmt"
	"testing"
)

type couponJSON struct {
	ID      int    `json:"id"`
	Code    string `json:"code"`
	Type    string `json:"type"`
	Amount  string `json:"amount"`
	NumUses int    `json:"num_uses"`
}

// Seeded orders' coupons are coupons of /v2/coupons, and num_uses counts them.
func TestCouponsMatchSeededOrders(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Orders: 300, Customers: 5, Products: 5})
	coupons := must[[]couponJSON](t, c.get("/v2/coupons"), 200)
	byID := map[int]couponJSON{}
	for _, cp := range coupons {
		byID[cp.ID] = cp
	}
	uses := map[int]int{}
	for _, o := range must[[]struct {
		ID             int    `json:"id"`
		DiscountAmount string `json:"discount_amount"`
	}](t, c.get("/v2/orders?limit=250"), 200) {
		if o.DiscountAmount == "0.0000" {
			continue
		}
		for _, oc := range must[[]struct {
			CouponID int    `json:"coupon_id"`
			Code     string `json:"code"`
		}](t, c.get(fmt.Sprintf("/v2/orders/%d/coupons", o.ID)), 200) {
			cp, ok := byID[oc.CouponID]
			if !ok || cp.Code != oc.Code {
				t.Errorf("order %d names coupon %d %q; /v2/coupons has %+v", o.ID, oc.CouponID, oc.Code, cp)
			}
			uses[oc.CouponID]++
		}
	}
	if len(uses) == 0 {
		t.Fatal("no seeded order in the first 250 has a coupon")
	}
	more := must[[]struct {
		ID             int    `json:"id"`
		DiscountAmount string `json:"discount_amount"`
	}](t, c.get("/v2/orders?limit=250&page=2"), 200)
	for _, o := range more {
		if o.DiscountAmount != "0.0000" {
			uses[1+o.ID%len(seededCouponCodes)]++
		}
	}
	for id, n := range uses {
		if byID[id].NumUses != n {
			t.Errorf("coupon %d num_uses = %d, orders using it %d", id, byID[id].NumUses, n)
		}
	}
}

func TestCouponWrites(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Orders: 5, Customers: 2, Products: 3})
	if r := c.do("POST", "/v2/coupons", obj{"name": "Ten", "type": "percentage_discount", "amount": "10", "code": "WELCOME5", "applies_to": obj{"entity": "categories", "ids": []int{0}}}); r.status != 409 {
		t.Errorf("duplicate code = %d, want 409", r.status)
	}
	e := must[v2Err](t, c.do("POST", "/v2/coupons", obj{"name": "Ten", "type": "half_off"}), 400)
	if len(e) < 2 {
		t.Errorf("bad coupon errors = %+v, want one per field", e)
	}
	made := must[couponJSON](t, c.do("POST", "/v2/coupons", obj{"name": "Ten", "type": "percentage_discount", "amount": 10, "code": "TEN", "applies_to": obj{"entity": "categories", "ids": []int{0}}}), 201)
	if made.Amount != "10.0000" || made.Type != "percentage_discount" {
		t.Errorf("created = %+v", made)
	}
	if n := must[obj](t, c.get("/v2/coupons/count"), 200)["count"]; n != 6.0 {
		t.Errorf("count = %v, want 6", n)
	}
	if got := must[[]couponJSON](t, c.get("/v2/coupons?code=ten"), 200); len(got) != 1 || got[0].ID != made.ID {
		t.Errorf("code filter = %+v", got)
	}
	if upd := must[couponJSON](t, c.do("PUT", fmt.Sprintf("/v2/coupons/%d", made.ID), obj{"amount": "12.5"}), 200); upd.Amount != "12.5000" {
		t.Errorf("updated = %+v", upd)
	}
	if r := c.do("DELETE", fmt.Sprintf("/v2/coupons/%d", made.ID), nil); r.status != 204 {
		t.Errorf("delete = %d", r.status)
	}
	if r := c.get(fmt.Sprintf("/v2/coupons/%d", made.ID)); r.status != 404 {
		t.Errorf("deleted coupon = %d", r.status)
	}
	if r := c.readOnly().do("POST", "/v2/coupons", obj{}); r.status != 403 {
		t.Errorf("read-only = %d, want 403", r.status)
	}
}
