package mcpserver

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/bigc-dev/bigc/sandbox"
	"github.com/bigc-dev/bigc/tools"
)

var linePagingInNote = regexp.MustCompile(`line_items_limit=(\d+) and line_items_page=(\d+)`)

// TestFourHundredLineOrderFits is the case: get-order on an order
// of 400 lines fits the budget, says how many lines it shows, and names the
// exact arguments that page through the rest; following them reaches the
// order's last line, each line seen once.
func TestFourHundredLineOrderFits(t *testing.T) {
	t.Parallel()
	f := newFixture(t, sandbox.Options{Seed: 13, Products: 250, Customers: 5, Orders: 5})
	orderID := fourHundredLineOrder(f)
	s, err := New(tools.NewRegistry(), Options{Connections: []Connection{{Name: "sandbox", Client: f.client()}}})
	if err != nil {
		t.Fatal(err)
	}
	a := newAgent(t, connect(t, s, nil, nil), fmt.Sprintf("Show me every line of order %d.", orderID), f.tokens.Full)
	readEveryLine(t, a, orderID)
}

// fourHundredLineOrder creates an order of 400 lines, each a variant of the
// store's (250 products give enough), and returns its id.
func fourHundredLineOrder(f *fixture) int {
	var lines []map[string]any
	for page := 1; len(lines) < 400; page++ {
		var vs struct {
			Data []struct {
				ID        int `json:"id"`
				ProductID int `json:"product_id"`
			} `json:"data"`
		}
		f.api("GET", fmt.Sprintf("/v3/catalog/variants?limit=250&page=%d", page), nil, &vs)
		for _, v := range vs.Data {
			if len(lines) < 400 {
				lines = append(lines, map[string]any{"product_id": v.ProductID, "variant_id": v.ID, "quantity": 1})
			}
		}
	}
	var order struct {
		ID int `json:"id"`
	}
	f.api("POST", "/v2/orders", map[string]any{"billing_address": map[string]any{"email": "bulk@example.com", "first_name": "Bulk", "last_name": "Buyer"},
		"products": lines}, &order)
	return order.ID
}

// readEveryLine reads order id as an agent would: get-order, whose answer
// must fit, say how many of the 400 lines it shows and name the arguments
// that page through the rest, which must reach every line once.
func readEveryLine(t *testing.T, a *agent, id int) {
	t.Helper()
	out := a.call("get-order", map[string]any{"id": id})
	shown := get(out, "order", "line_items").([]any)
	note, _ := out["note"].(string)
	if num(t, get(out, "order", "line_items_total")) != 400 || len(shown) >= 400 ||
		!strings.Contains(note, fmt.Sprintf("first %d of the 400 items of order.line_items", len(shown))) {
		t.Fatalf("get-order on 400 lines: %d shown, note %q", len(shown), note)
	}
	seen := map[int]bool{}
	for _, l := range shown {
		seen[num(t, get(l, "id"))] = true
	}
	for calls := 0; len(seen) < 400; calls++ {
		m := linePagingInNote.FindStringSubmatch(note)
		if m == nil || calls > 20 {
			t.Fatalf("after %d lines, the note names no next page: %q", len(seen), note)
		}
		limit, _ := strconv.Atoi(m[1])
		page, _ := strconv.Atoi(m[2])
		for {
			out = a.call("get-order", map[string]any{"id": id, "line_items_limit": limit, "line_items_page": page})
			for _, l := range get(out, "order", "line_items").([]any) {
				seen[num(t, get(l, "id"))] = true
			}
			note, _ = out["note"].(string)
			if note != "" || len(seen) >= 400 {
				break
			}
			page++
		}
	}
}
