package cli

import (
	"context"

	"github.com/bigc-dev/bigc/state"
)

// openSyncTable opens a --out postgres://... destination: the stream's
// table (--table, default bigc_STREAM), created when missing. The
// checkpoints of a table output, and the sync's lease, live in that same
// database, so that records and checkpoint are committed together.
func (a *app) openSyncTable(ctx context.Context, stream, url string, f *syncFlags) (*state.Postgres, *state.Table, error) {
	name := f.table
	if name == "" {
		name = state.DefaultTable(stream)
	}
	pg, err := state.OpenPostgres(ctx, url)
	if err != nil {
		return nil, nil, err
	}
	t, err := pg.Table(ctx, name)
	if err != nil {
		pg.Close()
		return nil, nil, badInputf("--table: %v", err)
	}
	return pg, t, nil
}
