package bigcommerce

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// Time is a timestamp as the API writes it: RFC-2822 in V2 ("Mon, 11 Mar 2019
// 15:17:25 +0000"), ISO-8601 in V3, Unix seconds in webhooks and /v2/time. It
// decodes all of them; "" and null are the zero time. It encodes as RFC 3339.
type Time struct{ time.Time }

var timeLayouts = []string{
	time.RFC1123Z,
	time.RFC1123,
	"Mon, 2 Jan 2006 15:04:05 -0700",
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999-0700", // an offset without a colon
	"2006-01-02T15:04:05",
	"2006-01-02",
}

// ParseTime parses any timestamp form the API uses.
func ParseTime(s string) (time.Time, error) {
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(n, 0).UTC(), nil
	}
	return time.Time{}, fmt.Errorf("%q is not a date (want RFC 3339 such as 2025-01-15T00:03:17Z, or RFC 2822)", s)
}

// MarshalJSON writes RFC 3339, or null for the zero time.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(t.UTC().Format(time.RFC3339))
}

// UnmarshalJSON accepts a string in any API form, a Unix-seconds number, "" or null.
func (t *Time) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		t.Time = time.Time{}
		return nil
	}
	var s string
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
	} else {
		s = string(b)
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
