package syncer

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bigc-dev/bigc/sandbox"
	"github.com/bigc-dev/bigc/state"
)

// tombstonesIn returns the tombstone lines of path, by id.
func tombstonesIn(t *testing.T, path string) map[int64][]line {
	t.Helper()
	out := map[int64][]line{}
	for _, l := range decodeLines(t, path) {
		if l.Deleted {
			out[l.ID] = append(out[l.ID], l)
		}
	}
	return out
}

// liveOrderIDs lists the first live orders of the store by id.
func liveOrderIDs(t *testing.T, r *sandboxRig) []int {
	t.Helper()
	var orders []struct{ ID int }
	json.Unmarshal(r.do(t, "GET", "/v2/orders", url.Values{"sort": {"id:asc"}, "limit": {"10"}}, nil), &orders)
	ids := make([]int, len(orders))
	for i, o := range orders {
		ids[i] = o.ID
	}
	if len(ids) < 3 {
		t.Fatalf("the seed has %d orders", len(ids))
	}
	return ids
}

// TestArchivedOrderTombstonedOnce: an order archived through DELETE
// /v2/orders/{id} becomes one tombstone in the next run, one second after
// its archived date_modified, and never again; a run that fails after the
// tombstones and a rerun write it once; an order archived before the
// output's first run gets none.
func TestArchivedOrderTombstonedOnce(t *testing.T) {
	t.Parallel()
	clock := &mutableClock{}
	clock.set(time.Date(2026, 2, 1, 12, 0, 0, 0, time.UTC))
	r := newRig(t, sandbox.Options{Seed: 8, Orders: 30, Now: clock.now})
	ids := liveOrderIDs(t, r)
	before, archived := ids[0], ids[1]
	r.do(t, "DELETE", fmt.Sprintf("/v2/orders/%d", before), nil, nil)
	clock.add(time.Minute)
	if _, err := r.run(t, "orders", 0, nil); err != nil {
		t.Fatal(err)
	}
	if n := len(tombstonesIn(t, r.out)); n != 0 {
		t.Errorf("first run wrote %d tombstones; its output had nothing to withdraw", n)
	}

	clock.add(time.Minute)
	r.do(t, "DELETE", fmt.Sprintf("/v2/orders/%d", archived), nil, nil)
	o, _ := r.srv.Store.Order(archived)
	clock.add(time.Minute)
	// The run fails once its tombstones are written: the live orders'
	// list is refused.
	r.hook.after = func(req *http.Request, send func() (*http.Response, error)) (*http.Response, error) {
		if strings.HasSuffix(req.URL.Path, "/v2/orders") && req.URL.Query().Get("is_deleted") == "" {
			body := `{"status":403,"title":"refused by the test"}`
			return &http.Response{StatusCode: http.StatusForbidden, Status: "403 Forbidden", Header: http.Header{"Content-Type": {"application/json"}},
				Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body)), Request: req, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1}, nil
		}
		return send()
	}
	if _, err := r.run(t, "orders", 0, nil); err == nil {
		t.Fatal("the run with the live list refused succeeded")
	}
	r.hook.after = nil
	for range 2 {
		res, err := r.run(t, "orders", 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Records != 0 {
			t.Errorf("rerun wrote %d records, want none", res.Records)
		}
		clock.add(time.Minute)
	}
	tombs := tombstonesIn(t, r.out)
	if len(tombs) != 1 || len(tombs[int64(archived)]) != 1 {
		t.Fatalf("tombstones %+v, want one for order %d", tombs, archived)
	}
	if got, want := tombs[int64(archived)][0].DateModified, o.DateModified.Add(time.Second).Format(time.RFC3339); got != want {
		t.Errorf("tombstone date_modified %s, want %s (a second after the archive)", got, want)
	}
	validateRecords(t, decodeLines(t, r.out))
	seen := map[state.EmittedKey]bool{}
	for _, k := range readOutput(t, r.out) {
		if seen[k] {
			t.Errorf("order %d version %d written twice", k.ID, k.DateModified)
		}
		seen[k] = true
		if k.ID == int64(before) {
			t.Errorf("order %d, archived before the first run, written", before)
		}
	}
}

