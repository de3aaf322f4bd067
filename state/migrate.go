package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// ErrSchemaNewer marks a state database written by a newer bigc: its schema
// has migrations this binary does not know, so it refuses to touch it rather
// than misread it.
var ErrSchemaNewer = errors.New("state database schema is newer than this bigc knows")

// SchemaNewerError is a state database whose schema version is past the
// binary's newest migration.
type SchemaNewerError struct {
	Where   string // the file, or the PostgreSQL URL without its password
	Version int    // the database's schema version
	Known   int    // the newest version this binary knows
}

func (e *SchemaNewerError) Error() string {
	return fmt.Sprintf("state: %s has schema version %d but this bigc knows versions up to %d (%v): use the newer bigc that wrote it",
		e.Where, e.Version, e.Known, ErrSchemaNewer)
}

// Unwrap makes errors.Is(err, ErrSchemaNewer) hold.
func (e *SchemaNewerError) Unwrap() error { return ErrSchemaNewer }

// SchemaVersion is the newest schema version this binary knows for each
// backend: the number of migrations in its history.
func SchemaVersion(postgres bool) int {
	if postgres {
		return len(postgresMigrations)
	}
	return len(sqliteMigrations)
}

// migrateSQLite applies the SQLite migrations the file lacks, all in one
// transaction, and records the version in PRAGMA user_version. BEGIN
// IMMEDIATE takes the write lock before the version is read, so processes
// opening one file at the same moment migrate it once.
func migrateSQLite(ctx context.Context, db *sql.DB, where string) (err error) {
	c, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, `BEGIN IMMEDIATE`); err != nil {
		return err
	}
	defer func() {
		if err != nil {
			c.ExecContext(context.WithoutCancel(ctx), `ROLLBACK`)
		}
	}()
	var version int
	if err := c.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&version); err != nil {
		return err
	}
	if err := apply(ctx, version, sqliteMigrations, where, func(q string) error {
		_, err := c.ExecContext(ctx, q)
		return err
	}); err != nil {
		return err
	}
	if version < len(sqliteMigrations) {
		// PRAGMA takes no parameters; the number is the binary's own.
		if _, err := c.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, len(sqliteMigrations))); err != nil {
			return err
		}
	}
	_, err = c.ExecContext(ctx, `COMMIT`)
	return err
}

// migratePostgres applies the PostgreSQL migrations the schema lacks, all in
// one transaction, and records the version in bigc_schema_version. An
// advisory lock on the schema's name makes processes that open one database
// at the same moment migrate it once.
func migratePostgres(ctx context.Context, db *sql.DB, where string) error {
	t, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer t.Rollback()
	if _, err := t.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('bigc schema ' || current_schema()))`); err != nil {
		return err
	}
	if _, err := t.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS bigc_schema_version (version INTEGER NOT NULL)`); err != nil {
		return err
	}
	var version int
	if err := t.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM bigc_schema_version`).Scan(&version); err != nil {
		return err
	}
	if err := apply(ctx, version, postgresMigrations, where, func(q string) error {
		_, err := t.ExecContext(ctx, q)
		return err
	}); err != nil {
		return err
	}
	if version < len(postgresMigrations) {
		if _, err := t.ExecContext(ctx, `DELETE FROM bigc_schema_version`); err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, `INSERT INTO bigc_schema_version (version) VALUES ($1)`, len(postgresMigrations)); err != nil {
			return err
		}
	}
	return t.Commit()
}

// apply runs the migrations after version, or refuses a version past them.
func apply(ctx context.Context, version int, history []string, where string, exec func(string) error) error {
	if version > len(history) {
		return &SchemaNewerError{Where: where, Version: version, Known: len(history)}
	}
	for i := version; i < len(history); i++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := exec(history[i]); err != nil {
			return fmt.Errorf("migration %d: %w", i+1, err)
		}
	}
	return nil
}
