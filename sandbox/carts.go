package sandbox

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// V3 server-side carts (/v3/carts): create, add line items, get, change
// or remove one line, delete. Cart and line ids are UUIDs, drawn from the
// seed and a counter so that a run is repeatable. A cart holds catalog
// lines (physical or digital by the product's type) and custom items; the
// same product and variant added again adds to its line's quantity, as
// BigCommerce does. A cart takes no stock (an order does), but a line
// asking for more than a tracked item holds is refused. Carts do not
// expire after BigCommerce's 30 days.

// cartBook holds the carts by id.
type cartBook struct {
	carts map[string]*cart
	seq   int // numbers the cart and line ids
}

func newCartBook() cartBook { return cartBook{carts: map[string]*cart{}} }

// newUUID is the next id of the cart book, in UUID form.
func (s *Store) newUUID() string {
	s.crt.seq++
	return fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", uint32(s.opts.Seed), s.crt.seq>>24&0xffff, s.crt.seq>>12&0xfff, s.crt.seq&0xfff, s.crt.seq)
}

type cart struct {
	ID                   string       `json:"id"`
	CustomerID           int          `json:"customer_id"`
	ChannelID            int          `json:"channel_id"`
	Email                string       `json:"email"`
	Currency             cartCurrency `json:"currency"`
	TaxIncluded          bool         `json:"tax_included"`
	BaseAmount           decimal      `json:"base_amount"`
	DiscountAmount       decimal      `json:"discount_amount"`
	ManualDiscountAmount decimal      `json:"manual_discount_amount"`
	CartAmount           decimal      `json:"cart_amount"`
	Coupons              []any        `json:"coupons"`
	Discounts            []any        `json:"discounts"`
	LineItems            cartLines    `json:"line_items"`
	CreatedTime          isoTime      `json:"created_time"`
	UpdatedTime          isoTime      `json:"updated_time"`
	Locale               string       `json:"locale"`
	Version              int          `json:"version"`
	RedirectURLs         *cartURLs    `json:"redirect_urls,omitempty"`
}

type cartCurrency struct {
	Code string `json:"code"`
}

type cartLines struct {
	PhysicalItems    []*cartItem   `json:"physical_items"`
	DigitalItems     []*cartItem   `json:"digital_items"`
	GiftCertificates []any         `json:"gift_certificates"`
	CustomItems      []*customItem `json:"custom_items"`
}

// cartItem is a catalog line of a cart.
type cartItem struct {
	ID                string  `json:"id"`
	ParentID          *string `json:"parent_id"`
	VariantID         int     `json:"variant_id"`
	ProductID         int     `json:"product_id"`
	SKU               string  `json:"sku"`
	Name              string  `json:"name"`
	URL               string  `json:"url"`
	Quantity          int     `json:"quantity"`
	Taxable           bool    `json:"taxable"`
	ImageURL          string  `json:"image_url"`
	Discounts         []any   `json:"discounts"`
	Coupons           []any   `json:"coupons"`
	DiscountAmount    decimal `json:"discount_amount"`
	CouponAmount      decimal `json:"coupon_amount"`
	OriginalPrice     decimal `json:"original_price"`
	ListPrice         decimal `json:"list_price"`
	SalePrice         decimal `json:"sale_price"`
	ExtendedListPrice decimal `json:"extended_list_price"`
	ExtendedSalePrice decimal `json:"extended_sale_price"`
	IsRequireShipping bool    `json:"is_require_shipping"`
	IsMutable         bool    `json:"is_mutable"`
	GiftWrapping      any     `json:"gift_wrapping"`
}

// customItem is a line that names no catalog product.
type customItem struct {
	ID                string  `json:"id"`
	SKU               string  `json:"sku"`
	Name              string  `json:"name"`
	Quantity          int     `json:"quantity"`
	ListPrice         decimal `json:"list_price"`
	ExtendedListPrice decimal `json:"extended_list_price"`
	ImageURL          string  `json:"image_url"`
}

type cartURLs struct {
	CartURL             string `json:"cart_url"`
	CheckoutURL         string `json:"checkout_url"`
	EmbeddedCheckoutURL string `json:"embedded_checkout_url"`
}

