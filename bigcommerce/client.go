// Package bigcommerce is a typed client for the BigCommerce V2 and V3 REST APIs.
//
// A Client talks to one store. It is safe for concurrent use: every goroutine and
// every Client of the same store in a process share one rate-limit governor, so a
// quota is spent evenly and 429s are rare. Errors are *APIError values that
// errors.Is classifies (ErrNotFound, ErrUnauthorized, ...). The access token never
// appears in an error, a log line or an output.
package bigcommerce

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
)

// DefaultBaseURL is the production API host.
const DefaultBaseURL = "https://api.bigcommerce.com"

// Client is a BigCommerce API client for one store.
type Client struct {
	storeHash   string
	token       string
	baseURL     *url.URL
	httpClient  *http.Client
	logger      *slog.Logger
	userAgent   string
	maxRetries  int
	concurrency int

	Products   *ProductsService
	Variants   *VariantsService
	Categories *CategoriesService
	Brands     *BrandsService
	Orders     *OrdersService
	Customers  *CustomersService
	Metafields *MetafieldsService
	Webhooks   *WebhooksService
	Store      *StoreService
}

// Option configures a Client.
type Option func(*Client) error

// WithBaseURL points the client at another API host, such as the sandbox.
func WithBaseURL(raw string) Option {
	return func(c *Client) error {
		u, err := url.Parse(strings.TrimRight(raw, "/"))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("bigcommerce: base URL %q: want http(s)://host[:port]", raw)
		}
		c.baseURL = u
		return nil
	}
}

// WithHTTPClient sets the underlying HTTP client.
func WithHTTPClient(h *http.Client) Option {
	return func(c *Client) error { c.httpClient = h; return nil }
}

// WithLogger sets the logger for request and retry events.
func WithLogger(l *slog.Logger) Option {
	return func(c *Client) error { c.logger = l; return nil }
}

// NewClient returns a client for the store with the given hash and access token.
func NewClient(storeHash, token string, opts ...Option) (*Client, error) {
	base, _ := url.Parse(DefaultBaseURL)
	c := &Client{
		storeHash:   storeHash,
		token:       token,
		baseURL:     base,
		httpClient:  http.DefaultClient,
		logger:      slog.New(slog.DiscardHandler),
		userAgent:   "bigc",
		maxRetries:  8,
		concurrency: 4,
	}
	for _, o := range opts {
		if err := o(c); err != nil {
			return nil, err
		}
	}
	c.Products = &ProductsService{c}
	c.Variants = &VariantsService{c}
	c.Categories = &CategoriesService{c}
	c.Brands = &BrandsService{c}
	c.Orders = &OrdersService{c}
	c.Customers = &CustomersService{c}
	c.Metafields = &MetafieldsService{c}
	c.Webhooks = &WebhooksService{c}
	c.Store = &StoreService{c}
	return c, nil
}

// StoreHash returns the store hash the client talks to.
func (c *Client) StoreHash() string { return c.storeHash }

// BaseURL returns the API host the client talks to.
func (c *Client) BaseURL() string { return c.baseURL.String() }

// request describes one API call. Resource services build one and pass it to do.
type request struct {
	method  string     // http.MethodGet, ...
	version string     // "v2" or "v3"
	path    string     // below the version, e.g. "/catalog/products/12"
	query   url.Values // may be nil
	body    any        // JSON-encoded when non-nil
}

// Response is what every call returns beside its decoded body.
type Response struct {
	StatusCode int
	Header     http.Header
	// Meta is the V3 envelope's meta (pagination, cursor pagination), when present.
	Meta *Meta
}

// Meta is the V3 envelope's meta object.
type Meta struct {
	Pagination       *Pagination       `json:"pagination,omitempty"`
	CursorPagination *CursorPagination `json:"cursor_pagination,omitempty"`
}

// Pagination is V3 offset pagination.
type Pagination struct {
	Total       int   `json:"total"`
	Count       int   `json:"count"`
	PerPage     int   `json:"per_page"`
	CurrentPage int   `json:"current_page"`
	TotalPages  int   `json:"total_pages"`
	Links       Links `json:"links"`
}

// CursorPagination is V3 cursor pagination (customers, metafields).
type CursorPagination struct {
	Count       int    `json:"count"`
	PerPage     int    `json:"per_page"`
	StartCursor string `json:"start_cursor"`
	EndCursor   string `json:"end_cursor"`
	Links       Links  `json:"links"`
}

// Links are relative query strings such as "?page=2&limit=50".
type Links struct {
	Previous string `json:"previous,omitempty"`
	Current  string `json:"current,omitempty"`
	Next     string `json:"next,omitempty"`
}

// do sends r and decodes the JSON answer into out (which may be nil). For V3,
// out is usually a *envelope[T]. A 204 leaves out untouched and is not an error.
// This first version has no governor and no retries; transport.go adds them.
func (c *Client) do(ctx context.Context, r request, out any) (*Response, error) {
	u := *c.baseURL
	u.Path = strings.TrimRight(u.Path, "/") + "/stores/" + c.storeHash + "/" + r.version + r.path
	if len(r.query) > 0 {
		u.RawQuery = r.query.Encode()
	}
	var body io.Reader
	if r.body != nil {
		b, err := json.Marshal(r.body)
		if err != nil {
			return nil, fmt.Errorf("bigcommerce: encoding %s %s body: %w", r.method, r.path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u.String(), body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("X-Auth-Token", c.token)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	resp, err := c.httpClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	res := &Response{StatusCode: resp.StatusCode, Header: resp.Header}
	if resp.StatusCode >= 300 {
		return res, &APIError{Status: resp.StatusCode, Method: r.method, Path: "/" + r.version + r.path, Title: strings.TrimSpace(string(data))}
	}
	if resp.StatusCode == http.StatusNoContent || len(bytes.TrimSpace(data)) == 0 || out == nil {
		return res, nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return res, fmt.Errorf("bigcommerce: decoding %s %s: %w", r.method, r.path, err)
	}
	if m, ok := out.(interface{ meta() *Meta }); ok {
		res.Meta = m.meta()
	}
	return res, nil
}

// envelope is the V3 {data, meta} wrapper.
type envelope[T any] struct {
	Data T    `json:"data"`
	Meta Meta `json:"meta"`
}

func (e *envelope[T]) meta() *Meta { return &e.Meta }
