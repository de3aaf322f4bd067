package importer

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/sandbox"
	"github.com/bigc-dev/bigc/state/statetest"
)

// TestImportInventory10000SKUs sets 10,000 SKUs' levels from one CSV file:
// the levels in the store then equal the file, in five absolute adjustments
// of 2,000 items plus the batched SKU look-ups, and a rerun sends nothing.
func TestImportInventory10000SKUs(t *testing.T) {
	t.Parallel()
	c, srv := testStore(t, sandbox.Options{Seed: 5, Products: -1, Customers: -1, Orders: -1})
	db := statetest.Open(t)
	const products = 3334 // three variants each: 10,002 SKUs
	var catalog strings.Builder
	for i := range products {
		fmt.Fprintf(&catalog, `{"name":"Stock item %d","sku":"ST-%d","price":"5","inventory_tracking":"variant","variants":[`, i, i)
		for k, size := range []string{"S", "M", "L"} {
			if k > 0 {
				catalog.WriteString(",")
			}
			fmt.Fprintf(&catalog, `{"sku":"ST-%d-%s","options":[{"option":"Size","value":"%s"}],"inventory_level":1}`, i, size, size)
		}
		catalog.WriteString("]}\n")
	}
	if sum, _, rej := runProducts(t, c, db, FormatJSONL, catalog.String(), nil); sum.Created != products {
		t.Fatalf("catalog: %+v %s", sum, rej)
	}

	var file strings.Builder
	file.WriteString("sku,quantity\n")
	want := map[string]int{}
	n := 0
	for i := 0; n < 10000; i++ {
		for _, size := range []string{"S", "M", "L"} {
			if n == 10000 {
				break
			}
			sku := fmt.Sprintf("ST-%d-%s", i, size)
			want[sku] = (i*7 + len(size)*n) % 500
			fmt.Fprintf(&file, "%s,%d\n", sku, want[sku])
			n++
		}
	}
	before := srv.Store.Stats()
	var rejected bytes.Buffer
	j := &Job{Client: c, Journal: db, ImportID: "inventory/csv/" + hashText(file.String()), Rejected: &rejected}
	rd, err := StockReader(FormatCSV, strings.NewReader(file.String()))
	if err != nil {
		t.Fatal(err)
	}
	sum, err := j.ImportInventory(context.Background(), rd)
	if err != nil {
		t.Fatal(err)
	}
	after := srv.Store.Stats()
	if sum.Updated != 10000 || sum.Rejected != 0 {
		t.Fatalf("summary %+v; rejected:\n%s", sum, rejected.String())
	}
	adjustments := after.ByPath["/v3/inventory/adjustments/absolute"] - before.ByPath["/v3/inventory/adjustments/absolute"]
	lookups := after.Requests - before.Requests - adjustments
	if adjustments != 5 {
		t.Errorf("%d absolute adjustments for 10,000 SKUs, want 5", adjustments)
	}
	// Per request of 2,000 items: 20 variant reads of 100 SKUs, and the
	// tracking of their 667 products, 250 per read.
	if want := 5 * (20 + 3); lookups > want {
		t.Errorf("%d look-up requests, want at most %d", lookups, want)
	}
	t.Logf("10,000 SKUs: %d adjustments, %d look-ups", adjustments, lookups)

	got := map[string]int{}
	for v, err := range c.Variants.All(context.Background(), nil) {
		if err != nil {
			t.Fatal(err)
		}
		got[v.SKU] = v.InventoryLevel
	}
	bad := 0
	for sku, q := range want {
		if got[sku] != q {
			if bad++; bad < 10 {
				t.Errorf("%s: level %d, want %d", sku, got[sku], q)
			}
		}
	}

	// The same file again: no request at all.
	before = srv.Store.Stats()
	j = &Job{Client: c, Journal: db, ImportID: "inventory/csv/" + hashText(file.String())}
	rd, _ = StockReader(FormatCSV, strings.NewReader(file.String()))
	if sum, err = j.ImportInventory(context.Background(), rd); err != nil || sum.Done != 10000 {
		t.Fatalf("rerun: %+v %v", sum, err)
	}
	if d := srv.Store.Stats().Requests - before.Requests; d != 0 {
		t.Errorf("rerun sent %d requests", d)
	}
}

// TestImportInventoryLevels: product-level and variant-level SKUs are both
// set; unknown SKUs and variants of a product tracked as a whole are
// rejected with their lines; JSON Lines rows carry their location.
func TestImportInventoryLevels(t *testing.T) {
	t.Parallel()
	c, _ := testStore(t, sandbox.Options{Seed: 6, Products: -1, Customers: -1, Orders: -1})
	db := statetest.Open(t)
	catalog := `{"name":"Lamp","sku":"LAMP","price":"30","inventory_level":1}
{"name":"Sock","sku":"SOCK","price":"3","variants":[{"sku":"SOCK-S","options":[{"option":"Size","value":"S"}],"inventory_level":1},{"sku":"SOCK-L","options":[{"option":"Size","value":"L"}],"inventory_level":1}]}
{"name":"Rug","sku":"RUG","price":"50","inventory_tracking":"product","inventory_level":4,"variants":[{"sku":"RUG-RED","options":[{"option":"Colour","value":"Red"}]}]}
`
	if sum, _, rej := runProducts(t, c, db, FormatJSONL, catalog, nil); sum.Created != 3 {
		t.Fatalf("catalog: %+v %s", sum, rej)
	}
	file := `{"sku":"LAMP","quantity":12}
{"sku":"SOCK-L","quantity":5,"location_id":1}
{"sku":"NOPE","quantity":1}
{"sku":"RUG-RED","quantity":2}
{"sku":"RUG","quantity":9}
{"sku":"SOCK-S","quantity":-1}
`
	var rejected bytes.Buffer
	j := &Job{Client: c, Journal: db, ImportID: "inventory/jsonl/x", Rejected: &rejected}
	rd, _ := StockReader(FormatJSONL, strings.NewReader(file))
	sum, err := j.ImportInventory(context.Background(), rd)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Updated != 3 || sum.Rejected != 3 {
		t.Errorf("summary %+v", sum)
	}
	rej := rejected.String()
	for _, want := range []string{`"line":3,"key":"NOPE","field":"sku"`, `"line":4,"key":"RUG-RED","field":"sku"`, `"line":6,"key":"SOCK-S","field":"quantity"`} {
		if !strings.Contains(rej, want) {
			t.Errorf("rejected file lacks %s:\n%s", want, rej)
		}
	}
	levels := map[string]int{}
	ps, err := c.Products.BySKUs(context.Background(), []string{"LAMP", "SOCK", "RUG"}, []string{"variants"})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		levels[p.SKU] = p.InventoryLevel
		for _, v := range p.Variants {
			levels[v.SKU] = v.InventoryLevel
		}
	}
	for sku, want := range map[string]int{"LAMP": 12, "SOCK-L": 5, "SOCK-S": 1, "RUG": 9} {
		if levels[sku] != want {
			t.Errorf("%s: level %d, want %d", sku, levels[sku], want)
		}
	}
	_ = bigcommerce.DefaultLocationID
}
