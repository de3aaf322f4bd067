package bigcommerce

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// resourceTestToken is recognisable so that a leak into an error would show.
const resourceTestToken = "tok-RESOURCES-secret-9f8e7d"

const testHash = "abc123"

// setupResources starts a test API server in the go-github style. Handlers are
// registered on the returned mux with paths below /stores/{hash}, e.g.
// "GET /v3/catalog/products". Any request no handler expects fails the test.
func setupResources(t *testing.T) (*testMux, *Client) {
	t.Helper()
	mux := &testMux{t: t, mux: http.NewServeMux()}
	mux.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("unexpected request %s %s", r.Method, r.URL)
		http.Error(w, "unexpected", http.StatusTeapot)
	})
	srv := httptest.NewServer(mux.mux)
	t.Cleanup(srv.Close)
	c, err := NewClient(testHash, resourceTestToken, WithBaseURL(srv.URL), WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	return mux, c
}

type testMux struct {
	t   *testing.T
	mux *http.ServeMux
}

// handle registers fn for a pattern such as "GET /v3/catalog/products" and
// returns a counter of the requests it served.
func (m *testMux) handle(pattern string, fn http.HandlerFunc) *atomic.Int32 {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok {
		m.t.Fatalf("pattern %q needs a method", pattern)
	}
	var n atomic.Int32
	m.mux.HandleFunc(method+" /stores/"+testHash+path, func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		if got := r.Header.Get("X-Auth-Token"); got != resourceTestToken {
			m.t.Errorf("%s: X-Auth-Token not sent", pattern)
		}
		fn(w, r)
	})
	return &n
}

// TestListWithNilOptions: a List given nil options sends no query at all.
func TestListWithNilOptions(t *testing.T) {
	t.Parallel()
	mux, c := setupResources(t)
	for _, path := range []string{"/v3/catalog/brands", "/v3/catalog/products", "/v3/customers", "/v3/hooks"} {
		mux.handle("GET "+path, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.RawQuery != "" {
				t.Errorf("%s: query %q, want none", path, r.URL.RawQuery)
			}
			writeJSON(w, 200, `{"data":[],"meta":{}}`)
		})
	}
	ctx := t.Context()
	for name, list := range map[string]func() error{
		"brands":    func() error { _, _, err := c.Brands.List(ctx, nil); return err },
		"products":  func() error { _, _, err := c.Products.List(ctx, nil); return err },
		"customers": func() error { _, _, err := c.Customers.List(ctx, nil); return err },
		"hooks":     func() error { _, _, err := c.Webhooks.List(ctx, nil); return err },
	} {
		if err := list(); err != nil {
			t.Errorf("%s.List(nil): %v", name, err)
		}
	}
}

// wantQuery asserts the request's query is exactly want.
func wantQuery(t *testing.T, r *http.Request, want url.Values) {
	t.Helper()
	got := r.URL.Query()
	if len(want) == 0 {
		want = url.Values{}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s %s query (-want +got):\n%s", r.Method, r.URL.Path, diff)
	}
}

