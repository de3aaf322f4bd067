package bigcommerce

import (
	"encoding/json"
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
