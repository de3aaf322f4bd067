package state

import (
	"context"
	"strings"
	"time"
)

// Store is bigc's state, whichever database holds it: SQLite (*DB, the
// embedded default, one machine) or PostgreSQL (*Postgres, shared by
// processes on many machines). Both give the same guarantees, and the state
// test suite runs against both.
type Store interface {
	// Sync checkpoints (checkpoints.go).
	Checkpoint(ctx context.Context, key CheckpointKey) (cursor string, ok bool, err error)
	SaveCheckpoint(ctx context.Context, key CheckpointKey, cursor string) error
	DeleteCheckpoint(ctx context.Context, key CheckpointKey) (found bool, err error)
	DeleteDestinationCheckpoints(ctx context.Context, destination string) error
	Checkpoints(ctx context.Context) ([]SavedCheckpoint, error)

	// The content hashes of streams read whole (hashes.go).
	RecordHashes(ctx context.Context, key CheckpointKey, scope string, ids []int64) (map[int64]RecordHash, error)
	SaveRecordHashes(ctx context.Context, key CheckpointKey, hashes []RecordHash) error

	// The deletions webhooks report, owed as tombstones (deletions.go).
	RecordDeletions(ctx context.Context, dels []Deletion) (added int, err error)
	OwedDeletions(ctx context.Context, key CheckpointKey, since time.Time) ([]Deletion, error)

	// The emitted-record ledger of output files (checkpoints.go).
	OutputCommitted(ctx context.Context, output string) (c OutputCommit, ok bool, err error)
	Emitted(ctx context.Context, output string, keys []EmittedKey) ([]bool, error)
	RecordEmitted(ctx context.Context, output string, keys []EmittedKey, commit OutputCommit) error
	ResetOutput(ctx context.Context, output string) error

	// The webhook inbox (inbox.go).
	InboxAdd(ctx context.Context, events []InboxEvent) (added []bool, err error)
	InboxDue(ctx context.Context, connection string, now time.Time, limit int) ([]InboxEvent, error)
	InboxClaim(ctx context.Context, connection, claimant string, now time.Time, limit int, hold time.Duration) ([]InboxEvent, error)
	InboxList(ctx context.Context, connection string, statuses ...InboxStatus) ([]InboxEvent, error)
	InboxNextDue(ctx context.Context, connection string) (next time.Time, ok bool, err error)
	InboxFinish(ctx context.Context, seq int64, status InboxStatus, note string, at time.Time) error
	InboxFinishMany(ctx context.Context, seqs []int64, status InboxStatus, note string, at time.Time) error
	InboxDefer(ctx context.Context, seq int64, status InboxStatus, attempts int, next time.Time, lastError string) error
	InboxSettleHeld(ctx context.Context, connection, stream string, id int64, at time.Time) (int64, error)
	InboxCounts(ctx context.Context, connection string) (map[InboxStatus]int, error)
	InboxPrune(ctx context.Context, connection string, before time.Time) (int64, error)

	// The import journal (imports.go).
	ImportedRows(ctx context.Context, importID string, from, to int) (map[int]ImportRow, error)
	RecordImportRows(ctx context.Context, importID string, rows []ImportRow) error

	// Leases (leases.go).
	Leaser
	Leases(ctx context.Context) ([]LeaseInfo, error)

	Close() error
}

var (
	_ Store = (*DB)(nil)
	_ Store = (*Postgres)(nil)
)

// IsPostgresURL reports whether a --state or --out value names a PostgreSQL
// database (postgres:// or postgresql://) rather than a file.
func IsPostgresURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// OpenStore opens the state named by target: a PostgreSQL URL (see
// IsPostgresURL) or the path of a SQLite file.
func OpenStore(ctx context.Context, target string) (Store, error) {
	if IsPostgresURL(target) {
		return OpenPostgres(ctx, target)
	}
	return Open(ctx, target)
}
