package sandbox

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// The Inventory API (V3 /inventory/...): locations, inventory items with
// their levels per location, and absolute and relative adjustments.
//
// The catalog's inventory_level stays the item's total over every location,
// as BigCommerce reports it. The sandbox keeps the stock held at locations
// other than the default (id 1) and derives the default location's stock as
// the rest of the total, so the catalog, orders and the Inventory API never
// disagree: an order, or a catalog write, changes the default location's
// stock. When the total falls below what the other locations hold, the
// shortfall is taken from them in id order (see levelsAt); the stock
// recorded at those locations is kept as it was, so a later rise of the
// total through the catalog can bring it back (BigCommerce's docs do not
// say how a catalog write splits over locations).
//
// An item whose product tracks no stock takes adjustments too: the level
// is kept, as the catalog keeps inventory_level for such a product, and the
// webhook is the one a catalog stock change of that item fires (emitStock).

// defaultLocationID is the location every store has and cannot delete.
const defaultLocationID = 1

// maxItemsPage is the Inventory API's documented limit of items a page of
// the items lists, above the catalog's 250.
const maxItemsPage = 1000

// itemsPaging is paging with the items lists' larger limit.
func (c *call) itemsPaging() page { return c.pagingUpTo(maxItemsPage) }

// maxAdjustmentItems is the documented limit of items in one adjustment
// or settings payload.
const maxAdjustmentItems = 2000

// inventoryBook holds the locations and the per-location part of stock.
type inventoryBook struct {
	locations map[int]*location
	locIDs    []int // ascending
	nextLoc   int
	// away is the stock of an item at locations other than the default.
	away map[itemKey]map[int]int
	// settings are the per-location item settings that were ever set.
	settings map[itemLoc]*itemSettings
	// txn numbers the transaction ids the write endpoints answer with.
	txn int
}

// itemKey names an inventory item: a product tracked as a whole
// (variant 0) or one variant.
type itemKey struct{ product, variant int }

type itemLoc struct {
	item     itemKey
	location int
}

// location is a V3 inventory location.
type location struct {
	ID                      int              `json:"id"`
	Code                    string           `json:"code"`
	Label                   string           `json:"label"`
	Description             string           `json:"description"`
	ManagedByExternalSource bool             `json:"managed_by_external_source"`
	TypeID                  string           `json:"type_id"`
	Enabled                 bool             `json:"enabled"`
	StorefrontVisibility    bool             `json:"storefront_visibility"`
	TimeZone                string           `json:"time_zone"`
	Address                 *locationAddress `json:"address"`
	CreatedAt               isoTime          `json:"created_at"`
	UpdatedAt               isoTime          `json:"updated_at"`
}

type locationAddress struct {
	Address1       string          `json:"address1"`
	Address2       string          `json:"address2"`
	City           string          `json:"city"`
	State          string          `json:"state"`
	Zip            string          `json:"zip"`
	Email          string          `json:"email"`
	Phone          string          `json:"phone"`
	CountryCode    string          `json:"country_code"`
	GeoCoordinates *geoCoordinates `json:"geo_coordinates"`
}

type geoCoordinates struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
}

// itemSettings are an item's settings at one location.
type itemSettings struct {
	SafetyStock      int    `json:"safety_stock"`
	IsInStock        bool   `json:"is_in_stock"`
	WarningLevel     int    `json:"warning_level"`
	BinPickingNumber string `json:"bin_picking_number"`
}

func newInventoryBook() inventoryBook {
	at := isoTime(anchor.AddDate(-2, 0, 0).Unix())
	def := &location{ID: defaultLocationID, Code: "BC-LOCATION-1", Label: "Default location", TypeID: "PHYSICAL",
		Enabled: true, StorefrontVisibility: true, TimeZone: "Etc/UTC", CreatedAt: at, UpdatedAt: at,
		Address: &locationAddress{Address1: "1 Main St", City: "Austin", State: "Texas", Zip: "78701", Email: "store@example.com",
			CountryCode: "US", GeoCoordinates: &geoCoordinates{Latitude: 30.2672, Longitude: -97.7431}}}
	return inventoryBook{locations: map[int]*location{def.ID: def}, locIDs: []int{def.ID}, nextLoc: def.ID,
		away: map[itemKey]map[int]int{}, settings: map[itemLoc]*itemSettings{}}
}

