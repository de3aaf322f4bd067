package sandbox

import (
	"testing"
	"time"
)

func TestParseFilterDate(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 4, 15, 16, 17, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Time
	}{
		{"Thu, 20 Apr 2017 11:32:00 -0400", time.Date(2017, 4, 20, 15, 32, 0, 0, time.UTC)},
		{"Mon, 11 Mar 2019 15:17:25 +0000", time.Date(2019, 3, 11, 15, 17, 25, 0, time.UTC)},
		{"2025-01-15T00:03:17Z", time.Date(2025, 1, 15, 0, 3, 17, 0, time.UTC)},
		{"2025-01-15T00:03:17+02:00", time.Date(2025, 1, 14, 22, 3, 17, 0, time.UTC)},
		{"2024-05-14T09:34:00", time.Date(2024, 5, 14, 9, 34, 0, 0, time.UTC)},
		{"2024-05-14", time.Date(2024, 5, 14, 15, 16, 17, 0, time.UTC)}, // the time of day of the request is added
		{"1529512970", time.Unix(1529512970, 0)},
	}
	for _, tc := range cases {
		got, err := parseFilterDate(tc.in, now)
		if err != nil || got != tc.want.Unix() {
			t.Errorf("parseFilterDate(%q) = %v, %v; want %v", tc.in, time.Unix(got, 0).UTC(), err, tc.want)
		}
	}
	for _, bad := range []string{"", "yesterday", "Mon, 11 Mar 2019 15:17:25  0000", "2024-13-01", "12"} {
		if _, err := parseFilterDate(bad, now); err == nil {
			t.Errorf("parseFilterDate(%q) accepted", bad)
		}
	}
}

func FuzzParseFilterDate(f *testing.F) {
	f.Add("Mon, 11 Mar 2019 15:17:25 +0000")
	f.Add("2024-05-14")
	f.Fuzz(func(t *testing.T, s string) {
		parseFilterDate(s, time.Unix(0, 0)) // must not panic
	})
}

func TestDecimal(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in       string
		v2, json string
	}{
		{"12", "12.0000", "12"},
		{"19.99", "19.9900", "19.99"},
		{"-3.5", "-3.5000", "-3.5"},
		{"62.6793", "62.6793", "62.6793"},
		{"0.10000", "0.1000", "0.1"},
		{".5", "0.5000", "0.5"},
	}
	for _, tc := range cases {
		d, err := parseDecimal(tc.in)
		if err != nil {
			t.Fatalf("parseDecimal(%q): %v", tc.in, err)
		}
		b, _ := d.MarshalJSON()
		if d.v2() != tc.v2 || string(b) != tc.json {
			t.Errorf("%q -> %s / %s, want %s / %s", tc.in, d.v2(), b, tc.v2, tc.json)
		}
	}
	for _, bad := range []string{"", "abc", "1.23456", "1e5", "--1"} {
		if _, err := parseDecimal(bad); err == nil {
			t.Errorf("parseDecimal(%q) accepted", bad)
		}
	}
}

func FuzzParseDecimal(f *testing.F) {
	f.Add("62.6793")
	f.Fuzz(func(t *testing.T, s string) {
		d, err := parseDecimal(s)
		if err != nil {
			return
		}
		again, err := parseDecimal(d.v2())
		if err != nil || again != d {
			t.Fatalf("%q -> %s does not round-trip", s, d.v2())
		}
	})
}
