package sandbox

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// OrderInput is a V2 order create body, also taken by POST /_sandbox/orders
// and Store.CreateOrder. Lines name a product by product_id (with
// product_options or variant_id for a product with options) or by
// variant_id alone; a line with name and price is a custom product (its
// sku only a label). A SKU alone names nothing, as on BigCommerce.
type OrderInput struct {
	CustomerID        *int                `json:"customer_id"`
	StatusID          *int                `json:"status_id"`
	BillingAddress    *OrderAddress       `json:"billing_address"`
	ShippingAddresses []OrderAddress      `json:"shipping_addresses"`
	Products          []OrderProductInput `json:"products"`
	StaffNotes        *string             `json:"staff_notes"`
	CustomerMessage   *string             `json:"customer_message"`
	PaymentMethod     *string             `json:"payment_method"`
	ExternalSource    *string             `json:"external_source"`
	ExternalID        *string             `json:"external_id"`
	ExternalOrderID   *string             `json:"external_order_id"`
	ChannelID         *int                `json:"channel_id"`
	ShippingCostExTax *Amount             `json:"shipping_cost_ex_tax"`
	DiscountAmount    *Amount             `json:"discount_amount"`
	DateCreated       *string             `json:"date_created"`
}

// OrderProductInput is one line of OrderInput.
type OrderProductInput struct {
	ProductID      *int               `json:"product_id"`
	VariantID      *int               `json:"variant_id"`
	SKU            *string            `json:"sku"`
	Quantity       *int               `json:"quantity"`
	ProductOptions []OrderOptionInput `json:"product_options"`
	Name           *string            `json:"name"`
	PriceExTax     *Amount            `json:"price_ex_tax"`
	PriceIncTax    *Amount            `json:"price_inc_tax"`
}

// Amount is a decimal in an order body, such as a price "19.99" or an
// option value id "273"; on the wire it may be a JSON string or number.
type Amount string

// UnmarshalJSON takes a JSON string or number as it is written.
func (a *Amount) UnmarshalJSON(b []byte) error {
	*a = Amount(strings.Trim(string(b), `"`))
	return nil
}

// parseAmount reads an optional amount; field names it in the error.
func parseAmount(a *Amount, field string) (decimal, bool, error) {
	if a == nil {
		return 0, false, nil
	}
	d, err := parseDecimal(string(*a))
	if err != nil {
		return 0, false, &validationError{"Invalid amount", map[string]string{field: fmt.Sprintf("The field '%s' is invalid: %v.", field, err)}}
	}
	return d, true, nil
}

// linePrice is a line's explicit price, ex tax if given, else inc tax.
func linePrice(in *OrderProductInput, i int) (decimal, bool, error) {
	ex, ok, err := parseAmount(in.PriceExTax, fmt.Sprintf("products[%d].price_ex_tax", i))
	if err != nil || ok {
		return ex, ok, err
	}
	return parseAmount(in.PriceIncTax, fmt.Sprintf("products[%d].price_inc_tax", i))
}

// OrderOptionInput picks an option value for a line: ID is the option id
// and Value the option value id ("273" on the wire, sometimes 273).
type OrderOptionInput struct {
	ID    int    `json:"id"`
	Value Amount `json:"value"`
}

func requiredV2(field string) string {
	return fmt.Sprintf("The required field '%s' was not supplied.", field)
}

// createOrderAPI serves POST /v2/orders (200, as the spec says).
func (s *Store) createOrderAPI(c *call) {
	var in OrderInput
	if !c.decode(&in) {
		return
	}
	o, err := s.createOrder(&in, c.now.Unix())
	if c.writeErr(err) {
		s.pay.unpaid[o.id] = true // paid elsewhere: no transactions (payments.go)
		c.json(200, c.orderView(o))
	}
}

// createOrder validates in, takes stock and stores the order under the next
// free id. The caller holds s.mu.
func (s *Store) createOrder(in *OrderInput, now int64) (*order, error) {
	return s.createOrderAs(in, now, nil)
}

// orderIDs are the ids a live order is created with, so that the same
// slot gets the same ids in every process (see live.go).
type orderIDs struct {
	order, shippingAddr, firstLine int
}

