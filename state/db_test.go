package state

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOpenNamesADamagedFile damages a database three ways (cut short,
// overwritten from the start, one inner page scribbled over) and checks
// that Open reports ErrCorrupt naming the file, not some other error.
func TestOpenNamesADamagedFile(t *testing.T) {
	t.Parallel()
	damage := map[string]func(t *testing.T, path string){
		"truncated": func(t *testing.T, path string) {
			st, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Truncate(path, st.Size()/2+100); err != nil {
				t.Fatal(err)
			}
		},
		"overwritten": func(t *testing.T, path string) {
			if err := os.WriteFile(path, []byte(strings.Repeat("not a database at all\n", 400)), 0o600); err != nil {
				t.Fatal(err)
			}
		},
		"page damaged": func(t *testing.T, path string) {
			f, err := os.OpenFile(path, os.O_RDWR, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			st, _ := f.Stat()
			// Scribble over the middle of every page but the first (the
			// header), where b-tree cells live.
			junk := []byte(strings.Repeat("\xff\x00\x7f", 600))
			for off := int64(4096 + 1000); off < st.Size(); off += 4096 {
				if _, err := f.WriteAt(junk, off); err != nil {
					t.Fatal(err)
				}
			}
		},
	}
	for name, fn := range damage {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "state.db")
			fill(t, path)
			fn(t, path)
			db, err := Open(t.Context(), path)
			if err == nil {
				db.Close()
				t.Fatal("Open succeeded on a damaged file")
			}
			var ce *CorruptError
			if !errors.Is(err, ErrCorrupt) || !errors.As(err, &ce) || ce.Path != path {
				t.Fatalf("Open = %v, want a CorruptError naming %s", err, path)
			}
		})
	}
}

// fill writes a database of several pages and checkpoints its WAL into the
// main file, so that damaging the file damages the data.
func fill(t *testing.T, path string) {
	t.Helper()
	db, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	keys := make([]EmittedKey, 3000)
	for i := range keys {
		keys[i] = EmittedKey{"orders", int64(i), int64(i * 7)}
	}
	if err := db.RecordEmitted(t.Context(), "/out", keys, OutputCommit{Size: 1, TailHash: "x"}); err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		k := CheckpointKey{"shop", "orders", fmt.Sprintf("/out/%d", i)}
		if err := db.SaveCheckpoint(t.Context(), k, strings.Repeat("c", 200)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.sql.ExecContext(t.Context(), `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}
