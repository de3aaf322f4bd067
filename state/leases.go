package state

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"time"
)

// Leases make one process, on any machine sharing the state, the only
// writer of something: a sync of one (connection, stream), an import, a
// webhook worker. A lease is a row naming its holder and when it runs out;
// the holder renews it (a heartbeat) well before then, and a holder that
// dies (SIGKILL, a lost machine) stops renewing, so the lease runs out and
// another process takes it over, resuming from the last checkpoint. The
// database's clock times leases, so machines whose clocks disagree still
// agree on when one ran out.
//
// Names are "kind/part/part", e.g. "sync/shop/orders" (SyncLeaseName); the
// importer and webhook workers use their own kinds.

// DefaultLeaseTTL is how long a lease lasts without a heartbeat: how long a
// dead holder keeps others waiting.
const DefaultLeaseTTL = 30 * time.Second

// LeaseInfo is one lease: who holds it and until when.
type LeaseInfo struct {
	Name       string
	Holder     string // a description for people: "host pid 123"
	AcquiredAt time.Time
	RenewedAt  time.Time
	ExpiresAt  time.Time
}

// SyncLeaseName names the lease of a connection's stream sync.
func SyncLeaseName(connection, stream string) string { return "sync/" + connection + "/" + stream }

// TryLease takes the lease name for holder for ttl when it is free, has run
// out, or is already held under token (token is the holder's private proof
// of holding it; each acquisition makes a new one). ok is false when another
// holds it; info then says who.
func (d *DB) TryLease(ctx context.Context, name, holder, token string, ttl time.Duration) (info LeaseInfo, ok bool, err error) {
	now := d.sql.nowMS()
	for range 3 {
		var acq, ren, exp int64
		err = d.sql.QueryRowContext(ctx, `
INSERT INTO leases (name, holder, token, acquired_at, renewed_at, expires_at)
VALUES (?, ?, ?, `+now+`, `+now+`, `+now+` + ?)
ON CONFLICT (name) DO UPDATE SET
	holder = excluded.holder, token = excluded.token,
	acquired_at = CASE WHEN leases.token = excluded.token THEN leases.acquired_at ELSE excluded.acquired_at END,
	renewed_at = excluded.renewed_at, expires_at = excluded.expires_at
WHERE leases.expires_at <= excluded.renewed_at OR leases.token = excluded.token
RETURNING acquired_at, renewed_at, expires_at`, name, holder, token, ttl.Milliseconds()).Scan(&acq, &ren, &exp)
		if err == nil {
			return LeaseInfo{name, holder, time.UnixMilli(acq), time.UnixMilli(ren), time.UnixMilli(exp)}, true, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return LeaseInfo{}, false, fmt.Errorf("state: taking lease %s: %w", name, err)
		}
		info.Name = name
		err = d.sql.QueryRowContext(ctx, `SELECT holder, acquired_at, renewed_at, expires_at FROM leases WHERE name = ?`, name).
			Scan(&info.Holder, &acq, &ren, &exp)
		if errors.Is(err, sql.ErrNoRows) {
			continue // released in between: try again
		}
		if err != nil {
			return LeaseInfo{}, false, fmt.Errorf("state: reading lease %s: %w", name, err)
		}
		info.AcquiredAt, info.RenewedAt, info.ExpiresAt = time.UnixMilli(acq), time.UnixMilli(ren), time.UnixMilli(exp)
		return info, false, nil
	}
	return LeaseInfo{}, false, fmt.Errorf("state: taking lease %s: it changed hands three times while asked for", name)
}