// transactionID is the next {"transaction_id"} the write endpoints answer.
func (b *inventoryBook) transactionID() map[string]string {
	b.txn++
	return map[string]string{"transaction_id": fmt.Sprintf("00000000-0000-4000-8000-%012d", b.txn)}
}

// invItem is one inventory item resolved against the catalog.
type invItem struct {
	key itemKey
	p   *product
	v   *variant // nil for a product with options tracked as a whole
}

// eachItem yields p's inventory items: the product itself when it is
// tracked as a whole or has no options, else one per variant.
func (p *product) eachItem(yield func(invItem) bool) {
	if bv := p.baseVariant(); bv != nil {
		yield(invItem{itemKey{p.ID, 0}, p, bv})
		return
	}
	if p.InventoryTracking == "product" {
		yield(invItem{itemKey{p.ID, 0}, p, nil})
		return
	}
	for _, v := range p.Variants {
		if !yield(invItem{itemKey{p.ID, v.ID}, p, v}) {
			return
		}
	}
}

// itemCount is how many items eachItem yields.
func (p *product) itemCount() int {
	if p.baseVariant() != nil || p.InventoryTracking == "product" {
		return 1
	}
	return len(p.Variants)
}

// inventoryItems lists p's inventory items (eachItem).
func (p *product) inventoryItems() []invItem { return slices.Collect(p.eachItem) }

// total is the item's stock over every location, as the catalog holds it.
func (it invItem) total() int {
	if it.key.variant == 0 {
		return it.p.InventoryLevel
	}
	return it.v.InventoryLevel
}

// setTotal changes the item's stock in the catalog.
func (it invItem) setTotal(n int) {
	if it.key.variant == 0 {
		it.p.InventoryLevel = n
		if bv := it.p.baseVariant(); bv != nil {
			bv.InventoryLevel = n
		}
		return
	}
	it.v.InventoryLevel = n
	it.p.syncInventory()
}

func (it invItem) sku() string {
	if it.v != nil {
		return it.v.SKU
	}
	return it.p.SKU
}

// levelsAt is the item's stock per location (the default location first,
// then the others in id order): the others as recorded, cut in id order
// when the total no longer covers them, and the default location the rest.
func (b *inventoryBook) levelsAt(it invItem) map[int]int {
	left := it.total()
	out := map[int]int{}
	away := b.away[it.key]
	for _, id := range b.locIDs {
		if id == defaultLocationID {
			continue
		}
		n := min(away[id], left)
		out[id] = n
		left -= n
	}
	out[defaultLocationID] = left
	return out
}

// setLevel sets the item's stock at one location, keeping the total the
// sum over the locations. The caller holds s.mu.
func (b *inventoryBook) setLevel(it invItem, loc, n int) {
	levels := b.levelsAt(it)
	levels[loc] = n
	away := map[int]int{}
	total := 0
	for id, q := range levels {
		total += q
		if id != defaultLocationID && q > 0 {
			away[id] = q
		}
	}
	if len(away) == 0 {
		delete(b.away, it.key)
	} else {
		b.away[it.key] = away
	}
	it.setTotal(total)
}

// resolveItem finds the item an adjustment or settings entry names by
// sku, variant_id or product_id, refusing an identity at the wrong
// tracking level as BigCommerce does.
func (s *Store) resolveItem(sku *string, variantID, productID *int) (invItem, string) {
	var p *product
	var v *variant
	var named string
	switch {
	case sku != nil:
		v = s.cat.variantBySKU(*sku)
		if pid, ok := s.cat.productSKUs[*sku]; v == nil && ok {
			return s.resolveItem(nil, nil, &pid) // a product's own SKU names the product
		}
		if v == nil {
			return invItem{}, fmt.Sprintf("No item has SKU %q.", *sku)
		}
		named = "sku " + *sku
	case variantID != nil:
		v = s.cat.variants[*variantID]
		if v == nil {
			return invItem{}, fmt.Sprintf("Variant %d does not exist.", *variantID)
		}
		named = fmt.Sprintf("variant_id %d", *variantID)
	case productID != nil:
		p = s.cat.products[*productID]
		if p == nil {
			return invItem{}, fmt.Sprintf("Product %d does not exist.", *productID)
		}
		items := p.inventoryItems()
		if items[0].key.variant != 0 {
			return invItem{}, fmt.Sprintf("Item with product_id %d is tracked by variant, please update stock by variant id or sku", p.ID)
		}
		return items[0], ""
	default:
		return invItem{}, "One of sku, variant_id or product_id is required to identify the item."
	}
	p = s.cat.products[v.ProductID]
	for _, it := range p.inventoryItems() {
		if it.v == v {
			return it, ""
		}
	}
	return invItem{}, fmt.Sprintf("Item with %s is tracked by product, please update stock by product id", named)
}

