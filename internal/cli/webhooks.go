package cli

import "github.com/spf13/cobra"

func (a *app) webhooksCmd() *cobra.Command {
	return &cobra.Command{Use: "webhooks", Short: "(not built yet)"}
}
