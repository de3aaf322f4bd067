package bigcommerce

import (
	"context"
	"iter"
	"net/url"
)

// queryOptions is a resource's ListOptions type: it checks and encodes itself as a
// query string.
type queryOptions interface {
	values() (url.Values, error)
}

// pagedOptions is a resource's ListOptions type, which the pager points at
// the page it asks for.
type pagedOptions[O any] interface {
	*O
	atPage(p pageRequest)
}

// v3List lists one page of a V3 collection at path, filtered by opts. It is
// the body of every resource's List: opts (nil means none) checks and
// encodes itself, then GET path.
func v3List[T any, O any, P interface {
	*O
	queryOptions
}](ctx context.Context, c *Client, path string, opts P) ([]T, *Response, error) {
	var q url.Values
	if opts != nil {
		var err error
		if q, err = opts.values(); err != nil {
			return nil, nil, err
		}
	}
	return v3Get[[]T](ctx, c, path, q)
}

// allPages iterates over every item list finds for opts, page after page:
// the body of every resource's All. Each page is asked for with a copy of
// opts (nil means none) whose paging fields the pager set, so the caller's
// value is never changed and its own Page, After and Limit are ignored.
func allPages[T any, O any, P pagedOptions[O]](ctx context.Context, kind pagingKind, opts P, list func(context.Context, P) ([]T, *Response, error)) iter.Seq2[T, error] {
	var base O
	if opts != nil {
		base = *opts
	}
	return all(ctx, kind, func(ctx context.Context, p pageRequest) ([]T, *Response, error) {
		o := base
		P(&o).atPage(p)
		return list(ctx, &o)
	})
}
