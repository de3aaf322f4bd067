package sandbox

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestHooksCRUD(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Orders: 1, Products: 1, Customers: 1})
	e := must[v3Err](t, c.do("POST", "/v3/hooks", obj{"scope": "store/order/created"}), 422)
	if e.Errors["destination"] == "" {
		t.Errorf("missing destination = %+v", e)
	}
	for _, dest := range []string{"http://example.com/hook", "https://example.com:8443/hook", "not a url"} {
		if r := c.do("POST", "/v3/hooks", obj{"scope": "store/order/created", "destination": dest}); r.status != 422 {
			t.Errorf("destination %q = %d, want 422", dest, r.status)
		}
	}
	h := must[envelope[obj]](t, c.do("POST", "/v3/hooks", obj{"scope": "store/order/created", "destination": "https://example.com/hook",
		"headers": obj{"X-Secret": "s3"}}), 200).Data
	if h["is_active"] != true || h["store_hash"] != c.srv.StoreHash || h["headers"].(obj)["X-Secret"] != "s3" {
		t.Errorf("hook = %v", h)
	}
	if _, ok := h["created_at"].(float64); !ok {
		t.Errorf("created_at = %v, want Unix seconds", h["created_at"])
	}
	dup := must[v3Err](t, c.do("POST", "/v3/hooks", obj{"scope": "store/order/created", "destination": "https://example.com/hook"}), 422)
	if !containsAll(dup.Title, "already exists") {
		t.Errorf("same scope and destination = %+v", dup)
	}
	must[envelope[obj]](t, c.do("POST", "/v3/hooks", obj{"scope": "store/product/*", "destination": "http://127.0.0.1:9/x"}), 200)
	if got := must[envelope[[]obj]](t, c.get("/v3/hooks?scope=store/product/*"), 200).Data; len(got) != 1 {
		t.Errorf("scope filter = %v", got)
	}
	path := fmt.Sprintf("/v3/hooks/%d", num(h["id"]))
	if r := c.do("PUT", path, obj{}); r.status != 422 {
		t.Errorf("empty PUT = %d, want 422", r.status)
	}
	if got := must[envelope[obj]](t, c.do("PUT", path, obj{"is_active": false}), 200).Data; got["is_active"] != false {
		t.Errorf("deactivate = %v", got)
	}
	del := must[envelope[obj]](t, c.do("DELETE", path, nil), 200).Data
	if num(del["id"]) != num(h["id"]) {
		t.Errorf("DELETE answers the deleted hook: %v", del)
	}
	if r := c.get(path); r.status != 404 {
		t.Errorf("deleted hook = %d", r.status)
	}
}

// receiver records webhook callbacks; fail makes it answer 500.
type receiver struct {
	mu   sync.Mutex
	got  []received
	fail atomic.Bool
	srv  *httptest.Server
	ch   chan received
}

type received struct {
	header http.Header
	body   payload
	raw    []byte
}

func newReceiver(t *testing.T) *receiver {
	rc := &receiver{ch: make(chan received, 100)}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var p payload
		json.Unmarshal(b, &p)
		rec := received{r.Header.Clone(), p, b}
		rc.mu.Lock()
		rc.got = append(rc.got, rec)
		rc.mu.Unlock()
		if rc.fail.Load() {
			w.WriteHeader(500)
		}
		rc.ch <- rec
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) next(t *testing.T) received {
	t.Helper()
	select {
	case r := <-rc.ch:
		return r
	case <-time.After(10 * time.Second):
		t.Fatal("no webhook delivery arrived")
	}
	return received{}
}

