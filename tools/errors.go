package tools

import (
	"fmt"
	"strings"
)

// Category classifies a tool failure so a person or a model knows what to do next.
type Category string

const (
	CategoryBadInput             Category = "bad_input"
	CategoryUnauthorized         Category = "unauthorized"
	CategoryMissingScope         Category = "missing_scope"
	CategoryNotFound             Category = "not_found"
	CategoryConflict             Category = "conflict"
	CategoryRateLimited          Category = "rate_limited"
	CategoryUpstream             Category = "upstream"
	CategoryOutcomeUnknown       Category = "outcome_unknown"
	CategoryConfirmationRequired Category = "confirmation_required"
	// CategoryCanceled: the caller stopped the call (Ctrl-C, a closed MCP request).
	CategoryCanceled Category = "canceled"
	CategoryInternal Category = "internal"
)

// Error is every failure a tool reports. It marshals to the JSON error object
// the command line prints and the MCP server returns.
type Error struct {
	Category Category `json:"category"`
	Message  string   `json:"message"`
	// Field names the input field at fault, for bad_input, as a dotted path
	// with indexes ("variants[0].price").
	Field string `json:"field,omitempty"`
	// Fields are the API's messages per field, for bad_input the API refused.
	Fields map[string]string `json:"fields,omitempty"`
	// Next is the next step a person or a model can take.
	Next string `json:"next,omitempty"`
	// MissingScope names the OAuth scope the token lacks, for missing_scope.
	MissingScope string `json:"missing_scope,omitempty"`
	// RetryAfterSeconds is how long to wait, for rate_limited.
	RetryAfterSeconds float64 `json:"retry_after_seconds,omitempty"`
	// ConfirmationToken, for confirmation_required over MCP, is the token the
	// server handed out: repeating the call with it goes ahead.
	ConfirmationToken string `json:"confirmation_token,omitempty"`

	// cause is the classified error, so errors.Is(toolErr, bigcommerce.ErrNotFound) holds.
	cause error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(string(e.Category))
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	if e.Next != "" {
		b.WriteString(" (")
		b.WriteString(e.Next)
		b.WriteString(")")
	}
	return b.String()
}

// Unwrap returns the error e was classified from, if any.
func (e *Error) Unwrap() error { return e.cause }

// BadInput returns a bad_input error naming field (a dotted path such as
// "variants[0].sku") and saying what would be valid.
func BadInput(field, format string, args ...any) *Error {
	return &Error{Category: CategoryBadInput, Field: field, Message: fmt.Sprintf(format, args...)}
}
