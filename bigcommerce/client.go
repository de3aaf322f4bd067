// Package bigcommerce is a typed client for the BigCommerce V2 and V3 REST APIs.
//
// A Client talks to one store. It is safe for concurrent use: every goroutine
// using it shares its rate-limit Governor, so a quota is spent evenly and 429s
// are rare; keep one Client per store, or give several the same Governor with
// WithGovernor. Errors are *APIError values that
// errors.Is classifies (ErrNotFound, ErrUnauthorized, ...). The access token never
// appears in an error, a log line or an output.
//
// Retries: a 429 is retried for every method (the request never ran), after the
// longer of X-Retry-After and the window reset. A 500, 502, 503 or 504, a dropped
// connection, a timeout or a cut-off body is retried for GET, PUT and DELETE with
// capped, jittered backoff. A POST is never sent again once it may have reached
// the server: BigCommerce has no idempotency key, so the call fails with
// ErrOutcomeUnknown and the caller looks the record up by a natural key.
package bigcommerce

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
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
	// concurrencySet is true when WithConcurrency was given, so that it also
	// lowers the cap of a governor given by WithGovernor.
	concurrencySet bool
	gov            *Governor
	// retryBase is the first backoff step after a 5xx or network failure; tests
	// in this package shorten it.
	retryBase time.Duration
	// retryNotify, when set, hears of every retry (WithRetryNotify).
	retryNotify func(RetryEvent)

	Products   *ProductsService
	Variants   *VariantsService
	Categories *CategoriesService
	Brands     *BrandsService
	Orders     *OrdersService
	Customers  *CustomersService
	Metafields *MetafieldsService
	Webhooks   *WebhooksService
	Store      *StoreService
	Inventory  *InventoryService
}

// Option configures a Client.
type Option func(*Client) error

// WithBaseURL points the client at another API host, such as the sandbox. Paths
// go below it: {base}/stores/{hash}/v3/...
func WithBaseURL(raw string) Option {
	return func(c *Client) error {
		u, err := url.Parse(strings.TrimRight(strings.TrimSpace(raw), "/"))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
			u.User != nil || u.RawQuery != "" || u.Fragment != "" {
			return fmt.Errorf("bigcommerce: base URL %q: want http(s)://host[:port] with no credentials, query or fragment", shortText(raw))
		}
		c.baseURL = u
		return nil
	}
}

// WithHTTPClient sets the underlying HTTP client. Its Timeout, if any, bounds
// each attempt; the context bounds the whole call with its retries.
func WithHTTPClient(h *http.Client) Option {
	return func(c *Client) error {
		if h == nil {
			return fmt.Errorf("bigcommerce: WithHTTPClient: the HTTP client is nil")
		}
		c.httpClient = h
		return nil
	}
}

// WithLogger sets the logger for retries and rate-limit waits. Log records never
// carry the token or a query string.
func WithLogger(l *slog.Logger) Option {
	return func(c *Client) error {
		if l == nil {
			l = slog.New(slog.DiscardHandler)
		}
		c.logger = l
		return nil
	}
}

// WithUserAgent sets the User-Agent header, e.g. "myapp/1.2 bigc".
func WithUserAgent(ua string) Option {
	return func(c *Client) error {
		if ua == "" || strings.ContainsAny(ua, "\r\n\x00") {
			return fmt.Errorf("bigcommerce: user agent %q: want a non-empty single line", shortText(ua))
		}
		c.userAgent = ua
		return nil
	}
}

// DefaultMaxRetries is how many times a failed request is retried: ten attempts
// in all, as BigCommerce advises for 500s.
const DefaultMaxRetries = 9

// WithMaxRetries sets how many times a request is retried after a 429, a
// retryable 5xx or a network failure (0 to 100; 0 turns retries off).
func WithMaxRetries(n int) Option {
	return func(c *Client) error {
		if n < 0 || n > 100 {
			return fmt.Errorf("bigcommerce: max retries %d: want 0 to 100", n)
		}
		c.maxRetries = n
		return nil
	}
}

// defaultHTTPClient is the HTTP client of a Client given none: net/http's
// default transport, but keeping an idle connection for every request a
// client may have in flight (WithConcurrency allows 64). net/http keeps two
// per host, so each burst of more parallel requests (get-order's six reads,
// a sync's pages) closed the extra connections and dialled them again, a
// TLS handshake each, on the next burst.
var defaultHTTPClient = func() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	return &http.Client{Transport: t}
}()

// DefaultConcurrency is how many requests a store gets in flight at once.
const DefaultConcurrency = 4

// WithConcurrency caps how many requests are in flight at once to the store (1
// to 64). The cap belongs to the client's governor: when clients sharing one
// (WithGovernor) ask for different caps, the smallest wins.
func WithConcurrency(n int) Option {
	return func(c *Client) error {
		if n < 1 || n > 64 {
			return fmt.Errorf("bigcommerce: concurrency %d: want 1 to 64", n)
		}
		c.concurrency, c.concurrencySet = n, true
		return nil
	}
}

// WithGovernor makes the client pace its requests through g, shared with
// every other client given g. All the clients of one store in a process must
// share one governor (see Governor); without this option a client makes its
// own, with the WithConcurrency cap.
func WithGovernor(g *Governor) Option {
	return func(c *Client) error {
		if g == nil {
			return fmt.Errorf("bigcommerce: WithGovernor: the governor is nil")
		}
		c.gov = g
		return nil
	}
}

// NewClient returns a client for the store with the given hash and access token.
// storeHash may be pasted as the API path ("stores/abc123") or a full API URL;
// see ParseStoreHash. Bad input is an error before any request is sent.
func NewClient(storeHash, token string, opts ...Option) (*Client, error) {
	hash, err := ParseStoreHash(storeHash)
	if err != nil {
		return nil, badInput("store_hash", scrub(err.Error(), token))
	}
	token = strings.TrimSpace(token)
	switch {
	case token == "":
		return nil, badInput("token", "the access token is empty: want the token shown once when the store API account was created")
	case strings.ContainsAny(token, " \t\r\n\x00"):
		return nil, badInput("token", "the access token contains whitespace or control characters: paste it again")
	case token == hash:
		return nil, badInput("store_hash", "the store hash equals the access token: were they swapped?")
	}
	base, _ := url.Parse(DefaultBaseURL)
	c := &Client{
		storeHash:   hash,
		token:       token,
		baseURL:     base,
		httpClient:  defaultHTTPClient,
		logger:      slog.New(slog.DiscardHandler),
		userAgent:   "bigc",
		maxRetries:  DefaultMaxRetries,
		concurrency: DefaultConcurrency,
		retryBase:   500 * time.Millisecond,
	}
	for _, o := range opts {
		if err := o(c); err != nil {
			return nil, err
		}
	}
	// BigCommerce never redirects; following one would send the X-Auth-Token
	// header to wherever it points (net/http only strips its own auth headers).
	hc := *c.httpClient
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c.httpClient = &hc
	switch {
	case c.gov == nil:
		c.gov = newGovernor(c.concurrency)
	case c.concurrencySet:
		c.gov.lowerLimit(c.concurrency)
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
	c.Inventory = &InventoryService{c}
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

// envelope is the V3 {data, meta} wrapper.
type envelope[T any] struct {
	Data T    `json:"data"`
	Meta Meta `json:"meta"`
}

func (e *envelope[T]) meta() *Meta { return &e.Meta }
