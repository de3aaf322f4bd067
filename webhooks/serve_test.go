package webhooks

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/bigc-dev/bigc/state"
)

// TestServeReceivesProcessesAndStops: Serve accepts an authentic callback,
// its worker writes the record, and when the context ends Serve returns nil
// with the event settled and the listener closed.
func TestServeReceivesProcessesAndStops(t *testing.T) {
	t.Parallel()
	f := newWorkerFixture(t, IncompleteHold)
	f.fetch.set("orders", 7, f.clock.Now(), 11)
	secret, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	ready := make(chan net.Addr, 1)
	served := make(chan error, 1)
	go func() {
		served <- Serve(ctx, ln, ServeConfig{
			Receiver: ReceiverConfig{Connection: "test", StoreHash: testStore, StoreID: "1", Inbox: f.db,
				Secrets: func() ([]Secret, error) { return []Secret{secret}, nil }},
			Worker: WorkerConfig{Connection: "test", Inbox: f.db, Fetcher: f.fetch, Output: f.out},
			Ready:  func(_ context.Context, addr net.Addr) error { ready <- addr; return nil },
		})
	}()
	addr := <-ready
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr.String()+"/bigc/hooks",
		bytes.NewReader(event("store/order/created", 7, time.Now().Unix())))
	req.Header.Set(SecretHeader, string(secret))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("authentic callback: %d, want 200", res.StatusCode)
	}
	// The receiver wakes the worker: the record comes out without a poll.
	for deadline := time.Now().Add(10 * time.Second); len(f.lines(t)) == 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the record never reached the output")
		}
	}
	cancel()
	if err := <-served; err != nil {
		t.Fatalf("Serve after its context ended = %v, want nil", err)
	}
	f.wantLines(t, "orders/7@1700000000")
	f.wantCounts(t, map[state.InboxStatus]int{state.InboxDone: 1})
	if c, err := net.Dial("tcp", addr.String()); err == nil {
		c.Close()
		t.Error("the listener still accepts connections after Serve returned")
	}
}

// TestServeReturnsReadyError: when Ready fails, Serve stops and returns its
// error as it is.
func TestServeReturnsReadyError(t *testing.T) {
	t.Parallel()
	f := newWorkerFixture(t, IncompleteHold)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	boom := errors.New("subscribing failed")
	err = Serve(t.Context(), ln, ServeConfig{
		Receiver: ReceiverConfig{Connection: "test", StoreHash: testStore, Inbox: f.db,
			Secrets: func() ([]Secret, error) { return nil, nil }},
		Worker: WorkerConfig{Connection: "test", Inbox: f.db, Fetcher: f.fetch, Output: f.out},
		Ready:  func(context.Context, net.Addr) error { return boom },
	})
	if err != boom {
		t.Fatalf("Serve = %v, want Ready's error unchanged", err)
	}
	// A closed listener refuses a deadline; dialling its port instead would
	// race with parallel tests that may be given the freed port.
	if err := ln.(*net.TCPListener).SetDeadline(time.Now()); !errors.Is(err, net.ErrClosed) {
		t.Errorf("after Serve returned, the listener is still open (SetDeadline = %v)", err)
	}
}

// TestServeRefusesHalfATLSPair: a certificate without its key is an error
// before anything is served.
func TestServeRefusesHalfATLSPair(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := Serve(t.Context(), ln, ServeConfig{TLSCert: "cert.pem"}); err == nil {
		t.Fatal("Serve with a certificate and no key succeeded")
	}
}
