package mcpserver

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/bigc-dev/bigc/tools"
)

// TestGuideResources: every topic of the endpoint guide is a resource whose
// text is what describe-endpoint answers for it, within the guide's size.
func TestGuideResources(t *testing.T) {
	t.Parallel()
	cs := connect(t, registryServer(t, Options{}), nil, nil)
	list, err := cs.ListResources(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Resources) != len(tools.EndpointTopics()) {
		t.Errorf("%d resources, want one per topic (%d)", len(list.Resources), len(tools.EndpointTopics()))
	}
	for _, r := range list.Resources {
		res, err := cs.ReadResource(context.Background(), &mcp.ReadResourceParams{URI: r.URI})
		if err != nil {
			t.Fatalf("%s: %v", r.URI, err)
		}
		text := res.Contents[0].Text
		var g tools.EndpointGuide
		if err := json.Unmarshal([]byte(text), &g); err != nil || GuideURI+g.Topic != r.URI || len(text) > tools.MaxGuideBytes {
			t.Errorf("%s: topic %q, %d bytes, %v", r.URI, g.Topic, len(text), err)
		}
		answer := structured(t, call(t, cs, "describe-endpoint", map[string]any{"topic": g.Topic}))
		if b, _ := json.Marshal(answer["guide"]); !jsonEqual(b, []byte(text)) {
			t.Errorf("%s differs from describe-endpoint's answer", r.URI)
		}
	}
}

func jsonEqual(a, b []byte) bool {
	var x, y any
	json.Unmarshal(a, &x)
	json.Unmarshal(b, &y)
	xb, _ := json.Marshal(x)
	yb, _ := json.Marshal(y)
	return string(xb) == string(yb)
}
