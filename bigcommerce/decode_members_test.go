//go:build go1.27 && goexperiment.jsonv2

package bigcommerce

import (
	"encoding/json"
	jsonv2 "encoding/json/v2"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// decodedRecord is one record type with a decoder of its own: decode through
// it, ref as encoding/json decodes the record without it. Both return the
// record (or a pointer to it).
type decodedRecord struct {
	name   string
	typ    reflect.Type
	decode func([]byte) (any, error)
	ref    func([]byte) (any, error)
	// looseErrors are the fields (all of them with "*") whose reference is an
	// UnmarshalJSON method of old whose errors were a second json.Unmarshal's:
	// only whether there is one must agree.
	looseErrors map[string]bool
}

// valuesFor are JSON values of every form for a field of type t: the usual
// ones, and nulls, escapes, invalid UTF-8, fractions, exponents, dates in
// other spellings and values of another type that the decoders hand to
// encoding/json. The first is a usual value; a slice's fourth and a
// pointer's second are non-empty.
func valuesFor(t reflect.Type) []string {
	switch t {
	case reflect.TypeFor[Decimal]():
		return []string{`"19.99"`, `19.99`, `0`, `null`, `""`, `"x"`, `1e3`, `true`,
			`"0.0000"`, `"1.0000000000"`, `"-5.5"`, `"1e3"`, `"\u0031.5"`, `-0`, `" 1"`, `01`, `"01.50"`}
	case reflect.TypeFor[Time]():
		return []string{`"2025-01-15T00:03:17+00:00"`, `"Tue, 20 Nov 2012 00:00:00 +0000"`, `1700000000`, `null`, `""`, `"soon"`, `{}`,
			`"Mon, 11 Mar 2019 15:17:25 -0530"`, `"mon, 11 Mar 2019 15:17:25 +0000"`, `"Fri, 29 Feb 2019 15:17:25 +0000"`,
			`"Thu, 29 Feb 2024 15:17:25 +0000"`, `"Mon, 1 Mar 2019 15:17:25 +0000"`, `"Mon, 11 Mar 2019 24:00:00 +0000"`,
			`"Mon, 11 Mar 2019 15:17:25 +2400"`, `"Mon, 11 Mar 2019 15:17:25 +0000 "`, `"Mon, 11 Mar 2019 15:17:25 GMT"`,
			`"Xyz, 11 Mar 2019 15:17:25 +0000"`, `"1700000000"`, `"2025-01-15T00:03:17.5Z"`, `"Mon, 11 Mar 2019 15:17:25 \u002B0000"`}
	case reflect.TypeFor[*Consignments]():
		return append(valuesFor(reflect.TypeFor[*struct{}]()), objectOf(reflect.TypeFor[Consignments]()),
			`[`+objectOf(reflect.TypeFor[Consignments]())+`,null,{"shipping":[{"id":2}],"email":{"a":1},"pickups":[{}]}]`,
			`[]`, `[[]]`, `[5]`, `[{"shipping":[]}]`, `[{"shipping":5}]`)
	}
	switch t.Kind() {
	case reflect.Int:
		return []string{`7`, `-12`, `0`, `-0`, `123456789012345678`, `99999999999999999999`, `1.5`, `1e2`, `"7"`, `null`, `true`, `[]`,
			`01`, `1x`, `-`, `1234567890123456789`}
	case reflect.String:
		return []string{`"abc"`, `""`, `"a\"b\u00e9\n"`, "\"\xff\xfe\"", `"\ud800"`, `"🙂 mug"`, `null`, `5`, `false`, `{}`,
			"\"a\x01b\"", `"\\"`, `"a/b"`, `nul`, `nullx`}
	case reflect.Bool:
		return []string{`true`, `false`, `null`, `"true"`, `0`, `[]`, `truefalse`, `tru`}
	case reflect.Slice:
		vals := []string{`null`, `[]`, `[1,2]`, `[{"id":1,"sku":"A"}]`, `{}`, `"x"`, `[7,null]`, `[null]`, `[1.5]`, `[1e2,-0]`, `[1,]`}
		if e := t.Elem(); e.Kind() == reflect.Pointer && e.Elem().Kind() == reflect.Struct {
			vals = append(vals, `[`+objectOf(e.Elem())+`,null]`, `[5]`, `[{"id":"x"}]`, `[{},{"ID":2}]`)
		}
		return vals
	case reflect.Pointer:
		vals := []string{`null`, `{"id":3,"url":"/a/"}`, `[]`, `5`}
		if t.Elem().Kind() == reflect.Struct && t.Elem().NumField() > 0 {
			vals = append(vals, objectOf(t.Elem()), `{"zz":1}`)
		}
		return vals
	}
	panic("no values for " + t.String())
}

// objectOf is a JSON object of a record with every field at its first
// value, and a member the record does not have.
func objectOf(t reflect.Type) string {
	members := []string{`"not_modelled":[1,{"a":null}]`}
	for _, f := range reflect.VisibleFields(t) {
		if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name != "" && !f.Anonymous {
			members = append(members, fmt.Sprintf("%q:%s", name, valuesFor(f.Type)[0]))
		}
	}
	return "{" + strings.Join(members, ",") + "}"
}

// recordFields are t's fields with a JSON name, those of its embedded
// structs included.
func recordFields(t *testing.T, typ reflect.Type) []reflect.StructField {
	var fields []reflect.StructField
	for _, f := range reflect.VisibleFields(typ) {
		if f.Anonymous {
			continue
		}
		if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name == "" || name == "-" {
			t.Fatalf("field %s.%s has no JSON name", typ.Name(), f.Name)
		}
		fields = append(fields, f)
	}
	return fields
}

// checkRecordsMatch: for every field of every record, every form of value,
// under its name, in other cases, escaped, repeated and after members we do
// not model, decodes to what encoding/json gives, and fails where and as it
// fails (the same error, its JSON pointer and offset included).
func checkRecordsMatch(t *testing.T, records []decodedRecord) {
	for _, rec := range records {
		t.Run(rec.name, func(t *testing.T) {
			t.Parallel()
			var docs []string
			loose := map[string]bool{}
			for _, f := range recordFields(t, rec.typ) {
				name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
				escaped := fmt.Sprintf(`\u%04x`, name[0]) + name[1:]
				// Names that match only under Unicode case folding: the
				// Kelvin sign is a k, the long s an s.
				folded := strings.NewReplacer("k", "\u212a", "s", "\u017f").Replace(name)
				usual := valuesFor(f.Type)[0]
				for _, v := range valuesFor(f.Type) {
					n := len(docs)
					docs = append(docs,
						fmt.Sprintf(`{%q:%s}`, name, v),
						fmt.Sprintf(`{%q:%s}`, strings.ToUpper(name), v),
						fmt.Sprintf(`{"%s":%s}`, escaped, v),
						fmt.Sprintf(`{"unknown_member":{"a":[1,"b"]},"K":1,%q:%s,"zz":null}`, name, v),
						fmt.Sprintf(`{%q:%s,%q:null}`, name, v, name),
						fmt.Sprintf(` { %q : %s , "z" : 1 } `, name, v),
						fmt.Sprintf(`{%q:%s}`, folded, v),
						// Repeated in another form: the last one read wins.
						fmt.Sprintf(`{%q:%s,"zz":1,%q:%s}`, name, usual, name, v),
						fmt.Sprintf(`{%q:%s,%q:%s}`, name, v, strings.ToUpper(name), usual),
					)
					if rec.looseErrors[name] || rec.looseErrors["*"] {
						for _, doc := range docs[n:] {
							loose[doc] = true
						}
					}
				}
			}
			docs = append(docs, `null`, `[]`, `"x"`, `5`, `{}`, `{"id":1,}`, `{"id"}`, `{"id":1`, `{"id":1 "z":2}`, `{"id":1}x`, ``,
				"{\"z\\u0041\xff\":1,\"id\":2}") // a name with an escape and invalid UTF-8, which encoding/json accepts
			for _, doc := range docs {
				got, gotErr := rec.decode([]byte(doc))
				want, wantErr := rec.ref([]byte(doc))
				if (loose[doc] || rec.looseErrors["*"]) && gotErr != nil && wantErr != nil {
					continue
				}
				if !sameError(gotErr, wantErr) {
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

// sameError reports whether a decoder's error is encoding/json's: both nil,
// or the same text once the reference's type names lose their "plain" (the
// reference decodes the record's type renamed without its methods), and
// for a semantic error the same offset and JSON value too.
func sameError(got, want error) bool {
	if got == nil || want == nil {
		return got == want
	}
	if got.Error() != strings.ReplaceAll(want.Error(), "bigcommerce.plain", "bigcommerce.") {
		return false
	}
	gs, gok := errors.AsType[*jsonv2.SemanticError](got)
	ws, wok := errors.AsType[*jsonv2.SemanticError](want)
	return gok == wok && (!gok || gs.ByteOffset == ws.ByteOffset && gs.JSONKind == ws.JSONKind && string(gs.JSONValue) == string(ws.JSONValue))
}

// checkEveryFieldSet: a field the decoder's switch left out would be skipped
// like a member we do not model; every field must come out of its decoder
// set.
func checkEveryFieldSet(t *testing.T, records []decodedRecord) {
	for _, rec := range records {
		for _, f := range recordFields(t, rec.typ) {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			v := valuesFor(f.Type)[0]
			switch f.Type.Kind() {
			case reflect.Slice:
				v = valuesFor(f.Type)[3]
				if f.Type.Elem().Kind() == reflect.Int {
					v = `[1,2]`
				}
			case reflect.Pointer:
				v = valuesFor(f.Type)[1]
			}
			got, err := rec.decode(fmt.Appendf(nil, `{%q:%s}`, name, v))
			if err != nil {
				t.Errorf("%s.%s from %s: %v", rec.name, f.Name, v, err)
				continue
			}
			if r := reflect.Indirect(reflect.ValueOf(got)); !r.IsValid() || r.FieldByIndex(f.Index).IsZero() {
				t.Errorf("%s.%s (%q) is not decoded from %s", rec.name, f.Name, name, v)
			}
		}
	}
}

// checkRejectsUnknownMembers: with encoding/json's
// Decoder.DisallowUnknownFields, a member the record does not have is an
// error, in encoding/json's words; the record's own members are not.
func checkRejectsUnknownMembers[T any](t *testing.T, ref func(*T) any, docs ...string) {
	strict := func(doc string, v any) error {
		dec := json.NewDecoder(strings.NewReader(doc))
		dec.DisallowUnknownFields()
		return dec.Decode(v)
	}
	for _, doc := range docs {
		var got, want T
		gotErr, wantErr := strict(doc, &got), strict(doc, ref(&want))
		if !sameError(gotErr, wantErr) || gotErr == nil && !reflect.DeepEqual(got, want) {
			t.Errorf("%T %s: %+v, %v; encoding/json: %+v, %v", got, doc, got, gotErr, want, wantErr)
		}
	}
}
