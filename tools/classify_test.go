package tools

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/bigc-dev/bigc/bigcommerce"
)

func TestAsErrorSentinels(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err      error
		want     Category
		nextHint string
	}{
		{bigcommerce.ErrNotFound, CategoryNotFound, "does not exist"},
		{bigcommerce.ErrUnauthorized, CategoryUnauthorized, "create a new token"},
		{bigcommerce.ErrForbidden, CategoryMissingScope, "Store-level API accounts"},
		{bigcommerce.ErrConflict, CategoryConflict, "already exists"},
		{bigcommerce.ErrValidation, CategoryBadInput, "fix the fields"},
		{bigcommerce.ErrRateLimited, CategoryRateLimited, "wait"},
		{bigcommerce.ErrUpstream, CategoryUpstream, "try again later"},
		{bigcommerce.ErrOutcomeUnknown, CategoryOutcomeUnknown, "look the record up"},
		{bigcommerce.ErrBadRequest, CategoryBadInput, "nothing was sent"},
		{context.Canceled, CategoryCanceled, "may or may not"},
		{context.DeadlineExceeded, CategoryUpstream, "in time"},
		{errors.New("disk full"), CategoryInternal, ""},
	}
	for _, tc := range tests {
		wrapped := fmt.Errorf("get-product: %w", tc.err)
		got := AsError(wrapped)
		if got.Category != tc.want {
			t.Errorf("AsError(%v).Category = %q, want %q", tc.err, got.Category, tc.want)
		}
		if !strings.Contains(got.Next, tc.nextHint) {
			t.Errorf("AsError(%v).Next = %q, want it to contain %q", tc.err, got.Next, tc.nextHint)
		}
		if !errors.Is(got, tc.err) {
			t.Errorf("errors.Is(AsError(%v), the cause) = false", tc.err)
		}
	}
	if AsError(nil) != nil {
		t.Error("AsError(nil) != nil")
	}
	own := &Error{Category: CategoryConflict, Message: "customer 12 has that email"}
	if got := AsError(fmt.Errorf("wrapped: %w", own)); got != own {
		t.Errorf("AsError of a wrapped *Error = %v, want the same *Error", got)
	}
}

// TestAsErrorFromTheClient classifies real client errors, decoded from the
// bodies BigCommerce sends, and checks the details each category keeps.
func TestAsErrorFromTheClient(t *testing.T) {
	t.Parallel()
	const token = "secret-token-5e8d"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/v3/catalog/products"):
			w.WriteHeader(http.StatusForbidden)
			w.Write([]byte(`{"status":403,"title":"You don't have a required scope to access the endpoint"}`))
		case r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/v2/orders/5"):
			w.WriteHeader(http.StatusForbidden)
			w.Write([]byte(`[{"status":403,"message":"You don't have a required scope to access the endpoint"}]`))
		case r.Method == http.MethodPut:
			w.WriteHeader(http.StatusUnprocessableEntity)
			w.Write([]byte(`{"status":422,"title":"JSON data is missing or invalid","errors":{"price":"price must be a number"}}`))
		case strings.HasSuffix(r.URL.Path, "/v3/catalog/products/999"):
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"status":404,"title":"The requested product was not found."}`))
		case strings.HasSuffix(r.URL.Path, "/v3/customers"):
			w.Header().Set("X-Rate-Limit-Time-Reset-Ms", "20")
			w.Header().Set("X-Rate-Limit-Requests-Left", "0")
			w.Header().Set("X-Rate-Limit-Requests-Quota", "150")
			w.Header().Set("X-Rate-Limit-Time-Window-Ms", "30000")
			w.WriteHeader(http.StatusTooManyRequests)
			w.Write([]byte(`{"status":429,"title":"Too many requests"}`))
		default:
			w.WriteHeader(http.StatusInternalServerError)
		}
	}))
	t.Cleanup(srv.Close)
	client, err := bigcommerce.NewClient("abc123", token, bigcommerce.WithBaseURL(srv.URL), bigcommerce.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	do := func(method, path string, body string) error {
		var raw []byte
		if body != "" {
			raw = []byte(body)
		}
		_, err := client.Do(ctx, bigcommerce.RawRequest{Method: method, Path: path, Body: raw})
		return err
	}

	write := AsError(do(http.MethodPost, "/v3/catalog/products", `{"name":"x"}`))
	if write.Category != CategoryMissingScope || write.MissingScope != "store_v2_products" ||
		!strings.Contains(write.Next, "lacks the modify scope") || !strings.Contains(write.Next, "old token is invalidated") {
		t.Errorf("read-only token on a write: %+v", write)
	}

	notFound := AsError(do(http.MethodGet, "/v3/catalog/products/999", ""))
	if notFound.Category != CategoryNotFound || !strings.Contains(notFound.Message, "404") || !strings.Contains(notFound.Next, "list-products") {
		t.Errorf("404: %+v", notFound)
	}

	invalid := AsError(do(http.MethodPut, "/v3/catalog/products/1", `{"price":"x"}`))
	if invalid.Category != CategoryBadInput || invalid.Field != "price" || invalid.Fields["price"] != "price must be a number" {
		t.Errorf("422: %+v", invalid)
	}

	read := AsError(do(http.MethodGet, "/v2/orders/5", ""))
	if read.Category != CategoryMissingScope || !strings.Contains(read.Next, "read scope for this data (store_v2_orders_read_only)") {
		t.Errorf("read without the scope: %+v", read)
	}

	failed := AsError(do(http.MethodGet, "/v2/orders", ""))
	if failed.Category != CategoryUpstream {
		t.Errorf("500 on a GET: %+v", failed)
	}

	limited := AsError(do(http.MethodGet, "/v3/customers", ""))
	if limited.Category != CategoryRateLimited || limited.RetryAfterSeconds <= 0 {
		t.Errorf("429: %+v", limited)
	}

	for _, e := range []*Error{write, read, notFound, invalid, limited, failed} {
		if strings.Contains(e.Error(), token) || strings.Contains(e.Next, token) {
			t.Errorf("an error holds the token: %v", e)
		}
	}
}

func TestBadInputHelper(t *testing.T) {
	t.Parallel()
	e := BadInput("variants[0].sku", "%q is used by product %d", "A-1", 7)
	if e.Error() != `bad_input: variants[0].sku: "A-1" is used by product 7` {
		t.Errorf("Error() = %q", e.Error())
	}
}

// TestAsErrorKeepsTheClientsField: the field of a client-side refusal comes
// from the *bigcommerce.InputError itself, whatever characters it holds, not
// from parsing the error's text.
func TestAsErrorKeepsTheClientsField(t *testing.T) {
	t.Parallel()
	err := fmt.Errorf("raw: %w", &bigcommerce.InputError{Field: "query.id:in", Message: "is empty: want ids such as 1,2"})
	e := AsError(err)
	if e.Category != CategoryBadInput || e.Field != "query.id:in" || e.Message != "is empty: want ids such as 1,2" {
		t.Errorf("AsError = %+v, want bad_input on query.id:in with the client's message", e)
	}
	var ie *bigcommerce.InputError
	if !errors.As(e, &ie) {
		t.Error("the *bigcommerce.InputError is not reachable with errors.As")
	}
}
