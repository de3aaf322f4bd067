package state

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// The content hashes of the streams BigCommerce offers no change filter for
// (brands, categories, channels, ...): such a stream is read whole, and a
// record is emitted only when its content differs from the version last
// emitted into the same destination. A row is saved before its record is
// written (Emitted false) and marked after, so a run killed in between offers
// the same version again (same hash, same Version time), which the output's
// ledger or table then takes once.
const hashesSchema = `
CREATE TABLE record_hashes (
	connection  TEXT    NOT NULL,
	stream      TEXT    NOT NULL,
	destination TEXT    NOT NULL,
	id          BIGINT  NOT NULL,
	scope       TEXT    NOT NULL,
	hash        TEXT    NOT NULL,
	version     BIGINT  NOT NULL,
	emitted     INTEGER NOT NULL,
	PRIMARY KEY (connection, stream, destination, id)
);
CREATE INDEX record_hashes_scope ON record_hashes (connection, stream, destination, scope);`

// DeletedHash is the hash of a record known deleted (its tombstone).
const DeletedHash = "deleted"

// RecordHash is the last version of one record offered to a destination.
type RecordHash struct {
	ID int64
	// Scope is the part of the stream the record was read in ("" for a
	// stream read whole; the order for an order's shipments): a record
	// missing from a re-read scope was deleted.
	Scope string
	// Hash is the content hash, or DeletedHash.
	Hash string
	// Version is the date_modified given to that version in the output.
	Version time.Time
	// Emitted is false while the version is saved but not yet known written.
	Emitted bool
}

// RecordHashes returns the saved hashes under key of the records ids and of
// every record in scope.
func (d *DB) RecordHashes(ctx context.Context, key CheckpointKey, scope string, ids []int64) (map[int64]RecordHash, error) {
	out := make(map[int64]RecordHash, len(ids))
	scan := func(q string, args ...any) error {
		rows, err := d.sql.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var h RecordHash
			var v, e int64
			if err := rows.Scan(&h.ID, &h.Scope, &h.Hash, &v, &e); err != nil {
				return err
			}
			h.Version, h.Emitted = time.Unix(v, 0).UTC(), e != 0
			out[h.ID] = h
		}
		return rows.Err()
	}
	const cols = `SELECT id, scope, hash, version, emitted FROM record_hashes WHERE connection = ? AND stream = ? AND destination = ?`
	if err := scan(cols+` AND scope = ?`, key.Connection, key.Stream, key.Destination, scope); err != nil {
		return nil, fmt.Errorf("state: reading record hashes of %s: %w", key, err)
	}
	for len(ids) > 0 {
		n := min(len(ids), 500)
		args := []any{key.Connection, key.Stream, key.Destination}
		for _, id := range ids[:n] {
			args = append(args, id)
		}
		q := cols + ` AND id IN (?` + strings.Repeat(`, ?`, n-1) + `)`
		if err := scan(q, args...); err != nil {
			return nil, fmt.Errorf("state: reading record hashes of %s: %w", key, err)
		}
		ids = ids[n:]
	}
	return out, nil
}

// SaveRecordHashes stores hashes under key, replacing each ID's row.
func (d *DB) SaveRecordHashes(ctx context.Context, key CheckpointKey, hashes []RecordHash) error {
	if len(hashes) == 0 {
		return nil
	}
	tx, err := d.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("state: saving record hashes of %s: %w", key, err)
	}
	defer tx.Rollback()
	for _, h := range hashes {
		emitted := 0
		if h.Emitted {
			emitted = 1
		}
		if _, err := tx.ExecContext(ctx, `
INSERT INTO record_hashes (connection, stream, destination, id, scope, hash, version, emitted) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (connection, stream, destination, id) DO UPDATE SET scope = excluded.scope, hash = excluded.hash, version = excluded.version, emitted = excluded.emitted`,
			key.Connection, key.Stream, key.Destination, h.ID, h.Scope, h.Hash, h.Version.Unix(), emitted); err != nil {
			return fmt.Errorf("state: saving record hashes of %s: %w", key, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("state: saving record hashes of %s: %w", key, err)
	}
	return nil
}

// deleteRecordHashes forgets the hashes of a checkpoint (or, with an empty
// stream and connection, of a whole destination), so the next run emits every
// record again: they go with the checkpoint that vouched for the output.
func deleteRecordHashes(ctx context.Context, ex execer, key CheckpointKey) error {
	q, args := `DELETE FROM record_hashes WHERE destination = ?`, []any{key.Destination}
	if key.Stream != "" {
		q += ` AND connection = ? AND stream = ?`
		args = append(args, key.Connection, key.Stream)
	}
	if _, err := ex.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("state: forgetting record hashes of %s: %w", key, err)
	}
	return nil
}