func TestWebhookDeliveryPayload(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Orders: 3, Products: 3, Customers: 2})
	rc := newReceiver(t)
	must[envelope[obj]](t, c.do("POST", "/v3/hooks", obj{"scope": "store/order/*", "destination": rc.srv.URL + "/orders",
		"headers": obj{"X-Bigc-Secret": "abc"}}), 200)
	must[orderJSON](t, c.do("PUT", "/v2/orders/101", obj{"status_id": 9}), 200)
	seen := map[string]received{}
	for range 2 {
		r := rc.next(t)
		seen[r.body.Scope] = r
	}
	upd, ok := seen["store/order/updated"]
	if !ok {
		t.Fatalf("scopes delivered: %v", seen)
	}
	p := upd.body
	if p.StoreID != fmt.Sprint(c.srv.Store.storeID()) || p.Producer != "stores/"+c.srv.StoreHash || p.CreatedAt == 0 {
		t.Errorf("payload = %s", upd.raw)
	}
	var raw map[string]json.RawMessage
	json.Unmarshal(upd.raw, &raw)
	if string(raw["store_id"][0]) != `"` {
		t.Errorf("store_id must be a JSON string: %s", raw["store_id"])
	}
	sum := sha1.Sum(p.Data)
	if p.Hash != hex.EncodeToString(sum[:]) {
		t.Errorf("hash %s is not the SHA-1 of the data %s", p.Hash, p.Data)
	}
	var data struct {
		Type   string `json:"type"`
		ID     int    `json:"id"`
		Status *struct {
			Previous int `json:"previous_status_id"`
			New      int `json:"new_status_id"`
		} `json:"status"`
	}
	json.Unmarshal(p.Data, &data)
	if data.Type != "order" || data.ID != 101 {
		t.Errorf("data = %s", p.Data)
	}
	if upd.header.Get("X-Bigc-Secret") != "abc" || upd.header.Get("Content-Type") != "application/json" {
		t.Errorf("headers = %v", upd.header)
	}
	st, ok := seen["store/order/statusUpdated"]
	if !ok {
		t.Fatal("no statusUpdated delivery")
	}
	json.Unmarshal(st.body.Data, &data)
	if data.Status == nil || data.Status.New != 9 {
		t.Errorf("statusUpdated data = %s", st.body.Data)
	}
	// A product event does not match store/order/*.
	must[envelope[productJSON]](t, c.do("PUT", fmt.Sprintf("/v3/catalog/products/%d", c.srv.Store.ProductIDs()[0]), obj{"is_featured": true}), 200)
	c.do("DELETE", "/v2/orders/102", nil)
	if r := rc.next(t); r.body.Scope != "store/order/archived" {
		t.Errorf("next delivery = %s, want store/order/archived", r.body.Scope)
	}
}

func TestWebhookEventsForProductsAndCustomers(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Orders: 1, Products: 3, Customers: 2})
	rc := newReceiver(t)
	for _, scope := range []string{"store/product/created", "store/product/deleted", "store/product/inventory/updated", "store/customer/*"} {
		must[envelope[obj]](t, c.do("POST", "/v3/hooks", obj{"scope": scope, "destination": rc.srv.URL}), 200)
	}
	p := must[envelope[productJSON]](t, c.do("POST", "/v3/catalog/products", obj{"name": "Hooked", "type": "physical", "weight": 1, "price": 1, "inventory_tracking": "product"}), 200).Data
	if r := rc.next(t); r.body.Scope != "store/product/created" {
		t.Errorf("got %s", r.body.Scope)
	}
	must[envelope[productJSON]](t, c.do("PUT", fmt.Sprintf("/v3/catalog/products/%d", p.ID), obj{"inventory_level": 9}), 200)
	inv := rc.next(t)
	if inv.body.Scope != "store/product/inventory/updated" || !containsAll(string(inv.body.Data), `"inventory"`, `"value":9`) {
		t.Errorf("inventory event = %s %s", inv.body.Scope, inv.body.Data)
	}
	c.do("DELETE", fmt.Sprintf("/v3/catalog/products/%d", p.ID), nil)
	if r := rc.next(t); r.body.Scope != "store/product/deleted" {
		t.Errorf("got %s", r.body.Scope)
	}
	must[envelope[[]customerJSON]](t, c.do("POST", "/v3/customers", []obj{{"email": "h@example.com", "first_name": "H", "last_name": "K"}}), 200)
	if r := rc.next(t); r.body.Scope != "store/customer/created" {
		t.Errorf("got %s", r.body.Scope)
	}
}

