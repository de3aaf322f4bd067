// Package sandboxtest starts sandbox stores for tests. It lives apart from
// package sandbox so that the bigc binary, which embeds the sandbox, does
// not link package testing.
package sandboxtest

import (
	"testing"

	"github.com/bigc-dev/bigc/sandbox"
)

// NewServer starts a sandbox on a free loopback port for a test and closes it
// when the test ends.
func NewServer(t testing.TB, opts sandbox.Options) *sandbox.Server {
	t.Helper()
	s, err := sandbox.Start("", opts)
	if err != nil {
		t.Fatalf("sandbox: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
