package state

import (
	"context"
	"fmt"
	"time"
)

// importsSchemaSQLite is the import journal: one row per input row applied to the
// store, keyed by the import's identity (kind, connection and the file's
// SHA-256, made by package importer) and the row's line number. A row is
// written only once the store holds it, so a rerun skips it without a single
// request; rows not in the journal are looked up in the store again (by SKU or
// email) before anything is written, which is what makes a killed import safe
// to rerun.
const importsSchemaSQLite = importRowsTable + ` WITHOUT ROWID;`

// importsSchemaPostgres is the same table in PostgreSQL, which has no
// WITHOUT ROWID clause.
const importsSchemaPostgres = importRowsTable + `;`

// importRowsTable is the import journal's table as both backends write it.
const importRowsTable = `
CREATE TABLE import_rows (
	import     TEXT    NOT NULL,
	line       INTEGER NOT NULL,
	outcome    TEXT    NOT NULL,
	ref        TEXT    NOT NULL,
	applied_at TEXT    NOT NULL,
	PRIMARY KEY (import, line)
)`

// ImportRow is one journaled row: its line, what was done (created, updated,
// unchanged) and the store record it went to (e.g. "product 112").
type ImportRow struct {
	Line    int
	Outcome string
	Ref     string
}

// ImportedRows returns the journaled rows of an import whose lines are in
// [from, to], by line.
func (d *DB) ImportedRows(ctx context.Context, importID string, from, to int) (map[int]ImportRow, error) {
	rows, err := d.sql.QueryContext(ctx,
		`SELECT line, outcome, ref FROM import_rows WHERE import = ? AND line BETWEEN ? AND ?`, importID, from, to)
	if err != nil {
		return nil, fmt.Errorf("state: reading the import journal: %w", err)
	}
	defer rows.Close()
	out := map[int]ImportRow{}
	for rows.Next() {
		var r ImportRow
		if err := rows.Scan(&r.Line, &r.Outcome, &r.Ref); err != nil {
			return nil, fmt.Errorf("state: reading the import journal: %w", err)
		}
		out[r.Line] = r
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("state: reading the import journal: %w", err)
	}
	return out, nil
}

// RecordImportRows journals rows of an import in one transaction; with
// synchronous FULL they are on disk when it returns. Recording a line again
// keeps the first outcome.
func (d *DB) RecordImportRows(ctx context.Context, importID string, rows []ImportRow) error {
	if len(rows) == 0 {
		return nil
	}
	tx, err := d.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("state: journaling import rows: %w", err)
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO import_rows (import, line, outcome, ref, applied_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`)
	if err != nil {
		return fmt.Errorf("state: journaling import rows: %w", err)
	}
	defer stmt.Close()
	now := time.Now().UTC().Format(time.RFC3339)
	for _, r := range rows {
		if _, err := stmt.ExecContext(ctx, importID, r.Line, r.Outcome, r.Ref, now); err != nil {
			return fmt.Errorf("state: journaling import row %d: %w", r.Line, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("state: journaling import rows: %w", err)
	}
	return nil
}