// cartInput is a cart create or add-items body.
type cartInput struct {
	CustomerID  *int              `json:"customer_id"`
	LineItems   []cartLineInput   `json:"line_items"`
	CustomItems []customItemInput `json:"custom_items"`
	ChannelID   *int              `json:"channel_id"`
	Currency    *cartCurrency     `json:"currency"`
	Locale      *string           `json:"locale"`
	Version     *int              `json:"version"`
}

type cartLineInput struct {
	Quantity         *int                 `json:"quantity"`
	ProductID        *int                 `json:"product_id"`
	VariantID        *int                 `json:"variant_id"`
	ListPrice        *decimal             `json:"list_price"`
	OptionSelections []cartOptionSelected `json:"option_selections"`
}

type cartOptionSelected struct {
	OptionID    int    `json:"option_id"`
	OptionValue Amount `json:"option_value"`
}

type customItemInput struct {
	SKU       *string  `json:"sku"`
	Name      *string  `json:"name"`
	Quantity  *int     `json:"quantity"`
	ListPrice *decimal `json:"list_price"`
	ImageURL  *string  `json:"image_url"`
}

// pathKey is the path segment at position i from the end (0 the last),
// for routes whose "{key}" segments are not integers.
func (c *call) pathKey(fromEnd int) string {
	segs := strings.Split(strings.Trim(c.r.URL.Path, "/"), "/")
	return segs[len(segs)-1-fromEnd]
}

// cartLine is one checked catalog line, ready to add.
type cartLine struct {
	p   *product
	v   *variant
	qty int
	in  *cartLineInput
}

// checkCartLines validates the catalog lines of a body against the cart
// they are added to (nil for a new cart), including stock for tracked
// items, and changes nothing.
func (s *Store) checkCartLines(in []cartLineInput, into *cart, errs map[string]string) []cartLine {
	var out []cartLine
	for i := range in {
		x := &in[i]
		f := func(name string) string { return fmt.Sprintf("line_items.%d.%s", i, name) }
		qty := 0
		if x.Quantity == nil || *x.Quantity < 1 {
			errs[f("quantity")] = "The field 'quantity' is required and must be 1 or more."
		} else {
			qty = *x.Quantity
		}
		if x.ProductID == nil {
			errs[f("product_id")] = "The field 'product_id' is required."
			continue
		}
		p := s.cat.products[*x.ProductID]
		if p == nil {
			errs[f("product_id")] = fmt.Sprintf("Product %d does not exist.", *x.ProductID)
			continue
		}
		v, msg := cartVariant(p, x)
		if msg != "" {
			errs[f("variant_id")] = msg
			continue
		}
		if v.PurchasingDisabled {
			errs[f("variant_id")] = fmt.Sprintf("%s cannot be purchased.", v.SKU)
			continue
		}
		have := qty
		if into != nil {
			if it := into.lineFor(p.ID, v.ID); it != nil {
				have += it.Quantity
			}
		}
		for _, prev := range out {
			if prev.v == v {
				have += prev.qty
			}
		}
		if stock, tracked := stockOf(p, v); tracked && have > stock {
			errs[f("quantity")] = fmt.Sprintf("You can only purchase a maximum of %d of %s per order.", stock, p.Name)
			continue
		}
		out = append(out, cartLine{p, v, qty, x})
	}
	return out
}

// cartVariant is the variant a cart line names: variant_id, the option
// values chosen, or the product's only variant.
func cartVariant(p *product, x *cartLineInput) (*variant, string) {
	if x.VariantID != nil {
		i := slices.IndexFunc(p.Variants, func(v *variant) bool { return v.ID == *x.VariantID })
		if i < 0 {
			return nil, fmt.Sprintf("Variant %d is not a variant of product %d.", *x.VariantID, p.ID)
		}
		return p.Variants[i], ""
	}
	if bv := p.baseVariant(); bv != nil {
		return bv, ""
	}
	opts := make([]OrderOptionInput, 0, len(x.OptionSelections))
	for _, o := range x.OptionSelections {
		opts = append(opts, OrderOptionInput{ID: o.OptionID, Value: o.OptionValue})
	}
	for _, v := range p.Variants {
		if variantHas(v, opts) {
			return v, ""
		}
	}
	return nil, fmt.Sprintf("Product %d has options: give variant_id, or option_selections that name one of its variants.", p.ID)
}

