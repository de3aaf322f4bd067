package sandbox

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// decimal is a fixed-point number in ten-thousandths (prices, weights): the precision
// V2 prints money with ("62.6793"). Money is never held in a float.
type decimal int64

const decimalScale = 10000

// v2 is the V2 form: a decimal string with four places.
func (m decimal) v2() string {
	var buf [24]byte
	return string(m.appendV2(buf[:0]))
}

// appendV2 appends the V2 form.
func (m decimal) appendV2(b []byte) []byte {
	if m < 0 {
		b, m = append(b, '-'), -m
	}
	b = strconv.AppendInt(b, int64(m/decimalScale), 10)
	frac := int64(m % decimalScale)
	return append(b, '.', byte('0'+frac/1000), byte('0'+frac/100%10), byte('0'+frac/10%10), byte('0'+frac%10))
}

// appendV3 appends the V3 form: the V2 form without trailing zeros (nor
// a trailing point).
func (m decimal) appendV3(b []byte) []byte {
	b = m.appendV2(b)
	for b[len(b)-1] == '0' {
		b = b[:len(b)-1]
	}
	if b[len(b)-1] == '.' {
		b = b[:len(b)-1]
	}
	return b
}

// MarshalJSON writes the V3 form: a JSON number with no trailing zeros.
func (m decimal) MarshalJSON() ([]byte, error) {
	var buf [24]byte
	return m.appendV3(buf[:0]), nil
}

// v2Money is an amount V2 renders as a decimal string ("62.6790").
type v2Money decimal

// MarshalJSON writes the V2 form as a JSON string.
func (m v2Money) MarshalJSON() ([]byte, error) {
	b := append(make([]byte, 0, 24), '"')
	return append(decimal(m).appendV2(b), '"'), nil
}

// UnmarshalJSON reads a JSON number or a decimal string exactly.
func (m *decimal) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	v, err := parseDecimal(s)
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// parseDecimal reads a decimal such as "12", "-3.5" or "62.6793" exactly.
func parseDecimal(s string) (decimal, error) {
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" && frac == "" || !digits(whole) || !digits(frac) || len(frac) > 4 && strings.Trim(frac[4:], "0") != "" {
		return 0, fmt.Errorf("%q is not a decimal with at most 4 places", s)
	}
	if len(frac) > 4 {
		frac = frac[:4]
	}
	if whole == "" {
		whole = "0"
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > 1e14 {
		return 0, fmt.Errorf("%q is not a decimal", s)
	}
	frac += strings.Repeat("0", 4-len(frac))
	f, err := strconv.ParseInt(frac, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a decimal", s)
	}
	v := decimal(w*decimalScale + f)
	if neg {
		v = -v
	}
	return v, nil
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// optDecimal is a nullable V3 price (variant price overrides are null when unset).
type optDecimal struct {
	v   decimal
	set bool
}

func (o optDecimal) MarshalJSON() ([]byte, error) {
	if !o.set {
		return []byte("null"), nil
	}
	return o.v.MarshalJSON()
}

func (o *optDecimal) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*o = optDecimal{}
		return nil
	}
	o.set = true
	return o.v.UnmarshalJSON(b)
}

// Date formats of the two API families.
const (
	rfc2822 = "Mon, 02 Jan 2006 15:04:05 -0700" // V2, e.g. "Mon, 11 Mar 2019 15:17:25 +0000"
	iso8601 = "2006-01-02T15:04:05-07:00"       // V3, e.g. "2018-08-15T14:48:46+00:00"
)

func v2Date(unix int64) string {
	if unix == 0 {
		return ""
	}
	return time.Unix(unix, 0).UTC().Format(rfc2822)
}

// quotedInt is an integer V2 renders as a JSON string ("203").
type quotedInt int

func (n quotedInt) MarshalJSON() ([]byte, error) {
	b := append(make([]byte, 0, 24), '"')
	return append(strconv.AppendInt(b, int64(n), 10), '"'), nil
}

// rfcTime is unix seconds V2 renders as an RFC-2822 string, "" for 0.
type rfcTime int64

func (t rfcTime) MarshalJSON() ([]byte, error) {
	return json.Marshal(v2Date(int64(t)))
}

func v3Date(unix int64) string {
	return time.Unix(unix, 0).UTC().Format(iso8601)
}

// isoTime marshals unix seconds as an ISO-8601 string.
type isoTime int64

func (t isoTime) MarshalJSON() ([]byte, error) {
	return json.Marshal(v3Date(int64(t)))
}

// appendJSON appends t as MarshalJSON writes it.
func (t isoTime) appendJSON(b []byte) []byte {
	b = append(b, '"')
	b = time.Unix(int64(t), 0).UTC().AppendFormat(b, iso8601)
	return append(b, '"')
}

// parseFilterDate reads a date filter value the way BigCommerce does: RFC-2822,
// ISO-8601 with or without a zone (no zone means UTC), a bare date (which gets
// the current time of day added, as the real API does), or Unix seconds.
func parseFilterDate(s string, now time.Time) (int64, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && len(s) >= 9 {
		return n, nil
	}
	for _, layout := range []string{rfc2822, "Mon, 2 Jan 2006 15:04:05 -0700", time.RFC1123Z, time.RFC1123, time.RFC3339Nano, "2006-01-02T15:04:05-0700", "2006-01-02 15:04:05 -0700"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Unix(), nil
		}
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02 15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t.Unix(), nil
		}
	}
	if d, err := time.ParseInLocation("2006-01-02", s, time.UTC); err == nil {
		n := now.UTC()
		clock := time.Duration(n.Hour())*time.Hour + time.Duration(n.Minute())*time.Minute + time.Duration(n.Second())*time.Second
		return d.Add(clock).Unix(), nil
	}
	return 0, fmt.Errorf("%q is not an RFC-2822 or ISO-8601 date", s)
}
