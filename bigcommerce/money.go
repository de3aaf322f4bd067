package bigcommerce

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// Decimal is an exact decimal amount (money, weight). V2 sends money as decimal
// strings ("62.6793") and V3 as JSON numbers; both decode here without ever
// passing through float64. It encodes as a JSON number.
type Decimal string

var decimalRE = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// ParseDecimal checks s and returns it as a Decimal.
func ParseDecimal(s string) (Decimal, error) {
	if !decimalRE.MatchString(s) {
		return "", fmt.Errorf("%q is not a decimal number (want digits with an optional point, e.g. 19.99)", s)
	}
	return Decimal(s), nil
}

// String returns the decimal's text.
func (d Decimal) String() string { return string(d) }

// IsZero reports whether d is unset.
func (d Decimal) IsZero() bool { return d == "" }

// MarshalJSON writes d as a JSON number; an unset Decimal is null.
func (d Decimal) MarshalJSON() ([]byte, error) {
	if d == "" {
		return []byte("null"), nil
	}
	if !decimalRE.MatchString(string(d)) {
		return nil, fmt.Errorf("bigcommerce: %q is not a decimal number", string(d))
	}
	return []byte(jsonNumber(string(d))), nil
}

// jsonNumber drops the leading zeros a decimal string may carry ("007.50"),
// which a JSON number may not.
func jsonNumber(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for len(s) > 1 && s[0] == '0' && s[1] != '.' {
		s = s[1:]
	}
	if neg {
		return "-" + s
	}
	return s
}

// UnmarshalJSON accepts a JSON number, a decimal string, "" or null.
func (d *Decimal) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*d = ""
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		if s == "" {
			*d = ""
			return nil
		}
		v, err := ParseDecimal(s)
		if err != nil {
			return err
		}
		*d = v
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("bigcommerce: decimal: %w", err)
	}
	s := n.String()
	if !decimalRE.MatchString(s) { // exponent form, e.g. 1e3
		return fmt.Errorf("bigcommerce: decimal %s: exponent form is not accepted", s)
	}
	*d = Decimal(s)
	return nil
}
