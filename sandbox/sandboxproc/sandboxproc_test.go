package sandboxproc

import (
	"encoding/json"
	"net/http"
	"os"
	"testing"
)

func TestMain(m *testing.M) {
	ServeIfChild()
	os.Exit(m.Run())
}

// TestStartServesAStore starts the test binary as a sandbox, reads from
// it, and checks that the store counts what it answered and stops when
// closed.
func TestStartServesAStore(t *testing.T) {
	s, err := Start(t.Context(), Options{Seed: 3, Orders: 7, Products: -1, Customers: -1, Nice: 5})
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest("GET", s.URL+"/stores/"+s.StoreHash+"/v2/orders/count", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Auth-Token", s.Tokens.Full)
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var count struct{ Count int }
	err = json.NewDecoder(resp.Body).Decode(&count)
	resp.Body.Close()
	if err != nil || count.Count != 7 {
		t.Fatalf("GET /v2/orders/count: %+v, %v; want 7 orders", count, err)
	}
	st, err := s.Settled(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if st.Requests != 1 || st.ByPath["/v2/orders/count"] != 1 {
		t.Errorf("stats %+v: want the one count request", st)
	}
	if err := s.Close(); err != nil {
		t.Errorf("closing the sandbox process: %v", err)
	}
	if _, err := http.DefaultClient.Do(req); err == nil {
		t.Error("the sandbox still answers after Close")
	}
}
