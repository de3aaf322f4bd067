// Package state is where bigc keeps what must survive a process: sync
// checkpoints, the emitted-record ledger, the webhook inbox, the import
// journal and leases. Store is the interface; DB is the embedded default
// (SQLite, WAL; several processes of one machine may share the file) and
// Postgres the shared one (processes on many machines). Each backend has its
// own versioned migrations, applied on open.
package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"modernc.org/sqlite" // the pure-Go SQLite driver
)

// DB is the embedded database (SQLite), and the shared code of both backends:
// a Postgres is a DB whose conn speaks to PostgreSQL.
type DB struct {
	sql *conn
}

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
	// busy_timeout first: switching a new file to WAL takes a lock that
	// processes opening it at the same moment must wait for, not fail on.
	dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("state: open %s: %w", path, err)
	}
	if err := quickCheck(ctx, db, path); err != nil {
		db.Close()
		return nil, err
	}
	if err := migrateSQLite(ctx, db, path); err != nil {
		db.Close()
		if corrupt(err) {
			return nil, &CorruptError{Path: path, Detail: err.Error()}
		}
		if errors.Is(err, ErrSchemaNewer) {
			return nil, err
		}
		return nil, fmt.Errorf("state: schema of %s: %w", path, err)
	}
	return &DB{sql: &conn{DB: db}}, nil
}

// ErrCorrupt marks a state database whose file is damaged: not a database,
// cut short, or with pages that fail SQLite's integrity check.
var ErrCorrupt = errors.New("state database is damaged")

// CorruptError is a damaged state database: which file, and what SQLite said.
type CorruptError struct {
	Path   string
	Detail string
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("state: %s: %v (%s)", e.Path, ErrCorrupt, e.Detail)
}

// Unwrap makes errors.Is(err, ErrCorrupt) hold.
func (e *CorruptError) Unwrap() error { return ErrCorrupt }

// quickCheck runs PRAGMA quick_check, which reads every page of the file, so
// that damage is named when the database is opened rather than surfacing as
// an odd error (or a wrong answer) in the middle of a sync.
func quickCheck(ctx context.Context, db *sql.DB, path string) error {
	rows, err := db.QueryContext(ctx, `PRAGMA quick_check`)
	if err != nil {
		if corrupt(err) {
			return &CorruptError{Path: path, Detail: err.Error()}
		}
		return fmt.Errorf("state: open %s: %w", path, err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return &CorruptError{Path: path, Detail: err.Error()}
		}
		if line != "ok" && len(problems) < 3 {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return &CorruptError{Path: path, Detail: err.Error()}
	}
	if len(problems) > 0 {
		return &CorruptError{Path: path, Detail: strings.Join(problems, "; ")}
	}
	return nil
}

// corrupt reports whether a SQLite error says the file is damaged.
func corrupt(err error) bool {
	const sqliteCorrupt, sqliteNotADB = 11, 26 // primary result codes
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	code := se.Code() & 0xff
	return code == sqliteCorrupt || code == sqliteNotADB
}

// Close closes the database.
func (d *DB) Close() error { return d.sql.Close() }
