package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/jsonschema-go/jsonschema"

	"github.com/bigc-dev/bigc/state"
	"github.com/bigc-dev/bigc/syncer"
)

// send sends method path with body to the sandbox with the full token,
// again while a fault answers it, and returns the answer's status and body.
// A DELETE answered 404 after a fault is done: the fault dropped the
// answer of the one that deleted it.
func send(t *testing.T, sb *sandboxProc, method, path, body string) (int, []byte) {
	t.Helper()
	faulted := false
	for attempt := 0; attempt < 20; attempt++ {
		req, _ := http.NewRequest(method, sb.URL+"/stores/"+sb.StoreHash+path, strings.NewReader(body))
		req.Header.Set("X-Auth-Token", sb.Tokens.Full)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			faulted = true
			continue
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		switch {
		case err != nil || resp.StatusCode >= 500:
			faulted = true
		case resp.StatusCode == http.StatusNotFound && method == "DELETE" && faulted:
			return http.StatusNoContent, nil
		case resp.StatusCode >= 300:
			t.Fatalf("%s %s: %s: %s", method, path, resp.Status, b)
		default:
			return resp.StatusCode, b
		}
	}
	t.Fatalf("%s %s: no success in 20 attempts", method, path)
	return 0, nil
}

// addFaultyConnection adds connection name for sb, whose token is in the
// environment variable env, again while faults answer its check.
func addFaultyConnection(t *testing.T, b *bin, name string, sb *sandboxProc, env string) {
	t.Helper()
	for attempt := 0; ; attempt++ {
		r := b.run("", "connection", "add", name, "--store-hash", sb.StoreHash, "--base-url", sb.URL, "--token-env", env)
		if r.code == 0 {
			return
		}
		if attempt == 10 {
			t.Fatalf("connection add: exit %d: %s", r.code, r.stderr)
		}
	}
}

// killRuns runs bigc ARGS kills times, each SIGKILLed after a random moment
// between least and least+spread unless it finishes first.
func (b *bin) killRuns(rng *rand.Rand, kills int, least, spread time.Duration, args ...string) {
	b.t.Helper()
	for k := 0; k < kills; k++ {
		cmd := exec.Command(bigcBin, append([]string{"--config", b.cfg}, args...)...)
		cmd.Env = append(os.Environ(), b.env...)
		if err := cmd.Start(); err != nil {
			b.t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-time.After(least + time.Duration(rng.Int64N(int64(spread)))):
			cmd.Process.Signal(syscall.SIGKILL)
			<-done
		case err := <-done:
			b.t.Logf("run %d finished before it was killed (%v)", k+1, err)
		}
	}
}

// versionKey is what tells one output line from another: the record's
// stream, id, whether it is a tombstone, and its content.
type versionKey struct {
	stream  string
	id      int64
	deleted bool
	record  string
}

