package bigcommerce

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMetafieldOwnerPaths(t *testing.T) {
	t.Parallel()
	tests := []struct {
		owner MetafieldOwner
		want  string
	}{
		{MetafieldOwner{Type: MetafieldOwnerProduct, ID: 5}, "/catalog/products/5/metafields"},
		{MetafieldOwner{Type: MetafieldOwnerVariant, ID: 9, ProductID: 5}, "/catalog/products/5/variants/9/metafields"},
		{MetafieldOwner{Type: MetafieldOwnerOrder, ID: 218}, "/orders/218/metafields"},
		{MetafieldOwner{Type: MetafieldOwnerCustomer, ID: 7}, "/customers/7/metafields"},
		{MetafieldOwner{Type: MetafieldOwnerCategory, ID: 3}, "/catalog/categories/3/metafields"},
		{MetafieldOwner{Type: MetafieldOwnerBrand, ID: 2}, "/catalog/brands/2/metafields"},
	}
	for _, tt := range tests {
		got, err := tt.owner.path()
		if err != nil || got != tt.want {
			t.Errorf("%+v.path() = %q, %v; want %q", tt.owner, got, err, tt.want)
		}
	}
	_, err := MetafieldOwner{Type: MetafieldOwnerOrder}.path()
	wantBadRequest(t, err, "resource_id")
}

const metafieldFixture = `{"id":42,"key":"synced","value":"2025-01-15","namespace":"bigc","permission_set":"app_only",
  "resource_type":"order","resource_id":218,"description":"sync tag","date_created":"2025-01-15T00:03:17Z",
  "date_modified":"2025-01-15T00:03:17Z","owner_client_id":"abc"}`

func TestOrderMetafields(t *testing.T) {
	t.Parallel()
	mux, c := setupResources(t)
	calls := mux.handle("GET /v3/orders/218/metafields", func(w http.ResponseWriter, r *http.Request) {
		after := r.URL.Query().Get("after")
		want := url.Values{"namespace": {"bigc"}, "limit": {"250"}}
		if after != "" {
			want.Set("after", after)
		}
		wantQuery(t, r, want)
		if after == "" {
			writeJSON(w, 200, v3CursorPage(jsonArray(250, func(int) string { return metafieldFixture }), "c1", "?after=c1"))
			return
		}
		writeJSON(w, 200, v3CursorPage(`[{"id":43,"key":"other","value":"x","namespace":"bigc","permission_set":"read","resource_type":"order","resource_id":218}]`, "c2", ""))
	})
	mux.handle("POST /v3/orders/218/metafields", func(w http.ResponseWriter, r *http.Request) {
		wantBody(t, r, `{"namespace":"bigc","key":"synced","value":"2025-01-15","permission_set":"app_only","description":"sync tag"}`)
		writeJSON(w, 200, `{"data":`+metafieldFixture+`,"meta":{}}`)
	})
	mux.handle("PUT /v3/orders/218/metafields/42", func(w http.ResponseWriter, r *http.Request) {
		wantBody(t, r, `{"value":"2025-02-01"}`)
		writeJSON(w, 200, `{"data":{"id":42,"key":"synced","value":"2025-02-01"},"meta":{}}`)
	})
	mux.handle("DELETE /v3/orders/218/metafields/42", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) })
	mux.handle("POST /v3/customers/7/metafields", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 409, `{"status":409,"title":"A metafield with this namespace and key already exists."}`)
	})
	ctx := context.Background()
	owner := MetafieldOwner{Type: MetafieldOwnerOrder, ID: 218}
	n := 0
	var last *Metafield
	for m, err := range c.Metafields.All(ctx, owner, &MetafieldListOptions{Namespace: "bigc"}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		last = m
	}
	if n != 251 || calls.Load() != 2 || last.ID != 43 {
		t.Errorf("%d metafields in %d calls (last %+v), want 251 in 2", n, calls.Load(), last)
	}
	m, _, err := c.Metafields.Create(ctx, owner, &MetafieldCreateRequest{Namespace: "bigc", Key: "synced", Value: "2025-01-15", PermissionSet: "app_only", Description: "sync tag"})
	if err != nil {
		t.Fatal(err)
	}
	want := &Metafield{ID: 42, Namespace: "bigc", Key: "synced", Value: "2025-01-15", PermissionSet: "app_only", Description: "sync tag",
		ResourceType: "order", ResourceID: 218, OwnerClientID: "abc",
		DateCreated: Time{mustTime(t, "2025-01-15T00:03:17Z")}, DateModified: Time{mustTime(t, "2025-01-15T00:03:17Z")}}
	if diff := cmp.Diff(want, m, cmp.Comparer(func(a, b Time) bool { return a.Equal(b.Time) })); diff != "" {
		t.Errorf("metafield (-want +got):\n%s", diff)
	}
	if m, _, err := c.Metafields.Update(ctx, owner, 42, &MetafieldUpdateRequest{Value: Ptr("2025-02-01")}); err != nil || m.Value != "2025-02-01" {
		t.Fatalf("Update = %+v, %v", m, err)
	}
	if _, err := c.Metafields.Delete(ctx, owner, 42); err != nil {
		t.Fatal(err)
	}
	_, _, err = c.Metafields.Create(ctx, MetafieldOwner{Type: MetafieldOwnerCustomer, ID: 7},
		&MetafieldCreateRequest{Namespace: "bigc", Key: "k", Value: "v", PermissionSet: "read"})
	if !errors.Is(err, ErrConflict) {
		t.Errorf("err = %v, want ErrConflict", err)
	}
}
