package syncer

import (
	"context"

	"github.com/bigc-dev/bigc/state"
)

// Sink is a destination that commits each batch of records together with
// the checkpoint that vouches for them, in one transaction (state.Table, a
// PostgreSQL table): exactly once without a ledger, since a crash leaves
// both or neither and rows are keyed by record ID.
type Sink interface {
	// Destination names the sink in checkpoint keys and messages.
	Destination() string
	// Commit stores records (keeping each ID's newest version) and, unless
	// key is zero (a preview), cursor under key, atomically. written counts
	// the records that were new or newer than what the sink held.
	Commit(ctx context.Context, key state.CheckpointKey, records []state.Record, cursor string) (written int, err error)
}

// commit is write for a Sink. AfterWrite (tagging) runs before the commit,
// since after it the checkpoint has moved past the batch: a crash in
// between re-reads the batch and tags it again, which tagging allows.
func (j *Job) commit(ctx context.Context, b *batch, res *Result) error {
	if j.AfterWrite != nil && len(b.items) > 0 {
		if err := j.AfterWrite(ctx, b.items); err != nil {
			return err
		}
	}
	records := make([]state.Record, len(b.items))
	for i, it := range b.items {
		records[i] = state.Record{ID: it.ID, DateModified: it.DateModified, JSON: it.Record}
	}
	key, _ := j.CheckpointKey() // zero for a preview
	n, err := j.Sink.Commit(ctx, key, records, b.cursor.encode())
	if err != nil {
		return err
	}
	res.Records += n
	res.Duplicates += len(records) - n
	res.Pages += b.pages
	res.Cursor = b.cursor
	j.resume = &b.cursor
	return nil
}
