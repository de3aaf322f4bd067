package bigcommerce

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"
)

func TestBrands(t *testing.T) {
	t.Parallel()
	mux, c := setupResources(t)
	mux.handle("GET /v3/catalog/brands", func(w http.ResponseWriter, r *http.Request) {
		name := r.URL.Query().Get("name")
		wantQuery(t, r, url.Values{"name": {name}})
		if name == "Acme" {
			writeJSON(w, 200, v3Page(`[{"id":7,"name":"Acme","meta_keywords":[],"custom_url":{"url":"/acme/","is_customized":false}}]`, 1, 1))
			return
		}
		writeJSON(w, 200, v3Page(`[]`, 1, 0))
	})
	mux.handle("GET /v3/catalog/brands/7", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"data":{"id":7,"name":"Acme"},"meta":{}}`)
	})
	mux.handle("POST /v3/catalog/brands", func(w http.ResponseWriter, r *http.Request) {
		wantBody(t, r, `{"name":"Globex","image_url":"https://example.com/g.png"}`)
		writeJSON(w, 200, `{"data":{"id":8,"name":"Globex"},"meta":{}}`)
	})
	ctx := context.Background()
	b, err := c.Brands.FindByName(ctx, "Acme")
	if err != nil || b.ID != 7 || b.CustomURL.URL != "/acme/" {
		t.Fatalf("FindByName = %+v, %v", b, err)
	}
	if _, err := c.Brands.FindByName(ctx, "Initech"); !errors.Is(err, ErrNotFound) {
		t.Errorf("err = %v, want ErrNotFound", err)
	}
	if b, _, err := c.Brands.Get(ctx, 7); err != nil || b.Name != "Acme" {
		t.Fatalf("Get = %+v, %v", b, err)
	}
	if b, _, err := c.Brands.Create(ctx, &BrandCreateRequest{Name: "Globex", ImageURL: "https://example.com/g.png"}); err != nil || b.ID != 8 {
		t.Fatalf("Create = %+v, %v", b, err)
	}
}
