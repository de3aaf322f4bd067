package sandbox

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// orderQuery is the parsed filter set of GET /v2/orders and /v2/orders/count.
type orderQuery struct {
	id, total, created, modified, status, customer, channel numFilter
	email, paymentMethod, cartID, externalOrderID           string
	deleted                                                 bool
}

func (c *call) orderQuery() (orderQuery, error) {
	var q orderQuery
	var err error
	for _, n := range []struct {
		name string
		dst  *numFilter
		p    parser
	}{
		{"id", &q.id, intParser()}, {"total", &q.total, decimalParser()},
		{"date_created", &q.created, c.dateParser()}, {"date_modified", &q.modified, c.dateParser()},
		{"status_id", &q.status, intParser()}, {"customer_id", &q.customer, intParser()}, {"channel_id", &q.channel, intParser()},
	} {
		if *n.dst, err = c.v2Num(n.name, n.p); err != nil {
			return q, err
		}
	}
	q.email = strings.ToLower(c.q.Get("email"))
	q.paymentMethod = c.q.Get("payment_method")
	q.cartID = c.q.Get("cart_id")
	q.externalOrderID = c.q.Get("external_order_id")
	q.deleted, _, err = c.boolParam("is_deleted")
	return q, err
}

func (q *orderQuery) match(o *order) bool {
	if o == nil || o.deleted != q.deleted {
		return false
	}
	switch {
	case !q.id.match(int64(o.id)), !q.total.match(int64(o.total)), !q.created.match(o.created),
		!q.modified.match(o.modified), !q.status.match(int64(o.status)), !q.customer.match(int64(o.customerID)),
		!q.channel.match(int64(o.channelID)):
		return false
	case q.email != "" && !strings.EqualFold(o.billing.Email, q.email),
		q.paymentMethod != "" && !strings.EqualFold(paymentMethods[o.payment], q.paymentMethod):
		return false
	}
	if q.cartID != "" || q.externalOrderID != "" {
		ex := o.extra
		if ex == nil || q.cartID != "" && ex.cartID != q.cartID || q.externalOrderID != "" && ex.externalOrderID != q.externalOrderID {
			return false
		}
	}
	return true
}

// orderSorts are the sort fields of GET /v2/orders ("field:asc|desc").
var orderSorts = map[string]func(a, b *order) int{
	"id":            func(a, b *order) int { return cmp.Compare(a.id, b.id) },
	"customer_id":   func(a, b *order) int { return cmp.Compare(a.customerID, b.customerID) },
	"date_created":  func(a, b *order) int { return cmp.Compare(a.created, b.created) },
	"date_modified": func(a, b *order) int { return cmp.Compare(a.modified, b.modified) },
	"status_id":     func(a, b *order) int { return cmp.Compare(a.status, b.status) },
	"channel_id":    func(a, b *order) int { return cmp.Compare(a.channelID, b.channelID) },
	"external_id":   func(a, b *order) int { return strings.Compare(extID(a), extID(b)) },
}

func extID(o *order) string {
	if o.extra == nil {
		return ""
	}
	return o.extra.externalID
}

// orderPage selects page pg of the orders q matches, sorted by sortSpec.
// Sorting by id or date_modified walks a sorted index and stops after the
// page, so a deep store answers an incremental-sync page without a scan.
func (s *Store) orderPage(q *orderQuery, sortSpec string, pg page) ([]*order, error) {
	field, dir, _ := strings.Cut(cmp.Or(sortSpec, "id:asc"), ":")
	less, ok := orderSorts[field]
	if !ok || dir != "" && dir != "asc" && dir != "desc" {
		return nil, &filterError{"sort", sortSpec, "field:asc or field:desc with field one of id, customer_id, date_created, date_modified, status_id, channel_id, external_id"}
	}
	desc := dir == "desc"
	if out, ok := s.orderPageFast(q, field, desc, pg); ok {
		return out, nil
	}
	skip, take := pg.offset(), pg.limit
	var out []*order
	visit := func(o *order) bool {
		if !q.match(o) {
			return true
		}
		if skip > 0 {
			skip--
			return true
		}
		out = append(out, o)
		return len(out) < take
	}
	switch {
	case field == "id":
		s.walkByID(q, desc, visit)
	case field == "date_modified" && !q.deleted:
		s.walkByModified(q, desc, visit)
	default:
		all := s.filterOrders(q)
		sortRecords(all, less, func(o *order) int { return o.id }, desc)
		lo, hi := pg.window(len(all))
		out = all[lo:hi]
	}
	return out, nil
}

