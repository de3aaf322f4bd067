package tools

import "fmt"

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
	CategoryInternal             Category = "internal"
)

// Error is every failure a tool reports.
type Error struct {
	Category Category `json:"category"`
	Message  string   `json:"message"`
	// Field names the input field at fault, for bad_input.
	Field string `json:"field,omitempty"`
	// Next is the next step a person or a model can take.
	Next string `json:"next,omitempty"`
	// MissingScope names the OAuth scope the token lacks, for missing_scope.
	MissingScope string `json:"missing_scope,omitempty"`
	// RetryAfterSeconds is how long to wait, for rate_limited.
	RetryAfterSeconds float64 `json:"retry_after_seconds,omitempty"`
}

func (e *Error) Error() string {
	s := string(e.Category) + ": " + e.Message
	if e.Field != "" {
		s = fmt.Sprintf("%s: %s: %s", e.Category, e.Field, e.Message)
	}
	if e.Next != "" {
		s += " (" + e.Next + ")"
	}
	return s
}
