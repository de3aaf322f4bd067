package sandbox

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// This file holds *Store's Go methods for tests and for operators: direct
// reads and changes that bypass the API, the quota and the faults.

func newRand(seed int64, salt uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), salt^0x09e4))
}

// SetFaults replaces the faults at run time.
func (s *Store) SetFaults(f Faults) { s.faults.set(f) }

// SetQuota replaces the quota (0 turns it off) and window, starting a new window.
func (s *Store) SetQuota(quota int, window time.Duration) {
	if window <= 0 {
		window = defaultWindow
	}
	s.limiter.set(quota, window)
}

// OrderSnapshot is a copy of one order's state.
type OrderSnapshot struct {
	ID           int
	CustomerID   int
	StatusID     int
	Status       string
	IsDeleted    bool
	DateCreated  time.Time
	DateModified time.Time
	TotalIncTax  string // V2 decimal string
	StaffNotes   string
	Lines        []OrderLineSnapshot
}

// OrderLineSnapshot is one line of an order.
type OrderLineSnapshot struct {
	ID, ProductID, VariantID int
	SKU, Name                string
	Quantity                 int
}

func snapshotOrder(o *order) OrderSnapshot {
	out := OrderSnapshot{ID: o.id, CustomerID: o.customerID, StatusID: int(o.status), Status: statusNames[o.status],
		IsDeleted: o.deleted, DateCreated: time.Unix(o.created, 0).UTC(), DateModified: time.Unix(o.modified, 0).UTC(),
		TotalIncTax: o.total.v2()}
	if o.extra != nil {
		out.StaffNotes = o.extra.staffNotes
	}
	for _, l := range o.lines {
		out.Lines = append(out.Lines, OrderLineSnapshot{ID: l.id, ProductID: l.productID, VariantID: l.variantID, SKU: l.sku, Name: l.name, Quantity: l.qty})
	}
	return out
}

// Order returns a copy of order id, archived or not.
func (s *Store) Order(id int) (OrderSnapshot, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	o := s.ord.get(id)
	if o == nil {
		return OrderSnapshot{}, false
	}
	return snapshotOrder(o), true
}

// CreateOrder creates an order as POST /v2/orders would, firing the same
// webhooks. in == nil makes a random order of real variants.
func (s *Store) CreateOrder(in *OrderInput) (OrderSnapshot, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var o *order
	var err error
	if in == nil {
		if o = s.randomOrder(newRand(s.opts.Seed, uint64(len(s.ord.orders))), s.now().Unix()); o == nil {
			err = errors.New("sandbox: could not make a random order")
		}
	} else {
		o, err = s.createOrder(in, s.now().Unix())
	}
	if err != nil {
		return OrderSnapshot{}, err
	}
	return snapshotOrder(o), nil
}

// UpdateOrderStatus changes an order's status as PUT /v2/orders/{id} would,
// moving date_modified and firing store/order/updated and statusUpdated.
func (s *Store) UpdateOrderStatus(id, status int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.ord.get(id)
	if o == nil {
		return fmt.Errorf("sandbox: order %d does not exist", id)
	}
	return s.updateOrder(o, &orderUpdate{StatusID: &status}, s.now().Unix())
}

// ArchiveOrder archives an order as DELETE /v2/orders/{id} would.
func (s *Store) ArchiveOrder(id int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.ord.get(id)
	if o == nil {
		return fmt.Errorf("sandbox: order %d does not exist", id)
	}
	s.archiveOrder(o)
	return nil
}

// Counts are the numbers of live records in the store.
type Counts struct {
	Products, Variants, Customers, Orders, ArchivedOrders, Hooks, Categories, Brands int
}

// Counts counts the store's records.
func (s *Store) Counts() Counts {
	s.mu.RLock()
	defer s.mu.RUnlock()
	c := Counts{Products: len(s.cat.products), Variants: len(s.cat.variants), Customers: len(s.crm.customers),
		Hooks: len(s.hks.hooks), Categories: len(s.cat.categories), Brands: len(s.cat.brands)}
	for _, o := range s.ord.orders {
		if o.deleted {
			c.ArchivedOrders++
		} else {
			c.Orders++
		}
	}
	return c
}

// MetafieldSnapshot is a copy of one metafield.
type MetafieldSnapshot struct {
	ID                         int
	Namespace, Key, Value      string
	PermissionSet, Description string
}

// OrderMetafields returns the metafields of order id.
func (s *Store) OrderMetafields(id int) []MetafieldSnapshot {
	return s.metafields(kindOrder, id)
}

// ProductMetafields returns the metafields of product id.
func (s *Store) ProductMetafields(id int) []MetafieldSnapshot {
	return s.metafields(kindProduct, id)
}

func (s *Store) metafields(kind resourceKind, id int) []MetafieldSnapshot {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []MetafieldSnapshot
	for _, m := range s.meta.byResource[resKey{kind, id}] {
		out = append(out, MetafieldSnapshot{ID: m.ID, Namespace: m.Namespace, Key: m.Key, Value: m.Value, PermissionSet: m.PermissionSet, Description: m.Description})
	}
	return out
}

// ProductSnapshot is a copy of one product's identity and stock.
type ProductSnapshot struct {
	ID                int
	Name, SKU         string
	InventoryTracking string
	InventoryLevel    int
	TotalSold         int
	DateModified      time.Time
	Variants          []VariantSnapshot
}

// VariantSnapshot is a copy of one variant's identity and stock.
type VariantSnapshot struct {
	ID             int
	SKU            string
	InventoryLevel int
}

// Product returns a copy of product id.
func (s *Store) Product(id int) (ProductSnapshot, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	p := s.cat.products[id]
	if p == nil {
		return ProductSnapshot{}, false
	}
	out := ProductSnapshot{ID: p.ID, Name: p.Name, SKU: p.SKU, InventoryTracking: p.InventoryTracking, InventoryLevel: p.InventoryLevel,
		TotalSold: p.TotalSold, DateModified: time.Unix(int64(p.DateModified), 0).UTC()}
	for _, v := range p.Variants {
		out.Variants = append(out.Variants, VariantSnapshot{ID: v.ID, SKU: v.SKU, InventoryLevel: v.InventoryLevel})
	}
	return out, true
}

// ProductIDs returns every product id in ascending order.
func (s *Store) ProductIDs() []int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ids := make([]int, len(s.cat.productList))
	for i, p := range s.cat.productList {
		ids[i] = p.ID
	}
	return ids
}

// CustomerIDs returns every customer id in ascending order.
func (s *Store) CustomerIDs() []int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]int(nil), s.crm.ids...)
}

// HookActive reports whether hook id exists and is active.
func (s *Store) HookActive(id int) bool { return s.hookActive(id) }
