package bigcommerce

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

func TestParseStoreHash(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		wantErr  string
	}{
		{in: "abc123", want: "abc123"},
		{in: "  abc123\n", want: "abc123"},
		{in: "ABC123", want: "abc123"},
		{in: "stores/abc123", want: "abc123"},
		{in: "/stores/abc123/v3/", want: "abc123"},
		{in: "stores/abc123/v2", want: "abc123"},
		{in: "https://api.bigcommerce.com/stores/abc123/v3/catalog/products", want: "abc123"},
		{in: "https://api.bigcommerce.com/stores/abc123/v3/", want: "abc123"},
		{in: "store-abc123.mybigcommerce.com", want: "abc123"},
		{in: "https://store-abc123.mybigcommerce.com/", want: "abc123"},
		{in: "", wantErr: "empty"},
		{in: "   ", wantErr: "empty"},
		{in: "stores/", wantErr: "no hash"},
		{in: "abc-123", wantErr: `character '-'`},
		{in: "abc 123", wantErr: "character ' '"},
		{in: "stores/abc_123/v3", wantErr: "character '_'"},
		{in: strings.Repeat("a", 65), wantErr: "65 characters"},
		{in: "https://api.bigcommerce.com/v3/catalog", wantErr: "no hash"},
		{in: "stores/ab%2e/v3", wantErr: "character '%'"},
	}
	for _, tc := range tests {
		got, err := ParseStoreHash(tc.in)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("ParseStoreHash(%q) = %q, %v; want an error containing %q", tc.in, got, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseStoreHash(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestNewClientValidates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		hash, token string
		opts        []Option
		wantField   string
		wantText    string
	}{
		{name: "empty token", hash: "abc", token: "", wantField: "token", wantText: "empty"},
		{name: "blank token", hash: "abc", token: "  ", wantField: "token", wantText: "empty"},
		{name: "token with newline inside", hash: "abc", token: "a\nb", wantField: "token", wantText: "whitespace"},
		{name: "bad hash", hash: "a/b/c", token: "t", wantField: "store_hash", wantText: "no hash"},
		{name: "swapped", hash: "abcdef0123", token: "abcdef0123", wantField: "store_hash", wantText: "swapped"},
		{name: "token pasted as hash is not echoed", hash: coreToken, token: coreToken, wantField: "store_hash"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := NewClient(tc.hash, tc.token, tc.opts...)
			var ie *InputError
			if !errors.As(err, &ie) || ie.Field != tc.wantField || !errors.Is(err, ErrBadRequest) {
				t.Fatalf("NewClient error = %v, want an InputError for %s", err, tc.wantField)
			}
			if !strings.Contains(err.Error(), tc.wantText) {
				t.Errorf("error %q does not contain %q", err, tc.wantText)
			}
			coreNoToken(t, "NewClient error", err.Error())
		})
	}
}

func TestOptionsValidate(t *testing.T) {
	t.Parallel()
	bad := map[string]Option{
		"base URL ftp":         WithBaseURL("ftp://x"),
		"base URL no host":     WithBaseURL("http://"),
		"base URL credentials": WithBaseURL("https://u:p@api.bigcommerce.com"),
		"nil HTTP client":      WithHTTPClient(nil),
		"empty user agent":     WithUserAgent(""),
		"user agent CRLF":      WithUserAgent("a\r\nX-Evil: 1"),
		"max retries -1":       WithMaxRetries(-1),
		"max retries 101":      WithMaxRetries(101),
		"concurrency 0":        WithConcurrency(0),
		"concurrency 65":       WithConcurrency(65),
	}
	for name, o := range bad {
		if _, err := NewClient("abc", "tok", o); err == nil {
			t.Errorf("%s: NewClient accepted it", name)
		}
	}
	c, err := NewClient("stores/abc", "tok", WithBaseURL("http://127.0.0.1:1/"), WithUserAgent("me/1"),
		WithMaxRetries(0), WithConcurrency(2), WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.StoreHash() != "abc" || c.BaseURL() != "http://127.0.0.1:1" || c.userAgent != "me/1" || c.maxRetries != 0 || c.concurrency != 2 {
		t.Errorf("options not applied: hash %q base %q ua %q retries %d conc %d", c.StoreHash(), c.BaseURL(), c.userAgent, c.maxRetries, c.concurrency)
	}
}

func TestClientsShareAGovernorOnlyWhenGivenOne(t *testing.T) {
	t.Parallel()
	hash := coreHash(t)
	g := NewGovernor(0, nil)
	a, _ := NewClient(hash, "tok", WithBaseURL("http://share.test"), WithGovernor(g))
	b, _ := NewClient(hash, "tok2", WithBaseURL("http://share.test"), WithGovernor(g), WithConcurrency(2))
	own, _ := NewClient(hash, "tok", WithBaseURL("http://share.test"))
	if a.gov != g || b.gov != g {
		t.Error("clients given one governor do not use it")
	}
	// No process-wide registry: a client of the same store made without
	// WithGovernor paces on its own (issue 17 item 7).
	if own.gov == g {
		t.Error("a client made without WithGovernor shares another client's governor")
	}
	g.mu.Lock()
	limit := g.limit
	g.mu.Unlock()
	if limit != 2 {
		t.Errorf("shared concurrency cap = %d, want the smallest asked for (2)", limit)
	}
	if _, err := NewClient(hash, "tok", WithGovernor(nil)); err == nil || !strings.Contains(err.Error(), "nil") {
		t.Errorf("WithGovernor(nil) = %v, want an error saying the governor is nil", err)
	}
}

func TestRequestHeadersAndURL(t *testing.T) {
	t.Parallel()
	var got *http.Request
	c, _ := coreServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Clone(r.Context())
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"data":{"id":7},"meta":{}}`))
	}), WithUserAgent("bigc-test/1"))
	var env envelope[struct{ ID int }]
	q := map[string][]string{"date_modified:min": {"2025-01-15T00:00:00+00:00"}}
	if _, err := c.do(t.Context(), request{method: "GET", version: "v3", path: "/catalog/products/7", query: q}, &env); err != nil {
		t.Fatal(err)
	}
	if env.Data.ID != 7 {
		t.Errorf("decoded id %d, want 7", env.Data.ID)
	}
	if want := "/stores/" + coreHash(t) + "/v3/catalog/products/7"; got.URL.Path != want {
		t.Errorf("path %q, want %q", got.URL.Path, want)
	}
	if got.URL.RawQuery != "date_modified%3Amin=2025-01-15T00%3A00%3A00%2B00%3A00" {
		t.Errorf("query %q: the + of the offset must be encoded", got.URL.RawQuery)
	}
	for k, want := range map[string]string{"X-Auth-Token": coreToken, "Accept": "application/json",
		"Content-Type": "application/json", "User-Agent": "bigc-test/1"} {
		if v := got.Header.Get(k); v != want {
			t.Errorf("header %s = %q, want %q", k, v, want)
		}
	}
}
