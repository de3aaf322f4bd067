package cli

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/bigc-dev/bigc/sandbox"
)

// TestCallAll: bigc call LIST-TOOL --all follows every page (by page number
// or by cursor) and answers the same shape as one page, holding every item
// once, next null, and the count; a tool that does not page is refused.
func TestCallAll(t *testing.T) {
	t.Parallel()
	cfg, _ := savedStore(t, sandbox.Options{Seed: 1}, "shop", false)
	type page struct {
		Items []struct {
			ID int `json:"id"`
		} `json:"items"`
		Next *struct {
			Page   int
			Cursor string
		} `json:"next"`
		Hint  string `json:"hint"`
		Count *int   `json:"count"`
	}
	for tool, limit := range map[string]int{"list-orders": 150, "list-customers": 9} {
		t.Run(tool, func(t *testing.T) {
			t.Parallel()
			// The pages one by one, as a script without --all reads them.
			var want []int
			pages := 0
			args := []string{"call", tool, "--connection", "shop", "-F", fmt.Sprintf("limit=%d", limit)}
			for more := args; ; pages++ {
				r := runBigc(t, cfg, "", more...)
				var p page
				if r.code != exitOK || json.Unmarshal([]byte(r.stdout), &p) != nil {
					t.Fatalf("bigc %s: exit %d:\n%s", strings.Join(more, " "), r.code, r.stderr)
				}
				for _, it := range p.Items {
					want = append(want, it.ID)
				}
				if p.Next == nil {
					pages++
					break
				}
				if p.Next.Cursor != "" {
					more = append(slices.Clip(args), "-F", "cursor="+p.Next.Cursor)
				} else {
					more = append(slices.Clip(args), "-F", fmt.Sprintf("page=%d", p.Next.Page))
				}
			}
			if pages < 3 {
				t.Fatalf("only %d pages: the test needs several", pages)
			}
			r := runBigc(t, cfg, "", append(args, "--all")...)
			var all page
			if r.code != exitOK || json.Unmarshal([]byte(r.stdout), &all) != nil {
				t.Fatalf("--all: exit %d:\n%s\n%s", r.code, r.stdout, r.stderr)
			}
			var got []int
			for _, it := range all.Items {
				got = append(got, it.ID)
			}
			if !slices.Equal(got, want) || all.Count == nil || *all.Count != len(want) || all.Next != nil || all.Hint == "" {
				t.Errorf("--all: %d items, count %v, next %v; want the %d items of the pages", len(got), all.Count, all.Next, len(want))
			}
			if !strings.Contains(r.stderr, fmt.Sprintf("%d pages read", pages)) {
				t.Errorf("--all stderr:\n%s", r.stderr)
			}
		})
	}
	r := runBigc(t, cfg, "", "call", "get-order", "--connection", "shop", "-F", "id=100", "--all")
	if r.code != exitBadInput || !strings.Contains(r.stderr, "list-orders") {
		t.Errorf("get-order --all: exit %d:\n%s", r.code, r.stderr)
	}
}
