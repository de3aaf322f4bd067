package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// serveOperator serves /_sandbox/...: statistics, deliveries and direct
// changes to the store. These requests need no token and bypass the quota
// and the faults; they are not counted in Stats.
func (s *Store) serveOperator(w http.ResponseWriter, r *http.Request) {
	c := &call{s: s, r: r, q: r.URL.Query(), now: s.now(), header: http.Header{}}
	s.live.catchUp(c.now)
	path := strings.Trim(strings.TrimPrefix(r.URL.Path, "/_sandbox/"), "/")
	if isWrite(r.Method) && s.journal != nil {
		var err error
		if c.rawBody, err = readBody(r); err != nil {
			c.fail(http.StatusBadRequest, "The request body could not be read: "+err.Error(), nil)
			s.write(w, c, faultPlan{})
			return
		}
	}
	s.operate(c, path)
	s.write(w, c, faultPlan{})
}

// operate runs operator endpoint path (after /_sandbox/). The changes to
// records (orders, products, customers) are journaled; quota and faults
// are the process's settings, not the store's records, and are not.
func (s *Store) operate(c *call, path string) {
	r := c.r
	c.rest = path
	head, idText, _ := strings.Cut(path, "/")
	id, idErr := strconv.Atoi(idText)
	hasID := idText != "" && idErr == nil
	switch {
	case r.Method == "GET" && path == "stats":
		c.json(200, s.Stats())
	case r.Method == "GET" && path == "deliveries":
		c.json(200, s.Deliveries())
	case r.Method == "GET" && path == "requests":
		c.json(200, s.Requests())
	case r.Method == "POST" && path == "orders":
		s.opCreateOrder(c)
	case r.Method == "PUT" && head == "orders" && hasID:
		s.opUpdateOrder(c, id)
	case r.Method == "POST" && path == "products":
		s.opWrite(c, func() { s.createProductAPI(c) })
	case r.Method == "PUT" && head == "products" && hasID:
		c.ids = []int{id}
		s.opWrite(c, func() { s.updateProductAPI(c) })
	case r.Method == "POST" && path == "customers":
		s.opCreateCustomer(c)
	case r.Method == "POST" && path == "faults":
		s.opFaults(c)
	case r.Method == "POST" && path == "quota":
		s.opQuota(c)
	default:
		c.fail(http.StatusNotFound, "Unknown operator endpoint. See the sandbox package documentation for /_sandbox/ endpoints.", nil)
	}
	if c.status == 0 {
		c.status = 200
	}
}

func (s *Store) opWrite(c *call, f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c.now = s.now()
	f()
	s.recordOp(c)
}

// recordOp journals an operator change that succeeded; the caller holds s.mu.
func (s *Store) recordOp(c *call) {
	s.record(c, journalEntry{Kind: "operator", Method: c.r.Method, Path: c.rest, Body: c.rawBody})
}

