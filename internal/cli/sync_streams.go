package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/state"
	"github.com/bigc-dev/bigc/syncer"
)

// listStreams prints bigc sync --list: every stream's key, cursor, scopes
// and deletions, and with --json the JSON Schema of its records too.
func (a *app) listStreams(asJSON bool) error {
	specs := syncer.Streams()
	if asJSON {
		b, err := json.MarshalIndent(specs, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(a.stdout, "%s\n", b)
		return err
	}
	for _, s := range specs {
		fmt.Fprintf(a.stdout, "%-16s key %s; cursor: %s\n%-16s scopes: %s\n%-16s deletions: %s\n",
			s.Name, s.Key, s.Cursor, "", strings.Join(s.Scopes, ", "), "", s.Deletions)
	}
	fmt.Fprintln(a.stdout, "\nThe JSON Schema of each stream's records: bigc sync --list --json")
	return nil
}

// runSyncAll is bigc sync all: every stream, one after the other, each into
// its own output (a file STREAM.jsonl in the --out directory, or a table
// bigc_STREAM in the --out database). A stream the token lacks the scope
// for (403) is skipped and said so; other failures are reported and the
// next stream still runs; the first is returned.
func (a *app) runSyncAll(ctx context.Context, f *syncFlags) error {
	switch {
	case f.table != "":
		return badInputf("--table names one stream's table: sync all writes each stream to bigc_STREAM")
	case f.checkpoint != "" || f.out == "-":
		return badInputf("sync all writes each stream to its own output: give --out a directory or a postgres:// URL")
	case len(f.statuses) > 0 || f.includeIncomplete || f.tag != "":
		return badInputf("--status, --include-incomplete and --tag apply to sync orders only")
	}
	dir := "bigc-sync"
	if f.outChanged {
		dir = f.out
	}
	if !state.IsPostgresURL(dir) {
		if st, err := os.Stat(dir); err == nil && !st.IsDir() {
			return badInputf("--out %s is a file: sync all writes each stream to STREAM.jsonl in a directory (made if missing)", dir)
		}
		if err := checkOutputDir(dir, dir); err != nil {
			return err
		}
	}
	var first error
	for _, spec := range syncer.Streams() {
		g := *f
		if !state.IsPostgresURL(dir) {
			g.out, g.outChanged = filepath.Join(dir, spec.Name+".jsonl"), f.outChanged
		}
		err := a.runSync(ctx, spec.Name, &g)
		var ae *bigcommerce.APIError
		switch {
		case errors.As(err, &ae) && ae.Status == http.StatusForbidden:
			a.note(fmt.Sprintf("bigc sync all: %s skipped: the token lacks %s", spec.Name, strings.Join(spec.Scopes, " or ")))
		case err != nil && ctx.Err() != nil:
			return err
		case err != nil:
			// Said now, beside its stream; the first is returned (and not said again).
			if err = a.sayNow(err); first == nil {
				first = err
			}
		}
	}
	return first
}
