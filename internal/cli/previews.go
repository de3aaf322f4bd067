package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/bigc-dev/bigc/importer"
	"github.com/bigc-dev/bigc/syncer"
)

// The previews below are what the y/N prompt on a terminal shows before the
// guard's sentence (writeGuard.allowPreviewed), so that a person answers a
// change seen, not only a command named. They are built only when a person
// is asked; without a terminal nothing is read and the refusal stands.

// importPreview runs job, a dry run of the import, on the file: it reads the
// file and the store (never writes) and counts what the import would
// create, update, leave alone and reject.
func importPreview(ctx context.Context, kind, format, path string, job *importer.Job) (string, error) {
	in, err := os.Open(path)
	if err != nil {
		return "", badInput(err)
	}
	defer in.Close()
	job.Plan = io.Discard
	sum, err := job.ImportFile(ctx, kind, format, in)
	if fe := (*importer.FileError)(nil); errors.As(err, &fe) {
		return "", badInput(fe.Err)
	}
	if err != nil {
		return "", err
	}
	msg := fmt.Sprintf("bigc import %s %s (%s) would create %d, update %d and reject %d; %d unchanged",
		kind, path, plural(sum.Rows, "row"), sum.Created, sum.Updated, sum.Rejected, sum.Unchanged)
	if sum.Done > 0 {
		msg += fmt.Sprintf(", %d already imported", sum.Done)
	}
	return msg, nil
}

// tagPreview says what sync --tag would tag: which orders the run reads
// (statuses, and the window from the checkpoint, --since or --full), from
// which connection into which output, and the metafield each gets. It reads
// only the local checkpoint.
func tagPreview(ctx context.Context, job *syncer.Job, f *syncFlags, connection, output string) (string, error) {
	statuses := "of every status but incomplete (0)"
	switch {
	case len(f.statuses) > 0:
		statuses = "with status " + strings.Join(f.statuses, ", ")
	case f.includeIncomplete:
		statuses = "of every status, incomplete included"
	}
	window := "every order (--full)"
	switch key, saved := job.CheckpointKey(); {
	case !job.Since.IsZero():
		window = "those modified since " + job.Since.UTC().Format("2006-01-02T15:04:05Z") + " (--since)"
	case job.Full:
	case !saved:
		window = "every order (no checkpoint kept for --out -)"
	default:
		c, ok, err := loadCursor(ctx, job, key)
		switch {
		case err != nil:
			return "", err
		case ok:
			window = fmt.Sprintf("those modified after checkpoint %s (%s)", key, c)
		default:
			window = fmt.Sprintf("every order (no checkpoint for %s yet)", key)
		}
	}
	return fmt.Sprintf("bigc sync orders --tag %s would read the orders of connection %q %s, %s, write them to %s "+
		"and give each one not yet tagged the metafield %s (its value the time of this run)",
		f.tag, connection, statuses, window, output, f.tag), nil
}

// subscribePreview names the hook webhooks subscribe would register.
func subscribePreview(scope, destination string) func(*target) (string, error) {
	return func(*target) (string, error) {
		return fmt.Sprintf("bigc webhooks subscribe would send %s events to %s (reusing the hook for that scope and destination if there is one)", scope, destination), nil
	}
}

// hookPreview reads hook id (GET /v3/hooks/{id}, a read) and names what
// bigc webhooks VERB ID would act on: its scope, destination and state.
func hookPreview(ctx context.Context, verb string, id int) func(*target) (string, error) {
	return func(t *target) (string, error) {
		h, _, err := t.Client.Webhooks.Get(ctx, id)
		if err != nil {
			return "", err
		}
		state := "active"
		if !h.IsActive {
			state = "inactive"
		}
		return fmt.Sprintf("bigc webhooks %s %d: hook %d sends %s events to %s (%s)", verb, id, id, h.Scope, h.Destination, state), nil
	}
}
