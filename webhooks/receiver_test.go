package webhooks

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bigc-dev/bigc/state"
	"github.com/bigc-dev/bigc/state/statetest"
)

const testStore = "abc123"

func newTestReceiver(t testing.TB, db *state.DB, secret Secret, now func() time.Time) *Receiver {
	t.Helper()
	r, err := NewReceiver(ReceiverConfig{
		Connection: "test",
		StoreHash:  testStore,
		StoreID:    "1",
		Secrets:    func() ([]Secret, error) { return []Secret{"whsec_other", secret}, nil },
		Inbox:      db,
		Now:        now,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func event(scope string, id int64, created int64) []byte {
	return fmt.Appendf(nil, `{"scope":%q,"store_id":"1","data":{"type":"order","id":%d},"hash":"%x","created_at":%d,"producer":"stores/%s"}`,
		scope, id, id*7919, created, testStore)
}

func TestReceiverRefusesForgedCallbacks(t *testing.T) {
	t.Parallel()
	secret, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1_700_000_000, 0)
	db := statetest.Open(t)
	srv := httptest.NewServer(newTestReceiver(t, db, secret, func() time.Time { return now }))
	t.Cleanup(srv.Close)
	// signedSrv is the same receiver given the client secret that signs.
	appSecret := []byte("the API account's client secret")
	signing, err := NewReceiver(ReceiverConfig{Connection: "test", StoreHash: testStore, StoreID: "1", SigningKey: appSecret,
		Secrets: func() ([]Secret, error) { return []Secret{secret}, nil }, Inbox: db, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { signing.Close() })
	signedSrv := httptest.NewServer(signing)
	t.Cleanup(signedSrv.Close)

	good := event("store/order/created", 1, now.Unix())
	signed := func(ts int64, body []byte, key []byte) http.Header {
		h := http.Header{}
		h.Set(SecretHeader, string(secret))
		h.Set(HeaderWebhookID, "msg_1")
		h.Set(HeaderWebhookTimestamp, strconv.FormatInt(ts, 10))
		h.Set(HeaderWebhookSignature, Sign(key, "msg_1", ts, body))
		return h
	}
	withSecret := func(s string) http.Header {
		h := http.Header{}
		if s != "" {
			h.Set(SecretHeader, s)
		}
		return h
	}
	huge := append(append([]byte(`{"scope":"store/order/created","pad":"`), bytes.Repeat([]byte("x"), MaxBodyBytes)...), `"}`...)
	tests := []struct {
		name    string
		method  string
		header  http.Header
		body    []byte
		chunked bool // hide the length so the limit is hit while reading
		signing bool // sent to the receiver that has a signing key
		want    int
	}{
		{name: "no secret", header: withSecret(""), body: good, want: 401},
		{name: "wrong secret", header: withSecret(string(secret) + "x"), body: good, want: 401},
		{name: "secret of another length", header: withSecret("whsec_"), body: good, want: 401},
		{name: "unsigned, to a receiver with a signing key", header: withSecret(string(secret)), body: good, signing: true, want: 401},
		{name: "wrong signature", header: signed(now.Unix(), good, []byte("not the key")), body: good, signing: true, want: 401},
		{name: "signed with the hook's secret, not the client secret", header: signed(now.Unix(), good, secret.Key()), body: good, signing: true, want: 401},
		{name: "signature of another body", header: signed(now.Unix(), event("store/order/created", 2, now.Unix()), appSecret), body: good, signing: true, want: 401},
		{name: "replayed old timestamp", header: signed(now.Unix()-6*60, good, appSecret), body: good, signing: true, want: 401},
		{name: "signature without timestamp", header: func() http.Header {
			h := signed(now.Unix(), good, appSecret)
			h.Del(HeaderWebhookTimestamp)
			return h
		}(), body: good, signing: true, want: 401},
		{name: "oversized body", header: withSecret(string(secret)), body: huge, want: 413},
		{name: "oversized chunked body", header: withSecret(string(secret)), body: huge, chunked: true, want: 413},
		{name: "malformed JSON", header: withSecret(string(secret)), body: []byte(`{"scope":`), want: 400},
		{name: "not an event", header: withSecret(string(secret)), body: []byte(`{"hello":"world"}`), want: 400},
		{name: "another store", header: withSecret(string(secret)), body: bytes.Replace(good, []byte("stores/"+testStore), []byte("stores/zzz999"), 1), want: 403},
		{name: "another store_id", header: withSecret(string(secret)), body: bytes.Replace(good, []byte(`"store_id":"1"`), []byte(`"store_id":"2"`), 1), want: 403},
		{name: "GET", method: http.MethodGet, header: withSecret(string(secret)), want: 405},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := tt.method
			if method == "" {
				method = http.MethodPost
			}
			var body = bytes.NewReader(tt.body)
			url := srv.URL
			if tt.signing {
				url = signedSrv.URL
			}
			req, err := http.NewRequest(method, url+"/hooks", body)
			if err != nil {
				t.Fatal(err)
			}
			if tt.chunked {
				req.ContentLength = -1
				req.Body = io.NopCloser(io.MultiReader(body))
			}
			req.Header = tt.header
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var msg bytes.Buffer
			msg.ReadFrom(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Errorf("status %d, want %d (%s)", resp.StatusCode, tt.want, msg.String())
			}
			if strings.Contains(msg.String(), string(secret)) {
				t.Error("the answer contains the secret")
			}
		})
	}
	counts, err := db.InboxCounts(context.Background(), "test")
	if err != nil {
		t.Fatal(err)
	}
	if len(counts) != 0 {
		t.Errorf("refused callbacks left %v in the inbox", counts)
	}

	// The same callback, authentic, is accepted: the refusals were for the forgeries.
	for i, h := range []http.Header{withSecret(string(secret)), signed(now.Unix()-4*60, good, appSecret)} {
		url := srv.URL
		if i == 1 {
			url = signedSrv.URL
		}
		req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(good))
		req.Header = h
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("authentic callback: status %d", resp.StatusCode)
		}
	}
	counts, _ = db.InboxCounts(context.Background(), "test")
	if counts[state.InboxPending] != 1 {
		t.Errorf("inbox after one event sent twice: %v, want 1 pending", counts)
	}
}

