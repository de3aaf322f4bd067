package cli

import "github.com/spf13/cobra"

func (a *app) syncCmd() *cobra.Command {
	return &cobra.Command{Use: "sync", Short: "(not built yet)"}
}
