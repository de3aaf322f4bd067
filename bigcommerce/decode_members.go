//go:build go1.27 && goexperiment.jsonv2

package bigcommerce

import (
	"bytes"
	"encoding/json"
	"encoding/json/jsontext"
	jsonv2 "encoding/json/v2"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
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
// decimal, a date in the API's form, true or false) is read in place, and a
// record's texts are stored together, one allocation for all of them
// (batchDecoder). A value of another kind (null first of all) is handed,
// before it is read, to encoding/json with the decoder where it stands; a
// value of the kind but not the form (a fraction, an exponent, an escape,
// invalid UTF-8, a string that is no decimal or date) to encoding/json once
// read, its error placed where it was read (decodeRead). The results and
// errors (their JSON pointer and offset included) are encoding/json's.
// Names match as encoding/json matches them, without regard to case. A
// record's UnmarshalJSONFrom hands anything but an object back to
// encoding/json (errors.ErrUnsupported), which then decodes it as it would
// without the method. This is the build for Go 1.27 and later; on earlier
// releases these records decode by reflection.

// memberDecoder is a record that decodes its members by name.
type memberDecoder interface {
	// decodeMember decodes the value of the member name (its JSON name as the
	// type's tag writes it) and reports whether the record has such a field.
	decodeMember(d *batchDecoder, name []byte) (bool, error)
}

// batchDecoder is a decoder that stores the texts of a record's fields
// together: their bytes are gathered as the members are read and made into
// one string when the record ends (flush), each field a part of it, so a
// record's texts cost one allocation rather than one each. Until then a
// field holds what it held; every value stored in another way (by
// encoding/json) flushes first, so the texts land in the order read.
type batchDecoder struct {
	*jsontext.Decoder
	texts   []byte        // the bytes of the texts pending, one after another
	pending []pendingText // where each goes
	nulls   nullRule      // read from the options when first needed
}

// nullRule is what null does to a string, number or bool: nothing, under
// encoding/json's own options (json.MergeWithLegacySemantics), or make it
// zero.
type nullRule uint8

const (
	nullUnknown nullRule = iota
	nullKeeps
	nullZeroes
)

// pendingText is a text read and not yet stored: text when it is known
// already (interned, a constant), else the bytes of texts up to end.
type pendingText struct {
	dst  *string
	text string
	end  int
}

var batchDecoders = sync.Pool{New: func() any { return new(batchDecoder) }}

// decodeWith runs decode with a batchDecoder reading from dec.
func decodeWith(dec *jsontext.Decoder, decode func(*batchDecoder) error) error {
	d := batchDecoders.Get().(*batchDecoder)
	d.Decoder = dec
	err := decode(d)
	if err == nil {
		d.flush()
	}
	clear(d.pending) // no pointers into the records stay in the pool
	d.Decoder, d.texts, d.pending, d.nulls = nil, d.texts[:0], d.pending[:0], nullUnknown
	if cap(d.texts) <= 64<<10 {
		batchDecoders.Put(d)
	}
	return err
}

// setText stores a copy of text into *dst at the next flush.
func (d *batchDecoder) setText(dst *string, text []byte) {
	d.texts = append(d.texts, text...)
	d.pending = append(d.pending, pendingText{dst: dst, end: len(d.texts)})
}

// setString stores s into *dst at the next flush.
func (d *batchDecoder) setString(dst *string, s string) {
	d.pending = append(d.pending, pendingText{dst: dst, text: s, end: -1})
}

// flush stores the texts pending.
func (d *batchDecoder) flush() {
	if len(d.pending) == 0 {
		return
	}
	all, start := string(d.texts), 0
	for _, p := range d.pending {
		if p.end < 0 {
			*p.dst = p.text
			continue
		}
		*p.dst, start = all[start:p.end], p.end
	}
	clear(d.pending)
	d.texts, d.pending = d.texts[:0], d.pending[:0]
}

// readNull reads the null next in d, if it is one, and reports whether it
// zeroes a string, number or bool (see nullRule).
func (d *batchDecoder) readNull() (read, zeroes bool, err error) {
	if d.PeekKind() != 'n' {
		return false, false, nil
	}
	if _, err := d.ReadValue(); err != nil {
		return true, false, err
	}
	if d.nulls == nullUnknown {
		d.nulls = nullZeroes
		if keep, _ := jsonv2.GetOption(d.Options(), json.MergeWithLegacySemantics); keep {
			d.nulls = nullKeeps
		}
	}
	return true, d.nulls == nullZeroes, nil
}

// fallback decodes the value next in d as encoding/json does, into p.
func (d *batchDecoder) fallback(p any) error {
	d.flush()
	return jsonv2.UnmarshalDecode(d.Decoder, p)
}

// decodeRecord is a record's UnmarshalJSONFrom: an object member by member
// (decodeObject), anything else back to encoding/json.
func decodeRecord(dec *jsontext.Decoder, r memberDecoder, names []string) error {
	if dec.PeekKind() != '{' {
		return errors.ErrUnsupported
	}
	return decodeWith(dec, func(d *batchDecoder) error { return decodeObject(d, r, names) })
}

// decodeObject decodes the JSON object next in d, which the caller has
// peeked, into r, its texts stored when it ends. names are r's JSON names,
// for the members whose name matches one only without regard to case.
func decodeObject(d *batchDecoder, r memberDecoder, names []string) error {
	if _, err := d.ReadToken(); err != nil {
		return err
	}
	var unquoted []byte
	var optionsRead, reject bool
	for d.PeekKind() != '}' {
		raw, err := d.ReadValue()
		if err != nil {
			return err
		}
		name := raw[1 : len(raw)-1]
		if bytes.IndexByte(name, '\\') >= 0 {
			// The decoder has checked the name; the one error left is
			// invalid UTF-8, which encoding/json accepts (as U+FFFD).
			unquoted, _ = jsontext.AppendUnquote(unquoted[:0], raw)
			name = unquoted
		}
		known, err := r.decodeMember(d, name)
		if err != nil {
			return err
		}
		if !known {
			if canon := foldedName(name, names); canon != "" {
				known, err = r.decodeMember(d, []byte(canon))
				if err != nil {
					return err
				}
			}
		}
		if !known {
			if !optionsRead {
				reject, _ = jsonv2.GetOption(d.Options(), jsonv2.RejectUnknownMembers)
				optionsRead = true
			}
			if reject {
				// As encoding/json's Decoder.DisallowUnknownFields asks, in its words.
				return fmt.Errorf("json: unknown field %q", name)
			}
			if err := d.SkipValue(); err != nil {
				return err
			}
		}
	}
	d.flush()
	_, err := d.ReadToken()
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
}](d *batchDecoder, p *[]P, names []string) error {
	if d.PeekKind() != '[' || *p != nil {
		return d.fallback(p)
	}
	if _, err := d.ReadToken(); err != nil {
		return err
	}
	list := []P{}
	for d.PeekKind() != ']' {
		if d.PeekKind() != '{' {
			var other P // declared here: the address handed over moves it to the heap
			if err := d.fallback(&other); err != nil {
				return err
			}
			list = append(list, other)
			continue
		}
		elem := P(new(T))
		if err := decodeObject(d, elem, names); err != nil {
			return err
		}
		list = append(list, elem)
	}
	if _, err := d.ReadToken(); err != nil {
		return err
	}
	*p = list
	return nil
}