// TestE2ESyncAllChangesUnderFaultsAndKills exports every stream of a faulty
// store through the real binary, then changes a record of every stream the
// API can change (the store's settings it cannot), archives an order (with
// transactions and shipments), deletes a brand, deletes a product and a
// customer (their deletions recorded in the state as a webhook receiver
// would), and syncs again while SIGKILLing bigc three times. What the killed
// runs added is exactly what an unkilled sync of the same store into another
// output adds: each changed record once more and one tombstone per archived
// or deleted record, every line valid against its stream's schema; a rerun
// adds nothing.
func TestE2ESyncAllChangesUnderFaultsAndKills(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, "--seed", "6", "--orders", "60", "--products", "12", "--customers", "8", "--faults", "500=0.1,reset=0.05")
	b := newBin(t)
	b.env = []string{"BIGC_E2E_TOKEN=" + sb.Tokens.Full}
	addFaultyConnection(t, b, "store", sb, "BIGC_E2E_TOKEN")
	dir := t.TempDir()
	killedDir, oracleDir := filepath.Join(dir, "killed"), filepath.Join(dir, "oracle")
	os.Mkdir(killedDir, 0o755)
	os.Mkdir(oracleDir, 0o755)
	args := func(out string) []string {
		return []string{"sync", "all", "--connection", "store", "--out", out, "--state", out + ".db", "--wait", "--lease-timeout", "1s"}
	}
	finish := func(out string) {
		t.Helper()
		for attempt := 0; ; attempt++ {
			r := b.run("", args(out)...)
			if r.code == 0 {
				return
			}
			if attempt == 3 {
				t.Fatalf("sync all: exit %d: %s", r.code, r.stderr)
			}
		}
	}
	finish(killedDir)
	finish(oracleDir)
	killedBase, oracleBase := streamLines(t, killedDir), streamLines(t, oracleDir)

	// One change per stream, from what the first export holds.
	var order struct {
		ID           int64       `json:"id"`
		ItemsShipped int         `json:"items_shipped"`
		Total        json.Number `json:"total_inc_tax"`
		Refunded     json.Number `json:"refunded_amount"`
	}
	left := func() float64 {
		total, _ := strconv.ParseFloat(order.Total.String(), 64)
		refunded, _ := strconv.ParseFloat(order.Refunded.String(), 64)
		return total - refunded
	}
	txOrders := map[int64]bool{}
	for _, l := range killedBase["transactions"] {
		var tx struct {
			OrderID int64 `json:"order_id,string"` // V3 transactions name their order by a string
		}
		json.Unmarshal(l.Record, &tx)
		txOrders[tx.OrderID] = true
	}
	var archived, changed, refunded int64
	for _, l := range killedBase["orders"] {
		json.Unmarshal(l.Record, &order)
		switch {
		case archived == 0 && order.ItemsShipped > 0 && txOrders[order.ID]:
			archived = order.ID
		case changed == 0:
			changed = order.ID
		case refunded == 0 && txOrders[order.ID] && left() >= 1:
			refunded = order.ID
		}
	}
	var shipment struct {
		ID      int64 `json:"id"`
		OrderID int64 `json:"order_id"`
	}
	for _, l := range killedBase["shipments"] {
		if json.Unmarshal(l.Record, &shipment); shipment.OrderID != archived {
			break
		}
	}
	var inventory struct {
		Identity struct {
			VariantID int64 `json:"variant_id"`
		} `json:"identity"`
		Locations []struct {
			LocationID int64 `json:"location_id"`
		} `json:"locations"`
	}
	json.Unmarshal(killedBase["inventory"][0].Record, &inventory)
	if archived == 0 || refunded == 0 || shipment.OrderID == archived || len(inventory.Locations) == 0 || len(killedBase["brands"]) < 2 {
		t.Fatalf("the seed lacks what the test changes: archived %d, refunded %d, shipment %+v, inventory %+v", archived, refunded, shipment, inventory)
	}
	first := func(stream string) int64 { return killedBase[stream][0].ID }
	deletedBrand := killedBase["brands"][1].ID
	for _, c := range []struct{ method, path, body string }{
		{"PUT", fmt.Sprintf("/v2/orders/%d", changed), `{"staff_notes": "changed in e2e"}`},
		{"DELETE", fmt.Sprintf("/v2/orders/%d", archived), ``},
		{"POST", fmt.Sprintf("/v3/orders/%d/payment_actions/refunds", refunded), `{"items": [{"item_type": "ORDER", "amount": 1}], "payments": [{"provider_id": "custom", "amount": 1, "offline": true}]}`},
		{"PUT", fmt.Sprintf("/v2/orders/%d/shipments/%d", shipment.OrderID, shipment.ID), `{"tracking_number": "E2E0001"}`},
		{"PUT", fmt.Sprintf("/v3/catalog/products/%d", first("products")), `{"name": "Renamed product in e2e"}`},
		{"PUT", "/v3/customers", fmt.Sprintf(`[{"id": %d, "first_name": "Renamed"}]`, first("customers"))},
		{"PUT", "/v3/catalog/trees/categories", fmt.Sprintf(`[{"category_id": %d, "name": "Renamed category in e2e"}]`, first("categories"))},
		{"PUT", fmt.Sprintf("/v3/catalog/brands/%d", first("brands")), `{"name": "Renamed brand in e2e"}`},
		{"DELETE", fmt.Sprintf("/v3/catalog/brands/%d", deletedBrand), ``},
		{"PUT", fmt.Sprintf("/v3/channels/%d", first("channels")), `{"name": "Renamed channel in e2e"}`},
		{"PUT", fmt.Sprintf("/v2/coupons/%d", first("coupons")), `{"name": "Renamed coupon in e2e"}`},
		{"PUT", fmt.Sprintf("/v2/customer_groups/%d", first("customer_groups")), `{"name": "Renamed group in e2e"}`},
		{"PUT", fmt.Sprintf("/v3/content/pages/%d", first("pages")), `{"name": "Renamed page in e2e"}`},
		{"PUT", "/v3/inventory/adjustments/absolute", fmt.Sprintf(`{"reason": "e2e", "items": [{"location_id": %d, "variant_id": %d, "quantity": 77}]}`,
			inventory.Locations[0].LocationID, inventory.Identity.VariantID)},
	} {
		send(t, sb, c.method, c.path, c.body)
	}
	// A product and a customer deleted, as a webhook receiver sharing each
	// output's state would record them.
	deletedProduct, deletedCustomer := killedBase["products"][1].ID, killedBase["customers"][1].ID
	send(t, sb, "DELETE", fmt.Sprintf("/v3/catalog/products/%d", deletedProduct), "")
	send(t, sb, "DELETE", fmt.Sprintf("/v3/customers?id:in=%d", deletedCustomer), "")
	for _, out := range []string{killedDir, oracleDir} {
		db, err := state.Open(t.Context(), out+".db")
		if err != nil {
			t.Fatal(err)
		}
		_, err = db.RecordDeletions(t.Context(), []state.Deletion{
			{Connection: "store", Stream: "products", ID: deletedProduct, At: time.Now(), Scope: "store/product/deleted"},
			{Connection: "store", Stream: "customers", ID: deletedCustomer, At: time.Now(), Scope: "store/customer/deleted"},
		})
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(3 * time.Second) // past the sync's 2 s lag

	b.killRuns(rand.New(rand.NewPCG(19, 6)), 3, 200*time.Millisecond, 1500*time.Millisecond, args(killedDir)...)
	finish(killedDir)
	finish(oracleDir)

	added := func(base, now map[string][]streamLine) map[string]map[versionKey]int {
		out := map[string]map[versionKey]int{}
		for _, s := range syncer.Streams() {
			out[s.Name] = map[versionKey]int{}
			for _, l := range now[s.Name][len(base[s.Name]):] {
				out[s.Name][versionKey{s.Name, l.ID, l.Deleted, string(l.Record)}]++
			}
		}
		return out
	}
	killed, oracle := added(killedBase, streamLines(t, killedDir)), added(oracleBase, streamLines(t, oracleDir))
	for _, s := range syncer.Streams() {
		for k, n := range killed[s.Name] {
			if n != 1 {
				t.Errorf("%s %d (deleted %v) added %d times, want once", s.Name, k.id, k.deleted, n)
			}
			if oracle[s.Name][k] == 0 {
				t.Errorf("%s %d (deleted %v) added after the kills; an unkilled sync does not add it: %.200s", s.Name, k.id, k.deleted, k.record)
			}
		}
		for k := range oracle[s.Name] {
			if killed[s.Name][k] == 0 {
				t.Errorf("%s %d (deleted %v) missing after the kills: %.200s", s.Name, k.id, k.deleted, k.record)
			}
		}
		if s.Name != "store" && len(killed[s.Name]) == 0 {
			t.Errorf("%s: nothing added after a change to it", s.Name)
		}
		if s.Name == "store" && len(killed[s.Name]) != 0 {
			t.Errorf("store: %d lines added, nothing changed it", len(killed[s.Name]))
		}
	}
	tombstoned := func(stream string, id int64) bool {
		for k := range killed[stream] {
			if k.deleted && (id == 0 || k.id == id) {
				return true
			}
		}
		return false
	}
	for _, w := range []struct {
		stream string
		id     int64
	}{{"orders", archived}, {"brands", deletedBrand}, {"transactions", 0}, {"shipments", 0}, {"products", deletedProduct}, {"customers", deletedCustomer}} {
		if !tombstoned(w.stream, w.id) {
			t.Errorf("%s: no tombstone added (want one for %d, 0 = any)", w.stream, w.id)
		}
	}

	// Every line added is valid against the schema bigc sync --list --json
	// publishes for its stream: a record against its record schema, a
	// tombstone, whole, against its tombstone schema.
	var published []struct {
		Name            string
		Schema          *jsonschema.Schema
		TombstoneSchema *jsonschema.Schema `json:"tombstone_schema"`
	}
	if err := json.Unmarshal([]byte(b.mustRun("", "sync", "--list", "--json")), &published); err != nil {
		t.Fatal(err)
	}
	now := streamLines(t, killedDir)
	for _, p := range published {
		if p.Schema == nil || p.TombstoneSchema == nil {
			t.Fatalf("%s: sync --list --json gives no schema or no tombstone schema", p.Name)
		}
		record, err := p.Schema.Resolve(nil)
		if err != nil {
			t.Fatal(err)
		}
		tombstone, err := p.TombstoneSchema.Resolve(nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range now[p.Name][len(killedBase[p.Name]):] {
			rs, doc := record, []byte(l.Record)
			if l.Deleted {
				rs, doc = tombstone, l.raw
			}
			var v any
			json.Unmarshal(doc, &v)
			if err := rs.Validate(v); err != nil {
				t.Errorf("%s %d does not match its published schema: %v\n%s", p.Name, l.ID, err, doc)
			}
		}
	}

	// A rerun adds nothing.
	before := streamLines(t, killedDir)
	finish(killedDir)
	for s, lines := range streamLines(t, killedDir) {
		if n := len(lines) - len(before[s]); n != 0 {
			t.Errorf("%s: the rerun added %d lines", s, n)
		}
	}
}
