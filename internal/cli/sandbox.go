package cli

import "github.com/spf13/cobra"

func (a *app) sandboxCmd() *cobra.Command {
	return &cobra.Command{Use: "sandbox", Short: "(not built yet)"}
}
