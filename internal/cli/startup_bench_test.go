package cli

import (
	"io"
	"strings"
	"testing"
)

// BenchmarkStartup runs bigc version in process: what every command pays
// before it does its own work (building the command tree, flags and
// completions).
func BenchmarkStartup(b *testing.B) {
	for b.Loop() {
		if code := run(b.Context(), []string{"version"}, strings.NewReader(""), io.Discard, io.Discard); code != 0 {
			b.Fatalf("bigc version: exit %d", code)
		}
	}
}