// adjustmentInput is an absolute or relative adjustment body.
type adjustmentInput struct {
	Reason *string          `json:"reason"`
	Items  []adjustmentItem `json:"items"`
}

type adjustmentItem struct {
	LocationID *int    `json:"location_id"`
	SKU        *string `json:"sku"`
	VariantID  *int    `json:"variant_id"`
	ProductID  *int    `json:"product_id"`
	Quantity   *int    `json:"quantity"`
}

// maxInventoryLevel bounds a level, as the store's inventory field does.
const maxInventoryLevel = 2147483647

// absoluteAdjustment serves PUT /v3/inventory/adjustments/absolute.
func (s *Store) absoluteAdjustment(c *call) { s.adjust(c, false) }

// relativeAdjustment serves POST /v3/inventory/adjustments/relative.
func (s *Store) relativeAdjustment(c *call) { s.adjust(c, true) }

// adjust checks every item of the payload before it changes any, then sets
// (absolute) or moves (relative) each item's stock at its location and
// fires the inventory webhook for it.
func (s *Store) adjust(c *call, relative bool) {
	var in adjustmentInput
	if !c.decode(&in) {
		return
	}
	if len(in.Items) > maxAdjustmentItems {
		c.tooMany(maxAdjustmentItems)
		return
	}
	if in.Items == nil {
		c.invalid("Payload contains invalid fields", map[string]string{"items": "The field 'items' is required: a list of {location_id, sku|variant_id|product_id, quantity}."})
		return
	}
	type change struct {
		it       invItem
		loc, qty int
	}
	changes := make([]change, 0, len(in.Items))
	levels := map[itemLoc]int{} // levels as earlier items of this payload leave them
	errs := map[string]string{}
	for i, x := range in.Items {
		f := func(name string) string { return fmt.Sprintf("items.%d.%s", i, name) }
		if x.LocationID == nil {
			errs[f("location_id")] = "The field 'location_id' is required."
		} else if s.inv.locations[*x.LocationID] == nil {
			errs[f("location_id")] = fmt.Sprintf("Location %d does not exist.", *x.LocationID)
		}
		if x.Quantity == nil {
			errs[f("quantity")] = "The field 'quantity' is required."
		}
		it, msg := s.resolveItem(x.SKU, x.VariantID, x.ProductID)
		if msg != "" {
			errs[f("identity")] = msg
		}
		if len(errs) > 0 {
			continue
		}
		key := itemLoc{it.key, *x.LocationID}
		cur, ok := levels[key]
		if !ok {
			cur = s.inv.levelsAt(it)[*x.LocationID]
		}
		next := *x.Quantity
		if relative {
			next = cur + *x.Quantity
		}
		if next < 0 || next > maxInventoryLevel {
			errs[f("quantity")] = fmt.Sprintf("The item's level at location %d would be %d; it must be between 0 and %d.", *x.LocationID, next, maxInventoryLevel)
			continue
		}
		levels[key] = next
		changes = append(changes, change{it, *x.LocationID, *x.Quantity})
	}
	if len(errs) > 0 {
		c.invalid("Payload contains invalid fields", errs)
		return
	}
	method := "absolute"
	if relative {
		method = "relative"
	}
	touched := map[int]*product{}
	for _, ch := range changes {
		q := ch.qty
		if relative {
			q += s.inv.levelsAt(ch.it)[ch.loc]
		}
		s.inv.setLevel(ch.it, ch.loc, q)
		value := ch.qty
		if !relative {
			value = ch.it.total()
		}
		v := ch.it.v
		if ch.it.key.variant == 0 {
			v = nil
		}
		s.emitInventory(ch.it.p, v, method, value)
		touched[ch.it.p.ID] = ch.it.p
	}
	for _, id := range slices.Sorted(maps.Keys(touched)) {
		s.cat.setModified(touched[id], c.now.Unix())
	}
	c.json(http.StatusOK, s.inv.transactionID())
}

