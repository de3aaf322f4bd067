package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bigc-dev/bigc/internal/connections"
	"github.com/bigc-dev/bigc/tools"
)

// These runs fail before any store is opened, so they need no sandbox.

func TestCallRefusesBadInputBeforeOpeningAStore(t *testing.T) {
	t.Parallel()
	r := runBigc(t, t.TempDir(), "", "call", "get-product", "--input", `{"idd": 5}`)
	if r.code != exitBadInput {
		t.Fatalf("exit %d, want 2; stderr:\n%s", r.code, r.stderr)
	}
	e := r.errorObject(t)
	if e.Field != "idd" || !strings.Contains(e.Message, `did you mean "id"?`) {
		t.Errorf("error = %+v, want the field idd and a suggestion", e)
	}
}

func TestCallInputSources(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "in.json")
	if err := os.WriteFile(file, []byte(`{"id": "x"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, stdin string
		args        []string
		wantField   string
		wantIn      string
	}{
		{"from a file", "", []string{"--input-file", file}, "id", "whole number"},
		{"from stdin", `{"id": true}`, []string{"--input-file", "-"}, "id", "whole number"},
		{"both sources", "", []string{"--input", "{}", "--input-file", file}, "", "both given"},
		{"missing file", "", []string{"--input-file", filepath.Join(dir, "nope.json")}, "", "--input-file"},
		{"not JSON", "", []string{"--input", "id=5"}, "", "not valid JSON"},
	}
	for _, tc := range tests {
		r := runBigc(t, dir, tc.stdin, append([]string{"call", "get-product"}, tc.args...)...)
		if r.code != exitBadInput {
			t.Errorf("%s: exit %d, want 2; stderr:\n%s", tc.name, r.code, r.stderr)
			continue
		}
		e := r.errorObject(t)
		if e.Field != tc.wantField || !strings.Contains(e.Message, tc.wantIn) {
			t.Errorf("%s: error = %+v, want field %q and %q", tc.name, e, tc.wantField, tc.wantIn)
		}
	}
}

func TestCallNeedsAStore(t *testing.T) {
	t.Parallel()
	r := runBigc(t, t.TempDir(), "", "call", "get-product", "--input", `{"id": 1}`)
	if r.code != exitBadInput || !strings.Contains(r.stderr, "--sandbox") {
		t.Errorf("no store chosen: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	r = runBigc(t, t.TempDir(), "", "call", "get-product", "--input", `{"id": 1}`, "--sandbox", "--connection", "x")
	if r.code != exitBadInput || !strings.Contains(r.stderr, "both given") {
		t.Errorf("two stores chosen: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	r = runBigc(t, t.TempDir(), "", "call", "get-product", "--input", `{"id": 1}`, "--connection", "nope")
	if r.code != exitNotFound || r.errorObject(t).Category != tools.CategoryNotFound {
		t.Errorf("unknown connection: exit %d, stderr:\n%s", r.code, r.stderr)
	}
}

func TestCallUnknownTool(t *testing.T) {
	t.Parallel()
	r := runBigc(t, t.TempDir(), "", "call", "drop-store", "--sandbox")
	if r.code != exitBadInput || !strings.Contains(r.stderr, "list-orders") {
		t.Errorf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
}

func TestToolArgumentCount(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"call", "--sandbox"},
		{"call", "get-order", "get-product", "--sandbox"},
		{"tools", "show"},
	} {
		r := runBigc(t, t.TempDir(), "", args...)
		// None: which tool? with the names; more than one: the count.
		if r.code != exitBadInput || !(strings.Contains(r.stderr, "takes one TOOL argument") || strings.Contains(r.stderr, "which tool?")) || !strings.Contains(r.stderr, "raw-api-request") {
			t.Errorf("%v: exit %d, stderr:\n%s", args, r.code, r.stderr)
		}
	}
}

func TestMaxRetriesEnv(t *testing.T) {
	for _, tc := range []struct {
		value string
		ok    bool
	}{{"0", true}, {"3", true}, {"-1", false}, {"many", false}, {"101", false}} {
		t.Setenv(maxRetriesEnv, tc.value)
		_, err := (&targetFlags{}).clientOptions()
		if (err == nil) != tc.ok {
			t.Errorf("%s=%q: clientOptions() = %v, want ok=%v", maxRetriesEnv, tc.value, err, tc.ok)
		}
		if err != nil {
			if te, code := classifyError(err); code != exitBadInput || !strings.Contains(te.Message, maxRetriesEnv) {
				t.Errorf("%s=%q: %v (exit %d), want bad input naming the variable", maxRetriesEnv, tc.value, err, code)
			}
		}
	}
}

// TestCallRedactsAPastedToken: an access token pasted into a tool's input is
// not echoed by the input check, which runs before any connection is opened
// (issue 10 §6); every saved connection's token counts, not only the one the
// call names.
func TestCallRedactsAPastedToken(t *testing.T) {
	t.Parallel()
	cfg := t.TempDir()
	const token = "abcdefghijklmnopqrstuvwxyz01234"
	dir := connections.Open(cfg)
	for _, c := range []*connections.Connection{
		{Name: "shop", StoreHash: "abc123", Token: token},
		{Name: "other", StoreHash: "def456", Token: "zyxwvutsrqponmlkjihgfedcba98765"},
	} {
		if err := dir.Save(c, false); err != nil {
			t.Fatal(err)
		}
	}
	for _, input := range []string{
		`{"name": "Mug", "price": "` + token + `"}`,
		`{"name": "Mug", "price": 5, "` + token + `": 1}`,
	} {
		r := runBigc(t, cfg, "", "call", "create-product", "--connection", "other", "--input", input)
		if r.code != exitBadInput {
			t.Fatalf("exit %d, want %d:\n%s", r.code, exitBadInput, r.stderr)
		}
		if strings.Contains(r.stderr, token) || strings.Contains(r.stdout, token) {
			t.Errorf("the input error echoes the token:\n%s", r.stderr)
		}
		if !strings.Contains(r.stderr, "[redacted]") {
			t.Errorf("the input error does not say what it left out:\n%s", r.stderr)
		}
	}
}
