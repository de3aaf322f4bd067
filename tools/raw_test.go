package tools

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/bigc-dev/bigc/sandbox"
)

func TestRawAPIRequest(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{Products: 3})

	t.Run("GET", func(t *testing.T) {
		// A GET reads only: no confirmation needed.
		out := mustCall[RawAPIRequestOutput](t, h, h.ro, "raw-api-request",
			in{"method": "GET", "path": "/v3/catalog/products", "query": in{"limit": "2"}})
		var body struct {
			Data []struct {
				ID int `json:"id"`
			} `json:"data"`
		}
		if err := json.Unmarshal(out.Body, &body); err != nil || out.Status != 200 || len(body.Data) != 2 {
			t.Errorf("status %d body %s (%v)", out.Status, out.Body, err)
		}
		if len(out.RateLimit) == 0 {
			t.Error("no rate-limit headers in the answer")
		}
	})
	t.Run("query numbers and booleans", func(t *testing.T) {
		// Numbers and booleans are sent as their JSON text: limit=1 and
		// is_visible=true reach the store and filter as the strings would.
		out := mustCall[RawAPIRequestOutput](t, h, h.ro, "raw-api-request",
			`{"method":"GET","path":"/v3/catalog/products","query":{"limit":1,"is_visible":true,"id:min":1}}`)
		var body struct {
			Data []struct {
				ID int `json:"id"`
			} `json:"data"`
			Meta struct {
				Pagination struct {
					PerPage int `json:"per_page"`
				} `json:"pagination"`
			} `json:"meta"`
		}
		if err := json.Unmarshal(out.Body, &body); err != nil || out.Status != 200 || len(body.Data) != 1 || body.Meta.Pagination.PerPage != 1 {
			t.Errorf("status %d body %s (%v); want one product, limit 1", out.Status, out.Body, err)
		}
		_, err := call[RawAPIRequestOutput](t, h, h.full, "raw-api-request",
			`{"method":"PUT","path":"/v3/catalog/products/1","query":{"include_fields":5,"x":false}}`)
		e := wantError(t, err, CategoryConfirmationRequired, "")
		if !strings.Contains(e.Message, "include_fields=5&x=false") {
			t.Errorf("preview %q, want the query as sent: include_fields=5&x=false", e.Message)
		}
		// An object, an array or null has no query form: refused, naming the parameter.
		for _, v := range []string{`{"a":1}`, `[1,2]`, `null`} {
			_, err := call[RawAPIRequestOutput](t, h, h.ro, "raw-api-request", `{"method":"GET","path":"/v3/catalog/products","query":{"limit":`+v+`}}`)
			e := wantError(t, err, CategoryBadInput, "query.limit")
			if !strings.Contains(e.Message, "a string or a number or true or false") {
				t.Errorf("query.limit=%s: %q, want the valid types named", v, e.Message)
			}
		}
	})
	t.Run("unconfirmed write changes nothing", func(t *testing.T) {
		body := `{"name":"Raw Rope","type":"physical","price":5,"weight":1}`
		_, err := call[RawAPIRequestOutput](t, h, h.full, "raw-api-request", `{"method":"POST","path":"/v3/catalog/products","body":`+body+`}`)
		e := wantError(t, err, CategoryConfirmationRequired, "")
		if !strings.Contains(e.Message, "would send POST /v3/catalog/products with a") {
			t.Errorf("preview %q", e.Message)
		}
		if n := len(productsNamed(t, h, "Raw Rope")); n != 0 {
			t.Fatalf("an unconfirmed raw POST wrote %d products", n)
		}
		out := mustCall[RawAPIRequestOutput](t, h, confirmed(h.full), "raw-api-request", `{"method":"POST","path":"/v3/catalog/products","body":`+body+`}`)
		if out.Status != 200 && out.Status != 201 {
			t.Errorf("status %d", out.Status)
		}
		if n := len(productsNamed(t, h, "Raw Rope")); n != 1 {
			t.Errorf("store holds %d Raw Ropes, want 1", n)
		}
	})
	t.Run("errors", func(t *testing.T) {
		_, err := call[RawAPIRequestOutput](t, h, confirmed(h.full), "raw-api-request", in{"method": "GET", "path": "/v3/catalog/products/987654"})
		wantError(t, err, CategoryNotFound, "")
		_, err = call[RawAPIRequestOutput](t, h, confirmed(h.ro), "raw-api-request", in{"method": "DELETE", "path": "/v2/orders/1"})
		wantMissingScope(t, err)
		for _, tt := range []struct {
			input in
			field string
		}{
			{in{"method": "GET", "path": "//evil.example/v3/x"}, "path"},
			{in{"method": "GET", "path": "/v3/catalog/%2e%2e/%2e%2e/x"}, "path"},
			{in{"method": "TRACE", "path": "/v3/catalog/products"}, "method"},
			{in{"path": "/v3/catalog/products"}, "method"},
			{in{"method": "GET", "path": "/v3/catalog/\uff0e\uff0e/\uff0e\uff0e/v2/orders"}, "path"},
			{in{"method": "GET", "path": "/v3/catalog/%c0%ae%c0%ae/x"}, "path"},
			{in{"method": "GET", "path": "/v3/catalog\u202e/products"}, "path"},
			{in{"method": "GET", "path": "/v3/catalog%2Fproducts"}, "path"},
			{in{"method": "DELETE", "path": "/v3/catalog/products", "query": in{"foo": "bar"}}, "path"},
			{in{"method": "DELETE", "path": "/v3/catalog/products", "query": in{"id:min": "1"}}, "path"},
		} {
			// Refused before confirmation is even asked for, and before any request.
			_, err := call[RawAPIRequestOutput](t, h, h.full, "raw-api-request", tt.input)
			wantError(t, err, CategoryBadInput, tt.field)
		}
		// The client refuses a DELETE of every order and a collection delete
		// without a filter, confirmed or not; unconfirmed, the refusal comes
		// instead of a preview that would promise the call.
		for _, path := range []string{"/v2/orders", "/v3/catalog/products", "/v3/customers"} {
			for _, env := range []*Env{h.full, confirmed(h.full)} {
				_, err = call[RawAPIRequestOutput](t, h, env, "raw-api-request", in{"method": "DELETE", "path": path})
				wantError(t, err, CategoryBadInput, "path")
			}
		}
	})
}