// orderPageFast answers the commonest queries, a range of ids or of
// date_modified and nothing else, by indexing straight to the page instead
// of walking past the pages before it.
func (s *Store) orderPageFast(q *orderQuery, field string, desc bool, pg page) ([]*order, bool) {
	if !q.onlyRanges() {
		return nil, false
	}
	b := &s.ord
	var ids []int // candidate ids in order, found by index
	switch {
	case field == "id" && !q.modified.active() && b.archived == 0:
		lo, hi := b.span(q.id.lo, q.id.hi)
		for _, i := range pageIndexes(lo, hi, pg, desc) {
			ids = append(ids, b.orders[i].id)
		}
	case field == "date_modified" && !q.id.active():
		lo, _ := slices.BinarySearchFunc(b.byModified.keys, modKey{q.modified.lo, 0}, cmpModKey)
		hi, _ := slices.BinarySearchFunc(b.byModified.keys, modKey{q.modified.hi, int(^uint(0) >> 1)}, cmpModKey)
		for _, i := range pageIndexes(lo, hi, pg, desc) {
			ids = append(ids, b.byModified.keys[i].id)
		}
	default:
		return nil, false
	}
	out := make([]*order, len(ids))
	for i, id := range ids {
		out[i] = b.get(id)
	}
	return out, true
}

// pageIndexes are the indexes of page pg within [lo, hi), walked forwards
// or backwards.
func pageIndexes(lo, hi int, pg page, desc bool) []int {
	var out []int
	n := hi - lo
	for k := pg.offset(); k < min(n, pg.offset()+pg.limit); k++ {
		if desc {
			out = append(out, hi-1-k)
		} else {
			out = append(out, lo+k)
		}
	}
	return out
}

// onlyRanges reports whether q filters on nothing but plain id and
// date_modified ranges of live orders.
func (q *orderQuery) onlyRanges() bool {
	for _, f := range []*numFilter{&q.total, &q.created, &q.status, &q.customer, &q.channel} {
		if f.active() {
			return false
		}
	}
	return !q.deleted && q.email == "" && q.paymentMethod == "" && q.cartID == "" && q.externalOrderID == "" &&
		q.id.in == nil && q.id.notIn == nil && q.modified.in == nil && q.modified.notIn == nil
}

func (s *Store) walkByID(q *orderQuery, desc bool, visit func(*order) bool) {
	b := &s.ord
	lo, end := b.span(q.id.lo, q.id.hi)
	hi := end - 1
	if desc {
		for i := hi; i >= lo; i-- {
			if !visit(b.orders[i]) {
				return
			}
		}
		return
	}
	for i := lo; i <= hi; i++ {
		if !visit(b.orders[i]) {
			return
		}
	}
}

func (s *Store) walkByModified(q *orderQuery, desc bool, visit func(*order) bool) {
	idx := s.ord.byModified.keys
	lo, _ := slices.BinarySearchFunc(idx, modKey{q.modified.lo, 0}, cmpModKey)
	hi, _ := slices.BinarySearchFunc(idx, modKey{q.modified.hi, int(^uint(0) >> 1)}, cmpModKey)
	if desc {
		for i := hi - 1; i >= lo; i-- {
			if !visit(s.ord.get(idx[i].id)) {
				return
			}
		}
		return
	}
	for i := lo; i < hi; i++ {
		if !visit(s.ord.get(idx[i].id)) {
			return
		}
	}
}

func (s *Store) filterOrders(q *orderQuery) []*order {
	var out []*order
	s.walkByID(q, false, func(o *order) bool {
		if q.match(o) {
			out = append(out, o)
		}
		return true
	})
	return out
}

// listOrders serves GET /v2/orders: a bare array, 204 with no body when the
// page is empty.
func (s *Store) listOrders(c *call) {
	q, err := c.orderQuery()
	if err != nil {
		c.badFilter(err)
		return
	}
	os, err := s.orderPage(&q, c.q.Get("sort"), c.paging())
	if err != nil {
		c.badFilter(err)
		return
	}
	if len(os) == 0 {
		c.noContent()
		return
	}
	c.answer(200, func() any {
		out := make([]orderView, len(os))
		for i, o := range os {
			out[i] = c.orderView(o)
		}
		return out
	}, func(b []byte) []byte {
		b = append(b, '[')
		for i, o := range os {
			if i > 0 {
				b = append(b, ',')
			}
			v := c.orderView(o)
			b = v.appendJSON(b)
		}
		return append(b, ']')
	})
}

