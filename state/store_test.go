package state

import (
	"path/filepath"
	"testing"

	"github.com/bigc-dev/bigc/internal/testservices"
)

// eachBackend runs test against each backend: a fresh SQLite file and a
// fresh PostgreSQL schema (skipped, saying how to enable it, when no server
// is configured). target names the state for OpenStore, so a test can open
// it a second time as another process would.
func eachBackend(t *testing.T, test func(t *testing.T, target string)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		test(t, filepath.Join(t.TempDir(), "state.db"))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		test(t, testservices.PostgresURL(t))
	})
}

// eachStore runs test against a fresh store of each backend.
func eachStore(t *testing.T, test func(t *testing.T, s Store)) {
	t.Helper()
	eachBackend(t, func(t *testing.T, target string) { test(t, openStore(t, target)) })
}

// openStore opens target, closing it when the test ends.
func openStore(t *testing.T, target string) Store {
	t.Helper()
	s, err := OpenStore(t.Context(), target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