func TestReceiverDeduplicatesConcurrentDeliveries(t *testing.T) {
	t.Parallel()
	secret, _ := NewSecret()
	db := statetest.Open(t)
	rcv := newTestReceiver(t, db, secret, time.Now)
	srv := httptest.NewServer(rcv)
	t.Cleanup(srv.Close)

	// 20 distinct events, each delivered 5 times at once.
	var wg sync.WaitGroup
	var mu sync.Mutex
	dups := 0
	for id := int64(1); id <= 20; id++ {
		for range 5 {
			wg.Go(func() {
				req, _ := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(event("store/order/created", id, 1_700_000_000)))
				req.Header.Set(SecretHeader, string(secret))
				resp, err := srv.Client().Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				var b bytes.Buffer
				b.ReadFrom(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					t.Errorf("status %d", resp.StatusCode)
				}
				if strings.Contains(b.String(), "duplicate") {
					mu.Lock()
					dups++
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()
	evs, err := db.InboxList(context.Background(), "test")
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 20 || dups != 80 {
		t.Errorf("inbox holds %d events and %d answers said duplicate; want 20 and 80", len(evs), dups)
	}
	for _, e := range evs {
		if e.Stream != "orders" || e.ResourceID <= 0 || e.Scope != "store/order/created" {
			t.Errorf("stored event %+v lacks its resource", e)
		}
	}
}

func TestReceiverClosedAnswers503(t *testing.T) {
	t.Parallel()
	secret, _ := NewSecret()
	db := statetest.Open(t)
	rcv := newTestReceiver(t, db, secret, time.Now)
	rcv.Close()
	h := http.Header{}
	h.Set(SecretHeader, string(secret))
	status, _, _ := rcv.Accept(context.Background(), h, bytes.NewReader(event("store/order/created", 1, 5)))
	if status != http.StatusServiceUnavailable {
		t.Errorf("status after Close = %d, want 503", status)
	}
}

func TestReceiverSigningKeyOverride(t *testing.T) {
	t.Parallel()
	secret, _ := NewSecret()
	now := time.Unix(1_700_000_000, 0)
	appSecret := []byte("the app's client secret")
	rcv, err := NewReceiver(ReceiverConfig{Connection: "test", StoreHash: testStore, SigningKey: appSecret,
		Secrets: func() ([]Secret, error) { return []Secret{secret}, nil }, Inbox: statetest.Open(t), Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rcv.Close() })
	body := event("store/order/created", 1, now.Unix())
	for _, tt := range []struct {
		key  []byte
		want int
	}{{secret.Key(), 401}, {appSecret, 200}} {
		h := http.Header{}
		h.Set(SecretHeader, string(secret))
		h.Set(HeaderWebhookID, "msg_1")
		h.Set(HeaderWebhookTimestamp, strconv.FormatInt(now.Unix(), 10))
		h.Set(HeaderWebhookSignature, Sign(tt.key, "msg_1", now.Unix(), body))
		if got, _, err := rcv.Accept(context.Background(), h, bytes.NewReader(body)); got != tt.want {
			t.Errorf("signed with %q: %d (%v), want %d", tt.key, got, err, tt.want)
		}
	}
}
