package cli

import (
	"fmt"
)

// Exit codes, as design.md fixes them.
const (
	exitOK          = 0
	exitOther       = 1
	exitBadInput    = 2
	exitAuth        = 3
	exitNotFound    = 4
	exitConflict    = 5
	exitRateLimited = 6
)

// report prints err on stderr and returns its exit code.
func (a *app) report(err error) int {
	if err == nil {
		return exitOK
	}
	fmt.Fprintln(a.stderr, "bigc:", err)
	return exitOther
}
