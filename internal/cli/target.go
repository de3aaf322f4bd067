package cli

import (
	"context"
	"errors"

	"github.com/spf13/cobra"

	"github.com/bigc-dev/bigc/bigcommerce"
)

// targetFlags choose the store a command talks to: a named connection or the
// embedded sandbox.
type targetFlags struct {
	connection string
	sandbox    bool
}

func (f *targetFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.connection, "connection", "", "the named connection to use (see bigc connection list)")
	cmd.Flags().BoolVar(&f.sandbox, "sandbox", false, "use an embedded sandbox store started in this process")
}

// target is an open store: its client and how to release it.
type target struct {
	Name       string // connection name, or "sandbox"
	Client     *bigcommerce.Client
	Production bool
	Close      func()
}

// openTarget resolves the flags to a client. Exactly one of --connection and
// --sandbox must be given.
func (a *app) openTarget(ctx context.Context, f *targetFlags) (*target, error) {
	return nil, errors.New("not built yet")
}
