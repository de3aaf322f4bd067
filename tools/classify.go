package tools

import (
	"context"
	"errors"
	"strings"

	"github.com/bigc-dev/bigc/bigcommerce"
)

// AsError classifies any error as an *Error with a category and a next step a
// person or a model can act on. An *Error (also wrapped) is returned as is;
// bigcommerce errors are classified by their sentinel, with the details of
// the *bigcommerce.APIError or *bigcommerce.InputError they carry; anything
// else is internal. It returns nil for a nil error. The message never holds a
// token: bigcommerce errors never do, and nothing here adds one.
func AsError(err error) *Error {
	if err == nil {
		return nil
	}
	var te *Error
	if errors.As(err, &te) {
		return te
	}
	var api *bigcommerce.APIError
	var input *bigcommerce.InputError
	e := &Error{cause: err, Next: bigcommerce.Remedy(err)}
	switch {
	case errors.As(err, &api):
		e.Message = api.Summary()
	case errors.As(err, &input):
		e.Field, e.Message = input.Field, input.Message
	default:
		e.Message = strings.TrimPrefix(err.Error(), "bigcommerce: ")
	}
	switch {
	case errors.Is(err, bigcommerce.ErrBadRequest):
		e.Category = CategoryBadInput
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
	case errors.Is(err, bigcommerce.ErrForbidden):
		e.Category = CategoryMissingScope
		if api != nil {
			e.MissingScope = api.MissingScope
		}
	case errors.Is(err, bigcommerce.ErrNotFound):
		e.Category = CategoryNotFound
		e.Next = notFoundNext(api)
	case errors.Is(err, bigcommerce.ErrConflict):
		e.Category = CategoryConflict
		e.Next = "a record with the same unique value (name, SKU, email, metafield key) already exists, or the record is locked; look the existing one up and update it instead"
	case errors.Is(err, bigcommerce.ErrRateLimited):
		e.Category = CategoryRateLimited
		if api != nil && api.RetryAfter > 0 {
			e.RetryAfterSeconds = bigcommerce.RetryAfterSeconds(api.RetryAfter)
		}
	case errors.Is(err, bigcommerce.ErrOutcomeUnknown):
		e.Category = CategoryOutcomeUnknown
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
