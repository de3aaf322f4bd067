package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bigc-dev/bigc/tools"
)

func TestFieldInputTypedBySchema(t *testing.T) {
	t.Parallel()
	reg := tools.NewRegistry()
	notes := filepath.Join(t.TempDir(), "notes.html")
	if err := os.WriteFile(notes, []byte("<p>Teak & oil</p>\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		tool   string
		input  string
		fields []string
		want   string
	}{
		{"get-order", "", []string{"id=100"}, `{"id":100}`},
		{"list-products", "", []string{"is_visible=false", "limit=2", "category=Apparel"}, `{"is_visible":false,"limit":2,"category":"Apparel"}`},
		{"update-product", `{"id": 111}`, []string{"description=@" + notes, "price=17.99"}, `{"id":111,"description":"<p>Teak & oil</p>\n","price":"17.99"}`},
		{"create-order", "", []string{"customer_id=3", `lines=[{"sku":"SKU-00112-M","quantity":2}]`, "billing_address.city=Leeds"},
			`{"customer_id":3,"lines":[{"sku":"SKU-00112-M","quantity":2}],"billing_address":{"city":"Leeds"}}`},
	}
	a := &app{stdin: strings.NewReader("")}
	for _, c := range cases {
		tool, _ := reg.Lookup(c.tool)
		got, err := a.fieldInput(tool.InputSchema, json.RawMessage(c.input), c.fields)
		if err != nil {
			t.Errorf("%s %v: %v", c.tool, c.fields, err)
			continue
		}
		var g, w any
		json.Unmarshal(got, &g)
		json.Unmarshal([]byte(c.want), &w)
		if d := cmp.Diff(w, g); d != "" {
			t.Errorf("%s %v: (-want +got)\n%s", c.tool, c.fields, d)
		}
	}
}

func TestCallFields(t *testing.T) {
	t.Parallel()
	r := runBigc(t, t.TempDir(), "", "call", "get-order", "--sandbox", "-F", "id=100")
	var got struct{ Order struct{ ID int } }
	if r.code != exitOK || json.Unmarshal([]byte(r.stdout), &got) != nil || got.Order.ID != 100 {
		t.Errorf("-F id=100: exit %d, %s %s", r.code, r.stdout, r.stderr)
	}
	r = runBigc(t, t.TempDir(), "", "call", "get-order", "--sandbox", "-F", "id=abc")
	if r.code != exitBadInput || !strings.Contains(r.stderr, "id takes a whole number") {
		t.Errorf("-F id=abc: exit %d, %s", r.code, r.stderr)
	}
	r = runBigc(t, t.TempDir(), "", "call", "get-order", "--sandbox", "-F", "id")
	if r.code != exitBadInput || !strings.Contains(r.stderr, "want key=value") {
		t.Errorf("-F id: exit %d, %s", r.code, r.stderr)
	}
	// An unknown key is the schema's to refuse, naming it.
	r = runBigc(t, t.TempDir(), "", "call", "get-order", "--sandbox", "-F", "id=1", "-F", "colour=red")
	if r.code != exitBadInput || r.errorObject(t).Field != "colour" {
		t.Errorf("-F colour=red: exit %d, %s", r.code, r.stderr)
	}
}
