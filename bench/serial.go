package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
)

// serialClient is the hand-written peer: the loop a user writes with plain
// net/http when asked to export a stream. It reads page after page, one
// request at a time, and for orders follows the links each order carries to
// its line items and shipping addresses (and to its coupons when the order
// has a coupon discount, so that it reads what bigc reads and no more).
// Records are written as JSON lines through a buffered file, without an
// fsync, which spares it work bigc does.
type serialClient struct {
	http  *http.Client
	base  string // {url}/stores/{hash}
	token string
}

// get sends GET base+path?query and decodes a 200 answer into out. A 204
// (V2's empty page) returns false.
func (c *serialClient) get(ctx context.Context, path string, query url.Values, out any) (bool, error) {
	u := c.base + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return false, err
	}
	req.Header.Set("X-Auth-Token", c.token)
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusNoContent:
		io.Copy(io.Discard, resp.Body)
		return false, nil
	case http.StatusOK:
		return true, json.NewDecoder(resp.Body).Decode(out)
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	return false, fmt.Errorf("GET %s: %s: %s", path, resp.Status, body)
}

// export writes every record of stream to the file at out and returns how
// many it wrote.
func (c *serialClient) export(ctx context.Context, stream, out string) (int, error) {
	f, err := os.Create(out)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	var n int
	switch stream {
	case "orders":
		n, err = c.orders(ctx, enc)
	case "products":
		n, err = c.v3(ctx, enc, "/v3/catalog/products", "variants,images,custom_fields")
	case "customers":
		n, err = c.v3(ctx, enc, "/v3/customers", "addresses,attributes")
	default:
		err = fmt.Errorf("stream %q: want orders, products or customers", stream)
	}
	if err != nil {
		return n, err
	}
	if err := w.Flush(); err != nil {
		return n, err
	}
	return n, f.Close()
}

// orders reads GET /v2/orders?page=N&limit=250 until the empty page (204),
// and for each order GET /v2/orders/{id}/products and /shipping_addresses,
// and /coupons when coupon_discount is not zero.
func (c *serialClient) orders(ctx context.Context, enc *json.Encoder) (int, error) {
	n := 0
	for page := 1; ; page++ {
		var orders []map[string]any
		ok, err := c.get(ctx, "/v2/orders", url.Values{"page": {strconv.Itoa(page)}, "limit": {"250"}}, &orders)
		if err != nil {
			return n, err
		}
		if !ok || len(orders) == 0 {
			return n, nil
		}
		for _, o := range orders {
			id, _ := o["id"].(float64)
			prefix := "/v2/orders/" + strconv.Itoa(int(id))
			for _, sub := range []string{"products", "shipping_addresses", "coupons"} {
				if sub == "coupons" && isZeroAmount(o["coupon_discount"]) {
					o[sub] = []any{}
					continue
				}
				var list []map[string]any
				if _, err := c.get(ctx, prefix+"/"+sub, url.Values{"limit": {"250"}}, &list); err != nil {
					return n, err
				}
				if list == nil {
					list = []map[string]any{}
				}
				o[sub] = list
			}
			if err := enc.Encode(o); err != nil {
				return n, err
			}
			n++
		}
	}
}

// isZeroAmount says whether a V2 amount ("0.0000") is zero.
func isZeroAmount(v any) bool {
	s, _ := v.(string)
	f, err := strconv.ParseFloat(s, 64)
	return err == nil && f == 0
}

// v3 reads GET path?include=...&limit=250&page=N up to
// meta.pagination.total_pages, writing each record as it is.
func (c *serialClient) v3(ctx context.Context, enc *json.Encoder, path, include string) (int, error) {
	n := 0
	for page := 1; ; page++ {
		var body struct {
			Data []json.RawMessage `json:"data"`
			Meta struct {
				Pagination struct {
					TotalPages int `json:"total_pages"`
				} `json:"pagination"`
			} `json:"meta"`
		}
		q := url.Values{"include": {include}, "limit": {"250"}, "page": {strconv.Itoa(page)}}
		if _, err := c.get(ctx, path, q, &body); err != nil {
			return n, err
		}
		for _, rec := range body.Data {
			if err := enc.Encode(rec); err != nil {
				return n, err
			}
			n++
		}
		if page >= body.Meta.Pagination.TotalPages || len(body.Data) == 0 {
			return n, nil
		}
	}
}

func (c *serialClient) name() string { return "serial Go client (net/http)" }
