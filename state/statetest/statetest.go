// Package statetest opens state databases for tests. It lives apart from
// package state so that the bigc binary does not link package testing.
package statetest

import (
	"path/filepath"
	"testing"

	"github.com/bigc-dev/bigc/state"
)

// Open opens a new SQLite state database in the test's temporary directory
// and closes it when the test ends.
func Open(t testing.TB) *state.DB {
	t.Helper()
	db, err := state.Open(t.Context(), filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatalf("state: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
