package bigcommerce

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode"
)

// Fuzz targets for every parser of outside input. `go test` runs their seeds;
// `go test -fuzz=FuzzName` explores.

func FuzzNewAPIError(f *testing.F) {
	f.Add(422, "POST", "application/json", []byte(`{"status":422,"title":"Missing","errors":{"name":"Please provide a name."}}`))
	f.Add(404, "GET", "", []byte(`[{"status":404,"message":"The requested resource was not found."}]`))
	f.Add(401, "GET", "text/plain", []byte("Unauthorized"))
	f.Add(502, "PUT", "text/html", []byte("<html><title>502</title><script>x</script><p>Bad&amp;gateway</p></html>"))
	f.Add(422, "PUT", "", []byte(`{"batch_errors":[{"message":"x"}],"errors":[1,{"title":"t"},null]}`))
	f.Add(403, "DELETE", "", []byte(`{"title":"need store_v2_products"}`))
	f.Add(500, "POST", "", []byte(`{"errors":"`))
	f.Fuzz(func(t *testing.T, status int, method, contentType string, body []byte) {
		h := http.Header{}
		h.Set("Content-Type", contentType)
		e := newAPIError(status, method, "/v3/x", h, body)
		msg := e.Error()
		if strings.ContainsAny(e.Title+e.Detail, "\r\n") {
			t.Errorf("title or detail spans lines: %q", e.Title+e.Detail)
		}
		if len(e.Title) > maxErrorText+3 || len(e.Detail) > maxErrorText+3 {
			t.Errorf("title %d bytes, detail %d bytes: not bounded", len(e.Title), len(e.Detail))
		}
		if len(e.Messages) > 51 {
			t.Errorf("%d messages: not bounded", len(e.Messages))
		}
		if !strings.HasPrefix(msg, "bigcommerce: ") {
			t.Errorf("Error() = %q", msg)
		}
	})
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"Mon, 11 Mar 2019 15:17:25 +0000", "Thu, 20 Apr 2017 11:32:00 -0400",
		"2025-01-15T00:03:17Z", "2025-01-15T00:03:17.123+02:00", "2024-05-14T09:34:00", "2024-05-14",
		"1529512970", "", "0", "-1", "Mon, 2 Jan 2006 15:04:05 -0700"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseTime(s)
		if err != nil {
			if !strings.Contains(err.Error(), "is not a date") {
				t.Errorf("ParseTime(%q) error %q does not explain", s, err)
			}
			return
		}
		if got.Year() < 1 || got.Year() > 9999 {
			return // outside RFC 3339
		}
		b, err := Time{got}.MarshalJSON()
		if err != nil {
			t.Fatalf("MarshalJSON(%v): %v", got, err)
		}
		var back Time
		if err := back.UnmarshalJSON(b); err != nil {
			t.Fatalf("UnmarshalJSON(%s) of our own output: %v", b, err)
		}
		if !back.Equal(got.Truncate(time.Second)) {
			t.Errorf("round trip of %q: %v became %s became %v", s, got, b, back.Time)
		}
	})
}

func FuzzTimeUnmarshalJSON(f *testing.F) {
	for _, s := range []string{`"Mon, 11 Mar 2019 15:17:25 +0000"`, `"2025-01-15T00:03:17Z"`, `1561479335`,
		`""`, `null`, `"x"`, `{}`, `"\u0000"`, `1e99`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var v Time
		if err := v.UnmarshalJSON(b); err != nil {
			return
		}
		if v.Year() < 1 || v.Year() > 9999 {
			return
		}
		out, err := v.MarshalJSON()
		if err != nil || !json.Valid(out) {
			t.Errorf("MarshalJSON after UnmarshalJSON(%q) = %q, %v", b, out, err)
		}
	})
}

