package bigcommerce

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const hookFixture = `{"id":18048287,"client_id":"m9r6keqmo7h7f23btnpwernbez1kglkl","store_hash":"abc123",
  "scope":"store/order/created","destination":"https://example.com/hooks/orders","is_active":true,
  "headers":{"X-Secret":"s"},"created_at":1561488106,"updated_at":1561488107}`

func TestWebhooks(t *testing.T) {
	t.Parallel()
	mux, c := setupResources(t)
	mux.handle("GET /v3/hooks", func(w http.ResponseWriter, r *http.Request) {
		wantQuery(t, r, url.Values{"scope": {"store/order/created"}, "is_active": {"true"}})
		writeJSON(w, 200, v3Page("["+hookFixture+"]", 1, 1))
	})
	mux.handle("GET /v3/hooks/18048287", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"data":`+hookFixture+`,"meta":{}}`)
	})
	mux.handle("POST /v3/hooks", func(w http.ResponseWriter, r *http.Request) {
		wantBody(t, r, `{"scope":"store/order/created","destination":"https://example.com/hooks/orders","is_active":true,"headers":{"X-Secret":"s"}}`)
		writeJSON(w, 200, `{"data":`+hookFixture+`,"meta":{}}`)
	})
	mux.handle("PUT /v3/hooks/18048287", func(w http.ResponseWriter, r *http.Request) {
		wantBody(t, r, `{"is_active":false}`)
		writeJSON(w, 200, `{"data":`+hookFixture+`,"meta":{}}`)
	})
	mux.handle("DELETE /v3/hooks/18048287", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"data":`+hookFixture+`,"meta":{}}`)
	})
	ctx := context.Background()
	hooks, _, err := c.Webhooks.List(ctx, &HookListOptions{Scope: "store/order/created", IsActive: Ptr(true)})
	if err != nil || len(hooks) != 1 {
		t.Fatalf("List = %v, %v", hooks, err)
	}
	want := &Hook{ID: 18048287, ClientID: "m9r6keqmo7h7f23btnpwernbez1kglkl", StoreHash: "abc123", Scope: "store/order/created",
		Destination: "https://example.com/hooks/orders", IsActive: true, Headers: map[string]string{"X-Secret": "s"},
		CreatedAt: Time{time.Unix(1561488106, 0)}, UpdatedAt: Time{time.Unix(1561488107, 0)}}
	if diff := cmp.Diff(want, hooks[0], cmp.Comparer(func(a, b Time) bool { return a.Equal(b.Time) })); diff != "" {
		t.Errorf("hook (-want +got):\n%s", diff)
	}
	if h, _, err := c.Webhooks.Get(ctx, 18048287); err != nil || h.ID != want.ID {
		t.Fatalf("Get = %+v, %v", h, err)
	}
	if _, _, err := c.Webhooks.Create(ctx, &HookCreateRequest{Scope: "store/order/created", Destination: "https://example.com/hooks/orders",
		IsActive: true, Headers: map[string]string{"X-Secret": "s"}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Webhooks.Update(ctx, 18048287, &HookUpdateRequest{IsActive: Ptr(false)}); err != nil {
		t.Fatal(err)
	}
	if h, _, err := c.Webhooks.Delete(ctx, 18048287); err != nil || h.Scope != "store/order/created" {
		t.Fatalf("Delete = %+v, %v", h, err)
	}
}

func TestCheckHookDestination(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		dest string
		ok   bool
	}{
		{"https://example.com/hooks", true},
		{"http://127.0.0.1:8080/hooks", true},
		{"http://[::1]:8080/hooks", true},
		{"http://localhost:9000/", true},
		{"http://example.com/hooks", false},
		{"http://10.0.0.1/hooks", false},
		{"ftp://example.com/", false},
		{"not a url", false},
		{"https://", false},
	} {
		err := checkHookDestination(tc.dest)
		if (err == nil) != tc.ok {
			t.Errorf("checkHookDestination(%q) = %v, want ok=%v", tc.dest, err, tc.ok)
		}
		if err != nil && !errors.Is(err, ErrBadRequest) {
			t.Errorf("checkHookDestination(%q) error %v is not ErrBadRequest", tc.dest, err)
		}
	}
}
