package cli

import "github.com/spf13/cobra"

func (a *app) mcpCmd() *cobra.Command {
	return &cobra.Command{Use: "mcp", Short: "(not built yet)"}
}
