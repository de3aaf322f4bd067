package state

import (
	"testing"
	"time"
)

// TestDeletionsOwedUntilTombstoned: a reported deletion is owed to every
// destination of its connection and stream until that destination's hashes
// hold the record deleted and emitted; a second report of the same record
// adds nothing; since leaves out older reports.
func TestDeletionsOwedUntilTombstoned(t *testing.T) {
	eachStore(t, func(t *testing.T, s Store) {
		ctx := t.Context()
		t0 := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
		dels := []Deletion{
			{Connection: "shop", Stream: "products", ID: 7, At: t0, Scope: "store/product/deleted"},
			{Connection: "shop", Stream: "products", ID: 3, At: t0.Add(time.Minute), Scope: "store/product/deleted"},
			{Connection: "shop", Stream: "customers", ID: 7, At: t0, Scope: "store/customer/deleted"},
			{Connection: "other", Stream: "products", ID: 9, At: t0, Scope: "store/product/deleted"},
		}
		if n, err := s.RecordDeletions(ctx, dels); err != nil || n != 4 {
			t.Fatalf("RecordDeletions = %d, %v; want 4 added", n, err)
		}
		again := dels[0]
		again.At = t0.Add(time.Hour)
		if n, err := s.RecordDeletions(ctx, []Deletion{again}); err != nil || n != 0 {
			t.Fatalf("recording product 7 again = %d, %v; want 0 added", n, err)
		}
		if _, err := s.RecordDeletions(ctx, []Deletion{{Connection: "shop", Stream: "products", At: t0, Scope: "x"}}); err == nil {
			t.Error("a deletion without an id was recorded")
		}

		a := CheckpointKey{Connection: "shop", Stream: "products", Destination: "/out/a.jsonl"}
		b := CheckpointKey{Connection: "shop", Stream: "products", Destination: "/out/b.jsonl"}
		ids := func(key CheckpointKey, since time.Time) []int64 {
			t.Helper()
			owed, err := s.OwedDeletions(ctx, key, since)
			if err != nil {
				t.Fatal(err)
			}
			var out []int64
			for _, d := range owed {
				if d.Connection != key.Connection || d.Stream != key.Stream || d.Scope != "store/product/deleted" {
					t.Errorf("owed %+v under %s", d, key)
				}
				if d.ID == 7 && !d.At.Equal(t0) {
					t.Errorf("product 7 reported at %s, want the first report's %s", d.At, t0)
				}
				out = append(out, d.ID)
			}
			return out
		}
		if got := ids(a, time.Time{}); len(got) != 2 || got[0] != 7 || got[1] != 3 {
			t.Fatalf("owed to a: %v, want [7 3] (oldest first)", got)
		}
		if got := ids(a, t0.Add(time.Second)); len(got) != 1 || got[0] != 3 {
			t.Errorf("owed to a since t0+1s: %v, want [3]", got)
		}

		// Saved but not yet emitted: still owed. Emitted: no longer, to a only.
		tomb := RecordHash{ID: 7, Hash: DeletedHash, Version: t0.Add(time.Second)}
		if err := s.SaveRecordHashes(ctx, a, []RecordHash{tomb}); err != nil {
			t.Fatal(err)
		}
		if got := ids(a, time.Time{}); len(got) != 2 {
			t.Errorf("owed to a with 7's tombstone saved, not emitted: %v, want [7 3]", got)
		}
		tomb.Emitted = true
		if err := s.SaveRecordHashes(ctx, a, []RecordHash{tomb, {ID: 3, Hash: "live", Version: t0, Emitted: true}}); err != nil {
			t.Fatal(err)
		}
		if got := ids(a, time.Time{}); len(got) != 1 || got[0] != 3 {
			t.Errorf("owed to a with 7's tombstone emitted: %v, want [3]", got)
		}
		if got := ids(b, time.Time{}); len(got) != 2 {
			t.Errorf("owed to b: %v, want [7 3]: a's tombstones are a's", got)
		}
	})
}
