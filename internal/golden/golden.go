// Package golden compares what a test produced with a golden file kept under
// testdata, and rewrites the files when the test runs with -update, so that a
// change to an output shows in review as a diff. Only tests import it.
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// Updating reports whether this test run rewrites golden files (-update).
func Updating() bool { return *update }

// Check compares got with the golden file at path, or writes it there with
// -update.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-golden +got); if the change is intended, run the test with -update and review the diff:\n%s", path, diff)
	}
}

// Prune reports the golden files in dir matching pattern whose base names
// are not in produced, stale files of outputs that no longer exist; with
// -update it removes them.
func Prune(t testing.TB, dir, pattern string, produced map[string]bool) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, pattern))
	for _, f := range files {
		if produced[filepath.Base(f)] {
			continue
		}
		if *update {
			os.Remove(f)
			continue
		}
		t.Errorf("%s: golden file of an output that no longer exists (run with -update to remove it)", f)
	}
}