// wantBody asserts the request body is the JSON want (compared as values).
func wantBody(t *testing.T, r *http.Request, want string) {
	t.Helper()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(jsonValue(t, want), jsonValue(t, string(b))); diff != "" {
		t.Errorf("%s %s body (-want +got):\n%s", r.Method, r.URL.Path, diff)
	}
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// wantBadRequest asserts err is a pre-request refusal naming field.
func wantBadRequest(t *testing.T, err error, field string) {
	t.Helper()
	if !errors.Is(err, ErrBadRequest) {
		t.Fatalf("err = %v, want ErrBadRequest", err)
	}
	var ie *InputError
	if !errors.As(err, &ie) || ie.Field != field {
		t.Fatalf("err = %v, want field %q", err, field)
	}
}

func TestListOptionsQuery(t *testing.T) {
	t.Parallel()
	may := mustTime(t, "2025-01-15T00:03:17Z")
	june := time.Date(2025, 6, 1, 12, 0, 0, 0, time.FixedZone("", -4*3600))
	tests := []struct {
		name string
		q    func() (url.Values, error)
		want url.Values
		// raw, when set, is a substring the encoded query must hold: the
		// date filters must reach the server with "+" and ":" escaped.
		raw string
	}{
		{
			name: "empty product options",
			q:    func() (url.Values, error) { return (&ProductListOptions{}).values() },
			want: nil,
		},
		{
			name: "product filters",
			q: func() (url.Values, error) {
				return (&ProductListOptions{
					IDs: []int{1, 2, 3}, Name: "Mug", SKU: "MUG-1", SKUs: []string{"A", "B"}, Keyword: "coffee",
					BrandID: 7, CategoryIDs: []int{20, 21}, IsVisible: Ptr(false), Availability: "available",
					Type: "physical", DateModifiedMin: may, DateModifiedMax: june,
					InventoryLevel: Ptr(0), InventoryLevelMin: Ptr(1), InventoryLevelMax: Ptr(9), InventoryLevelGreater: Ptr(2), InventoryLevelLess: Ptr(8),
					Include: []string{"variants", "images"}, IncludeFields: []string{"name", "price"},
					Sort: "date_modified", Direction: "desc", Page: 2, Limit: 250,
				}).values()
			},
			want: url.Values{
				"id:in": {"1,2,3"}, "name": {"Mug"}, "sku": {"MUG-1"}, "sku:in": {"A,B"}, "keyword": {"coffee"},
				"brand_id": {"7"}, "categories:in": {"20,21"}, "is_visible": {"false"}, "availability": {"available"},
				"type": {"physical"}, "date_modified:min": {"2025-01-15T00:03:17+00:00"}, "date_modified:max": {"2025-06-01T12:00:00-04:00"},
				"inventory_level": {"0"}, "inventory_level:min": {"1"}, "inventory_level:max": {"9"},
				"inventory_level:greater": {"2"}, "inventory_level:less": {"8"},
				"include": {"variants,images"}, "include_fields": {"name,price"},
				"sort": {"date_modified"}, "direction": {"desc"}, "page": {"2"}, "limit": {"250"},
			},
			raw: "date_modified%3Amin=2025-01-15T00%3A03%3A17%2B00%3A00",
		},
		{
			name: "order filters",
			q: func() (url.Values, error) {
				return (&OrderListOptions{
					StatusID: Ptr(0), CustomerID: 9, Email: "a+b@example.com",
					MinDateCreated: may, MaxDateCreated: may.Add(time.Hour), MinDateModified: may, MaxDateModified: june,
					MinID: 10, MaxID: 20, MinTotal: "10.50", MaxTotal: "99", ChannelID: 1,
					Sort: "date_modified:asc", IncludeConsignments: true, Page: 3, Limit: 250,
				}).values(false)
			},
			want: url.Values{
				"status_id": {"0"}, "customer_id": {"9"}, "email": {"a+b@example.com"},
				"min_date_created": {"2025-01-15T00:03:17+00:00"}, "max_date_created": {"2025-01-15T01:03:17+00:00"},
				"min_date_modified": {"2025-01-15T00:03:17+00:00"}, "max_date_modified": {"2025-06-01T12:00:00-04:00"},
				"min_id": {"10"}, "max_id": {"20"}, "min_total": {"10.50"}, "max_total": {"99"}, "channel_id": {"1"},
				"sort": {"date_modified:asc"}, "include": {"consignments.line_items"}, "consignment_structure": {"object"},
				"page": {"3"}, "limit": {"250"},
			},
			raw: "min_date_modified=2025-01-15T00%3A03%3A17%2B00%3A00",
		},
		{
			name: "order count drops paging, sort and include",
			q: func() (url.Values, error) {
				return (&OrderListOptions{StatusID: Ptr(11), Sort: "id:desc", IncludeConsignments: true, Page: 2, Limit: 10}).values(true)
			},
			want: url.Values{"status_id": {"11"}},
		},
		{
			name: "customer filters",
			q: func() (url.Values, error) {
				return (&CustomerListOptions{
					IDs: []int{4, 5}, Emails: []string{"a@example.com", "b@example.com"}, NameLike: "Jo",
					CustomerGroupIDs: []int{1}, DateCreatedMin: may, DateCreatedMax: june, DateModifiedMin: may, DateModifiedMax: may,
					Include: []string{"addresses", "attributes"}, Sort: "date_modified:asc", After: "aWQ6Nw==", Limit: 100,
				}).values()
			},
			want: url.Values{
				"id:in": {"4,5"}, "email:in": {"a@example.com,b@example.com"}, "name:like": {"Jo"},
				"customer_group_id:in": {"1"}, "date_created:min": {"2025-01-15T00:03:17+00:00"},
				"date_created:max": {"2025-06-01T12:00:00-04:00"}, "date_modified:min": {"2025-01-15T00:03:17+00:00"},
				"date_modified:max": {"2025-01-15T00:03:17+00:00"}, "include": {"addresses,attributes"},
				"sort": {"date_modified:asc"}, "after": {"aWQ6Nw=="}, "limit": {"100"},
			},
			raw: "after=aWQ6Nw%3D%3D",
		},
		{
			name: "tree categories",
			q: func() (url.Values, error) {
				return (&CategoryListOptions{TreeIDs: []int{1}, ParentIDs: []int{0, 3}, CategoryIDs: []int{5}, Name: "Bath", NameLike: "ba", IsVisible: Ptr(true)}).values()
			},
			want: url.Values{"tree_id:in": {"1"}, "parent_id:in": {"0,3"}, "category_id:in": {"5"}, "name": {"Bath"}, "name:like": {"ba"}, "is_visible": {"true"}},
		},
		{
			name: "metafields",
			q: func() (url.Values, error) {
				return (&MetafieldListOptions{Namespace: "bigc", Key: "synced", After: "xyz", Limit: 50}).values()
			},
			want: url.Values{"namespace": {"bigc"}, "key": {"synced"}, "after": {"xyz"}, "limit": {"50"}},
		},
		{
			name: "store-wide variants",
			q: func() (url.Values, error) {
				return (&VariantListOptions{IDs: []int{1}, SKU: "SKU 1/A", ProductIDs: []int{7, 8}}).values()
			},
			want: url.Values{"id:in": {"1"}, "sku": {"SKU 1/A"}, "product_id": {"7,8"}},
			raw:  "sku=SKU+1%2FA",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.q()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("query (-want +got):\n%s", diff)
			}
			if tt.raw != "" && !strings.Contains(got.Encode(), tt.raw) {
				t.Errorf("encoded query %q does not contain %q", got.Encode(), tt.raw)
			}
		})
	}
}

func TestListOptionsRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		q     func() (url.Values, error)
		field string
	}{
		{"product direction", func() (url.Values, error) { return (&ProductListOptions{Direction: "up"}).values() }, "direction"},
		{"product include", func() (url.Values, error) { return (&ProductListOptions{Include: []string{"variant"}}).values() }, "include"},
		{"product sort", func() (url.Values, error) { return (&ProductListOptions{Sort: "colour"}).values() }, "sort"},
		{"product type", func() (url.Values, error) { return (&ProductListOptions{Type: "service"}).values() }, "type"},
		{"limit too big", func() (url.Values, error) { return (&ProductListOptions{Limit: 251}).values() }, "limit"},
		{"negative page", func() (url.Values, error) { return (&OrderListOptions{Page: -1}).values(false) }, "page"},
		{"order total", func() (url.Values, error) { return (&OrderListOptions{MinTotal: "ten"}).values(false) }, "min_total"},
		{"customer include", func() (url.Values, error) { return (&CustomerListOptions{Include: []string{"orders"}}).values() }, "include"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.q()
			wantBadRequest(t, err, tt.field)
		})
	}
}

func TestChunks(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ n, size, want int }{{0, 10, 0}, {1, 10, 1}, {10, 10, 1}, {11, 10, 2}, {51, 50, 2}, {500, 250, 2}, {501, 250, 3}} {
		items := make([]int, tt.n)
		for i := range items {
			items[i] = i
		}
		got := chunks(items, tt.size)
		if len(got) != tt.want {
			t.Errorf("chunks(%d items, %d) = %d chunks, want %d", tt.n, tt.size, len(got), tt.want)
		}
		var flat []int
		for _, c := range got {
			if len(c) > tt.size || len(c) == 0 {
				t.Errorf("chunk of %d items, want 1 to %d", len(c), tt.size)
			}
			flat = append(flat, c...)
		}
		if len(flat) != tt.n {
			t.Errorf("chunks lost items: %d of %d", len(flat), tt.n)
		}
		for i, v := range flat {
			if v != i {
				t.Fatalf("chunks reordered items")
			}
		}
	}
}

