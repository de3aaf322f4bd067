package mcpserver

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/bigc-dev/bigc/bigcommerce"
)

// TestPastedTokenIsRedactedForEveryConnection: an access token of any
// connection the server serves, pasted into a tool's input on another, is
// not echoed by the error (issue 10 §6).
func TestPastedTokenIsRedactedForEveryConnection(t *testing.T) {
	t.Parallel()
	conn := func(name, token string) Connection {
		c, err := bigcommerce.NewClient("abc123defg", token, bigcommerce.WithBaseURL("http://127.0.0.1:1"))
		if err != nil {
			t.Fatal(err)
		}
		return Connection{Name: name, Client: c}
	}
	const euToken = "eu-token-0123456789abcdefghijk"
	s := registryServer(t, Options{Connections: []Connection{conn("us", "us-token-0123456789abcdefghijk"), conn("eu", euToken)}})
	cs := connect(t, s, nil, nil)
	res := call(t, cs, "create-product", map[string]any{"connection": "us", "name": "Mug", "price": euToken})
	body, _ := json.Marshal(res)
	if !res.IsError || strings.Contains(string(body), euToken) {
		t.Errorf("the answer echoes another connection's token: %s", body)
	}
	if !strings.Contains(text(res), "[redacted]") {
		t.Errorf("the error does not say what it left out: %s", text(res))
	}
}