// itemIdentity is an item's identity in the Inventory API's answers.
type itemIdentity struct {
	SKU       string `json:"sku"`
	VariantID *int   `json:"variant_id"`
	ProductID int    `json:"product_id"`
	SKUID     *int   `json:"sku_id"`
}

func (it invItem) identity() itemIdentity {
	id := itemIdentity{SKU: it.sku(), ProductID: it.p.ID}
	if it.v != nil {
		id.VariantID = &it.v.ID
		if it.key.variant != 0 {
			id.SKUID = &it.v.ID // the V2 SKU id; null for a base variant
		}
	}
	return id
}

// itemLocation is one item's stock at one location.
type itemLocation struct {
	LocationID           int           `json:"location_id"`
	LocationCode         string        `json:"location_code"`
	LocationName         string        `json:"location_name"`
	AvailableToSell      int           `json:"available_to_sell"`
	TotalInventoryOnhand int           `json:"total_inventory_onhand"`
	LocationEnabled      bool          `json:"location_enabled"`
	Settings             *itemSettings `json:"settings"`
}

// settingsAt are the item's settings at a location: those set through the
// API, else the catalog's warning level and bin number at the default
// location and zero values elsewhere.
func (b *inventoryBook) settingsAt(it invItem, loc int) *itemSettings {
	if st := b.settings[itemLoc{it.key, loc}]; st != nil {
		return st
	}
	st := &itemSettings{IsInStock: true}
	if loc == defaultLocationID {
		if it.v != nil {
			st.WarningLevel, st.BinPickingNumber = it.v.InventoryWarningLevel, it.v.BinPickingNumber
		} else {
			st.WarningLevel = it.p.InventoryWarningLevel
		}
	}
	return st
}

func (b *inventoryBook) itemAt(it invItem, loc *location, level int) itemLocation {
	st := b.settingsAt(it, loc.ID)
	return itemLocation{LocationID: loc.ID, LocationCode: loc.Code, LocationName: loc.Label, TotalInventoryOnhand: level,
		AvailableToSell: max(0, level-st.SafetyStock), LocationEnabled: loc.Enabled, Settings: st}
}

// itemFilter is the items endpoints' sku:in, variant_id:in and
// product_id:in filters.
type itemFilter struct {
	skus                 strFilter
	variants, productIDs numFilter
}

func (c *call) itemFilter() (itemFilter, bool) {
	f := itemFilter{skus: c.v3Str("sku")}
	var err error
	if f.variants, err = c.v3Num("variant_id", intParser()); err == nil {
		f.productIDs, err = c.v3Num("product_id", intParser())
	}
	if err != nil {
		c.badFilter(err)
		return f, false
	}
	return f, true
}

func (f itemFilter) match(it invItem) bool {
	vid := int64(0)
	if it.v != nil {
		vid = int64(it.v.ID)
	}
	return f.skus.match(it.sku()) && f.productIDs.match(int64(it.p.ID)) && (!f.variants.active() || it.v != nil && f.variants.match(vid))
}

// itemsPage is page pg of the catalog's inventory items that pass f, by
// product then variant id, and how many pass in all. Only the page's items
// are kept, so a page costs a walk of the catalog and no more.
func (s *Store) itemsPage(f itemFilter, pg page) ([]invItem, int) {
	from, to := pg.offset(), pg.offset()+pg.limit
	var out []invItem
	total := 0
	all := !f.skus.active() && !f.variants.active() && !f.productIDs.active()
	for _, p := range s.cat.productList {
		if !f.productIDs.match(int64(p.ID)) {
			continue
		}
		if n := p.itemCount(); all && (total+n <= from || total >= to) {
			total += n // a product wholly outside the page: counted, not walked
			continue
		}
		for it := range p.eachItem {
			if f.match(it) {
				if total >= from && total < to {
					out = append(out, it)
				}
				total++
			}
		}
	}
	return out, total
}

// itemAnswer is one element of GET /v3/inventory/items.
type itemAnswer struct {
	Identity  itemIdentity   `json:"identity"`
	Locations []itemLocation `json:"locations"`
}