// TestRefusalsSendNothing checks that input refused before the request
// never reaches the server (the catch-all handler fails the test otherwise).
func TestRefusalsSendNothing(t *testing.T) {
	t.Parallel()
	_, c := setupResources(t)
	ctx := context.Background()
	tests := []struct {
		name  string
		call  func() error
		field string
	}{
		{"delete products, empty", func() error { return c.Products.DeleteByIDs(ctx, nil) }, "id:in"},
		{"delete products, zero id", func() error { return c.Products.DeleteByIDs(ctx, []int{3, 0}) }, "id:in"},
		{"delete customers, empty", func() error { return c.Customers.Delete(ctx, []int{}) }, "id:in"},
		{"delete categories, empty", func() error { _, err := c.Categories.Delete(ctx, nil); return err }, "category_id:in"},
		{"batch update products, empty", func() error { _, err := c.Products.BatchUpdate(ctx, nil); return err }, "products"},
		{"batch update variants, no id", func() error {
			_, err := c.Variants.BatchUpdate(ctx, []VariantBatchUpdate{{VariantUpdateRequest: VariantUpdateRequest{Price: Ptr(Decimal("1"))}}})
			return err
		}, "variants[0].id"},
		{"batch update products, bad price", func() error {
			_, err := c.Products.BatchUpdate(ctx, []ProductBatchUpdate{{ID: 1}, {ID: 2, ProductUpdateRequest: ProductUpdateRequest{Price: Ptr(Decimal("1,50"))}}})
			return err
		}, "products[1].price"},
		{"create customers, empty", func() error { _, err := c.Customers.Create(ctx, nil); return err }, "customers"},
		{"create customers, no email", func() error {
			_, err := c.Customers.Create(ctx, []*CustomerCreateRequest{{FirstName: "A", LastName: "B"}})
			return err
		}, "customers[0].email"},
		{"get product, id 0", func() error { _, _, err := c.Products.Get(ctx, 0, nil); return err }, "product_id"},
		{"get customer, negative id", func() error { _, _, err := c.Customers.Get(ctx, -4); return err }, "customer_id"},
		{"find by empty sku", func() error { _, err := c.Variants.FindBySKU(ctx, ""); return err }, "sku"},
		{"list with bad option", func() error {
			_, _, err := c.Products.List(ctx, &ProductListOptions{Direction: "sideways"})
			return err
		}, "direction"},
		{"all with bad option", func() error {
			for _, err := range c.Orders.All(ctx, &OrderListOptions{MinTotal: "1e5"}) {
				return err
			}
			return nil
		}, "min_total"},
		{"metafield owner type", func() error {
			_, _, err := c.Metafields.List(ctx, MetafieldOwner{Type: "cart", ID: 1}, nil)
			return err
		}, "resource_type"},
		{"variant metafield without product", func() error {
			_, _, err := c.Metafields.List(ctx, MetafieldOwner{Type: MetafieldOwnerVariant, ID: 1}, nil)
			return err
		}, "product_id"},
		{"hook over http", func() error {
			_, _, err := c.Webhooks.Create(ctx, &HookCreateRequest{Scope: "store/order/created", Destination: "http://example.com/hook"})
			return err
		}, "destination"},
		{"hook update with nothing", func() error { _, _, err := c.Webhooks.Update(ctx, 3, &HookUpdateRequest{}); return err }, "hook"},
		{"order without products", func() error {
			_, _, err := c.Orders.Create(ctx, &OrderCreateRequest{BillingAddress: &BillingAddress{FirstName: "A"}})
			return err
		}, "products"},
		{"shipment without items", func() error {
			_, _, err := c.Orders.CreateShipment(ctx, 1, &ShipmentCreateRequest{OrderAddressID: 2})
			return err
		}, "items"},
		{"category without tree or parent", func() error {
			_, _, err := c.Categories.Create(ctx, []*CategoryCreateRequest{{Name: "Bath"}})
			return err
		}, "categories[0]"},
		{"metafield permission", func() error {
			_, _, err := c.Metafields.Create(ctx, MetafieldOwner{Type: MetafieldOwnerOrder, ID: 1},
				&MetafieldCreateRequest{Namespace: "n", Key: "k", Value: "v", PermissionSet: "public"})
			return err
		}, "permission_set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			wantBadRequest(t, err, tt.field)
			if strings.Contains(err.Error(), resourceTestToken) {
				t.Errorf("error %q holds the token", err)
			}
		})
	}
}

// jsonArray builds a JSON array of n items.
func jsonArray(n int, item func(i int) string) string {
	var b strings.Builder
	b.WriteByte('[')
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(item(i))
	}
	b.WriteByte(']')
	return b.String()
}

func v3Page(data string, page, totalPages int) string {
	return fmt.Sprintf(`{"data":%s,"meta":{"pagination":{"total":0,"count":0,"per_page":250,"current_page":%d,"total_pages":%d,"links":{}}}}`, data, page, totalPages)
}

// jsonValue decodes s keeping numbers exact, so that 19.99 and 19.990 differ.
func jsonValue(t *testing.T, s string) any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("invalid JSON %q: %v", s, err)
	}
	return v
}
