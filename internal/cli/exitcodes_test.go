package cli

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/internal/connections"
	"github.com/bigc-dev/bigc/state"
	"github.com/bigc-dev/bigc/syncer"
	"github.com/bigc-dev/bigc/tools"
)

// TestClassifyErrorNamesTheCommands: the steps only the command line can
// take are its own words; the libraries' errors name no command.
func TestClassifyErrorNamesTheCommands(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("x: %w", bigcommerce.ErrUnauthorized), "create a new token in"},
		{fmt.Errorf("x: %w", bigcommerce.ErrUnauthorized), "check the connection with bigc connection verify NAME"},
		{&tools.Error{Category: tools.CategoryUnauthorized}, "check the connection with bigc connection verify NAME"},
		{fmt.Errorf("x: %w", connections.ErrNotFound), "bigc connection add"},
		{connections.ValidateName(connections.SandboxName), "pass --sandbox"},
		{noToken(), "--token-stdin or --token-env VAR"},
	} {
		if te, _ := classifyError(tc.err); !strings.Contains(te.Next, tc.want) {
			t.Errorf("classifyError(%v).Next = %q, want it to contain %q", tc.err, te.Next, tc.want)
		}
	}
}

// noToken is the error of a saved connection that lost its token.
func noToken() error {
	_, err := (&connections.Connection{Name: "shop"}).ResolveToken(func(string) string { return "" })
	return err
}

func TestClassifyErrorExitCodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want int
	}{
		{badInputf("--input: not JSON"), exitBadInput},
		{&tools.Error{Category: tools.CategoryBadInput}, exitBadInput},
		{&tools.Error{Category: tools.CategoryConfirmationRequired}, exitBadInput},
		{&tools.Error{Category: tools.CategoryUnauthorized}, exitAuth},
		{&tools.Error{Category: tools.CategoryMissingScope}, exitAuth},
		{&tools.Error{Category: tools.CategoryNotFound}, exitNotFound},
		{&tools.Error{Category: tools.CategoryConflict}, exitConflict},
		{&tools.Error{Category: tools.CategoryRateLimited}, exitRateLimited},
		{&tools.Error{Category: tools.CategoryUpstream}, exitRateLimited},
		{&tools.Error{Category: tools.CategoryOutcomeUnknown}, exitRateLimited},
		{&tools.Error{Category: tools.CategoryCanceled}, exitInterrupted},
		{&tools.Error{Category: categoryStateCorrupt}, exitLocalDamage},
		{&tools.Error{Category: categoryOutputDamaged}, exitLocalDamage},
		{&syncer.OutputDamagedError{Path: "/o.jsonl", Reason: "is 0 bytes"}, exitLocalDamage},
		{fmt.Errorf("state: %w", &state.CorruptError{Path: "/s.db"}), exitLocalDamage},
		{&tools.Error{Category: tools.CategoryInternal}, exitOther},
		{fmt.Errorf("x: %w", bigcommerce.ErrBadRequest), exitBadInput},
		{fmt.Errorf("x: %w", bigcommerce.ErrValidation), exitBadInput},
		{fmt.Errorf("x: %w", bigcommerce.ErrUnauthorized), exitAuth},
		{fmt.Errorf("x: %w", bigcommerce.ErrForbidden), exitAuth},
		{fmt.Errorf("x: %w", bigcommerce.ErrNotFound), exitNotFound},
		{fmt.Errorf("x: %w", bigcommerce.ErrConflict), exitConflict},
		{fmt.Errorf("x: %w", bigcommerce.ErrRateLimited), exitRateLimited},
		{fmt.Errorf("x: %w", bigcommerce.ErrUpstream), exitRateLimited},
		{fmt.Errorf("x: %w", bigcommerce.ErrOutcomeUnknown), exitRateLimited},
		{fmt.Errorf("x: %w", connections.ErrNotFound), exitNotFound},
		{fmt.Errorf("x: %w", connections.ErrExists), exitBadInput},
		{fmt.Errorf("x: %w", connections.ErrInvalid), exitBadInput},
		{errors.New(`unknown command "nope" for "bigc"`), exitBadInput},
		{errors.New(`required flag(s) "out" not set`), exitBadInput},
		{errors.New(`if any flags in the group [a b] are set none of the others can be; [a b] were all set`), exitBadInput},
		{errors.New("disk full"), exitOther},
	}
	for _, tc := range tests {
		if _, got := classifyError(tc.err); got != tc.want {
			t.Errorf("classifyError(%v) exit code = %d, want %d", tc.err, got, tc.want)
		}
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"no-such-command"},
		{"tools", "--no-such-flag"},
		{"tools", "show"},
		{"tools", "show", "a", "b"},
		{"call"},
		{"connection", "remove"},
		{"connection", "add", "Bad_Name", "--store-hash", "abc", "--token-env", "X"},
		{"connection", "add", "ok", "--token-env", "X"},
		{"connection", "add", "ok", "--store-hash", "abc"},
		{"connection", "add", "ok", "--store-hash", "abc", "--token-env", "X", "--token-stdin"},
		{"connection", "add", "ok", "--store-hash", "not a hash", "--token-env", "X"},
		{"connection", "add", "ok", "--store-hash", "abc", "--token-env", "X", "--base-url", "ftp://x"},
	} {
		r := runBigc(t, t.TempDir(), "", args...)
		if r.code != exitBadInput {
			t.Errorf("bigc %s: exit %d, want 2; stderr:\n%s", strings.Join(args, " "), r.code, r.stderr)
			continue
		}
		if e := r.errorObject(t); e.Category != tools.CategoryBadInput {
			t.Errorf("bigc %s: category %q, want bad_input", strings.Join(args, " "), e.Category)
		}
	}
}

func TestReportFormat(t *testing.T) {
	t.Parallel()
	r := runBigc(t, t.TempDir(), "", "connection", "verify", "nope")
	if r.code != exitNotFound {
		t.Fatalf("verify of a missing connection: exit %d, want 4; stderr:\n%s", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "bigc: not_found: ") {
		t.Errorf("stderr = %q, want a one-line message then the JSON object", r.stderr)
	}
	if e := r.errorObject(t); e.Category != tools.CategoryNotFound || !strings.Contains(e.Next, "bigc connection list") {
		t.Errorf("error object = %+v", e)
	}
	if r.stdout != "" {
		t.Errorf("stdout = %q, want nothing on failure", r.stdout)
	}
}

func TestEmptyTokenOnStdinIsBadInput(t *testing.T) {
	t.Parallel()
	r := runBigc(t, t.TempDir(), "  \n", "connection", "add", "prod", "--store-hash", "abc123", "--token-stdin")
	if r.code != exitBadInput || !strings.Contains(r.stderr, "standard input is empty") {
		t.Errorf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
}

func TestMissingTokenEnvIsBadInput(t *testing.T) {
	t.Parallel()
	r := runBigc(t, t.TempDir(), "", "connection", "add", "prod", "--store-hash", "abc123",
		"--token-env", "BIGC_TEST_SURELY_UNSET_VARIABLE", "--base-url", "http://127.0.0.1:1")
	if r.code != exitBadInput || !strings.Contains(r.stderr, "BIGC_TEST_SURELY_UNSET_VARIABLE") {
		t.Errorf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
}
