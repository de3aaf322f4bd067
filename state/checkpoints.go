package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// checkpointsSchema holds the sync's tables (frozen: it is SQLite migration 1
// in migrations.go; change them by adding a migration):
//   - sync_checkpoints: where each sync stands, per (connection, stream,
//     destination). A checkpoint belongs to where the records went: a file
//     output's checkpoint is keyed by the file's absolute path, so a preview
//     to stdout or a sync into another file never moves it. The cursor is
//     opaque text owned by package syncer.
//   - output_commits: for each output file, the size up to which its lines are
//     recorded in the ledger and a hash of the bytes just before that size, so
//     a file cut short or replaced by hand is told from one a killed writer
//     left a few bytes longer. Bytes past the size were written by a writer
//     that died before recording them; the next writer reconciles them.
//   - emitted: the ledger of every record version written to an output file,
//     keyed by (stream, id, date_modified), so that a poll-driven sync and a
//     webhook receiver appending to the same file never write one twice.
//
// The tables of earlier builds (checkpoints keyed by connection and stream
// alone, outputs without a hash) are dropped: a checkpoint that does not say
// which destination it vouches for cannot be trusted for any, and the next
// run of each stream re-reads from the beginning, the ledger skipping what
// the outputs already hold.
const checkpointsSchema = `
DROP TABLE IF EXISTS checkpoints;
DROP TABLE IF EXISTS outputs;
CREATE TABLE IF NOT EXISTS sync_checkpoints (
	connection  TEXT NOT NULL,
	stream      TEXT NOT NULL,
	destination TEXT NOT NULL,
	cursor      TEXT NOT NULL,
	updated_at  TEXT NOT NULL,
	PRIMARY KEY (connection, stream, destination)
);
CREATE TABLE IF NOT EXISTS output_commits (
	output         TEXT PRIMARY KEY,
	committed_size INTEGER NOT NULL,
	tail_hash      TEXT NOT NULL,
	updated_at     TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS emitted (
	output        TEXT NOT NULL,
	stream        TEXT NOT NULL,
	id            INTEGER NOT NULL,
	date_modified INTEGER NOT NULL,
	PRIMARY KEY (output, stream, id, date_modified)
) WITHOUT ROWID;`

// CheckpointKey names one checkpoint: a connection's stream synced into one
// destination (a file output's absolute path, or a name chosen for a stream
// output).
type CheckpointKey struct {
	Connection  string
	Stream      string
	Destination string
}

// String is the key for messages: "shop/orders -> /data/orders.jsonl".
func (k CheckpointKey) String() string {
	return k.Connection + "/" + k.Stream + " -> " + k.Destination
}

// SavedCheckpoint is one row of the checkpoint table.
type SavedCheckpoint struct {
	Key       CheckpointKey
	Cursor    string
	UpdatedAt time.Time // the last run that moved it
}

// Checkpoint returns the saved cursor of a key; ok is false when that stream
// has never been synced into that destination.
func (d *DB) Checkpoint(ctx context.Context, key CheckpointKey) (cursor string, ok bool, err error) {
	err = d.sql.QueryRowContext(ctx,
		`SELECT cursor FROM sync_checkpoints WHERE connection = ? AND stream = ? AND destination = ?`,
		key.Connection, key.Stream, key.Destination).Scan(&cursor)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("state: reading checkpoint %s: %w", key, err)
	}
	return cursor, true, nil
}

// SaveCheckpoint stores the cursor of a key. With synchronous FULL the cursor
// is on disk when it returns.
func (d *DB) SaveCheckpoint(ctx context.Context, key CheckpointKey, cursor string) error {
	return saveCheckpoint(ctx, d.sql, key, cursor)
}

