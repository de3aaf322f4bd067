package state

import (
	"testing"
	"time"
)

// TestRecordHashes: hashes are kept per checkpoint key, found by id and by
// scope, replaced by id, and forgotten with the checkpoint or the
// destination they vouch for.
func TestRecordHashes(t *testing.T) {
	eachBackend(t, func(t *testing.T, target string) {
		s := openStore(t, target)
		ctx := t.Context()
		key := CheckpointKey{Connection: "shop", Stream: "shipments", Destination: "/out/shipments.jsonl"}
		other := CheckpointKey{Connection: "shop", Stream: "shipments", Destination: "/out/other.jsonl"}
		at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		hashes := []RecordHash{
			{ID: 1, Scope: "order 7", Hash: "a", Version: at},
			{ID: 2, Scope: "order 7", Hash: "b", Version: at, Emitted: true},
			{ID: 3, Scope: "order 8", Hash: DeletedHash, Version: at, Emitted: true},
		}
		if err := s.SaveRecordHashes(ctx, key, hashes); err != nil {
			t.Fatal(err)
		}
		if err := s.SaveRecordHashes(ctx, other, hashes[:1]); err != nil {
			t.Fatal(err)
		}
		got, err := s.RecordHashes(ctx, key, "order 7", []int64{3, 99})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 || got[1] != hashes[0] || got[2] != hashes[1] || got[3] != hashes[2] {
			t.Errorf("RecordHashes = %+v, want ids 1, 2 (scope) and 3 (asked) as saved", got)
		}
		hashes[0].Hash, hashes[0].Emitted = "c", true
		if err := s.SaveRecordHashes(ctx, key, hashes[:1]); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.RecordHashes(ctx, key, "", []int64{1}); got[1] != hashes[0] {
			t.Errorf("after replacing: %+v, want %+v", got[1], hashes[0])
		}
		if err := s.SaveCheckpoint(ctx, key, "{}"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DeleteCheckpoint(ctx, key); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.RecordHashes(ctx, key, "order 7", []int64{3}); len(got) != 0 {
			t.Errorf("after the checkpoint was reset: %+v, want none", got)
		}
		if got, _ := s.RecordHashes(ctx, other, "order 7", nil); len(got) != 1 {
			t.Errorf("another destination's hashes: %+v, want its one", got)
		}
		if err := s.DeleteDestinationCheckpoints(ctx, other.Destination); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.RecordHashes(ctx, other, "order 7", nil); len(got) != 0 {
			t.Errorf("after the destination was reset: %+v, want none", got)
		}
	})
}
