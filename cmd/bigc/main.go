// Command bigc is a BigCommerce connector: tools, incremental syncs, an MCP
// server and a webhook receiver, with a built-in sandbox store.
package main

import (
	"os"

	"github.com/bigc-dev/bigc/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