// countOrders serves GET /v2/orders/count: the total and a count per status.
func (s *Store) countOrders(c *call) {
	q, err := c.orderQuery()
	if err != nil {
		c.badFilter(err)
		return
	}
	var per [15]int
	total := 0
	s.walkByID(&q, false, func(o *order) bool {
		if q.match(o) {
			per[o.status]++
			total++
		}
		return true
	})
	type statusCount struct {
		statusLabel
		Count     int `json:"count"`
		SortOrder int `json:"sort_order"`
	}
	sts := make([]statusCount, 0, 15)
	for i, st := range s.ord.statuses {
		sts = append(sts, statusCount{statusLabel: st, Count: per[i], SortOrder: i})
	}
	c.json(200, map[string]any{"count": total, "statuses": sts})
}

// orderOr404 finds the order of the path's first id.
func (c *call) orderOr404() *order {
	o := c.s.ord.get(c.id(0))
	if o == nil {
		c.notFound()
	}
	return o
}

// getOrder serves GET /v2/orders/{id}; an archived order is still served,
// with is_deleted true.
func (s *Store) getOrder(c *call) {
	if o := c.orderOr404(); o != nil {
		c.json(200, c.orderView(o))
	}
}

// v2Page answers a V2 sub-collection page, 204 when it is empty.
func v2Page[T any](c *call, items []T) {
	lo, hi := c.paging().window(len(items))
	if lo == hi {
		c.noContent()
		return
	}
	c.json(200, items[lo:hi])
}

// listOrderProducts serves GET /v2/orders/{id}/products.
func (s *Store) listOrderProducts(c *call) {
	if o := c.orderOr404(); o != nil {
		v2Page(c, c.orderLines(o))
	}
}

// getOrderProduct serves GET /v2/orders/{id}/products/{id}.
func (s *Store) getOrderProduct(c *call) {
	o := c.orderOr404()
	if o == nil {
		return
	}
	for i := range o.lines {
		if o.lines[i].id == c.id(1) {
			c.json(200, c.orderLine(o, &o.lines[i]))
			return
		}
	}
	c.notFound()
}

// listShippingAddresses serves GET /v2/orders/{id}/shipping_addresses.
func (s *Store) listShippingAddresses(c *call) {
	if o := c.orderOr404(); o != nil {
		v2Page(c, []shippingAddressView{c.shippingAddressView(o)})
	}
}

func (s *Store) getShippingAddress(c *call) {
	o := c.orderOr404()
	if o == nil {
		return
	}
	if c.id(1) != o.shippingAddrID {
		c.notFound()
		return
	}
	c.json(200, c.shippingAddressView(o))
}

// listOrderCoupons serves GET /v2/orders/{id}/coupons (204 when none).
func (s *Store) listOrderCoupons(c *call) {
	if o := c.orderOr404(); o != nil {
		v2Page(c, s.coupons(o))
	}
}

// listOrderStatuses serves GET /v2/order_statuses.
func (s *Store) listOrderStatuses(c *call) {
	c.json(200, s.ord.statuses[:])
}

func (s *Store) getOrderStatus(c *call) {
	if id := c.id(0); id < len(s.ord.statuses) {
		c.json(200, s.ord.statuses[id])
		return
	}
	c.notFound()
}

// deleteAllOrders refuses DELETE /v2/orders. On the real API it archives
// every order of the store; the sandbox refuses it so that a connector bug
// cannot pass a test by doing it.
func (s *Store) deleteAllOrders(c *call) {
	c.fail(http.StatusBadRequest, "The sandbox refuses DELETE /v2/orders: on a real store it archives every order. Archive orders one at a time with DELETE /v2/orders/{id}.", nil)
}

// archiveOrderAPI serves DELETE /v2/orders/{id}: the order is archived
// (is_deleted), not destroyed, and drops out of lists.
func (s *Store) archiveOrderAPI(c *call) {
	o := c.orderOr404()
	if o == nil {
		return
	}
	s.archiveOrder(o)
	c.noContent()
}

func (s *Store) archiveOrder(o *order) {
	if o.deleted {
		return
	}
	s.ord.unindexModified(o)
	s.ord.archived++
	o.deleted = true
	o.modified = s.now().Unix()
	s.emit("store/order/archived", "order", o.id, nil)
}

// validStatus checks a status_id from a request.
func validStatus(id int) error {
	if id < 0 || id > 14 {
		return &validationError{"Invalid status", map[string]string{"status_id": fmt.Sprintf("The field 'status_id' is invalid: %d is not an order status (0-14).", id)}}
	}
	return nil
}
