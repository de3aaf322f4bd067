package sandbox

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

type productJSON struct {
	ID                int     `json:"id"`
	Name              string  `json:"name"`
	SKU               string  `json:"sku"`
	Price             float64 `json:"price"`
	InventoryLevel    int     `json:"inventory_level"`
	InventoryTracking string  `json:"inventory_tracking"`
	BaseVariantID     *int    `json:"base_variant_id"`
	DateModified      string  `json:"date_modified"`
	Variants          []struct {
		ID             int    `json:"id"`
		SKU            string `json:"sku"`
		InventoryLevel int    `json:"inventory_level"`
		OptionValues   []struct {
			ID       int    `json:"id"`
			OptionID int    `json:"option_id"`
			Label    string `json:"label"`
		} `json:"option_values"`
	} `json:"variants"`
	Images       []obj `json:"images"`
	CustomFields []obj `json:"custom_fields"`
}

func TestProductsOffsetPagination(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Products: 25, Orders: 1})
	p := must[envelope[[]productJSON]](t, c.get("/v3/catalog/products?limit=10&page=2&is_visible=true"), 200)
	pg := p.Meta.Pagination
	if pg == nil {
		t.Fatal("no meta.pagination")
	}
	if pg.Count != len(p.Data) || pg.PerPage != 10 || pg.CurrentPage != 2 || pg.TotalPages != (pg.Total+9)/10 {
		t.Errorf("pagination = %+v with %d items", *pg, len(p.Data))
	}
	if pg.Links.Current != "?is_visible=true&page=2&limit=10" || pg.Links.Previous != "?is_visible=true&page=1&limit=10" {
		t.Errorf("links = %+v, want relative query strings", pg.Links)
	}
	if pg.Links.Next != "?is_visible=true&page=3&limit=10" {
		t.Errorf("next = %q", pg.Links.Next)
	}
	def := must[envelope[[]productJSON]](t, c.get("/v3/catalog/products"), 200)
	if def.Meta.Pagination.PerPage != 50 || len(def.Data) != 25 || def.Meta.Pagination.Links.Next != "" || def.Meta.Pagination.Links.Previous != "" {
		t.Errorf("default page: per_page %d, %d items, links %+v", def.Meta.Pagination.PerPage, len(def.Data), def.Meta.Pagination.Links)
	}
	for _, path := range []string{"/v3/catalog/products?limit=1000", "/v3/customers?limit=251", "/v3/hooks?limit=300",
		fmt.Sprintf("/v3/catalog/products/%d/metafields?limit=251", c.srv.Store.ProductIDs()[0])} {
		if e := must[v3Err](t, c.get(path), 413); e.Status != 413 || e.Errors["limit"] == "" {
			t.Errorf("%s = %+v, want 413 naming limit", path, e)
		}
	}
	big := must[envelope[[]productJSON]](t, c.get("/v3/catalog/products?limit=250"), 200)
	if big.Meta.Pagination.PerPage != 250 {
		t.Errorf("limit=250 gives per_page %d", big.Meta.Pagination.PerPage)
	}
	past := must[envelope[[]productJSON]](t, c.get("/v3/catalog/products?page=9"), 200)
	if len(past.Data) != 0 || past.Data == nil {
		t.Errorf("page past the end: data %v, want []", past.Data)
	}
}

