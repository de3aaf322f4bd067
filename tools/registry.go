// Package tools is the registry of bigc's tools: the one place where the
// connector's knowledge of products, orders, customers and categories lives.
// The command line (Direct mode) and the MCP server (Agent mode) both run tools
// through a Registry; neither re-implements one.
package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/google/jsonschema-go/jsonschema"

	"github.com/bigc-dev/bigc/bigcommerce"
)

// Annotations are the MCP tool hints, always set explicitly.
type Annotations struct {
	ReadOnly    bool `json:"readOnlyHint"`
	Destructive bool `json:"destructiveHint"`
	Idempotent  bool `json:"idempotentHint"`
	OpenWorld   bool `json:"openWorldHint"`
}

// Env is what a tool run may use: the store's client and how the caller runs it.
type Env struct {
	Client *bigcommerce.Client
	// Connection is the connection's name ("sandbox" for the embedded store).
	Connection string
	// Production marks a connection whose destructive calls always need confirmation.
	Production bool
	// Confirmed is true when the caller has confirmed a destructive call
	// (--yes on the command line, elicitation or a confirmation token over MCP).
	Confirmed bool
	// Agent is true in Agent mode: lists default to 20 items instead of 50.
	Agent bool
	// Progress, when set, is told how far multi-page work has got.
	Progress func(done, total int)
}

// Tool is one registered tool.
type Tool struct {
	Name         string
	Title        string
	Description  string
	Annotations  Annotations
	InputSchema  *jsonschema.Schema
	OutputSchema *jsonschema.Schema

	inputType reflect.Type
	resolved  *jsonschema.Resolved
	// run decodes and validates input, then calls the handler.
	run func(ctx context.Context, env *Env, input json.RawMessage) (any, error)
	// preview describes what a destructive call would change, without changing it.
	preview func(ctx context.Context, env *Env, input json.RawMessage) (string, error)
}

// NeedsConfirmation reports whether a call of t on env must be confirmed first:
// destructive tools always, and any write on a production connection.
func (t *Tool) NeedsConfirmation(env *Env, input json.RawMessage) bool {
	if t.Annotations.ReadOnly {
		return false
	}
	return t.Annotations.Destructive || env.Production
}

// Spec is how a tool file declares a tool.
type Spec[In, Out any] struct {
	Name, Title, Description string
	Annotations              Annotations
	Handler                  func(ctx context.Context, env *Env, in In) (Out, error)
	// Preview is required for destructive tools: a one-line description of
	// what the call would do, read from the store but changing nothing.
	Preview func(ctx context.Context, env *Env, in In) (string, error)
}

// Registry holds tools in a fixed order.
type Registry struct {
	tools  []*Tool
	byName map[string]*Tool
}

// Tools returns the tools in their fixed order.
func (r *Registry) Tools() []*Tool { return r.tools }

// Lookup returns the named tool.
func (r *Registry) Lookup(name string) (*Tool, bool) {
	t, ok := r.byName[name]
	return t, ok
}

func add[In, Out any](r *Registry, s Spec[In, Out]) {
	in, err := jsonschema.For[In](schemaOptions())
	if err != nil {
		panic(fmt.Sprintf("tools: %s input schema: %v", s.Name, err))
	}
	out, err := jsonschema.For[Out](schemaOptions())
	if err != nil {
		panic(fmt.Sprintf("tools: %s output schema: %v", s.Name, err))
	}
	resolved, err := in.Resolve(nil)
	if err != nil {
		panic(fmt.Sprintf("tools: %s input schema: %v", s.Name, err))
	}
	t := &Tool{
		Name: s.Name, Title: s.Title, Description: s.Description, Annotations: s.Annotations,
		InputSchema: in, OutputSchema: out, resolved: resolved,
		inputType: reflect.TypeFor[In](),
	}
	decode := func(raw json.RawMessage) (In, error) {
		var v In
		if err := validateInput(t, raw, &v); err != nil {
			return v, err
		}
		return v, nil
	}
	t.run = func(ctx context.Context, env *Env, raw json.RawMessage) (any, error) {
		v, err := decode(raw)
		if err != nil {
			return nil, err
		}
		if t.NeedsConfirmation(env, raw) && !env.Confirmed {
			msg := "this call changes the store"
			if s.Preview != nil {
				if p, perr := s.Preview(ctx, env, v); perr == nil {
					msg = p
				} else {
					return nil, perr
				}
			}
			return nil, &Error{Category: CategoryConfirmationRequired, Message: msg,
				Next: "repeat the call with confirmation (--yes on the command line)"}
		}
		return s.Handler(ctx, env, v)
	}
	if s.Preview != nil {
		t.preview = func(ctx context.Context, env *Env, raw json.RawMessage) (string, error) {
			v, err := decode(raw)
			if err != nil {
				return "", err
			}
			return s.Preview(ctx, env, v)
		}
	}
	if r.byName == nil {
		r.byName = map[string]*Tool{}
	}
	if _, dup := r.byName[s.Name]; dup {
		panic("tools: duplicate tool " + s.Name)
	}
	r.tools = append(r.tools, t)
	r.byName[s.Name] = t
}

// Run validates input against t's schema and runs t. A destructive call that is
// not confirmed returns an *Error with CategoryConfirmationRequired and a preview,
// and changes nothing.
func (t *Tool) Run(ctx context.Context, env *Env, input json.RawMessage) (any, error) {
	return t.run(ctx, env, input)
}

// Preview describes what a destructive call would change, without changing it.
func (t *Tool) Preview(ctx context.Context, env *Env, input json.RawMessage) (string, error) {
	if t.preview == nil {
		return fmt.Sprintf("%s changes the store", t.Name), nil
	}
	return t.preview(ctx, env, input)
}
