package bigcommerce

import (
	"context"
	"errors"
	"testing"
)

// TestSummarySaysEachPartOnce: a failure's line has one separator between
// its parts, never one next to an empty part, and says an unknown outcome
// once (a POST whose context ended mid-request said it twice).
func TestSummarySaysEachPartOnce(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		e    *APIError
		want string
	}{
		{&APIError{Method: "POST", Path: "/v3/catalog/products", kind: ErrOutcomeUnknown, Err: context.Canceled},
			"POST /v3/catalog/products: outcome unknown: the request may or may not have been applied: context canceled"},
		{&APIError{Method: "GET", Path: "/v2/store", Detail: "the store is down for maintenance"},
			"GET /v2/store: the store is down for maintenance"},
		{&APIError{Method: "GET", Path: "/v2/store", kind: ErrUpstream, Err: errors.New("dial tcp 127.0.0.1:1: connect: connection refused")},
			"GET /v2/store: upstream failure: dial tcp 127.0.0.1:1: connect: connection refused"},
		{&APIError{Method: "GET", Path: "/v2/store", Err: context.Canceled}, "GET /v2/store: context canceled"},
		{&APIError{Status: 404, Method: "GET", Path: "/v2/orders/9", Title: "Not Found", Detail: "no order 9", Messages: []string{"see docs"}},
			"GET /v2/orders/9: 404 Not Found: no order 9; see docs"},
		{&APIError{Status: 302, Method: "GET", Path: "/v2/store", Err: errors.New("redirect refused")}, "GET /v2/store: 302: redirect refused"},
		{&APIError{Status: 500}, "500"},
	} {
		if got := tc.e.Summary(); got != tc.want {
			t.Errorf("Summary() = %q\nwant        %q", got, tc.want)
		}
	}
}
