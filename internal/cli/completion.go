package cli

import (
	"strings"

	"github.com/spf13/cobra"
)

// addCompletions offers saved connection names for every --connection flag in
// cmd and its subcommands. Tool names are offered by completeToolNames; the
// completion command itself is cobra's (bigc completion bash|zsh|fish|powershell).
func (a *app) addCompletions(cmd *cobra.Command) {
	if cmd.Flags().Lookup("connection") != nil {
		_ = cmd.RegisterFlagCompletionFunc("connection", a.completeConnectionNames)
	}
	for _, sub := range cmd.Commands() {
		a.addCompletions(sub)
	}
}

func (a *app) completeConnectionNames(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	dir, err := a.connectionDir()
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	names, _ := dir.Names()
	var out []string
	for _, n := range names {
		if strings.HasPrefix(n, toComplete) {
			out = append(out, n)
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// completeConnectionArg offers saved connection names for a command's one
// NAME argument (connection verify and remove).
func (a *app) completeConnectionArg(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return a.completeConnectionNames(cmd, args, toComplete)
}
