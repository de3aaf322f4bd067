package state

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// TestLeaseOneHolder: while one holder has a lease, another is refused with
// the holder named; once released, the other gets it.
func TestLeaseOneHolder(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, target string) {
		ctx := t.Context()
		a, b := openStore(t, target), openStore(t, target) // two processes
		name := SyncLeaseName("shop", "orders")
		la, err := AcquireLease(ctx, a, name, LeaseOptions{Holder: "machine-a pid 1"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = AcquireLease(ctx, b, name, LeaseOptions{Holder: "machine-b pid 2"})
		var held *LeaseHeldError
		if !errors.As(err, &held) || !errors.Is(err, ErrLeaseHeld) || held.Holder != "machine-a pid 1" ||
			!strings.Contains(err.Error(), "machine-a pid 1") || !strings.Contains(err.Error(), name) {
			t.Fatalf("second AcquireLease = %v, want a LeaseHeldError naming machine-a", err)
		}
		// Another stream's lease is free.
		other, err := AcquireLease(ctx, b, SyncLeaseName("shop", "products"), LeaseOptions{Holder: "machine-b pid 2"})
		if err != nil {
			t.Fatal(err)
		}
		list, err := b.Leases(ctx)
		if err != nil || len(list) != 2 || list[0].Name != name || list[0].Holder != "machine-a pid 1" {
			t.Errorf("Leases = %+v, %v", list, err)
		}
		if err := la.Release(ctx); err != nil {
			t.Fatal(err)
		}
		if la.Context().Err() == nil {
			t.Error("a released lease's context is still live")
		}
		lb, err := AcquireLease(ctx, b, name, LeaseOptions{Holder: "machine-b pid 2"})
		if err != nil {
			t.Fatalf("after release: %v", err)
		}
		lb.Release(ctx)
		other.Release(ctx)
	})
}

// TestLeaseTakenOverFromDeadHolder: a holder that stops renewing (as a
// SIGKILLed one does) loses the lease once its TTL has run out; a waiting
// process takes it, and the dead holder's late renewal is refused.
func TestLeaseTakenOverFromDeadHolder(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, target string) {
		ctx := t.Context()
		a, b := openStore(t, target), openStore(t, target)
		const ttl = 400 * time.Millisecond
		// a takes the lease without a heartbeat: a holder about to die.
		if _, ok, err := a.TryLease(ctx, "import/shop", "dead pid 1", "tok-a", ttl); !ok || err != nil {
			t.Fatalf("TryLease = %v, %v", ok, err)
		}
		lb, err := AcquireLease(ctx, b, "import/shop", LeaseOptions{TTL: ttl, Wait: true, Holder: "b"})
		if err != nil {
			t.Fatalf("waiting for the dead holder's lease: %v", err)
		}
		defer lb.Release(ctx)
		if lb.Holder != "b" {
			t.Errorf("holder = %q", lb.Holder)
		}
		if ok, err := a.RenewLease(ctx, "import/shop", "tok-a", ttl); ok || err != nil {
			t.Errorf("the dead holder's renewal = %v, %v; want refused", ok, err)
		}
	})
}

// TestLeaseHeartbeat: a live holder keeps its lease past many TTLs; when
// another process takes it anyway (here: by force, as after a long stall),
// the holder's context ends with ErrLeaseLost.
func TestLeaseHeartbeat(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, target string) {
		ctx := t.Context()
		a, b := openStore(t, target), openStore(t, target)
		const ttl = 300 * time.Millisecond
		la, err := AcquireLease(ctx, a, "worker/shop", LeaseOptions{TTL: ttl, Holder: "a"})
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(4 * ttl)
		if _, ok, err := b.TryLease(ctx, "worker/shop", "b", "tok-b", ttl); ok || err != nil {
			t.Fatalf("took a lease whose holder is alive: %v, %v", ok, err)
		}
		if la.Context().Err() != nil {
			t.Fatalf("live holder's lease ended: %v", context.Cause(la.Context()))
		}
		// What a takeover after a stall longer than the TTL leaves behind.
		if _, err := rawConn(b).ExecContext(ctx, `UPDATE leases SET holder = 'b', token = 'tok-b'`); err != nil {
			t.Fatal(err)
		}
		select {
		case <-la.Context().Done():
		case <-time.After(30 * time.Second):
			t.Fatal("the holder never noticed it lost its lease")
		}
		if cause := context.Cause(la.Context()); !errors.Is(cause, ErrLeaseLost) {
			t.Errorf("cause = %v, want ErrLeaseLost", cause)
		}
		// Its release leaves the new holder's lease alone.
		la.Release(ctx)
		if list, _ := b.Leases(ctx); len(list) != 1 || list[0].Holder != "b" {
			t.Errorf("after the old holder's release: %+v", list)
		}
	})
}

// TestLeaseWaitEndsWithContext: waiting for a held lease stops when the
// caller gives up, naming the holder.
func TestLeaseWaitEndsWithContext(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, target string) {
		a := openStore(t, target)
		la, err := AcquireLease(t.Context(), a, "sync/s/orders", LeaseOptions{Holder: "a"})
		if err != nil {
			t.Fatal(err)
		}
		defer la.Release(t.Context())
		ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
		defer cancel()
		_, err = AcquireLease(ctx, a, "sync/s/orders", LeaseOptions{Wait: true, Holder: "b"})
		if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "held by a") {
			t.Errorf("AcquireLease = %v, want the deadline, naming the holder", err)
		}
	})
}
