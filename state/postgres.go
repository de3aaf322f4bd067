package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"

	_ "github.com/jackc/pgx/v5/stdlib" // the PostgreSQL driver, as "pgx"
)

// Postgres is the state in a PostgreSQL database, shared by bigc processes on
// any number of machines. It runs the same queries as the SQLite backend
// (DB; conn rewrites the placeholders), with its own migration history,
// row locks where workers claim inbox events, and the database's clock for
// leases. Its tables live in the connection's current schema: add
// ?search_path=NAME to the URL to keep them apart from others.
type Postgres struct {
	*DB
	where string
}

// OpenPostgres connects to the database at url (postgres://...) and brings
// its bigc tables up to date.
func OpenPostgres(ctx context.Context, rawURL string) (*Postgres, error) {
	where := RedactURL(rawURL)
	db, err := sql.Open("pgx", rawURL)
	if err != nil {
		return nil, fmt.Errorf("state: %s: %w", where, err)
	}
	// Enough for a sync's writer, a receiver's group commits and its
	// workers, without crowding a server many processes share.
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("state: connecting to %s: %w", where, err)
	}
	if err := migratePostgres(ctx, db, where); err != nil {
		db.Close()
		if errors.Is(err, ErrSchemaNewer) {
			return nil, err
		}
		return nil, fmt.Errorf("state: schema of %s: %w", where, err)
	}
	return &Postgres{DB: &DB{sql: &conn{DB: db, postgres: true}}, where: where}, nil
}

// String names the database without its password.
func (p *Postgres) String() string { return p.where }

// RedactURL returns a PostgreSQL URL fit for messages: the password, if any,
// replaced by xxxxx. A value that does not parse is not shown at all.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "the PostgreSQL URL (which does not parse)"
	}
	return u.Redacted()
}
