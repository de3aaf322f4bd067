package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/bigc-dev/bigc/tools"
)

// syncFailure is a sync that stopped on an error: the error itself, which
// the JSON error object and the exit code come from unchanged, and what a
// person needs beside it (how far the run got, where its checkpoint stands,
// the command that continues), so that report says it all in one line.
type syncFailure struct {
	err     error
	stream  string
	written string // "3 records written (0 already in the output), 1 page"
	where   string // the checkpoint as the database holds it
	rerun   string // what to do next; empty when err's own advice says it
}

func (f *syncFailure) Error() string { return f.err.Error() }
func (f *syncFailure) Unwrap() error { return f.err }

// line is the failure for a person: what stopped and after how much, why
// (te's message and advice, te being err as report classified it), where
// the checkpoint stands and what to run next.
func (f *syncFailure) line(te *tools.Error) string {
	why := te.Message
	if te.Field != "" {
		why = te.Field + ": " + why
	}
	if te.Next != "" {
		why += " (" + te.Next + ")"
	}
	parts := []string{fmt.Sprintf("bigc sync %s: stopped after %s: %s", f.stream, f.written, why), f.where}
	if f.rerun != "" {
		parts = append(parts, f.rerun)
	}
	return strings.Join(parts, "; ")
}

// errorLine is err as the one line a person reads on stderr, with the tool
// error object report prints for programs and its exit code.
func (a *app) errorLine(err error) (string, *tools.Error, int) {
	te, code := classifyError(err)
	te = a.nameConnection(te)
	if sf := (*syncFailure)(nil); errors.As(err, &sf) {
		return sf.line(te), te, code
	}
	return "bigc: " + te.Error(), te, code
}

// saidError is an error whose line was printed when it happened; report
// prints only its JSON object.
type saidError struct{ error }

func (e saidError) Unwrap() error { return e.error }

// sayNow prints err's line when it happens, for a run that goes on (sync
// all's next stream, --follow's next round), and returns err marked as said
// so that report, given it later, does not say it again.
func (a *app) sayNow(err error) error {
	line, _, _ := a.errorLine(err)
	fmt.Fprintln(a.stderr, line)
	return saidError{err}
}
