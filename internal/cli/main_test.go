package cli

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bigc-dev/bigc/tools"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

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
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/cli -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-golden +got); if intended, run go test ./internal/cli -update:\n%s", path, diff)
	}
}
