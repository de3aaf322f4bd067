//go:build go1.27 && goexperiment.jsonv2

package bigcommerce

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sync"
	"testing"
)

// The catalog records as encoding/json sees them without their decoders: the
// reference each decoder is checked against.
type (
	plainProduct            Product
	plainVariant            Variant
	plainProductImage       ProductImage
	plainCustomField        CustomField
	plainVariantOptionValue VariantOptionValue
)

func catalogRecords() []decodedRecord {
	return []decodedRecord{
		recordOf[Product, plainProduct](),
		recordOf[Variant, plainVariant](),
		recordOf[ProductImage, plainProductImage](),
		recordOf[CustomField, plainCustomField](),
		recordOf[VariantOptionValue, plainVariantOptionValue](),
	}
}

// recordOf is record T decoded by its decoder, and as P, T renamed without
// its methods, for reference.
func recordOf[T, P any]() decodedRecord {
	return decodedRecord{
		name: reflect.TypeFor[T]().Name(),
		typ:  reflect.TypeFor[T](),
		decode: func(b []byte) (any, error) {
			var v T
			err := decodeJSON(b, &v)
			return v, err
		},
		ref: func(b []byte) (any, error) {
			var p P
			err := decodeJSON(b, &p)
			return reflect.ValueOf(p).Convert(reflect.TypeFor[T]()).Interface(), err
		},
	}
}

// TestCatalogDecodersMatchEncodingJSON: every field of every catalog record,
// every form of value, decodes as encoding/json decodes it (checkRecordsMatch).
func TestCatalogDecodersMatchEncodingJSON(t *testing.T) {
	t.Parallel()
	checkRecordsMatch(t, catalogRecords())
}

// TestCatalogDecodersRejectUnknownMembersWhenAsked: see checkRejectsUnknownMembers.
func TestCatalogDecodersRejectUnknownMembersWhenAsked(t *testing.T) {
	t.Parallel()
	checkRejectsUnknownMembers(t, func(v *Variant) any { return (*plainVariant)(v) }, `{"id":1,"zz":2}`, `{"ID":1}`, `{"id":1}`)
}

// TestCatalogDecodersSetEveryField: see checkEveryFieldSet.
func TestCatalogDecodersSetEveryField(t *testing.T) {
	t.Parallel()
	checkEveryFieldSet(t, catalogRecords())
}

// TestProductPageDecodesAsEncodingJSON: the benchmark's page of 250 products
// decodes to the same records as through encoding/json's reflection.
func TestProductPageDecodesAsEncodingJSON(t *testing.T) {
	t.Parallel()
	data := productPageJSON(250, 3)
	var got envelope[[]*Product]
	if err := decodeJSON(data, &got); err != nil {
		t.Fatal(err)
	}
	var raw struct {
		Data []json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	if len(got.Data) != 250 || len(raw.Data) != 250 {
		t.Fatalf("%d and %d products, want 250", len(got.Data), len(raw.Data))
	}
	for i, m := range raw.Data {
		var p struct {
			plainProduct
			Variants     []*plainVariant      `json:"variants"`
			Images       []*plainProductImage `json:"images"`
			CustomFields []*plainCustomField  `json:"custom_fields"`
		}
		if err := json.Unmarshal(m, &p); err != nil {
			t.Fatal(err)
		}
		g := got.Data[i]
		want := Product(p.plainProduct)
		want.Variants, want.Images, want.CustomFields = g.Variants, g.Images, g.CustomFields
		if !reflect.DeepEqual(*g, want) {
			t.Fatalf("product %d:\n got %+v\nwant %+v", i, *g, want)
		}
		for j, v := range p.Variants {
			w := Variant(*v)
			w.OptionValues = g.Variants[j].OptionValues
			if !reflect.DeepEqual(*g.Variants[j], w) {
				t.Fatalf("product %d variant %d:\n got %+v\nwant %+v", i, j, *g.Variants[j], w)
			}
			if len(v.OptionValues) != 1 || *v.OptionValues[0] != *g.Variants[j].OptionValues[0] {
				t.Fatalf("product %d variant %d: option values %+v, want %+v", i, j, g.Variants[j].OptionValues, v.OptionValues)
			}
		}
		for j, im := range p.Images {
			if ProductImage(*im) != *g.Images[j] {
				t.Fatalf("product %d image %d: %+v, want %+v", i, j, *g.Images[j], *im)
			}
		}
		for j, f := range p.CustomFields {
			if CustomField(*f) != *g.CustomFields[j] {
				t.Fatalf("product %d custom field %d: %+v, want %+v", i, j, *g.CustomFields[j], *f)
			}
		}
	}
}

// TestRecentTextsReusesAndKeepsText: a text interned again is the one interned
// before, with no allocation, and texts that share a slot, or are interned on
// many goroutines at once, still come back as written.
func TestRecentTextsReusesAndKeepsText(t *testing.T) {
	// Not parallel: AllocsPerRun counts the whole process's allocations.
	b := []byte("physical")
	if s := recentTexts.intern(b); s != "physical" {
		t.Fatalf("interned %q", s)
	}
	if allocs := testing.AllocsPerRun(1000, func() { recentTexts.intern(b) }); allocs != 0 {
		t.Errorf("interning a text again allocated %v times, want 0", allocs)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			// Five times the table's size: every slot is replaced many times over.
			for i := range 5 * len(recentTexts) {
				want := fmt.Sprintf("Option %d", (i*7+g)%(5*len(recentTexts)))
				if got := recentTexts.intern([]byte(want)); got != want {
					t.Errorf("interned %q as %q", want, got)
					return
				}
			}
		})
	}
	wg.Wait()
}
