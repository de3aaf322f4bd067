package cli

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// buildVersion describes this binary from its build information: the module
// version (or "devel"), the VCS commit when the build recorded one, and the Go
// release it was built with.
func buildVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "bigc (unknown build)"
	}
	version := info.Main.Version
	if version == "" || version == "(devel)" {
		version = "devel"
	}
	commit, modified := "", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			commit = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	out := "bigc " + version
	if commit != "" {
		if len(commit) > 12 {
			commit = commit[:12]
		}
		if modified {
			commit += "-dirty"
		}
		out += " commit " + commit
	}
	return out + " " + info.GoVersion
}

func (a *app) versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print bigc's version, commit and Go version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintln(a.stdout, buildVersion())
			return err
		},
	}
}
