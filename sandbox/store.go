package sandbox

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Store is one simulated BigCommerce store: its records, its tokens, its
// quota and faults, and its webhook deliveries. It is an http.Handler serving
// the API under /stores/{hash}/ and the operator endpoints under /_sandbox/.
// It is safe for concurrent use. Call Close to stop webhook deliveries and
// live orders.
type Store struct {
	opts   Options
	hash   string
	tokens Tokens
	// clientSecret is the API account's client secret, which signs webhook
	// deliveries; derived from the seed like the tokens.
	clientSecret string
	router       *router
	// reflectJSON makes the hand-encoded pages (jsonwrite.go) answer
	// through encoding/json instead; tests set it to compare the two.
	reflectJSON bool

	mu   sync.RWMutex // guards every record below
	ids  idCounters
	cat  catalog
	crm  customerBook
	ord  orderBook
	meta metafieldBook
	hks  hookBook
	inv  inventoryBook // locations and stock per location (inventory.go)
	crt  cartBook      // carts (carts.go)
	pay  paymentBook   // refunds made through the API (payments.go)
	chn  recordBook[channel]
	cpn  recordBook[coupon]
	grp  recordBook[customerGroup]
	pgs  recordBook[contentPage]

	limiter  *limiter
	faults   *injector
	stats    *stats
	delivery *deliverer
	live     *liveSchedule

	// journal keeps every write for a restart (Options.StateDir); nil
	// without one. replayAt is the time of the write being replayed, zero
	// when none is.
	journal  *journal
	replayAt time.Time

	done      chan struct{} // closed by Close; stops deliveries and the live ticker
	closeOnce sync.Once
	bg        sync.WaitGroup
}

// idCounters hands out the next id of every record kind.
type idCounters struct {
	product, variant, option, optionValue, image, customField int
	brand, tree, category                                     int
	customer, address                                         int
	orderLine, shippingAddress, shipment                      int
	sku                                                       int // SKU records of variants with options
	metafield, hook                                           int
}

// New builds a store seeded from opts. It starts no listener; see Start and
// sandboxtest.NewServer for that.
func New(opts Options) (*Store, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	s := &Store{
		opts:         o,
		hash:         o.StoreHash,
		tokens:       tokensFor(o.Seed, o.StoreHash),
		clientSecret: clientSecretFor(o.Seed, o.StoreHash),
		stats:        newStats(),
		faults:       newInjector(o.Seed, o.Faults),
	}
	s.limiter = newLimiter(o.Quota, o.Window, o.Now)
	s.router = newRouter(s.routeTable())
	s.done = make(chan struct{})
	s.delivery = newDeliverer(s)
	s.seed()
	s.live = newLiveSchedule(s, o.Now())
	if o.StateDir != "" {
		if err := s.openState(o.StateDir); err != nil {
			return nil, err
		}
	}
	s.live.catchUp(o.Now())
	if o.Live > 0 {
		s.bg.Add(1)
		go s.runLive()
	}
	return s, nil
}

// StoreHash is the store's hash, the {hash} of /stores/{hash}/.
func (s *Store) StoreHash() string { return s.hash }

// Tokens are the store's access tokens.
func (s *Store) Tokens() Tokens { return s.tokens }

// ClientSecret is the client secret of the API account the tokens belong
// to. Webhook deliveries are signed with it (Standard Webhooks), as
// BigCommerce signs them; a receiver verifies with it.
func (s *Store) ClientSecret() string { return s.clientSecret }

// Close stops live orders and webhook deliveries and waits for them.
func (s *Store) Close() error {
	s.closeOnce.Do(func() { close(s.done) })
	s.bg.Wait()
	s.delivery.close()
	return s.journal.close()
}

// untilClosed is a context that ends when the store closes, for the
// outgoing webhook requests.
func (s *Store) untilClosed() (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		select {
		case <-s.done:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, cancel
}

// now is the store's clock; while a journaled write is replayed, its time.
func (s *Store) now() time.Time {
	if !s.replayAt.IsZero() {
		return s.replayAt
	}
	return s.opts.Now()
}

// ServeHTTP serves the API and the operator endpoints.
func (s *Store) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/_sandbox/") {
		s.serveOperator(w, r)
		return
	}
	s.serveAPI(w, r)
}

