package mcpserver

import (
	"context"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/bigc-dev/bigc/sandbox"
	"github.com/bigc-dev/bigc/tools"
)

// countingSpecs are the test tools plus send-thing, a destructive write that
// counts every time it runs: a replayed confirmation must not reach it.
func countingSpecs(w *world, sent *atomic.Int32) []*toolSpec {
	return append(testSpecs(w), spec("send-thing", "Send a thing", destructive,
		func(ctx context.Context, env *tools.Env, in idIn) (deleted, error) {
			sent.Add(1)
			return deleted{ID: in.ID, Deleted: true}, nil
		}, nil))
}

// tokenFor asks for a call without confirmation and returns the token the
// preview comes with.
func tokenFor(t *testing.T, cs *mcp.ClientSession, name string, args map[string]any) string {
	t.Helper()
	e := errorOf(t, call(t, cs, name, args))
	tok, _ := e["confirmation_token"].(string)
	if e["category"] != "confirmation_required" || tok == "" {
		t.Fatalf("%s without confirmation answered %v, want a token", name, e)
	}
	return tok
}

// TestConfirmationTokenIsSpentOnce: a token authorises exactly one call. Its
// second use, in the same session, in another session or by many calls at
// once, is refused with confirmation_used and nothing runs.
func TestConfirmationTokenIsSpentOnce(t *testing.T) {
	t.Parallel()
	var sent atomic.Int32
	s, err := newServer(countingSpecs(newWorld(), &sent), Options{Connections: []Connection{testConn(t, "sandbox", false)}})
	if err != nil {
		t.Fatal(err)
	}
	cs := connect(t, s, nil, nil)
	args := map[string]any{"id": 7}
	tok := tokenFor(t, cs, "send-thing", args)
	withToken := map[string]any{"id": 7, "confirmation_token": tok}
	if res := call(t, cs, "send-thing", withToken); res.IsError || sent.Load() != 1 {
		t.Fatalf("first use: %s, sent %d", text(res), sent.Load())
	}
	other := connect(t, s, nil, nil)
	for i, c := range []*mcp.ClientSession{cs, other, cs} {
		e := errorOf(t, call(t, c, "send-thing", withToken))
		if e["category"] != "confirmation_used" || !strings.Contains(text(call(t, c, "send-thing", withToken)), "Nothing was changed") {
			t.Errorf("replay %d: %v, want confirmation_used saying nothing was changed", i+1, e)
		}
	}
	if n := sent.Load(); n != 1 {
		t.Errorf("the write ran %d times, want once", n)
	}

	// Twenty sessions race with one fresh token: exactly one call runs.
	tok = tokenFor(t, cs, "send-thing", args)
	sent.Store(0)
	var wg sync.WaitGroup
	var used atomic.Int32
	sessions := make([]*mcp.ClientSession, 20)
	for i := range sessions {
		sessions[i] = connect(t, s, nil, nil)
	}
	for _, c := range sessions {
		wg.Go(func() {
			res, err := c.CallTool(context.Background(), &mcp.CallToolParams{Name: "send-thing",
				Arguments: map[string]any{"id": 7, "confirmation_token": tok}})
			if err != nil {
				t.Error(err)
				return
			}
			if res.IsError && strings.Contains(text(res), "confirmation_used") {
				used.Add(1)
			}
		})
	}
	wg.Wait()
	if sent.Load() != 1 || used.Load() != 19 {
		t.Errorf("20 concurrent uses of one token: %d ran, %d refused as used; want 1 and 19", sent.Load(), used.Load())
	}
}

// TestElicitationStateIsSpentOnce: the signed state of a 2026-protocol
// confirmation is good for one retry; a client that sends the same accepted
// answer again gets confirmation_used and nothing runs.
func TestElicitationStateIsSpentOnce(t *testing.T) {
	t.Parallel()
	var sent atomic.Int32
	s, err := newServer(countingSpecs(newWorld(), &sent), Options{Connections: []Connection{testConn(t, "sandbox", false)}})
	if err != nil {
		t.Fatal(err)
	}
	// The client answers input requests itself, so that it can replay one.
	cs := connect(t, s, &mcp.ClientOptions{
		ElicitationHandler: func(context.Context, *mcp.ElicitRequest) (*mcp.ElicitResult, error) { return nil, nil },
		MultiRoundTrip:     &mcp.MultiRoundTripOptions{Disabled: true},
	}, nil)
	first := call(t, cs, "send-thing", map[string]any{"id": 7})
	if !first.NeedsInput() || first.RequestState == "" {
		t.Fatalf("first call answered %s, want an input request", text(first))
	}
	retry := &mcp.CallToolParams{Name: "send-thing", Arguments: map[string]any{"id": 7},
		InputResponses: mcp.InputResponseMap{elicitKey: &mcp.ElicitResult{Action: "accept", Content: map[string]any{elicitProperty: "7"}}},
		RequestState:   first.RequestState}
	for i := range 3 {
		res, err := cs.CallTool(context.Background(), retry)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 && res.IsError {
			t.Fatalf("the confirmed retry failed: %s", text(res))
		}
		if i > 0 && errorOf(t, res)["category"] != "confirmation_used" {
			t.Errorf("replay %d: %s, want confirmation_used", i, text(res))
		}
	}
	if n := sent.Load(); n != 1 {
		t.Errorf("the write ran %d times, want once", n)
	}
}

// TestRawOrderTokenReplayedOverHTTP is the case through the real
// tools over Streamable HTTP: raw-api-request POST /v2/orders with one token
// passed three times, from two HTTP sessions, creates one order.
func TestRawOrderTokenReplayedOverHTTP(t *testing.T) {
	t.Parallel()
	f := newFixture(t, sandbox.Options{})
	s, err := New(tools.NewRegistry(), Options{Connections: []Connection{{Name: "sandbox", Client: f.client()}}, AllowRaw: true})
	if err != nil {
		t.Fatal(err)
	}
	h, err := s.HTTPHandler(HTTPOptions{}, false)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	session := func() *mcp.ClientSession {
		cs, err := mcp.NewClient(&mcp.Implementation{Name: "http-test", Version: "v0"}, nil).
			Connect(context.Background(), &mcp.StreamableClientTransport{Endpoint: srv.URL + HTTPPath}, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cs.Close() })
		return cs
	}
	a, b := session(), session()
	var variant struct {
		Data []struct {
			ID int `json:"id"`
		} `json:"data"`
	}
	f.api("GET", "/v3/catalog/variants?limit=1", nil, &variant)
	args := map[string]any{"method": "POST", "path": "/v2/orders", "body": map[string]any{
		"billing_address": map[string]any{"email": "replay@example.com", "first_name": "Re", "last_name": "Play"},
		"products":        []any{map[string]any{"variant_id": variant.Data[0].ID, "quantity": 1}},
	}}
	tok := tokenFor(t, a, RawToolName, args)
	before := f.writes()
	args["confirmation_token"] = tok
	for i, cs := range []*mcp.ClientSession{a, a, b} {
		res := call(t, cs, RawToolName, args)
		switch {
		case i == 0 && res.IsError:
			t.Fatalf("the confirmed POST failed: %s", text(res))
		case i > 0 && (!res.IsError || errorOf(t, res)["category"] != "confirmation_used"):
			t.Errorf("use %d of the token: %s, want confirmation_used", i+1, text(res))
		}
	}
	if n := f.writes() - before; n != 1 {
		t.Errorf("the store received %d writes, want 1", n)
	}
}
