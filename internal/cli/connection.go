package cli

import "github.com/spf13/cobra"

func (a *app) connectionCmd() *cobra.Command {
	return &cobra.Command{Use: "connection", Short: "(not built yet)"}
}
