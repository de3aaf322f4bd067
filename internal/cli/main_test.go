package cli

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bigc-dev/bigc/internal/golden"
	"github.com/bigc-dev/bigc/tools"
)

// result is one in-process run of bigc.
type result struct {
	stdout, stderr string
	code           int
}

// runBigc runs bigc in this process with its configuration in cfg.
func runBigc(t *testing.T, cfg, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(append([]string{"--config", cfg}, args...), strings.NewReader(stdin), &out, &errb)
	return result{out.String(), errb.String(), code}
}

// errorObject decodes the JSON error object bigc prints on stderr.
func (r result) errorObject(t *testing.T) *tools.Error {
	t.Helper()
	for _, line := range strings.Split(r.stderr, "\n") {
		if !strings.HasPrefix(line, `{"error":`) {
			continue
		}
		var v struct{ Error *tools.Error }
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			t.Fatalf("stderr error line %q: %v", line, err)
		}
		return v.Error
	}
	t.Fatalf("no JSON error object on stderr:\n%s", r.stderr)
	return nil
}

// checkGolden compares got with testdata/name, or rewrites it with -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", name), got)
}
