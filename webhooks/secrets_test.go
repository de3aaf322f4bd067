package webhooks

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestSecretStore(t *testing.T) {
	t.Parallel()
	store := SecretStore{Dir: filepath.Join(t.TempDir(), "webhooks")}
	got, err := store.Load("shop")
	if err != nil || got != nil {
		t.Fatalf("Load of nothing = %v, %v", got, err)
	}
	watch := store.Watch("shop")
	if s, err := watch(); err != nil || len(s) != 0 {
		t.Fatalf("Watch before any save = %v, %v", s, err)
	}
	hooks := []HookSecret{{HookID: 1, Scope: "store/order/created", Destination: "https://x.example/h", Secret: "whsec_a"}}
	if err := store.Save("shop", hooks); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]os.FileMode{store.Dir: 0o700 | os.ModeDir, filepath.Join(store.Dir, "shop.json"): 0o600} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode() != want {
			t.Errorf("%s mode %v, want %v", path, fi.Mode(), want)
		}
	}
	got, err = store.Load("shop")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(hooks, got); diff != "" {
		t.Errorf("Load (-want +got):\n%s", diff)
	}
	if s, _ := watch(); len(s) != 1 || s[0] != "whsec_a" {
		t.Errorf("Watch after save = %v", s)
	}
	// A second hook saved while a receiver runs is seen without a restart.
	hooks = append(hooks, HookSecret{HookID: 2, Scope: "store/product/updated", Destination: "https://x.example/h", Secret: "whsec_bb"})
	if err := store.Save("shop", hooks); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Second)
	os.Chtimes(filepath.Join(store.Dir, "shop.json"), later, later)
	if s, _ := watch(); len(s) != 2 {
		t.Errorf("Watch after a second save = %v, want 2 secrets", s)
	}
	// A secret replaced by one of the same length, with the same modification
	// time (coarse on some file systems), is seen too: Save renames a new file in.
	hooks[1].Secret = "whsec_cc"
	if err := store.Save("shop", hooks); err != nil {
		t.Fatal(err)
	}
	os.Chtimes(filepath.Join(store.Dir, "shop.json"), later, later)
	if s, _ := watch(); len(s) != 2 || s[1] != "whsec_cc" {
		t.Errorf("Watch after a same-size replacement = %v, want whsec_cc second", s)
	}
	entries, _ := os.ReadDir(store.Dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only shop.json (no temporary files)", len(entries))
	}
}

func TestSecretStoreRefusesBadNames(t *testing.T) {
	t.Parallel()
	store := SecretStore{Dir: t.TempDir()}
	// The one rule for connection names (internal/connections.CheckName).
	for _, name := range []string{"", "../x", "a/b", ".hidden", "a b", "Shop", "a_b", "a.b", "-a"} {
		if err := store.Save(name, nil); err == nil {
			t.Errorf("Save(%q) succeeded", name)
		}
		if _, err := store.Load(name); err == nil {
			t.Errorf("Load(%q) succeeded", name)
		}
	}
}

func TestSecretStoreDamagedFile(t *testing.T) {
	t.Parallel()
	store := SecretStore{Dir: t.TempDir()}
	os.WriteFile(filepath.Join(store.Dir, "shop.json"), []byte("{not json"), 0o600)
	if _, err := store.Load("shop"); err == nil {
		t.Error("Load of a damaged file succeeded")
	}
}

func TestLockListener(t *testing.T) {
	t.Parallel()
	store := SecretStore{Dir: filepath.Join(t.TempDir(), "webhooks")}
	unlock, err := store.LockListener("shop")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.LockListener("shop"); !errors.Is(err, ErrListening) {
		t.Errorf("second lock = %v, want ErrListening", err)
	}
	other, err := store.LockListener("other")
	if err != nil {
		t.Errorf("another connection's lock: %v", err)
	} else {
		other()
	}
	unlock()
	again, err := store.LockListener("shop")
	if err != nil {
		t.Fatalf("lock after unlock: %v", err)
	}
	again()
}
