package state

import (
	"database/sql"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/bigc-dev/bigc/internal/testservices"
)

func openTestTable(t *testing.T, name string) (*Postgres, *Table) {
	t.Helper()
	pg, err := OpenPostgres(t.Context(), testservices.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pg.Close() })
	tb, err := pg.Table(t.Context(), name)
	if err != nil {
		t.Fatal(err)
	}
	return pg, tb
}

// tableRows reads a table back: id -> date_modified and record.
func tableRows(t *testing.T, pg *Postgres, table string) map[int64]Record {
	t.Helper()
	rows, err := pg.sql.QueryContext(t.Context(), `SELECT id, date_modified, record FROM `+table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]Record{}
	for rows.Next() {
		var r Record
		if err := rows.Scan(&r.ID, &r.DateModified, &r.JSON); err != nil {
			t.Fatal(err)
		}
		out[r.ID] = r
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func rec(id int64, dm time.Time, v string) Record {
	b, _ := json.Marshal(map[string]any{"id": id, "v": v})
	return Record{ID: id, DateModified: dm, JSON: b}
}

// TestTableKeepsNewestVersion: rows are upserted by ID keeping the newest
// date_modified; the count says how many rows changed; the checkpoint is
// saved with them.
func TestTableKeepsNewestVersion(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	pg, tb := openTestTable(t, DefaultTable("orders"))
	key := CheckpointKey{"shop", "orders", tb.Destination()}
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	n, err := tb.Commit(ctx, key, []Record{rec(1, t0, "a"), rec(2, t0, "a"), rec(1, t0.Add(time.Second), "b")}, "c1")
	if err != nil || n != 2 {
		t.Fatalf("first Commit = %d, %v; want 2 rows", n, err)
	}
	// An older and an equal version change nothing; a newer one replaces.
	n, err = tb.Commit(ctx, key, []Record{rec(1, t0, "old"), rec(2, t0, "same"), rec(3, t0, "a")}, "c2")
	if err != nil || n != 1 {
		t.Fatalf("second Commit = %d, %v; want 1 row (the new record 3)", n, err)
	}
	if n, err = tb.Commit(ctx, key, []Record{rec(2, t0.Add(time.Hour), "c")}, "c3"); err != nil || n != 1 {
		t.Fatalf("third Commit = %d, %v", n, err)
	}
	got := tableRows(t, pg, "bigc_orders")
	want := map[int64]string{1: "b", 2: "c", 3: "a"}
	if len(got) != len(want) {
		t.Fatalf("table holds %d rows, want %d", len(got), len(want))
	}
	for id, v := range want {
		var doc map[string]any
		if err := json.Unmarshal(got[id].JSON, &doc); err != nil || doc["v"] != v {
			t.Errorf("row %d = %s, want v %q", id, got[id].JSON, v)
		}
	}
	if !got[2].DateModified.Equal(t0.Add(time.Hour)) {
		t.Errorf("row 2 date_modified = %v", got[2].DateModified)
	}
	if c, ok, err := tb.Checkpoint(ctx, key); c != "c3" || !ok || err != nil {
		t.Errorf("checkpoint = %q, %v, %v", c, ok, err)
	}
}

// TestTableCommitIsAtomic: a batch that fails part-way (one record is not
// JSON) leaves neither its rows nor its checkpoint.
func TestTableCommitIsAtomic(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	pg, _ := openTestTable(t, "bigc_orders")
	// A schema-qualified name: the test's own schema.
	var schema string
	if err := pg.sql.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		t.Fatal(err)
	}
	tb, err := pg.Table(ctx, schema+".orders_copy")
	if err != nil {
		t.Fatal(err)
	}
	key := CheckpointKey{"shop", "orders", tb.Destination()}
	t0 := time.Now().UTC().Truncate(time.Second)
	if _, err := tb.Commit(ctx, key, []Record{rec(1, t0, "a")}, "c1"); err != nil {
		t.Fatal(err)
	}
	bad := Record{ID: 2, DateModified: t0, JSON: []byte(`{"not json`)}
	if _, err := tb.Commit(ctx, key, []Record{rec(3, t0, "a"), bad}, "c2"); err == nil {
		t.Fatal("Commit accepted a record that is not JSON")
	}
	if got := tableRows(t, pg, "orders_copy"); len(got) != 1 {
		t.Errorf("rows after the failed batch: %d, want 1", len(got))
	}
	if c, _, _ := tb.Checkpoint(ctx, key); c != "c1" {
		t.Errorf("checkpoint after the failed batch = %q, want c1", c)
	}
}

// TestTableNames: bad names are refused naming what is valid, and an
// existing table without the destination's columns is refused naming them.
func TestTableNames(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	pg, _ := openTestTable(t, "bigc_products")
	for _, bad := range []string{"", "1orders", "orders; DROP TABLE x", `"quoted"`, "a.b.c", strings.Repeat("x", 64)} {
		if _, err := pg.Table(ctx, bad); err == nil || !strings.Contains(err.Error(), "letters, digits and underscores") {
			t.Errorf("Table(%q) = %v, want the name refused", bad, err)
		}
	}
	if _, err := pg.sql.ExecContext(ctx, `CREATE TABLE theirs (id BIGINT PRIMARY KEY, name TEXT)`); err != nil {
		t.Fatal(err)
	}
	_, err := pg.Table(ctx, "theirs")
	if err == nil || !strings.Contains(err.Error(), "date_modified") || !strings.Contains(err.Error(), "record") {
		t.Errorf("Table(theirs) = %v, want the missing columns named", err)
	}
	// The table made earlier is accepted again.
	if _, err := pg.Table(ctx, "bigc_products"); err != nil {
		t.Error(err)
	}
	var n int
	if err := pg.sql.QueryRowContext(ctx, `SELECT count(*) FROM bigc_products`).Scan(&n); err != nil && err != sql.ErrNoRows {
		t.Error(err)
	}
}