// opCreateOrder creates an order from a V2 order body. A body without
// products makes a random order like the live schedule does, with every
// field the body does give (status_id, customer_id, billing_address, ...)
// applied to it; a field with a bad value is refused with a 400 naming it.
func (s *Store) opCreateOrder(c *call) {
	c.v2 = true
	var in OrderInput
	body, _ := io.ReadAll(io.LimitReader(c.r.Body, 8<<20))
	if len(strings.TrimSpace(string(body))) > 0 {
		if err := json.Unmarshal(body, &in); err != nil {
			c.fail(400, "The body is not a V2 order: "+err.Error(), nil)
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.recordOp(c) // before the unlock: defers run last first
	c.now = s.now()
	var o *order
	var err error
	if len(in.Products) == 0 {
		random := s.randomOrderInput(newRand(s.opts.Seed, uint64(len(s.ord.orders))), s.ord.nextID)
		s.overlayOrderInput(&random, &in)
		in = random
	}
	o, err = s.createOrder(&in, c.now.Unix())
	if c.writeErr(err) {
		c.json(200, c.orderView(o))
	}
}

// opUpdateOrder changes an order as PUT /v2/orders/{id} does.
func (s *Store) opUpdateOrder(c *call, id int) {
	c.v2 = true
	var in orderUpdate
	if !c.decode(&in) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.recordOp(c) // before the unlock: defers run last first
	c.now = s.now()
	o := s.ord.get(id)
	if o == nil {
		c.notFound()
		return
	}
	if c.writeErr(s.updateOrder(o, &in, c.now.Unix())) {
		c.json(200, c.orderView(o))
	}
}

// opCreateCustomer takes one V3 customer object or an array of them.
func (s *Store) opCreateCustomer(c *call) {
	body, _ := io.ReadAll(io.LimitReader(c.r.Body, 8<<20))
	var list []customerInput
	if err := json.Unmarshal(body, &list); err != nil {
		var one customerInput
		if err := json.Unmarshal(body, &one); err != nil {
			c.fail(422, "The body is not a customer", map[string]string{"body": err.Error()})
			return
		}
		list = []customerInput{one}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.recordOp(c) // before the unlock: defers run last first
	out, err := s.createCustomers(list)
	if c.writeErr(err) {
		c.v3Data(200, c.renderCustomers(out))
	}
}

// opFaults replaces the faults: body {"spec": "500=0.1,reset=0.05"} or the
// bare spec as text.
func (s *Store) opFaults(c *call) {
	body, _ := io.ReadAll(io.LimitReader(c.r.Body, 1<<16))
	spec := strings.TrimSpace(string(body))
	var in struct {
		Spec string `json:"spec"`
	}
	if json.Unmarshal(body, &in) == nil {
		spec = in.Spec
	}
	f, err := ParseFaults(spec)
	if err != nil {
		c.fail(422, "Invalid fault spec", map[string]string{"spec": err.Error()})
		return
	}
	s.SetFaults(f)
	c.json(200, map[string]string{"spec": f.String()})
}

// opQuota replaces the quota: body {"quota": 150, "window": "30s"} (quota
// 0 turns it off) or {"plan": "pro"}.
func (s *Store) opQuota(c *call) {
	var in struct {
		Quota  int    `json:"quota"`
		Window string `json:"window"`
		Plan   string `json:"plan"`
	}
	if !c.decode(&in) {
		return
	}
	if in.Plan != "" {
		q, w, err := PlanQuota(in.Plan)
		if err != nil {
			c.fail(422, "Invalid plan", map[string]string{"plan": err.Error()})
			return
		}
		s.SetQuota(q, w)
		c.json(200, map[string]any{"quota": q, "window": w.String(), "plan": in.Plan})
		return
	}
	window := s.opts.Window
	if in.Window != "" {
		d, err := time.ParseDuration(in.Window)
		if err != nil || d <= 0 {
			c.fail(422, "Invalid window", map[string]string{"window": "Give a positive duration such as 30s."})
			return
		}
		window = d
	}
	if in.Quota < 0 {
		c.fail(422, "Invalid quota", map[string]string{"quota": "Give 0 (off) or a positive number of requests per window."})
		return
	}
	s.SetQuota(in.Quota, window)
	c.json(200, map[string]any{"quota": in.Quota, "window": window.String()})
}

// overlayOrderInput sets every field src gives on dst, a random order body.
// A customer given without a billing address brings the customer's own
// address, a guest (customer_id 0) a guest's address.
func (s *Store) overlayOrderInput(dst, src *OrderInput) {
	if src.CustomerID != nil {
		dst.CustomerID = src.CustomerID
		if cu := s.crm.customers[*src.CustomerID]; cu != nil && cu.billing != nil {
			b := *cu.billing
			dst.BillingAddress = &b
		} else if *src.CustomerID == 0 {
			dst.BillingAddress = guestAddress(newRand(s.opts.Seed, uint64(s.ord.nextID)), s.ord.nextID)
		}
	}
	if src.BillingAddress != nil {
		dst.BillingAddress = src.BillingAddress
	}
	if src.StatusID != nil {
		dst.StatusID = src.StatusID
	}
	if src.ShippingAddresses != nil {
		dst.ShippingAddresses = src.ShippingAddresses
	}
	for _, f := range []struct{ dst, src **string }{
		{&dst.StaffNotes, &src.StaffNotes}, {&dst.CustomerMessage, &src.CustomerMessage}, {&dst.PaymentMethod, &src.PaymentMethod},
		{&dst.ExternalSource, &src.ExternalSource}, {&dst.ExternalID, &src.ExternalID}, {&dst.ExternalOrderID, &src.ExternalOrderID},
		{&dst.DateCreated, &src.DateCreated},
	} {
		if *f.src != nil {
			*f.dst = *f.src
		}
	}
	if src.ChannelID != nil {
		dst.ChannelID = src.ChannelID
	}
	if src.ShippingCostExTax != nil {
		dst.ShippingCostExTax = src.ShippingCostExTax
	}
	if src.DiscountAmount != nil {
		dst.DiscountAmount = src.DiscountAmount
	}
}
