package sandbox

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var rateHeaders = []string{"X-Rate-Limit-Time-Window-Ms", "X-Rate-Limit-Time-Reset-Ms", "X-Rate-Limit-Requests-Quota", "X-Rate-Limit-Requests-Left"}

func TestRateLimitHeadersAndQuota(t *testing.T) {
	t.Parallel()
	clock := newFakeClock(anchor)
	c := newClient(t, Options{Orders: 2, Products: 1, Customers: 1, Quota: 3, Window: time.Minute, Now: clock.Now})
	for i := range 3 {
		r := c.get("/v2/time")
		if r.status != 200 {
			t.Fatalf("request %d = %d", i, r.status)
		}
		for _, h := range rateHeaders {
			if r.header.Get(h) == "" {
				t.Errorf("request %d lacks %s", i, h)
			}
		}
		if left := r.header.Get("X-Rate-Limit-Requests-Left"); left != string(rune('2'-i)) {
			t.Errorf("request %d: left = %s", i, left)
		}
	}
	clock.Advance(20 * time.Second)
	r := c.get("/v2/time")
	if r.status != 429 {
		t.Fatalf("4th request = %d, want 429", r.status)
	}
	if r.header.Get("X-Retry-After") != "40" || r.header.Get("X-Rate-Limit-Time-Reset-Ms") != "40000" || r.header.Get("X-Rate-Limit-Requests-Quota") != "3" {
		t.Errorf("429 headers = %v", r.header)
	}
	if ro := c.readOnly().get("/v3/catalog/products"); ro.status != 429 {
		t.Errorf("the quota belongs to the store, not the token: %d", ro.status)
	}
	if op := c.raw("GET", c.srv.URL+"/_sandbox/stats", nil); op.status != 200 {
		t.Errorf("operator endpoints bypass the quota: %d", op.status)
	}
	clock.Advance(41 * time.Second)
	if r := c.get("/v2/time"); r.status != 200 {
		t.Errorf("after the window = %d", r.status)
	}
	if st := c.srv.Store.Stats(); st.RateLimited != 2 || st.ByStatus["429"] != 2 {
		t.Errorf("stats = %+v", st)
	}
}

func TestNoQuotaStillSendsHeaders(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Orders: 1, Products: 1, Customers: 1})
	r := c.get("/v3/catalog/products")
	for _, h := range rateHeaders {
		if r.header.Get(h) == "" {
			t.Errorf("missing %s", h)
		}
	}
}

func TestParseFaults(t *testing.T) {
	t.Parallel()
	good := []struct {
		spec string
		want Faults
	}{
		{"", Faults{}},
		{"500=0.05,503=0.05,reset=0.02,truncate=0.01,latency=50ms,commit-then-drop=0.05,duplicate-delivery=0.2,429-noheaders=0.05",
			Faults{ServerErrors: map[int]float64{500: 0.05, 503: 0.05}, Reset: 0.02, Truncate: 0.01, Latency: 50 * time.Millisecond,
				CommitThenDrop: 0.05, DuplicateDelivery: 0.2, RateLimitNoHeader: 0.05}},
		{" 502 = 1 ", Faults{ServerErrors: map[int]float64{502: 1}}},
	}
	for _, tc := range good {
		got, err := ParseFaults(tc.spec)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseFaults(%q) = %+v, %v", tc.spec, got, err)
		}
		again, err := ParseFaults(got.String())
		if err != nil || !reflect.DeepEqual(again, got) {
			t.Errorf("String() does not round-trip: %q -> %+v", got.String(), again)
		}
	}
	for _, spec := range []string{"500", "404=0.1", "reset=2", "reset=-1", "latency=fast", "explode=0.1", "500=x"} {
		if _, err := ParseFaults(spec); err == nil {
			t.Errorf("ParseFaults(%q) accepted", spec)
		}
	}
}

func FuzzParseFaults(f *testing.F) {
	f.Add("500=0.05,reset=0.02,latency=50ms")
	f.Add("duplicate-delivery=1")
	f.Fuzz(func(t *testing.T, spec string) {
		got, err := ParseFaults(spec)
		if err != nil {
			return
		}
		again, err := ParseFaults(got.String())
		if err != nil || !reflect.DeepEqual(again, got) {
			t.Fatalf("%q -> %q does not round-trip: %v", spec, got.String(), err)
		}
	})
}

func TestServerErrorFaults(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Orders: 1, Products: 1, Customers: 1, Faults: Faults{ServerErrors: map[int]float64{503: 1}}})
	r := c.get("/v3/catalog/products")
	if r.status != 503 || !json.Valid(r.body) {
		t.Errorf("503 fault = %d %s", r.status, r.body)
	}
	c.srv.Store.SetFaults(Faults{ServerErrors: map[int]float64{502: 1}})
	if r := c.get("/v2/orders"); r.status != 502 || !strings.Contains(string(r.body), "<html>") {
		t.Errorf("502 fault = %d %s, want a gateway HTML page", r.status, r.body)
	}
	c.srv.Store.SetFaults(Faults{RateLimitNoHeader: 1})
	r = c.get("/v2/orders")
	if r.status != 429 {
		t.Fatalf("429-noheaders = %d", r.status)
	}
	for _, h := range append(rateHeaders, "X-Retry-After") {
		if r.header.Get(h) != "" {
			t.Errorf("429 under load carries %s", h)
		}
	}
}

