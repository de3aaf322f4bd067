package state

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/jackc/pgx/v5"
)

// A table destination keeps one stream's records in a PostgreSQL table, one
// row per record (the newest version seen), and the sync's checkpoint in
// the same database, written in the same transaction as the records: a
// crash leaves both or neither, so the table holds every record exactly
// once without a ledger. The table has the columns
//
//	id            BIGINT PRIMARY KEY  the record's ID
//	date_modified TIMESTAMPTZ         the version held
//	record        JSONB               the whole record, as the sync emits it
//	synced_at     TIMESTAMPTZ         when this version was written
//
// and is created when missing.

// Record is one version of one record bound for a table.
type Record struct {
	ID           int64
	DateModified time.Time
	JSON         []byte
}

// DefaultTable names a stream's table when none is given: bigc_orders,
// bigc_products, bigc_customers.
func DefaultTable(stream string) string { return "bigc_" + stream }

// tableName is what Table accepts: an identifier PostgreSQL needs no quotes
// for, optionally qualified by a schema.
var tableName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,62}(\.[A-Za-z_][A-Za-z0-9_]{0,62})?$`)

// Table is a stream's table in a PostgreSQL database.
type Table struct {
	pg    *Postgres
	name  string // as given: "bigc_orders" or "sales.orders"
	ident string // quoted for SQL
}

// Table returns the table name, creating it when missing. A name that is
// not a plain (optionally schema-qualified) identifier is refused, naming
// what is accepted; an existing table without the destination's columns is
// refused, naming the ones it lacks.
func (p *Postgres) Table(ctx context.Context, name string) (*Table, error) {
	if !tableName.MatchString(name) {
		return nil, fmt.Errorf("table %q: want letters, digits and underscores, starting with a letter or underscore, at most 63 of them, optionally as SCHEMA.TABLE", name)
	}
	var parts pgx.Identifier
	for i, j := 0, 0; j <= len(name); j++ {
		if j == len(name) || name[j] == '.' {
			parts = append(parts, name[i:j])
			i = j + 1
		}
	}
	t := &Table{pg: p, name: name, ident: parts.Sanitize()}
	tx, err := p.sql.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("state: table %s: %w", name, err)
	}
	defer tx.Rollback()
	// Processes starting at once would race to create the table.
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('bigc table ' || ?))`, name); err != nil {
		return nil, fmt.Errorf("state: table %s: %w", name, err)
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS `+t.ident+` (
	id            BIGINT      PRIMARY KEY,
	date_modified TIMESTAMPTZ NOT NULL,
	record        JSONB       NOT NULL,
	synced_at     TIMESTAMPTZ NOT NULL
)`); err != nil {
		return nil, fmt.Errorf("state: creating table %s: %w", name, err)
	}
	var missing []string
	rows, err := tx.QueryContext(ctx, `SELECT want FROM unnest(ARRAY['id', 'date_modified', 'record', 'synced_at']) AS want
		WHERE want NOT IN (SELECT attname FROM pg_attribute WHERE attrelid = ?::regclass AND attnum > 0 AND NOT attisdropped)`, t.ident)
	if err != nil {
		return nil, fmt.Errorf("state: table %s: %w", name, err)
	}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return nil, fmt.Errorf("state: table %s: %w", name, err)
		}
		missing = append(missing, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("state: table %s: %w", name, err)
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("table %s exists but lacks the columns %v: name another table (it is created with id, date_modified, record, synced_at)", name, missing)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("state: table %s: %w", name, err)
	}
	return t, nil
}

// Name is the table's name as given.
func (t *Table) Name() string { return t.name }

// Destination names the table in checkpoint keys and messages.
func (t *Table) Destination() string { return TableDestination(t.name) }

// TableDestination is a table's name in checkpoint keys: "table bigc_orders".
func TableDestination(name string) string { return "table " + name }

// Checkpoint returns the saved cursor of key, kept beside the table.
func (t *Table) Checkpoint(ctx context.Context, key CheckpointKey) (string, bool, error) {
	return t.pg.Checkpoint(ctx, key)
}

// Commit writes records, keeping for each ID the newest date_modified
// (an older or equal version leaves the row as it is), and saves cursor
// under key (unless key is zero: a preview), in one transaction. It returns how many rows it inserted or
// brought to a newer version; the rest were already there.
func (t *Table) Commit(ctx context.Context, key CheckpointKey, records []Record, cursor string) (written int, err error) {
	tx, err := t.pg.sql.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("state: writing %s: %w", t.name, err)
	}
	defer tx.Rollback()
	if len(records) > 0 {
		// One row may be changed once per statement: keep each ID's newest.
		at := make(map[int64]int, len(records))
		ids := make([]int64, 0, len(records))
		dms := make([]time.Time, 0, len(records))
		docs := make([]string, 0, len(records))
		for _, r := range records {
			if i, ok := at[r.ID]; ok {
				if r.DateModified.After(dms[i]) {
					dms[i], docs[i] = r.DateModified, string(r.JSON)
				}
				continue
			}
			at[r.ID] = len(ids)
			ids, dms, docs = append(ids, r.ID), append(dms, r.DateModified), append(docs, string(r.JSON))
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO `+t.ident+` AS t (id, date_modified, record, synced_at)
SELECT id, dm, doc::jsonb, clock_timestamp() FROM unnest(?::bigint[], ?::timestamptz[], ?::text[]) AS u (id, dm, doc)
ON CONFLICT (id) DO UPDATE SET date_modified = excluded.date_modified, record = excluded.record, synced_at = excluded.synced_at
WHERE t.date_modified < excluded.date_modified`, ids, dms, docs)
		if err != nil {
			return 0, fmt.Errorf("state: writing %s: %w", t.name, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return 0, fmt.Errorf("state: writing %s: %w", t.name, err)
		}
		written = int(n)
	}
	if key != (CheckpointKey{}) {
		if err := saveCheckpoint(ctx, tx, key, cursor); err != nil {
			return 0, err
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("state: writing %s: %w", t.name, err)
	}
	return written, nil
}
