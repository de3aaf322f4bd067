package bigcommerce

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestNewAPIErrorShapes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		status      int
		method      string
		path        string
		contentType string
		body        string
		want        APIError
	}{
		{
			name: "v3 object with field errors", status: 422, method: "POST", path: "/v3/catalog/products",
			body: `{"status":422,"title":"Missing Required Fields","type":"https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes","errors":{"name":"Please provide a name.","price":"Please provide a price."}}`,
			want: APIError{Title: "Missing Required Fields", FieldErrors: map[string]string{"name": "Please provide a name.", "price": "Please provide a price."}},
		},
		{
			name: "v3 404 with instance", status: 404, method: "GET", path: "/v3/catalog/products/9",
			body: `{"status":404,"title":"The requested product was not found","type":"/api-docs/getting-started/api-status-codes","instance":"/v3/catalog/products/9"}`,
			want: APIError{Title: "The requested product was not found"},
		},
		{
			name: "v3 405 with detail", status: 405, method: "PUT", path: "/v3/hooks",
			body: `{"status":405,"title":"Method Not Allowed","type":"x","detail":"PUT is not allowed on this collection"}`,
			want: APIError{Title: "Method Not Allowed", Detail: "PUT is not allowed on this collection"},
		},
		{
			name: "v3 errors as a list", status: 422, method: "PUT", path: "/v3/orders/metafields",
			body: `{"data":[],"errors":[{"status":422,"title":"Duplicate key"},"bad value"],"meta":{"total":2,"success":0,"failed":2}}`,
			want: APIError{Title: "Unprocessable Entity", Messages: []string{"Duplicate key", "bad value"}},
		},
		{
			name: "v3 variants batch errors", status: 422, method: "PUT", path: "/v3/catalog/variants",
			body: `{"batch_errors":[{"message":"sku is taken"}]}`,
			want: APIError{Title: "Unprocessable Entity", Messages: []string{"sku is taken"}},
		},
		{
			name: "v3 nested field error", status: 422, method: "POST", path: "/v3/customers",
			body: `{"status":422,"title":"Bad","errors":{"0.email":{"message":"email in use"}}}`,
			want: APIError{Title: "Bad", FieldErrors: map[string]string{"0.email": "email in use"}},
		},
		{
			name: "v2 array", status: 404, method: "GET", path: "/v2/orders/5",
			body: `[{"status":404,"message":"The requested resource was not found."}]`,
			want: APIError{Title: "The requested resource was not found."},
		},
		{
			name: "v2 array with details and several messages", status: 409, method: "PUT", path: "/v2/orders/5",
			body: `[{"status":409,"message":"Conflict","details":{"conflict_reason":"already shipped"}},{"status":409,"message":"Second"}]`,
			want: APIError{Title: `Conflict {"conflict_reason":"already shipped"}`, Messages: []string{"Second"}},
		},
		{
			name: "v2 single object", status: 400, method: "PUT", path: "/v2/customer_groups/1",
			body: `{"status":400,"message":"The field 'name' is invalid."}`,
			want: APIError{Title: "The field 'name' is invalid."},
		},
		{
			name: "plain text 401", status: 401, method: "GET", path: "/v3/catalog/trees",
			contentType: "text/plain", body: "Unauthorized\n",
			want: APIError{Title: "Unauthorized"},
		},
		{
			name: "html 502", status: 502, method: "GET", path: "/v3/catalog/products",
			contentType: "text/html",
			body:        "<html><head><title>502 Bad Gateway</title><style>body{color:red}</style></head><body><h1>Bad   Gateway</h1><p>The server&#39;s upstream failed.</p><script>x()</script></body></html>",
			want:        APIError{Title: "502 Bad Gateway: Bad Gateway The server's upstream failed."},
		},
		{
			name: "empty body", status: 503, method: "GET", path: "/v2/time",
			want: APIError{Title: "Service Unavailable"},
		},
		{
			name: "cut-off JSON is kept as text", status: 500, method: "GET", path: "/v2/store",
			body: `{"status":500,"tit`,
			want: APIError{Title: `{"status":500,"tit`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			if tc.contentType != "" {
				h.Set("Content-Type", tc.contentType)
			}
			got := newAPIError(tc.status, tc.method, tc.path, h, []byte(tc.body))
			want := tc.want
			want.Status, want.Method, want.Path = tc.status, tc.method, tc.path
			if diff := cmp.Diff(&want, got, cmpopts.IgnoreUnexported(APIError{}), cmpopts.EquateEmpty(),
				cmpopts.IgnoreFields(APIError{}, "MissingScope")); diff != "" {
				t.Errorf("newAPIError mismatch (-want +got):\n%s", diff)
			}
			msg := got.Error()
			if strings.ContainsAny(msg, "\r\n") {
				t.Errorf("Error() spans lines: %q", msg)
			}
			if !strings.Contains(msg, tc.path) || !strings.Contains(msg, tc.method) {
				t.Errorf("Error() = %q, want method and path", msg)
			}
		})
	}
}

