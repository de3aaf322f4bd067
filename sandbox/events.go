package sandbox

import (
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"maps"
	"strconv"
)

// payload is BigCommerce's thin webhook body.
type payload struct {
	Scope     string          `json:"scope"`
	StoreID   string          `json:"store_id"`
	Data      json.RawMessage `json:"data"`
	Hash      string          `json:"hash"`
	CreatedAt int64           `json:"created_at"`
	Producer  string          `json:"producer"`
}

// emit sends a record event, data {type, id} plus the scope-specific
// fields in extra (status, orderId, address ...), to every active hook whose
// scope covers it. The caller holds s.mu.
func (s *Store) emit(scope, typ string, id int, extra map[string]any) {
	data := map[string]any{"type": typ, "id": id}
	maps.Copy(data, extra)
	s.emitData(scope, data)
}

// emitData sends an event whose data object is given whole (metafield
// events carry no type or id). The caller holds s.mu.
func (s *Store) emitData(scope string, data map[string]any) {
	if !s.replayAt.IsZero() {
		return // a replayed write's events were delivered when it first applied
	}
	var targets []*hook
	for _, hid := range s.hks.ids {
		if h := s.hks.hooks[hid]; h.IsActive && h.matches(scope) {
			targets = append(targets, h)
		}
	}
	if len(targets) == 0 {
		return
	}
	raw, _ := json.Marshal(data)
	sum := sha1.Sum(raw)
	body, _ := json.Marshal(payload{Scope: scope, StoreID: strconv.FormatInt(s.storeID(), 10), Data: raw,
		Hash: hex.EncodeToString(sum[:]), CreatedAt: s.now().Unix(), Producer: "stores/" + s.hash})
	for _, h := range targets {
		s.delivery.enqueue(job{hookID: h.ID, scope: scope, destination: h.Destination, headers: maps.Clone(h.Headers), body: body})
	}
}

// tracksBySKU reports whether a stock change of p's variant v is a SKU's
// (store/sku/inventory/*) rather than the product's
// (store/product/inventory/*). BigCommerce's events reference: the product
// events fire for a product without variants however stock is tracked, and
// for one with variants only when it tracks stock by product; the SKU
// events fire only for a product with variants that tracks stock by variant.
func tracksBySKU(p *product, v *variant) bool {
	return v != nil && p.baseVariant() == nil && p.InventoryTracking == "variant"
}

// emitInventory fires the inventory event for a stock change made through
// the catalog (method absolute, value the new level): on
// store/sku/inventory/updated or store/product/inventory/updated as
// tracksBySKU says. A product with variants that does not track stock by
// product fires no product event, as on BigCommerce.
func (s *Store) emitInventory(p *product, v *variant, method string, value int) {
	s.emitStock("inventory/updated", p, v, method, value)
}

// emitInventoryOrder fires store/sku/inventory/order/updated or
// store/product/inventory/order/updated when an order takes stock (method
// relative, value -qty) or gives it back (+qty).
func (s *Store) emitInventoryOrder(p *product, v *variant, qty int) {
	s.emitStock("inventory/order/updated", p, v, "relative", -qty)
}

func (s *Store) emitStock(suffix string, p *product, v *variant, method string, value int) {
	inv := map[string]any{"product_id": p.ID, "method": method, "value": value}
	switch {
	case tracksBySKU(p, v):
		inv["variant_id"] = v.ID
		s.emit("store/sku/"+suffix, "sku", v.skuID(), map[string]any{"inventory": inv})
	case p.baseVariant() != nil || p.InventoryTracking == "product":
		s.emit("store/product/"+suffix, "product", p.ID, map[string]any{"inventory": inv})
	}
}

// emitSKU fires store/sku/created, updated or deleted for a variant with
// options (a base variant has no SKU record of its own: its sku_id is null).
func (s *Store) emitSKU(verb string, v *variant) {
	if v.SKUID == nil {
		return
	}
	s.emit("store/sku/"+verb, "sku", *v.SKUID, map[string]any{"sku": map[string]int{"product_id": v.ProductID, "variant_id": v.ID}})
}

// skuID is the variant's SKU record id, or its own id for a base variant
// (which BigCommerce reports without one).
func (v *variant) skuID() int {
	if v.SKUID != nil {
		return *v.SKUID
	}
	return v.ID
}

// emitMetafield fires a metafield's created, updated or deleted event twice,
// as BigCommerce does: under the owner's own scope where the events
// reference lists one (store/order/metafield/*,
// store/product/variant/metafield/* ...; customers have none), with data
// {metafield_id, resource_id (a string)}, and under store/metafield/*, which
// covers every owner and adds resource_type.
func (s *Store) emitMetafield(verb string, k resKey, metafieldID int) {
	data := map[string]any{"metafield_id": metafieldID, "resource_id": strconv.Itoa(k.id)}
	if scope := k.kind.eventScope(); scope != "" {
		own := maps.Clone(data)
		if k.kind == kindProduct || k.kind == kindVariant {
			own["resource_type"] = k.kind.String() // as the reference's product and variant examples show
		}
		s.emitData(scope+"/metafield/"+verb, own)
	}
	data["resource_type"] = k.kind.String()
	s.emitData("store/metafield/"+verb, data)
}

// eventScope is the scope prefix of the owner's own metafield events, ""
// for owners the events reference lists none for.
func (k resourceKind) eventScope() string {
	switch k {
	case kindOrder:
		return "store/order"
	case kindProduct:
		return "store/product"
	case kindVariant:
		return "store/product/variant"
	case kindBrand:
		return "store/brand"
	case kindCategory:
		return "store/category"
	}
	return ""
}

// emitShipment fires store/shipment/created, updated or deleted (verb) with
// data {type "shipment", id, orderId}. The caller holds s.mu; every change
// to an order's shipments calls it.
func (s *Store) emitShipment(verb string, shipmentID, orderID int) {
	s.emit("store/shipment/"+verb, "shipment", shipmentID, map[string]any{"orderId": orderID})
}
