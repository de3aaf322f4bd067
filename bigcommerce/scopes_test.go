package bigcommerce_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/sandbox"
	"github.com/bigc-dev/bigc/sandbox/sandboxtest"
)

// TestProbeScopesAgainstTheSandbox: the full token can read and write every
// group, the read-only token can read every group and write none, naming
// the scope it lacks; and neither probe wrote anything: the store's records
// are unchanged and every write probe was answered with an error.
func TestProbeScopesAgainstTheSandbox(t *testing.T) {
	t.Parallel()
	srv := sandboxtest.NewServer(t, sandbox.Options{Seed: 4, Products: 5, Customers: 5, Orders: 5})
	before := srv.Store.Counts()
	for _, tc := range []struct {
		token   string
		write   bool
		refused bool
	}{{srv.Tokens.Full, true, false}, {srv.Tokens.ReadOnly, false, true}} {
		c, err := bigcommerce.NewClient(srv.StoreHash, tc.token, bigcommerce.WithBaseURL(srv.URL), bigcommerce.WithMaxRetries(0))
		if err != nil {
			t.Fatal(err)
		}
		got, err := bigcommerce.ProbeScopes(context.Background(), c)
		if err != nil {
			t.Fatal(err)
		}
		var want []bigcommerce.GroupAccess
		for _, g := range bigcommerce.ScopeGroups {
			a := bigcommerce.GroupAccess{Group: g.Name, Read: true, Write: tc.write}
			if tc.refused {
				a.MissingScope = g.Scope
				a.Note = "the token may read but not change " + g.Name + ": it lacks the scope " + g.Scope
			}
			want = append(want, a)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("write=%v: access mismatch (-want +got):\n%s", tc.write, diff)
		}
		for _, a := range got {
			if a.WriteRefused() != tc.refused {
				t.Errorf("%s: WriteRefused = %v, want %v", a.Group, a.WriteRefused(), tc.refused)
			}
		}
	}
	if after := srv.Store.Counts(); after != before {
		t.Errorf("the probes changed the store: %+v, was %+v", after, before)
	}
	st := srv.Store.Stats()
	n := len(bigcommerce.ScopeGroups)
	if ok := st.ByStatus["200"]; ok != 2*n {
		t.Errorf("%d answers were 200 (%v), want only the %d reads", ok, st.ByStatus, 2*n)
	}
	if st.ByStatus["403"] != n {
		t.Errorf("%d answers were 403 (%v), want the read-only token's %d writes", st.ByStatus["403"], st.ByStatus, n)
	}
}

// TestProbeScopesUnknownAndUnauthorized: a write probe that fails for a
// reason other than scope (a 500) leaves the group's write unknown, not
// refused, so nothing is refused on its account later; a 401 fails the whole
// probe.
func TestProbeScopesUnknownAndUnauthorized(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Header.Get("X-Auth-Token") != "good":
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"status":401,"title":"Unauthorized"}`))
		case r.Method == http.MethodGet:
			w.Write([]byte(`{"data":[],"meta":{}}`))
		default:
			w.WriteHeader(http.StatusInternalServerError)
			w.Write([]byte(`{"status":500,"title":"Internal Server Error"}`))
		}
	}))
	t.Cleanup(srv.Close)
	c, err := bigcommerce.NewClient("abc123", "good", bigcommerce.WithBaseURL(srv.URL), bigcommerce.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	got, err := bigcommerce.ProbeScopes(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range got {
		if !a.Read || a.Write || a.WriteRefused() || !strings.Contains(a.Note, "the write probe failed") {
			t.Errorf("%s: %+v; want readable, write unknown with a note", a.Group, a)
		}
	}
	bad, _ := bigcommerce.NewClient("abc123", "bad", bigcommerce.WithBaseURL(srv.URL), bigcommerce.WithMaxRetries(0))
	if _, err := bigcommerce.ProbeScopes(context.Background(), bad); !errors.Is(err, bigcommerce.ErrUnauthorized) {
		t.Errorf("ProbeScopes with a wrong token = %v, want ErrUnauthorized", err)
	}
}