// listInventoryItems serves GET /v3/inventory/items: every item with its
// stock at every location (location_id:in and location_code:in narrow the
// locations).
func (s *Store) listInventoryItems(c *call) {
	f, ok := c.itemFilter()
	if !ok {
		return
	}
	locs, ok := s.filteredLocations(c)
	if !ok {
		return
	}
	pg := c.itemsPaging()
	items, total := s.itemsPage(f, pg)
	out := make([]itemAnswer, 0, len(items))
	for _, it := range items {
		levels := s.inv.levelsAt(it)
		a := itemAnswer{Identity: it.identity(), Locations: make([]itemLocation, 0, len(locs))}
		for _, l := range locs {
			a.Locations = append(a.Locations, s.inv.itemAt(it, l, levels[l.ID]))
		}
		out = append(out, a)
	}
	c.v3Page(out, pg, total, len(out))
}

// locationItemAnswer is one element of GET /v3/inventory/locations/{id}/items.
type locationItemAnswer struct {
	Identity             itemIdentity  `json:"identity"`
	AvailableToSell      int           `json:"available_to_sell"`
	TotalInventoryOnhand int           `json:"total_inventory_onhand"`
	Settings             *itemSettings `json:"settings"`
}

// listLocationItems serves GET /v3/inventory/locations/{id}/items.
func (s *Store) listLocationItems(c *call) {
	loc := s.inv.locations[c.id(0)]
	if loc == nil {
		c.notFound()
		return
	}
	f, ok := c.itemFilter()
	if !ok {
		return
	}
	pg := c.itemsPaging()
	items, total := s.itemsPage(f, pg)
	out := make([]locationItemAnswer, 0, len(items))
	for _, it := range items {
		at := s.inv.itemAt(it, loc, s.inv.levelsAt(it)[loc.ID])
		out = append(out, locationItemAnswer{Identity: it.identity(), AvailableToSell: at.AvailableToSell,
			TotalInventoryOnhand: at.TotalInventoryOnhand, Settings: at.Settings})
	}
	c.v3Page(out, pg, total, len(out))
}

// settingsInput is PUT /v3/inventory/locations/{id}/items's body.
type settingsInput struct {
	Settings []struct {
		Identity struct {
			SKU       *string `json:"sku"`
			VariantID *int    `json:"variant_id"`
			ProductID *int    `json:"product_id"`
		} `json:"identity"`
		SafetyStock      *int    `json:"safety_stock"`
		IsInStock        *bool   `json:"is_in_stock"`
		WarningLevel     *int    `json:"warning_level"`
		BinPickingNumber *string `json:"bin_picking_number"`
	} `json:"settings"`
}

// updateLocationItems serves PUT /v3/inventory/locations/{id}/items: item
// settings at one location, every entry checked before any applies.
func (s *Store) updateLocationItems(c *call) {
	loc := s.inv.locations[c.id(0)]
	if loc == nil {
		c.notFound()
		return
	}
	var in settingsInput
	if !c.decode(&in) {
		return
	}
	if len(in.Settings) > maxAdjustmentItems {
		c.tooMany(maxAdjustmentItems)
		return
	}
	errs := map[string]string{}
	items := make([]invItem, len(in.Settings))
	for i, x := range in.Settings {
		it, msg := s.resolveItem(x.Identity.SKU, x.Identity.VariantID, x.Identity.ProductID)
		if msg != "" {
			errs[fmt.Sprintf("setting.%d.identity", i)] = msg
		}
		if x.SafetyStock == nil && x.IsInStock == nil && x.WarningLevel == nil && x.BinPickingNumber == nil {
			errs[fmt.Sprintf("setting.%d.settings", i)] = "At least one setting must be specified: warning_level, is_in_stock, safety_stock or bin_picking_number"
		}
		for name, n := range map[string]*int{"safety_stock": x.SafetyStock, "warning_level": x.WarningLevel} {
			if n != nil && *n < 0 {
				errs[fmt.Sprintf("setting.%d.%s", i, name)] = fmt.Sprintf("The field '%s' must be 0 or more.", name)
			}
		}
		items[i] = it
	}
	if len(errs) > 0 {
		c.invalid("Payload contains invalid fields", errs)
		return
	}
	for i, x := range in.Settings {
		st := *s.inv.settingsAt(items[i], loc.ID)
		setIf(&st.SafetyStock, x.SafetyStock)
		setIf(&st.IsInStock, x.IsInStock)
		setIf(&st.WarningLevel, x.WarningLevel)
		setIf(&st.BinPickingNumber, x.BinPickingNumber)
		s.inv.settings[itemLoc{items[i].key, loc.ID}] = &st
	}
	c.json(http.StatusOK, s.inv.transactionID())
}

