package cli

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bigc-dev/bigc/bigcommerce"
)

// wantProduct is what the store must hold for one imported product.
type wantProduct struct {
	name     string
	sku      string         // the product's own SKU ("" for Shopify products with options)
	price    string         // product price
	stock    int            // product-level stock (no variants)
	variants map[string]int // variant SKU -> stock
	vprice   map[string]string
}

// writeWooExport writes a WooCommerce product export of n products, every
// other one variable with three variations, as the exporter lays it out.
func writeWooExport(t *testing.T, path string, n int) map[string]wantProduct {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	f.WriteString("\ufeff")
	w := csv.NewWriter(f)
	w.Write([]string{"ID", "Type", "SKU", "Name", "Published", "Is featured?", "Short description", "Description", "In stock?", "Stock",
		"Weight (kg)", "Sale price", "Regular price", "Categories", "Tags", "Images", "Parent", "Attribute 1 name", "Attribute 1 value(s)", "Attribute 1 visible", "Attribute 1 global"})
	want := map[string]wantProduct{}
	id := 100
	for i := range n {
		id++
		sku := fmt.Sprintf("WC-%05d", i)
		name := fmt.Sprintf("Woo product %05d", i)
		price := fmt.Sprintf("%d.%02d", 5+i%90, i%100)
		cat := []string{"Clothing > Shirts", "Clothing > Hoodies", "Home, Garden > Mugs"}[i%3]
		cat = strings.ReplaceAll(cat, ",", `\,`)
		img := fmt.Sprintf("https://img.example/woo/%s.jpg", sku)
		if i%2 == 0 {
			stock := i % 37
			w.Write([]string{strconv.Itoa(id), "simple", sku, name, "1", "0", "short", "<p>" + name + "</p>", "1", strconv.Itoa(stock),
				"0.5", "", price, cat, "tag", img, "", "", "", "", ""})
			want[sku] = wantProduct{name: name, sku: sku, price: price, stock: stock}
			continue
		}
		parentID := id
		w.Write([]string{strconv.Itoa(id), "variable", sku, name, "1", "0", "short", "<p>" + name + "</p>", "1", "",
			"0.5", "", "", cat, "", img, "", "Size", "S, M, L", "1", "1"})
		wp := wantProduct{name: name, sku: sku, variants: map[string]int{}, vprice: map[string]string{}}
		for k, size := range []string{"S", "M", "L"} {
			id++
			vsku := fmt.Sprintf("%s-%s", sku, size)
			vprice := fmt.Sprintf("%d.50", 10+k+i%40)
			stock := (i + k) % 23
			w.Write([]string{strconv.Itoa(id), "variation", vsku, name + " - " + size, "1", "0", "", "", "1", strconv.Itoa(stock),
				"", "", vprice, "", "", "", "id:" + strconv.Itoa(parentID), "Size", size, "", "1"})
			wp.variants[vsku], wp.vprice[vsku] = stock, vprice
			if k == 0 {
				wp.price = vprice
			}
		}
		want[sku] = wp
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	return want
}

// writeShopifyExport writes a Shopify product export of n products: every
// third a single-variant product, the others with three colours, and a
// second image row each.
func writeShopifyExport(t *testing.T, path string, n int) map[string]wantProduct {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := csv.NewWriter(f)
	w.Write([]string{"Handle", "Title", "Body (HTML)", "Vendor", "Product Category", "Type", "Tags", "Published", "Option1 Name", "Option1 Value",
		"Option2 Name", "Option2 Value", "Option3 Name", "Option3 Value", "Variant SKU", "Variant Grams", "Variant Inventory Tracker",
		"Variant Inventory Qty", "Variant Inventory Policy", "Variant Fulfillment Service", "Variant Price", "Variant Compare At Price",
		"Variant Requires Shipping", "Variant Taxable", "Variant Barcode", "Image Src", "Image Position", "Image Alt Text", "Gift Card",
		"Variant Image", "Variant Weight Unit", "Cost per item", "Status"})
	want := map[string]wantProduct{}
	row := func(cells map[string]string) {
		rec := []string{cells["Handle"], cells["Title"], cells["Body"], cells["Vendor"], cells["Category"], "", "", cells["Published"],
			cells["O1N"], cells["O1V"], "", "", "", "", cells["SKU"], cells["Grams"], cells["Tracker"], cells["Qty"], "deny", "manual",
			cells["Price"], "", "true", "true", "", cells["Img"], cells["Pos"], "", "false", "", "kg", "", cells["Status"]}
		w.Write(rec)
	}
	for i := range n {
		handle := fmt.Sprintf("shop-item-%04d", i)
		title := fmt.Sprintf("Shopify item %04d", i)
		base := map[string]string{"Handle": handle, "Title": title, "Body": "<b>" + title + "</b>", "Vendor": "Acme",
			"Category": "Home & Garden > Kitchen", "Published": "true", "Status": "active", "Tracker": "shopify", "Grams": "250",
			"Img": fmt.Sprintf("https://cdn.example/shop/%s-1.png", handle), "Pos": "1"}
		if i%3 == 0 {
			sku := fmt.Sprintf("SH-%04d", i)
			price := fmt.Sprintf("%d.95", 3+i%50)
			stock := i % 29
			base["O1N"], base["O1V"], base["SKU"], base["Price"], base["Qty"] = "Title", "Default Title", sku, price, strconv.Itoa(stock)
			row(base)
			want[sku] = wantProduct{name: title, sku: sku, price: price, stock: stock}
		} else {
			wp := wantProduct{name: title, variants: map[string]int{}, vprice: map[string]string{}}
			for k, colour := range []string{"Red", "Green", "Blue"} {
				sku := fmt.Sprintf("SH-%04d-%s", i, colour)
				price := fmt.Sprintf("%d.00", 20+k+i%30)
				stock := (i * (k + 1)) % 31
				cells := map[string]string{"Handle": handle, "O1V": colour, "SKU": sku, "Price": price, "Qty": strconv.Itoa(stock), "Tracker": "shopify", "Grams": "300"}
				if k == 0 {
					for key, v := range base {
						if _, ok := cells[key]; !ok {
							cells[key] = v
						}
					}
					cells["O1N"] = "Color"
					wp.price = price
				}
				row(cells)
				wp.variants[sku], wp.vprice[sku] = stock, price
			}
			want[fmt.Sprintf("SH-%04d-Red", i)] = wp
		}
		row(map[string]string{"Handle": handle, "Img": fmt.Sprintf("https://cdn.example/shop/%s-2.png", handle), "Pos": "2"})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	return want
}

// killedImport runs `bigc import ARGS` kills times, each SIGKILLed after a
// random moment (up to maxDelay), then until it finishes (exit 0), and
// returns the last run's summary.
func killedImport(t *testing.T, b *bin, rng *rand.Rand, kills int, maxDelay time.Duration, args ...string) map[string]any {
	t.Helper()
	// A killed run keeps its lease until --lease-timeout runs out; the next
	// run waits for it.
	args = append(args[:len(args):len(args)], "--wait", "--lease-timeout", "1s")
	b.killRuns(rng, kills, 200*time.Millisecond, maxDelay, args...)
	for attempt := 0; attempt < 5; attempt++ {
		r := b.run("", args...)
		if r.code == 0 {
			return decodeJSON[map[string]any](t, strings.TrimSpace(r.stdout))
		}
		t.Logf("finishing run %d: exit %d: %s", attempt+1, r.code, lastLine(r.stderr))
		if r.code != exitRateLimited {
			t.Fatalf("import %v: exit %d; stderr:\n%s", args, r.code, r.stderr)
		}
	}
	t.Fatalf("import %v did not finish in 5 runs after the kills", args)
	return nil
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// sandboxStats is the sandbox's count of API requests answered, read until
// it holds still for 50 ms: the sandbox counts a
// request once it has answered, and a request a run gave up on (a count
// whose window's first page was the whole window) can be answered after
// the run ended.
func sandboxStats(t *testing.T, sb *sandboxProc) (requests int) {
	t.Helper()
	last := -1
	for {
		n := sandboxRequests(t, sb)
		if n == last {
			return n
		}
		last = n
		time.Sleep(50 * time.Millisecond)
	}
}

func sandboxRequests(t *testing.T, sb *sandboxProc) int {
	t.Helper()
	resp, err := http.Get(sb.URL + "/_sandbox/stats")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var st struct {
		Requests int `json:"requests"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		t.Fatal(err)
	}
	return st.Requests
}

// checkStore reads every product and checks that each wanted one is there
// exactly once with its variants, prices and stock.
func checkStore(t *testing.T, sb *sandboxProc, wants ...map[string]wantProduct) {
	t.Helper()
	c, err := bigcommerce.NewClient(sb.StoreHash, sb.Tokens.Full, bigcommerce.WithBaseURL(sb.URL), bigcommerce.WithMaxRetries(20))
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string][]*bigcommerce.Product{}
	for p, err := range c.Products.All(context.Background(), &bigcommerce.ProductListOptions{Include: []string{"variants"}}) {
		if err != nil {
			t.Fatal(err)
		}
		byName[p.Name] = append(byName[p.Name], p)
	}
	bad := 0
	fail := func(format string, args ...any) {
		if bad++; bad <= 20 {
			t.Errorf(format, args...)
		}
	}
	for _, want := range wants {
		for _, w := range want {
			ps := byName[w.name]
			if len(ps) != 1 {
				fail("%s: %d products in the store, want exactly 1", w.name, len(ps))
				continue
			}
			p := ps[0]
			if w.sku != "" && p.SKU != w.sku {
				fail("%s: SKU %q, want %q", w.name, p.SKU, w.sku)
			}
			if !decimalEq(p.Price, w.price) {
				fail("%s: price %s, want %s", w.name, p.Price, w.price)
			}
			if len(w.variants) == 0 {
				if p.InventoryLevel != w.stock || p.InventoryTracking != "product" {
					fail("%s: stock %d tracked by %s, want %d by product", w.name, p.InventoryLevel, p.InventoryTracking, w.stock)
				}
				continue
			}
			if len(p.Variants) != len(w.variants) {
				fail("%s: %d variants, want %d", w.name, len(p.Variants), len(w.variants))
				continue
			}
			for _, v := range p.Variants {
				stock, ok := w.variants[v.SKU]
				if !ok || v.InventoryLevel != stock || !decimalEq(v.Price, w.vprice[v.SKU]) {
					fail("%s: variant %s stock %d price %s, want %d and %s", w.name, v.SKU, v.InventoryLevel, v.Price, stock, w.vprice[v.SKU])
				}
			}
		}
	}
}

func decimalEq(a bigcommerce.Decimal, b string) bool {
	x, err1 := strconv.ParseFloat(string(a), 64)
	y, err2 := strconv.ParseFloat(b, 64)
	return err1 == nil && err2 == nil && x == y
}

// TestE2EImportUnderFaultsAndKills imports a WooCommerce and a Shopify export
// through the real binary into a sandbox that fails 10% of requests with a
// 500, resets 5% of connections and drops the answer of 20% of writes after
// applying them, while each import is SIGKILLed five times. The store then
// holds every product exactly once, as the files describe it, and a rerun
// sends no request at all.
func TestE2EImportUnderFaultsAndKills(t *testing.T) {
	t.Parallel()
	woo, shop := 2000, 300
	if testing.Short() {
		woo, shop = 200, 60
	}
	sb := startSandbox(t, "--faults", "500=0.1,reset=0.05,commit-then-drop=0.2")
	b := newBin(t)
	b.env = []string{"BIGC_E2E_TOKEN=" + sb.Tokens.Full}
	for attempt := 0; ; attempt++ { // the credential check itself meets the faults
		r := b.run("", "connection", "add", "shop", "--store-hash", sb.StoreHash, "--base-url", sb.URL, "--token-env", "BIGC_E2E_TOKEN")
		if r.code == 0 {
			break
		}
		if attempt == 10 {
			t.Fatalf("connection add: exit %d: %s", r.code, r.stderr)
		}
	}
	dir := t.TempDir()
	statePath := filepath.Join(dir, "state.db")
	rng := rand.New(rand.NewPCG(13, 13))

	wooFile := filepath.Join(dir, "wc-product-export.csv")
	wantWoo := writeWooExport(t, wooFile, woo)
	sum := killedImport(t, b, rng, 5, 5*time.Second, "import", "products", wooFile, "--from", "woocommerce", "--connection", "shop",
		"--state", statePath, "--create-categories")
	t.Logf("woocommerce: last run %v", sum)

	shopFile := filepath.Join(dir, "products_export.csv")
	wantShop := writeShopifyExport(t, shopFile, shop)
	sum = killedImport(t, b, rng, 5, 1500*time.Millisecond, "import", "products", shopFile, "--from", "shopify", "--connection", "shop",
		"--state", statePath, "--create-categories")
	t.Logf("shopify: last run %v", sum)

	checkStore(t, sb, wantWoo, wantShop)

	// Rerun both finished imports: not one request reaches the store.
	before := sandboxStats(t, sb)
	for _, args := range [][]string{
		{"import", "products", wooFile, "--from", "woocommerce", "--connection", "shop", "--state", statePath, "--create-categories"},
		{"import", "products", shopFile, "--from", "shopify", "--connection", "shop", "--state", statePath, "--create-categories"},
	} {
		out := decodeJSON[map[string]any](t, strings.TrimSpace(b.mustRun("", args...)))
		if out["writes"] != 0.0 || out["created"] != 0.0 || out["already_imported"] != out["rows"] {
			t.Errorf("rerun of %s: %v", args[2], out)
		}
	}
	if after := sandboxStats(t, sb); after != before {
		t.Errorf("the reruns sent %d requests, want 0", after-before)
	}
}
