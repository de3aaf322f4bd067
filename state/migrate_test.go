package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// rawConn is the pool under a store, for tests that reach past the API.
func rawConn(s Store) *conn {
	switch s := s.(type) {
	case *DB:
		return s.sql
	case *Postgres:
		return s.sql
	}
	panic(fmt.Sprintf("unknown store %T", s))
}

// TestOpenRefusesNewerSchema: a database whose schema is past the binary's
// newest migration is refused, naming both versions, and left as it was.
func TestOpenRefusesNewerSchema(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, target string) {
		ctx := t.Context()
		s, err := OpenStore(ctx, target)
		if err != nil {
			t.Fatal(err)
		}
		_, pg := s.(*Postgres)
		known := SchemaVersion(pg)
		bump := fmt.Sprintf(`PRAGMA user_version = %d`, known+1)
		if pg {
			bump = fmt.Sprintf(`UPDATE bigc_schema_version SET version = %d`, known+1)
		}
		if _, err := rawConn(s).ExecContext(ctx, bump); err != nil {
			t.Fatal(err)
		}
		s.Close()
		for range 2 { // refused, and still refused: nothing was changed
			s, err = OpenStore(ctx, target)
			var ne *SchemaNewerError
			if !errors.Is(err, ErrSchemaNewer) || !errors.As(err, &ne) || ne.Version != known+1 || ne.Known != known {
				if s != nil {
					s.Close()
				}
				t.Fatalf("OpenStore = %v, want a SchemaNewerError for version %d past %d", err, known+1, known)
			}
		}
	})
}

// TestOpenMigratesUnversionedSQLite: a file made by a build before schema
// versions (the tables of migration 1, user_version 0) keeps its data and
// gets the later migrations.
func TestOpenMigratesUnversionedSQLite(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "state.db")
	old, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := old.ExecContext(ctx, checkpointsSchema+inboxSchema+`
		INSERT INTO inbox (connection, dedupe_key, scope, payload, next_attempt_at, received_at)
		VALUES ('c', 'k', 'store/order/created', x'7b7d', 1, 1);
		INSERT INTO sync_checkpoints VALUES ('c', 'orders', '/out', 'cur', '2026-01-01T00:00:00Z');`); err != nil {
		t.Fatal(err)
	}
	old.Close()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var version int
	if err := db.sql.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&version); err != nil || version != SchemaVersion(false) {
		t.Errorf("user_version = %d, %v; want %d", version, err, SchemaVersion(false))
	}
	if cur, ok, err := db.Checkpoint(ctx, CheckpointKey{"c", "orders", "/out"}); cur != "cur" || !ok || err != nil {
		t.Errorf("checkpoint after migrating = %q, %v, %v", cur, ok, err)
	}
	// The inbox row is there, and claimable (migration 2's columns).
	got, err := db.InboxClaim(ctx, "c", "w", time.UnixMilli(2), 10, time.Minute)
	if err != nil || len(got) != 1 || got[0].DedupeKey != "k" {
		t.Errorf("InboxClaim after migrating = %+v, %v", got, err)
	}
}

// TestConcurrentOpensMigrateOnce: processes opening a new database at the
// same moment all succeed, and the schema ends at the newest version.
func TestConcurrentOpensMigrateOnce(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, target string) {
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		for range 4 {
			wg.Go(func() {
				s, err := OpenStore(context.Background(), target)
				if err != nil {
					errs <- err
					return
				}
				errs <- s.Close()
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Error(err)
			}
		}
		s := openStore(t, target)
		if _, err := s.InboxClaim(t.Context(), "c", "w", time.Now(), 1, time.Second); err != nil {
			t.Errorf("the migrated schema: %v", err)
		}
	})
}
