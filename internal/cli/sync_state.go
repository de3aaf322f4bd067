package cli

import (
	"cmp"
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/bigc-dev/bigc/internal/connections"
	"github.com/bigc-dev/bigc/state"
	"github.com/bigc-dev/bigc/syncer"
	"github.com/bigc-dev/bigc/tools"
)

// syncStatusCmd is bigc sync status: every checkpoint in the state database.
func (a *app) syncStatusCmd() *cobra.Command {
	var statePath string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status [--json]",
		Short: "List every sync checkpoint: connection, stream, destination, position, last run",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			db, _, err := a.openSyncState(cmd.Context(), statePath)
			if err != nil {
				return err
			}
			defer db.Close()
			list, err := checkpointList(cmd.Context(), db)
			if err != nil {
				return err
			}
			if !a.wantTable(asJSON) {
				return a.writeResult(list)
			}
			rows := make([][]string, 0, len(list))
			for _, c := range list {
				pos := "the beginning"
				if c.Position != nil {
					pos = *c.Position
					if !c.Through {
						pos += fmt.Sprintf(" (+%d at that second)", c.PendingIDs)
					}
				}
				rows = append(rows, []string{c.Connection, c.Stream, c.Destination, pos, c.LastRun})
			}
			return a.writeTable([]string{"CONNECTION", "STREAM", "DESTINATION", "POSITION", "LAST RUN"}, rows)
		},
	}
	cmd.Flags().StringVar(&statePath, "state", "", stateHelp)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON array (the default when stdout is not a terminal)")
	return cmd
}

// checkpointList reads every checkpoint for printing.
func checkpointList(ctx context.Context, db state.Store) ([]*checkpointJSON, error) {
	saved, err := db.Checkpoints(ctx)
	if err != nil {
		return nil, err
	}
	list := make([]*checkpointJSON, 0, len(saved))
	for _, s := range saved {
		c, err := syncer.DecodeCursor(s.Cursor)
		if err != nil {
			return nil, fmt.Errorf("checkpoint %s: %w", s.Key, err)
		}
		cj := newCheckpointJSON(s.Key, c)
		cj.LastRun = s.UpdatedAt.UTC().Format(time.RFC3339)
		list = append(list, cj)
	}
	return list, nil
}

// syncResetCmd is bigc sync reset: forget one checkpoint, so the next sync
// of that stream into that destination reads from the beginning.
func (a *app) syncResetCmd() *cobra.Command {
	var statePath, connection, out, checkpoint, table string
	var sandbox bool
	cmd := &cobra.Command{
		Use:   "reset STREAM [--connection NAME | --sandbox] [--out FILE | --checkpoint NAME]",
		Short: "Forget one sync checkpoint; the next sync into that destination reads from the beginning",
		Long: `Reset forgets the checkpoint of one stream of one connection into one
destination: an output file (--out, default bigc-sync/STREAM.jsonl as for
sync), a table (--out postgres://... [--table NAME]) or a named stdout
checkpoint (--checkpoint). The output file is left as
it is; the next sync re-reads the store and writes only what it lacks.
Without --connection or --sandbox the connection is chosen as for every
command: $BIGC_STORE_HASH's one-off connection, $BIGC_CONNECTION, the
default of bigc connection use, or the only one saved.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			toTable := state.IsPostgresURL(out)
			switch {
			case toTable && (statePath != "" || checkpoint != ""):
				return badInputf("--out postgres://... keeps its checkpoints in that database: drop --state and --checkpoint")
			case table != "" && !toTable:
				return badInputf("--table applies to --out postgres://... only")
			}
			if connection == "" && !sandbox {
				// The connection any other command would use.
				_, name, err := a.implicitConnection()
				if err != nil {
					return err
				}
				connection = name
			}
			key, err := resetKey(args[0], connection, sandbox, out, cmd.Flags().Changed("out") && !toTable, checkpoint)
			if err != nil {
				return err
			}
			if toTable {
				key.Destination = state.TableDestination(cmp.Or(table, state.DefaultTable(key.Stream)))
				statePath = out
			}
			db, _, err := a.openSyncState(cmd.Context(), statePath)
			if err != nil {
				return err
			}
			defer db.Close()
			found, err := db.DeleteCheckpoint(cmd.Context(), key)
			if err != nil {
				return err
			}
			if !found {
				return &tools.Error{Category: tools.CategoryNotFound, Message: fmt.Sprintf("no checkpoint %s", key),
					Next: "list the checkpoints with bigc sync status"}
			}
			return a.writeResult(map[string]any{"removed": key.String(), "connection": key.Connection,
				"stream": key.Stream, "destination": key.Destination})
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&statePath, "state", "", stateHelp)
	fl.StringVar(&connection, "connection", "", "the connection whose checkpoint to forget")
	fl.BoolVar(&sandbox, "sandbox", false, "the embedded sandbox's checkpoint")
	fl.StringVar(&out, "out", "", "the output file the checkpoint belongs to (default bigc-sync/STREAM.jsonl)")
	fl.StringVar(&checkpoint, "checkpoint", "", "the named checkpoint of a stdout sync")
	fl.StringVar(&table, "table", "", "with --out postgres://...: the table the checkpoint belongs to (default bigc_STREAM)")
	return cmd
}

// resetKey is the checkpoint bigc sync reset names.
func resetKey(stream, connection string, sandbox bool, out string, outChanged bool, checkpoint string) (state.CheckpointKey, error) {
	var key state.CheckpointKey
	if _, ok := syncer.Lookup(stream); !ok {
		return key, badInputf("stream %q: want one of %s", stream, syncer.StreamNames())
	}
	switch {
	case sandbox && connection != "":
		return key, badInputf("--connection and --sandbox both given: pass one of them")
	case sandbox:
		connection = connections.SandboxName
	case connection == "":
		return key, badInputf("--connection NAME or --sandbox is required: the checkpoint belongs to a connection")
	}
	switch {
	case outChanged && checkpoint != "":
		return key, badInputf("--out and --checkpoint both given: pass one of them")
	case checkpoint != "":
		return state.CheckpointKey{Connection: connection, Stream: stream, Destination: streamDestination(checkpoint)}, nil
	case out == "-":
		return key, badInputf("--out -: a sync to stdout keeps no checkpoint unless --checkpoint NAME named one; pass that name")
	case !outChanged:
		out = filepath.Join("bigc-sync", stream+".jsonl")
	}
	abs, err := filepath.Abs(out)
	if err != nil {
		return key, badInputf("--out %q: %v", out, err)
	}
	return state.CheckpointKey{Connection: connection, Stream: stream, Destination: abs}, nil
}
