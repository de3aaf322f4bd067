package mcpserver

import (
	"net/http"
	"strings"
	"testing"
)

// TestHTTPLoopbackServesOnlyLoopbackHosts: a loopback listener serves only
// requests whose Host names this machine, with or without an Origin header,
// so that a page whose DNS name was rebound to 127.0.0.1 cannot reach it.
func TestHTTPLoopbackServesOnlyLoopbackHosts(t *testing.T) {
	t.Parallel()
	url := httpServer(t, HTTPOptions{}, false)
	port := url[strings.LastIndex(url, ":")+1 : strings.Index(url, HTTPPath)]
	tests := []struct {
		host string
		want int
	}{
		{"127.0.0.1:" + port, http.StatusOK},
		{"localhost:" + port, http.StatusOK},
		{"LOCALHOST:" + port, http.StatusOK},
		{"localhost", http.StatusOK},
		{"[::1]:" + port, http.StatusOK},
		{"evil.example", http.StatusForbidden},
		{"evil.example:" + port, http.StatusForbidden},
		{"localhost.evil.example:" + port, http.StatusForbidden},
		{"127.0.0.1.nip.io:" + port, http.StatusForbidden},
		{"10.0.0.8:" + port, http.StatusForbidden},
	}
	// A preflight from an allowed page is answered only for this machine's names.
	for host, want := range map[string]int{"evil.example:" + port: http.StatusForbidden, "localhost:" + port: http.StatusNoContent} {
		resp := preflight(t, url, host, "http://localhost:5173")
		if resp.StatusCode != want {
			t.Errorf("preflight with Host %q: status %d, want %d", host, resp.StatusCode, want)
		}
	}
	for _, tt := range tests {
		for _, method := range []string{http.MethodPost, http.MethodGet, http.MethodDelete, http.MethodOptions} {
			req, err := http.NewRequest(method, url, strings.NewReader(initializeBody))
			if err != nil {
				t.Fatal(err)
			}
			req.Host = tt.host
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "application/json, text/event-stream")
			resp := send(t, req)
			forbidden := resp.StatusCode == http.StatusForbidden
			if forbidden != (tt.want == http.StatusForbidden) {
				t.Errorf("%s with Host %q: status %d, want 403 = %v", method, tt.host, resp.StatusCode, tt.want == http.StatusForbidden)
			}
		}
	}
}
