package tools

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/bigc-dev/bigc/bigcommerce"
)

// RawAPIRequestInput is one call to any BigCommerce REST endpoint.
type RawAPIRequestInput struct {
	Method string                `json:"method" bigc:"enum=GET|POST|PUT|DELETE"`
	Path   string                `json:"path" jsonschema:"from /v2/ or /v3/, no query"`
	Query  map[string]QueryValue `json:"query,omitempty"`
	Body   json.RawMessage       `json:"body,omitempty" jsonschema:"for POST and PUT"`
}

// QueryValue is one query parameter's value: a JSON string, number or
// boolean, sent as its JSON text ("50", "true"), so that a model may write
// {"limit": 50} as it would in a body. An object, array or null has no query
// form; the input schema refuses it, naming the parameter.
type QueryValue string

// UnmarshalJSON keeps a string's text and a number's or boolean's JSON text.
func (q *QueryValue) UnmarshalJSON(b []byte) error {
	if s, ok, err := jsonString(b); ok {
		*q = QueryValue(s)
		return err
	}
	b = bytes.TrimSpace(b)
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	switch v.(type) {
	case float64, bool:
		*q = QueryValue(b)
		return nil
	}
	return fmt.Errorf("a query value must be a string, number or boolean, not %s", b)
}

// RawAPIRequestOutput is the store's answer.
type RawAPIRequestOutput struct {
	Status    int               `json:"status" jsonschema:"HTTP status"`
	Body      json.RawMessage   `json:"body,omitempty" jsonschema:"the JSON answer; absent for 204"`
	RateLimit map[string]string `json:"rate_limit,omitempty" jsonschema:"X-Rate-Limit-* headers"`
}

func addRawAPIRequest(r *Registry) {
	add(r, Spec[RawAPIRequestInput, RawAPIRequestOutput]{
		Name:        "raw-api-request",
		Title:       "Call any BigCommerce API endpoint",
		Description: "Call a V2/V3 REST endpoint no tool covers (carts, checkouts, refunds...: see describe-endpoint).",
		Annotations: Annotations{Destructive: true, OpenWorld: true},
		Preview:     previewRaw,
		Writes:      rawWrites,
		Handler:     rawAPIRequest,
	})
}

// rawWrites reports whether a raw request may change the store: every method
// but GET. The registry asks it, so a raw GET needs no confirmation.
func rawWrites(in RawAPIRequestInput) bool {
	return strings.ToUpper(strings.TrimSpace(in.Method)) != http.MethodGet
}

// request builds the raw request; the client's CheckRawRequest refuses what
// it would never send (the method is already one the schema allows).
func (in RawAPIRequestInput) request() (bigcommerce.RawRequest, error) {
	req := bigcommerce.RawRequest{Method: in.Method, Path: in.Path}
	if len(in.Query) > 0 {
		req.Query = url.Values{}
		for k, v := range in.Query {
			if strings.TrimSpace(k) == "" {
				return bigcommerce.RawRequest{}, BadInput("query", "a parameter name is empty")
			}
			req.Query.Set(k, string(v))
		}
	}
	if b := bytes.TrimSpace(in.Body); len(b) > 0 && !bytes.Equal(b, []byte("null")) {
		req.Body = in.Body
	}
	// The same checks Do makes, so a preview never promises a call Do refuses.
	if err := bigcommerce.CheckRawRequest(req); err != nil {
		return bigcommerce.RawRequest{}, apiError(err, "")
	}
	return req, nil
}

func previewRaw(ctx context.Context, env *Env, in RawAPIRequestInput) (string, error) {
	req, err := in.request()
	if err != nil {
		return "", err
	}
	target := req.Path
	if len(req.Query) > 0 {
		target += "?" + req.Query.Encode()
	}
	what := "would send " + req.Method + " " + target
	if len(req.Body) > 0 {
		what += fmt.Sprintf(" with a %d-byte JSON body", len(req.Body))
	}
	switch req.Method {
	case http.MethodGet:
		return what + "; it only reads", nil
	case http.MethodDelete:
		return what + "; deletes have no undo", nil
	}
	return what + "; bigc does not check what a raw write changes", nil
}

func rawAPIRequest(ctx context.Context, env *Env, in RawAPIRequestInput) (RawAPIRequestOutput, error) {
	req, err := in.request()
	if err != nil {
		return RawAPIRequestOutput{}, err
	}
	resp, err := env.Client.Do(ctx, req)
	if err != nil {
		return RawAPIRequestOutput{}, apiError(err, "")
	}
	out := RawAPIRequestOutput{Status: resp.StatusCode, Body: resp.Body}
	for k, v := range resp.Header {
		if strings.HasPrefix(strings.ToLower(k), "x-rate-limit-") && len(v) > 0 {
			if out.RateLimit == nil {
				out.RateLimit = map[string]string{}
			}
			out.RateLimit[k] = v[0]
		}
	}
	return out, nil
}