// stockOf is what a tracked item holds, and whether it is tracked.
func stockOf(p *product, v *variant) (int, bool) {
	switch p.InventoryTracking {
	case "product":
		return p.InventoryLevel, true
	case "variant":
		return v.InventoryLevel, true
	}
	return 0, false
}

func checkCustomItems(in []customItemInput, errs map[string]string) {
	for i, x := range in {
		f := func(name string) string { return fmt.Sprintf("custom_items.%d.%s", i, name) }
		if x.Name == nil || *x.Name == "" {
			errs[f("name")] = "The field 'name' is required."
		}
		if x.SKU == nil || *x.SKU == "" {
			errs[f("sku")] = "The field 'sku' is required."
		}
		if x.Quantity == nil || *x.Quantity < 1 {
			errs[f("quantity")] = "The field 'quantity' is required and must be 1 or more."
		}
		if x.ListPrice == nil || *x.ListPrice < 0 {
			errs[f("list_price")] = "The field 'list_price' is required and must be 0 or more."
		}
	}
}

func (ct *cart) lineFor(productID, variantID int) *cartItem {
	for _, list := range [][]*cartItem{ct.LineItems.PhysicalItems, ct.LineItems.DigitalItems} {
		for _, it := range list {
			if it.ProductID == productID && it.VariantID == variantID {
				return it
			}
		}
	}
	return nil
}

// addLines puts checked lines into ct and fires store/cart/lineItem/*.
func (s *Store) addLines(ct *cart, lines []cartLine, custom []customItemInput) {
	for _, l := range lines {
		if it := ct.lineFor(l.p.ID, l.v.ID); it != nil {
			it.Quantity += l.qty
			it.reprice()
			s.emitCartItem("updated", ct, it.ID)
			continue
		}
		price := l.v.CalculatedPrice
		if l.in.ListPrice != nil {
			price = *l.in.ListPrice
		}
		it := &cartItem{ID: s.newUUID(), VariantID: l.v.ID, ProductID: l.p.ID, SKU: l.v.SKU, Name: l.p.Name, URL: "https://store-" + s.hash + ".example.com" + l.p.CustomURL.URL,
			Quantity: l.qty, Taxable: true, Discounts: []any{}, Coupons: []any{}, OriginalPrice: l.v.CalculatedPrice, ListPrice: price, SalePrice: price,
			IsRequireShipping: l.p.Type == "physical", IsMutable: true}
		if len(l.p.Images) > 0 {
			it.ImageURL = l.p.Images[0].URLStandard
		}
		it.reprice()
		if l.p.Type == "digital" {
			ct.LineItems.DigitalItems = append(ct.LineItems.DigitalItems, it)
		} else {
			ct.LineItems.PhysicalItems = append(ct.LineItems.PhysicalItems, it)
		}
		s.emitCartItem("created", ct, it.ID)
	}
	for _, x := range custom {
		it := &customItem{ID: s.newUUID(), SKU: *x.SKU, Name: *x.Name, Quantity: *x.Quantity, ListPrice: *x.ListPrice}
		setIf(&it.ImageURL, x.ImageURL)
		it.ExtendedListPrice = it.ListPrice * decimal(it.Quantity)
		ct.LineItems.CustomItems = append(ct.LineItems.CustomItems, it)
		s.emitCartItem("created", ct, it.ID)
	}
}

func (it *cartItem) reprice() {
	it.ExtendedListPrice = it.ListPrice * decimal(it.Quantity)
	it.ExtendedSalePrice = it.SalePrice * decimal(it.Quantity)
}

// total recomputes the cart's amounts from its lines.
func (ct *cart) total() {
	var sum decimal
	for _, list := range [][]*cartItem{ct.LineItems.PhysicalItems, ct.LineItems.DigitalItems} {
		for _, it := range list {
			sum += it.ExtendedSalePrice
		}
	}
	for _, it := range ct.LineItems.CustomItems {
		sum += it.ExtendedListPrice
	}
	ct.BaseAmount, ct.CartAmount = sum, sum-ct.DiscountAmount
}

func (ct *cart) lineCount() int {
	return len(ct.LineItems.PhysicalItems) + len(ct.LineItems.DigitalItems) + len(ct.LineItems.CustomItems)
}

