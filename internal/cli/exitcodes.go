package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/bigc-dev/bigc/internal/connections"
	"github.com/bigc-dev/bigc/state"
	"github.com/bigc-dev/bigc/syncer"
	"github.com/bigc-dev/bigc/tools"
)

// Exit codes, as the README's "Exit codes" table documents them.
const (
	exitOK          = 0
	exitOther       = 1
	exitBadInput    = 2
	exitAuth        = 3
	exitNotFound    = 4
	exitConflict    = 5
	exitRateLimited = 6
	// exitLocalDamage: the state database or an output file is damaged;
	// the message names the file and the command that rebuilds it.
	exitLocalDamage = 7
	// exitRejected: bigc import finished but rejected some rows (listed in
	// FILE.rejected.jsonl); every other row was applied.
	exitRejected = 8
	// exitInterrupted: SIGINT or SIGTERM, as shells report 128+SIGINT.
	exitInterrupted = 130
)

// The categories of local damage, which no tool reports: the store is fine,
// a file on this machine is not.
const (
	categoryStateCorrupt  tools.Category = "state_corrupt"
	categoryOutputDamaged tools.Category = "output_damaged"
)

// exitCodes maps each error category to the process exit code.
var exitCodes = map[tools.Category]int{
	tools.CategoryBadInput:             exitBadInput,
	tools.CategoryConfirmationRequired: exitBadInput,
	tools.CategoryUnauthorized:         exitAuth,
	tools.CategoryMissingScope:         exitAuth,
	tools.CategoryNotFound:             exitNotFound,
	tools.CategoryConflict:             exitConflict,
	tools.CategoryRateLimited:          exitRateLimited,
	tools.CategoryUpstream:             exitRateLimited,
	tools.CategoryOutcomeUnknown:       exitRateLimited,
	tools.CategoryCanceled:             exitInterrupted,
	categoryStateCorrupt:               exitLocalDamage,
	categoryOutputDamaged:              exitLocalDamage,
}

// usageError is bad input found by the command line itself: a flag, an
// argument, a connection name.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// badInput marks err as bad input on the command line (exit code 2).
func badInput(err error) error {
	if err == nil {
		return nil
	}
	return &usageError{err}
}

// badInputf is badInput(fmt.Errorf(format, args...)).
func badInputf(format string, args ...any) error {
	return badInput(fmt.Errorf(format, args...))
}

// classifyError returns err as a tool error object and its exit code.
func classifyError(err error) (*tools.Error, int) {
	var te *tools.Error
	var ue *usageError
	var corrupt *state.CorruptError
	switch {
	case errors.As(err, &te):
		// Tool errors and client errors below carry their own category.
	case errors.As(err, &ue), isCobraUsageError(err),
		errors.Is(err, connections.ErrInvalid),
		errors.Is(err, connections.ErrExists):
		te = &tools.Error{Category: tools.CategoryBadInput, Message: err.Error()}
		switch {
		case errors.Is(err, connections.ErrExists):
			te.Next = "pass --force to replace it, or pick another name"
		case errors.Is(err, connections.ErrReservedName):
			te.Next = "the embedded store needs no connection: pass --sandbox"
		case errors.Is(err, connections.ErrNoToken):
			te.Next = "add the connection again with --force and --token-stdin or --token-env VAR"
		}
	case errors.Is(err, connections.ErrNotFound):
		te = &tools.Error{Category: tools.CategoryNotFound, Message: err.Error(),
			Next: "list the saved connections with bigc connection list, or add one with bigc connection add"}
	case errors.As(err, &corrupt):
		te = &tools.Error{Category: categoryStateCorrupt, Message: err.Error(),
			Next: fmt.Sprintf("the checkpoints in it cannot be trusted; move it aside (mv %s %s.damaged) and run each sync again with the same --out: "+
				"it re-reads the store and writes only what the outputs do not already hold (the outputs are kept)", shellQuote(corrupt.Path), shellQuote(corrupt.Path))}
	case errors.Is(err, syncer.ErrOutputDamaged):
		// The sync names the exact command; a receiver writing the file ends here.
		te = &tools.Error{Category: categoryOutputDamaged, Message: err.Error(),
			Next: "the checkpoints into that file would skip the records it lost; re-read them with bigc sync STREAM --out FILE --full (the file keeps what it holds)"}
	case errors.Is(err, syscall.EADDRINUSE):
		te = &tools.Error{Category: tools.CategoryBadInput, Message: err.Error(),
			Next: "another program listens on that address; stop it or pick another port"}
	case errors.Is(err, fs.ErrPermission), errors.Is(err, syscall.ENOTDIR), errors.Is(err, syscall.EROFS):
		// A local file or directory bigc may not write: the user's to fix.
		te = &tools.Error{Category: tools.CategoryBadInput, Message: err.Error(),
			Next: "give bigc access to the path named, or point it elsewhere (--config, --out, --state)"}
	default:
		te = tools.AsError(err)
	}
	if te.Category == tools.CategoryUnauthorized {
		c := *te // the command line's own step; the tool error stays as it was
		c.Next = strings.TrimPrefix(c.Next+"; "+verifyPlaceholder, "; ")
		te = &c
	}
	code, ok := exitCodes[te.Category]
	if !ok {
		code = exitOther
	}
	return te, code
}

