package cli

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/bigc-dev/bigc/mcpserver"
	"github.com/bigc-dev/bigc/syncer"
	"github.com/bigc-dev/bigc/tools"
)

// addCompletions offers, in cmd and its subcommands, saved connection names
// for every --connection flag, stream names for the sync commands, order
// statuses for --status, tool and toolset names for bigc mcp, and webhook
// scopes for --scope. Tool names are offered by completeToolNames; the
// completion command itself is cobra's (bigc completion bash|zsh|fish|powershell).
func (a *app) addCompletions(cmd *cobra.Command) {
	flags := map[string]cobra.CompletionFunc{
		"connection": a.completeConnectionNames,
		"status":     fixedCompletions(orderStatusWords()...),
		"tools":      completeToolList,
		"toolsets":   listCompletions(mcpserver.Toolsets),
		"scope":      fixedCompletions(webhookScopes...),
	}
	for name, fn := range flags {
		if f := cmd.Flags().Lookup(name); f != nil && (name != "status" || cmd.Name() == "sync") {
			_ = cmd.RegisterFlagCompletionFunc(name, fn)
		}
	}
	if cmd.ValidArgsFunction == nil {
		switch cmd.CommandPath() {
		case "bigc sync":
			cmd.ValidArgsFunction = firstArg(append(streamNames(), "all")...)
		case "bigc sync reset":
			cmd.ValidArgsFunction = firstArg(streamNames()...)
		case "bigc import":
			cmd.ValidArgsFunction = func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
				if len(args) == 0 {
					return importKinds, cobra.ShellCompDirectiveNoFileComp
				}
				return nil, cobra.ShellCompDirectiveDefault // the FILE
			}
		}
	}
	for _, sub := range cmd.Commands() {
		a.addCompletions(sub)
	}
}

// completeToolList completes --tools. It builds the registry only when asked
// to complete: building it (every tool's schemas) for each command of the
// tree cost every bigc command about 80 MB of allocations at start-up.
func completeToolList(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	return listCompletions(tools.NewRegistry().Names())(cmd, args, toComplete)
}

// importKinds are what bigc import imports.
var importKinds = []string{"products", "inventory", "customers"}

// webhookScopes are the BigCommerce webhook scopes offered for --scope: the
// wildcards and the order, product, customer, inventory and shipment events
// (docs/integrations/webhooks/events in BigCommerce's developer docs).
var webhookScopes = []string{
	"store/order/*", "store/order/created", "store/order/updated", "store/order/archived", "store/order/statusUpdated",
	"store/product/*", "store/product/created", "store/product/updated", "store/product/deleted", "store/product/inventory/updated",
	"store/customer/*", "store/customer/created", "store/customer/updated", "store/customer/deleted",
	"store/sku/*", "store/sku/inventory/updated",
	"store/shipment/*", "store/shipment/created", "store/shipment/updated", "store/shipment/deleted",
	"store/category/*", "store/cart/*",
}

// streamNames are the sync streams' names.
func streamNames() []string {
	var out []string
	for _, s := range syncer.Streams() {
		out = append(out, s.Name)
	}
	return out
}

// orderStatusWords are the order statuses as --status takes them
// (awaiting_fulfillment).
func orderStatusWords() []string {
	var out []string
	for _, n := range syncer.OrderStatusNames() {
		out = append(out, strings.ReplaceAll(n, " ", "_"))
	}
	return out
}

// fixedCompletions offers values that start with what was typed.
func fixedCompletions(values ...string) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		var out []string
		for _, v := range values {
			if strings.HasPrefix(v, toComplete) {
				out = append(out, v)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// listCompletions completes the last item of a comma-separated list
// (--tools get-order,list-<TAB>).
func listCompletions(values []string) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		done, last := "", toComplete
		if i := strings.LastIndexByte(toComplete, ','); i >= 0 {
			done, last = toComplete[:i+1], toComplete[i+1:]
		}
		var out []string
		for _, v := range values {
			if strings.HasPrefix(v, last) && !slices.Contains(strings.Split(done, ","), v) {
				out = append(out, done+v)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
	}
}

// firstArg offers values for a command's first argument only.
func firstArg(values ...string) cobra.CompletionFunc {
	fixed := fixedCompletions(values...)
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return fixed(cmd, args, toComplete)
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

// argNouns name the argument of the commands whose Use does not: what
// "which ...?" asks for when it is missing.
var argNouns = map[string]string{
	"bigc sync reset":          "stream",
	"bigc import":              "kind of record",
	"bigc connection verify":   "connection",
	"bigc connection remove":   "connection",
	"bigc connection use":      "connection",
	"bigc webhooks delete":     "hook ID",
	"bigc webhooks reactivate": "hook ID",
}

// missingArgument is the error for a command run without its argument: it
// asks for it by name and lists what the command's completion would offer
// ("which stream? orders, products or customers"), where cobra would say
// "accepts 1 arg(s), received 0".
func missingArgument(c *cobra.Command) error {
	noun, ok := argNouns[c.CommandPath()]
	if !ok {
		_, rest, _ := strings.Cut(c.Use, " ")
		noun = strings.ToLower(strings.Trim(strings.Fields(rest + " argument")[0], "[]."))
	}
	msg := fmt.Sprintf("which %s?", noun)
	if noun == "hook ID" {
		msg += " bigc webhooks list shows them"
	}
	if c.ValidArgsFunction != nil {
		values, _ := c.ValidArgsFunction(c, nil, "")
		for i, v := range values {
			values[i], _, _ = strings.Cut(v, "\t")
		}
		switch {
		case len(values) == 1:
			msg += " " + values[0]
		case len(values) > 1:
			msg += " " + strings.Join(values[:len(values)-1], ", ") + " or " + values[len(values)-1]
		case noun == "connection":
			msg += " none is saved; add one with bigc connection add"
		}
	}
	return badInputf("%s (see %s --help)", msg, c.CommandPath())
}