// filteredLocations are the locations passing location_id:in and
// location_code:in (and, for the locations list, is_default and
// is_active), in id order.
func (s *Store) filteredLocations(c *call) ([]*location, bool) {
	ids, err := c.v3Num("location_id", intParser())
	if err != nil {
		c.badFilter(err)
		return nil, false
	}
	codes := c.v3Str("location_code")
	isDefault, defSet, err := c.boolParam("is_default")
	if err != nil {
		c.badFilter(err)
		return nil, false
	}
	active, activeSet, err := c.boolParam("is_active")
	if err != nil {
		c.badFilter(err)
		return nil, false
	}
	var out []*location
	for _, id := range s.inv.locIDs {
		l := s.inv.locations[id]
		if ids.match(int64(id)) && codes.match(l.Code) && (!defSet || isDefault == (id == defaultLocationID)) && (!activeSet || active == l.Enabled) {
			out = append(out, l)
		}
	}
	return out, true
}

// listLocations serves GET /v3/inventory/locations.
func (s *Store) listLocations(c *call) {
	if locs, ok := s.filteredLocations(c); ok {
		v3List(c, locs)
	}
}

// locationInput is one location of a create or update body.
type locationInput struct {
	ID                      *int             `json:"id"`
	Code                    *string          `json:"code"`
	Label                   *string          `json:"label"`
	Description             *string          `json:"description"`
	ManagedByExternalSource *bool            `json:"managed_by_external_source"`
	TypeID                  *string          `json:"type_id"`
	Enabled                 *bool            `json:"enabled"`
	StorefrontVisibility    *bool            `json:"storefront_visibility"`
	TimeZone                *string          `json:"time_zone"`
	Address                 *locationAddress `json:"address"`
}

// checkLocation validates one location of a create (create true) or update
// body; codes are unique across locations.
func (s *Store) checkLocation(in *locationInput, i int, create bool, codes map[string]int, errs map[string]string) {
	f := func(name string) string { return fmt.Sprintf("%d.%s", i, name) }
	self := 0
	if !create {
		if in.ID == nil || s.inv.locations[*in.ID] == nil {
			errs[f("id")] = "The field 'id' must name an existing location."
			return
		}
		self = *in.ID
	}
	if create {
		for name, v := range map[string]bool{"label": in.Label != nil, "time_zone": in.TimeZone != nil} {
			if !v {
				errs[f(name)] = fmt.Sprintf("The field '%s' is required.", name)
			}
		}
	}
	if in.Label != nil && strings.TrimSpace(*in.Label) == "" {
		errs[f("label")] = "The field 'label' cannot be empty."
	}
	if in.TypeID != nil && *in.TypeID != "PHYSICAL" && *in.TypeID != "VIRTUAL" {
		errs[f("type_id")] = "The field 'type_id' must be PHYSICAL or VIRTUAL."
	}
	physical := in.TypeID == nil || *in.TypeID == "PHYSICAL"
	if create && physical && in.Address == nil {
		errs[f("address")] = "The field 'address' is required for a PHYSICAL location."
	}
	if in.Code != nil {
		if other, ok := codes[*in.Code]; ok && other != self {
			errs[f("code")] = fmt.Sprintf("The code %q is already used by location %d.", *in.Code, other)
		}
		codes[*in.Code] = self
	}
	if !create && self == defaultLocationID && in.Enabled != nil && !*in.Enabled {
		errs[f("enabled")] = "The default location cannot be disabled."
	}
}

func (s *Store) locationCodes() map[string]int {
	codes := map[string]int{}
	for id, l := range s.inv.locations {
		codes[l.Code] = id
	}
	return codes
}

