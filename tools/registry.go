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
	// Redact, when set, removes every configured access token from a text
	// (a server with several connections removes all of theirs); unset,
	// Client's own token is removed.
	Redact func(string) string
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
	// writes reports whether input would change the store; nil means it would.
	writes func(input json.RawMessage) bool
}

// NeedsConfirmation reports whether a call of t with input on env must be
// confirmed first: a destructive call always, and any write on a production
// connection. A tool that declared Writes needs no confirmation for an input
// that writes nothing (a raw GET).
func (t *Tool) NeedsConfirmation(env *Env, input json.RawMessage) bool {
	return t.writeNeedsConfirmation(env) && (t.writes == nil || t.writes(input))
}

// writeNeedsConfirmation reports whether a call of t on env that writes must
// be confirmed first.
func (t *Tool) writeNeedsConfirmation(env *Env) bool {
	return !t.Annotations.ReadOnly && (t.Annotations.Destructive || env.Production)
}

// Spec is how a tool file declares a tool.
type Spec[In, Out any] struct {
	Name, Title, Description string
	Annotations              Annotations
	Handler                  func(ctx context.Context, env *Env, in In) (Out, error)
	// Preview is required for destructive tools: a one-line description of
	// what the call would do, read from the store but changing nothing.
	Preview func(ctx context.Context, env *Env, in In) (string, error)
	// Writes, when set, says whether a call with in changes the store, for a
	// tool whose annotations are not read-only but some of whose calls only
	// read (raw-api-request with GET). Nil means every call writes.
	Writes func(in In) bool
}

// Registry holds tools in a fixed order.
type Registry struct {
	tools  []*Tool
	byName map[string]*Tool
}

// Tools returns the tools in their fixed order.
func (r *Registry) Tools() []*Tool { return r.tools }

// Names returns the tools' names in their fixed order (for shell completion
// and for messages that list what exists).
func (r *Registry) Names() []string {
	names := make([]string, len(r.tools))
	for i, t := range r.tools {
		names[i] = t.Name
	}
	return names
}

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
	applyBounds(in, reflect.TypeFor[In](), false)
	boundPaging(in)
	out, err := jsonschema.For[Out](outputSchemaOptions())
	if err != nil {
		panic(fmt.Sprintf("tools: %s output schema: %v", s.Name, err))
	}
	// An answer's closed sets of values are enums too, declared the same way.
	applyBounds(out, reflect.TypeFor[Out](), true)
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
		// NeedsConfirmation would decode raw again; ask the decoded v.
		if !env.Confirmed && t.writeNeedsConfirmation(env) && (s.Writes == nil || s.Writes(v)) {
			msg := t.Name + " changes the store"
			if s.Preview != nil {
				p, perr := s.Preview(ctx, env, v)
				if perr != nil {
					return nil, perr
				}
				msg = p
			}
			if env.Production {
				msg += fmt.Sprintf(" (%q is a production connection: every write needs confirmation)", env.Connection)
			}
			return nil, &Error{Category: CategoryConfirmationRequired, Message: msg,
				Next: "nothing was changed; repeat the call confirmed to go ahead"}
		}
		return s.Handler(ctx, env, v)
	}
	if s.Writes != nil {
		t.writes = func(raw json.RawMessage) bool {
			v, err := decode(raw)
			if err != nil {
				return true // bad input is refused later; never skip confirmation for it
			}
			return s.Writes(v)
		}
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
// and changes nothing. The answer and the error are cleaned (CleanText) and
// hold no access token, whoever shows them.
func (t *Tool) Run(ctx context.Context, env *Env, input json.RawMessage) (any, error) {
	out, err := t.run(ctx, env, input)
	if err != nil {
		return nil, env.presentError(err)
	}
	return cleanOutput(out, env.present), nil
}

// CheckInput validates input against t's input schema without running t, so
// a caller can refuse bad input before it opens a connection.
func (t *Tool) CheckInput(input json.RawMessage) error {
	return validateInput(t, input, reflect.New(t.inputType).Interface())
}

// hasPreview reports whether t describes its changes before making them.
func (t *Tool) hasPreview() bool { return t.preview != nil }

// Preview describes what a destructive call would change, without changing it.
func (t *Tool) Preview(ctx context.Context, env *Env, input json.RawMessage) (string, error) {
	if t.preview == nil {
		return fmt.Sprintf("%s changes the store", t.Name), nil
	}
	p, err := t.preview(ctx, env, input)
	return env.present(p), env.presentError(err)
}

// present makes s fit to show: cleaned of hidden characters (messages and
// previews quote store data and inputs) and without the connection's access
// token (a user may paste it into any input).
func (env *Env) present(s string) string {
	s = CleanText(s)
	switch {
	case env == nil:
		return s
	case env.Redact != nil:
		return env.Redact(s)
	case env.Client != nil:
		return env.Client.Redact(s)
	}
	return s
}

// presentError returns err with every text a person or a model reads made
// fit to show (present).
func (env *Env) presentError(err error) error { return RedactError(err, env.present) }

// RedactError returns err as an *Error whose texts (message, field, next
// step, the API's field messages) have passed through redact, for a caller
// that shows an error of a tool before a connection is open (the command
// line's input check) and must remove the access tokens it knows; err itself
// when redact changed nothing.
func RedactError(err error, redact func(string) string) error {
	e := AsError(err)
	if e == nil {
		return nil
	}
	c := *e
	c.Message, c.Field, c.Next = redact(e.Message), redact(e.Field), redact(e.Next)
	changed := c.Message != e.Message || c.Field != e.Field || c.Next != e.Next
	if e.Fields != nil {
		c.Fields = make(map[string]string, len(e.Fields))
		for k, v := range e.Fields {
			rk, rv := redact(k), redact(v)
			changed = changed || rk != k || rv != v
			c.Fields[rk] = rv
		}
	}
	if !changed {
		return err
	}
	return &c
}