// createOrderAs is createOrder with the ids given by fixed, or allocated
// from the store's counters when fixed is nil.
func (s *Store) createOrderAs(in *OrderInput, now int64, fixed *orderIDs) (*order, error) {
	errs := map[string]string{}
	if in.BillingAddress == nil {
		errs["billing_address"] = requiredV2("billing_address")
	}
	if len(in.Products) == 0 {
		errs["products"] = requiredV2("products")
	}
	if len(errs) > 0 {
		return nil, &validationError{"Missing required fields", errs}
	}
	status := 1
	setIf(&status, in.StatusID)
	if err := validStatus(status); err != nil {
		return nil, err
	}
	if in.CustomerID != nil && *in.CustomerID != 0 && s.crm.customers[*in.CustomerID] == nil {
		return nil, &validationError{"Invalid customer", map[string]string{"customer_id": fmt.Sprintf("The field 'customer_id' is invalid: customer %d does not exist.", *in.CustomerID)}}
	}
	shipping, _, err := parseAmount(in.ShippingCostExTax, "shipping_cost_ex_tax")
	if err != nil {
		return nil, err
	}
	discount, _, err := parseAmount(in.DiscountAmount, "discount_amount")
	if err != nil {
		return nil, err
	}
	lines := make([]orderLine, 0, len(in.Products))
	for i := range in.Products {
		l, err := s.resolveLine(&in.Products[i], i)
		if err != nil {
			return nil, err
		}
		lines = append(lines, l)
	}
	created := now
	if in.DateCreated != nil {
		t, err := parseFilterDate(*in.DateCreated, time.Unix(now, 0))
		if err != nil {
			return nil, &validationError{"Invalid date", map[string]string{"date_created": "The field 'date_created' is invalid: " + err.Error()}}
		}
		created = t
	}
	o := &order{status: uint8(status), channelID: 1, created: created, modified: now, lines: lines}
	if fixed != nil {
		o.id, o.shippingAddrID = fixed.order, fixed.shippingAddr
		for i := range o.lines {
			o.lines[i].id = fixed.firstLine + i
		}
	} else {
		id, err := s.ord.newID()
		if err != nil {
			return nil, err
		}
		o.id = id
		s.ids.shippingAddress++
		o.shippingAddrID = s.ids.shippingAddress
	}
	setIf(&o.customerID, in.CustomerID)
	setIf(&o.channelID, in.ChannelID)
	o.shipping, o.discount = shipping, discount
	billing := *in.BillingAddress
	o.billing = &billing
	if len(in.ShippingAddresses) > 0 {
		ship := in.ShippingAddresses[0]
		o.shipTo = &ship
	}
	s.applyOrderText(o, in)
	o.ext().coupons = []orderCoupon{} // a discount given at creation is not a coupon
	o.recompute()
	s.ord.add(o)
	for i := range o.lines {
		s.takeStock(&o.lines[i], o.lines[i].qty)
	}
	s.emit("store/order/created", "order", o.id, nil)
	return o, nil
}

func (s *Store) applyOrderText(o *order, in *OrderInput) {
	if in.PaymentMethod != nil {
		o.payment = paymentIndex(*in.PaymentMethod)
	}
	for _, f := range []struct {
		src *string
		dst func(*orderExtra) *string
	}{
		{in.StaffNotes, func(e *orderExtra) *string { return &e.staffNotes }},
		{in.CustomerMessage, func(e *orderExtra) *string { return &e.customerMessage }},
		{in.ExternalSource, func(e *orderExtra) *string { return &e.externalSource }},
		{in.ExternalID, func(e *orderExtra) *string { return &e.externalID }},
		{in.ExternalOrderID, func(e *orderExtra) *string { return &e.externalOrderID }},
	} {
		if f.src != nil {
			*f.dst(o.ext()) = *f.src
		}
	}
}

func paymentIndex(name string) uint8 {
	for i, m := range paymentMethods {
		if strings.EqualFold(m, name) {
			return uint8(i)
		}
	}
	return 4 // Manual
}

// checkLine validates one requested line and finds its variant (nil for a
// custom product), changing nothing.
func (s *Store) checkLine(in *OrderProductInput, i int) (*variant, error) {
	bad := func(f, msg string) (*variant, error) {
		return nil, &validationError{"Invalid products", map[string]string{fmt.Sprintf("products[%d].%s", i, f): msg}}
	}
	if in.Quantity != nil && *in.Quantity < 1 {
		return bad("quantity", "The field 'quantity' must be 1 or more.")
	}
	v, lerr := s.lineVariant(in)
	if lerr != nil {
		return bad(lerr.field, lerr.msg)
	}
	_, priced, err := linePrice(in, i)
	if err != nil {
		return nil, err
	}
	if v == nil && in.SKU != nil && in.Name == nil {
		// BigCommerce takes a line's sku only as a custom product's label.
		return bad("product_id", "The required field 'product_id' was not supplied: a line names a catalog product by product_id (with variant_id or product_options), never by SKU; find a SKU's variant through /v3/catalog/variants?sku=.")
	}
	if v == nil && (in.Name == nil || !priced) {
		return bad("product_id", requiredV2("product_id"))
	}
	return v, nil
}

