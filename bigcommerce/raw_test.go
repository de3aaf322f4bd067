package bigcommerce

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCheckRawPath(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want, wantErr string
	}{
		{in: "/v3/catalog/products", want: "/v3/catalog/products"},
		{in: "/v2/orders/12/shipments", want: "/v2/orders/12/shipments"},
		{in: "/v3/catalog/products/", want: "/v3/catalog/products"},
		{in: "/v3/carts/3f9a-11/items", want: "/v3/carts/3f9a-11/items"},
		{in: "/v3/catalog/products/%31%32", want: "/v3/catalog/products/12"},
		{in: "/v3/pages:batch", want: "/v3/pages:batch"},
		{in: "", wantErr: "empty"},
		{in: "v3/catalog/products", wantErr: "not a path below the store"},
		{in: "https://evil.example/v3/x", wantErr: "not a path below the store"},
		{in: "/v3/http://evil.example", wantErr: "URL"},
		{in: "//evil.example/v3/x", wantErr: `"//"`},
		{in: "/v3//catalog", wantErr: `"//"`},
		{in: "/v1/catalog", wantErr: "/v2/ or /v3/"},
		{in: "/v3", wantErr: "/v2/ or /v3/"},
		{in: "/v3/", wantErr: "names no endpoint"},
		{in: "/v4/catalog", wantErr: "/v2/ or /v3/"},
		{in: "/stores/abc/v3/catalog", wantErr: "/v2/ or /v3/"},
		{in: "/v3/../../other/v3/x", wantErr: `".."`},
		{in: "/v3/catalog/..", wantErr: `".."`},
		{in: "/v3/./catalog", wantErr: `"."`},
		{in: `/v3/catalog\products`, wantErr: "backslash"},
		{in: "/v3/catalog\r\nX-Evil: 1", wantErr: "CR or LF"},
		{in: "/v3/catalog\nproducts", wantErr: "CR or LF"},
		{in: "/v3/catalog\x00", wantErr: "NUL"},
		{in: "/v3/catalog\x7f", wantErr: "control"},
		{in: "/v3/catalog products", wantErr: "whitespace"},
		{in: "/v3/catalog?x=1", wantErr: `"?"`},
		{in: "/v3/catalog#frag", wantErr: `"?" or "#"`},
		{in: "/v3/%2e%2e/%2e%2e/x", wantErr: `".." once percent-decoded`},
		{in: "/v3/%2E%2E/x", wantErr: `".." once percent-decoded`},
		{in: "/v3/%252e%252e/x", wantErr: `".." once percent-decoded`},
		{in: "/v3/%25252e%25252e/x", wantErr: `".." once percent-decoded`},
		{in: "/v3/%2f%2fevil", wantErr: `"//" once percent-decoded`},
		{in: "/v3/a%5cb", wantErr: "backslash once percent-decoded"},
		{in: "/v3/a%0d%0ab", wantErr: "CR or LF once percent-decoded"},
		{in: "/v3/a%00", wantErr: "NUL once percent-decoded"},
		{in: "/v3/a%3fx=1", wantErr: `"?" or "#" (put the query in Query) once percent-decoded`},
		{in: "/v3/a%23x", wantErr: `once percent-decoded`},
		{in: "/v3/a%2", wantErr: "malformed"},
		{in: "/v3/a%zz", wantErr: "malformed"},
		{in: "/v3/a%2531", wantErr: "more than once"},
		{in: "/v3/" + strings.Repeat("a", 3000), wantErr: "too long"},
		// Issue 10 §6: nothing but plain ASCII path characters after one decoding.
		{in: "/v3/catalog/\uff0e\uff0e/x", wantErr: `"\uff0e", which is not a plain ASCII path character`},
		{in: "/v3/catalog\uff0fproducts", wantErr: `"\uff0f"`},
		{in: "/v3/catalog/\u2025/x", wantErr: `"\u2025"`},
		{in: "/v3/catalog/\ufe52\ufe52/x", wantErr: `"\ufe52"`},
		{in: "/v3/catalog/%c0%ae%c0%ae/x", wantErr: "the byte 0xC0"},
		{in: "/v3/catalog/%ef%bc%8e%ef%bc%8e/x", wantErr: `"\uff0e"`},
		{in: "/v3/catalog/products\u202e21", wantErr: `"\u202e"`},
		{in: "/v3/catalog%2fproducts", wantErr: `percent-encoded "/"`},
		{in: "/v3/catalog%2Fproducts", wantErr: `percent-encoded "/"`},
		{in: "/v3/catalog/pro\u00e9ducts", wantErr: "not a plain ASCII"},
		{in: "/v3/catalog/products~1", want: "/v3/catalog/products~1"},
	}
	for _, tc := range tests {
		got, err := checkRawPath(tc.in)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !errors.Is(err, ErrBadRequest) {
				t.Errorf("checkRawPath(%q) = %q, %v; want ErrBadRequest containing %q", tc.in, got, err, tc.wantErr)
			}
			if err != nil && strings.ContainsAny(err.Error(), "\r\n\x00") {
				t.Errorf("checkRawPath(%q) error carries control characters: %q", tc.in, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("checkRawPath(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestDoRefusesBeforeSending(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	c, _ := coreServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { n.Add(1) }))
	tests := []struct {
		name    string
		req     RawRequest
		field   string
		wantErr string
	}{
		{"PATCH", RawRequest{Method: "PATCH", Path: "/v3/catalog/products/1"}, "method", "not allowed"},
		{"HEAD", RawRequest{Method: "HEAD", Path: "/v3/catalog/products/1"}, "method", "not allowed"},
		{"no method", RawRequest{Path: "/v3/catalog/products/1"}, "method", "empty"},
		{"method with CRLF", RawRequest{Method: "GET\r\n", Path: "/v3/x"}, "method", "not allowed"},
		{"absolute URL", RawRequest{Method: "GET", Path: "https://api.bigcommerce.com/stores/x/v3/x"}, "path", "absolute"},
		{"delete all orders", RawRequest{Method: "DELETE", Path: "/v2/orders"}, "path", "archives every order"},
		{"delete all orders, with a filter", RawRequest{Method: "DELETE", Path: "/v2/orders/", Query: url.Values{"status_id": {"1"}}}, "path", "archives every order"},
		{"delete all products", RawRequest{Method: "delete", Path: "/v3/catalog/products"}, "path", "whole collection"},
		{"delete products, paging only", RawRequest{Method: "DELETE", Path: "/v3/catalog/products", Query: url.Values{"limit": {"250"}, "page": {"1"}}}, "path", "whole collection"},
		{"delete products, empty filter", RawRequest{Method: "DELETE", Path: "/v3/catalog/products", Query: url.Values{"id:in": {""}}}, "path", "whole collection"},
		{"delete all customers", RawRequest{Method: "DELETE", Path: "/v3/customers"}, "path", "whole collection"},
		{"delete all v2 customers", RawRequest{Method: "DELETE", Path: "/v2/customers"}, "path", "whole collection"},
		{"delete all shipments of an order", RawRequest{Method: "DELETE", Path: "/v2/orders/5/shipments"}, "path", "whole collection"},
		{"delete with an empty batch", RawRequest{Method: "DELETE", Path: "/v3/orders/metafields", Body: json.RawMessage(`[]`)}, "path", "whole collection"},
		// Issue 10 §6: only a documented filter that selects particular records counts.
		{"delete products, unknown filter", RawRequest{Method: "DELETE", Path: "/v3/catalog/products", Query: url.Values{"foo": {"bar"}}}, "path", "id:in, sku, name"},
		{"delete products, open range", RawRequest{Method: "DELETE", Path: "/v3/catalog/products", Query: url.Values{"id:min": {"1"}}}, "path", "whole collection"},
		{"delete products by category", RawRequest{Method: "DELETE", Path: "/v3/catalog/products", Query: url.Values{"categories": {"23"}}}, "path", "whole collection"},
		{"delete tree categories by tree", RawRequest{Method: "DELETE", Path: "/v3/catalog/trees/categories", Query: url.Values{"tree_id:in": {"1"}}}, "path", "category_id:in"},
		{"delete customers by name", RawRequest{Method: "DELETE", Path: "/v3/customers", Query: url.Values{"name:like": {"a"}}}, "path", "id:in"},
		{"delete an undocumented collection", RawRequest{Method: "DELETE", Path: "/v2/gift_certificates", Query: url.Values{"id:in": {"1"}}}, "path", "one record at a time"},
		{"invalid JSON body", RawRequest{Method: "POST", Path: "/v3/carts", Body: json.RawMessage(`{"a":`)}, "body", "not valid JSON"},
		{"GET with a body", RawRequest{Method: "GET", Path: "/v3/carts", Body: json.RawMessage(`{}`)}, "body", "no body"},
	}
	for _, tc := range tests {
		res, err := c.Do(t.Context(), tc.req)
		var ie *InputError
		if !errors.As(err, &ie) || ie.Field != tc.field || !strings.Contains(err.Error(), tc.wantErr) || res != nil {
			t.Errorf("%s: Do = %v, %v; want an InputError on %s containing %q", tc.name, res, err, tc.field, tc.wantErr)
		}
	}
	if n.Load() != 0 {
		t.Errorf("the server saw %d requests; refused requests must not be sent", n.Load())
	}
}

func TestDoSends(t *testing.T) {
	t.Parallel()
	type seen struct {
		method, path, query, body string
	}
	var got []seen
	c, _ := coreServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = append(got, seen{r.Method, r.URL.EscapedPath(), r.URL.RawQuery, string(b)})
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("X-Rate-Limit-Requests-Left", "34")
		h.Set("X-BC-Store-Version", "7.3.6")
		h.Set("Set-Cookie", "session=abc")
		h.Set("X-Internal-Host", "node-17")
		switch {
		case r.Method == "DELETE":
			w.WriteHeader(http.StatusNoContent)
		case strings.HasSuffix(r.URL.Path, "/missing"):
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"status":404,"title":"Not here"}`))
		default:
			w.Write([]byte(`{"data":{"id":1}}`))
		}
	}))
	res, err := c.Do(t.Context(), RawRequest{Method: "post", Path: "/v3/carts", Body: json.RawMessage(`{"line_items":[]}`)})
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 200 || string(res.Body) != `{"data":{"id":1}}` {
		t.Errorf("response %d %s", res.StatusCode, res.Body)
	}
	wantHeader := http.Header{"Content-Type": {"application/json"}, "X-Rate-Limit-Requests-Left": {"34"}, "X-Bc-Store-Version": {"7.3.6"}}
	if diff := cmp.Diff(wantHeader, res.Header); diff != "" {
		t.Errorf("headers (-want +got):\n%s", diff)
	}
	res, err = c.Do(t.Context(), RawRequest{Method: "DELETE", Path: "/v3/catalog/products", Query: url.Values{"id:in": {"1,2"}}})
	if err != nil || res.StatusCode != 204 || res.Body != nil {
		t.Errorf("DELETE with filter: %+v, %v", res, err)
	}
	if _, err := c.Do(t.Context(), RawRequest{Method: "DELETE", Path: "/v3/orders/metafields", Body: json.RawMessage(`[1,2]`)}); err != nil {
		t.Errorf("batch DELETE with a body: %v", err)
	}
	res, err = c.Do(t.Context(), RawRequest{Method: "GET", Path: "/v3/catalog/products/missing"})
	if !errors.Is(err, ErrNotFound) || res == nil || res.StatusCode != 404 || !strings.Contains(string(res.Body), "Not here") {
		t.Errorf("404: %+v, %v", res, err)
	}
	base := "/stores/" + coreHash(t)
	want := []seen{
		{"POST", base + "/v3/carts", "", `{"line_items":[]}`},
		{"DELETE", base + "/v3/catalog/products", "id%3Ain=1%2C2", ""},
		{"DELETE", base + "/v3/orders/metafields", "", "[1,2]"},
		{"GET", base + "/v3/catalog/products/missing", "", ""},
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(seen{})); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
}

func TestDoNonJSONErrorBody(t *testing.T) {
	t.Parallel()
	c, _ := coreServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(401)
		w.Write([]byte("Unauthorized"))
	}))
	res, err := c.Do(t.Context(), RawRequest{Method: "GET", Path: "/v3/catalog/trees"})
	if !errors.Is(err, ErrUnauthorized) || res == nil || !json.Valid(res.Body) {
		t.Errorf("401: %+v, %v; want ErrUnauthorized with a JSON body", res, err)
	}
}
