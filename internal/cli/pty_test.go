package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/sandbox"
)

// runOnTerminal runs the bigc binary with stdin, stdout and stderr on a
// pseudo-terminal, as a person at a shell runs it, types input into it, and
// returns everything the terminal showed and the exit code.
func runOnTerminal(t *testing.T, cfg, input string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(bigcBin, append([]string{"--config", cfg}, args...)...)
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 50, Cols: 200})
	if err != nil {
		t.Fatal(err)
	}
	defer tty.Close()
	if input != "" {
		if _, err := io.WriteString(tty, input); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	// Linux ends a pseudo-terminal's output with EIO once the child has gone.
	if _, err := io.Copy(&out, tty); err != nil && !errors.Is(err, syscall.EIO) {
		t.Fatal(err)
	}
	err = cmd.Wait()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatal(err)
	}
	return strings.ReplaceAll(out.String(), "\r\n", "\n"), cmd.ProcessState.ExitCode()
}

// runPiped runs the bigc binary with stdout and stderr on pipes, as a
// script does.
func runPiped(t *testing.T, cfg string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(bigcBin, append([]string{"--config", cfg}, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatal(err)
	}
	return out.String(), errb.String(), cmd.ProcessState.ExitCode()
}

// TestTerminalTablesAndErrors runs bigc on a pseudo-terminal: list commands
// print aligned tables, and an error is one line for a person.
func TestTerminalTablesAndErrors(t *testing.T) {
	t.Parallel()
	cfg := t.TempDir()
	out, code := runOnTerminal(t, cfg, "", "tools")
	if code != exitOK || !strings.HasPrefix(out, "NAME ") || strings.Contains(out, "[") {
		t.Errorf("bigc tools on a terminal: exit %d:\n%s", code, out)
	}
	out, code = runOnTerminal(t, cfg, "", "tools", "show", "get-order")
	if code != exitOK || !strings.Contains(out, "\nINPUT ") || strings.Contains(out, `"inputSchema"`) {
		t.Errorf("bigc tools show on a terminal: exit %d:\n%s", code, out)
	}
	out, code = runOnTerminal(t, cfg, "", "call", "get-order", "--input", `{"id": "x"}`)
	if code != exitBadInput || strings.Count(out, "\n") != 1 || !strings.HasPrefix(out, "bigc: bad_input: id:") {
		t.Errorf("an error on a terminal: exit %d:\n%s", code, out)
	}
}

// TestPipedJSON runs bigc with pipes: the same commands print JSON, and an
// error is followed by its JSON object.
func TestPipedJSON(t *testing.T) {
	t.Parallel()
	cfg := t.TempDir()
	for _, args := range [][]string{{"tools"}, {"tools", "show", "get-order"}, {"connection", "list"}} {
		stdout, stderr, code := runPiped(t, cfg, args...)
		if code != exitOK || !json.Valid([]byte(stdout)) {
			t.Errorf("bigc %s | ...: exit %d, stdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, stdout, stderr)
		}
	}
	_, stderr, code := runPiped(t, cfg, "call", "get-order", "--input", `{"id": "x"}`)
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	var obj struct{ Error struct{ Field string } }
	if code != exitBadInput || len(lines) != 2 || json.Unmarshal([]byte(lines[1]), &obj) != nil || obj.Error.Field != "id" {
		t.Errorf("a piped error: exit %d, stderr:\n%s", code, stderr)
	}
}

// TestTerminalPrompt runs a production write on a pseudo-terminal: bigc
// asks, with the change described, and the typed y lets it through; with
// pipes the same command exits 2 without asking and sends nothing.
func TestTerminalPrompt(t *testing.T) {
	t.Parallel()
	cfg, srv := productionStore(t, sandbox.Options{Seed: 1})
	args := []string{"call", "update-product", "--connection", "prod", "--input", `{"id": 112, "price": "2.50"}`}
	_, stderr, code := runPiped(t, cfg, args...)
	if code != exitBadInput || strings.Contains(stderr, "[y/N]") || srv.Store.Stats().Requests != 0 {
		t.Errorf("piped: exit %d, %d requests, stderr:\n%s", code, srv.Store.Stats().Requests, stderr)
	}
	out, code := runOnTerminal(t, cfg, "y\n", args...)
	if code != exitOK || !strings.Contains(out, `production connection`) || !strings.Contains(out, "would change product 112") || !strings.Contains(out, "Go ahead? [y/N]") || !strings.Contains(out, `"price": 2.5,`) {
		t.Errorf("on a terminal, answered y: exit %d:\n%s", code, out)
	}
}

// TestTerminalSyncSummary runs a sync on a pseudo-terminal: the person sees
// the summary line and no JSON; with pipes, stdout carries the JSON summary.
func TestTerminalSyncSummary(t *testing.T) {
	t.Parallel()
	cfg := t.TempDir()
	args := []string{"sync", "store", "--sandbox", "--out", filepath.Join(t.TempDir(), "store.jsonl")}
	out, code := runOnTerminal(t, cfg, "", args...)
	if code != exitOK || !strings.Contains(out, "bigc sync store: 1 record written") || strings.Contains(out, `{"stream"`) {
		t.Errorf("on a terminal: exit %d:\n%s", code, out)
	}
	stdout, stderr, code := runPiped(t, cfg, args...)
	if code != exitOK || !strings.HasPrefix(stdout, `{"stream":"store"`) || !strings.Contains(stderr, "bigc sync store: 0 records written") {
		t.Errorf("piped: exit %d, stdout %q, stderr:\n%s", code, stdout, stderr)
	}
}

// TestTerminalSyncProgress runs a slow sync on a pseudo-terminal: a live
// progress line is drawn (and cleared) on stderr; with --quiet the terminal
// shows nothing at all, neither progress nor the summary line.
func TestTerminalSyncProgress(t *testing.T) {
	t.Parallel()
	cfg, _ := savedStore(t, sandbox.Options{Seed: 1, Orders: 60, Latency: 30 * time.Millisecond}, "slow", false)
	dir := t.TempDir()
	out, code := runOnTerminal(t, cfg, "", "sync", "orders", "--connection", "slow", "--out", filepath.Join(dir, "a.jsonl"))
	if code != exitOK || !strings.Contains(out, "\r\x1b[Korders: ") || !strings.Contains(out, "records written") {
		t.Errorf("on a terminal: exit %d, no progress line or summary:\n%q", code, out)
	}
	out, code = runOnTerminal(t, cfg, "", "sync", "orders", "--connection", "slow", "--out", filepath.Join(dir, "b.jsonl"), "--quiet")
	if code != exitOK || strings.TrimSpace(out) != "" {
		t.Errorf("--quiet on a terminal: exit %d, want nothing shown:\n%q", code, out)
	}
}

// TestTerminalPromptsShowTheChange runs the other writing commands on a
// production connection on a pseudo-terminal: before the y/N each shows what
// it would do (an import its dry run's counts, a webhook command the hook's
// scope and destination, sync --tag which orders it would tag); a no sends
// no write, a yes goes ahead.
func TestTerminalPromptsShowTheChange(t *testing.T) {
	t.Parallel()
	cfg, srv := productionStore(t, sandbox.Options{Seed: 4, Products: -1, Customers: -1, Orders: 3})
	dir := t.TempDir()
	file := filepath.Join(dir, "catalog.jsonl")
	body := `{"name":"Prod Mug","sku":"PMUG","price":"4.5"}
{"name":"Prod Cup","sku":"PCUP","price":"3"}
{"name":"Prod Tee","sku":"PTEE","price":"9","categories":["Nowhere/Shirts"]}
`
	if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := bigcommerce.NewClient(srv.StoreHash, srv.Tokens.Full, bigcommerce.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	created := func() int {
		ps, err := c.Products.BySKUs(context.Background(), []string{"PMUG", "PCUP", "PTEE"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return len(ps)
	}
	// prompted runs args on the terminal answering answer, and returns what
	// was shown before the question.
	prompted := func(answer string, wantCode int, args ...string) string {
		t.Helper()
		out, code := runOnTerminal(t, cfg, answer+"\n", args...)
		before, _, asked := strings.Cut(out, "Go ahead? [y/N]")
		if code != wantCode || !asked {
			t.Fatalf("bigc %s, answered %s: exit %d, want %d after a question:\n%s", strings.Join(args, " "), answer, code, wantCode, out)
		}
		if !strings.Contains(before, "production connection: every write through it needs --yes") {
			t.Errorf("bigc %s: no guard sentence after the preview:\n%s", strings.Join(args, " "), before)
		}
		return before
	}

	state := filepath.Join(dir, "state.db")
	imp := []string{"import", "products", file, "--connection", "prod", "--state", state}
	before := prompted("n", exitBadInput, imp...)
	if want := "bigc import products " + file + " (3 rows) would create 2, update 0 and reject 1; 0 unchanged"; !strings.Contains(before, want) || created() != 0 {
		t.Errorf("import, answered n: %d products created, shown:\n%s\nwant %q", created(), before, want)
	}
	prompted("y", exitRejected, imp...)
	if n := created(); n != 2 {
		t.Errorf("import, answered y: %d products created, want 2", n)
	}

	dest := "http://127.0.0.1:9/hooks"
	before = prompted("n", exitBadInput, "webhooks", "subscribe", "--connection", "prod", "--scope", "store/order/created", "--destination", dest)
	if want := "would send store/order/created events to " + dest; !strings.Contains(before, want) {
		t.Errorf("webhooks subscribe: shown:\n%s\nwant %q", before, want)
	}
	stdout, stderr, code := runPiped(t, cfg, "webhooks", "subscribe", "--connection", "prod", "--scope", "store/order/created", "--destination", dest, "--yes")
	var hook struct{ ID int }
	if code != exitOK || json.Unmarshal([]byte(stdout), &hook) != nil || hook.ID == 0 {
		t.Fatalf("subscribe --yes: exit %d, stdout %s, stderr %s", code, stdout, stderr)
	}
	id := strconv.Itoa(hook.ID)
	before = prompted("n", exitBadInput, "webhooks", "delete", id, "--connection", "prod")
	if want := "bigc webhooks delete " + id + ": hook " + id + " sends store/order/created events to " + dest + " (active)"; !strings.Contains(before, want) {
		t.Errorf("webhooks delete: shown:\n%s\nwant %q", before, want)
	}
	if stdout, _, _ := runPiped(t, cfg, "webhooks", "list", "--connection", "prod"); !strings.Contains(stdout, `"id": `+id+",") {
		t.Errorf("the hook is gone after a no: %s", stdout)
	}

	out := filepath.Join(dir, "orders.jsonl")
	before = prompted("n", exitBadInput, "sync", "orders", "--connection", "prod", "--tag", "bigc/exported", "--out", out)
	want := `bigc sync orders --tag bigc/exported would read the orders of connection "prod" of every status but incomplete (0), ` +
		"every order (no checkpoint for prod/orders -> " + out + " yet), write them to " + out +
		" and give each one not yet tagged the metafield bigc/exported"
	if !strings.Contains(before, want) || fileSize(out) > 0 {
		t.Errorf("sync --tag: shown:\n%s\nwant %q (and no record written)", before, want)
	}
}