func (s *Store) emitCart(verb string, ct *cart) {
	s.emitData("store/cart/"+verb, map[string]any{"type": "cart", "id": ct.ID})
}

func (s *Store) emitCartItem(verb string, ct *cart, itemID string) {
	s.emitData("store/cart/lineItem/"+verb, map[string]any{"type": "cart_line_item", "id": itemID, "cartId": ct.ID})
}

// answerCart answers a cart, with redirect_urls when include asks for them.
func (c *call) answerCart(status int, ct *cart) {
	view := *ct
	if c.includes()["redirect_urls"] {
		base := "https://store-" + c.s.hash + ".example.com"
		view.RedirectURLs = &cartURLs{CartURL: base + "/cart.php?action=load&id=" + ct.ID, CheckoutURL: base + "/cart.php?action=loadInCheckout&id=" + ct.ID,
			EmbeddedCheckoutURL: base + "/cart.php?embedded=1&action=loadInCheckout&id=" + ct.ID}
	}
	c.v3Data(status, view)
}

// createCart serves POST /v3/carts (201).
func (s *Store) createCart(c *call) {
	var in cartInput
	if !c.decode(&in) {
		return
	}
	errs := map[string]string{}
	if len(in.LineItems) == 0 && len(in.CustomItems) == 0 {
		errs["line_items"] = "Give line_items (catalog products) or custom_items."
	}
	if in.CustomerID != nil && *in.CustomerID != 0 && s.crm.customers[*in.CustomerID] == nil {
		errs["customer_id"] = fmt.Sprintf("Customer %d does not exist.", *in.CustomerID)
	}
	lines := s.checkCartLines(in.LineItems, nil, errs)
	checkCustomItems(in.CustomItems, errs)
	if len(errs) > 0 {
		c.invalid("The cart is not valid", errs)
		return
	}
	now := isoTime(c.now.Unix())
	ct := &cart{ID: s.newUUID(), ChannelID: 1, Currency: cartCurrency{"USD"}, Coupons: []any{}, Discounts: []any{}, Locale: "en",
		CreatedTime: now, UpdatedTime: now, Version: 1,
		LineItems: cartLines{PhysicalItems: []*cartItem{}, DigitalItems: []*cartItem{}, GiftCertificates: []any{}, CustomItems: []*customItem{}}}
	setIf(&ct.CustomerID, in.CustomerID)
	setIf(&ct.ChannelID, in.ChannelID)
	setIf(&ct.Currency, in.Currency)
	setIf(&ct.Locale, in.Locale)
	if cu := s.crm.customers[ct.CustomerID]; cu != nil {
		ct.Email = cu.Email
	}
	s.crt.carts[ct.ID] = ct
	s.emitCart("created", ct)
	s.addLines(ct, lines, in.CustomItems)
	ct.total()
	c.answerCart(http.StatusCreated, ct)
}

// cartOr404 is the cart the path names (its segment at fromEnd).
func (c *call) cartOr404(fromEnd int) *cart {
	ct := c.s.crt.carts[c.pathKey(fromEnd)]
	if ct == nil {
		c.notFound()
	}
	return ct
}

// checkVersion refuses a stale version with 409, as the optimistic
// concurrency control of carts does.
func (c *call) checkVersion(ct *cart, v *int) bool {
	if v != nil && *v != ct.Version {
		c.conflict("The cart has been changed since you read it", map[string]string{"version": fmt.Sprintf("The cart is at version %d.", ct.Version)})
		return false
	}
	return true
}

func (s *Store) cartChanged(ct *cart, now int64) {
	ct.total()
	ct.Version++
	ct.UpdatedTime = isoTime(now)
	s.emitCart("updated", ct)
}

// getCart serves GET /v3/carts/{cartId}.
func (s *Store) getCart(c *call) {
	if ct := c.cartOr404(0); ct != nil {
		c.answerCart(http.StatusOK, ct)
	}
}

// deleteCart serves DELETE /v3/carts/{cartId} (204).
func (s *Store) deleteCart(c *call) {
	if ct := c.cartOr404(0); ct != nil {
		delete(s.crt.carts, ct.ID)
		s.emitCart("deleted", ct)
		c.noContent()
	}
}

