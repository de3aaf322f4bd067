package cli

import "github.com/spf13/cobra"

func (a *app) callCmd() *cobra.Command {
	return &cobra.Command{Use: "call", Short: "(not built yet)"}
}