func TestAPIErrorSentinels(t *testing.T) {
	t.Parallel()
	all := []error{ErrNotFound, ErrUnauthorized, ErrForbidden, ErrConflict, ErrValidation,
		ErrRateLimited, ErrUpstream, ErrOutcomeUnknown, ErrBadRequest}
	tests := []struct {
		status int
		method string
		want   error
	}{
		{400, "POST", ErrValidation},
		{401, "GET", ErrUnauthorized},
		{403, "PUT", ErrForbidden},
		{404, "DELETE", ErrNotFound},
		{405, "PUT", nil},
		{409, "POST", ErrConflict},
		{413, "PUT", ErrValidation},
		{422, "POST", ErrValidation},
		{423, "PUT", ErrConflict},
		{429, "GET", ErrRateLimited},
		{429, "POST", ErrRateLimited},
		{500, "GET", ErrUpstream},
		{502, "PUT", ErrUpstream},
		{503, "DELETE", ErrUpstream},
		{504, "GET", ErrUpstream},
		{507, "GET", ErrUpstream},
		{500, "POST", ErrOutcomeUnknown},
		{502, "POST", ErrOutcomeUnknown},
		{503, "POST", ErrOutcomeUnknown},
		{504, "POST", ErrOutcomeUnknown},
		{501, "POST", ErrUpstream},
		{507, "POST", ErrUpstream},
	}
	for _, tc := range tests {
		err := error(newAPIError(tc.status, tc.method, "/v3/x", http.Header{}, nil))
		for _, s := range all {
			if got := errors.Is(err, s); got != (s == tc.want) {
				t.Errorf("%d %s: errors.Is(err, %q) = %v, want %v", tc.status, tc.method, s, got, s == tc.want)
			}
		}
		var ae *APIError
		if !errors.As(err, &ae) || ae.Status != tc.status {
			t.Errorf("%d %s: errors.As gave %+v", tc.status, tc.method, ae)
		}
	}
	if !errors.Is(badInput("path", "bad"), ErrBadRequest) {
		t.Error("badInput does not match ErrBadRequest")
	}
}

func TestForbiddenNamesTheScope(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, method, path, body string
		wantScope                string
		wantText                 []string
	}{
		{
			name: "body names the scope", method: "POST", path: "/v3/catalog/products",
			body:      `{"status":403,"title":"You don't have a required scope to access the endpoint","errors":{"scope":"missing store_v2_products"}}`,
			wantScope: "store_v2_products",
			wantText:  []string{"write products", "store_v2_products", "re-issue", "broader scopes"},
		},
		{
			name: "read inferred from the path", method: "GET", path: "/v2/orders/12/products",
			body:      `{"status":403,"title":"Unauthorized Access. You do not have permission to make this request."}`,
			wantScope: "store_v2_orders_read_only",
			wantText:  []string{"read orders", "store_v2_orders_read_only", "re-issue"},
		},
		{
			name: "customers write", method: "PUT", path: "/v3/customers",
			body:      `[{"status":403,"message":"You don't have a required scope to access the endpoint"}]`,
			wantScope: "store_v2_customers",
			wantText:  []string{"write customers"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newAPIError(403, tc.method, tc.path, http.Header{}, []byte(tc.body))
			if e.MissingScope != tc.wantScope {
				t.Errorf("MissingScope = %q, want %q", e.MissingScope, tc.wantScope)
			}
			for _, w := range tc.wantText {
				if !strings.Contains(e.Error(), w) {
					t.Errorf("Error() = %q, want it to contain %q", e.Error(), w)
				}
			}
		})
	}
}

func TestRateLimitedRetryAfter(t *testing.T) {
	t.Parallel()
	h := http.Header{}
	h.Set("x-retry-after", "3")
	h.Set("x-rate-limit-time-reset-ms", "4500")
	e := newAPIError(429, "GET", "/v3/x", h, nil)
	if e.RetryAfter != 4500*time.Millisecond {
		t.Errorf("RetryAfter = %v, want the longer of X-Retry-After and the reset (4.5s)", e.RetryAfter)
	}
	h.Set("x-retry-after", "9")
	if got := newAPIError(429, "GET", "/v3/x", h, nil).RetryAfter; got != 9*time.Second {
		t.Errorf("RetryAfter = %v, want 9s", got)
	}
}

func TestShortTextBounds(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", 1000) + "\n\tend"
	got := shortText(long)
	if len(got) > maxErrorText+3 || !utf8.ValidString(got) || strings.ContainsAny(got, "\n\t") {
		t.Errorf("shortText gave %d bytes, valid=%v: %q", len(got), utf8.ValidString(got), got[:20])
	}
	if got := shortText("a\x00b\u2028c"); got != "a b c" {
		t.Errorf("shortText control characters = %q", got)
	}
}

func TestScrubSecretFromErrorBody(t *testing.T) {
	t.Parallel()
	e := newAPIError(401, "GET", "/v3/x", http.Header{}, []byte(`{"title":"bad token `+coreToken+`","errors":{"`+coreToken+`":"`+coreToken+`"}}`))
	e.scrubSecret(coreToken)
	coreNoToken(t, "Error()", e.Error())
}
