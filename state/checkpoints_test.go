package state

import (
	"slices"
	"testing"
)

func TestCheckpoints(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, target string) {
		db := openStore(t, target)
		ctx := t.Context()
		file := CheckpointKey{"shop", "orders", "/data/orders.jsonl"}
		other := CheckpointKey{"shop", "orders", "/data/copy.jsonl"}
		if _, ok, err := db.Checkpoint(ctx, file); ok || err != nil {
			t.Fatalf("fresh checkpoint: ok %v, err %v", ok, err)
		}
		for _, c := range []string{`{"version":1}`, `{"version":1,"through":true}`} {
			if err := db.SaveCheckpoint(ctx, file, c); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.SaveCheckpoint(ctx, CheckpointKey{"other", "orders", "/data/orders.jsonl"}, "x"); err != nil {
			t.Fatal(err)
		}
		// A checkpoint belongs to its destination: another file of the same
		// connection and stream has none.
		if _, ok, err := db.Checkpoint(ctx, other); ok || err != nil {
			t.Errorf("another destination's checkpoint: ok %v, err %v", ok, err)
		}
		// A second process sees what the first saved.
		db2, err := OpenStore(ctx, target)
		if err != nil {
			t.Fatal(err)
		}
		defer db2.Close()
		if got, ok, err := db2.Checkpoint(ctx, file); !ok || err != nil || got != `{"version":1,"through":true}` {
			t.Errorf("Checkpoint = %q, %v, %v", got, ok, err)
		}
		list, err := db2.Checkpoints(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var keys []CheckpointKey
		for _, c := range list {
			keys = append(keys, c.Key)
			if c.UpdatedAt.IsZero() {
				t.Errorf("%s: no last run", c.Key)
			}
		}
		if want := []CheckpointKey{{"other", "orders", "/data/orders.jsonl"}, file}; !slices.Equal(keys, want) {
			t.Errorf("Checkpoints = %v, want %v", keys, want)
		}
		if found, err := db2.DeleteCheckpoint(ctx, file); !found || err != nil {
			t.Fatalf("DeleteCheckpoint = %v, %v", found, err)
		}
		if found, err := db2.DeleteCheckpoint(ctx, file); found || err != nil {
			t.Errorf("second DeleteCheckpoint = %v, %v; want nothing found", found, err)
		}
		if _, ok, _ := db.Checkpoint(ctx, file); ok {
			t.Error("checkpoint still there after DeleteCheckpoint")
		}
		if got, ok, _ := db.Checkpoint(ctx, CheckpointKey{"other", "orders", "/data/orders.jsonl"}); !ok || got != "x" {
			t.Errorf("another connection's checkpoint = %q, %v", got, ok)
		}
	})
}

func TestEmittedLedger(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, db Store) {
		ctx := t.Context()
		a := EmittedKey{"orders", 1, 100}
		b := EmittedKey{"orders", 1, 200} // a newer version of the same order
		c := EmittedKey{"products", 1, 100}
		if _, ok, err := db.OutputCommitted(ctx, "/out"); ok || err != nil {
			t.Fatalf("fresh output: ok %v, err %v", ok, err)
		}
		if err := db.RecordEmitted(ctx, "/out", []EmittedKey{a, c, a}, OutputCommit{Size: 120, TailHash: "h1"}); err != nil {
			t.Fatal(err)
		}
		got, err := db.Emitted(ctx, "/out", []EmittedKey{a, b, c, a})
		if err != nil {
			t.Fatal(err)
		}
		if want := []bool{true, false, true, true}; !slices.Equal(got, want) {
			t.Errorf("Emitted = %v, want %v", got, want)
		}
		if got, _ := db.Emitted(ctx, "/elsewhere", []EmittedKey{a}); got[0] {
			t.Error("another output's ledger answered")
		}
		if c, ok, err := db.OutputCommitted(ctx, "/out"); c != (OutputCommit{120, "h1"}) || !ok || err != nil {
			t.Errorf("OutputCommitted = %+v, %v, %v; want 120, h1", c, ok, err)
		}
		many := make([]EmittedKey, 1200)
		for i := range many {
			many[i] = EmittedKey{"customers", int64(i + 1), 5}
		}
		if err := db.RecordEmitted(ctx, "/out", many[:700], OutputCommit{Size: 300}); err != nil {
			t.Fatal(err)
		}
		found, err := db.Emitted(ctx, "/out", many)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(slices.DeleteFunc(slices.Clone(found), func(b bool) bool { return !b })); n != 700 {
			t.Errorf("%d of 1200 found across chunks, want 700", n)
		}
		if err := db.ResetOutput(ctx, "/out"); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.Emitted(ctx, "/out", []EmittedKey{a}); got[0] {
			t.Error("ledger kept a key after ResetOutput")
		}
		if _, ok, _ := db.OutputCommitted(ctx, "/out"); ok {
			t.Error("output size kept after ResetOutput")
		}
	})
}
