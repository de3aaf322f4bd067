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

// emit sends the event to every active hook whose scope covers it. extra
// adds scope-specific data fields (status, inventory, orderId ...). The
// caller holds s.mu.
func (s *Store) emit(scope, typ string, id int, extra map[string]any) {
	var targets []*hook
	for _, hid := range s.hks.ids {
		if h := s.hks.hooks[hid]; h.IsActive && h.matches(scope) {
			targets = append(targets, h)
		}
	}
	if len(targets) == 0 {
		return
	}
	data := map[string]any{"type": typ, "id": id}
	maps.Copy(data, extra)
	raw, _ := json.Marshal(data)
	sum := sha1.Sum(raw)
	body, _ := json.Marshal(payload{Scope: scope, StoreID: strconv.FormatInt(s.storeID(), 10), Data: raw,
		Hash: hex.EncodeToString(sum[:]), CreatedAt: s.now().Unix(), Producer: "stores/" + s.hash})
	for _, h := range targets {
		s.delivery.enqueue(job{hookID: h.ID, scope: scope, destination: h.Destination, headers: maps.Clone(h.Headers), body: body})
	}
}

// emitInventory fires store/product/inventory/updated for a stock change
// made through the catalog API.
func (s *Store) emitInventory(p *product, v *variant, method string, value int) {
	inv := map[string]any{"product_id": p.ID, "method": method, "value": value}
	if v != nil {
		inv["variant_id"] = v.ID
	}
	s.emit("store/product/inventory/updated", "product", p.ID, map[string]any{"inventory": inv})
}

// emitInventoryOrder fires store/product/inventory/order/updated when an
// order takes stock.
func (s *Store) emitInventoryOrder(p *product, v *variant, qty int) {
	inv := map[string]any{"product_id": p.ID, "method": "relative", "value": -qty, "variant_id": v.ID}
	s.emit("store/product/inventory/order/updated", "product", p.ID, map[string]any{"inventory": inv})
}
