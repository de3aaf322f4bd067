package state

import (
	"context"
	"fmt"
	"time"
)

// The deletions webhooks report (store/product/deleted,
// store/customer/deleted, store/category/deleted, store/shipment/deleted,
// store/order/archived): the webhook worker records each one here, and the
// next sync of the stream into each destination writes a tombstone for it.
// A deletion is owed to a destination until the destination's record hashes
// (hashes.go) hold the record as deleted and emitted, which the sync saves
// after writing the tombstone: so each destination gets it once, whenever
// it next runs, and never again. One row per record: BigCommerce never
// reuses an ID, and a redelivered event adds nothing.
const deletionsSchema = `
CREATE TABLE deletions (
	connection TEXT   NOT NULL,
	stream     TEXT   NOT NULL,
	id         BIGINT NOT NULL,
	deleted_at BIGINT NOT NULL,
	scope      TEXT   NOT NULL,
	PRIMARY KEY (connection, stream, id)
);`

// Deletion is a record a webhook reported deleted (or, for an order,
// archived).
type Deletion struct {
	Connection string
	Stream     string
	ID         int64
	// At is when BigCommerce sent the event (its created_at), to the second.
	At time.Time
	// Scope is the webhook scope that reported it.
	Scope string
}

// RecordDeletions stores deletions in one transaction; a record already
// recorded keeps its first report. It returns how many were new.
func (d *DB) RecordDeletions(ctx context.Context, dels []Deletion) (added int, err error) {
	if len(dels) == 0 {
		return 0, nil
	}
	for i, del := range dels {
		if del.Connection == "" || del.Stream == "" || del.ID <= 0 || del.At.IsZero() || del.Scope == "" {
			return 0, fmt.Errorf("state: deletion %d: connection, stream, a positive id, a time and a scope are required", i)
		}
	}
	tx, err := d.sql.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("state: recording deletions: %w", err)
	}
	defer tx.Rollback()
	for _, del := range dels {
		res, err := tx.ExecContext(ctx, `INSERT INTO deletions (connection, stream, id, deleted_at, scope) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (connection, stream, id) DO NOTHING`, del.Connection, del.Stream, del.ID, del.At.Unix(), del.Scope)
		if err != nil {
			return 0, fmt.Errorf("state: recording deletions: %w", err)
		}
		if n, err := res.RowsAffected(); err == nil {
			added += int(n)
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("state: recording deletions: %w", err)
	}
	return added, nil
}

// OwedDeletions returns the deletions of key's connection and stream that
// key's destination has not emitted as tombstones (its record hashes do not
// hold the record as deleted and emitted) and that were reported at or after
// since, oldest first.
func (d *DB) OwedDeletions(ctx context.Context, key CheckpointKey, since time.Time) ([]Deletion, error) {
	rows, err := d.sql.QueryContext(ctx, `SELECT d.id, d.deleted_at, d.scope FROM deletions d
WHERE d.connection = ? AND d.stream = ? AND d.deleted_at >= ? AND NOT EXISTS (
	SELECT 1 FROM record_hashes h WHERE h.connection = d.connection AND h.stream = d.stream AND h.destination = ?
		AND h.id = d.id AND h.hash = ? AND h.emitted = 1)
ORDER BY d.deleted_at, d.id`, key.Connection, key.Stream, since.Unix(), key.Destination, DeletedHash)
	if err != nil {
		return nil, fmt.Errorf("state: reading deletions owed to %s: %w", key, err)
	}
	defer rows.Close()
	var out []Deletion
	for rows.Next() {
		del := Deletion{Connection: key.Connection, Stream: key.Stream}
		var at int64
		if err := rows.Scan(&del.ID, &at, &del.Scope); err != nil {
			return nil, fmt.Errorf("state: reading deletions owed to %s: %w", key, err)
		}
		del.At = time.Unix(at, 0).UTC()
		out = append(out, del)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("state: reading deletions owed to %s: %w", key, err)
	}
	return out, nil
}
