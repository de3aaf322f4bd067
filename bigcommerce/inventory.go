package bigcommerce

import (
	"context"
	"iter"
	"net/http"
	"net/url"
)

// InventoryService handles location-aware stock (V3 /inventory): absolute and
// relative adjustments, and the items' levels per location.
type InventoryService struct{ c *Client }

// DefaultLocationID is the location every store has from the start.
const DefaultLocationID = 1

// MaxInventoryAdjustment is how many items one adjustment request may carry.
const MaxInventoryAdjustment = 2000

// InventoryAdjustmentItem is one item's quantity at a location. Exactly one of
// SKU, VariantID and ProductID names the item: ProductID for a product that
// tracks stock at product level, VariantID or SKU for one that tracks it per
// variant (the other kind answers 422).
type InventoryAdjustmentItem struct {
	LocationID int    `json:"location_id"`
	SKU        string `json:"sku,omitempty"`
	VariantID  int    `json:"variant_id,omitempty"`
	ProductID  int    `json:"product_id,omitempty"`
	Quantity   int    `json:"quantity"`
}

// InventoryAdjustment is the body of an absolute or relative adjustment.
type InventoryAdjustment struct {
	Reason string                    `json:"reason,omitempty"`
	Items  []InventoryAdjustmentItem `json:"items"`
}

// InventoryTransaction is an adjustment's answer.
type InventoryTransaction struct {
	TransactionID string `json:"transaction_id"`
}

func checkAdjustment(a *InventoryAdjustment, absolute bool) error {
	if a == nil || len(a.Items) == 0 {
		return invalid("items", "at least one item is required")
	}
	if len(a.Items) > MaxInventoryAdjustment {
		return invalid("items", "holds %d items; at most %d are allowed per request", len(a.Items), MaxInventoryAdjustment)
	}
	for i, it := range a.Items {
		f := "items[" + itoa(i) + "]"
		named := 0
		for _, set := range []bool{it.SKU != "", it.VariantID != 0, it.ProductID != 0} {
			if set {
				named++
			}
		}
		if named != 1 {
			return invalid(f, "name the item by exactly one of sku, variant_id and product_id")
		}
		if it.LocationID <= 0 {
			return invalid(f+".location_id", "%d is not a location id", it.LocationID)
		}
		if absolute && it.Quantity < 0 {
			return invalid(f+".quantity", "%d: an absolute level cannot be negative", it.Quantity)
		}
	}
	return nil
}

// SetAbsolute overrides items' stock levels: PUT
// /v3/inventory/adjustments/absolute, at most MaxInventoryAdjustment items.
// Setting the same levels twice leaves the same stock, so it is safe to retry.
func (s *InventoryService) SetAbsolute(ctx context.Context, a *InventoryAdjustment) (*InventoryTransaction, *Response, error) {
	if err := checkAdjustment(a, true); err != nil {
		return nil, nil, err
	}
	var out InventoryTransaction
	resp, err := s.c.do(ctx, request{method: http.MethodPut, version: "v3", path: "/inventory/adjustments/absolute", body: a}, &out)
	if err != nil {
		return nil, resp, err
	}
	return &out, resp, nil
}

// AdjustRelative adds to or takes from items' stock: POST
// /v3/inventory/adjustments/relative, at most MaxInventoryAdjustment items.
// It is not idempotent: a call whose outcome is unknown must not be repeated
// blindly (read the levels with Items first).
func (s *InventoryService) AdjustRelative(ctx context.Context, a *InventoryAdjustment) (*InventoryTransaction, *Response, error) {
	if err := checkAdjustment(a, false); err != nil {
		return nil, nil, err
	}
	var out InventoryTransaction
	resp, err := s.c.do(ctx, request{method: http.MethodPost, version: "v3", path: "/inventory/adjustments/relative", body: a}, &out)
	if err != nil {
		return nil, resp, err
	}
	return &out, resp, nil
}

// InventoryItem is one item's stock at every location.
type InventoryItem struct {
	Identity  InventoryIdentity   `json:"identity"`
	Locations []InventoryLocation `json:"locations"`
}

// InventoryIdentity names an inventory item.
type InventoryIdentity struct {
	SKU       string `json:"sku"`
	VariantID int    `json:"variant_id"`
	ProductID int    `json:"product_id"`
}

// InventoryLocation is an item's stock at one location.
type InventoryLocation struct {
	LocationID           int    `json:"location_id"`
	LocationCode         string `json:"location_code"`
	LocationName         string `json:"location_name"`
	AvailableToSell      int    `json:"available_to_sell"`
	TotalInventoryOnhand int    `json:"total_inventory_onhand"`
	LocationEnabled      bool   `json:"location_enabled"`
}

// InventoryItemListOptions filters GET /v3/inventory/items.
type InventoryItemListOptions struct {
	SKUs        []string // sku:in
	VariantIDs  []int    // variant_id:in
	ProductIDs  []int    // product_id:in
	LocationIDs []int    // location_id:in
}

func (o *InventoryItemListOptions) values() url.Values {
	if o == nil {
		return nil
	}
	q := newQuery()
	q.strs("sku:in", o.SKUs)
	q.ints("variant_id:in", o.VariantIDs)
	q.ints("product_id:in", o.ProductIDs)
	q.ints("location_id:in", o.LocationIDs)
	return q.values()
}

// Items iterates over items' stock at every location: GET /v3/inventory/items.
func (s *InventoryService) Items(ctx context.Context, opts *InventoryItemListOptions) iter.Seq2[*InventoryItem, error] {
	q := opts.values()
	return all(ctx, pagingV3Offset, func(ctx context.Context, p pageRequest) ([]*InventoryItem, *Response, error) {
		return listPage[*InventoryItem](ctx, s.c, "v3", "/inventory/items", q, p)
	})
}