// RenewLease extends a lease held under token to ttl from now; ok is false
// when the lease is no longer the caller's (it ran out and another took it,
// or it was released).
func (d *DB) RenewLease(ctx context.Context, name, token string, ttl time.Duration) (ok bool, err error) {
	now := d.sql.nowMS()
	res, err := d.sql.ExecContext(ctx, `UPDATE leases SET renewed_at = `+now+`, expires_at = `+now+` + ?
		WHERE name = ? AND token = ?`, ttl.Milliseconds(), name, token)
	if err != nil {
		return false, fmt.Errorf("state: renewing lease %s: %w", name, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("state: renewing lease %s: %w", name, err)
	}
	return n == 1, nil
}

// ReleaseLease gives up a lease held under token, so a waiting process takes
// it at once; a lease no longer the caller's is left alone.
func (d *DB) ReleaseLease(ctx context.Context, name, token string) error {
	if _, err := d.sql.ExecContext(ctx, `DELETE FROM leases WHERE name = ? AND token = ?`, name, token); err != nil {
		return fmt.Errorf("state: releasing lease %s: %w", name, err)
	}
	return nil
}

// Leases lists the leases, held or run out but not yet taken over, by name.
func (d *DB) Leases(ctx context.Context) ([]LeaseInfo, error) {
	rows, err := d.sql.QueryContext(ctx, `SELECT name, holder, acquired_at, renewed_at, expires_at FROM leases ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("state: listing leases: %w", err)
	}
	defer rows.Close()
	var out []LeaseInfo
	for rows.Next() {
		var l LeaseInfo
		var acq, ren, exp int64
		if err := rows.Scan(&l.Name, &l.Holder, &acq, &ren, &exp); err != nil {
			return nil, fmt.Errorf("state: listing leases: %w", err)
		}
		l.AcquiredAt, l.RenewedAt, l.ExpiresAt = time.UnixMilli(acq), time.UnixMilli(ren), time.UnixMilli(exp)
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("state: listing leases: %w", err)
	}
	return out, nil
}

// Leaser is what a Lease needs of a store.
type Leaser interface {
	TryLease(ctx context.Context, name, holder, token string, ttl time.Duration) (LeaseInfo, bool, error)
	RenewLease(ctx context.Context, name, token string, ttl time.Duration) (bool, error)
	ReleaseLease(ctx context.Context, name, token string) error
}

// ErrLeaseHeld marks a lease another process holds.
var ErrLeaseHeld = errors.New("held by another process")

// ErrLeaseLost is the cause of a Lease's context ending because the lease
// is no longer the holder's: a heartbeat found it taken over, or none
// succeeded for a whole TTL.
var ErrLeaseLost = errors.New("lease lost")

// LeaseHeldError says who holds a lease the caller asked for.
type LeaseHeldError struct{ LeaseInfo }

func (e *LeaseHeldError) Error() string {
	return fmt.Sprintf("%s is %v: %s (since %s; if it has died, the lease runs out by %s)",
		e.Name, ErrLeaseHeld, e.Holder, e.AcquiredAt.UTC().Format(time.RFC3339), e.ExpiresAt.UTC().Format(time.RFC3339))
}

// Unwrap makes errors.Is(err, ErrLeaseHeld) hold.
func (e *LeaseHeldError) Unwrap() error { return ErrLeaseHeld }

// LeaseOptions tune AcquireLease.
type LeaseOptions struct {
	TTL    time.Duration // how long the lease outlives its last heartbeat; DefaultLeaseTTL when 0
	Wait   bool          // wait for the lease rather than fail with a *LeaseHeldError
	Holder string        // who is asking, for others' messages; "host pid N" when empty
}

// Lease is a lease this process holds, kept alive by a heartbeat every third
// of its TTL until Release.
type Lease struct {
	LeaseInfo
	store  Leaser
	token  string
	ttl    time.Duration
	ctx    context.Context
	cancel context.CancelCauseFunc
	done   chan struct{}
}

// AcquireLease takes the lease name and starts its heartbeat. With Wait it
// polls (every sixth of the TTL, at most a second) until the lease is free
// or ctx ends; without, a held lease is a *LeaseHeldError naming the holder.
func AcquireLease(ctx context.Context, s Leaser, name string, o LeaseOptions) (*Lease, error) {
	if o.TTL <= 0 {
		o.TTL = DefaultLeaseTTL
	}
	if o.Holder == "" {
		o.Holder = DefaultHolder()
	}
	token := newToken()
	poll := min(o.TTL/6, time.Second)
	for {
		info, ok, err := s.TryLease(ctx, name, o.Holder, token, o.TTL)
		if err != nil {
			return nil, err
		}
		if ok {
			l := &Lease{LeaseInfo: info, store: s, token: token, ttl: o.TTL, done: make(chan struct{})}
			l.ctx, l.cancel = context.WithCancelCause(context.WithoutCancel(ctx))
			go l.heartbeat()
			return l, nil
		}
		if !o.Wait {
			return nil, &LeaseHeldError{info}
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for %s (held by %s): %w", name, info.Holder, context.Cause(ctx))
		case <-time.After(poll):
		}
	}
}

// Context ends, with ErrLeaseLost as its cause, when the lease is lost; work
// done under the lease should stop then, because another holder may have
// taken over.
func (l *Lease) Context() context.Context { return l.ctx }

// Release stops the heartbeat and gives the lease up.
func (l *Lease) Release(ctx context.Context) error {
	l.cancel(context.Canceled)
	<-l.done
	return l.store.ReleaseLease(ctx, l.Name, l.token)
}

// heartbeat renews the lease every third of its TTL. A renewal the store
// refuses means another process holds the lease now; renewals that fail for
// a whole TTL mean one may, so both end the lease's context.
func (l *Lease) heartbeat() {
	defer close(l.done)
	last := time.Now()
	t := time.NewTicker(l.ttl / 3)
	defer t.Stop()
	for {
		select {
		case <-l.ctx.Done():
			return
		case <-t.C:
		}
		ok, err := l.store.RenewLease(l.ctx, l.Name, l.token, l.ttl)
		switch {
		case err == nil && ok:
			last = time.Now()
		case err == nil:
			l.cancel(fmt.Errorf("%s: %w: another process holds it now", l.Name, ErrLeaseLost))
			return
		case time.Since(last) >= l.ttl:
			l.cancel(fmt.Errorf("%s: %w: no heartbeat for %s (%v)", l.Name, ErrLeaseLost, l.ttl, err))
			return
		}
	}
}

// DefaultHolder describes this process for other processes' messages.
func DefaultHolder() string {
	host, err := os.Hostname()
	if err != nil {
		host = "unknown host"
	}
	return fmt.Sprintf("%s pid %d", host, os.Getpid())
}

func newToken() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}