func TestProductFilters(t *testing.T) {
	t.Parallel()
	clock := newFakeClock(anchor.Add(48 * time.Hour))
	c := newClient(t, Options{Products: 30, Orders: 1, Now: clock.Now})
	ids := c.srv.Store.ProductIDs()
	withVariants := 0
	var variantSKU string
	for _, id := range ids {
		p, _ := c.srv.Store.Product(id)
		if len(p.Variants) > 1 {
			withVariants, variantSKU = id, p.Variants[1].SKU
			break
		}
	}
	if withVariants == 0 {
		t.Fatal("no seeded product has variants")
	}
	clock.Advance(time.Hour)
	changed := ids[3]
	must[obj](t, c.do("PUT", fmt.Sprintf("/v3/catalog/products/%d", changed), obj{"price": 12.5}), 200)
	cases := []struct {
		query string
		want  func(productJSON) bool
		count int // -1: at least one
	}{
		{"id:in=" + fmt.Sprint(ids[0], ",", ids[2]), nil, 2},
		{"id:not_in=" + fmt.Sprint(ids[0]), func(p productJSON) bool { return p.ID != ids[0] }, 29},
		{fmt.Sprintf("id:min=%d&id:max=%d", ids[1], ids[4]), nil, 4},
		{fmt.Sprintf("id:greater=%d&id:less=%d", ids[1], ids[4]), nil, 2},
		{"name:like=" + qesc(strings.Fields(mustProduct(t, c, ids[5]).Name)[3]), func(p productJSON) bool { return p.ID == ids[5] }, 1},
		{"sku=" + variantSKU, nil, 0}, // the main SKU only: a variant's SKU finds no product
		{"sku=" + mustProduct(t, c, withVariants).SKU, func(p productJSON) bool { return p.ID == withVariants }, 1},
		{"sku:in=" + mustProduct(t, c, ids[6]).SKU + "," + mustProduct(t, c, ids[7]).SKU, nil, 2},
		{"price=12.5", func(p productJSON) bool { return p.ID == changed }, 1},
		{"price:max=100", func(p productJSON) bool { return p.Price <= 100 }, -1},
		{"date_modified:min=" + qesc(anchor.Add(48*time.Hour+30*time.Minute).Format(time.RFC3339)), func(p productJSON) bool { return p.ID == changed }, 1},
		{"date_modified:min=" + anchor.Add(48*time.Hour).Format("2006-01-02"), func(p productJSON) bool { return p.ID == changed }, 1},
		{"inventory_level:min=1&inventory_level:max=100000", func(p productJSON) bool { return p.InventoryLevel >= 1 }, -1},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			got := must[envelope[[]productJSON]](t, c.get("/v3/catalog/products?limit=250&"+tc.query), 200).Data
			if tc.count >= 0 && len(got) != tc.count || tc.count < 0 && len(got) == 0 {
				t.Fatalf("%d products, want %d", len(got), tc.count)
			}
			for _, p := range got {
				if tc.want != nil && !tc.want(p) {
					t.Errorf("product %d should not match", p.ID)
				}
			}
		})
	}
	if r := c.get("/v3/catalog/products?date_modified:min=yesterday"); r.status != 422 {
		t.Errorf("bad date filter = %d, want 422", r.status)
	}
}

func qesc(s string) string { return strings.NewReplacer("+", "%2B", " ", "%20", ":", "%3A").Replace(s) }

func mustProduct(t *testing.T, c *client, id int) ProductSnapshot {
	t.Helper()
	p, ok := c.srv.Store.Product(id)
	if !ok {
		t.Fatalf("product %d missing", id)
	}
	return p
}

func TestProductSortAndInclude(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Products: 20, Orders: 1})
	ps := must[envelope[[]productJSON]](t, c.get("/v3/catalog/products?sort=price&direction=desc"), 200).Data
	if !slices.IsSortedFunc(ps, func(a, b productJSON) int { return int(b.Price*100) - int(a.Price*100) }) {
		t.Error("sort=price&direction=desc is not descending by price")
	}
	if r := c.get("/v3/catalog/products?sort=colour"); r.status != 422 {
		t.Errorf("unknown sort = %d, want 422", r.status)
	}
	inc := must[envelope[[]productJSON]](t, c.get("/v3/catalog/products?include=variants,images,custom_fields&limit=5"), 200).Data
	for _, p := range inc {
		if len(p.Variants) == 0 || len(p.Images) == 0 || p.CustomFields == nil {
			t.Errorf("product %d: include did not add variants, images and custom_fields", p.ID)
		}
	}
	if capped := must[envelope[[]productJSON]](t, c.get("/v3/catalog/products?include=options&limit=50"), 200); len(capped.Data) != 10 || capped.Meta.Pagination.PerPage != 10 {
		t.Errorf("include=options gave %d per page, want the real API's cap of 10", len(capped.Data))
	}
	plain := must[obj](t, c.get("/v3/catalog/products?limit=1"), 200)
	first := plain["data"].([]any)[0].(obj)
	if _, ok := first["variants"]; ok {
		t.Error("variants present without include")
	}
	fields := must[obj](t, c.get("/v3/catalog/products?limit=2&include_fields=name,price"), 200)
	for _, d := range fields["data"].([]any) {
		keys := []string{}
		for k := range d.(obj) {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if !slices.Equal(keys, []string{"id", "name", "price"}) {
			t.Errorf("include_fields=name,price gave fields %v, want id, name, price", keys)
		}
	}
}

