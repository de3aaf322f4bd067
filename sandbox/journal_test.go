package sandbox

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestStateDirKeepsTheStoreAcrossRestarts: writes through the API and the
// operator endpoints, made before a restart on the same state directory,
// are all there after it, with the same ids and dates, and new records
// carry on from the ids the first process reached.
func TestStateDirKeepsTheStoreAcrossRestarts(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	clock := newFakeClock(anchor.Add(48 * time.Hour))
	opts := Options{Seed: 5, Products: 5, Customers: 3, Orders: 5, StateDir: dir, Now: clock.Now}
	first := &client{t: t, srv: startOn(t, opts)}
	first.token = first.srv.Tokens.Full
	p := must[envelope[productJSON]](t, first.do("POST", "/v3/catalog/products", obj{"name": "Kept", "type": "physical", "weight": 1, "price": 2, "sku": "KEPT"}), 200).Data
	clock.Advance(time.Minute)
	must[envelope[productJSON]](t, first.do("PUT", fmt.Sprintf("/v3/catalog/products/%d", p.ID), obj{"price": 9}), 200)
	must[orderJSON](t, first.do("PUT", "/v2/orders/101", obj{"status_id": 10}), 200)
	mf := must[envelope[obj]](t, first.do("POST", "/v3/orders/101/metafields", obj{"namespace": "n", "key": "k", "value": "v", "permission_set": "app_only"}), 200).Data
	must[envelope[obj]](t, first.do("POST", "/v3/hooks", obj{"scope": "store/order/*", "destination": "https://example.com/h"}), 200)
	op := must[orderJSON](t, first.raw("POST", first.srv.URL+"/_sandbox/orders", obj{"status_id": 11}), 200)
	first.do("POST", "/v3/catalog/products", obj{"name": "Refused"}) // 422: not kept, changes nothing
	before := first.get(fmt.Sprintf("/v3/catalog/products/%d", p.ID)).body
	orderBefore := first.get("/v2/orders/101").body
	if err := first.srv.Close(); err != nil {
		t.Fatal(err)
	}

	clock.Advance(time.Hour)
	second := &client{t: t, srv: startOn(t, opts)}
	second.token = second.srv.Tokens.Full
	if got := second.get(fmt.Sprintf("/v3/catalog/products/%d", p.ID)).body; string(got) != string(before) {
		t.Errorf("product after restart:\n%s\nbefore:\n%s", got, before)
	}
	// The order's sub-resource links name the new process's address.
	if got := strings.ReplaceAll(string(second.get("/v2/orders/101").body), second.srv.URL, first.srv.URL); got != string(orderBefore) {
		t.Errorf("order after restart:\n%s\nbefore:\n%s", got, orderBefore)
	}
	if got := must[orderJSON](t, second.get(fmt.Sprintf("/v2/orders/%d", op.ID)), 200); got.StatusID != 11 {
		t.Errorf("operator-made order after restart = %+v", got)
	}
	if got := must[envelope[obj]](t, second.get(fmt.Sprintf("/v3/orders/101/metafields/%d", num(mf["id"]))), 200).Data; got["value"] != "v" {
		t.Errorf("metafield after restart = %v", got)
	}
	if hooks := must[envelope[[]obj]](t, second.get("/v3/hooks"), 200).Data; len(hooks) != 1 {
		t.Errorf("hooks after restart = %v", hooks)
	}
	next := must[envelope[productJSON]](t, second.do("POST", "/v3/catalog/products", obj{"name": "Next", "type": "physical", "weight": 1, "price": 2}), 200).Data
	if next.ID != p.ID+1 {
		t.Errorf("the next product's id = %d, want %d", next.ID, p.ID+1)
	}
	if r := second.do("POST", "/v3/catalog/products", obj{"name": "Thief", "type": "physical", "weight": 1, "price": 2, "sku": "KEPT"}); r.status != 409 {
		t.Errorf("the kept SKU is still taken: %d", r.status)
	}
	second.srv.Close()

	// Another seed on the same directory is refused, naming what differs.
	other := opts
	other.Seed = 6
	if _, err := New(other); err == nil || !strings.Contains(err.Error(), "seed 5") {
		t.Errorf("another seed on the directory: %v", err)
	}
	// A last line cut short (the process died writing it) is dropped.
	f, _ := os.OpenFile(filepath.Join(dir, journalFile), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"at":1,"kind":"api","meth`)
	f.Close()
	third, err := New(opts)
	if err != nil {
		t.Fatalf("a journal with a torn last line: %v", err)
	}
	third.Close()
	if b, _ := os.ReadFile(filepath.Join(dir, journalFile)); strings.Contains(string(b), `"meth{`) || !strings.HasSuffix(string(b), "}\n") {
		t.Errorf("the torn line was not dropped before appending:\n%s", b)
	}
	if fi, _ := os.Stat(filepath.Join(dir, journalFile)); fi.Mode().Perm() != 0o600 {
		t.Errorf("journal mode %v, want 0600", fi.Mode().Perm())
	}
}

// startOn starts a server for opts; the test closes it.
func startOn(t *testing.T, opts Options) *Server {
	t.Helper()
	s, err := Start("", opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
