package cli

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/bigc-dev/bigc/tools"
)

// readmeCommands returns every bigc command line in the README's sh blocks,
// split into arguments (single quotes group, as in a shell).
func readmeCommands(t *testing.T) [][]string {
	t.Helper()
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var cmds [][]string
	inSh := false
	for _, line := range strings.Split(string(data), "\n") {
		switch {
		case strings.HasPrefix(line, "```sh"):
			inSh = true
			continue
		case strings.HasPrefix(line, "```"):
			inSh = false
			continue
		}
		if !inSh {
			continue
		}
		line, _, _ = strings.Cut(line, " #")
		line = strings.Replace(line, "go run ./cmd/bigc ", "bigc ", 1)
		i := strings.Index(line, "bigc ")
		if i < 0 || (i > 0 && !strings.HasSuffix(strings.TrimSpace(line[:i]), "|")) {
			continue
		}
		cmds = append(cmds, shellSplit(line[i+len("bigc "):]))
	}
	return cmds
}

func shellSplit(s string) []string {
	var out []string
	var cur strings.Builder
	inQuote, has := false, false
	for _, r := range s {
		switch {
		case r == '\'':
			inQuote, has = !inQuote, true
		case r == ' ' && !inQuote:
			if has {
				out = append(out, cur.String())
				cur.Reset()
				has = false
			}
		default:
			cur.WriteRune(r)
			has = true
		}
	}
	if has {
		out = append(out, cur.String())
	}
	return out
}

// TestREADMECommandsExist checks that every command and flag the README shows
// exists, so the README cannot document what bigc does not have.
func TestREADMECommandsExist(t *testing.T) {
	t.Parallel()
	root := (&app{}).rootCmd()
	cmds := readmeCommands(t)
	if len(cmds) < 15 {
		t.Fatalf("found only %d bigc commands in the README", len(cmds))
	}
	for _, args := range cmds {
		cmd, rest, err := root.Find(args)
		if err != nil || cmd == root {
			t.Errorf("README: bigc %s: no such command (%v)", strings.Join(args, " "), err)
			continue
		}
		for _, a := range rest {
			if !strings.HasPrefix(a, "--") {
				continue
			}
			name, _, _ := strings.Cut(strings.TrimPrefix(a, "--"), "=")
			if cmd.Flag(name) == nil {
				t.Errorf("README: bigc %s: %s has no flag --%s", strings.Join(args, " "), cmd.CommandPath(), name)
			}
		}
	}
}

// TestREADMEToolExamples checks that the README shows every tool with an
// input its schema accepts.
func TestREADMEToolExamples(t *testing.T) {
	t.Parallel()
	reg := tools.NewRegistry()
	shown := map[string]bool{}
	for _, args := range readmeCommands(t) {
		if len(args) < 2 || args[0] != "call" {
			continue
		}
		tool, ok := reg.Lookup(args[1])
		if !ok {
			t.Errorf("README: bigc call %s: no such tool", args[1])
			continue
		}
		shown[tool.Name] = true
		for i, a := range args {
			if a == "--input" && i+1 < len(args) {
				if !json.Valid([]byte(args[i+1])) {
					t.Errorf("README: %s: --input %s is not JSON", tool.Name, args[i+1])
				} else if err := tool.CheckInput(json.RawMessage(args[i+1])); err != nil {
					t.Errorf("README: %s: --input %s: %v", tool.Name, args[i+1], err)
				}
			}
		}
	}
	for _, tool := range reg.Tools() {
		if !shown[tool.Name] {
			t.Errorf("README: no bigc call example for %s", tool.Name)
		}
	}
}

// TestREADMEToolExamplesRun runs every README `bigc call ... --sandbox` line:
// the sandbox is seeded the same way every time, so each must succeed.
func TestREADMEToolExamplesRun(t *testing.T) {
	t.Parallel()
	for _, args := range readmeCommands(t) {
		if len(args) < 2 || args[0] != "call" || !slices.Contains(args, "--sandbox") {
			continue
		}
		t.Run(args[1], func(t *testing.T) {
			t.Parallel()
			r := runBigc(t, t.TempDir(), "", args...)
			if r.code != exitOK {
				t.Errorf("bigc %s: exit %d; stderr:\n%s", strings.Join(args, " "), r.code, r.stderr)
			}
			if !json.Valid([]byte(r.stdout)) {
				t.Errorf("bigc %s: stdout is not JSON:\n%s", strings.Join(args, " "), r.stdout)
			}
		})
	}
}
