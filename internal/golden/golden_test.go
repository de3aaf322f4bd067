package golden

import (
	"os"
	"path/filepath"
	"testing"
)

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Helper()                        {}
func (r *recorder) Errorf(format string, a ...any) { r.failed = true }
func (r *recorder) Fatalf(format string, a ...any) { r.failed = true }

func TestCheckAndPrune(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.json")
	if err := os.WriteFile(path, []byte("{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := &recorder{TB: t}
	Check(r, path, []byte("{}\n"))
	if r.failed {
		t.Error("Check failed on equal content")
	}
	Check(r, path, []byte("{\"a\":1}\n"))
	if !r.failed {
		t.Error("Check passed on different content")
	}
	r = &recorder{TB: t}
	Prune(r, dir, "*.json", map[string]bool{"a.json": true})
	if r.failed {
		t.Error("Prune reported a produced file")
	}
	Prune(r, dir, "*.json", map[string]bool{})
	if !r.failed {
		t.Error("Prune did not report a stale file")
	}
}