// addCartItems serves POST /v3/carts/{cartId}/items (201).
func (s *Store) addCartItems(c *call) {
	ct := c.cartOr404(1)
	var in cartInput
	if ct == nil || !c.decode(&in) || !c.checkVersion(ct, in.Version) {
		return
	}
	errs := map[string]string{}
	if len(in.LineItems) == 0 && len(in.CustomItems) == 0 {
		errs["line_items"] = "Give line_items (catalog products) or custom_items."
	}
	lines := s.checkCartLines(in.LineItems, ct, errs)
	checkCustomItems(in.CustomItems, errs)
	if len(errs) > 0 {
		c.invalid("The line items are not valid", errs)
		return
	}
	s.addLines(ct, lines, in.CustomItems)
	s.cartChanged(ct, c.now.Unix())
	c.answerCart(http.StatusCreated, ct)
}

// cartItemInput is PUT /v3/carts/{cartId}/items/{itemId}'s body.
type cartItemInput struct {
	LineItem *cartLineInput `json:"line_item"`
	Version  *int           `json:"version"`
}

// updateCartItem serves PUT /v3/carts/{cartId}/items/{itemId}: the line's
// quantity (and list_price) change.
func (s *Store) updateCartItem(c *call) {
	ct := c.cartOr404(2)
	if ct == nil {
		return
	}
	it := ct.item(c.pathKey(0))
	var in cartItemInput
	if it == nil {
		c.notFound()
		return
	}
	if !c.decode(&in) || !c.checkVersion(ct, in.Version) {
		return
	}
	if in.LineItem == nil || in.LineItem.Quantity == nil || *in.LineItem.Quantity < 1 {
		c.invalid("The line item is not valid", map[string]string{"line_item.quantity": "The field 'quantity' is required and must be 1 or more."})
		return
	}
	p, v := s.cat.products[it.ProductID], s.cat.variants[it.VariantID]
	if p == nil || v == nil {
		c.invalid("The line item is not valid", map[string]string{"line_item.product_id": "The product of this line no longer exists."})
		return
	}
	if stock, tracked := stockOf(p, v); tracked && *in.LineItem.Quantity > stock {
		c.invalid("The line item is not valid", map[string]string{"line_item.quantity": fmt.Sprintf("You can only purchase a maximum of %d of %s per order.", stock, p.Name)})
		return
	}
	it.Quantity = *in.LineItem.Quantity
	if in.LineItem.ListPrice != nil {
		it.ListPrice, it.SalePrice = *in.LineItem.ListPrice, *in.LineItem.ListPrice
	}
	it.reprice()
	s.emitCartItem("updated", ct, it.ID)
	s.cartChanged(ct, c.now.Unix())
	c.answerCart(http.StatusOK, ct)
}

func (ct *cart) item(id string) *cartItem {
	for _, list := range [][]*cartItem{ct.LineItems.PhysicalItems, ct.LineItems.DigitalItems} {
		for _, it := range list {
			if it.ID == id {
				return it
			}
		}
	}
	return nil
}

// deleteCartItem serves DELETE /v3/carts/{cartId}/items/{itemId}: 200 with
// the cart, or 204 when that was the last line and the cart is gone with
// it, as BigCommerce does.
func (s *Store) deleteCartItem(c *call) {
	ct := c.cartOr404(2)
	if ct == nil {
		return
	}
	id := c.pathKey(0)
	lines := &ct.LineItems
	n := ct.lineCount()
	lines.PhysicalItems = slices.DeleteFunc(lines.PhysicalItems, func(it *cartItem) bool { return it.ID == id })
	lines.DigitalItems = slices.DeleteFunc(lines.DigitalItems, func(it *cartItem) bool { return it.ID == id })
	lines.CustomItems = slices.DeleteFunc(lines.CustomItems, func(it *customItem) bool { return it.ID == id })
	if ct.lineCount() == n {
		c.notFound()
		return
	}
	s.emitCartItem("deleted", ct, id)
	if ct.lineCount() == 0 {
		delete(s.crt.carts, ct.ID)
		s.emitCart("deleted", ct)
		c.noContent()
		return
	}
	s.cartChanged(ct, c.now.Unix())
	c.answerCart(http.StatusOK, ct)
}
