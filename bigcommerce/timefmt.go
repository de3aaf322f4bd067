package bigcommerce

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// Time is a timestamp as the API writes it: RFC-2822 in V2 ("Mon, 11 Mar 2019
// 15:17:25 +0000"), ISO-8601 in V3, Unix seconds in webhooks and /v2/time. It
// decodes all of them; "" and null are the zero time. It encodes as RFC 3339.
type Time struct{ time.Time }

// rfc2822Layouts are V2's forms, which start with the weekday; isoLayouts
// are V3's, which start with the year. Only the group a value's first
// character selects is tried, so a V3 date costs no failed RFC 2822 parses
// (each of which allocated its error).
var (
	rfc2822Layouts = []string{
		time.RFC1123Z,
		time.RFC1123,
		"Mon, 2 Jan 2006 15:04:05 -0700",
	}
	isoLayouts = []string{
		time.RFC3339Nano,
		"2006-01-02T15:04:05.999999999-0700", // an offset without a colon
		"2006-01-02T15:04:05",
		"2006-01-02",
	}
)

// ParseTime parses any timestamp form the API uses.
func ParseTime(s string) (time.Time, error) {
	if allDigits(s) { // Unix seconds: no layout matches digits alone
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return time.Unix(n, 0).UTC(), nil
		}
	}
	layouts := rfc2822Layouts
	if s != "" && s[0] >= '0' && s[0] <= '9' {
		layouts = isoLayouts
	}
	for _, l := range layouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date (want RFC 3339 such as 2025-01-15T00:03:17Z, or RFC 2822)", s)
}

// allDigits reports whether s is one or more ASCII digits with an optional
// leading sign.
func allDigits(s string) bool {
	if s != "" && (s[0] == '-' || s[0] == '+') {
		s = s[1:]
	}
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// MarshalJSON writes RFC 3339, or null for the zero time.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(t.UTC().Format(time.RFC3339))
}

// appendJSON appends what MarshalJSON writes (AppendOrderJSON writes every
// date of every order the sync reads), without allocating. RFC 3339 needs
// no escaping.
func (t Time) appendJSON(b []byte) []byte {
	if t.IsZero() {
		return append(b, "null"...)
	}
	b = append(b, '"')
	b = t.UTC().AppendFormat(b, time.RFC3339)
	return append(b, '"')
}

// UnmarshalJSON accepts a string in any API form, a Unix-seconds number, "" or null.
func (t *Time) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		t.Time = time.Time{}
		return nil
	}
	if len(b) > 1 && b[0] == '"' {
		if v, ok := parseUsualTime(b[1 : len(b)-1]); ok {
			t.Time = v
			return nil
		}
	}
	s, err := timeText(b)
	if err != nil {
		return err
	}
	if s == "" {
		t.Time = time.Time{}
		return nil
	}
	v, err := ParseTime(s)
	if err != nil {
		return fmt.Errorf("bigcommerce: %w", err)
	}
	t.Time = v
	return nil
}

// timeText is a JSON string's text, or any other JSON value as written. The
// decoder has checked b, so a string without escapes is read in place.
func timeText(b []byte) (string, error) {
	if len(b) == 0 || b[0] != '"' {
		return string(b), nil
	}
	if bytes.IndexByte(b, '\\') < 0 {
		return string(b[1 : len(b)-1]), nil
	}
	var s string
	err := json.Unmarshal(b, &s)
	return s, err
}

// parseUsualTime reads the API's usual dates straight from the answer's
// bytes: V3's (parseISO) and V2's (parseRFC1123Z). ok is false for any
// other form; ParseTime then has the last word.
func parseUsualTime(b []byte) (time.Time, bool) {
	if len(b) > 0 && b[0] >= '0' && b[0] <= '9' {
		return parseISO(b)
	}
	return parseRFC1123Z(b)
}

