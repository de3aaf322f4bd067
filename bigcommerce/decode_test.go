package bigcommerce

import (
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"sync/atomic"
	"testing"
	"time"
)

// The decoder reads an answer in one pass, so a body can fail on its shape
// before the decoder reaches the point where it was cut off. It is still a
// cut-off answer, and a GET is sent again.
func TestCutOffAnswerOfAnotherShapeIsRetried(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	c, _ := coreServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Write([]byte(`{"data":"not a list","meta":{"pagination":{"total":`))
			return
		}
		w.Write([]byte(`{"data":[{"id":1}]}`))
	}))
	var out envelope[[]coreItem]
	if _, err := c.do(t.Context(), request{method: "GET", version: "v3", path: "/x"}, &out); err != nil {
		t.Fatal(err)
	}
	if n.Load() != 2 || len(out.Data) != 1 {
		t.Errorf("server saw %d requests, got %+v; want 2 and one item", n.Load(), out.Data)
	}
}

// What a cut-off answer decoded before the cut must not survive into the
// answer that replaces it.
func TestRetriedAnswerStartsEmpty(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	c, _ := coreServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Write([]byte(`{"meta":{"pagination":{"total":500,"total_pages":2}},"data":[{"id":7},{"id":8},`))
			return
		}
		w.Write([]byte(`{"data":[{"id":1}]}`))
	}))
	var out envelope[[]coreItem]
	resp, err := c.do(t.Context(), request{method: "GET", version: "v3", path: "/x"}, &out)
	if err != nil {
		t.Fatal(err)
	}
	if n.Load() != 2 || len(out.Data) != 1 || out.Data[0].ID != 1 {
		t.Errorf("server saw %d requests, got %+v; want 2 and item 1 only", n.Load(), out.Data)
	}
	if p := resp.Meta.Pagination; p != nil {
		t.Errorf("pagination %+v survived from the cut-off answer", *p)
	}
}

// isDecimal is DecimalPattern written out by hand; they must agree.
func TestIsDecimalMatchesPattern(t *testing.T) {
	t.Parallel()
	re := regexp.MustCompile(DecimalPattern)
	digits := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('0' + i%10)
		}
		return string(b)
	}
	inputs := []string{"", "-", ".", "-.", "0", "-0", "1.", ".5", "1.5", "-1.5", "19.99", "0.0000",
		"007.50", "1e3", "1E3", "+1", "1.5.5", "1,5", " 1", "1 ", "--1", "1-", "0x10", "１",
		digits(24), digits(25), digits(24) + "." + digits(24), digits(24) + "." + digits(25),
		"-" + digits(25), "1." + digits(25), "null", `"1"`}
	for _, s := range inputs {
		if got, want := isDecimal(s), re.MatchString(s); got != want {
			t.Errorf("isDecimal(%q) = %v; DecimalPattern says %v", s, got, want)
		}
		if got, want := isDecimal([]byte(s)), re.MatchString(s); got != want {
			t.Errorf("isDecimal([]byte(%q)) = %v; DecimalPattern says %v", s, got, want)
		}
	}
}

// Decimal decodes strings in place: escapes, empty strings, nulls and
// exponents still behave as before.
func TestDecimalDecodesEveryForm(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Decimal{
		`"62.6793"`: "62.6793", `"\u0031.5"`: "1.5", `""`: "", `null`: "", `12.50`: "12.50",
		`0`: "0", `"0.0000"`: "0.0000", ` -3 `: "-3",
	} {
		var d Decimal
		if err := json.Unmarshal([]byte(in), &d); err != nil || d != want {
			t.Errorf("%s decoded to %q, %v; want %q", in, d, err, want)
		}
	}
	for _, in := range []string{`1e3`, `"1e3"`, `"12,50"`, `true`, `"\u0031e3"`} {
		var d Decimal
		if err := json.Unmarshal([]byte(in), &d); err == nil {
			t.Errorf("%s decoded to %q; want an error", in, d)
		}
	}
}

