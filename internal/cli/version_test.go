package cli

import (
	"bytes"
	"runtime"
	"strings"
	"testing"
)

func TestVersionPrintsGoVersion(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"version"}, {"--version"}} {
		var out, errOut bytes.Buffer
		code := Main(args, strings.NewReader(""), &out, &errOut)
		if code != 0 {
			t.Fatalf("%v: exit %d, stderr %q", args, code, errOut.String())
		}
		got := out.String()
		if !strings.HasPrefix(got, "bigc ") || !strings.Contains(got, runtime.Version()) {
			t.Errorf("%v printed %q, want bigc's version and %s", args, got, runtime.Version())
		}
	}
}
