package importer

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func readAll[T any](t *testing.T, rd Reader[T]) []Record[T] {
	t.Helper()
	var out []Record[T]
	for {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rec)
	}
}

func readProducts(t *testing.T, format, text string) []Record[Product] {
	t.Helper()
	rd, err := ProductReader(format, strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	return readAll(t, rd)
}

func TestWooCommerceMapping(t *testing.T) {
	t.Parallel()
	text := "\ufeffID,Type,SKU,Name,Published,Description,Stock,Weight (lbs),Sale price,Regular price,Categories,Images,Parent,Attribute 1 name,Attribute 1 value(s),Brands\n" +
		`10,simple,MUG,Mug,1,<p>Big</p>,7,1.5,4,5.5,"Home > Kitchen, Gifts","https://x/mug.jpg, https://x/mug2.jpg",,,,Acme` + "\n" +
		`11,variable,TEE,Tee,0,,,,,,Clothing > Shirts,,,Size,"S, M",` + "\n" +
		`12,variation,TEE-S,Tee - S,1,,3,,,10,,https://x/s.jpg,id:11,Size,S,` + "\n" +
		`13,variation,TEE-M,Tee - M,1,,4,,,11,,,TEE,Size,M,` + "\n" +
		`14,grouped,G,Group,1,,,,,,,,,,,` + "\n" +
		`15,variation,X-1,Orphan,1,,1,,,1,,,id:99,Size,S,` + "\n"
	recs := readProducts(t, FormatWooCommerce, text)
	if len(recs) != 4 {
		t.Fatalf("%d records, want 4: %+v", len(recs), recs)
	}
	mug := recs[0]
	want := Product{Name: "Mug", SKU: "MUG", Description: ptr("<p>Big</p>"), Price: "5.5", SalePrice: "4", Weight: "1.5", Brand: "Acme",
		InventoryLevel: ptr(7), IsVisible: ptr(true), Categories: []string{"Home/Kitchen", "Gifts"},
		Images: []Image{{URL: "https://x/mug.jpg", IsThumbnail: true}, {URL: "https://x/mug2.jpg"}}}
	if mug.Err != nil || mug.Line != 2 || !cmp.Equal(mug.Item, want) {
		t.Errorf("simple product: line %d err %v\n%s", mug.Line, mug.Err, cmp.Diff(want, mug.Item))
	}
	tee := recs[1]
	if tee.Err != nil || tee.Line != 3 || len(tee.Item.Variants) != 2 || *tee.Item.IsVisible {
		t.Fatalf("variable product: %+v", tee)
	}
	if err := tee.Item.Normalize(); err != nil || tee.Item.InventoryTracking != "variant" {
		t.Errorf("variable product after Normalize: %v %+v", err, tee.Item)
	}
	if req, err := createRequest(&tee.Item, nil); err != nil || req.Price != "10" || req.Type != "physical" || req.Weight != "0" {
		t.Errorf("variable product's create: %v %+v", err, req)
	}
	wantV := Variant{SKU: "TEE-M", Options: []OptionValue{{"Size", "M"}}, Price: "11", InventoryLevel: ptr(4)}
	if !cmp.Equal(tee.Item.Variants[1], wantV) {
		t.Errorf("variation by parent SKU:\n%s", cmp.Diff(wantV, tee.Item.Variants[1]))
	}
	if recs[2].Err == nil || recs[2].Err.Field != "Type" || recs[2].Line != 6 {
		t.Errorf("grouped product: %+v", recs[2])
	}
	if recs[3].Err == nil || recs[3].Err.Field != "Parent" || recs[3].Line != 7 {
		t.Errorf("orphan variation: %+v", recs[3])
	}
}

func TestShopifyMapping(t *testing.T) {
	t.Parallel()
	text := "Handle,Title,Body (HTML),Vendor,Product Category,Type,Published,Option1 Name,Option1 Value,Variant SKU,Variant Grams,Variant Inventory Tracker,Variant Inventory Qty,Variant Price,Variant Compare At Price,Variant Barcode,Image Src,Image Position,Image Alt Text,Status\n" +
		"tee,Tee,<b>t</b>,Acme,Apparel > Shirts,,TRUE,Size,S,TEE-S,200,shopify,3,10.00,12.00,123,https://c/2.png,2,back,active\n" +
		"tee,,,,,,,,M,TEE-M,200,shopify,4,11.00,,,https://c/1.png,1,front,\n" +
		"mug,Mug,,,,Kitchen,FALSE,Title,Default Title,MUG,1500,,,5.00,,,,,,draft\n"
	recs := readProducts(t, FormatShopify, text)
	if len(recs) != 2 {
		t.Fatalf("%d records, want 2", len(recs))
	}
	tee := recs[0].Item
	want := Product{Name: "Tee", Description: ptr("<b>t</b>"), Brand: "Acme", Categories: []string{"Apparel/Shirts"}, IsVisible: ptr(true),
		Variants: []Variant{
			{SKU: "TEE-S", Options: []OptionValue{{"Size", "S"}}, Price: "10.00", RetailPrice: "12.00", UPC: "123", InventoryLevel: ptr(3), Weight: "0.200"},
			{SKU: "TEE-M", Options: []OptionValue{{"Size", "M"}}, Price: "11.00", InventoryLevel: ptr(4), Weight: "0.200"},
		},
		Images: []Image{{URL: "https://c/1.png", IsThumbnail: true, Description: "front"}, {URL: "https://c/2.png", Description: "back"}}}
	if recs[0].Err != nil || !cmp.Equal(tee, want) {
		t.Errorf("tee: %v\n%s", recs[0].Err, cmp.Diff(want, tee))
	}
	mug := recs[1]
	if mug.Err != nil || mug.Line != 4 || mug.Item.SKU != "MUG" || len(mug.Item.Variants) != 0 || mug.Item.Price != "5.00" ||
		mug.Item.Weight != "1.500" || *mug.Item.IsVisible || mug.Item.Categories[0] != "Kitchen" {
		t.Errorf("single-variant product: %+v", mug)
	}
}

func TestCSVProductsAndRejects(t *testing.T) {
	t.Parallel()
	text := "sku,name,price,categories,parent_sku,options,inventory_level,custom_fields,is_visible\n" +
		"TEE,Tee,10,Apparel/Shirts;Sale,,,,Material=Cotton,yes\n" +
		"TEE-S,,,,TEE,Size=S,3,,\n" +
		"MUG,Mug,abc,,,,,,\n" +
		"X-1,,,,NOPE,Size=S,1,,\n"
	recs := readProducts(t, FormatCSV, text)
	if len(recs) != 3 {
		t.Fatalf("%d records: %+v", len(recs), recs)
	}
	tee := recs[0].Item
	if recs[0].Err != nil || len(tee.Variants) != 1 || tee.Variants[0].Options[0] != (OptionValue{"Size", "S"}) ||
		!cmp.Equal(tee.Categories, []string{"Apparel/Shirts", "Sale"}) || tee.CustomFields[0] != (CustomField{"Material", "Cotton"}) || !*tee.IsVisible {
		t.Errorf("tee: %+v %v", tee, recs[0].Err)
	}
	if recs[1].Err == nil || recs[1].Err.Field != "price" || recs[1].Line != 4 {
		t.Errorf("bad price: %+v", recs[1])
	}
	if recs[2].Err == nil || recs[2].Err.Field != "parent_sku" || recs[2].Line != 5 {
		t.Errorf("orphan variant: %+v", recs[2])
	}
	if _, err := ProductReader(FormatCSV, strings.NewReader("sku,name,colour\n")); err == nil || !strings.Contains(err.Error(), "colour") {
		t.Errorf("unknown column: %v", err)
	}
}

func TestJSONLRejectsNamingTheField(t *testing.T) {
	t.Parallel()
	recs := readProducts(t, FormatJSONL, "{\"name\":\"A\",\"sku\":\"A\",\"price\":\"1\",\"colour\":\"red\"}\n\n{\"name\":\"B\",\"price\":true}\nnot json\n")
	if len(recs) != 3 {
		t.Fatalf("%d records", len(recs))
	}
	for i, want := range []struct {
		line  int
		field string
	}{{1, "colour"}, {3, "price"}, {4, ""}} {
		if recs[i].Err == nil || recs[i].Line != want.line || recs[i].Err.Field != want.field {
			t.Errorf("record %d: line %d err %+v, want line %d field %q", i, recs[i].Line, recs[i].Err, want.line, want.field)
		}
	}
}

// FuzzProductReaders feeds arbitrary bytes to every product reader: they
// must never panic, and every record is either an item or a row error.
func FuzzProductReaders(f *testing.F) {
	f.Add("sku,name,price\nA,B,1\n")
	f.Add("ID,Type,SKU,Name,Regular price,Parent,Attribute 1 name,Attribute 1 value(s)\n1,variable,A,B,,,Size,S\n2,variation,A-S,B,1,id:1,Size,S\n")
	f.Add("Handle,Title,Variant SKU,Variant Price,Option1 Name,Option1 Value\nh,T,S1,1,Size,S\nh,,S2,2,,M\n")
	f.Add("{\"name\":\"A\",\"sku\":\"A\",\"price\":\"1\"}\n")
	f.Fuzz(func(t *testing.T, text string) {
		for _, format := range []string{FormatJSONL, FormatCSV, FormatWooCommerce, FormatShopify} {
			rd, err := ProductReader(format, strings.NewReader(text))
			if err != nil {
				continue
			}
			for range 1000 {
				rec, err := rd.Next()
				if err != nil {
					break
				}
				if rec.Err == nil {
					_ = rec.Item.Normalize()
				}
			}
		}
	})
}
