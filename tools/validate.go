package tools

import (
	"encoding/json"

	"github.com/google/jsonschema-go/jsonschema"
)

func schemaOptions() *jsonschema.ForOptions { return &jsonschema.ForOptions{} }

// validateInput checks raw against t's input schema and decodes it into v.
func validateInput(t *Tool, raw json.RawMessage, v any) error {
	if len(raw) == 0 {
		raw = json.RawMessage("{}")
	}
	var generic any
	if err := json.Unmarshal(raw, &generic); err != nil {
		return &Error{Category: CategoryBadInput, Message: "input is not valid JSON: " + err.Error()}
	}
	if err := t.resolved.Validate(generic); err != nil {
		return &Error{Category: CategoryBadInput, Message: err.Error()}
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return &Error{Category: CategoryBadInput, Message: err.Error()}
	}
	return nil
}
