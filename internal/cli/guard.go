package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/bigc-dev/bigc/tools"
)

// writesAnnotation marks, on a cobra command, that the command can write to
// a store; guard.register sets it, and the guard's test lists every command
// carrying it (or a --yes flag) to prove each refuses an unconfirmed write.
const writesAnnotation = "bigc/writes"

// writeGuard is the one production guard: every command that can write to a
// store (call, sync --tag, webhooks subscribe|delete|reactivate, import,
// worker --imports) takes its --yes through it and asks allow before it sends
// the first write. The README promises --yes before every write on a
// --production connection; keeping the rule in one place keeps the promise
// for commands added later.
type writeGuard struct {
	yes bool
}

// register adds --yes to cmd and marks cmd as one that writes.
func (g *writeGuard) register(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&g.yes, "yes", false, "confirm a write through a --production connection (and, for call, a destructive tool)")
	if cmd.Annotations == nil {
		cmd.Annotations = map[string]string{}
	}
	cmd.Annotations[writesAnnotation] = "true"
}

// allow refuses, before anything is sent, a write described by what on a
// production connection that --yes did not confirm. writes false (a read, or
// a sync without --tag) is always allowed.
//
// When a person is there to answer (stdin and stderr are terminals), the
// guard asks instead (y/N, through target.confirm) and a yes counts as --yes;
// without a terminal the refusal stands, exit 2, nothing sent.
func (g *writeGuard) allow(t *target, what string, writes bool) error {
	return g.allowPreviewed(t, what, writes, nil)
}

// allowPreviewed is allow for a write that can say what it would change:
// when a person is asked, preview (which may read the store, never writes to
// it) is shown before the guard's sentence, so the y/N answers a change
// seen, not only a command named. Without a terminal nothing is read: the
// refusal stands before any request.
func (g *writeGuard) allowPreviewed(t *target, what string, writes bool, preview func() (string, error)) error {
	if !writes || !t.Production || g.yes {
		return nil
	}
	msg := fmt.Sprintf("%s writes to the store of %q, a production connection: every write through it needs --yes", what, t.Name)
	if t.confirm != nil && preview != nil {
		p, err := preview()
		if err != nil {
			return err
		}
		msg = p + "; " + msg
	}
	err := &tools.Error{Category: tools.CategoryConfirmationRequired, Message: msg,
		Next: "nothing was sent; repeat the command with --yes to go ahead"}
	if g.confirmedAfter(t, err) {
		return nil
	}
	return err
}

// confirmedAfter asks the person at the terminal, if there is one, to
// confirm the write that err (a confirmation_required error, whose message
// is the preview of the change) refused. A yes sets --yes for the rest of
// the command.
func (g *writeGuard) confirmedAfter(t *target, err error) bool {
	var te *tools.Error
	if g.yes || t.confirm == nil || !errors.As(err, &te) || te.Category != tools.CategoryConfirmationRequired {
		return false
	}
	g.yes = t.confirm(te.Message)
	return g.yes
}
