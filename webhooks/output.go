package webhooks

import (
	"context"

	"github.com/bigc-dev/bigc/state"
	"github.com/bigc-dev/bigc/syncer"
)

// StreamLedger wraps an Output that keeps no ledger of its own, such as
// syncer.NewStreamWriter(os.Stdout), with one kept in db under name, so that
// a version of a record (stream, ID, date_modified) is written once even when
// several events for it are processed apart, or processed again after a
// restart. A file output (syncer.OpenFile) has its ledger already and needs
// none. A crash between a write and the ledger's commit can repeat that one
// batch: unlike a file, a stream cannot be read back to find what it holds.
func StreamLedger(db state.Store, name string, out Output) Output {
	return &streamLedger{db: db, name: name, out: out}
}

type streamLedger struct {
	db   state.Store
	name string
	out  Output
}

// Append writes the envelopes the ledger does not hold, then records them.
func (l *streamLedger) Append(ctx context.Context, envs []syncer.Envelope) (int, error) {
	keys := make([]state.EmittedKey, len(envs))
	for i := range envs {
		keys[i] = envs[i].Key()
	}
	found, err := l.db.Emitted(ctx, l.name, keys)
	if err != nil {
		return 0, err
	}
	var (
		fresh     []syncer.Envelope
		freshKeys []state.EmittedKey
	)
	for i := range envs {
		if !found[i] {
			fresh = append(fresh, envs[i])
			freshKeys = append(freshKeys, keys[i])
		}
	}
	if len(fresh) == 0 {
		return 0, nil
	}
	n, err := l.out.Append(ctx, fresh)
	if err != nil {
		return n, err
	}
	return n, l.db.RecordEmitted(ctx, l.name, freshKeys, state.OutputCommit{})
}