func FuzzDecimalUnmarshalJSON(f *testing.F) {
	for _, s := range []string{`"62.6793"`, `924.47`, `0`, `-1.5`, `""`, `null`, `"007.50"`, `1e3`,
		`"1,5"`, `"  1"`, `12345678901234567890.123456789`, `"-0"`, `true`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var d Decimal
		if err := d.UnmarshalJSON(b); err != nil {
			return
		}
		out, err := d.MarshalJSON()
		if err != nil {
			t.Fatalf("MarshalJSON(%q) after UnmarshalJSON(%q): %v", d, b, err)
		}
		if !json.Valid(out) {
			t.Fatalf("MarshalJSON(%q) = %q: not JSON", d, out)
		}
		if d.IsZero() {
			return
		}
		var n json.Number
		if err := json.Unmarshal(out, &n); err != nil {
			t.Fatalf("MarshalJSON(%q) = %q: not a JSON number: %v", d, out, err)
		}
		var back Decimal
		if err := back.UnmarshalJSON(out); err != nil || string(back) != jsonNumber(string(d)) {
			t.Errorf("round trip of %q: %q, %v", d, back, err)
		}
	})
}

func FuzzCheckRawPath(f *testing.F) {
	for _, s := range []string{"/v3/catalog/products", "/v2/orders/12", "/v3/%2e%2e/x", "/v3/%252e%252e",
		"/v3/a%0d%0ab", "//evil/v3", "/v3/a\\b", "/v3/catalog/", "/v3/a%2fb", "/v3/%c0%ae%c0%ae/", "/v3/\u2028"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := checkRawPath(s)
		if err != nil {
			return
		}
		if !strings.HasPrefix(got, "/v2/") && !strings.HasPrefix(got, "/v3/") {
			t.Errorf("checkRawPath(%q) = %q: not below /v2/ or /v3/", s, got)
		}
		for _, bad := range []string{"..", "//", `\`, "?", "#", "%", "://"} {
			if strings.Contains(got, bad) {
				t.Errorf("checkRawPath(%q) = %q holds %q", s, got, bad)
			}
		}
		for _, r := range got {
			if unicode.IsControl(r) || unicode.IsSpace(r) {
				t.Errorf("checkRawPath(%q) = %q holds %U", s, got, r)
			}
		}
		if again, err := checkRawPath(got); err != nil || again != got {
			t.Errorf("checkRawPath is not stable on %q: %q, %v", got, again, err)
		}
	})
}

func FuzzParseStoreHash(f *testing.F) {
	for _, s := range []string{"abc123", "stores/abc123", "/stores/abc123/v3/", "https://api.bigcommerce.com/stores/abc123/v3/x",
		"store-abc.mybigcommerce.com", "", "stores/", "ABC", "a b", "http://[::1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseStoreHash(s)
		if err != nil {
			return
		}
		if len(got) < 1 || len(got) > maxStoreHashLen {
			t.Errorf("ParseStoreHash(%q) = %q: bad length", s, got)
		}
		for _, r := range got {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
				t.Errorf("ParseStoreHash(%q) = %q holds %q", s, got, r)
			}
		}
		if again, err := ParseStoreHash(got); err != nil || again != got {
			t.Errorf("ParseStoreHash is not stable on %q: %q, %v", got, again, err)
		}
	})
}

func TestParseTimeForms(t *testing.T) {
	t.Parallel()
	want := time.Date(2019, 3, 11, 15, 17, 25, 0, time.UTC)
	for _, s := range []string{"Mon, 11 Mar 2019 15:17:25 +0000", "Mon, 11 Mar 2019 17:17:25 +0200",
		"2019-03-11T15:17:25Z", "2019-03-11T15:17:25+00:00", "2019-03-11T16:17:25+0100", "2019-03-11T15:17:25", "1552317445"} {
		got, err := ParseTime(s)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	var v struct{ A, B, C Time }
	if err := json.Unmarshal([]byte(`{"A":"","B":null,"C":1552317445}`), &v); err != nil || !v.A.IsZero() || !v.B.IsZero() || !v.C.Equal(want) {
		t.Errorf("Unmarshal = %+v, %v", v, err)
	}
}
