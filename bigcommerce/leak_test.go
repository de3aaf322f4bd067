package bigcommerce

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// TestTokenNeverLeaks drives every error path with a server that echoes the
// token back wherever it can, and checks that no error text and no log line
// carries it (coreServer checks the log when the test ends).
func TestTokenNeverLeaks(t *testing.T) {
	t.Parallel()
	echo := func(w http.ResponseWriter, r *http.Request) {
		tok := r.Header.Get("X-Auth-Token")
		q := r.URL.Query()
		status, _ := strconv.Atoi(q.Get("status"))
		switch q.Get("shape") {
		case "v3":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			fmt.Fprintf(w, `{"status":%d,"title":"bad token %s","detail":"%s","errors":{"%s":"%s is wrong"}}`, status, tok, tok, tok, tok)
		case "v2":
			w.WriteHeader(status)
			fmt.Fprintf(w, `[{"status":%d,"message":"token %s","details":{"token":"%s"}}]`, status, tok, tok)
		case "text":
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(status)
			fmt.Fprintf(w, "Unauthorized: %s", strings.ToUpper(tok))
		case "html":
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(status)
			fmt.Fprintf(w, "<html><title>%s</title><body>%s</body></html>", tok, tok)
		case "long":
			w.WriteHeader(status)
			fmt.Fprintf(w, "%s%s", strings.Repeat("x", maxErrorText-5), tok)
		case "reset":
			coreReset(t, w)
		case "cutoff":
			coreCutOff(t, w)
		case "badjson":
			fmt.Fprintf(w, `{"data":"%s`, tok)
		case "redirect":
			http.Redirect(w, r, "http://127.0.0.1:1/?token="+tok, http.StatusFound)
		case "ok":
			fmt.Fprintf(w, `{"data":{"id":1}}`)
		}
	}
	c, log := coreServer(t, http.HandlerFunc(echo), WithMaxRetries(1))
	var errs []error
	for _, shape := range []string{"v3", "v2", "text", "html", "long"} {
		for _, status := range []int{400, 401, 403, 404, 409, 422, 429, 500, 502, 503, 504, 507} {
			for _, method := range []string{"GET", "POST", "PUT", "DELETE"} {
				q := url.Values{"shape": {shape}, "status": {strconv.Itoa(status)}, "id:in": {"1"}}
				_, err := c.do(t.Context(), request{method: method, version: "v3", path: "/x", query: q}, &envelope[coreItem]{})
				errs = append(errs, err)
				res, err := c.Do(t.Context(), RawRequest{Method: method, Path: "/v3/x", Query: q})
				errs = append(errs, err)
				if res != nil {
					coreNoToken(t, "raw body", string(res.Body))
					hb, _ := json.Marshal(res.Header)
					coreNoToken(t, "raw header", string(hb))
				}
			}
		}
	}
	for _, shape := range []string{"reset", "cutoff", "badjson", "redirect"} {
		for _, method := range []string{"GET", "POST"} {
			q := url.Values{"shape": {shape}}
			_, err := c.do(t.Context(), request{method: method, version: "v3", path: "/x", query: q}, &envelope[coreItem]{})
			errs = append(errs, err)
			_, err = c.Do(t.Context(), RawRequest{Method: method, Path: "/v3/x", Query: q})
			errs = append(errs, err)
		}
	}
	// The token in a path: refused or sent, it is not quoted back.
	for _, p := range []string{"/v3/x/" + coreToken + "/..", "/v3/x/" + coreToken + "?", "/v4/" + coreToken} {
		_, err := c.Do(t.Context(), RawRequest{Method: "GET", Path: p})
		errs = append(errs, err)
	}
	_, err := c.do(t.Context(), request{method: "GET", version: "v3", path: "/x/" + coreToken, query: url.Values{"shape": {"v3"}, "status": {"404"}}}, nil)
	errs = append(errs, err)
	// Nothing listens here: a dial error.
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	dc, _ := NewClient(coreHash(t), coreToken, WithBaseURL(dead.URL), WithMaxRetries(0), WithLogger(log.logger()))
	_, err = dc.do(t.Context(), request{method: "POST", version: "v3", path: "/x"}, nil)
	errs = append(errs, err)
	// Bad client input.
	_, err = NewClient(coreToken+"/x", coreToken)
	errs = append(errs, err)
	_, err = NewClient(strings.ToUpper(coreToken), coreToken)
	errs = append(errs, err)

	for i, err := range errs {
		if err == nil {
			t.Errorf("case %d: no error", i)
			continue
		}
		coreNoToken(t, "error", err.Error())
		coreNoToken(t, "error %+v", fmt.Sprintf("%+v", err))
	}
	if !strings.Contains(log.String(), "retrying") {
		t.Error("the log captured no retry, so it proves nothing")
	}
}
