package sandbox

import (
	"encoding/json"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"
)

// The list pages the sync reads (orders with their line items, products
// with their variants, customers) are encoded by hand into pooled buffers:
// encoding/json's reflection and the views' decimal strings cost most of
// the store's CPU for a page of 250. The hand encoders write the same bytes
// as encoding/json does for the same views (render_test.go compares them
// on every such page), so the views' struct tags stay the reference.

// jsonAppender is a value that appends its own JSON encoding, byte for byte
// what encoding/json makes of it.
type jsonAppender interface {
	appendJSON(b []byte) []byte
}

// bodyPool holds the buffers answers are encoded into; serveAPI returns a
// call's buffer once the answer is written.
var bodyPool = sync.Pool{New: func() any { return new([]byte) }}

// answer answers status with the JSON enc appends to a pooled buffer. ref
// builds the same answer as a value for encoding/json, which encodes it
// instead when the store renders by reflection (Store.reflectJSON, set by
// the tests that compare both).
func (c *call) answer(status int, ref func() any, enc func(b []byte) []byte) {
	if c.s.reflectJSON {
		c.json(status, ref())
		return
	}
	c.release()
	buf := bodyPool.Get().(*[]byte)
	*buf = enc((*buf)[:0])
	c.status, c.body, c.pooled = status, *buf, buf
	c.header.Set("Content-Type", "application/json")
}

// release returns c's pooled buffer to the pool, once its answer is
// written or replaced; c.body no longer holds it.
func (c *call) release() {
	if c.pooled == nil {
		return
	}
	if len(c.body) > 0 && len(*c.pooled) > 0 && &c.body[0] == &(*c.pooled)[0] {
		c.body = nil
	}
	*c.pooled = (*c.pooled)[:0]
	bodyPool.Put(c.pooled)
	c.pooled = nil
}

// appendJSONString appends s as encoding/json quotes it: HTML characters,
// U+2028 and U+2029 escaped, control characters as \b \f \n \r \t or \u00XX,
// invalid UTF-8 replaced by U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	b = appendJSONChars(b, s)
	return append(b, '"')
}

// appendJSONChars appends s escaped as appendJSONString does, without the
// quotes.
func appendJSONChars(b []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		for i < len(s) && plainASCII[s[i]] {
			i++
		}
		if i == len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, "\ufffd"...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	return append(b, s[start:]...)
}

const hexDigits = "0123456789abcdef"

// plainASCII marks the bytes a JSON string holds as they are: ASCII but
// for control characters, quote, backslash and the HTML ones.
var plainASCII = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// jsonObject appends the members of one JSON object: key starts each
// member with its separator, so encoders read like the struct they encode.
type jsonObject struct {
	b     []byte
	first bool
}

func openObject(b []byte) jsonObject { return jsonObject{b: append(b, '{'), first: true} }

// key appends the separator and "name": (name needs no escaping).
func (o *jsonObject) key(name string) {
	if !o.first {
		o.b = append(o.b, ',')
	}
	o.first = false
	o.b = append(o.b, '"')
	o.b = append(o.b, name...)
	o.b = append(o.b, '"', ':')
}

func (o *jsonObject) str(name, v string) {
	o.key(name)
	o.b = appendJSONString(o.b, v)
}

func (o *jsonObject) int(name string, v int) {
	o.key(name)
	o.b = strconv.AppendInt(o.b, int64(v), 10)
}

func (o *jsonObject) bool(name string, v bool) {
	o.key(name)
	o.b = strconv.AppendBool(o.b, v)
}

// intPtr appends a *int: null when nil.
func (o *jsonObject) intPtr(name string, v *int) {
	o.key(name)
	if v == nil {
		o.b = append(o.b, "null"...)
		return
	}
	o.b = strconv.AppendInt(o.b, int64(*v), 10)
}

// strPtr appends a *string: null when nil.
func (o *jsonObject) strPtr(name string, v *string) {
	o.key(name)
	if v == nil {
		o.b = append(o.b, "null"...)
		return
	}
	o.b = appendJSONString(o.b, *v)
}

// decimal appends a V3 number (decimal.MarshalJSON's form).
func (o *jsonObject) decimal(name string, v decimal) {
	o.key(name)
	o.b = v.appendV3(o.b)
}

