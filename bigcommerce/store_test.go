package bigcommerce

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"
)

func TestStore(t *testing.T) {
	t.Parallel()
	mux, c := setupResources(t)
	mux.handle("GET /v2/time", func(w http.ResponseWriter, r *http.Request) {
		wantQuery(t, r, nil)
		writeJSON(w, 200, `{"time":1529512970}`)
	})
	mux.handle("GET /v2/store", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"id":"abc123","store_id":1001,"domain":"shop.example.com","secure_url":"https://shop.example.com",
			"status":"live","name":"Example Shop","currency":"USD","weight_units":"LBS","dimension_units":"Inches",
			"plan_name":"Plus","plan_level":"Plus","plan_is_trial":false,"decimal_places":2,
			"timezone":{"name":"America/Chicago","raw_offset":-21600,"dst_offset":-18000,"dst_correction":true,
			"date_format":{"display":"jS M Y"}},"features":{"stencil_enabled":true}}`)
	})
	ctx := context.Background()
	now, err := c.Store.Time(ctx)
	if err != nil || !now.Equal(time.Unix(1529512970, 0)) {
		t.Fatalf("Time = %v, %v", now, err)
	}
	info, err := c.Store.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.ID != "abc123" || info.StoreID != 1001 || info.PlanName != "Plus" || info.Currency != "USD" ||
		info.Timezone == nil || info.Timezone.RawOffset != -21600 || info.SecureURL != "https://shop.example.com" {
		t.Errorf("info %+v", info)
	}
}

func TestStoreTimeWithoutTime(t *testing.T) {
	t.Parallel()
	mux, c := setupResources(t)
	mux.handle("GET /v2/time", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{}`) })
	if _, err := c.Store.Time(context.Background()); !errors.Is(err, ErrUpstream) {
		t.Errorf("err = %v, want ErrUpstream", err)
	}
}
