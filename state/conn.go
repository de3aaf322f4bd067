package state

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
)

// conn is the connection pool the state code queries through, for either
// backend. Queries are written once, with ? placeholders and SQL that SQLite
// and PostgreSQL both accept (ON CONFLICT, RETURNING); for PostgreSQL the
// placeholders are rewritten to $1, $2, ... The few things the backends say
// differently are methods here (nowMS, skipLocked).
type conn struct {
	*sql.DB
	postgres bool
}

// ExecContext runs q with its placeholders in the backend's form.
func (c *conn) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return c.DB.ExecContext(ctx, c.rebind(q), args...)
}

// QueryContext runs q with its placeholders in the backend's form.
func (c *conn) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return c.DB.QueryContext(ctx, c.rebind(q), args...)
}

// QueryRowContext runs q with its placeholders in the backend's form.
func (c *conn) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return c.DB.QueryRowContext(ctx, c.rebind(q), args...)
}

// BeginTx starts a transaction whose queries are rewritten the same way.
func (c *conn) BeginTx(ctx context.Context, opts *sql.TxOptions) (*tx, error) {
	t, err := c.DB.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &tx{Tx: t, c: c}, nil
}

// execer is a conn or a tx: what a write that may share a transaction needs.
type execer interface {
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
}

// tx is a transaction on a conn.
type tx struct {
	*sql.Tx
	c *conn
}

// ExecContext runs q with its placeholders in the backend's form.
func (t *tx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return t.Tx.ExecContext(ctx, t.c.rebind(q), args...)
}

// QueryContext runs q with its placeholders in the backend's form.
func (t *tx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return t.Tx.QueryContext(ctx, t.c.rebind(q), args...)
}

// QueryRowContext runs q with its placeholders in the backend's form.
func (t *tx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return t.Tx.QueryRowContext(ctx, t.c.rebind(q), args...)
}

// PrepareContext prepares q with its placeholders in the backend's form.
func (t *tx) PrepareContext(ctx context.Context, q string) (*sql.Stmt, error) {
	return t.Tx.PrepareContext(ctx, t.c.rebind(q))
}

// rebind returns q for the backend: unchanged for SQLite, with each ?
// outside quotes numbered ($1, $2, ...) for PostgreSQL.
func (c *conn) rebind(q string) string {
	if !c.postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n, quoted := 0, false
	for i := 0; i < len(q); i++ {
		switch ch := q[i]; {
		case ch == '\'':
			quoted = !quoted
			b.WriteByte(ch)
		case ch == '?' && !quoted:
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(ch)
		}
	}
	return b.String()
}

// nowMS is the database's clock in Unix milliseconds, as SQL. Leases are
// timed by the database's clock, not the callers', so that machines whose
// clocks disagree still agree on when a lease ran out.
func (c *conn) nowMS() string {
	if c.postgres {
		return `(extract(epoch from clock_timestamp()) * 1000)::bigint`
	}
	return `CAST(unixepoch('subsec') * 1000 AS INTEGER)`
}

// skipLocked ends a SELECT whose rows are about to be claimed: PostgreSQL
// locks them and passes over rows another transaction is claiming; SQLite
// has one writer at a time, so a claim there needs no row locks.
func (c *conn) skipLocked() string {
	if c.postgres {
		return ` FOR UPDATE SKIP LOCKED`
	}
	return ``
}