func applyLocation(l *location, in *locationInput) {
	setIf(&l.Code, in.Code)
	setIf(&l.Label, in.Label)
	setIf(&l.Description, in.Description)
	setIf(&l.ManagedByExternalSource, in.ManagedByExternalSource)
	setIf(&l.TypeID, in.TypeID)
	setIf(&l.Enabled, in.Enabled)
	setIf(&l.StorefrontVisibility, in.StorefrontVisibility)
	setIf(&l.TimeZone, in.TimeZone)
	if in.Address != nil {
		a := *in.Address
		l.Address = &a
	}
}

// decodeLocations reads a create or update body (an array of locations)
// and checks every location before anything changes, answering 422 itself.
func (s *Store) decodeLocations(c *call, create bool) ([]locationInput, bool) {
	var in []locationInput
	if !c.decode(&in) {
		return nil, false
	}
	errs, codes := map[string]string{}, s.locationCodes()
	for i := range in {
		s.checkLocation(&in[i], i, create, codes, errs)
	}
	if len(in) == 0 {
		errs["locations"] = "Give at least one location."
	}
	if len(errs) > 0 {
		c.invalid("Locations are not valid", errs)
		return nil, false
	}
	return in, true
}

// createLocations serves POST /v3/inventory/locations: an array of
// locations, all checked before any is made; the answer is a transaction
// id, as on BigCommerce (list the locations to learn the new ids).
func (s *Store) createLocations(c *call) {
	in, ok := s.decodeLocations(c, true)
	if !ok {
		return
	}
	now := isoTime(c.now.Unix())
	for i := range in {
		s.inv.nextLoc++
		l := &location{ID: s.inv.nextLoc, TypeID: "PHYSICAL", Enabled: true, StorefrontVisibility: true, CreatedAt: now, UpdatedAt: now}
		applyLocation(l, &in[i])
		if l.Code == "" {
			l.Code = "BC-LOCATION-" + strconv.Itoa(l.ID)
		}
		s.inv.locations[l.ID] = l
		s.inv.locIDs = append(s.inv.locIDs, l.ID)
	}
	c.json(http.StatusOK, s.inv.transactionID())
}

// updateLocations serves PUT /v3/inventory/locations.
func (s *Store) updateLocations(c *call) {
	in, ok := s.decodeLocations(c, false)
	if !ok {
		return
	}
	for i := range in {
		l := s.inv.locations[*in[i].ID]
		applyLocation(l, &in[i])
		l.UpdatedAt = isoTime(c.now.Unix())
	}
	c.json(http.StatusOK, s.inv.transactionID())
}

// deleteLocations serves DELETE /v3/inventory/locations?location_id:in=...
// The default location cannot be deleted; a deleted location's stock goes
// with it, as BigCommerce warns.
func (s *Store) deleteLocations(c *call) {
	raw, ok := c.q["location_id:in"]
	if !ok {
		c.invalid("A filter is required to delete locations", map[string]string{"location_id:in": "Give location_id:in, the ids of the locations to delete."})
		return
	}
	var ids []int
	for _, v := range split(strings.Join(raw, ",")) {
		id, err := strconv.Atoi(v)
		if err != nil {
			c.invalid("Invalid filter", map[string]string{"location_id:in": fmt.Sprintf("%q is not a location id.", v)})
			return
		}
		if s.inv.locations[id] == nil {
			c.notFound()
			return
		}
		if id == defaultLocationID {
			c.invalid(fmt.Sprintf("Location canʼt be deleted. %s is set as a shipping origin for this store and canʼt be deleted.", s.inv.locations[id].Label), nil)
			return
		}
		ids = append(ids, id)
	}
	for _, id := range ids {
		s.dropLocationStock(id)
		delete(s.inv.locations, id)
		s.inv.locIDs = slices.DeleteFunc(s.inv.locIDs, func(x int) bool { return x == id })
	}
	c.json(http.StatusOK, s.inv.transactionID())
}

// dropLocationStock removes a location's stock from every item's total.
func (s *Store) dropLocationStock(loc int) {
	for _, p := range s.cat.productList {
		for _, it := range p.inventoryItems() {
			if n := s.inv.levelsAt(it)[loc]; n > 0 {
				s.inv.setLevel(it, loc, 0)
			}
			delete(s.inv.settings, itemLoc{it.key, loc})
		}
	}
}
