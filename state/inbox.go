package state

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// The webhook inbox: every accepted callback is a row, written before the
// receiver answers 200, so a crash after the answer loses nothing. Times are
// Unix milliseconds so that "due" is an integer comparison on an index.
// Frozen: this is part of SQLite migration 1 (migrations.go).
const inboxSchema = `
CREATE TABLE IF NOT EXISTS inbox (
	seq             INTEGER PRIMARY KEY AUTOINCREMENT,
	connection      TEXT    NOT NULL,
	dedupe_key      TEXT    NOT NULL,
	scope           TEXT    NOT NULL,
	stream          TEXT    NOT NULL DEFAULT '',
	resource_id     INTEGER NOT NULL DEFAULT 0,
	payload         BLOB    NOT NULL,
	status          TEXT    NOT NULL DEFAULT 'pending',
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_attempt_at INTEGER NOT NULL,
	last_error      TEXT    NOT NULL DEFAULT '',
	received_at     INTEGER NOT NULL,
	finished_at     INTEGER,
	UNIQUE (connection, dedupe_key)
);
CREATE INDEX IF NOT EXISTS inbox_due ON inbox (connection, status, next_attempt_at);
CREATE INDEX IF NOT EXISTS inbox_resource ON inbox (connection, stream, resource_id, status);`

// InboxStatus is where an inbox event is in its life.
type InboxStatus string

// The inbox statuses. Pending and held events are still owed to the output;
// done and dropped are final and kept only to recognise late duplicates.
const (
	InboxPending InboxStatus = "pending" // waiting for (another) processing attempt
	InboxHeld    InboxStatus = "held"    // an incomplete order, re-checked until it becomes real
	InboxDone    InboxStatus = "done"    // emitted (or nothing to emit)
	InboxDropped InboxStatus = "dropped" // deliberately not emitted (e.g. --incomplete drop)
)

// InboxEvent is one accepted webhook callback.
type InboxEvent struct {
	Seq           int64 // assigned by InboxAdd
	Connection    string
	DedupeKey     string // equal keys are the same event: later copies are refused
	Scope         string
	Stream        string // "orders", "products", "customers", or "" when not emitted
	ResourceID    int64
	Payload       []byte
	Status        InboxStatus
	Attempts      int
	NextAttemptAt time.Time
	LastError     string
	ReceivedAt    time.Time
}

