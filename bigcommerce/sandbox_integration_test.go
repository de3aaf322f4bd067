package bigcommerce_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/sandbox"
	"github.com/bigc-dev/bigc/sandbox/sandboxtest"
)

// sandboxClient starts a small sandbox store and a client for it.
func sandboxClient(t testing.TB, opts sandbox.Options) (*bigcommerce.Client, *sandbox.Server) {
	t.Helper()
	srv := sandboxtest.NewServer(t, opts)
	c, err := bigcommerce.NewClient(srv.StoreHash, srv.Tokens.Full, bigcommerce.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	return c, srv
}

func TestSandboxListsEveryRecordOnce(t *testing.T) {
	t.Parallel()
	// More than one page of each, so the pagers really page.
	c, srv := sandboxClient(t, sandbox.Options{Seed: 5, Products: 260, Customers: 255, Orders: 520})
	ctx := context.Background()
	counts := srv.Store.Counts()

	seen := map[int]bool{}
	for p, err := range c.Products.All(ctx, &bigcommerce.ProductListOptions{Include: []string{"variants"}}) {
		if err != nil {
			t.Fatal(err)
		}
		if seen[p.ID] {
			t.Fatalf("product %d listed twice", p.ID)
		}
		seen[p.ID] = true
		if len(p.Variants) == 0 || p.Price == "" || p.DateModified.IsZero() {
			t.Fatalf("product %d decoded incompletely: %+v", p.ID, p)
		}
	}
	if len(seen) != counts.Products || len(seen) != 260 {
		t.Errorf("listed %d products, the store has %d", len(seen), counts.Products)
	}

	clear(seen)
	for o, err := range c.Orders.All(ctx, &bigcommerce.OrderListOptions{Sort: "date_modified:asc"}) {
		if err != nil {
			t.Fatal(err)
		}
		if seen[o.ID] {
			t.Fatalf("order %d listed twice", o.ID)
		}
		seen[o.ID] = true
		if o.DateCreated.IsZero() || o.TotalIncTax == "" || o.BillingAddress == nil {
			t.Fatalf("order %d decoded incompletely: %+v", o.ID, o)
		}
	}
	n, _, err := c.Orders.Count(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != n.Count || len(seen) != counts.Orders {
		t.Errorf("listed %d orders; count says %d, the store has %d", len(seen), n.Count, counts.Orders)
	}
	perStatus := 0
	for _, s := range n.Statuses {
		perStatus += s.Count
	}
	if perStatus != n.Count {
		t.Errorf("statuses add up to %d, count is %d", perStatus, n.Count)
	}

	clear(seen)
	for cu, err := range c.Customers.All(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		if seen[cu.ID] {
			t.Fatalf("customer %d listed twice", cu.ID)
		}
		seen[cu.ID] = true
	}
	if len(seen) != counts.Customers || len(seen) != 255 {
		t.Errorf("listed %d customers, the store has %d", len(seen), counts.Customers)
	}
}

func TestSandboxV2EndsWith204(t *testing.T) {
	t.Parallel()
	c, _ := sandboxClient(t, sandbox.Options{Seed: 2, Products: 3, Customers: 3, Orders: 5})
	orders, resp, err := c.Orders.List(context.Background(), &bigcommerce.OrderListOptions{Page: 2, Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(orders) != 0 || resp.StatusCode != http.StatusNoContent {
		t.Errorf("page past the end: %d orders, status %d; want none and 204", len(orders), resp.StatusCode)
	}
}

func TestSandboxGetOrderWithLineItems(t *testing.T) {
	t.Parallel()
	c, _ := sandboxClient(t, sandbox.Options{Seed: 4, Products: 10, Customers: 5, Orders: 10})
	ctx := context.Background()
	list, _, err := c.Orders.List(ctx, &bigcommerce.OrderListOptions{Limit: 1, IncludeConsignments: true})
	if err != nil || len(list) != 1 {
		t.Fatalf("List = %v, %v", list, err)
	}
	o, _, err := c.Orders.Get(ctx, list[0].ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	items, err := c.Orders.Products(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) == 0 || items[0].OrderID != o.ID || items[0].ProductID == 0 {
		t.Fatalf("line items %+v", items)
	}
	if cons := list[0].Consignments; cons == nil || len(cons.Shipping) == 0 || len(cons.Shipping[0].LineItems) == 0 {
		t.Errorf("consignments with line items missing: %+v", cons)
	}
	if _, _, err := c.Orders.Get(ctx, 999999, nil); !errors.Is(err, bigcommerce.ErrNotFound) {
		t.Errorf("Get(999999) err = %v, want ErrNotFound", err)
	}
}

func TestSandboxProductLifecycle(t *testing.T) {
	t.Parallel()
	c, srv := sandboxClient(t, sandbox.Options{Seed: 6, Products: 5, Customers: 1, Orders: 1})
	ctx := context.Background()
	created, _, err := c.Products.Create(ctx, &bigcommerce.ProductCreateRequest{
		Name: "Integration Mug", Type: "physical", Weight: "0.5", Price: "12.50", SKU: "INT-MUG",
		InventoryTracking: "product", InventoryLevel: 7,
		CustomFields: []*bigcommerce.CustomFieldRequest{{Name: "Material", Value: "Ceramic"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if created.ID == 0 || created.Price != "12.5" && created.Price != "12.50" {
		t.Fatalf("created %+v", created)
	}
	if _, ok := srv.Store.Product(created.ID); !ok {
		t.Fatalf("the store has no product %d", created.ID)
	}

	got, _, err := c.Products.Get(ctx, created.ID, &bigcommerce.ProductGetOptions{Include: []string{"custom_fields", "variants"}})
	if err != nil {
		t.Fatal(err)
	}
	if got.SKU != "INT-MUG" || len(got.CustomFields) != 1 || got.CustomFields[0].Value != "Ceramic" {
		t.Errorf("got %+v", got)
	}

	v, err := c.Variants.FindBySKU(ctx, "INT-MUG")
	if err != nil {
		t.Fatal(err)
	}
	if v.ProductID != created.ID {
		t.Errorf("FindBySKU product %d, want %d", v.ProductID, created.ID)
	}

	updated, _, err := c.Products.Update(ctx, created.ID, &bigcommerce.ProductUpdateRequest{
		Price: bigcommerce.Ptr(bigcommerce.Decimal("0")), InventoryLevel: bigcommerce.Ptr(0), IsVisible: bigcommerce.Ptr(false),
	})
	if err != nil {
		t.Fatal(err)
	}
	if updated.Price != "0" || updated.InventoryLevel != 0 || updated.IsVisible {
		t.Errorf("updated %+v", updated)
	}

	if _, err := c.Products.Delete(ctx, created.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Products.Get(ctx, created.ID, nil); !errors.Is(err, bigcommerce.ErrNotFound) {
		t.Errorf("Get after delete err = %v, want ErrNotFound", err)
	}
	if _, err := c.Variants.FindBySKU(ctx, "INT-MUG"); !errors.Is(err, bigcommerce.ErrNotFound) {
		t.Errorf("FindBySKU after delete err = %v, want ErrNotFound", err)
	}
}

func TestSandboxBatchesAndMetafields(t *testing.T) {
	t.Parallel()
	c, srv := sandboxClient(t, sandbox.Options{Seed: 7, Products: 12, Customers: 2, Orders: 2})
	ctx := context.Background()
	ids := srv.Store.ProductIDs()
	if len(ids) < 11 {
		t.Fatalf("store has %d products", len(ids))
	}
	var ups []bigcommerce.ProductBatchUpdate
	for i, id := range ids[:11] {
		ups = append(ups, bigcommerce.ProductBatchUpdate{ID: id, ProductUpdateRequest: bigcommerce.ProductUpdateRequest{InventoryLevel: bigcommerce.Ptr(100 + i)}})
	}
	got, err := c.Products.BatchUpdate(ctx, ups)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 11 {
		t.Errorf("batch update returned %d products, want 11", len(got))
	}
	p, _, err := c.Products.Get(ctx, ids[10], nil)
	if err != nil || p.InventoryLevel != 110 {
		t.Errorf("product %d inventory %d, %v; want 110", ids[10], p.InventoryLevel, err)
	}

	var in []*bigcommerce.CustomerCreateRequest
	for i := range 11 {
		in = append(in, &bigcommerce.CustomerCreateRequest{Email: fmt.Sprintf("batch%d@example.com", i), FirstName: "Batch", LastName: fmt.Sprint(i)})
	}
	custs, err := c.Customers.Create(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(custs) != 11 {
		t.Fatalf("created %d customers, want 11", len(custs))
	}
	cu, _, err := c.Customers.Get(ctx, custs[10].ID)
	if err != nil || cu.Email != "batch10@example.com" {
		t.Fatalf("Get = %+v, %v", cu, err)
	}
	var cids []int
	for _, cu := range custs {
		cids = append(cids, cu.ID)
	}
	if err := c.Customers.Delete(ctx, cids); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Customers.Get(ctx, custs[0].ID); !errors.Is(err, bigcommerce.ErrNotFound) {
		t.Errorf("Get after delete err = %v, want ErrNotFound", err)
	}

	orders, _, err := c.Orders.List(ctx, &bigcommerce.OrderListOptions{Limit: 1})
	if err != nil || len(orders) != 1 {
		t.Fatalf("orders %v, %v", orders, err)
	}
	owner := bigcommerce.MetafieldOwner{Type: bigcommerce.MetafieldOwnerOrder, ID: orders[0].ID}
	m, _, err := c.Metafields.Create(ctx, owner, &bigcommerce.MetafieldCreateRequest{Namespace: "bigc", Key: "synced", Value: "yes", PermissionSet: "app_only"})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = c.Metafields.Create(ctx, owner, &bigcommerce.MetafieldCreateRequest{Namespace: "bigc", Key: "synced", Value: "again", PermissionSet: "app_only"})
	if !errors.Is(err, bigcommerce.ErrConflict) {
		t.Errorf("duplicate metafield err = %v, want ErrConflict", err)
	}
	var keys []string
	for mf, err := range c.Metafields.All(ctx, owner, &bigcommerce.MetafieldListOptions{Namespace: "bigc"}) {
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, mf.Key)
	}
	if !slices.Equal(keys, []string{"synced"}) {
		t.Errorf("metafield keys %v", keys)
	}
	if _, err := c.Metafields.Delete(ctx, owner, m.ID); err != nil {
		t.Fatal(err)
	}
}

func TestSandboxStoreAndCatalogReads(t *testing.T) {
	t.Parallel()
	c, srv := sandboxClient(t, sandbox.Options{Seed: 8, Products: 5, Customers: 1, Orders: 1})
	ctx := context.Background()
	if _, err := c.Store.Time(ctx); err != nil {
		t.Fatal(err)
	}
	info, err := c.Store.Info(ctx)
	if err != nil || info.ID != srv.StoreHash {
		t.Fatalf("Info = %+v, %v; want id %s", info, err, srv.StoreHash)
	}
	trees, _, err := c.Categories.ListTrees(ctx)
	if err != nil || len(trees) == 0 {
		t.Fatalf("ListTrees = %v, %v", trees, err)
	}
	nodes, err := c.Categories.Tree(ctx, trees[0].ID)
	if err != nil || len(nodes) == 0 {
		t.Fatalf("Tree = %v, %v", nodes, err)
	}
	flat := 0
	for _, err := range c.Categories.All(ctx, &bigcommerce.CategoryListOptions{TreeIDs: []int{trees[0].ID}}) {
		if err != nil {
			t.Fatal(err)
		}
		flat++
	}
	var walk func([]*bigcommerce.CategoryNode) int
	walk = func(ns []*bigcommerce.CategoryNode) int {
		n := 0
		for _, x := range ns {
			n += 1 + walk(x.Children)
		}
		return n
	}
	if walk(nodes) != flat {
		t.Errorf("tree has %d nodes, the category list %d", walk(nodes), flat)
	}
	statuses, _, err := c.Orders.Statuses(ctx)
	if err != nil || len(statuses) != 15 {
		t.Errorf("Statuses = %d, %v; want 15", len(statuses), err)
	}
}

// TestSandboxDateFilters checks the date filters end to end: the records a
// min-date filter returns are exactly those modified at or after it.
func TestSandboxDateFilters(t *testing.T) {
	t.Parallel()
	c, _ := sandboxClient(t, sandbox.Options{Seed: 9, Products: 40, Customers: 40, Orders: 80})
	ctx := context.Background()

	var orderDates []time.Time
	for o, err := range c.Orders.All(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		orderDates = append(orderDates, o.DateModified.Time)
	}
	since := median(orderDates).In(time.FixedZone("", 5*3600+1800)) // a "+05:30" offset on the wire
	want := countSince(orderDates, since)
	got := 0
	for o, err := range c.Orders.All(ctx, &bigcommerce.OrderListOptions{MinDateModified: since, Sort: "date_modified:asc"}) {
		if err != nil {
			t.Fatal(err)
		}
		if o.DateModified.Before(since) {
			t.Errorf("order %d modified %v, before %v", o.ID, o.DateModified, since)
		}
		got++
	}
	if got != want || want == 0 || want == len(orderDates) {
		t.Errorf("orders since %v: got %d, want %d of %d", since, got, want, len(orderDates))
	}

	var productDates []time.Time
	for p, err := range c.Products.All(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		productDates = append(productDates, p.DateModified.Time)
	}
	since = median(productDates)
	got = 0
	for _, err := range c.Products.All(ctx, &bigcommerce.ProductListOptions{DateModifiedMin: since}) {
		if err != nil {
			t.Fatal(err)
		}
		got++
	}
	if want := countSince(productDates, since); got != want {
		t.Errorf("products since %v: got %d, want %d", since, got, want)
	}

	var customerDates []time.Time
	for cu, err := range c.Customers.All(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		customerDates = append(customerDates, cu.DateModified.Time)
	}
	since = median(customerDates)
	got = 0
	for _, err := range c.Customers.All(ctx, &bigcommerce.CustomerListOptions{DateModifiedMin: since, Sort: "date_modified:asc"}) {
		if err != nil {
			t.Fatal(err)
		}
		got++
	}
	if want := countSince(customerDates, since); got != want {
		t.Errorf("customers since %v: got %d, want %d", since, got, want)
	}
}

func median(ts []time.Time) time.Time {
	s := slices.Clone(ts)
	slices.SortFunc(s, func(a, b time.Time) int { return a.Compare(b) })
	return s[len(s)/2]
}

func countSince(ts []time.Time, since time.Time) int {
	n := 0
	for _, t := range ts {
		if !t.Before(since) {
			n++
		}
	}
	return n
}

// TestSandboxAllUnderFaults lists every order, product and customer while the
// sandbox fails some requests (5xx and dropped connections): each record must
// come exactly once.
func TestSandboxAllUnderFaults(t *testing.T) {
	t.Parallel()
	faults, err := sandbox.ParseFaults("500=0.2,503=0.2,reset=0.1")
	if err != nil {
		t.Fatal(err)
	}
	c, srv := sandboxClient(t, sandbox.Options{Seed: 11, Products: 300, Customers: 260, Orders: 600, Faults: faults})
	ctx := context.Background()
	counts := srv.Store.Counts()
	check := func(name string, want int, ids func(yield func(int, error) bool)) {
		seen := map[int]bool{}
		for id, err := range ids {
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if seen[id] {
				t.Fatalf("%s: %d yielded twice", name, id)
			}
			seen[id] = true
		}
		if len(seen) != want {
			t.Errorf("%s: %d yielded, the store has %d", name, len(seen), want)
		}
	}
	check("orders", counts.Orders, func(yield func(int, error) bool) {
		for o, err := range c.Orders.All(ctx, nil) {
			if !yield(idOf(o, func(o *bigcommerce.Order) int { return o.ID }), err) {
				return
			}
		}
	})
	check("products", counts.Products, func(yield func(int, error) bool) {
		for p, err := range c.Products.All(ctx, nil) {
			if !yield(idOf(p, func(p *bigcommerce.Product) int { return p.ID }), err) {
				return
			}
		}
	})
	check("customers", counts.Customers, func(yield func(int, error) bool) {
		for cu, err := range c.Customers.All(ctx, nil) {
			if !yield(idOf(cu, func(c *bigcommerce.Customer) int { return c.ID }), err) {
				return
			}
		}
	})
	st := srv.Store.Stats()
	if faults := st.ByStatus["500"] + st.ByStatus["503"] + st.ConnectionsDropped; faults == 0 {
		t.Errorf("no request failed (stats %+v): the test proves nothing", st)
	}
}

func idOf[T any](v *T, id func(*T) int) int {
	if v == nil {
		return 0
	}
	return id(v)
}
