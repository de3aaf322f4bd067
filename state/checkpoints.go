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

// checkpointsSchema holds the sync's tables:
//   - checkpoints: where each (connection, stream) sync stands; the cursor is
//     opaque text owned by package syncer.
//   - outputs: for each output file, the size up to which its lines are
//     recorded in the ledger. Bytes past it were written by a writer that died
//     before recording them; the next writer reconciles them.
//   - emitted: the ledger of every record version written to an output file,
//     keyed by (stream, id, date_modified), so that a poll-driven sync and a
//     webhook receiver appending to the same file never write one twice.
const checkpointsSchema = `
CREATE TABLE IF NOT EXISTS checkpoints (
	connection TEXT NOT NULL,
	stream     TEXT NOT NULL,
	cursor     TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	PRIMARY KEY (connection, stream)
);
CREATE TABLE IF NOT EXISTS outputs (
	output         TEXT PRIMARY KEY,
	committed_size INTEGER NOT NULL,
	updated_at     TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS emitted (
	output        TEXT NOT NULL,
	stream        TEXT NOT NULL,
	id            INTEGER NOT NULL,
	date_modified INTEGER NOT NULL,
	PRIMARY KEY (output, stream, id, date_modified)
) WITHOUT ROWID;`

// Checkpoint returns the saved cursor of a connection's stream; ok is false
// when the stream has never been synced.
func (d *DB) Checkpoint(ctx context.Context, connection, stream string) (cursor string, ok bool, err error) {
	err = d.sql.QueryRowContext(ctx,
		`SELECT cursor FROM checkpoints WHERE connection = ? AND stream = ?`, connection, stream).Scan(&cursor)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("state: reading checkpoint %s/%s: %w", connection, stream, err)
	}
	return cursor, true, nil
}

// SaveCheckpoint stores the cursor of a connection's stream. With synchronous
// FULL the cursor is on disk when it returns.
func (d *DB) SaveCheckpoint(ctx context.Context, connection, stream, cursor string) error {
	_, err := d.sql.ExecContext(ctx, `
INSERT INTO checkpoints (connection, stream, cursor, updated_at) VALUES (?, ?, ?, ?)
ON CONFLICT (connection, stream) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at`,
		connection, stream, cursor, time.Now().UTC().Format(time.RFC3339))
	if err != nil {
		return fmt.Errorf("state: saving checkpoint %s/%s: %w", connection, stream, err)
	}
	return nil
}

// DeleteCheckpoint forgets a connection's stream, so its next sync starts over.
func (d *DB) DeleteCheckpoint(ctx context.Context, connection, stream string) error {
	_, err := d.sql.ExecContext(ctx, `DELETE FROM checkpoints WHERE connection = ? AND stream = ?`, connection, stream)
	if err != nil {
		return fmt.Errorf("state: deleting checkpoint %s/%s: %w", connection, stream, err)
	}
	return nil
}

// EmittedKey names one version of one record written to an output: the
// record's stream and ID and its date_modified in Unix seconds.
type EmittedKey struct {
	Stream       string
	ID           int64
	DateModified int64
}

// OutputSize returns the size up to which an output file's lines are in the
// ledger; ok is false for an output never written.
func (d *DB) OutputSize(ctx context.Context, output string) (size int64, ok bool, err error) {
	err = d.sql.QueryRowContext(ctx, `SELECT committed_size FROM outputs WHERE output = ?`, output).Scan(&size)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("state: reading output %s: %w", output, err)
	}
	return size, true, nil
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

// RecordEmitted adds keys to an output's ledger and sets the size up to which
// the output file is accounted for, in one transaction. Keys already present
// are ignored.
func (d *DB) RecordEmitted(ctx context.Context, output string, keys []EmittedKey, size int64) error {
	tx, err := d.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("state: recording emitted: %w", err)
	}
	defer tx.Rollback()
	if len(keys) > 0 {
		stmt, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO emitted (output, stream, id, date_modified) VALUES (?, ?, ?, ?)`)
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
INSERT INTO outputs (output, committed_size, updated_at) VALUES (?, ?, ?)
ON CONFLICT (output) DO UPDATE SET committed_size = excluded.committed_size, updated_at = excluded.updated_at`,
		output, size, time.Now().UTC().Format(time.RFC3339)); err != nil {
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
	if _, err := tx.ExecContext(ctx, `DELETE FROM outputs WHERE output = ?`, output); err != nil {
		return fmt.Errorf("state: resetting output %s: %w", output, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("state: resetting output %s: %w", output, err)
	}
	return nil
}