func TestWebhookRetriesThenDeactivates(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Orders: 2, Products: 2, Customers: 1, WebhookRetryScale: 1e-6})
	rc := newReceiver(t)
	rc.fail.Store(true)
	h := must[envelope[obj]](t, c.do("POST", "/v3/hooks", obj{"scope": "store/order/created", "destination": rc.srv.URL}), 200).Data
	if _, err := c.srv.Store.CreateOrder(nil); err != nil {
		t.Fatal(err)
	}
	for range 1 + len(retrySchedule) {
		rc.next(t)
	}
	deadline := time.Now().Add(10 * time.Second)
	for c.srv.Store.HookActive(num(h["id"])) {
		if time.Now().After(deadline) {
			t.Fatal("the hook is still active after the last retry")
		}
		time.Sleep(5 * time.Millisecond)
	}
	got := must[envelope[obj]](t, c.get(fmt.Sprintf("/v3/hooks/%d", num(h["id"]))), 200).Data
	if got["is_active"] != false {
		t.Errorf("hook = %v", got)
	}
	st := c.srv.Store.Stats()
	if st.Deliveries != 12 || st.DeliveriesFailed != 12 || st.HooksDeactivated != 1 {
		t.Errorf("stats = %+v", st)
	}
	ds := c.srv.Store.Deliveries()
	if len(ds) != 12 || ds[11].Attempt != 11 || ds[0].Status != 500 {
		t.Errorf("deliveries = %d, last attempt %d", len(ds), ds[len(ds)-1].Attempt)
	}
}

func TestWebhookRetrySucceedsAfterFailure(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Orders: 2, Products: 2, Customers: 1, WebhookRetryScale: 1e-5})
	rc := newReceiver(t)
	rc.fail.Store(true)
	h := must[envelope[obj]](t, c.do("POST", "/v3/hooks", obj{"scope": "store/order/created", "destination": rc.srv.URL}), 200).Data
	c.srv.Store.CreateOrder(nil)
	first := rc.next(t)
	rc.fail.Store(false)
	second := rc.next(t)
	if first.body.Hash != second.body.Hash {
		t.Error("a retry must carry the same payload hash")
	}
	if !c.srv.Store.HookActive(num(h["id"])) {
		t.Error("hook deactivated after a successful retry")
	}
}

func TestDuplicateDeliveryFault(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Orders: 2, Products: 2, Customers: 1, Faults: Faults{DuplicateDelivery: 1}})
	rc := newReceiver(t)
	must[envelope[obj]](t, c.do("POST", "/v3/hooks", obj{"scope": "store/order/created", "destination": rc.srv.URL}), 200)
	c.srv.Store.CreateOrder(nil)
	a, b := rc.next(t), rc.next(t)
	if a.body.Hash != b.body.Hash || a.body.Scope != "store/order/created" {
		t.Errorf("duplicate delivery differs: %s / %s", a.raw, b.raw)
	}
}

// TestDeliveriesAreSignedAsStandardWebhooks checks every attempt against a
// verification written from the Standard Webhooks spec, keyed as
// BigCommerce's HTTPS webhooks page keys it: the client secret (its samples
// hand the libraries base64(secret), which they decode back to these bytes).
func TestDeliveriesAreSignedAsStandardWebhooks(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Orders: 2, Products: 2, Customers: 1, WebhookRetryScale: 1e-5})
	rc := newReceiver(t)
	rc.fail.Store(true)
	must[envelope[obj]](t, c.do("POST", "/v3/hooks", obj{"scope": "store/order/created", "destination": rc.srv.URL}), 200)
	before := time.Now().Unix()
	c.srv.Store.CreateOrder(nil)
	first := rc.next(t)
	rc.fail.Store(false)
	retry := rc.next(t)
	key, _ := base64.StdEncoding.DecodeString(base64.StdEncoding.EncodeToString([]byte(c.srv.ClientSecret)))
	for _, r := range []received{first, retry} {
		id, ts, sig := r.header.Get("webhook-id"), r.header.Get("webhook-timestamp"), r.header.Get("webhook-signature")
		n, err := strconv.ParseInt(ts, 10, 64)
		if id == "" || err != nil || n < before || n > time.Now().Unix() {
			t.Fatalf("webhook-id %q, webhook-timestamp %q (want Unix seconds of the attempt)", id, ts)
		}
		mac := hmac.New(sha256.New, key)
		fmt.Fprintf(mac, "%s.%s.%s", id, ts, r.raw)
		if want := "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil)); sig != want {
			t.Errorf("webhook-signature %q, want %q", sig, want)
		}
	}
	if first.header.Get("webhook-id") != retry.header.Get("webhook-id") {
		t.Error("a retry must keep the message's webhook-id")
	}
	if c.srv.ClientSecret == "" || c.srv.ClientSecret == c.srv.Tokens.Full {
		t.Errorf("client secret %q must be its own value", c.srv.ClientSecret)
	}
}
