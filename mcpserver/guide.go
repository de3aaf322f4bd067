package mcpserver

import (
	"context"
	"encoding/json"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/bigc-dev/bigc/tools"
)

// GuideURI is the prefix of the endpoint guide's resources: one per topic,
// GuideURI + topic (bigc://endpoints/carts), the same text describe-endpoint
// answers, for hosts that put resources in front of the model themselves.
const GuideURI = "bigc://endpoints/"

// addGuideResources serves each topic of the endpoint guide as a resource.
func (s *Server) addGuideResources() {
	for _, g := range tools.EndpointGuides() {
		text, _ := json.Marshal(g) // a struct of strings and raw JSON always marshals
		uri := GuideURI + g.Topic
		s.mcp.AddResource(&mcp.Resource{
			URI: uri, Name: g.Topic, Title: "Endpoint guide: " + g.Topic,
			Description: g.Summary, MIMEType: "application/json", Size: int64(len(text)),
		}, func(context.Context, *mcp.ReadResourceRequest) (*mcp.ReadResourceResult, error) {
			return &mcp.ReadResourceResult{Contents: []*mcp.ResourceContents{{URI: uri, MIMEType: "application/json", Text: string(text)}}}, nil
		})
	}
}
