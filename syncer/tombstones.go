package syncer

import (
	"context"
	"time"

	"github.com/bigc-dev/bigc/state"
)

// The tombstones a run cannot find by reading its records: the orders
// BigCommerce archived (DELETE /v2/orders/{id} archives; GET /v2/orders
// leaves archived orders out unless asked with is_deleted=true) and the
// deletions webhooks reported (state.OwedDeletions: store/product/deleted,
// store/customer/deleted, ...). Either way a record gets one tombstone per
// destination: the destination's record hashes (state/hashes.go) hold it
// as deleted, saved before the tombstone is written and marked emitted
// after, as for the streams read whole (writeChanges), so a run killed in
// between offers the same tombstone again, which the output's ledger (or
// table) takes once, and a record already tombstoned is never offered again,
// whichever way its deletion was learnt.

// archiveLister is a Source whose store archives records instead of deleting
// them, and lists the archived ones by date_modified.
type archiveLister interface {
	// Archived returns the records archived with date_modified in [from, to]
	// (from zero: no lower bound).
	Archived(ctx context.Context, from, to time.Time) ([]gone, error)
}

// gone is a record known deleted, and when.
type gone struct {
	id int64
	at time.Time
}

// Archived lists the archived orders in the window, through GET
// /v2/orders?is_deleted=true&min_date_modified=&max_date_modified=. Archiving
// is a change of the order (the sandbox, like the store, moves its
// date_modified), so each run finds the orders archived since the last. The
// status filter applies, as to the orders written.
func (s *OrderSource) Archived(ctx context.Context, from, to time.Time) ([]gone, error) {
	var out []gone
	err := listOrders(ctx, s.Client, from, to, true, func(o orderRef) error {
		if s.Filter.keep(o.StatusID) {
			out = append(out, gone{id: int64(o.ID), at: o.DateModified.Time})
		}
		return nil
	})
	return out, err
}

// writeTombstones writes a tombstone for each record of the stream found
// gone and not yet tombstoned in the destination: the records archived in
// the run's window [from, hi] and the deletions webhooks reported. A window
// from the beginning (a first run, --full) has no tombstones of archived
// records: its output gets none of them to withdraw. A run
// writes them before it reads its window, since the checkpoint moves while
// the window is read: a run killed after that starts its next window later,
// but never later than a record archived while no run was reading, so none
// is left out.
//
// A tombstone's date_modified is one second after the deletion (the archived
// order's date_modified, or the webhook's created_at), and after any
// version of the record the destination's hashes hold: the output's ledger
// keys versions by second, and the record may have been changed, and
// written, in the second it was deleted.
//
// confirm is called before anything is written: an error from it is
// returned with nothing written.
func (j *Job) writeTombstones(ctx context.Context, cur Cursor, from, hi time.Time, res *Result, confirm func() error) error {
	var found []gone
	if a, ok := j.Source.(archiveLister); ok && !from.IsZero() && !from.After(hi) {
		archived, err := a.Archived(ctx, from, hi)
		if err != nil {
			return err
		}
		found = archived
	}
	key, keyed := j.CheckpointKey()
	if j.DB != nil {
		// A preview has no destination: it gets the deletions reported in
		// its window, as it gets the records changed in it.
		owedTo, since := key, time.Time{}
		if !keyed {
			owedTo, since = state.CheckpointKey{Connection: j.Connection, Stream: j.Source.Stream()}, from
		}
		owed, err := j.DB.OwedDeletions(ctx, owedTo, since)
		if err != nil {
			return err
		}
		for _, d := range owed {
			found = append(found, gone{id: d.ID, at: d.At})
		}
	}
	if len(found) == 0 {
		return nil
	}
	first := make(map[int64]time.Time, len(found))
	ids := make([]int64, 0, len(found))
	for _, g := range found {
		if at, ok := first[g.id]; !ok || g.at.Before(at) {
			if !ok {
				ids = append(ids, g.id)
			}
			first[g.id] = g.at
		}
	}
	known := map[int64]state.RecordHash{}
	if keyed {
		var err error
		if known, err = j.DB.RecordHashes(ctx, key, "", ids); err != nil {
			return err
		}
	}
	if err := confirm(); err != nil {
		return err
	}
	var changes []change
	for _, id := range ids {
		k, ok := known[id]
		v := first[id].UTC().Truncate(time.Second).Add(time.Second)
		switch {
		case ok && k.Hash == state.DeletedHash && k.Emitted:
			continue // tombstoned already
		case ok && k.Hash == state.DeletedHash:
			v = k.Version // saved, perhaps written: offered again as it was
		case ok && !v.After(k.Version):
			v = k.Version.Add(time.Second)
		}
		changes = append(changes, change{hash: state.RecordHash{ID: id, Scope: k.Scope, Hash: state.DeletedHash, Version: v}})
	}
	for len(changes) > 0 {
		n := min(len(changes), changeBatch)
		if err := j.writeChanges(ctx, j.Source.Stream(), changes[:n], cur, res); err != nil {
			return err
		}
		changes = changes[n:]
	}
	return nil
}
