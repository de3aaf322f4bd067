package bigcommerce_test

import (
	"context"
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
		token    string
		write    bool
		refused  bool
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
