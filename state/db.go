// Package state is bigc's embedded local database (SQLite, WAL): sync
// checkpoints, the webhook inbox and the emitted-record ledger. Several
// processes may share one file: a sync, the MCP server and a webhook receiver.
package state

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver
)

// DB is the embedded database.
type DB struct {
	sql *sql.DB
}

// schemas are applied in order when a database is opened; each is owned by the
// file that uses its tables and must be idempotent (CREATE ... IF NOT EXISTS).
var schemas = []string{checkpointsSchema, inboxSchema}

// Open opens (creating if needed) the database at path with mode 0600.
func Open(ctx context.Context, path string) (*DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("state: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("state: %w", err)
	}
	f.Close()
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("state: open %s: %w", path, err)
	}
	for _, s := range schemas {
		if _, err := db.ExecContext(ctx, s); err != nil {
			db.Close()
			return nil, fmt.Errorf("state: schema: %w", err)
		}
	}
	return &DB{sql: db}, nil
}

// Close closes the database.
func (d *DB) Close() error { return d.sql.Close() }
