package syncer

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"time"

	"github.com/bigc-dev/bigc/state"
)

// ChangeSource reads a stream BigCommerce gives no date_modified window for.
// It reads whole scopes (the whole stream, or one order's shipments) and the
// Job emits only the records whose content changed since the version last
// written into the same destination (a content hash per ID in the state), and
// a tombstone for each ID the state knows in a scope that the scope, read
// again, no longer holds.
type ChangeSource interface {
	Reader
	// Read calls part with every scope it reads, each complete. from and to
	// are the window of the run (from zero on the first run): a stream that
	// follows the orders reads the orders whose date_modified is in it; a
	// stream read whole ignores them.
	Read(ctx context.Context, from, to time.Time, part func(Part) error) error
}

// Part is one scope read whole.
type Part struct {
	// Scope names it: "" for a stream read whole, "order 12" for one order's
	// shipments.
	Scope string
	// Records are every record the scope holds now.
	Records []Raw
	// Partial marks records that are not the whole scope (refunds created in
	// the window): none missing from them is taken as deleted.
	Partial bool
	// Reread, when set, reads the scope again. A list read by offset pages
	// can skip a record when another is deleted or added while it is read,
	// so a record missing from Records is taken as deleted only when it is
	// missing from a second read too.
	Reread func(ctx context.Context) ([]Raw, error)
}

// Raw is one record as a ChangeSource read it.
type Raw struct {
	ID   int64
	JSON json.RawMessage
}

// changeBatch bounds the records written (and their hashes saved) at once.
const changeBatch = 250

// runChanges is Run for a ChangeSource. The checkpoint holds the window's
// upper bound once a run finishes; a killed run reads its window again, and
// the hashes make that re-read add nothing already written.
func (j *Job) runChanges(ctx context.Context, src ChangeSource) (Result, error) {
	start := time.Now()
	res := Result{Progress: Progress{Stream: src.Stream(), Total: -1}}
	clock := j.readStoreClock(ctx, false)
	cur, hi, err := j.window(ctx, &res, clock)
	if err != nil {
		return res, err
	}
	var from time.Time
	if !cur.DateModified.IsZero() {
		from = cur.from()
	}
	if err := j.writeTombstones(ctx, cur, from, hi, &res, func() error { return nil }); err != nil {
		res.Elapsed = time.Since(start)
		return res, err
	}
	// The changes of small parts (one order's shipments) are gathered and
	// written a batch at a time; a part's changes never wait past the run.
	var pending []change
	flush := func(all bool) error {
		for len(pending) >= changeBatch || (all && len(pending) > 0) {
			n := min(len(pending), changeBatch)
			if err := j.writeChanges(ctx, src.Stream(), pending[:n], cur, &res); err != nil {
				return err
			}
			pending = pending[n:]
		}
		res.Elapsed = time.Since(start)
		j.report(res.Progress)
		return nil
	}
	err = src.Read(ctx, from, hi, func(p Part) error {
		res.Pages++
		changes, err := j.changesOf(ctx, p, hi)
		if err != nil {
			return err
		}
		pending = append(pending, changes...)
		return flush(false)
	})
	if err == nil {
		err = flush(true)
	}
	if err != nil {
		res.Elapsed = time.Since(start)
		return res, err
	}
	return j.finish(ctx, res, hi, start)
}

// change is one version to write: a record or a tombstone.
type change struct {
	hash   state.RecordHash
	record json.RawMessage // nil for a tombstone
}