// serveAPI runs the pipeline every API request goes through: store and token
// check, quota, latency, faults, routing, scope check, the handler, and the
// faults that spoil the answer.
func (s *Store) serveAPI(w http.ResponseWriter, r *http.Request) {
	arrived := time.Now()
	c := &call{s: s, r: r, q: r.URL.Query(), now: s.now(), header: http.Header{}}
	s.live.catchUp(c.now)
	rest, ok := s.apiPath(r.URL.Path)
	c.v2 = strings.HasPrefix(rest, "v2/")
	pattern := "unmatched"
	defer func() { s.stats.record(c.status, pattern, time.Since(arrived)) }()

	if !ok {
		c.notFound()
		s.write(w, c, faultPlan{})
		return
	}
	tok := s.authenticate(c, rest)
	if tok == nil {
		s.write(w, c, faultPlan{})
		return
	}
	if !s.limiter.admit(c, tok.name()) {
		s.write(w, c, faultPlan{})
		return
	}
	if !s.latency(c) {
		c.status = 499 // the client went away during the latency
		return
	}
	// The route is resolved before the faults are drawn so that an injected
	// fault is counted under its route's path in Stats.
	rt, ids := s.router.match(rest)
	if rt != nil {
		pattern = "/" + rt.pattern
	}
	if plan := s.faults.before(); plan.kind != faultNone {
		s.answerFault(w, c, plan)
		return
	}
	if rt == nil {
		c.notFound()
		s.write(w, c, faultPlan{})
		return
	}
	h, ok := rt.methods[r.Method]
	if !ok {
		c.methodNotAllowed(rt)
		s.write(w, c, faultPlan{})
		return
	}
	write := isWrite(r.Method)
	if !tok.allows(c, rt.scope, write) {
		s.write(w, c, faultPlan{})
		return
	}
	c.ids = ids
	c.rest = rest
	if write && s.journal != nil {
		var err error
		if c.rawBody, err = readBody(r); err != nil {
			c.fail(http.StatusBadRequest, "The request body could not be read: "+err.Error(), nil)
			s.write(w, c, faultPlan{})
			return
		}
	}
	s.run(c, h, write)
	s.write(w, c, s.faults.after(write && c.status < 300))
	c.release()
}

// apiPath strips /stores/{hash}/ and reports whether the rest is a V2 or V3
// path. The hash is checked by authenticate, so that a wrong hash is refused
// like the real API refuses it.
func (s *Store) apiPath(path string) (string, bool) {
	rest, ok := strings.CutPrefix(path, "/stores/")
	if !ok {
		return "", false
	}
	_, rest, ok = strings.Cut(rest, "/")
	return rest, ok && (strings.HasPrefix(rest, "v2/") || strings.HasPrefix(rest, "v3/"))
}

// run calls h under the store lock: shared for reads, exclusive for writes.
func (s *Store) run(c *call, h handlerFunc, write bool) {
	if write {
		s.mu.Lock()
		defer s.mu.Unlock()
		c.now = s.now() // writes are stamped in the order they apply
	} else {
		s.mu.RLock()
		defer s.mu.RUnlock()
	}
	h(c)
	if !write {
		c.refuseOverLimit()
		return
	}
	s.record(c, journalEntry{Kind: "api", Method: c.r.Method, Path: c.rest, Query: c.r.URL.RawQuery, Body: c.rawBody})
}

func (c *call) methodNotAllowed(rt *route) {
	c.header.Set("Allow", rt.allowed())
	if c.v2 {
		c.fail(http.StatusMethodNotAllowed, "The requested method is not allowed on this resource.", nil)
		return
	}
	c.json(http.StatusMethodNotAllowed, v3Error{Status: 405, Title: "Method Not Allowed", Type: statusCodesURL,
		Detail: c.r.Method + " is not allowed here; allowed: " + rt.allowed()})
}

// latency applies the configured latency. A write waits it out before it
// is applied, so a client that gives up meanwhile changes nothing. A read is
// answered no sooner than the latency after it arrived, its own work
// counted in it, as a remote store's latency includes the store's work:
// write waits for c.answerAt.
func (s *Store) latency(c *call) bool {
	d := s.opts.Latency + s.faults.get().Latency
	switch {
	case d <= 0:
		return true
	case isWrite(c.r.Method):
		return sleepUntil(c.r.Context(), time.Now().Add(d))
	}
	c.answerAt = time.Now().Add(d)
	return true
}

// sleepUntil waits until t, or until ctx ends; it reports whether t came.
func sleepUntil(ctx context.Context, t time.Time) bool {
	d := time.Until(t)
	if d <= 0 {
		return true
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}