// decodeInts decodes a JSON array of numbers into *p, each as decodeInt
// does, and anything else, or into a list already holding numbers, as
// encoding/json does.
func decodeInts(d *batchDecoder, p *[]int) error {
	if d.PeekKind() != '[' || *p != nil {
		return d.fallback(p)
	}
	if _, err := d.ReadToken(); err != nil {
		return err
	}
	list := []int{}
	for d.PeekKind() != ']' {
		var v int
		if err := decodeInt(d, &v); err != nil {
			return err
		}
		list = append(list, v)
	}
	if _, err := d.ReadToken(); err != nil {
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
}](d *batchDecoder, p *P, names []string) error {
	if d.PeekKind() != '{' {
		return d.fallback(p)
	}
	if *p == nil {
		*p = new(T)
	}
	return decodeObject(d, *p, names)
}

// decodeRead decodes raw, the value d has just read, as encoding/json would
// have decoded it in place: its error, if any, is placed where d read raw
// (its offset and JSON pointer), as encoding/json places it.
func decodeRead(d *batchDecoder, raw jsontext.Value, p any) error {
	d.flush()
	err := jsonv2.Unmarshal(raw, p, d.Options())
	if serr, ok := err.(*jsonv2.SemanticError); ok {
		serr.ByteOffset += d.InputOffset() - int64(len(raw))
		serr.JSONPointer = d.StackPointer() + serr.JSONPointer
	}
	return err
}