// report prints err on stderr, as one line for people and then, unless
// stderr is a terminal without --json, the JSON error object for programs,
// and returns its exit code.
func (a *app) report(err error) int {
	if err == nil {
		return exitOK
	}
	if code, ok := importExitCode(err); ok {
		fmt.Fprintln(a.stderr, "bigc:", err)
		return code
	}
	line, te, code := a.errorLine(err)
	if !errors.As(err, new(saidError)) {
		fmt.Fprintln(a.stderr, line)
	}
	if !a.jsonErrors && a.terminal(a.stderr) {
		return code // a person reads the line; programs get the object below
	}
	enc := json.NewEncoder(a.stderr) // Encode ends the line
	enc.SetEscapeHTML(false)
	_ = enc.Encode(map[string]*tools.Error{"error": te})
	return code
}

// verifyPlaceholder is how classifyError (which knows no connection) tells a
// person to check the credentials; report names the connection the command
// used (nameConnection).
const verifyPlaceholder = "check the connection with bigc connection verify NAME"

// nameConnection returns te with its advice naming the connection the
// command used where the classifier wrote the placeholder NAME: bigc
// connection verify shop, or for the one-off connection the two variables
// it came from; a command that opened none (connection add, whose
// credentials are not saved) drops the advice.
func (a *app) nameConnection(te *tools.Error) *tools.Error {
	if !strings.Contains(te.Next, verifyPlaceholder) {
		return te
	}
	c := *te
	switch {
	case a.fromEnv:
		c.Next = strings.ReplaceAll(c.Next, verifyPlaceholder, fmt.Sprintf("check $%s and $%s", storeHashEnv, accessTokenEnv))
	case a.usedConnection != "":
		c.Next = strings.ReplaceAll(c.Next, verifyPlaceholder, "check the connection with bigc connection verify "+a.usedConnection)
	default:
		c.Next = strings.ReplaceAll(c.Next, "; "+verifyPlaceholder, "")
		c.Next = strings.ReplaceAll(c.Next, verifyPlaceholder, "")
	}
	return &c
}

// markUsageErrors makes cobra's own errors about flags and arguments, in cmd
// and all its subcommands, bad input (exit code 2) rather than "other".
func markUsageErrors(cmd *cobra.Command) {
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return badInput(err) })
	if check := cmd.Args; check != nil {
		cmd.Args = func(c *cobra.Command, args []string) error {
			err := check(c, args)
			if err != nil && len(args) == 0 {
				return missingArgument(c)
			}
			return badInput(err)
		}
	}
	for _, sub := range cmd.Commands() {
		markUsageErrors(sub)
	}
}

// cobraUsagePrefixes start the usage errors cobra makes itself, with no type
// of their own: an unknown command, and the checks of required and grouped
// flags (which other commands may declare).
var cobraUsagePrefixes = []string{
	"unknown command ",
	"required flag(s) ",
	"if any flags in the group ",
	"at least one of the flags in the group ",
}

func isCobraUsageError(err error) bool {
	msg := err.Error()
	for _, p := range cobraUsagePrefixes {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}
