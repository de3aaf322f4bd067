package bigcommerce

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestDecimalJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want, out string
		wantErr       bool
	}{
		{in: `"62.6793"`, want: "62.6793", out: `62.6793`},
		{in: `924.47`, want: "924.47", out: `924.47`},
		{in: `12345678901234567890.123456789`, want: "12345678901234567890.123456789", out: `12345678901234567890.123456789`},
		{in: `"-1.50"`, want: "-1.50", out: `-1.50`},
		{in: `"007.50"`, want: "007.50", out: `7.50`},
		{in: `"-00"`, want: "-00", out: `-0`},
		{in: `""`, want: "", out: `null`},
		{in: `null`, want: "", out: `null`},
		{in: `1e3`, wantErr: true},
		{in: `"1,5"`, wantErr: true},
		{in: `" 1"`, wantErr: true},
		{in: `true`, wantErr: true},
	}
	for _, tc := range tests {
		var d Decimal
		err := json.Unmarshal([]byte(tc.in), &d)
		if tc.wantErr {
			if err == nil {
				t.Errorf("Unmarshal(%s) = %q, want an error", tc.in, d)
			}
			continue
		}
		if err != nil || string(d) != tc.want {
			t.Errorf("Unmarshal(%s) = %q, %v; want %q", tc.in, d, err, tc.want)
			continue
		}
		out, err := json.Marshal(d)
		if err != nil || string(out) != tc.out {
			t.Errorf("Marshal(%q) = %s, %v; want %s", d, out, err, tc.out)
		}
	}
	if _, err := ParseDecimal("12.5.1"); err == nil {
		t.Error("ParseDecimal accepted 12.5.1")
	}
}

func TestDecimalArithmetic(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		a, b Decimal
		cmp  int
		mul  Decimal
	}{
		{"1.50", "1.5", 0, "2.250"},
		{"2.50", "3", -1, "7.50"},
		{"-0.01", "0", -1, "0.00"},
		{"0.1", "0.2", -1, "0.02"},
		{"", "0", 0, "0"},
		{"-2", "-3.5", 1, "7.0"},
		{"12345678901234567890.5", "12345678901234567890.49", 1, "152415787532388367514127421987241274311.345"},
	} {
		if got := tc.a.Cmp(tc.b); got != tc.cmp {
			t.Errorf("%q.Cmp(%q) = %d, want %d", tc.a, tc.b, got, tc.cmp)
		}
		if got := tc.b.Cmp(tc.a); got != -tc.cmp {
			t.Errorf("%q.Cmp(%q) = %d, want %d", tc.b, tc.a, got, -tc.cmp)
		}
		if got := tc.a.Mul(tc.b); got != tc.mul {
			t.Errorf("%q.Mul(%q) = %q, want %q", tc.a, tc.b, got, tc.mul)
		}
	}
	for d, want := range map[Decimal]int{"": 0, "0.000": 0, "-0": 0, "-0.001": -1, "0.001": 1, "bad": 0} {
		if got := d.Sign(); got != want {
			t.Errorf("%q.Sign() = %d, want %d", d, got, want)
		}
	}
}

// TestDecimalRefusesRunawayDigits: a price of 100,001 digits is not a price.
func TestDecimalRefusesRunawayDigits(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("9", 100_001)
	var d Decimal
	if err := json.Unmarshal([]byte(long), &d); err == nil {
		t.Error("Unmarshal accepted a 100,001-digit number")
	}
	if _, err := ParseDecimal(long); err == nil {
		t.Error("ParseDecimal accepted a 100,001-digit number")
	}
	if _, err := ParseDecimal("0." + strings.Repeat("1", MaxDecimalDigits)); err != nil {
		t.Errorf("ParseDecimal refused %d decimals: %v", MaxDecimalDigits, err)
	}
}
