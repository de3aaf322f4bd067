package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bigc-dev/bigc/internal/connections"
	"github.com/bigc-dev/bigc/sandbox"
	"github.com/bigc-dev/bigc/sandbox/sandboxtest"
)

// readmeLine is one command line of the README's sh blocks, with the
// heading it sits under.
type readmeLine struct {
	section, text string
}

// readmeShellLines returns every line of the README's sh blocks, comments
// cut, in order.
func readmeShellLines(t *testing.T) []readmeLine {
	t.Helper()
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var out []readmeLine
	section, inSh := "", false
	for _, line := range strings.Split(string(data), "\n") {
		switch {
		case strings.HasPrefix(line, "```sh"):
			inSh = true
		case strings.HasPrefix(line, "```"):
			inSh = false
		case !inSh && strings.HasPrefix(line, "#"):
			section = strings.TrimLeft(line, "# ")
		case inSh:
			if i := strings.Index(line, " #"); i >= 0 {
				line = line[:i]
			}
			if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
				out = append(out, readmeLine{section, line})
			}
		}
	}
	return out
}

// readmeNotRunHere are the README lines this test leaves to others: each
// substring marks lines, and says why and which test covers what they do.
// Each must still match a README line, so the list cannot go stale.
var readmeNotRunHere = map[string]string{
	"go ":                   "the Go toolchain's own commands (they built this test)",
	".ci/":                  "the CI scripts, which run this test",
	"$BIGC_STATE_URL":       "needs PostgreSQL: TestSyncToPostgres and the shared-state tests (BIGC_TEST_POSTGRES_URL)",
	"export BIGC_STATE_URL": "names a PostgreSQL server, for the two lines above",
	"redis://":              "needs Redis: the worker fleet tests (BIGC_TEST_REDIS_URL)",
	"/data/bigc-imports":    "a worker that runs until stopped: TestWorkerImports* run --imports with --once",
	"--sandbox --input":     "a tool example: TestREADMEToolExamplesRun runs every bigc call ... --sandbox line",
	"--sandbox -F":          "a tool example: TestREADMEToolExamplesRun",
	"status=Shipped --all":  "a tool example: TestREADMEToolExamplesRun",
}

// TestREADMEEveryCommandRuns runs, in order, in a fresh configuration and
// working directory, every README command line outside the quick start
// (which TestREADMEQuickStartRuns runs) and readmeNotRunHere, against
// sandbox stores standing in for the README's: abc123 (us-production, and
// us and eu, which the README uses without adding) and def456 (staging). The
// test adds only what a real store makes unnecessary: --base-url on
// connection add and $BIGC_BASE_URL beside $BIGC_STORE_HASH, the sandboxes'
// tokens for the README's variables, free ports for fixed ones, the hook id
// subscribe answered for the README's 42, and the files the import lines
// read. Commands that serve until stopped (sandbox serve, webhooks listen,
// mcp --http, sync --follow) are stopped, as Ctrl-C would, once they say
// they are up (or finished their first run).
func TestREADMEEveryCommandRuns(t *testing.T) {
	prod := sandboxtest.NewServer(t, sandbox.Options{Seed: 1, StoreHash: "abc123"})
	staging := sandboxtest.NewServer(t, sandbox.Options{Seed: 2, StoreHash: "def456"})
	baseURL := map[string]string{"abc123": prod.URL, "def456": staging.URL}
	vars := map[string]string{"BIGC_TOKEN": prod.Tokens.Full, "TOKEN_FROM_YOUR_SECRET_STORE": prod.Tokens.Full}
	t.Setenv("BIGC_STAGING_TOKEN", staging.Tokens.Full)
	t.Setenv("BIGC_MAX_RETRIES", "0")
	for _, name := range []string{storeHashEnv, accessTokenEnv, baseURLEnv, connectionEnv} {
		t.Setenv(name, "")
	}
	lines := readmeShellLines(t)
	cfg := t.TempDir()
	t.Chdir(t.TempDir())
	for _, name := range []string{"us", "eu"} {
		saveConnection(t, cfg, connections.Connection{Name: name, StoreHash: prod.StoreHash, BaseURL: prod.URL, Token: prod.Tokens.Full})
	}
	writeReadmeImportFiles(t)

	used := map[string]bool{}
	hookID := ""
	ran := 0
	for _, l := range lines {
		if strings.HasPrefix(l.section, "Quick start") || strings.HasPrefix(l.section, "A sandbox store to point") {
			continue
		}
		skip := false
		for sub := range readmeNotRunHere {
			if strings.Contains(l.text, sub) {
				used[sub], skip = true, true
			}
		}
		if skip {
			continue
		}
		line := os.Expand(l.text, func(k string) string { return vars[k] })
		if rest, ok := strings.CutPrefix(line, "export "); ok {
			for _, w := range shellSplit(strings.ReplaceAll(rest, `"`, "")) {
				k, v, _ := strings.Cut(w, "=")
				t.Setenv(k, v)
				if k == storeHashEnv {
					t.Setenv(baseURLEnv, baseURL[v])
				}
			}
			continue
		}
		stdin, line := readmeStdin(t, line)
		rest, ok := strings.CutPrefix(line, "bigc ")
		if !ok {
			t.Fatalf("README (%s): %q is neither a bigc command nor in readmeNotRunHere", l.section, l.text)
		}
		args := readmeArgs(shellSplit(rest), baseURL, hookID)
		ran++
		t.Logf("README (%s): bigc %s", l.section, strings.Join(args, " "))
		var r result
		if ready := servesUntilStopped(args); ready != "" {
			r = runUntilReady(t, cfg, args, ready)
		} else {
			r = runBigc(t, cfg, stdin, args...)
		}
		if r.code != exitOK {
			t.Errorf("README (%s): bigc %s: exit %d; stderr:\n%s", l.section, strings.Join(args, " "), r.code, r.stderr)
			continue
		}
		if len(args) > 1 && args[0] == "webhooks" && args[1] == "subscribe" {
			var hook struct{ ID int }
			if err := json.Unmarshal([]byte(r.stdout), &hook); err != nil || hook.ID == 0 {
				t.Fatalf("webhooks subscribe answered %q", r.stdout)
			}
			hookID = fmt.Sprint(hook.ID)
		}
		for _, token := range []string{prod.Tokens.Full, staging.Tokens.Full} {
			if strings.Contains(r.stdout+r.stderr, token) {
				t.Errorf("README: bigc %s printed an access token", strings.Join(args, " "))
			}
		}
	}
	if ran < 20 {
		t.Errorf("only %d README commands run", ran)
	}
	for sub, why := range readmeNotRunHere {
		if !used[sub] {
			t.Errorf("readmeNotRunHere[%q] (%s) matches no README line: drop it", sub, why)
		}
	}
}

