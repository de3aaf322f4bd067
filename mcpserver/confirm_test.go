package mcpserver

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestSealerOpensOnlyItsOwnClaims(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s, err := newSealer(func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	other, _ := newSealer(func() time.Time { return now })
	input := []byte(`{"id":7}`)
	tok := s.seal(claim{Purpose: purposeToken, Tool: "delete-product", Connection: "us", Input: inputDigest(input)})
	tests := []struct {
		name                     string
		sealer                   *sealer
		tok, purpose, tool, conn string
		input                    string
		wantErr                  error
	}{
		{"same call", s, tok, purposeToken, "delete-product", "us", `{"id":7}`, nil},
		{"another process", other, tok, purposeToken, "delete-product", "us", `{"id":7}`, errBadToken},
		{"elicitation state", s, tok, purposeElicit, "delete-product", "us", `{"id":7}`, errBadToken},
		{"another tool", s, tok, purposeToken, "update-product", "us", `{"id":7}`, errOtherCall},
		{"another connection", s, tok, purposeToken, "delete-product", "eu", `{"id":7}`, errOtherCall},
		{"other arguments", s, tok, purposeToken, "delete-product", "us", `{"id":8}`, errOtherCall},
		{"no signature", s, "abc", purposeToken, "delete-product", "us", `{"id":7}`, errBadToken},
	}
	for _, tt := range tests {
		if _, err := tt.sealer.open(tt.tok, tt.purpose, tt.tool, tt.conn, []byte(tt.input)); err != tt.wantErr {
			t.Errorf("%s: open = %v, want %v", tt.name, err, tt.wantErr)
		}
	}
	now = now.Add(confirmTTL + time.Second)
	if _, err := s.open(tok, purposeToken, "delete-product", "us", input); err != errTokenExpired {
		t.Errorf("after the TTL: open = %v, want %v", err, errTokenExpired)
	}
}

// FuzzSealerOpen feeds outside input to open: it must never panic, and never
// accept anything but what it sealed.
func FuzzSealerOpen(f *testing.F) {
	s, err := newSealer(time.Now)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(s.seal(claim{Purpose: purposeToken, Tool: "t", Connection: "c", Input: inputDigest([]byte("{}"))}))
	f.Add("e30.AAAA")
	f.Add("..")
	f.Fuzz(func(t *testing.T, tok string) {
		c, err := s.open(tok, purposeToken, "t", "c", []byte("{}"))
		if err == nil && (c.Tool != "t" || c.Purpose != purposeToken) {
			t.Fatalf("open accepted %q as %+v", tok, c)
		}
	})
}

func TestConfirmAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		input   map[string]any
		preview string
		want    string
	}{
		{map[string]any{"id": json.Number("12")}, `would delete product 12 "Blue Shirt" (SKU BS-1)`, `12|Blue Shirt`},
		{map[string]any{"method": "PUT", "path": "/v2/orders/5", "body": map[string]any{}}, "would send PUT /v2/orders/5", `/v2/orders/5`},
		{map[string]any{"price": "9.99"}, "would change the price", `update-thing`},
	}
	for _, tt := range tests {
		if got := strings.Join(confirmAnswers("update-thing", tt.input, tt.preview), "|"); got != tt.want {
			t.Errorf("confirmAnswers(%v, %q) = %s, want %s", tt.input, tt.preview, got, tt.want)
		}
	}
	if !answerMatches("  blue SHIRT ", []string{"12", "Blue Shirt"}) || answerMatches("Blue", []string{"Blue Shirt"}) {
		t.Error("answerMatches must ignore case and surrounding space, and only that")
	}
}