// resolveLine turns one requested line into an order line referencing a
// real variant (or a custom product).
func (s *Store) resolveLine(in *OrderProductInput, i int) (orderLine, error) {
	v, err := s.checkLine(in, i)
	if err != nil {
		return orderLine{}, err
	}
	s.ids.orderLine++
	l := orderLine{id: s.ids.orderLine, qty: 1}
	setIf(&l.qty, in.Quantity)
	price, priced, _ := linePrice(in, i) // checked by checkLine
	if v == nil {
		l.name, l.price = *in.Name, price
		setIf(&l.sku, in.SKU)
		return l, nil
	}
	p := s.cat.products[v.ProductID]
	l.productID, l.variantID, l.name, l.sku, l.price, l.options = p.ID, v.ID, p.Name, v.SKU, v.CalculatedPrice, v.OptionValues
	if priced {
		l.price = price
	}
	return l, nil
}

type lineError struct{ field, msg string }

// lineVariant finds the variant a line names, or nil for a custom product.
func (s *Store) lineVariant(in *OrderProductInput) (*variant, *lineError) {
	switch {
	case in.VariantID != nil:
		v := s.cat.variants[*in.VariantID]
		if v == nil || in.ProductID != nil && v.ProductID != *in.ProductID {
			return nil, &lineError{"variant_id", fmt.Sprintf("The field 'variant_id' is invalid: variant %d does not exist on that product.", *in.VariantID)}
		}
		return v, nil
	case in.ProductID != nil:
		p := s.cat.products[*in.ProductID]
		if p == nil {
			return nil, &lineError{"product_id", fmt.Sprintf("The field 'product_id' is invalid: product %d does not exist.", *in.ProductID)}
		}
		return variantForOptions(p, in.ProductOptions)
	}
	return nil, nil
}

// variantForOptions picks p's variant matching the chosen option values.
func variantForOptions(p *product, opts []OrderOptionInput) (*variant, *lineError) {
	if bv := p.baseVariant(); bv != nil {
		return bv, nil
	}
	if len(opts) == 0 {
		return nil, &lineError{"product_options", fmt.Sprintf("Product %d has options: give product_options (option id and value id) or variant_id.", p.ID)}
	}
	for _, v := range p.Variants {
		if variantHas(v, opts) {
			return v, nil
		}
	}
	return nil, &lineError{"product_options", fmt.Sprintf("No variant of product %d has those option values.", p.ID)}
}

func variantHas(v *variant, opts []OrderOptionInput) bool {
	if len(opts) != len(v.OptionValues) {
		return false
	}
	for _, o := range opts {
		want, err := strconv.Atoi(string(o.Value))
		if err != nil || !slices.ContainsFunc(v.OptionValues, func(r optionValueRef) bool { return r.OptionID == o.ID && r.ID == want }) {
			return false
		}
	}
	return true
}

// takeStock takes qty of an order line's item from stock, where the
// product tracks it, and counts the sale; a negative qty puts stock back.
func (s *Store) takeStock(l *orderLine, qty int) {
	p := s.cat.products[l.productID]
	v := s.cat.variants[l.variantID]
	if p == nil || v == nil || qty == 0 {
		return
	}
	p.TotalSold = max(0, p.TotalSold+qty)
	switch p.InventoryTracking {
	case "product":
		p.InventoryLevel = max(0, p.InventoryLevel-qty)
		if bv := p.baseVariant(); bv != nil {
			bv.InventoryLevel = p.InventoryLevel
		}
	case "variant":
		v.InventoryLevel = max(0, v.InventoryLevel-qty)
		p.syncInventory()
	default:
		return
	}
	s.emitInventoryOrder(p, v, qty)
}

