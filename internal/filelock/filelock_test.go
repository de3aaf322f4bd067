//go:build unix

package filelock

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func open(t *testing.T, p string) *os.File {
	t.Helper()
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// TestTryLockWhileHeld: a second open file cannot take a held lock, can once
// it is released, and Lock waits for the holder.
func TestTryLockWhileHeld(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.lock")
	a, b := open(t, p), open(t, p)
	if held, err := TryLock(a); !held || err != nil {
		t.Fatalf("TryLock on a free file = %v, %v; want true", held, err)
	}
	if held, err := TryLock(b); held || err != nil {
		t.Fatalf("TryLock while another holds it = %v, %v; want false, nil", held, err)
	}
	if err := Unlock(a); err != nil {
		t.Fatal(err)
	}
	if held, err := TryLock(b); !held || err != nil {
		t.Fatalf("TryLock after release = %v, %v; want true", held, err)
	}
	got := make(chan error, 1)
	go func() { got <- Lock(a) }()
	select {
	case err := <-got:
		t.Fatalf("Lock returned %v while b held the lock", err)
	case <-time.After(50 * time.Millisecond):
	}
	b.Close() // closing the file releases its lock
	if err := <-got; err != nil {
		t.Fatalf("Lock after the holder closed: %v", err)
	}
}