// changesOf returns the records of p that changed, and tombstones for the
// records of its scope that are gone.
func (j *Job) changesOf(ctx context.Context, p Part, hi time.Time) ([]change, error) {
	key, keyed := j.CheckpointKey()
	ids := make([]int64, len(p.Records))
	for i, r := range p.Records {
		ids[i] = r.ID
	}
	known := map[int64]state.RecordHash{}
	if keyed {
		var err error
		if known, err = j.DB.RecordHashes(ctx, key, p.Scope, ids); err != nil {
			return nil, err
		}
	}
	// version is the date_modified a new version of id gets: the window's
	// upper bound, later than any version of it already written, so the
	// ledger's (stream, id, date_modified) tells the versions apart.
	version := func(id int64, hash string) (time.Time, bool) {
		k, ok := known[id]
		switch {
		case ok && k.Hash == hash && k.Emitted:
			return time.Time{}, false
		case ok && k.Hash == hash:
			return k.Version, true // saved, perhaps written: offered again as it was
		case ok && !hi.After(k.Version):
			return k.Version.Add(time.Second), true
		}
		return hi, true
	}
	var changes []change
	seen := make(map[int64]bool, len(p.Records))
	for _, r := range p.Records {
		if seen[r.ID] {
			continue // a record listed twice (the list moved under its pages)
		}
		seen[r.ID] = true
		sum := sha256.Sum256(r.JSON)
		h := hex.EncodeToString(sum[:16])
		if v, ok := version(r.ID, h); ok {
			changes = append(changes, change{hash: state.RecordHash{ID: r.ID, Scope: p.Scope, Hash: h, Version: v}, record: r.JSON})
		}
	}
	var gone []int64
	for id, k := range known {
		if p.Partial || seen[id] || k.Scope != p.Scope {
			continue
		}
		if _, ok := version(id, state.DeletedHash); ok {
			gone = append(gone, id)
		}
	}
	if len(gone) > 0 && p.Reread != nil {
		again, err := p.Reread(ctx)
		if err != nil {
			return nil, err
		}
		for _, r := range again {
			seen[r.ID] = true
		}
	}
	for _, id := range gone {
		if v, ok := version(id, state.DeletedHash); ok && !seen[id] {
			changes = append(changes, change{hash: state.RecordHash{ID: id, Scope: p.Scope, Hash: state.DeletedHash, Version: v}})
		}
	}
	slices.SortFunc(changes, func(a, b change) int { return cmp.Compare(a.hash.ID, b.hash.ID) })
	return changes, nil
}

// writeChanges writes a batch of changes. Each version is saved in the state
// before it is written (not yet emitted) and marked after: a run killed in
// between offers that version again with the same date_modified, which the
// output's ledger (or table) takes once.
func (j *Job) writeChanges(ctx context.Context, stream string, batch []change, cur Cursor, res *Result) error {
	key, keyed := j.CheckpointKey()
	hashes := make([]state.RecordHash, len(batch))
	for i, c := range batch {
		hashes[i] = c.hash
	}
	if keyed {
		if err := j.DB.SaveRecordHashes(ctx, key, hashes); err != nil {
			return err
		}
	}
	var n int
	var err error
	if j.Sink != nil {
		records := make([]state.Record, len(batch))
		for i, c := range batch {
			doc := c.record
			if doc == nil {
				doc = json.RawMessage(`{"deleted":true}`)
			}
			records[i] = state.Record{ID: c.hash.ID, DateModified: c.hash.Version, JSON: doc}
		}
		// The cursor stays where the run started until the run ends.
		n, err = j.Sink.Commit(ctx, key, records, cur.encode())
	} else {
		envs := make([]Envelope, len(batch))
		for i, c := range batch {
			envs[i] = Envelope{Stream: stream, ID: c.hash.ID, DateModified: c.hash.Version, Record: c.record, Deleted: c.record == nil}
		}
		n, err = j.Writer.Append(ctx, envs)
	}
	if err != nil {
		return err
	}
	res.Records += n
	res.Duplicates += len(batch) - n
	if !keyed {
		return nil
	}
	for i := range hashes {
		hashes[i].Emitted = true
	}
	// Written: marked even if ctx ended meanwhile, as the file's ledger is.
	return j.DB.SaveRecordHashes(context.WithoutCancel(ctx), key, hashes)
}
