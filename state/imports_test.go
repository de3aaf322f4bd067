package state

import (
	"context"
	"testing"
)

func TestImportJournal(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s Store) {
		ctx := context.Background()
		const id = "products/jsonl/abc/0123"
		if err := s.RecordImportRows(ctx, id, []ImportRow{{Line: 2, Outcome: "create", Ref: "product 7"}, {Line: 5, Outcome: "update", Ref: "product 8"}}); err != nil {
			t.Fatal(err)
		}
		// A line recorded again keeps its first outcome; another import's
		// rows are its own.
		if err := s.RecordImportRows(ctx, id, []ImportRow{{Line: 2, Outcome: "unchanged", Ref: "product 7"}}); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordImportRows(ctx, "products/jsonl/abc/other", []ImportRow{{Line: 3, Outcome: "create", Ref: "product 9"}}); err != nil {
			t.Fatal(err)
		}
		got, err := s.ImportedRows(ctx, id, 1, 4)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[2] != (ImportRow{Line: 2, Outcome: "create", Ref: "product 7"}) {
			t.Errorf("lines 1-4: %+v", got)
		}
		got, err = s.ImportedRows(ctx, id, 1, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[5].Outcome != "update" {
			t.Errorf("lines 1-100: %+v", got)
		}
	})
}
