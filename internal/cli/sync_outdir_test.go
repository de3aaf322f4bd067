package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSyncMakesTheOutputDirectory: sync all --out DIR and sync STREAM --out
// DIR/FILE make a missing directory (0700, for the user alone) rather than
// refuse it; a path through a file is still refused, naming --out, with
// nothing made and each refusal said once.
func TestSyncMakesTheOutputDirectory(t *testing.T) {
	t.Parallel()
	cfg, dir := t.TempDir(), t.TempDir()
	all := filepath.Join(dir, "exports", "today")
	if r := runBigc(t, cfg, "", "sync", "all", "--sandbox", "--out", all); r.code != exitOK {
		t.Fatalf("sync all into a missing directory: exit %d: %s", r.code, r.stderr)
	}
	one := filepath.Join(dir, "one", "customers.jsonl")
	if r := runBigc(t, cfg, "", "sync", "customers", "--sandbox", "--out", one); r.code != exitOK {
		t.Fatalf("sync customers into a missing directory: exit %d: %s", r.code, r.stderr)
	}
	for _, path := range []string{filepath.Join(all, "orders.jsonl"), filepath.Join(all, "customers.jsonl"), one} {
		if st, err := os.Stat(path); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v (want records)", path, err)
		}
	}
	for _, d := range []string{filepath.Join(dir, "exports"), all, filepath.Dir(one)} {
		if st, err := os.Stat(d); err != nil || st.Mode().Perm() != 0o700 {
			t.Errorf("%s: %v, mode %v; want a directory made 0700", d, err, st.Mode())
		}
	}

	file := filepath.Join(dir, "a-file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ args []string }{
		{[]string{"sync", "all", "--sandbox", "--out", filepath.Join(file, "sub")}},
		{[]string{"sync", "all", "--sandbox", "--out", file}},
		{[]string{"sync", "orders", "--sandbox", "--out", filepath.Join(file, "sub", "o.jsonl")}},
	} {
		r := runBigc(t, cfg, "", tt.args...)
		out := tt.args[len(tt.args)-1]
		lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
		if r.code != exitBadInput || len(lines) != 2 || !strings.HasPrefix(lines[0], "bigc: bad_input: --out "+out+" ") && !strings.HasPrefix(lines[0], "bigc: bad_input: --out "+out+":") {
			t.Errorf("bigc %s: exit %d, stderr:\n%s\nwant 2, one line naming --out %s and the JSON object", strings.Join(tt.args, " "), r.code, r.stderr, out)
		}
	}
	if st, err := os.Stat(file); err != nil || st.IsDir() {
		t.Errorf("the file in the way was changed: %v", err)
	}
}