// orderUpdate is a V2 order update body.
type orderUpdate struct {
	StatusID        *int          `json:"status_id"`
	StaffNotes      *string       `json:"staff_notes"`
	CustomerMessage *string       `json:"customer_message"`
	PaymentMethod   *string       `json:"payment_method"`
	ExternalSource  *string       `json:"external_source"`
	ExternalID      *string       `json:"external_id"`
	ExternalOrderID *string       `json:"external_order_id"`
	BillingAddress  *OrderAddress `json:"billing_address"`
	CustomerID      *int          `json:"customer_id"`
	DiscountAmount  *decimal      `json:"discount_amount"`
	ShippingCost    *decimal      `json:"shipping_cost_ex_tax"`
	// Products patches the lines: an item with id changes that line
	// (quantity 0 removes it), one without adds a line.
	Products []orderLinePatch `json:"products"`
}

type orderLinePatch struct {
	ID *int `json:"id"`
	OrderProductInput
}

// updateOrderAPI serves PUT /v2/orders/{id}.
func (s *Store) updateOrderAPI(c *call) {
	o := c.orderOr404()
	var in orderUpdate
	if o == nil || !c.decode(&in) {
		return
	}
	if c.writeErr(s.updateOrder(o, &in, c.now.Unix())) {
		c.json(200, c.orderView(o))
	}
}

// updateOrder applies in to o, moves date_modified and fires
// store/order/updated (and statusUpdated when the status changed).
func (s *Store) updateOrder(o *order, in *orderUpdate, now int64) error {
	if in.StatusID != nil {
		if err := validStatus(*in.StatusID); err != nil {
			return err
		}
	}
	if err := s.checkLinePatches(o, in.Products); err != nil {
		return err
	}
	prev := o.status
	s.patchLines(o, in.Products)
	if in.StatusID != nil {
		o.status = uint8(*in.StatusID)
	}
	s.applyOrderText(o, &OrderInput{StaffNotes: in.StaffNotes, CustomerMessage: in.CustomerMessage, PaymentMethod: in.PaymentMethod,
		ExternalSource: in.ExternalSource, ExternalID: in.ExternalID, ExternalOrderID: in.ExternalOrderID})
	if in.BillingAddress != nil {
		b := *in.BillingAddress
		o.billing = &b
	}
	setIf(&o.customerID, in.CustomerID)
	setIf(&o.discount, in.DiscountAmount)
	setIf(&o.shipping, in.ShippingCost)
	o.recompute()
	if o.status == 2 && o.shipped == 0 {
		o.shipped = now
	}
	s.ord.touch(o, now)
	s.emit("store/order/updated", "order", o.id, nil)
	if o.status != prev {
		s.emit("store/order/statusUpdated", "order", o.id, map[string]any{"status": map[string]int{"previous_status_id": int(prev), "new_status_id": int(o.status)}})
	}
	return nil
}

// checkLinePatches validates a products patch before anything changes.
func (s *Store) checkLinePatches(o *order, patches []orderLinePatch) error {
	for i, p := range patches {
		if p.ID == nil {
			if _, err := s.checkLine(&p.OrderProductInput, i); err != nil {
				return err
			}
			continue
		}
		if !slices.ContainsFunc(o.lines, func(l orderLine) bool { return l.id == *p.ID }) {
			return &validationError{"Invalid products", map[string]string{fmt.Sprintf("products[%d].id", i): fmt.Sprintf("The field 'id' is invalid: order product %d is not on order %d.", *p.ID, o.id)}}
		}
		if _, _, err := linePrice(&p.OrderProductInput, i); err != nil {
			return err
		}
		if p.Quantity != nil && *p.Quantity < 0 {
			return &validationError{"Invalid products", map[string]string{fmt.Sprintf("products[%d].quantity", i): "The field 'quantity' must be 0 (to remove the line) or more."}}
		}
	}
	return nil
}

// patchLines applies a checked products patch, moving stock with it.
func (s *Store) patchLines(o *order, patches []orderLinePatch) {
	for i := range patches {
		p := &patches[i]
		if p.ID == nil {
			l, _ := s.resolveLine(&p.OrderProductInput, i) // checked by checkLinePatches
			o.lines = append(o.lines, l)
			s.takeStock(&o.lines[len(o.lines)-1], l.qty)
			continue
		}
		idx := slices.IndexFunc(o.lines, func(l orderLine) bool { return l.id == *p.ID })
		l := &o.lines[idx]
		if price, priced, _ := linePrice(&p.OrderProductInput, i); priced {
			l.price = price
		}
		if p.Quantity == nil {
			continue
		}
		s.takeStock(l, *p.Quantity-l.qty)
		if *p.Quantity == 0 {
			o.lines = slices.Delete(o.lines, idx, idx+1)
			continue
		}
		l.qty = *p.Quantity
	}
}
