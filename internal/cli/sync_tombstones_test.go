package cli

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bigc-dev/bigc/internal/testservices"
	"github.com/bigc-dev/bigc/state"
)

// TestSyncTombstonesToPostgres: into table outputs, an order archived in
// the store and a product deletion a webhook receiver recorded in the same
// database become one tombstone row each ({"deleted": true}) in the next
// sync, and a rerun writes nothing.
func TestSyncTombstonesToPostgres(t *testing.T) {
	t.Parallel()
	url := testservices.PostgresURL(t)
	sb := startSandbox(t, "--orders", "20")
	b := newBin(t)
	b.saveConnection(sb, "shop")
	syncStream := func(stream string) int {
		t.Helper()
		return decodeJSON[syncSummaryOut](t, b.mustRun("", "sync", stream, "--connection", "shop", "--out", url, "--lag", "0s")).Records
	}
	for _, s := range []string{"orders", "products"} {
		if syncStream(s) == 0 {
			t.Fatalf("%s: the first sync wrote nothing", s)
		}
	}
	order, product := pgInt(t, url, "SELECT min(id) FROM bigc_orders"), pgInt(t, url, "SELECT min(id) FROM bigc_products")
	send(t, sb, "DELETE", fmt.Sprintf("/v2/orders/%d", order), "")
	send(t, sb, "DELETE", fmt.Sprintf("/v3/catalog/products/%d", product), "")
	pg, err := state.OpenPostgres(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	if _, err := pg.RecordDeletions(t.Context(), []state.Deletion{
		{Connection: "shop", Stream: "products", ID: product, At: time.Now(), Scope: "store/product/deleted"},
	}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond) // the archived order's second is behind the window's end

	for stream, id := range map[string]int64{"orders": order, "products": product} {
		if n := syncStream(stream); n != 1 {
			t.Errorf("%s: %d records after the deletion, want its tombstone", stream, n)
		}
		where := fmt.Sprintf(`bigc_%s WHERE id = %d AND record = '{"deleted": true}'`, stream, id)
		if n := pgCount(t, url, where); n != 1 {
			t.Errorf("%s %d: %d tombstone rows, want 1", stream, id, n)
		}
		if n := syncStream(stream); n != 0 {
			t.Errorf("%s: the rerun wrote %d records", stream, n)
		}
	}
}

// pgInt runs query, whose answer is one integer, in the database at url.
func pgInt(t *testing.T, url, query string) int64 {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int64
	if err := conn.QueryRow(t.Context(), query).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
