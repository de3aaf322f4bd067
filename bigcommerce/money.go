package bigcommerce

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// Decimal is an exact decimal amount (money, weight). V2 sends money as decimal
// strings ("62.6793") and V3 as JSON numbers; both decode here without ever
// passing through float64. It encodes as a JSON number. Compare and multiply
// amounts with Cmp, Sign and Mul, which are exact; never through a float.
type Decimal string

// DecimalPattern is the one notation of a Decimal: digits with an optional
// point and an optional leading minus, no exponent, no grouping, at most
// MaxDecimalDigits digits on each side of the point (far beyond any price or
// weight, so a runaway input is refused before it reaches a store). Tool
// schemas publish it; ParseDecimal and UnmarshalJSON apply it.
const DecimalPattern = `^-?[0-9]{1,24}(\.[0-9]{1,24})?$`

// MaxDecimalDigits bounds the digits on each side of a Decimal's point.
const MaxDecimalDigits = 24

// isDecimal reports whether b matches DecimalPattern. It is written out by
// hand because it runs for every amount of every page decoded, where the
// regular expression cost more than the rest of the amount's decoding.
func isDecimal[B ~string | ~[]byte](b B) bool {
	i := 0
	if len(b) > 0 && b[0] == '-' {
		i = 1
	}
	digits := func() int {
		start := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		return i - start
	}
	if n := digits(); n < 1 || n > MaxDecimalDigits {
		return false
	}
	if i == len(b) {
		return true
	}
	if b[i] != '.' {
		return false
	}
	i++
	if n := digits(); n < 1 || n > MaxDecimalDigits {
		return false
	}
	return i == len(b)
}

// ParseDecimal checks s and returns it as a Decimal.
func ParseDecimal(s string) (Decimal, error) {
	if !isDecimal(s) {
		return "", fmt.Errorf("%q is not a decimal number (want digits with an optional point, e.g. 19.99, at most %d digits on each side)", shortText(s), MaxDecimalDigits)
	}
	return Decimal(s), nil
}

// String returns the decimal's text.
func (d Decimal) String() string { return string(d) }

// IsZero reports whether d is unset.
func (d Decimal) IsZero() bool { return d == "" }

// scaled returns d as an integer count of 10^-scale units; an unset or
// malformed Decimal is 0.
func (d Decimal) scaled() (n *big.Int, scale int) {
	n = new(big.Int)
	if !isDecimal(d) {
		return n, 0
	}
	whole, frac, _ := strings.Cut(string(d), ".")
	n.SetString(whole+frac, 10)
	return n, len(frac)
}

// align returns a and b as integers of the same scale.
func align(a, b Decimal) (x, y *big.Int) {
	x, sa := a.scaled()
	y, sb := b.scaled()
	ten := big.NewInt(10)
	switch {
	case sa < sb:
		x.Mul(x, new(big.Int).Exp(ten, big.NewInt(int64(sb-sa)), nil))
	case sb < sa:
		y.Mul(y, new(big.Int).Exp(ten, big.NewInt(int64(sa-sb)), nil))
	}
	return x, y
}

// Cmp compares d and e exactly: -1 when d < e, 0 when equal ("1.50" equals
// "1.5"), +1 when d > e. An unset Decimal counts as zero.
func (d Decimal) Cmp(e Decimal) int {
	x, y := align(d, e)
	return x.Cmp(y)
}

// Sign returns -1, 0 or +1 as d is negative, zero (or unset) or positive.
func (d Decimal) Sign() int {
	n, _ := d.scaled()
	return n.Sign()
}

// Mul returns the exact product d×e, with as many decimals as d and e
// together ("2.50"×"3" is "7.50"). An unset Decimal counts as zero.
func (d Decimal) Mul(e Decimal) Decimal {
	x, sx := d.scaled()
	y, sy := e.scaled()
	p := new(big.Int).Mul(x, y)
	neg := p.Sign() < 0
	digits := p.Abs(p).String()
	scale := sx + sy
	if len(digits) <= scale {
		digits = strings.Repeat("0", scale-len(digits)+1) + digits
	}
	s := digits
	if scale > 0 {
		s = digits[:len(digits)-scale] + "." + digits[len(digits)-scale:]
	}
	if neg {
		s = "-" + s
	}
	return Decimal(s)
}

// MarshalJSON writes d as a JSON number; an unset Decimal is null.
func (d Decimal) MarshalJSON() ([]byte, error) {
	if d == "" {
		return []byte("null"), nil
	}
	if !isDecimal(d) {
		return nil, fmt.Errorf("bigcommerce: %q is not a decimal number", shortText(string(d)))
	}
	return []byte(jsonNumber(string(d))), nil
}

// appendJSON appends what MarshalJSON writes (AppendOrderJSON writes every
// amount of every order the sync reads), without allocating.
func (d Decimal) appendJSON(b []byte) ([]byte, error) {
	if d == "" {
		return append(b, "null"...), nil
	}
	if !isDecimal(d) {
		return b, fmt.Errorf("%q is not a decimal number", shortText(string(d)))
	}
	s := string(d)
	if s[0] == '-' {
		b, s = append(b, '-'), s[1:]
	}
	for len(s) > 1 && s[0] == '0' && s[1] != '.' {
		s = s[1:]
	}
	return append(b, s...), nil
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

// UnmarshalJSON accepts a JSON number, a decimal string, "" or null. The
// decoder has checked b is one valid JSON value, so a string without escapes
// is read in place: one allocation per amount, none for the common zeros.
func (d *Decimal) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		*d = ""
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		text := b[1 : len(b)-1]
		if bytes.IndexByte(text, '\\') >= 0 {
			var s string
			if err := json.Unmarshal(b, &s); err != nil {
				return err
			}
			text = []byte(s)
		}
		if len(text) == 0 {
			*d = ""
			return nil
		}
		if !isDecimal(text) {
			_, err := ParseDecimal(string(text))
			return err
		}
		*d = internDecimal(text)
		return nil
	}
	if !isDecimal(b) { // exponent form (1e3), too many digits, or not a number
		return fmt.Errorf("bigcommerce: decimal %s: want plain digits (no exponent, at most %d on each side of the point)", shortText(string(b)), MaxDecimalDigits)
	}
	*d = internDecimal(b)
	return nil
}

// smallDecimals are the whole numbers below 1000 as Decimals, made once.
var smallDecimals = func() (a [1000]Decimal) {
	for i := range a {
		a[i] = Decimal(strconv.Itoa(i))
	}
	return a
}()

// internDecimal returns b as a Decimal, without allocating for the zeros that
// fill most pages (V2 writes "0.0000" for every unused amount) nor for the
// small whole numbers dimensions and weights mostly are.
func internDecimal(b []byte) Decimal {
	if d, ok := knownDecimal(b); ok {
		return d
	}
	return Decimal(b)
}

// knownDecimal returns b as one of the Decimals made once (see
// internDecimal), if it is one.
func knownDecimal(b []byte) (Decimal, bool) {
	if n := len(b); n >= 1 && n <= 3 && (n == 1 || b[0] != '0') {
		v := 0
		for _, c := range b {
			if c < '0' || c > '9' {
				v = -1
				break
			}
			v = v*10 + int(c-'0')
		}
		if v >= 0 {
			return smallDecimals[v], true
		}
	}
	switch string(b) {
	case "0":
		return "0", true
	case "0.00":
		return "0.00", true
	case "0.0000":
		return "0.0000", true
	}
	return "", false
}
