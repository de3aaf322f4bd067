//go:build go1.27 && goexperiment.jsonv2

package bigcommerce

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// catalogRecord is one record type with a decoder of its own: decode through
// its UnmarshalJSONFrom, plain through encoding/json's reflection.
type catalogRecord struct {
	typ    reflect.Type
	decode func([]byte) (any, error)
	plain  func([]byte) (any, error)
}

func catalogRecords() []catalogRecord {
	return []catalogRecord{
		recordOf[Product, plainProduct](),
		recordOf[Variant, plainVariant](),
		recordOf[ProductImage, plainProductImage](),
		recordOf[CustomField, plainCustomField](),
		recordOf[VariantOptionValue, plainVariantOptionValue](),
	}
}

func recordOf[T, P any]() catalogRecord {
	return catalogRecord{
		typ: reflect.TypeFor[T](),
		decode: func(b []byte) (any, error) {
			var v T
			err := decodeJSON(b, &v)
			return v, err
		},
		plain: func(b []byte) (any, error) {
			var p P
			err := decodeJSON(b, &p)
			return reflect.ValueOf(p).Convert(reflect.TypeFor[T]()).Interface(), err
		},
	}
}

// valuesFor are JSON values of every form for a field of type t: the usual
// ones, and nulls, escapes, invalid UTF-8, fractions, exponents and values
// of another type that the decoders hand to encoding/json.
func valuesFor(t reflect.Type) []string {
	switch {
	case t == reflect.TypeFor[Decimal]():
		return []string{`"19.99"`, `19.99`, `0`, `null`, `""`, `"x"`, `1e3`, `true`}
	case t == reflect.TypeFor[Time]():
		return []string{`"2025-01-15T00:03:17+00:00"`, `"Tue, 20 Nov 2012 00:00:00 +0000"`, `1700000000`, `null`, `""`, `"soon"`, `{}`}
	}
	switch t.Kind() {
	case reflect.Int:
		return []string{`7`, `-12`, `0`, `-0`, `123456789012345678`, `99999999999999999999`, `1.5`, `1e2`, `"7"`, `null`, `true`, `[]`}
	case reflect.String:
		return []string{`"abc"`, `""`, `"a\"b\u00e9\n"`, "\"\xff\xfe\"", `"\ud800"`, `"🙂 mug"`, `null`, `5`, `false`, `{}`}
	case reflect.Bool:
		return []string{`true`, `false`, `null`, `"true"`, `0`, `[]`}
	case reflect.Slice:
		return []string{`null`, `[]`, `[1,2]`, `[{"id":1,"sku":"A"}]`, `{}`, `"x"`}
	case reflect.Pointer:
		return []string{`null`, `{"id":3,"url":"/a/"}`, `[]`, `5`}
	}
	panic("no values for " + t.String())
}

// TestCatalogDecodersMatchEncodingJSON: for every field of every record with a
// decoder of its own, every form of value, under its name, in other cases,
// escaped, repeated and after members we do not model, decodes to what
// encoding/json's reflection gives, and fails where it fails.
func TestCatalogDecodersMatchEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, rec := range catalogRecords() {
		t.Run(rec.typ.Name(), func(t *testing.T) {
			t.Parallel()
			var docs []string
			for i := range rec.typ.NumField() {
				f := rec.typ.Field(i)
				name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
				if name == "" || name == "-" {
					t.Fatalf("field %s has no JSON name", f.Name)
				}
				escaped := fmt.Sprintf(`\u%04x`, name[0]) + name[1:]
				for _, v := range valuesFor(f.Type) {
					docs = append(docs,
						fmt.Sprintf(`{%q:%s}`, name, v),
						fmt.Sprintf(`{%q:%s}`, strings.ToUpper(name), v),
						fmt.Sprintf(`{"%s":%s}`, escaped, v),
						fmt.Sprintf(`{"unknown_member":{"a":[1,"b"]},"K":1,%q:%s,"zz":null}`, name, v),
						fmt.Sprintf(`{%q:%s,%q:null}`, name, v, name),
					)
				}
			}
			docs = append(docs, `null`, `[]`, `"x"`, `5`, `{}`, `{"id":1,}`, `{"id"}`, `{"id":1`)
			for _, doc := range docs {
				got, gotErr := rec.decode([]byte(doc))
				want, wantErr := rec.plain([]byte(doc))
				if (gotErr == nil) != (wantErr == nil) {
					t.Errorf("%s: error %v, encoding/json's %v", doc, gotErr, wantErr)
					continue
				}
				if gotErr == nil && !reflect.DeepEqual(got, want) {
					t.Errorf("%s:\n got %+v\nwant %+v", doc, got, want)
				}
			}
		})
	}
}

// TestCatalogDecodersRejectUnknownMembersWhenAsked: with encoding/json's
// Decoder.DisallowUnknownFields, a member the record does not have is an
// error, as through reflection; the record's own members are not.
func TestCatalogDecodersRejectUnknownMembersWhenAsked(t *testing.T) {
	t.Parallel()
	strict := func(doc string, v any) error {
		dec := json.NewDecoder(strings.NewReader(doc))
		dec.DisallowUnknownFields()
		return dec.Decode(v)
	}
	for _, doc := range []string{`{"id":1,"zz":2}`, `{"ID":1}`, `{"id":1}`} {
		var got Variant
		var want plainVariant
		gotErr, wantErr := strict(doc, &got), strict(doc, &want)
		if (gotErr == nil) != (wantErr == nil) || gotErr == nil && !reflect.DeepEqual(got, Variant(want)) {
			t.Errorf("%s: %+v, %v; encoding/json: %+v, %v", doc, got, gotErr, want, wantErr)
		}
	}
}

// TestCatalogDecodersSetEveryField: a field the decoder's switch left out
// would be skipped like a member we do not model; every field must come out
// of its decoder set.
func TestCatalogDecodersSetEveryField(t *testing.T) {
	t.Parallel()
	for _, rec := range catalogRecords() {
		for i := range rec.typ.NumField() {
			f := rec.typ.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			v := valuesFor(f.Type)[0]
			if f.Type.Kind() == reflect.Slice {
				v = valuesFor(f.Type)[3]
				if f.Type.Elem().Kind() == reflect.Int {
					v = `[1,2]`
				}
			}
			if f.Type.Kind() == reflect.Pointer {
				v = valuesFor(f.Type)[1]
			}
			got, err := rec.decode(fmt.Appendf(nil, `{%q:%s}`, name, v))
			if err != nil {
				t.Errorf("%s.%s from %s: %v", rec.typ.Name(), f.Name, v, err)
				continue
			}
			if reflect.ValueOf(got).Field(i).IsZero() {
				t.Errorf("%s.%s (%q) is not decoded from %s", rec.typ.Name(), f.Name, name, v)
			}
		}
	}
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
