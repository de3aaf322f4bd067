package sandbox

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestConcurrentRequests mixes reads, writes, faults and webhook deliveries
// from many goroutines; run it with -race.
func TestConcurrentRequests(t *testing.T) {
	t.Parallel()
	f, _ := ParseFaults("503=0.05,reset=0.05,truncate=0.05,commit-then-drop=0.05,duplicate-delivery=0.5")
	// A clock that starts at the top of a minute, so live orders start
	// arriving now instead of catching up on the minute so far.
	start, epoch := time.Now(), time.Now().Truncate(time.Minute)
	now := func() time.Time { return epoch.Add(time.Since(start)) }
	c := newClient(t, Options{Orders: 50, Products: 20, Customers: 10, Faults: f, Live: 50, WebhookRetryScale: 1e-6, Now: now})
	rc := newReceiver(t)
	go func() {
		for range rc.ch {
		}
	}()
	must[envelope[obj]](t, c.do("POST", "/v3/hooks", obj{"scope": "store/*", "destination": rc.srv.URL}), 200)
	pids := c.srv.Store.ProductIDs()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			hc := &http.Client{}
			for i := range 40 {
				method, path, body := "GET", "/v2/orders?sort=date_modified:desc&limit=20", ""
				switch (g + i) % 6 {
				case 1:
					method, path, body = "PUT", fmt.Sprintf("/v2/orders/%d", firstOrderID+(g*7+i)%50), `{"status_id": 11}`
				case 2:
					method, path, body = "PUT", fmt.Sprintf("/v3/catalog/products/%d", pids[(g+i)%len(pids)]), `{"inventory_level": 5}`
				case 3:
					path = "/v3/customers?include=addresses"
				case 4:
					method, path, body = "POST", "/v2/orders", fmt.Sprintf(`{"billing_address":{"email":"c%d@example.com"},"products":[{"variant_id":%d}]}`, g, firstVariantID)
				case 5:
					method, path, body = "POST", fmt.Sprintf("/v3/orders/%d/metafields", firstOrderID+i), fmt.Sprintf(`{"namespace":"g%d","key":"k%d","value":"v","permission_set":"app_only"}`, g, i)
				}
				req, _ := http.NewRequest(method, c.srv.URL+"/stores/"+c.srv.StoreHash+path, strings.NewReader(body))
				req.Header.Set("X-Auth-Token", c.token)
				resp, err := hc.Do(req)
				if err != nil {
					continue // injected resets and drops
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode >= 500 && resp.StatusCode != 503 {
					t.Errorf("%s %s = %d", method, path, resp.StatusCode)
				}
			}
		}()
	}
	wg.Wait()
	st := c.srv.Store.Stats()
	if st.Requests < 300 {
		t.Errorf("stats counted %d requests", st.Requests)
	}
}