// readKind reads the value next in d when it is of the kind given (a number
// '0' or a string '"'); read is false, and nothing read, otherwise.
func readKind(d *batchDecoder, kind jsontext.Kind) (raw jsontext.Value, read bool, err error) {
	if d.PeekKind() != kind {
		return nil, false, nil
	}
	raw, err = d.ReadValue()
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
func decodeInt(d *batchDecoder, p *int) error {
	if null, zeroes, err := d.readNull(); null {
		if zeroes && err == nil {
			*p = 0
		}
		return err
	}
	raw, read, err := readKind(d, '0')
	switch {
	case !read:
		return d.fallback(p)
	case err != nil:
		return err
	}
	if v, ok := wholeNumber(raw); ok {
		*p = v
		return nil
	}
	return decodeRead(d, raw, p)
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
func decodeString(d *batchDecoder, p *string, intern bool) error {
	if null, zeroes, err := d.readNull(); null {
		if zeroes && err == nil {
			d.setString(p, "")
		}
		return err
	}
	raw, read, err := readKind(d, '"')
	switch {
	case !read:
		return d.fallback(p)
	case err != nil:
		return err
	}
	text, ok := plainText(raw)
	switch {
	case !ok:
		return decodeRead(d, raw, p)
	case intern:
		d.setString(p, recentTexts.intern(text))
	default:
		d.setText(p, text)
	}
	return nil
}

// decodeBool decodes true or false, and anything else as encoding/json does.
func decodeBool(d *batchDecoder, p *bool) error {
	if null, zeroes, err := d.readNull(); null {
		if zeroes && err == nil {
			*p = false
		}
		return err
	}
	if k := d.PeekKind(); k != 't' && k != 'f' {
		return d.fallback(p)
	}
	raw, err := d.ReadValue()
	if err != nil {
		return err
	}
	*p = raw[0] == 't'
	return nil
}

// decodeDecimal decodes a decimal string, "" or a decimal number in place,
// as Decimal.UnmarshalJSON would, and anything else as encoding/json does
// (through UnmarshalJSON).
func decodeDecimal(d *batchDecoder, p *Decimal) error {
	if null, _, err := d.readNull(); null { // UnmarshalJSON and zeroing alike leave ""
		if err == nil {
			d.setString((*string)(p), "")
		}
		return err
	}
	kind := d.PeekKind()
	if kind != '"' && kind != '0' {
		return d.fallback(p)
	}
	raw, err := d.ReadValue()
	if err != nil {
		return err
	}
	text := []byte(raw)
	if kind == '"' {
		var ok bool
		if text, ok = plainText(raw); !ok {
			return decodeRead(d, raw, p)
		}
	}
	switch known, ok := knownDecimal(text); {
	case len(text) == 0 && kind == '"':
		d.setString((*string)(p), "")
	case ok:
		d.setString((*string)(p), string(known))
	case isDecimal(text):
		d.setText((*string)(p), text)
	default:
		return decodeRead(d, raw, p)
	}
	return nil
}

// decodeTime decodes "" and a date in V2's or V3's usual form in place, as
// Time.UnmarshalJSON would, and anything else as encoding/json does
// (through UnmarshalJSON).
func decodeTime(d *batchDecoder, t *Time) error {
	if null, _, err := d.readNull(); null { // UnmarshalJSON and zeroing alike leave the zero time
		if err == nil {
			t.Time = time.Time{}
		}
		return err
	}
	raw, read, err := readKind(d, '"')
	switch {
	case !read:
		return d.fallback(t)
	case err != nil:
		return err
	}
	text, ok := plainText(raw)
	if !ok {
		return decodeRead(d, raw, t)
	}
	var v time.Time
	if len(text) > 0 {
		if v, ok = parseUsualTime(text); !ok {
			return decodeRead(d, raw, t)
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