// parseISO reads V3's usual form, 2006-01-02T15:04:05[.999999999](Z|±07:00),
// straight from the answer's bytes, giving what time.Parse(time.RFC3339Nano)
// gives (the same instant and location) without allocating. ok is false for
// any other form or an out-of-range field; ParseTime then has the last word.
func parseISO(b []byte) (t time.Time, ok bool) {
	num := func(i, n int) (int, bool) {
		v := 0
		for _, c := range b[i : i+n] {
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + int(c-'0')
		}
		return v, true
	}
	if len(b) < len("2006-01-02T15:04:05Z") || b[4] != '-' || b[7] != '-' || b[10] != 'T' || b[13] != ':' || b[16] != ':' {
		return time.Time{}, false
	}
	year, ok1 := num(0, 4)
	month, ok2 := num(5, 2)
	day, ok3 := num(8, 2)
	hour, ok4 := num(11, 2)
	minute, ok5 := num(14, 2)
	sec, ok6 := num(17, 2)
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 || month < 1 || month > 12 || day < 1 ||
		day > daysIn(time.Month(month), year) || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	i, nsec := 19, 0
	if b[i] == '.' {
		i++
		start := i
		for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
			if i-start < 9 {
				nsec = nsec*10 + int(b[i]-'0')
			}
		}
		n := i - start
		if n == 0 || n > 9 {
			return time.Time{}, false
		}
		for ; n < 9; n++ {
			nsec *= 10
		}
	}
	rest := b[i:]
	if len(rest) == 1 && rest[0] == 'Z' {
		return time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC), true
	}
	if len(rest) != len("+07:00") || (rest[0] != '+' && rest[0] != '-') || rest[3] != ':' {
		return time.Time{}, false
	}
	oh, ok7 := num(i+1, 2)
	om, ok8 := num(i+4, 2)
	if !ok7 || !ok8 || oh > 23 || om > 59 {
		return time.Time{}, false
	}
	offset := oh*3600 + om*60
	if rest[0] == '-' {
		offset = -offset
	}
	return inOffset(time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC), offset), true
}

// inOffset is the wall-clock time t read at the zone offset (seconds east of
// UTC) as time.Parse gives it: in the local zone when that has this offset
// then, else in a fixed zone.
func inOffset(t time.Time, offset int) time.Time {
	t = t.Add(-time.Duration(offset) * time.Second)
	if _, local := t.In(time.Local).Zone(); local == offset {
		return t.In(time.Local)
	}
	return t.In(time.FixedZone("", offset))
}

// parseRFC1123Z reads V2's form, "Mon, 02 Jan 2006 15:04:05 -0700", straight
// from the answer's bytes, giving what time.Parse(time.RFC1123Z) gives
// without allocating. ok is false for any other spelling (a one-digit day or
// hour, names in other cases) or an out-of-range field; ParseTime then has
// the last word.
func parseRFC1123Z(b []byte) (t time.Time, ok bool) {
	if len(b) != len(time.RFC1123Z) || string(b[3:5]) != ", " || b[7] != ' ' || b[11] != ' ' || b[16] != ' ' ||
		b[19] != ':' || b[22] != ':' || b[25] != ' ' || (b[26] != '+' && b[26] != '-') {
		return time.Time{}, false
	}
	if !slices.Contains(shortDays, string(b[:3])) {
		return time.Time{}, false
	}
	month := slices.Index(shortMonths, string(b[8:11])) + 1
	digits := func(i, n int) int {
		v := 0
		for _, c := range b[i : i+n] {
			if c < '0' || c > '9' {
				return -1
			}
			v = v*10 + int(c-'0')
		}
		return v
	}
	day, year, hour, minute, sec := digits(5, 2), digits(12, 4), digits(17, 2), digits(20, 2), digits(23, 2)
	oh, om := digits(27, 2), digits(29, 2)
	if month < 1 || year < 0 || day < 1 || day > daysIn(time.Month(month), year) || hour < 0 || hour > 23 ||
		minute < 0 || minute > 59 || sec < 0 || sec > 59 || oh < 0 || oh > 23 || om < 0 || om > 59 {
		return time.Time{}, false
	}
	offset := oh*3600 + om*60
	if b[26] == '-' {
		offset = -offset
	}
	return inOffset(time.Date(year, time.Month(month), day, hour, minute, sec, 0, time.UTC), offset), true
}

// shortDays and shortMonths are the names RFC 1123 writes, as time writes them.
var (
	shortDays   = []string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
	shortMonths = []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
)

// daysIn is the number of days in month m of year y.
func daysIn(m time.Month, y int) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