// TestReportedDeletionsTombstonedOnce: deletions a webhook receiver
// recorded become one tombstone each in every destination's next run and
// never again, whether the stream otherwise sees no deletions (products,
// customers), finds the same one itself (an archived order, a category gone
// from the whole read) or is read for the first time.
func TestReportedDeletionsTombstonedOnce(t *testing.T) {
	t.Parallel()
	clock := &mutableClock{}
	clock.set(time.Date(2026, 2, 1, 12, 0, 0, 0, time.UTC))
	r := newRig(t, sandbox.Options{Seed: 9, Orders: 30, Products: 8, Customers: 6, Now: clock.now})
	dir := t.TempDir()
	streams := []string{"orders", "products", "customers", "categories"}
	out := func(s string) string { return filepath.Join(dir, s+".jsonl") }
	runAll := func(want map[string]int) {
		t.Helper()
		for _, s := range streams {
			r.out = out(s)
			res, err := r.run(t, s, 0, nil)
			if err != nil {
				t.Fatalf("%s: %v", s, err)
			}
			if want != nil && res.Records != want[s] {
				t.Errorf("%s: %d records, want %d", s, res.Records, want[s])
			}
		}
	}
	runAll(nil)

	var products, customers, categories []struct {
		ID         int64 `json:"id"`
		CategoryID int64 `json:"category_id"`
	}
	json.Unmarshal(envData(r.do(t, "GET", "/v3/catalog/products", nil, nil)), &products)
	json.Unmarshal(envData(r.do(t, "GET", "/v3/customers", nil, nil)), &customers)
	json.Unmarshal(envData(r.do(t, "GET", "/v3/catalog/trees/categories", nil, nil)), &categories)
	order := int64(liveOrderIDs(t, r)[2])
	leaf := categories[len(categories)-1].CategoryID // the last made: no child category
	clock.add(time.Minute)
	at := clock.now()
	r.do(t, "DELETE", fmt.Sprintf("/v3/catalog/products/%d", products[0].ID), nil, nil)
	r.do(t, "DELETE", "/v3/customers", url.Values{"id:in": {fmt.Sprint(customers[0].ID)}}, nil)
	r.do(t, "DELETE", "/v3/catalog/trees/categories", url.Values{"category_id:in": {fmt.Sprint(leaf)}}, nil)
	r.do(t, "DELETE", fmt.Sprintf("/v2/orders/%d", order), nil, nil)
	reported := map[string]int64{"products": products[0].ID, "customers": customers[0].ID, "categories": leaf, "orders": order}
	var dels []state.Deletion
	for s, id := range reported {
		dels = append(dels, state.Deletion{Connection: "sandbox", Stream: s, ID: id, At: at, Scope: "store/" + s + "/deleted"})
	}
	if _, err := r.db.RecordDeletions(t.Context(), dels); err != nil {
		t.Fatal(err)
	}
	clock.add(time.Minute)

	runAll(map[string]int{"orders": 1, "products": 1, "customers": 1, "categories": 1})
	clock.add(time.Minute)
	runAll(map[string]int{})
	for s, id := range reported {
		lines := decodeLines(t, out(s))
		validateRecords(t, lines)
		tombs := tombstonesIn(t, out(s))
		if len(tombs) != 1 || len(tombs[id]) != 1 {
			t.Errorf("%s tombstones %+v, want one for %d", s, tombs, id)
		}
		if s == "products" || s == "customers" {
			if got, want := tombs[id][0].DateModified, at.Add(time.Second).Format(time.RFC3339); got != want {
				t.Errorf("%s tombstone date_modified %s, want %s (a second after the report)", s, got, want)
			}
		}
	}

	// Another destination's first run gets the tombstone too, once.
	r.out = filepath.Join(dir, "products-again.jsonl")
	for range 2 {
		if _, err := r.run(t, "products", 0, nil); err != nil {
			t.Fatal(err)
		}
		clock.add(time.Minute)
	}
	if tombs := tombstonesIn(t, r.out); len(tombs) != 1 || len(tombs[products[0].ID]) != 1 {
		t.Errorf("second destination's tombstones %+v, want one for %d", tombs, products[0].ID)
	}
}

// TestPreviewTombstonesFollowItsWindow: a preview (no checkpoint) gets the
// tombstones of the deletions reported in its window, not earlier ones, and
// marks nothing: a later run into a real output still gets them.
func TestPreviewTombstonesFollowItsWindow(t *testing.T) {
	t.Parallel()
	clock := &mutableClock{}
	t0 := time.Date(2026, 2, 1, 12, 0, 0, 0, time.UTC)
	clock.set(t0)
	r := newRig(t, sandbox.Options{Seed: 10, Products: 5, Now: clock.now})
	clock.add(time.Hour)
	if _, err := r.db.RecordDeletions(t.Context(), []state.Deletion{
		{Connection: "sandbox", Stream: "products", ID: 901, At: t0.Add(10 * time.Minute), Scope: "store/product/deleted"},
		{Connection: "sandbox", Stream: "products", ID: 902, At: t0.Add(50 * time.Minute), Scope: "store/product/deleted"},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.run(t, "products", 0, func(j *Job) { j.Since, j.Preview = t0.Add(30*time.Minute), true }); err != nil {
		t.Fatal(err)
	}
	if tombs := tombstonesIn(t, r.out); len(tombs) != 1 || len(tombs[902]) != 1 {
		t.Errorf("preview since t0+30m: tombstones %+v, want one for 902", tombs)
	}
	r.out = filepath.Join(t.TempDir(), "real.jsonl")
	if _, err := r.run(t, "products", 0, nil); err != nil {
		t.Fatal(err)
	}
	if tombs := tombstonesIn(t, r.out); len(tombs) != 2 {
		t.Errorf("a real output after the preview: tombstones %+v, want 901 and 902", tombs)
	}
}