// saveCheckpoint stores a cursor through ex: the pool, or a transaction
// that also writes what the cursor vouches for (Table.Commit).
func saveCheckpoint(ctx context.Context, ex execer, key CheckpointKey, cursor string) error {
	_, err := ex.ExecContext(ctx, `
INSERT INTO sync_checkpoints (connection, stream, destination, cursor, updated_at) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (connection, stream, destination) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at`,
		key.Connection, key.Stream, key.Destination, cursor, time.Now().UTC().Format(time.RFC3339))
	if err != nil {
		return fmt.Errorf("state: saving checkpoint %s: %w", key, err)
	}
	return nil
}

// DeleteCheckpoint forgets a key, so the next sync of that stream into that
// destination starts over; found is false when there was nothing to forget.
func (d *DB) DeleteCheckpoint(ctx context.Context, key CheckpointKey) (found bool, err error) {
	res, err := d.sql.ExecContext(ctx,
		`DELETE FROM sync_checkpoints WHERE connection = ? AND stream = ? AND destination = ?`,
		key.Connection, key.Stream, key.Destination)
	if err != nil {
		return false, fmt.Errorf("state: deleting checkpoint %s: %w", key, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("state: deleting checkpoint %s: %w", key, err)
	}
	return n > 0, deleteRecordHashes(ctx, d.sql, key)
}

// DeleteDestinationCheckpoints forgets every checkpoint into a destination,
// for when the destination lost what they vouched for.
func (d *DB) DeleteDestinationCheckpoints(ctx context.Context, destination string) error {
	if _, err := d.sql.ExecContext(ctx, `DELETE FROM sync_checkpoints WHERE destination = ?`, destination); err != nil {
		return fmt.Errorf("state: deleting the checkpoints into %s: %w", destination, err)
	}
	return deleteRecordHashes(ctx, d.sql, CheckpointKey{Destination: destination})
}

// Checkpoints lists every saved checkpoint, ordered by connection, stream and
// destination.
func (d *DB) Checkpoints(ctx context.Context) ([]SavedCheckpoint, error) {
	rows, err := d.sql.QueryContext(ctx, `
SELECT connection, stream, destination, cursor, updated_at FROM sync_checkpoints
ORDER BY connection, stream, destination`)
	if err != nil {
		return nil, fmt.Errorf("state: listing checkpoints: %w", err)
	}
	defer rows.Close()
	var out []SavedCheckpoint
	for rows.Next() {
		var c SavedCheckpoint
		var updated string
		if err := rows.Scan(&c.Key.Connection, &c.Key.Stream, &c.Key.Destination, &c.Cursor, &updated); err != nil {
			return nil, fmt.Errorf("state: listing checkpoints: %w", err)
		}
		if c.UpdatedAt, err = time.Parse(time.RFC3339, updated); err != nil {
			return nil, fmt.Errorf("state: checkpoint %s: updated_at %q: %w", c.Key, updated, err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("state: listing checkpoints: %w", err)
	}
	return out, nil
}

// EmittedKey names one version of one record written to an output: the
// record's stream and ID and its date_modified in Unix seconds.
type EmittedKey struct {
	Stream       string
	ID           int64
	DateModified int64
}

// OutputCommit is how far an output file is accounted for in the ledger:
// its size then, and a hash of the bytes just before that size (computed by
// the writer, opaque here) that tells a file replaced by hand from the one
// that was written.
type OutputCommit struct {
	Size     int64
	TailHash string
}

// OutputCommitted returns an output's commit; ok is false for an output never
// written.
func (d *DB) OutputCommitted(ctx context.Context, output string) (c OutputCommit, ok bool, err error) {
	err = d.sql.QueryRowContext(ctx, `SELECT committed_size, tail_hash FROM output_commits WHERE output = ?`, output).
		Scan(&c.Size, &c.TailHash)
	if errors.Is(err, sql.ErrNoRows) {
		return OutputCommit{}, false, nil
	}
	if err != nil {
		return OutputCommit{}, false, fmt.Errorf("state: reading output %s: %w", output, err)
	}
	return c, true, nil
}

// Emitted reports, for each key, whether the ledger already holds it for the
// output.
func (d *DB) Emitted(ctx context.Context, output string, keys []EmittedKey) ([]bool, error) {
	found := make([]bool, len(keys))
	if len(keys) == 0 {
		return found, nil
	}
	type streamID struct {
		stream string
		id     int64
	}
	want := make(map[EmittedKey][]int, len(keys))
	byStream := map[string][]int64{}
	seen := map[streamID]bool{}
	for i, k := range keys {
		want[k] = append(want[k], i)
		if !seen[streamID{k.Stream, k.ID}] {
			seen[streamID{k.Stream, k.ID}] = true
			byStream[k.Stream] = append(byStream[k.Stream], k.ID)
		}
	}
	// Chunks stay well under SQLite's limit on bound parameters.
	const chunk = 500
	for stream, ids := range byStream {
		for start := 0; start < len(ids); start += chunk {
			part := ids[start:min(start+chunk, len(ids))]
			var q strings.Builder
			q.WriteString(`SELECT id, date_modified FROM emitted WHERE output = ? AND stream = ? AND id IN (`)
			args := make([]any, 0, len(part)+2)
			args = append(args, output, stream)
			for i, id := range part {
				if i > 0 {
					q.WriteByte(',')
				}
				q.WriteString(strconv.FormatInt(id, 10))
			}
			q.WriteByte(')')
			rows, err := d.sql.QueryContext(ctx, q.String(), args...)
			if err != nil {
				return nil, fmt.Errorf("state: reading emitted ledger: %w", err)
			}
			for rows.Next() {
				var k EmittedKey
				if err := rows.Scan(&k.ID, &k.DateModified); err != nil {
					rows.Close()
					return nil, fmt.Errorf("state: reading emitted ledger: %w", err)
				}
				k.Stream = stream
				for _, i := range want[k] {
					found[i] = true
				}
			}
			if err := rows.Close(); err != nil {
				return nil, fmt.Errorf("state: reading emitted ledger: %w", err)
			}
			if err := rows.Err(); err != nil {
				return nil, fmt.Errorf("state: reading emitted ledger: %w", err)
			}
		}
	}
	return found, nil
}

// RecordEmitted adds keys to an output's ledger and sets how far the output
// file is accounted for, in one transaction. Keys already present are ignored.
func (d *DB) RecordEmitted(ctx context.Context, output string, keys []EmittedKey, commit OutputCommit) error {
	tx, err := d.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("state: recording emitted: %w", err)
	}
	defer tx.Rollback()
	if len(keys) > 0 {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO emitted (output, stream, id, date_modified) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`)
		if err != nil {
			return fmt.Errorf("state: recording emitted: %w", err)
		}
		for _, k := range keys {
			if _, err := stmt.ExecContext(ctx, output, k.Stream, k.ID, k.DateModified); err != nil {
				stmt.Close()
				return fmt.Errorf("state: recording emitted: %w", err)
			}
		}
		stmt.Close()
	}
	if _, err := tx.ExecContext(ctx, `
INSERT INTO output_commits (output, committed_size, tail_hash, updated_at) VALUES (?, ?, ?, ?)
ON CONFLICT (output) DO UPDATE SET committed_size = excluded.committed_size, tail_hash = excluded.tail_hash, updated_at = excluded.updated_at`,
		output, commit.Size, commit.TailHash, time.Now().UTC().Format(time.RFC3339)); err != nil {
		return fmt.Errorf("state: recording emitted: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("state: recording emitted: %w", err)
	}
	return nil
}

// ResetOutput forgets an output's ledger, for when its file was removed or
// cut short by hand and is rebuilt from what it now holds.
func (d *DB) ResetOutput(ctx context.Context, output string) error {
	tx, err := d.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("state: resetting output %s: %w", output, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM emitted WHERE output = ?`, output); err != nil {
		return fmt.Errorf("state: resetting output %s: %w", output, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM output_commits WHERE output = ?`, output); err != nil {
		return fmt.Errorf("state: resetting output %s: %w", output, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("state: resetting output %s: %w", output, err)
	}
	return nil
}