// ParseTime tries only the layouts a value's first character can match; every
// form the API writes still parses to the same instant.
func TestParseTimeEveryForm(t *testing.T) {
	t.Parallel()
	for in, layout := range map[string]string{
		"Mon, 11 Mar 2019 15:17:25 +0000": time.RFC1123Z,
		"Mon, 11 Mar 2019 15:17:25 GMT":   time.RFC1123,
		"Mon, 1 Mar 2019 15:17:25 -0500":  "Mon, 2 Jan 2006 15:04:05 -0700",
		"2025-01-15T00:03:17+00:00":       time.RFC3339Nano,
		"2025-01-15T00:03:17.123456Z":     time.RFC3339Nano,
		"2025-01-15T00:03:17+0100":        "2006-01-02T15:04:05.999999999-0700",
		"2025-01-15T00:03:17":             "2006-01-02T15:04:05",
		"2025-01-15":                      "2006-01-02",
	} {
		want, err := time.Parse(layout, in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ParseTime(in)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for in, unix := range map[string]int64{"1700000000": 1700000000, "-5": -5, "+5": 5} {
		got, err := ParseTime(in)
		if err != nil || got.Unix() != unix {
			t.Errorf("ParseTime(%q) = %v, %v; want Unix %d", in, got, err, unix)
		}
	}
	for _, in := range []string{"", "yesterday", "15/01/2025", "2025-13-01", "Mon 11 Mar"} {
		if got, err := ParseTime(in); err == nil {
			t.Errorf("ParseTime(%q) = %v; want an error", in, got)
		}
	}
	var tm Time
	if err := json.Unmarshal([]byte(`"2025-01-15T00:03:17\u002B01:00"`), &tm); err != nil || tm.Unix() != 1736895797 {
		t.Errorf("an escaped date decoded to %v, %v", tm, err)
	}
	if err := json.Unmarshal([]byte(`"not a date"`), &tm); err == nil {
		t.Errorf("a bad date decoded without error")
	}
}

// parseISO is a shortcut for time.Parse(time.RFC3339Nano), V3's form: see
// checkMatchesTimeParse.
func TestParseISOMatchesTimeParse(t *testing.T) {
	t.Parallel()
	checkMatchesTimeParse(t, parseISO, time.RFC3339Nano, 6,
		"2025-01-15T00:03:17+00:00", "2025-01-15T00:03:17Z", "2025-01-15T00:03:17.5Z",
		"2025-01-15T00:03:17.123456789-05:30", "2024-02-29T23:59:59+14:00", "1999-12-31T00:00:00-12:00",
		"2025-01-15T00:03:17.1234567891Z", "2025-02-29T00:00:00Z", "2025-01-15T24:00:00Z",
		"2025-01-15T00:03:60Z", "2025-13-01T00:00:00Z", "2025-01-15T00:03:17+24:00", "2025-01-15T00:03:17+0100",
		"2025-01-15T00:03:17", "2025-01-15T00:03:17.Z", "2025-01-15t00:03:17Z", "2025-01-15T00:03:17 Z",
		"2025-1-15T00:03:17Z", "2025-01-15T00:03:17+01:0x",
	)
}

// parseRFC1123Z is a shortcut for time.Parse(time.RFC1123Z), V2's form: see
// checkMatchesTimeParse.
func TestParseRFC1123ZMatchesTimeParse(t *testing.T) {
	t.Parallel()
	ins := []string{
		"Mon, 11 Mar 2019 15:17:25 +0000", "Tue, 12 Mar 2019 08:00:01 -0400", "Thu, 29 Feb 2024 23:59:59 +1400",
		"Sun, 01 Jan 0001 00:00:00 +0000", "Fri, 31 Dec 9999 23:59:59 -1200", "Wed, 05 Jun 2019 12:30:00 +0530",
		"Fri, 29 Feb 2019 00:00:00 +0000", "Mon, 11 Mar 2019 24:00:00 +0000", "Mon, 11 Mar 2019 15:60:25 +0000",
		"Mon, 11 Mar 2019 15:17:60 +0000", "Mon, 00 Mar 2019 15:17:25 +0000", "Mon, 32 Mar 2019 15:17:25 +0000",
		"Mon, 11 Xyz 2019 15:17:25 +0000", "Xyz, 11 Mar 2019 15:17:25 +0000", "mon, 11 mar 2019 15:17:25 +0000",
		"MON, 11 MAR 2019 15:17:25 +0000", "Mon, 1 Mar 2019 15:17:25 +0000", "Mon, 11 Mar 2019 5:17:25 +0000",
		"Mon, 11 Mar 2019 15:17:25 +2400", "Mon, 11 Mar 2019 15:17:25 +0060", "Mon, 11 Mar 2019 15:17:25 +2500",
		"Mon, 11 Mar 2019 15:17:25 0000", "Mon, 11 Mar 2019 15:17:25 +00:00", "Mon, 11 Mar 2019 15:17:25 GMT",
		"Mon, 11 Mar 2019 15:17:25.5 +0000", "Mon, 11 Mar 19 15:17:25 +0000", "Mon 11 Mar 2019 15:17:25 +0000",
		"Mon, 11 Mar 2019 15:17:25 +0000 ", "Mon, 1a Mar 2019 15:17:25 +0000", "Mon, 11 Mar 2019 15:17:2x +0000",
		"Mon, 11 Mar 2019 15:17:25 -0000", "Mon, 11 Mar 2019 15:17:25 +0100",
	}
	for d := range 7 { // every weekday and month name
		ins = append(ins, time.Date(2026, time.Month(1+d), 1+d, 1, 2, 3, 0, time.UTC).Format(time.RFC1123Z))
	}
	for m := 8; m <= 12; m++ {
		ins = append(ins, time.Date(2026, time.Month(m), 28, 1, 2, 3, 0, time.FixedZone("", -7*3600)).Format(time.RFC1123Z))
	}
	checkMatchesTimeParse(t, parseRFC1123Z, time.RFC1123Z, 6, ins...)
}

// checkMatchesTimeParse: parse is a shortcut for time.Parse(layout, in):
// where it answers it must give what time.Parse gives (the same instant and
// location); where it declines, ParseTime still parses or refuses as before.
// It must answer for the first usual inputs.
func checkMatchesTimeParse(t *testing.T, parse func([]byte) (time.Time, bool), layout string, usual int, ins ...string) {
	for i, in := range ins {
		got, ok := parse([]byte(in))
		want, err := time.Parse(layout, in)
		if i < usual && !ok {
			t.Errorf("%q: declined the API's usual form", in)
		}
		if !ok {
			if _, perr := ParseTime(in); err == nil && perr != nil {
				t.Errorf("%q: declined, and ParseTime refused what time.Parse reads", in)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: gave %v; time.Parse refuses it: %v", in, got, err)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%q: gave %#v; time.Parse gives %#v", in, got, want)
		}
	}
}

// internDecimal gives back exactly the text it was given.
func TestInternDecimalKeepsText(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"0", "7", "10", "999", "1000", "05", "00", "0.00", "0.0000", "-1", "1.5", "12a"} {
		if got := internDecimal([]byte(s)); string(got) != s {
			t.Errorf("internDecimal(%q) = %q", s, got)
		}
	}
}