// InboxAdd stores events in one transaction (one disk sync for the whole
// batch, which is what lets the receiver group-commit concurrent callbacks).
// added[i] reports whether events[i] was new; false means an event with the
// same connection and dedupe key was already in the inbox. Seq and Status are
// set on the new events.
func (d *DB) InboxAdd(ctx context.Context, events []InboxEvent) (added []bool, err error) {
	if len(events) == 0 {
		return nil, nil
	}
	for i, e := range events {
		if e.Connection == "" || e.DedupeKey == "" || e.Scope == "" {
			return nil, fmt.Errorf("state: inbox event %d: connection, dedupe key and scope are required", i)
		}
	}
	tx, err := d.sql.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("state: inbox: %w", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO inbox
		(connection, dedupe_key, scope, stream, resource_id, payload, status, next_attempt_at, received_at)
		VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)
		ON CONFLICT (connection, dedupe_key) DO NOTHING
		RETURNING seq`)
	if err != nil {
		return nil, fmt.Errorf("state: inbox: %w", err)
	}
	defer stmt.Close()
	added = make([]bool, len(events))
	for i := range events {
		e := &events[i]
		recv := e.ReceivedAt
		if recv.IsZero() {
			recv = time.Now()
		}
		next := e.NextAttemptAt
		if next.IsZero() {
			next = recv
		}
		var seq int64
		err := stmt.QueryRowContext(ctx, e.Connection, e.DedupeKey, e.Scope, e.Stream, e.ResourceID,
			e.Payload, next.UnixMilli(), recv.UnixMilli()).Scan(&seq)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			continue
		case err != nil:
			return nil, fmt.Errorf("state: inbox add: %w", err)
		}
		added[i] = true
		e.Seq, e.Status, e.ReceivedAt, e.NextAttemptAt = seq, InboxPending, recv, next
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("state: inbox commit: %w", err)
	}
	return added, nil
}

const inboxColumns = `seq, connection, dedupe_key, scope, stream, resource_id, payload, status,
	attempts, next_attempt_at, last_error, received_at`

func scanInbox(rows *sql.Rows) ([]InboxEvent, error) {
	defer rows.Close()
	var out []InboxEvent
	for rows.Next() {
		var e InboxEvent
		var next, recv int64
		var status string
		if err := rows.Scan(&e.Seq, &e.Connection, &e.DedupeKey, &e.Scope, &e.Stream, &e.ResourceID,
			&e.Payload, &status, &e.Attempts, &next, &e.LastError, &recv); err != nil {
			return nil, fmt.Errorf("state: inbox: %w", err)
		}
		e.Status = InboxStatus(status)
		e.NextAttemptAt = time.UnixMilli(next)
		e.ReceivedAt = time.UnixMilli(recv)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("state: inbox: %w", err)
	}
	return out, nil
}

// InboxDue returns up to limit pending or held events of connection whose
// next attempt is at or before now, oldest first.
func (d *DB) InboxDue(ctx context.Context, connection string, now time.Time, limit int) ([]InboxEvent, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := d.sql.QueryContext(ctx, `SELECT `+inboxColumns+` FROM inbox
		WHERE connection = ? AND status IN ('pending', 'held') AND next_attempt_at <= ?
		ORDER BY next_attempt_at, seq LIMIT ?`, connection, now.UnixMilli(), limit)
	if err != nil {
		return nil, fmt.Errorf("state: inbox due: %w", err)
	}
	return scanInbox(rows)
}

// InboxClaim claims up to limit of connection's events that are due at now
// and not claimed by another worker, oldest first, for claimant until
// now+hold (a claimant may take its own claimed events again). Workers sharing one inbox (several receivers behind a load
// balancer) each get different events; an event whose worker died is
// claimable again once its claim has run out. Finishing or deferring an
// event ends its claim.
func (d *DB) InboxClaim(ctx context.Context, connection, claimant string, now time.Time, limit int, hold time.Duration) ([]InboxEvent, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := d.sql.QueryContext(ctx, `UPDATE inbox SET claimed_by = ?, claim_until = ?
		WHERE seq IN (SELECT seq FROM inbox
			WHERE connection = ? AND status IN ('pending', 'held') AND next_attempt_at <= ? AND (claim_until <= ? OR claimed_by = ?)
			ORDER BY next_attempt_at, seq LIMIT ?`+d.sql.skipLocked()+`)
		RETURNING `+inboxColumns,
		claimant, now.Add(hold).UnixMilli(), connection, now.UnixMilli(), now.UnixMilli(), claimant, limit)
	if err != nil {
		return nil, fmt.Errorf("state: inbox claim: %w", err)
	}
	events, err := scanInbox(rows)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(events, func(a, b InboxEvent) int {
		if c := a.NextAttemptAt.Compare(b.NextAttemptAt); c != 0 {
			return c
		}
		return cmp.Compare(a.Seq, b.Seq)
	})
	return events, nil
}

// InboxList returns the events of connection with the given statuses (all
// statuses when none are given), oldest first.
func (d *DB) InboxList(ctx context.Context, connection string, statuses ...InboxStatus) ([]InboxEvent, error) {
	q := `SELECT ` + inboxColumns + ` FROM inbox WHERE connection = ?`
	args := []any{connection}
	if len(statuses) > 0 {
		q += ` AND status IN (?` + strings.Repeat(", ?", len(statuses)-1) + `)`
		for _, s := range statuses {
			args = append(args, string(s))
		}
	}
	rows, err := d.sql.QueryContext(ctx, q+` ORDER BY seq`, args...)
	if err != nil {
		return nil, fmt.Errorf("state: inbox list: %w", err)
	}
	return scanInbox(rows)
}

// InboxNextDue returns when the earliest pending or held event of connection
// is due (or, when another worker has claimed it, claimable again); ok is
// false when none is owed.
func (d *DB) InboxNextDue(ctx context.Context, connection string) (next time.Time, ok bool, err error) {
	var ms sql.NullInt64
	err = d.sql.QueryRowContext(ctx, `SELECT MIN(CASE WHEN claim_until > next_attempt_at THEN claim_until ELSE next_attempt_at END)
		FROM inbox WHERE connection = ? AND status IN ('pending', 'held')`, connection).Scan(&ms)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("state: inbox: %w", err)
	}
	if !ms.Valid {
		return time.Time{}, false, nil
	}
	return time.UnixMilli(ms.Int64), true, nil
}

// InboxFinish marks an event done or dropped; note says why (kept in last_error
// for dropped events, so an operator can see the reason).
func (d *DB) InboxFinish(ctx context.Context, seq int64, status InboxStatus, note string, at time.Time) error {
	return d.InboxFinishMany(ctx, []int64{seq}, status, note, at)
}

// InboxFinishMany marks several events done or dropped in one transaction.
func (d *DB) InboxFinishMany(ctx context.Context, seqs []int64, status InboxStatus, note string, at time.Time) (err error) {
	if status != InboxDone && status != InboxDropped {
		return fmt.Errorf("state: inbox finish: status %q is not final (want %q or %q)", status, InboxDone, InboxDropped)
	}
	if len(seqs) == 0 {
		return nil
	}
	tx, err := d.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("state: inbox finish: %w", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	for _, seq := range seqs {
		if _, err := tx.ExecContext(ctx, `UPDATE inbox SET status = ?, last_error = ?, finished_at = ?
			WHERE seq = ?`, string(status), note, at.UnixMilli(), seq); err != nil {
			return fmt.Errorf("state: inbox finish: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("state: inbox finish: %w", err)
	}
	return nil
}

// InboxDefer puts an event back for a later attempt: pending after a failure,
// held for an incomplete order.
func (d *DB) InboxDefer(ctx context.Context, seq int64, status InboxStatus, attempts int, next time.Time, lastError string) error {
	if status != InboxPending && status != InboxHeld {
		return fmt.Errorf("state: inbox defer: status %q is final (want %q or %q)", status, InboxPending, InboxHeld)
	}
	_, err := d.sql.ExecContext(ctx, `UPDATE inbox SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ?,
		claimed_by = '', claim_until = 0 WHERE seq = ?`, string(status), attempts, next.UnixMilli(), lastError, seq)
	if err != nil {
		return fmt.Errorf("state: inbox defer: %w", err)
	}
	return nil
}

// InboxSettleHeld marks done every held event for one record: once the record
// has been emitted as a real one, the events that waited for it are answered.
func (d *DB) InboxSettleHeld(ctx context.Context, connection, stream string, id int64, at time.Time) (int64, error) {
	res, err := d.sql.ExecContext(ctx, `UPDATE inbox SET status = 'done', finished_at = ?, last_error = ''
		WHERE connection = ? AND stream = ? AND resource_id = ? AND status = 'held'`,
		at.UnixMilli(), connection, stream, id)
	if err != nil {
		return 0, fmt.Errorf("state: inbox settle: %w", err)
	}
	return res.RowsAffected()
}

// InboxCounts counts connection's events by status.
func (d *DB) InboxCounts(ctx context.Context, connection string) (map[InboxStatus]int, error) {
	rows, err := d.sql.QueryContext(ctx, `SELECT status, COUNT(*) FROM inbox WHERE connection = ? GROUP BY status`, connection)
	if err != nil {
		return nil, fmt.Errorf("state: inbox counts: %w", err)
	}
	defer rows.Close()
	out := map[InboxStatus]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, fmt.Errorf("state: inbox counts: %w", err)
		}
		out[InboxStatus(s)] = n
	}
	return out, rows.Err()
}

// InboxPrune deletes connection's final events that finished before before.
// They are kept that long only so that a late duplicate is still recognised;
// BigCommerce stops retrying about 48 hours after the first attempt.
func (d *DB) InboxPrune(ctx context.Context, connection string, before time.Time) (int64, error) {
	res, err := d.sql.ExecContext(ctx, `DELETE FROM inbox WHERE connection = ? AND status IN ('done', 'dropped')
		AND finished_at < ?`, connection, before.UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("state: inbox prune: %w", err)
	}
	return res.RowsAffected()
}