func TestProductCreateValidatesAndConflicts(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Products: 2, Orders: 1})
	e := must[v3Err](t, c.do("POST", "/v3/catalog/products", obj{"sku": "X"}), 422)
	for _, f := range []string{"name", "type", "weight", "price"} {
		if e.Errors[f] == "" {
			t.Errorf("422 has no message for %s: %+v", f, e.Errors)
		}
	}
	body := obj{"name": "Sandbox Tee", "type": "physical", "weight": 1.5, "price": "19.99", "sku": "TEE-1",
		"inventory_tracking": "variant", "custom_fields": []obj{{"name": "Fabric", "value": "Cotton"}},
		"images": []obj{{"image_url": "https://example.com/tee.jpg", "is_thumbnail": true}},
		"variants": []obj{
			{"sku": "TEE-1-S", "inventory_level": 5, "option_values": []obj{{"option_display_name": "Size", "label": "S"}}},
			{"sku": "TEE-1-M", "inventory_level": 7, "option_values": []obj{{"option_display_name": "Size", "label": "M"}}},
		}}
	created := must[envelope[productJSON]](t, c.do("POST", "/v3/catalog/products", body), 200).Data
	if created.ID == 0 || created.Price != 19.99 || len(created.Variants) != 2 || created.BaseVariantID != nil {
		t.Fatalf("created = %+v", created)
	}
	if created.InventoryLevel != 12 {
		t.Errorf("inventory_level = %d, want the variants' sum 12", created.InventoryLevel)
	}
	if len(created.Images) != 1 || len(created.CustomFields) != 1 {
		t.Errorf("images %v custom_fields %v", created.Images, created.CustomFields)
	}
	dupName := must[v3Err](t, c.do("POST", "/v3/catalog/products", obj{"name": "Sandbox Tee", "type": "physical", "weight": 1, "price": 1}), 409)
	if dupName.Errors["name"] == "" {
		t.Errorf("duplicate name 409 = %+v", dupName)
	}
	dupSKU := must[v3Err](t, c.do("POST", "/v3/catalog/products", obj{"name": "Other", "type": "physical", "weight": 1, "price": 1, "sku": "TEE-1-M"}), 409)
	if dupSKU.Errors["sku"] == "" {
		t.Errorf("duplicate SKU 409 = %+v", dupSKU)
	}
	if r := c.do("POST", "/v3/catalog/products", obj{"name": "Bad", "type": "physical", "weight": 1, "price": 1, "brand_id": 999}); r.status != 409 {
		t.Errorf("unknown brand_id = %d, want 409", r.status)
	}
	if r := c.do("POST", "/v3/catalog/products", obj{"name": "Bad", "type": "vinyl", "weight": 1, "price": 1}); r.status != 422 {
		t.Errorf("bad type = %d, want 422", r.status)
	}
}

