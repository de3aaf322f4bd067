package tools

import (
	"context"
	"strings"
)

// ---- describe-endpoint: the endpoint guide (endpoints.go), read-only

// DescribeEndpointInput names a topic or a path.
type DescribeEndpointInput struct {
	Topic string `json:"topic,omitempty" bigc:"enum=carts|checkouts|refunds|price-lists|inventory-locations|promotions|coupons|redirects|shipments|transactions|customer-groups|channels|pages"`
	Path  string `json:"path,omitempty" jsonschema:"or an API path" bigc:"maxLength=300"`
}

// DescribeEndpointOutput is one topic of the guide.
type DescribeEndpointOutput struct {
	Guide EndpointGuide `json:"guide"`
}

func addDescribeEndpoint(r *Registry) {
	add(r, Spec[DescribeEndpointInput, DescribeEndpointOutput]{
		Name:        "describe-endpoint",
		Title:       "Describe an API endpoint",
		Description: "For raw-api-request: an endpoint's method, path, required fields, minimal body (fill <placeholders>), pitfalls.",
		Annotations: Annotations{ReadOnly: true, Idempotent: true},
		Handler: func(ctx context.Context, env *Env, in DescribeEndpointInput) (DescribeEndpointOutput, error) {
			topics := strings.Join(EndpointTopics(), ", ")
			switch {
			case in.Topic != "" && in.Path != "":
				return DescribeEndpointOutput{}, BadInput("topic", "give topic or path, not both")
			case in.Topic != "":
				for _, g := range endpointGuides {
					if g.Topic == in.Topic {
						return DescribeEndpointOutput{Guide: g}, nil
					}
				}
			case in.Path != "":
				if g, ok := EndpointGuideFor(in.Path); ok {
					return DescribeEndpointOutput{Guide: g}, nil
				}
				return DescribeEndpointOutput{}, &Error{Category: CategoryNotFound, Field: "path",
					Message: "the guide does not cover " + in.Path, Next: "pass one of the topics: " + topics}
			}
			return DescribeEndpointOutput{}, BadInput("topic", "give a topic (%s) or a path", topics)
		},
	})
}
