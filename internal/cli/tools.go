package cli

import "github.com/spf13/cobra"

func (a *app) toolsCmd() *cobra.Command {
	return &cobra.Command{Use: "tools", Short: "(not built yet)"}
}