// TestFaultsCountUnderTheirRoute checks that /_sandbox/stats files an
// injected fault under its route's path, not under "unmatched".
func TestFaultsCountUnderTheirRoute(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Orders: 1, Products: 1, Customers: 1, Faults: Faults{ServerErrors: map[int]float64{500: 1}}})
	c.get("/v2/orders/100")
	c.get("/v3/catalog/products")
	c.get("/v2/nowhere")
	st := c.srv.Store.Stats()
	want := map[string]int{"/v2/orders/{id}": 1, "/v3/catalog/products": 1, "unmatched": 1}
	if diff := cmp.Diff(want, st.ByPath); diff != "" || st.ByStatus["500"] != 3 {
		t.Errorf("by_path (-want +got):\n%s\nby_status = %v", diff, st.ByStatus)
	}
}

// rawGet sends one request and returns the transport's error, if any,
// while reading the body.
func rawGet(c *client, method, path, body string) (int, []byte, error) {
	req, _ := http.NewRequest(method, c.srv.URL+"/stores/"+c.srv.StoreHash+path, strings.NewReader(body))
	req.Header.Set("X-Auth-Token", c.token)
	resp, err := (&http.Client{Transport: &http.Transport{}}).Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

func TestConnectionFaults(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Orders: 3, Products: 3, Customers: 1, Faults: Faults{Reset: 1}})
	if _, _, err := rawGet(c, "GET", "/v3/catalog/products", ""); err == nil {
		t.Error("reset fault: the body arrived whole")
	} else if !errors.Is(err, io.ErrUnexpectedEOF) && !strings.Contains(err.Error(), "EOF") && !strings.Contains(err.Error(), "reset") {
		t.Errorf("reset fault error = %v", err)
	}
	c.srv.Store.SetFaults(Faults{Truncate: 1})
	status, body, err := rawGet(c, "GET", "/v3/catalog/products", "")
	if err != nil || status != 200 || json.Valid(body) || len(body) == 0 {
		t.Errorf("truncate fault = %d, %d bytes, valid JSON %v, err %v", status, len(body), json.Valid(body), err)
	}
	c.srv.Store.SetFaults(Faults{CommitThenDrop: 1})
	before := c.srv.Store.Counts().Orders
	order := `{"billing_address":{"first_name":"A","email":"a@example.com"},"products":[{"name":"Thing","quantity":1,"price_ex_tax":"1.00"}]}`
	if _, _, err := rawGet(c, "POST", "/v2/orders", order); err == nil {
		t.Error("commit-then-drop: an answer arrived")
	}
	if after := c.srv.Store.Counts().Orders; after != before+1 {
		t.Errorf("commit-then-drop: orders %d -> %d, want the write applied", before, after)
	}
	if status, _, err := rawGet(c, "GET", "/v2/time", ""); err != nil || status != 200 {
		t.Errorf("commit-then-drop spares reads: %d %v", status, err)
	}
	if st := c.srv.Store.Stats(); st.ConnectionsDropped != 3 {
		t.Errorf("connections dropped = %d, want 3", st.ConnectionsDropped)
	}
}

func TestFaultsAreReproducible(t *testing.T) {
	t.Parallel()
	run := func() []int {
		f, _ := ParseFaults("500=0.2,503=0.2,429-noheaders=0.1")
		c := newClient(t, Options{Seed: 9, Orders: 1, Products: 1, Customers: 1, Faults: f})
		var got []int
		for range 40 {
			got = append(got, c.get("/v2/time").status)
		}
		return got
	}
	a, b := run(), run()
	if !reflect.DeepEqual(a, b) {
		t.Errorf("same seed, different faults:\n%v\n%v", a, b)
	}
	seen := map[int]bool{}
	for _, s := range a {
		seen[s] = true
	}
	if !seen[200] || !seen[500] || !seen[503] || !seen[429] {
		t.Errorf("statuses %v: want a mix of 200, 500, 503, 429", a)
	}
}

func TestLatency(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Orders: 1, Products: 1, Customers: 1, Latency: 30 * time.Millisecond})
	start := time.Now()
	c.get("/v2/time")
	if time.Since(start) < 30*time.Millisecond {
		t.Error("the latency was not added")
	}
	c.get("/v2/orders")
	c.do("POST", "/v3/customers", []map[string]any{{"email": "latency@example.com", "first_name": "L", "last_name": "T"}})
	// Every answer, read or write, held its slot at the store for the
	// latency at least, and the stats say so.
	st := c.srv.Store.Stats()
	if st.Requests != 3 || st.AnswerSeconds < 3*0.030 {
		t.Errorf("stats: %d requests answered in %.3f s in all, want 3 in 0.090 s or more", st.Requests, st.AnswerSeconds)
	}
}

// TestReadGivenUpDuringLatency: a read is worked out when it arrives and
// answered once its latency is over; a client that gives up meanwhile gets
// nothing, and the store counts the request as 499.
func TestReadGivenUpDuringLatency(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Orders: 3, Products: -1, Customers: -1, Latency: 10 * time.Second})
	req, err := http.NewRequest("GET", c.srv.URL+"/stores/"+c.srv.StoreHash+"/v2/orders", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Auth-Token", c.token)
	if _, err := (&http.Client{Timeout: 50 * time.Millisecond}).Do(req); err == nil {
		t.Fatal("the read answered before its latency")
	}
	deadline := time.Now().Add(5 * time.Second)
	for c.srv.Store.Stats().ByStatus["499"] == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("stats %+v: the read given up was not counted as 499", c.srv.Store.Stats().ByStatus)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
