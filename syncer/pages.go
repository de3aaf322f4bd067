package syncer

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/bigc-dev/bigc/bigcommerce"
)

// listPageSize is the page size of the lists the change streams read (the
// API's maximum).
const listPageSize = 250

// listAll reads every page of a list endpoint through the client's governor
// and retries: a V3 list ({data, meta.pagination}) page by page up to
// total_pages, a V2 list (a bare array, 204 past the end) until a short page.
func listAll(ctx context.Context, c *bigcommerce.Client, path string, q url.Values) ([]json.RawMessage, error) {
	v3 := len(path) > 3 && path[:4] == "/v3/"
	var all []json.RawMessage
	for page := 1; ; page++ {
		pq := url.Values{}
		for k, v := range q {
			pq[k] = v
		}
		pq.Set("page", strconv.Itoa(page))
		pq.Set("limit", strconv.Itoa(listPageSize))
		resp, err := c.Do(ctx, bigcommerce.RawRequest{Method: "GET", Path: path, Query: pq})
		if err != nil {
			return nil, err
		}
		if len(resp.Body) == 0 || resp.StatusCode == 204 {
			return all, nil
		}
		var data []json.RawMessage
		totalPages := 0
		if v3 {
			var env struct {
				Data []json.RawMessage `json:"data"`
				Meta struct {
					Pagination struct {
						TotalPages int `json:"total_pages"`
					} `json:"pagination"`
				} `json:"meta"`
			}
			if err := json.Unmarshal(resp.Body, &env); err != nil {
				return nil, fmt.Errorf("syncer: decoding %s: %w", path, err)
			}
			data, totalPages = env.Data, env.Meta.Pagination.TotalPages
		} else if err := json.Unmarshal(resp.Body, &data); err != nil {
			return nil, fmt.Errorf("syncer: decoding %s: %w", path, err)
		}
		all = append(all, data...)
		if len(data) == 0 || (v3 && page >= totalPages) || (!v3 && len(data) < listPageSize) {
			return all, nil
		}
	}
}

// getOne reads one object: a V3 {data} or a V2 bare object.
func getOne(ctx context.Context, c *bigcommerce.Client, path string) (json.RawMessage, error) {
	resp, err := c.Do(ctx, bigcommerce.RawRequest{Method: "GET", Path: path})
	if err != nil {
		return nil, err
	}
	if path[:4] == "/v3/" {
		var env struct {
			Data json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(resp.Body, &env); err != nil {
			return nil, fmt.Errorf("syncer: decoding %s: %w", path, err)
		}
		return env.Data, nil
	}
	return resp.Body, nil
}

// raws turns listed records into Raws keyed by the field key (a top-level
// integer, or "identity.variant_id" one level down), compacted to one line.
func raws(list []json.RawMessage, key string) ([]Raw, error) {
	out := make([]Raw, 0, len(list))
	for _, r := range list {
		id, err := fieldInt(r, key)
		if err != nil {
			return nil, err
		}
		var b bytes.Buffer
		if err := json.Compact(&b, r); err != nil {
			return nil, fmt.Errorf("syncer: record %d: %w", id, err)
		}
		out = append(out, Raw{ID: id, JSON: b.Bytes()})
	}
	return out, nil
}

// fieldInt reads the positive integer at a dotted path of a JSON object.
func fieldInt(r json.RawMessage, path string) (int64, error) {
	cur := r
	for _, name := range strings.Split(path, ".") {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(cur, &obj); err != nil {
			return 0, fmt.Errorf("syncer: a record is not an object: %w", err)
		}
		cur = obj[name]
	}
	var id int64
	if err := json.Unmarshal(cur, &id); err != nil || id <= 0 {
		return 0, fmt.Errorf("syncer: a record has no positive %s (%s)", path, cur)
	}
	return id, nil
}
