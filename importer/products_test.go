package importer

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/sandbox"
	"github.com/bigc-dev/bigc/state/statetest"
)

const shirtsJSONL = `{"name":"Import Tee","sku":"TEE","price":"20","categories":["Import/Shirts"],"variants":[{"sku":"TEE-S","options":[{"option":"Size","value":"S"}],"price":"20","inventory_level":3},{"sku":"TEE-M","options":[{"option":"Size","value":"M"}],"price":"21","inventory_level":4}],"images":[{"url":"https://img.example/tee.jpg"}],"custom_fields":[{"name":"Material","value":"Cotton"}]}
{"name":"Import Mug","sku":"MUG","price":"9.5","inventory_level":7}
{"name":"","sku":"BAD"}
`

func productBySKU(t *testing.T, c *bigcommerce.Client, sku string) []*bigcommerce.Product {
	t.Helper()
	ps, err := c.Products.BySKUs(context.Background(), []string{sku}, []string{"variants", "images", "custom_fields"})
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

func TestImportProductsCreatesUpdatesAndRerunsWithoutWrites(t *testing.T) {
	t.Parallel()
	c, srv := testStore(t, sandbox.Options{Seed: 3, Products: -1, Customers: -1, Orders: -1})
	db := statetest.Open(t)

	// Without --create-categories the tee is rejected, naming the path.
	sum, _, rej := runProducts(t, c, db, FormatJSONL, shirtsJSONL, nil)
	if sum.Created != 1 || sum.Rejected != 2 || sum.MissingCategories != 1 {
		t.Fatalf("first run: %+v\nrejected: %s", sum, rej)
	}
	if !strings.Contains(rej, `"line":1`) || !strings.Contains(rej, "Import/Shirts") || !strings.Contains(rej, `"field":"categories[0]"`) {
		t.Errorf("rejected file does not name the category path of line 1:\n%s", rej)
	}
	if !strings.Contains(rej, `"line":3`) || !strings.Contains(rej, `"field":"name"`) {
		t.Errorf("rejected file does not name line 3's name:\n%s", rej)
	}

	// With it, the tee is created with its variants; the mug is already done.
	sum, _, _ = runProducts(t, c, db, FormatJSONL, shirtsJSONL, func(j *Job) { j.CreateCategories = true })
	if sum.Created != 1 || sum.Done != 1 || sum.Rejected != 1 {
		t.Fatalf("second run: %+v", sum)
	}
	tee := productBySKU(t, c, "TEE")
	if len(tee) != 1 || len(tee[0].Variants) != 2 || len(tee[0].Images) != 1 || len(tee[0].CustomFields) != 1 || len(tee[0].Categories) != 1 {
		t.Fatalf("tee in the store: %+v", tee)
	}
	for _, v := range tee[0].Variants {
		want := map[string]int{"TEE-S": 3, "TEE-M": 4}[v.SKU]
		if v.InventoryLevel != want {
			t.Errorf("variant %s stock %d, want %d", v.SKU, v.InventoryLevel, want)
		}
	}

	// A rerun of the same file sends no write, and no read either.
	before := srv.Store.Stats().Requests
	sum, _, _ = runProducts(t, c, db, FormatJSONL, shirtsJSONL, func(j *Job) { j.CreateCategories = true })
	if sum.Writes != 0 || sum.Done != 2 {
		t.Errorf("rerun: %+v", sum)
	}
	// Only the bad row is read again (not at all: it fails before any look-up).
	if got := srv.Store.Stats().Requests - before; got != 0 {
		t.Errorf("rerun sent %d requests, want 0", got)
	}

	// A changed file updates only what differs: the mug's price and the
	// tee's M stock; the dry run says so and writes nothing.
	changed := strings.Replace(strings.Replace(shirtsJSONL, `"price":"9.5"`, `"price":"11"`, 1), `"inventory_level":4`, `"inventory_level":9`, 1)
	before = srv.Store.Stats().Requests
	sum, plan, _ := runProducts(t, c, db, FormatJSONL, changed, func(j *Job) { j.CreateCategories = true; j.DryRun = true })
	if sum.Updated != 2 || sum.Writes != 0 {
		t.Errorf("dry run: %+v", sum)
	}
	var lines []PlanLine
	for _, l := range strings.Split(strings.TrimSpace(plan), "\n") {
		var pl PlanLine
		if err := json.Unmarshal([]byte(l), &pl); err != nil {
			t.Fatalf("plan line %q: %v", l, err)
		}
		lines = append(lines, pl)
	}
	if len(lines) != 3 || lines[0].Action != "update" || lines[0].Changes["variants[TEE-M].inventory_level"] != [2]any{4.0, 9.0} ||
		lines[1].Changes["price"] != [2]any{9.5, 11.0} || lines[2].Action != "rejected" {
		t.Errorf("plan:\n%s", plan)
	}
	if p := productBySKU(t, c, "MUG")[0]; p.Price != "9.5" {
		t.Errorf("dry run changed the mug: price %s", p.Price)
	}
	_ = before

	sum, _, _ = runProducts(t, c, db, FormatJSONL, changed, func(j *Job) { j.CreateCategories = true })
	if sum.Updated != 2 || sum.Created != 0 {
		t.Errorf("update run: %+v", sum)
	}
	if p := productBySKU(t, c, "MUG")[0]; p.Price.Cmp("11") != 0 {
		t.Errorf("mug price %s, want 11", p.Price)
	}
	for _, v := range productBySKU(t, c, "TEE")[0].Variants {
		if v.SKU == "TEE-M" && v.InventoryLevel != 9 {
			t.Errorf("TEE-M stock %d, want 9", v.InventoryLevel)
		}
	}
}

// TestUpdateLeavesOutWhatTheRowLeavesOut: a row without type, weight or
// price does not reset the product's to the defaults a create would use.
func TestUpdateLeavesOutWhatTheRowLeavesOut(t *testing.T) {
	t.Parallel()
	c, _ := testStore(t, sandbox.Options{Seed: 8, Products: -1, Customers: -1, Orders: -1})
	if _, _, err := c.Products.Create(context.Background(), &bigcommerce.ProductCreateRequest{Name: "Ebook", Type: "digital", SKU: "EB", Weight: "2", Price: "7"}); err != nil {
		t.Fatal(err)
	}
	res, err := UpsertProduct(context.Background(), c, Product{Name: "Ebook", SKU: "EB"}, false, false)
	if err != nil || res.Action != actionUnchanged || len(res.Changes) != 0 {
		t.Fatalf("upsert: %+v %v", res, err)
	}
	p := productBySKU(t, c, "EB")[0]
	if p.Type != "digital" || p.Weight.Cmp("2") != 0 || p.Price.Cmp("7") != 0 {
		t.Errorf("product after: type %s weight %s price %s", p.Type, p.Weight, p.Price)
	}
}

// TestHalfMadeProductIsCompleted: a product that exists without the
// variant, image and custom field its row names (created, then the process
// died before the rest) gets exactly those on the next run, and nothing twice.
func TestHalfMadeProductIsCompleted(t *testing.T) {
	t.Parallel()
	c, _ := testStore(t, sandbox.Options{Seed: 10, Products: -1, Customers: -1, Orders: -1})
	db := statetest.Open(t)
	if _, _, err := c.Products.Create(context.Background(), &bigcommerce.ProductCreateRequest{Name: "Half Tee", Type: "physical", Weight: "0", Price: "20",
		SKU: "HT", InventoryTracking: "variant", Variants: []*bigcommerce.VariantCreateRequest{
			{SKU: "HT-S", InventoryLevel: 3, OptionValues: []*bigcommerce.VariantOptionValue{{OptionDisplayName: "Size", Label: "S"}}},
		}}); err != nil {
		t.Fatal(err)
	}
	row := `{"name":"Half Tee","sku":"HT","price":"20","variants":[{"sku":"HT-S","options":[{"option":"Size","value":"S"}],"inventory_level":3},` +
		`{"sku":"HT-RED","options":[{"option":"Size","value":"S"},{"option":"Colour","value":"Red"}],"inventory_level":2}],` +
		`"images":[{"url":"https://img.example/half-tee.jpg"}],"custom_fields":[{"name":"Fit","value":"Slim"}]}` + "\n"
	// HT-RED's options differ from HT-S's: the row is rejected, naming it.
	sum, _, rej := runProducts(t, c, db, FormatJSONL, row, nil)
	if sum.Rejected != 1 || !strings.Contains(rej, "variants[1].options") {
		t.Fatalf("mismatched options: %+v %s", sum, rej)
	}
	row = strings.Replace(row, `{"option":"Size","value":"S"},{"option":"Colour","value":"Red"}`, `{"option":"Size","value":"M"}`, 1)
	row = strings.Replace(row, "HT-RED", "HT-M", 1)
	// Size M is not a value of the product's Size option yet: rejected, named.
	sum, _, rej = runProducts(t, c, db, FormatJSONL, row, nil)
	if sum.Rejected != 1 || !strings.Contains(rej, `no value \"M\"`) {
		t.Fatalf("missing option value: %+v %s", sum, rej)
	}
	// Without the new variant, the image and the custom field are added.
	row = strings.Replace(row, `,{"sku":"HT-M","options":[{"option":"Size","value":"M"}],"inventory_level":2}`, "", 1)
	sum, _, rej = runProducts(t, c, db, FormatJSONL, row, nil)
	if sum.Updated != 1 || sum.Rejected != 0 {
		t.Fatalf("completion: %+v %s", sum, rej)
	}
	p := productBySKU(t, c, "HT")[0]
	if len(p.Images) != 1 || len(p.CustomFields) != 1 || p.CustomFields[0].Value != "Slim" || len(p.Variants) != 1 {
		t.Errorf("after completion: %d images, custom fields %+v, %d variants", len(p.Images), p.CustomFields, len(p.Variants))
	}
	// The same row in a new file (so not journaled) finds nothing to add.
	sum, _, _ = runProducts(t, c, db, FormatJSONL, row+"\n", nil)
	if sum.Unchanged != 1 || sum.Writes != 0 {
		t.Errorf("second completion: %+v", sum)
	}
}

// countingTransport counts requests by method and path.
type countingTransport struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.n[r.Method+" "+r.URL.Path[strings.Index(r.URL.Path, "/v3/"):]]++
	c.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

// TestUpdatesAreBatched: changing 25 products and their 75 variants takes
// three product batch updates (10 per request) and two variant batch updates
// (50 per request), and no single-record write.
func TestUpdatesAreBatched(t *testing.T) {
	t.Parallel()
	_, srv := testStore(t, sandbox.Options{Seed: 11, Products: -1, Customers: -1, Orders: -1})
	ct := &countingTransport{n: map[string]int{}}
	c, err := bigcommerce.NewClient(srv.StoreHash, srv.Tokens.Full, bigcommerce.WithBaseURL(srv.URL), bigcommerce.WithHTTPClient(&http.Client{Transport: ct}))
	if err != nil {
		t.Fatal(err)
	}
	db := statetest.Open(t)
	catalog := func(bump int) string {
		var b strings.Builder
		for i := range 25 {
			fmt.Fprintf(&b, `{"name":"Batch %d","sku":"BT-%d","price":"%d","variants":[`, i, i, 10+bump)
			for k, size := range []string{"S", "M", "L"} {
				if k > 0 {
					b.WriteString(",")
				}
				fmt.Fprintf(&b, `{"sku":"BT-%d-%s","options":[{"option":"Size","value":"%s"}],"inventory_level":%d}`, i, size, size, bump+k)
			}
			b.WriteString("]}\n")
		}
		return b.String()
	}
	if sum, _, _ := runProducts(t, c, db, FormatJSONL, catalog(0), nil); sum.Created != 25 {
		t.Fatalf("create: %+v", sum)
	}
	ct.mu.Lock()
	ct.n = map[string]int{}
	ct.mu.Unlock()
	if sum, _, _ := runProducts(t, c, db, FormatJSONL, catalog(1), nil); sum.Updated != 25 {
		t.Fatalf("update: %+v", sum)
	}
	ct.mu.Lock()
	defer ct.mu.Unlock()
	writes := 0
	for k, n := range ct.n {
		if !strings.HasPrefix(k, "GET ") {
			writes += n
		}
	}
	if ct.n["PUT /v3/catalog/products"] != 3 || ct.n["PUT /v3/catalog/variants"] != 2 || writes != 5 {
		t.Errorf("requests: %v", ct.n)
	}
}

// partialStore makes the store save new products without their images and
// custom fields, as BigCommerce does when it answers a create with 207.
type partialStore struct{}

func (partialStore) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/v3/catalog/products") {
		var body map[string]json.RawMessage
		b, _ := io.ReadAll(r.Body)
		if json.Unmarshal(b, &body) == nil {
			delete(body, "images")
			delete(body, "custom_fields")
			b, _ = json.Marshal(body)
		}
		r = r.Clone(r.Context())
		r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
	}
	return http.DefaultTransport.RoundTrip(r)
}

