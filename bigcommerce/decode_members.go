//go:build go1.27 && goexperiment.jsonv2

package bigcommerce

import (
	"bytes"
	"encoding/json/jsontext"
	jsonv2 "encoding/json/v2"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// The records of the pages we read most (products with their variants,
// images and custom fields in decode_catalog.go; V2 orders with their
// consignments and line items in decode_orders.go) decode here straight from
// the decoder's tokens, member by member: the reflection-driven decoder's
// cost per member (a map lookup of the name, a case-folded second lookup for
// every member we do not model, a call through reflection per value) was
// most of a page's decoding. Each record's fields are a switch on the name.
//
// A value in its usual form (a string without escapes, a whole number, a
// decimal, a date in the API's form, true or false) is read in place; a
// value of another kind (null first of all) is handed, before it is read,
// to encoding/json with the decoder where it stands; a value of the kind
// but not the form (a fraction, an exponent, an escape, invalid UTF-8, a
// string that is no decimal or date) to encoding/json once read, its error
// placed where it was read (decodeRead). The results and errors (their JSON
// pointer and offset included) are encoding/json's. Names match as encoding/json matches them, without regard
// to case. A record's UnmarshalJSONFrom hands anything but an object back to
// encoding/json (errors.ErrUnsupported), which then decodes it as it would
// without the method. This is the build for Go 1.27 and later; on earlier
// releases these records decode by reflection.

// memberDecoder is a record that decodes its members by name.
type memberDecoder interface {
	// decodeMember decodes the value of the member name (its JSON name as the
	// type's tag writes it) and reports whether the record has such a field.
	decodeMember(dec *jsontext.Decoder, name []byte) (bool, error)
}

// decodeRecord is a record's UnmarshalJSONFrom: an object member by member
// (decodeObject), anything else back to encoding/json.
func decodeRecord(dec *jsontext.Decoder, r memberDecoder, names []string) error {
	if dec.PeekKind() != '{' {
		return errors.ErrUnsupported
	}
	return decodeObject(dec, r, names)
}

// decodeObject decodes the JSON object next in dec, which the caller has
// peeked, into r. names are r's JSON names, for the members whose name
// matches one only without regard to case.
func decodeObject(dec *jsontext.Decoder, r memberDecoder, names []string) error {
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	var unquoted []byte
	var optionsRead, reject bool
	for dec.PeekKind() != '}' {
		raw, err := dec.ReadValue()
		if err != nil {
			return err
		}
		name := raw[1 : len(raw)-1]
		if bytes.IndexByte(name, '\\') >= 0 {
			if unquoted, err = jsontext.AppendUnquote(unquoted[:0], raw); err != nil {
				return err
			}
			name = unquoted
		}
		known, err := r.decodeMember(dec, name)
		if err != nil {
			return err
		}
		if !known {
			if canon := foldedName(name, names); canon != "" {
				known, err = r.decodeMember(dec, []byte(canon))
				if err != nil {
					return err
				}
			}
		}
		if !known {
			if !optionsRead {
				reject, _ = jsonv2.GetOption(dec.Options(), jsonv2.RejectUnknownMembers)
				optionsRead = true
			}
			if reject {
				// As encoding/json's Decoder.DisallowUnknownFields asks, in its words.
				return fmt.Errorf("json: unknown field %q", name)
			}
			if err := dec.SkipValue(); err != nil {
				return err
			}
		}
	}
	_, err := dec.ReadToken()
	return err
}

// foldedName returns the name of names that name equals without regard to
// case, or "". The names are lower-case ASCII, so a name of lower-case ASCII
// that is not one of them exactly matches none (the common case: a member we
// do not model).
func foldedName(name []byte, names []string) string {
	folds := false
	for _, c := range name {
		if c >= 'A' && c <= 'Z' || c >= utf8.RuneSelf {
			folds = true
			break
		}
	}
	if !folds {
		return ""
	}
	for _, n := range names {
		if strings.EqualFold(n, string(name)) {
			return n
		}
	}
	return ""
}

// fieldNames returns the JSON names of T's fields, those of its embedded
// structs included, from their tags.
func fieldNames[T any]() []string {
	var names []string
	for _, f := range reflect.VisibleFields(reflect.TypeFor[T]()) {
		if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name != "" && name != "-" {
			names = append(names, name)
		}
	}
	return names
}

// decodeList decodes a JSON array of records into *p, each object element
// member by member (new), anything else as encoding/json does: null, another
// type, or a list already holding elements, which encoding/json decodes into
// in place.
func decodeList[T any, P interface {
	*T
	memberDecoder
}](dec *jsontext.Decoder, p *[]P, names []string) error {
	if dec.PeekKind() != '[' || *p != nil {
		return jsonv2.UnmarshalDecode(dec, p)
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	list := []P{}
	for dec.PeekKind() != ']' {
		if dec.PeekKind() != '{' {
			var other P // declared here: the address handed over moves it to the heap
			if err := jsonv2.UnmarshalDecode(dec, &other); err != nil {
				return err
			}
			list = append(list, other)
			continue
		}
		elem := P(new(T))
		if err := decodeObject(dec, elem, names); err != nil {
			return err
		}
		list = append(list, elem)
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	*p = list
	return nil
}

// decodeInto decodes the object next in dec into *p, made when nil, as
// encoding/json decodes a pointer to a record; anything else (null first of
// all) goes to encoding/json.
func decodeInto[T any, P interface {
	*T
	memberDecoder
}](dec *jsontext.Decoder, p *P, names []string) error {
	if dec.PeekKind() != '{' {
		return jsonv2.UnmarshalDecode(dec, p)
	}
	if *p == nil {
		*p = new(T)
	}
	return decodeObject(dec, *p, names)
}

// decodeRead decodes raw, the value dec has just read, as encoding/json
// would have decoded it in place: its error, if any, is placed where dec
// read raw (its offset and JSON pointer), as encoding/json places it.
func decodeRead(dec *jsontext.Decoder, raw jsontext.Value, p any) error {
	err := jsonv2.Unmarshal(raw, p, dec.Options())
	if serr, ok := err.(*jsonv2.SemanticError); ok {
		serr.ByteOffset += dec.InputOffset() - int64(len(raw))
		serr.JSONPointer = dec.StackPointer() + serr.JSONPointer
	}
	return err
}

// readKind reads the value next in dec when it is of the kind given (a
// number '0' or a string '"'); read is false, and nothing read, otherwise.
func readKind(dec *jsontext.Decoder, kind jsontext.Kind) (raw jsontext.Value, read bool, err error) {
	if dec.PeekKind() != kind {
		return nil, false, nil
	}
	raw, err = dec.ReadValue()
	return raw, true, err
}

// plainText is a JSON string's text when it has no escapes and is valid
// UTF-8, as the decoder leaves the great majority of texts.
func plainText(raw jsontext.Value) ([]byte, bool) {
	text := raw[1 : len(raw)-1]
	return text, bytes.IndexByte(text, '\\') < 0 && utf8.Valid(text)
}

// decodeInt decodes a whole number of up to 18 digits in place, and anything
// else as encoding/json does.
func decodeInt(dec *jsontext.Decoder, p *int) error {
	raw, read, err := readKind(dec, '0')
	switch {
	case !read:
		return jsonv2.UnmarshalDecode(dec, p)
	case err != nil:
		return err
	}
	if v, ok := wholeNumber(raw); ok {
		*p = v
		return nil
	}
	return decodeRead(dec, raw, p)
}

// wholeNumber parses b, a JSON number, when it is whole (no fraction, no
// exponent) of at most 18 digits, which an int holds.
func wholeNumber(b []byte) (int, bool) {
	digits, neg := b, len(b) > 0 && b[0] == '-'
	if neg {
		digits = digits[1:]
	}
	if len(digits) == 0 || len(digits) > 18 {
		return 0, false
	}
	v := 0
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	if neg {
		v = -v
	}
	return v, true
}

// decodeString decodes a string without escapes or invalid UTF-8 in place,
// and anything else as encoding/json does. With intern, the text comes from
// the table of recent values (for the values a page repeats: types,
// statuses, option names, countries).
func decodeString(dec *jsontext.Decoder, p *string, intern bool) error {
	raw, read, err := readKind(dec, '"')
	switch {
	case !read:
		return jsonv2.UnmarshalDecode(dec, p)
	case err != nil:
		return err
	}
	text, ok := plainText(raw)
	switch {
	case !ok:
		return decodeRead(dec, raw, p)
	case intern:
		*p = recentTexts.intern(text)
	default:
		*p = string(text)
	}
	return nil
}

// decodeBool decodes true or false, and anything else as encoding/json does.
func decodeBool(dec *jsontext.Decoder, p *bool) error {
	if k := dec.PeekKind(); k != 't' && k != 'f' {
		return jsonv2.UnmarshalDecode(dec, p)
	}
	raw, err := dec.ReadValue()
	if err != nil {
		return err
	}
	*p = raw[0] == 't'
	return nil
}

// decodeDecimal decodes a decimal string, "" or a decimal number in place,
// as Decimal.UnmarshalJSON would, and anything else as encoding/json does
// (through UnmarshalJSON).
func decodeDecimal(dec *jsontext.Decoder, d *Decimal) error {
	kind := dec.PeekKind()
	if kind != '"' && kind != '0' {
		return jsonv2.UnmarshalDecode(dec, d)
	}
	raw, err := dec.ReadValue()
	if err != nil {
		return err
	}
	text := []byte(raw)
	if kind == '"' {
		var ok bool
		if text, ok = plainText(raw); ok && len(text) == 0 {
			*d = ""
			return nil
		} else if !ok {
			return decodeRead(dec, raw, d)
		}
	}
	if !isDecimal(text) {
		return decodeRead(dec, raw, d)
	}
	*d = internDecimal(text)
	return nil
}

// decodeTime decodes "" and a date in V2's or V3's usual form in place, as
// Time.UnmarshalJSON would, and anything else as encoding/json does
// (through UnmarshalJSON).
func decodeTime(dec *jsontext.Decoder, t *Time) error {
	raw, read, err := readKind(dec, '"')
	switch {
	case !read:
		return jsonv2.UnmarshalDecode(dec, t)
	case err != nil:
		return err
	}
	text, ok := plainText(raw)
	if !ok {
		return decodeRead(dec, raw, t)
	}
	var v time.Time
	if len(text) > 0 {
		if v, ok = parseUsualTime(text); !ok {
			return decodeRead(dec, raw, t)
		}
	}
	t.Time = v
	return nil
}

// textCache remembers recent short texts, so that the words a catalog repeats
// in every record (types, statuses, option names and labels, custom field
// names) are allocated once rather than once per record. It is a fixed table
// indexed by a hash of the text: a new text replaces whichever one held its
// slot, so it never grows. Slots point to strings that never change once
// stored, so decoders on any number of goroutines share it without a lock.
type textCache [4096]atomic.Pointer[string]

// recentTexts is the process's cache.
var recentTexts textCache

// intern returns b as a string, the cached one when b is in the table.
func (c *textCache) intern(b []byte) string {
	if len(b) > 24 {
		return string(b)
	}
	h := uint32(2166136261) // FNV-1a
	for _, ch := range b {
		h = (h ^ uint32(ch)) * 16777619
	}
	slot := &c[h%uint32(len(c))]
	if s := slot.Load(); s != nil && *s == string(b) {
		return *s
	}
	s := string(b)
	slot.Store(&s)
	return s
}
