package cli

import (
	"context"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

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

// readmeSection returns the lines of the README's sh blocks under the
// heading that starts with heading, up to the next heading of its level,
// in order, comments cut.
func readmeSection(t *testing.T, heading string) []string {
	t.Helper()
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	start := strings.Index(text, "\n"+heading)
	if start < 0 {
		t.Fatalf("README: no %q section", heading)
	}
	level := heading[:strings.IndexByte(heading, ' ')+1]
	text = text[start+1+len(heading):]
	if end := strings.Index(text, "\n"+level); end >= 0 {
		text = text[:end]
	}
	var lines []string
	inSh := false
	for _, line := range strings.Split(text, "\n") {
		switch {
		case strings.HasPrefix(line, "```sh"):
			inSh = true
		case strings.HasPrefix(line, "```"):
			inSh = false
		case inSh && strings.TrimSpace(line) != "":
			line, _, _ = strings.Cut(line, " #")
			lines = append(lines, strings.TrimSpace(line))
		}
	}
	return lines
}

// TestREADMEQuickStartRuns runs the README's quick start, in order, on a
// fresh configuration directory and working directory: the sync, then bigc
// sandbox serve and the connection lines it prints on stderr, which must be
// the ones the README shows (with the port the test got), then the commands
// that use those connections. The go commands are what built this test.
func TestREADMEQuickStartRuns(t *testing.T) {
	lines := readmeSection(t, "## Quick start")
	t.Chdir(t.TempDir())
	cfg := t.TempDir()
	const readmeURL = "http://127.0.0.1:8765"
	url := ""
	var hints string
	ran := 0
	for _, line := range lines {
		if strings.HasPrefix(line, "go ") || strings.HasPrefix(line, "export ") {
			continue
		}
		stdin, line := readmeStdin(t, line)
		if url != "" {
			line = strings.ReplaceAll(line, readmeURL, url)
		}
		// VAR=value words before bigc: the one-off connection's variables,
		// set for this command only.
		var env []string
		for !strings.HasPrefix(line, "bigc ") {
			word, rest, _ := strings.Cut(line, " ")
			name, value, ok := strings.Cut(word, "=")
			if !ok {
				t.Fatalf("README: %q: only VAR=value words may come before bigc", line)
			}
			t.Setenv(name, value)
			env, line = append(env, name), rest
		}
		args := shellSplit(strings.TrimPrefix(line, "bigc "))
		if len(args) >= 2 && args[0] == "sandbox" && args[1] == "serve" {
			url, hints = serveReadmeSandbox(t, cfg, args)
			continue
		}
		if strings.HasPrefix(line, "printf") || strings.Contains(line, "connection add") {
			if !strings.Contains(hints, "printf '%s' '"+stdin+"' | "+line+"\n") {
				t.Errorf("README: %q is not a line bigc sandbox serve printed; it printed:\n%s", line, hints)
			}
		}
		r := runBigc(t, cfg, stdin, args...)
		for _, name := range env {
			t.Setenv(name, "") // unset: the next command gets none
		}
		ran++
		if r.code != exitOK {
			t.Fatalf("README: bigc %s: exit %d; stderr:\n%s", strings.Join(args, " "), r.code, r.stderr)
		}
		for _, token := range []string{"tnhfxns71aakisd22jiwpunk0grz7rc", "qfhrtgaoki8yigxm2la7q8o3vis0c9c"} {
			if strings.Contains(r.stdout+r.stderr, token) {
				t.Errorf("README: bigc %s echoed a sandbox token", strings.Join(args, " "))
			}
		}
		if len(env) > 0 && !strings.Contains(r.stderr, "one-off connection") {
			t.Errorf("README: bigc %s with %s did not use the one-off connection:\n%s", strings.Join(args, " "), strings.Join(env, ", "), r.stderr)
		}
	}
	if url == "" || ran < 5 {
		t.Fatalf("README quick start: sandbox serve found: %v, %d bigc commands run", url != "", ran)
	}
}

// readmeStdin splits a README line "printf '%s' VALUE | bigc ..." into
// VALUE, the command's standard input, and the command ("" and line itself
// for a line without a pipe). Double quotes are dropped (the value was
// expanded before).
func readmeStdin(t *testing.T, line string) (stdin, cmd string) {
	t.Helper()
	pre, cmd, ok := strings.Cut(line, " | ")
	if !ok {
		return "", line
	}
	args := shellSplit(strings.ReplaceAll(pre, `"`, ""))
	if len(args) != 3 || args[0] != "printf" || args[1] != "%s" {
		t.Fatalf("README: %q: only printf '%%s' VALUE | bigc ... is understood here", line)
	}
	return args[2], cmd
}

// serveReadmeSandbox runs bigc sandbox serve args (on a free port instead of
// the README's) until the test ends, and returns its URL and what it printed
// on stderr.
func serveReadmeSandbox(t *testing.T, cfg string, args []string) (url, hints string) {
	t.Helper()
	for i, a := range args {
		if a == "--addr" && i+1 < len(args) {
			args[i+1] = "127.0.0.1:0"
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"--config", cfg}, args...), strings.NewReader(""), &out, &errb)
	}()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != exitOK {
			t.Errorf("bigc sandbox serve: exit %d after Ctrl-C; stderr:\n%s", code, errb.String())
		}
	})
	for !strings.Contains(errb.String(), "Ctrl-C to stop") {
		select {
		case code := <-done:
			t.Fatalf("bigc sandbox serve ended (exit %d); stderr:\n%s", code, errb.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	var ready struct {
		URL string `json:"url"`
	}
	if err := json.Unmarshal([]byte(strings.SplitN(out.String(), "\n", 2)[0]), &ready); err != nil {
		t.Fatalf("ready line %q: %v", out.String(), err)
	}
	return ready.URL, errb.String()
}