// readmeArgs adapts a README command's arguments to the test's stores:
// connection add gets the sandbox's --base-url, fixed ports become free
// ones, and the README's hook id 42 becomes the one subscribe made.
func readmeArgs(args []string, baseURL map[string]string, hookID string) []string {
	out := append([]string(nil), args...)
	for i, a := range out {
		switch {
		case (a == "--addr" || a == "--http") && i+1 < len(out):
			out[i+1] = "127.0.0.1:0"
		case a == "42" && hookID != "" && i > 0 && out[i-1] == "delete":
			out[i] = hookID
		}
	}
	if len(out) > 1 && out[0] == "connection" && out[1] == "add" {
		for i, a := range out {
			if a == "--store-hash" && i+1 < len(out) {
				out = append(out, "--base-url", baseURL[out[i+1]])
				break
			}
		}
	}
	return out
}

// servesUntilStopped returns what a command that runs until stopped prints
// on stderr once it is up, or "" for a command that ends by itself.
func servesUntilStopped(args []string) string {
	joined := " " + strings.Join(args, " ") + " "
	switch {
	case strings.HasPrefix(joined, " sandbox serve "):
		return "Ctrl-C to stop"
	case strings.HasPrefix(joined, " webhooks listen "):
		return "listening on"
	case strings.HasPrefix(joined, " mcp ") && strings.Contains(joined, " --http "):
		return "bigc mcp: serving"
	case strings.Contains(joined, " --follow "):
		return regexp.QuoteMeta("bigc sync ") // the first run's summary line
	}
	return ""
}

// runUntilReady runs a command that serves until stopped, and stops it as
// Ctrl-C would once its stderr matches ready; a clean stop is exit 0 (or
// 130, an interrupted --follow).
func runUntilReady(t *testing.T, cfg string, args []string, ready string) result {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"--config", cfg}, args...), strings.NewReader(""), &out, &errb)
	}()
	re := regexp.MustCompile(ready)
	deadline := time.After(2 * time.Minute)
	for !re.MatchString(errb.String()) {
		select {
		case code := <-done:
			return result{out.String(), errb.String(), code}
		case <-deadline:
			cancel()
			<-done
			t.Fatalf("bigc %s: not up after 2 minutes; stderr:\n%s", strings.Join(args, " "), errb.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	cancel()
	code := <-done
	if code == exitInterrupted {
		code = exitOK
	}
	return result{out.String(), errb.String(), code}
}

// writeReadmeImportFiles writes, in the working directory, the files the
// README's import lines read: catalog.jsonl (create-product's shape),
// wc-product-export.csv (a WooCommerce export) and levels.csv.
func writeReadmeImportFiles(t *testing.T) {
	t.Helper()
	files := map[string]string{
		"catalog.jsonl": `{"name": "Teak Bench", "type": "physical", "price": "249.00", "weight": 18, "sku": "BENCH-TEAK"}` + "\n",
		"levels.csv":    "sku,quantity\nSKU-00112-M,30\nSKU-00112-L,12\n",
	}
	for name, body := range files {
		if err := os.WriteFile(name, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	writeWooExport(t, filepath.Join(dir, "wc-product-export.csv"), 3)
}