func TestProductUpdateMovesDateModified(t *testing.T) {
	t.Parallel()
	clock := newFakeClock(anchor.Add(time.Hour))
	c := newClient(t, Options{Products: 2, Orders: 1, Now: clock.Now})
	id := c.srv.Store.ProductIDs()[0]
	before := must[envelope[productJSON]](t, c.get(fmt.Sprintf("/v3/catalog/products/%d", id)), 200).Data
	clock.Advance(time.Minute)
	after := must[envelope[productJSON]](t, c.do("PUT", fmt.Sprintf("/v3/catalog/products/%d", id), obj{"name": "Renamed"}), 200).Data
	if after.Name != "Renamed" || after.DateModified == before.DateModified {
		t.Errorf("after update: name %q date_modified %s (before %s)", after.Name, after.DateModified, before.DateModified)
	}
	if !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$`).MatchString(after.DateModified) {
		t.Errorf("V3 date %q is not ISO-8601", after.DateModified)
	}
	if want := clock.Now().UTC().Format("2006-01-02T15:04:05+00:00"); after.DateModified != want {
		t.Errorf("date_modified = %s, want %s", after.DateModified, want)
	}
	if r := c.do("PUT", "/v3/catalog/products/999999", obj{"name": "x"}); r.status != 404 {
		t.Errorf("update of a missing product = %d", r.status)
	}
}

func TestProductBatchUpdateAndDeleteByFilter(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Products: 15, Orders: 1})
	ids := c.srv.Store.ProductIDs()
	var batch []obj
	for _, id := range ids[:11] {
		batch = append(batch, obj{"id": id, "is_featured": true})
	}
	e := must[v3Err](t, c.do("PUT", "/v3/catalog/products", batch), 413)
	if !strings.Contains(e.Title, "10") {
		t.Errorf("413 title %q does not give the limit", e.Title)
	}
	got := must[envelope[[]productJSON]](t, c.do("PUT", "/v3/catalog/products", batch[:10]), 200).Data
	if len(got) != 10 {
		t.Errorf("batch of 10 returned %d", len(got))
	}
	if r := c.do("PUT", "/v3/catalog/products", []obj{{"name": "no id"}}); r.status != 422 {
		t.Errorf("batch item without id = %d, want 422", r.status)
	}
	if r := c.do("DELETE", "/v3/catalog/products", nil); r.status != 422 {
		t.Errorf("DELETE without a filter = %d, want 422", r.status)
	}
	if n := c.srv.Store.Counts().Products; n != 15 {
		t.Fatalf("products after refused delete = %d", n)
	}
	r := c.do("DELETE", fmt.Sprintf("/v3/catalog/products?id:in=%d,%d", ids[0], ids[1]), nil)
	if r.status != 204 || len(r.body) != 0 {
		t.Fatalf("DELETE by id:in = %d %q", r.status, r.body)
	}
	if n := c.srv.Store.Counts().Products; n != 13 {
		t.Errorf("products after delete = %d, want 13", n)
	}
	if r := c.get(fmt.Sprintf("/v3/catalog/products/%d", ids[0])); r.status != 404 {
		t.Errorf("deleted product GET = %d", r.status)
	}
	if r := c.do("DELETE", fmt.Sprintf("/v3/catalog/products/%d", ids[2]), nil); r.status != 204 {
		t.Errorf("DELETE one = %d", r.status)
	}
}

// TestProductFastPathAgreesWithTheScan compares the indexed id-range answer
// with the general scan, forced by a filter that matches everything.
func TestProductFastPathAgreesWithTheScan(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Products: 40, Orders: 1})
	ids := c.srv.Store.ProductIDs()
	for _, q := range []string{
		"limit=7&page=2",
		fmt.Sprintf("id:min=%d&id:max=%d&limit=5&page=2", ids[3], ids[30]),
		fmt.Sprintf("id:greater=%d&limit=50", ids[35]),
		"id:max=1",
	} {
		fast, slow := c.get("/v3/catalog/products?"+q), c.get("/v3/catalog/products?price:min=0&"+q)
		f := must[envelope[[]productJSON]](t, fast, 200)
		s := must[envelope[[]productJSON]](t, slow, 200)
		ids := func(ps []productJSON) (out []int) {
			for _, p := range ps {
				out = append(out, p.ID)
			}
			return out
		}
		if !slices.Equal(ids(f.Data), ids(s.Data)) || f.Meta.Pagination.Total != s.Meta.Pagination.Total {
			t.Errorf("%s: indexed answer (%d of %d) differs from the scan (%d of %d)", q, len(f.Data), f.Meta.Pagination.Total, len(s.Data), s.Meta.Pagination.Total)
		}
	}
}

// TestProductsSortedByDateModified checks the (date_modified, id) index
// against the products themselves, after updates move products along it.
func TestProductsSortedByDateModified(t *testing.T) {
	t.Parallel()
	clock := newFakeClock(anchor.Add(time.Hour))
	c := newClient(t, Options{Products: 40, Orders: 1, Now: clock.Now})
	ids := c.srv.Store.ProductIDs()
	for i, id := range []int{ids[5], ids[2], ids[30], ids[2], ids[9]} {
		clock.Advance(time.Duration(i%2) * time.Second)
		must[envelope[productJSON]](t, c.do("PUT", fmt.Sprintf("/v3/catalog/products/%d", id), obj{"sort_order": i}), 200)
	}
	c.do("DELETE", fmt.Sprintf("/v3/catalog/products/%d", ids[7]), nil)
	since := anchor.AddDate(0, -2, 0)
	var want []ProductSnapshot
	for _, id := range c.srv.Store.ProductIDs() {
		if p, _ := c.srv.Store.Product(id); !p.DateModified.Before(since) {
			want = append(want, p)
		}
	}
	slices.SortFunc(want, func(a, b ProductSnapshot) int {
		if d := a.DateModified.Compare(b.DateModified); d != 0 {
			return d
		}
		return a.ID - b.ID
	})
	for _, q := range []string{"", "&price:min=0", "&direction=desc"} {
		var got []int
		for page := 1; ; page++ {
			pg := must[envelope[[]productJSON]](t, c.get(fmt.Sprintf("/v3/catalog/products?sort=date_modified&limit=4&page=%d&date_modified:min=%s%s",
				page, qesc(since.Format(time.RFC3339)), q)), 200)
			for _, p := range pg.Data {
				got = append(got, p.ID)
			}
			if pg.Meta.Pagination.Total != len(want) {
				t.Fatalf("%s: total %d, want %d", q, pg.Meta.Pagination.Total, len(want))
			}
			if pg.Meta.Pagination.Links.Next == "" {
				break
			}
		}
		var wantIDs []int
		for _, p := range want {
			wantIDs = append(wantIDs, p.ID)
		}
		if q == "&direction=desc" {
			slices.Reverse(wantIDs)
		}
		if !slices.Equal(got, wantIDs) {
			t.Errorf("sort=date_modified%s = %v, want %v", q, got, wantIDs)
		}
	}
}