// v2Money appends a V2 decimal string (v2Money.MarshalJSON's form).
func (o *jsonObject) v2Money(name string, v v2Money) {
	o.key(name)
	o.b = append(o.b, '"')
	o.b = decimal(v).appendV2(o.b)
	o.b = append(o.b, '"')
}

// optDecimal appends a nullable V3 number.
func (o *jsonObject) optDecimal(name string, v optDecimal) {
	o.key(name)
	if !v.set {
		o.b = append(o.b, "null"...)
		return
	}
	o.b = v.v.appendV3(o.b)
}

// isoTime appends a V3 date string.
func (o *jsonObject) isoTime(name string, v isoTime) {
	o.key(name)
	o.b = v.appendJSON(o.b)
}

// ints appends a []int: null when nil.
func (o *jsonObject) ints(name string, v []int) {
	o.key(name)
	if v == nil {
		o.b = append(o.b, "null"...)
		return
	}
	o.b = append(o.b, '[')
	for i, n := range v {
		if i > 0 {
			o.b = append(o.b, ',')
		}
		o.b = strconv.AppendInt(o.b, int64(n), 10)
	}
	o.b = append(o.b, ']')
}

// strs appends a []string: null when nil.
func (o *jsonObject) strs(name string, v []string) {
	o.key(name)
	if v == nil {
		o.b = append(o.b, "null"...)
		return
	}
	o.b = append(o.b, '[')
	for i, s := range v {
		if i > 0 {
			o.b = append(o.b, ',')
		}
		o.b = appendJSONString(o.b, s)
	}
	o.b = append(o.b, ']')
}

// anys appends a []any the views hold empty, without boxing it.
func (o *jsonObject) anys(name string, v []any) {
	o.key(name)
	o.b = appendJSONAnys(o.b, v)
}

// appendJSONAnys appends a []any: null when nil, [] when empty, else
// through encoding/json.
func appendJSONAnys(b []byte, v []any) []byte {
	switch {
	case v == nil:
		return append(b, "null"...)
	case len(v) == 0:
		return append(b, '[', ']')
	}
	return appendJSONValue(b, v)
}

// value appends v, by its own encoder when it has one, else through
// encoding/json (the rare shapes the hand encoders do not cover).
func (o *jsonObject) value(name string, v any) {
	o.key(name)
	o.b = appendJSONValue(o.b, v)
}

// close ends the object and returns the buffer.
func (o *jsonObject) close() []byte { return append(o.b, '}') }

// appendJSONValue appends v as encoding/json would: by v's own encoder when
// it has one, an empty []any as [], anything else through encoding/json.
func appendJSONValue(b []byte, v any) []byte {
	switch v := v.(type) {
	case jsonAppender:
		return v.appendJSON(b)
	case []any:
		if v != nil && len(v) == 0 {
			return append(b, '[', ']')
		}
	}
	raw, err := json.Marshal(v)
	if err != nil {
		// The views hold nothing encoding/json refuses; should one, the
		// answer is visibly broken rather than silently short.
		return append(b, "null"...)
	}
	return append(b, raw...)
}

// appendJSONList appends the JSON array of items, each by its own encoder;
// a nil list is null, as encoding/json writes it.
func appendJSONList[T any, P interface {
	*T
	jsonAppender
}](b []byte, items []T) []byte {
	if items == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i := range items {
		if i > 0 {
			b = append(b, ',')
		}
		b = P(&items[i]).appendJSON(b)
	}
	return append(b, ']')
}

// appendJSONPtrs appends the JSON array of pointed-to items, each by its
// own encoder, a nil one as null; a nil list is null.
func appendJSONPtrs[T any, P interface {
	*T
	jsonAppender
}](b []byte, items []P) []byte {
	if items == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, it := range items {
		if i > 0 {
			b = append(b, ',')
		}
		if it == nil {
			b = append(b, "null"...)
		} else {
			b = it.appendJSON(b)
		}
	}
	return append(b, ']')
}

func appendBool(b []byte, v bool) []byte { return strconv.AppendBool(b, v) }

// rfcTime appends a V2 date string ("" for 0), as rfcTime.MarshalJSON does.
func (o *jsonObject) rfcTime(name string, v rfcTime) {
	o.key(name)
	o.b = append(o.b, '"')
	if v != 0 {
		o.b = time.Unix(int64(v), 0).UTC().AppendFormat(o.b, rfc2822)
	}
	o.b = append(o.b, '"')
}
