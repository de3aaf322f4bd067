package sandbox

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"
)

// TestRequestCountsPerTokenClientAndWindow: two clients sharing one token
// and a third on the read-only token draw from one quota, and
// /_sandbox/requests tells them apart, window by window.
func TestRequestCountsPerTokenClientAndWindow(t *testing.T) {
	t.Parallel()
	clock := newFakeClock(anchor)
	c := newClient(t, Options{Orders: 1, Products: 1, Customers: 1, Quota: 4, Window: 30 * time.Second, Now: clock.Now})
	send := func(tok, client string) int {
		req, _ := http.NewRequest("GET", c.srv.URL+"/stores/"+c.srv.StoreHash+"/v2/time", nil)
		req.Header.Set("X-Auth-Token", tok)
		req.Header.Set("User-Agent", client)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for range 2 {
		send(c.srv.Tokens.Full, "worker-a")
		send(c.srv.Tokens.Full, "worker-b")
	}
	if got := send(c.srv.Tokens.ReadOnly, "reader"); got != 429 {
		t.Fatalf("the fifth request of the window = %d, want 429 (one quota for every token)", got)
	}
	clock.Advance(31 * time.Second)
	send(c.srv.Tokens.Full, "worker-a")
	send("not a token", "forger") // refused before the quota: not counted

	r := c.raw("GET", c.srv.URL+"/_sandbox/requests", nil)
	var got RequestCounts
	if r.status != 200 || json.Unmarshal(r.body, &got) != nil {
		t.Fatalf("GET /_sandbox/requests = %d %s", r.status, r.body)
	}
	want := map[string]ClientCount{"worker-a": {3, 0}, "worker-b": {2, 0}, "reader": {1, 1}}
	for k, w := range want {
		if g := got.ByClient[k]; g == nil || *g != w {
			t.Errorf("by_client[%s] = %+v, want %+v", k, g, w)
		}
	}
	if len(got.ByClient) != 3 || *got.ByToken["full"] != (ClientCount{5, 0}) || *got.ByToken["read_only"] != (ClientCount{1, 1}) {
		t.Errorf("by_client %v, by_token full %+v read_only %+v", got.ByClient, got.ByToken["full"], got.ByToken["read_only"])
	}
	if got.Quota != 4 || got.WindowMs != 30000 || len(got.Windows) != 2 {
		t.Fatalf("quota %d window %d ms, %d windows", got.Quota, got.WindowMs, len(got.Windows))
	}
	if w := got.Windows[0]; w.Requests != 5 || w.RateLimited != 1 || *w.ByClient["worker-b"] != (ClientCount{2, 0}) {
		t.Errorf("first window = %+v", w)
	}
	if w := got.Windows[1]; w.Requests != 1 || w.ByClient["worker-b"] != nil || !w.Start.Equal(anchor.Add(31*time.Second)) {
		t.Errorf("second window = %+v", w)
	}
	for _, tok := range []string{c.srv.Tokens.Full, c.srv.Tokens.ReadOnly} {
		if containsAll(string(r.body), tok) {
			t.Error("the counts name a token's value")
		}
	}
}

func TestPlanQuotas(t *testing.T) {
	t.Parallel()
	for plan, want := range map[string]int{"standard": 150, "plus": 150, "pro": 450} {
		if q, w, err := PlanQuota(plan); q != want || w != 30*time.Second || err != nil {
			t.Errorf("PlanQuota(%s) = %d per %v, %v", plan, q, w, err)
		}
	}
	for _, bad := range []string{"enterprise", "gold", ""} {
		if _, _, err := PlanQuota(bad); err == nil {
			t.Errorf("PlanQuota(%q) gave a quota", bad)
		}
	}
	c := newClient(t, Options{Orders: 1, Products: 1, Customers: 1})
	if r := c.raw("POST", c.srv.URL+"/_sandbox/quota", obj{"plan": "pro"}); r.status != 200 {
		t.Fatalf("POST /_sandbox/quota plan pro = %d %s", r.status, r.body)
	}
	if q := c.get("/v2/time").header.Get("X-Rate-Limit-Requests-Quota"); q != "450" {
		t.Errorf("after plan pro the quota header is %q", q)
	}
	if r := c.raw("POST", c.srv.URL+"/_sandbox/quota", obj{"plan": "enterprise"}); r.status != 422 {
		t.Errorf("plan enterprise = %d, want 422 (no published figure)", r.status)
	}
}