// TestCreateSavedInPartIsCompleted: a create the store saved only in part is
// completed in the same run before the row is journaled.
func TestCreateSavedInPartIsCompleted(t *testing.T) {
	t.Parallel()
	_, srv := testStore(t, sandbox.Options{Seed: 12, Products: -1, Customers: -1, Orders: -1})
	c, err := bigcommerce.NewClient(srv.StoreHash, srv.Tokens.Full, bigcommerce.WithBaseURL(srv.URL), bigcommerce.WithHTTPClient(&http.Client{Transport: partialStore{}}))
	if err != nil {
		t.Fatal(err)
	}
	sum, _, rej := runProducts(t, c, statetest.Open(t), FormatJSONL,
		`{"name":"Part Lamp","sku":"PL","price":"30","images":[{"url":"https://img.example/part-lamp.jpg"}],"custom_fields":[{"name":"Bulb","value":"E27"}]}`+"\n", nil)
	if sum.Created != 1 || sum.Rejected != 0 {
		t.Fatalf("%+v %s", sum, rej)
	}
	p := productBySKU(t, c, "PL")[0]
	if len(p.Images) != 1 || len(p.CustomFields) != 1 {
		t.Errorf("after the run: %d images, %d custom fields; want 1 and 1", len(p.Images), len(p.CustomFields))
	}
}
