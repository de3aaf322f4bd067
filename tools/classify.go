package tools

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"strings"

	"github.com/bigc-dev/bigc/bigcommerce"
)

// reissueToken is the one remedy for a token without the scope a call needs:
// BigCommerce cannot widen an existing token's scopes.
const reissueToken = "re-issue it with broader scopes in Settings > API > Store-level API accounts (the old token is invalidated)"

// AsError classifies any error as an *Error with a category and a next step a
// person or a model can act on. An *Error (also wrapped) is returned as is;
// bigcommerce errors are classified by their sentinel; anything else is
// internal. It returns nil for a nil error. The message never holds a token:
// bigcommerce errors never do, and nothing here adds one.
func AsError(err error) *Error {
	if err == nil {
		return nil
	}
	var te *Error
	if errors.As(err, &te) {
		return te
	}
	var api *bigcommerce.APIError
	errors.As(err, &api)
	e := &Error{Message: apiMessage(err, api), cause: err}
	switch {
	case errors.Is(err, bigcommerce.ErrBadRequest):
		e.Category = CategoryBadInput
		e.Field, e.Message = splitFieldMessage(e.Message)
		e.Next = "fix the field named and call again; nothing was sent to the store"
	case errors.Is(err, bigcommerce.ErrValidation):
		e.Category = CategoryBadInput
		if api != nil && len(api.FieldErrors) > 0 {
			e.Fields = api.FieldErrors
			if len(api.FieldErrors) == 1 {
				for k := range api.FieldErrors {
					e.Field = k
				}
			}
		}
		e.Next = "BigCommerce refused the input; fix the fields it names and call again"
	case errors.Is(err, bigcommerce.ErrUnauthorized):
		e.Category = CategoryUnauthorized
		e.Next = "the access token is wrong or its API account was deleted; check it with `bigc connection verify NAME`, or create a new token in Settings > API > Store-level API accounts"
	case errors.Is(err, bigcommerce.ErrForbidden):
		e.Category = CategoryMissingScope
		write := api != nil && api.Method != "" && api.Method != http.MethodGet
		if api != nil {
			e.MissingScope = api.MissingScope
		}
		scope := "the read scope for this data"
		if write {
			scope = "the modify scope"
		}
		if e.MissingScope != "" {
			scope += " (" + e.MissingScope + ")"
		}
		e.Next = "the token lacks " + scope + "; " + reissueToken
	case errors.Is(err, bigcommerce.ErrNotFound):
		e.Category = CategoryNotFound
		e.Next = notFoundNext(api)
	case errors.Is(err, bigcommerce.ErrConflict):
		e.Category = CategoryConflict
		e.Next = "a record with the same unique value (name, SKU, email, metafield key) already exists, or the record is locked; look the existing one up and update it instead"
	case errors.Is(err, bigcommerce.ErrRateLimited):
		e.Category = CategoryRateLimited
		if api != nil && api.RetryAfter > 0 {
			e.RetryAfterSeconds = math.Ceil(api.RetryAfter.Seconds()*1000) / 1000
			e.Next = fmt.Sprintf("the store's API quota is spent; wait %g seconds and call again", e.RetryAfterSeconds)
		} else {
			e.Next = "the store's API quota is spent; wait a few seconds and call again, and prefer fewer, larger requests (limit=250)"
		}
	case errors.Is(err, bigcommerce.ErrOutcomeUnknown):
		e.Category = CategoryOutcomeUnknown
		e.Next = "the write may or may not have happened and was not resent; look the record up (by SKU, name or email) before trying again"
	case errors.Is(err, bigcommerce.ErrUpstream):
		e.Category = CategoryUpstream
		e.Next = "BigCommerce failed or could not be reached after retries; try again later"
	case errors.Is(err, context.Canceled):
		e.Category = CategoryCanceled
		e.Message = "the call was canceled before it finished"
		e.Next = "a write may or may not have happened; check the record before repeating it"
	case errors.Is(err, context.DeadlineExceeded):
		e.Category = CategoryUpstream
		e.Message = "the call timed out: " + e.Message
		e.Next = "BigCommerce did not answer in time; try again later"
	default:
		e.Category = CategoryInternal
	}
	return e
}

// apiMessage is the failure in one line without the client's package prefix
// and without its hint, which Next replaces.
func apiMessage(err error, api *bigcommerce.APIError) string {
	if api == nil {
		return strings.TrimPrefix(err.Error(), "bigcommerce: ")
	}
	var b strings.Builder
	if api.Method != "" {
		fmt.Fprintf(&b, "%s %s: ", api.Method, api.Path)
	}
	if api.Status != 0 {
		fmt.Fprintf(&b, "%d ", api.Status)
	}
	b.WriteString(api.Title)
	if api.Detail != "" && api.Detail != api.Title {
		b.WriteString(": " + api.Detail)
	}
	for _, m := range api.Messages {
		if m != api.Title && m != api.Detail {
			b.WriteString("; " + m)
		}
	}
	if api.Err != nil {
		b.WriteString(": " + strings.TrimPrefix(api.Err.Error(), "bigcommerce: "))
	}
	return strings.TrimSpace(b.String())
}

var fieldMessageRE = regexp.MustCompile(`^([A-Za-z0-9_.\[\]]+): (.+)$`)

// splitFieldMessage reads "field: message", the form of the client's own
// input errors.
func splitFieldMessage(msg string) (field, rest string) {
	if m := fieldMessageRE.FindStringSubmatch(msg); m != nil {
		return m[1], m[2]
	}
	return "", msg
}

// listTools names the tool that finds ids of each resource, for not_found hints.
var listTools = map[string]string{
	"products":   "list-products",
	"variants":   "find-variant",
	"orders":     "list-orders",
	"customers":  "list-customers",
	"categories": "list-categories",
	"trees":      "list-categories",
}

func notFoundNext(api *bigcommerce.APIError) string {
	if api != nil {
		segs := strings.FieldsFunc(api.Path, func(r rune) bool { return r == '/' })
		// The innermost resource named in the path is the one not found.
		for i := len(segs) - 1; i >= 0; i-- {
			if t, ok := listTools[segs[i]]; ok {
				return "no record has that id; find the right one with " + t
			}
		}
	}
	return "the record or path does not exist; check the id or path"
}
