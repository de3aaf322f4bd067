package webhooks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/bigc-dev/bigc/state"
)

// ReceiverConfig configures a Receiver.
type ReceiverConfig struct {
	// Connection partitions the inbox: one receiver per connection (store).
	Connection string
	// StoreHash is the only store whose callbacks are accepted (producer
	// "stores/<StoreHash>"); others get 403.
	StoreHash string
	// StoreID, when set, is the store's numeric ID (GET /v2/store
	// store_id); a callback whose store_id differs gets 403.
	StoreID string
	// Secrets returns the secrets a callback may carry in SecretHeader; see
	// SecretStore.Watch. Called on every request.
	Secrets func() ([]Secret, error)
	// SigningKey, when set, is the HMAC key of the Standard Webhooks
	// signature every callback must then carry: the client secret of the
	// API account or app, which BigCommerce (and the sandbox) signs with.
	// Unset, signature headers are not checked (nothing else verifies them)
	// and the secret header alone authenticates.
	SigningKey []byte
	// Inbox is where accepted events are stored before the answer.
	Inbox state.Store
	// Notify, when set, is called after new events are committed (wakes a Worker).
	Notify func()
	// Now is the clock for signature timestamps; default time.Now.
	Now func() time.Time
	// MaxBatch bounds how many callbacks share one commit; default 256.
	MaxBatch int
	// Logger receives one line per refused callback; default discards.
	Logger *slog.Logger
}

// Receiver is the webhook endpoint, an http.Handler. It refuses callbacks it
// cannot authenticate (401), too large (413), malformed (400) or from another
// store (403) without storing anything, and answers 200 only once the event
// is committed to the inbox. Concurrent callbacks share one commit (group
// commit), so one disk sync serves many answers.
type Receiver struct {
	cfg  ReceiverConfig
	reqs chan *pendingAdd

	mu     sync.RWMutex // guards closed against sends on reqs
	closed bool
	done   chan struct{}
}

type pendingAdd struct {
	ev    state.InboxEvent
	added bool
	err   error
	ready chan struct{}
}

// NewReceiver starts a receiver's committer; Close stops it.
func NewReceiver(cfg ReceiverConfig) (*Receiver, error) {
	switch {
	case cfg.Connection == "":
		return nil, errors.New("webhooks: receiver needs a connection name")
	case cfg.StoreHash == "":
		return nil, errors.New("webhooks: receiver needs the store hash")
	case cfg.Secrets == nil:
		return nil, errors.New("webhooks: receiver needs a secret source")
	case cfg.Inbox == nil:
		return nil, errors.New("webhooks: receiver needs the inbox database")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxBatch <= 0 {
		cfg.MaxBatch = 256
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	r := &Receiver{cfg: cfg, reqs: make(chan *pendingAdd, cfg.MaxBatch), done: make(chan struct{})}
	go r.commitLoop()
	return r, nil
}

// Close stops accepting callbacks (later ones get 503, which BigCommerce
// retries) and waits for the committer to finish what it holds.
func (r *Receiver) Close() error {
	r.mu.Lock()
	if !r.closed {
		r.closed = true
		close(r.reqs)
	}
	r.mu.Unlock()
	<-r.done
	return nil
}

// commitLoop takes the callbacks waiting to be stored, as many as have queued
// up while the previous commit ran, and stores them in one transaction.
func (r *Receiver) commitLoop() {
	defer close(r.done)
	batch := make([]*pendingAdd, 0, r.cfg.MaxBatch)
	events := make([]state.InboxEvent, 0, r.cfg.MaxBatch)
	for first := range r.reqs {
		batch = append(batch[:0], first)
	drain:
		for len(batch) < r.cfg.MaxBatch {
			select {
			case p, ok := <-r.reqs:
				if !ok {
					break drain
				}
				batch = append(batch, p)
			default:
				break drain
			}
		}
		events = events[:0]
		for _, p := range batch {
			events = append(events, p.ev)
		}
		// The commit outlives any one request: a callback whose sender hung
		// up is still stored, and its redelivery is then a duplicate.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		added, err := r.cfg.Inbox.InboxAdd(ctx, events)
		cancel()
		anyNew := false
		for i, p := range batch {
			p.err = err
			if err == nil {
				p.added = added[i]
				anyNew = anyNew || added[i]
			}
			close(p.ready)
		}
		if anyNew && r.cfg.Notify != nil {
			r.cfg.Notify()
		}
	}
}

// enqueue hands an event to the committer and waits for the commit.
func (r *Receiver) enqueue(ctx context.Context, ev state.InboxEvent) (added bool, err error) {
	p := &pendingAdd{ev: ev, ready: make(chan struct{})}
	r.mu.RLock()
	if r.closed {
		r.mu.RUnlock()
		return false, errClosed
	}
	select {
	case r.reqs <- p:
		r.mu.RUnlock()
	case <-ctx.Done():
		r.mu.RUnlock()
		return false, ctx.Err()
	}
	select {
	case <-p.ready:
		return p.added, p.err
	case <-ctx.Done():
		return false, ctx.Err()
	}
}

var errClosed = errors.New("webhooks: receiver is shutting down")

// Accept checks and stores one callback and returns the HTTP status to answer
// with: 200 when the event is in the inbox (new or a duplicate), otherwise
// the refusal and why. It is ServeHTTP without the HTTP.
func (r *Receiver) Accept(ctx context.Context, h http.Header, body io.Reader) (status int, duplicate bool, err error) {
	secrets, err := r.cfg.Secrets()
	if err != nil {
		return http.StatusInternalServerError, false, err
	}
	_, ok := matchSecret(h.Get(SecretHeader), secrets)
	if !ok {
		return http.StatusUnauthorized, false, fmt.Errorf("missing or wrong %s header", SecretHeader)
	}
	b, err := io.ReadAll(io.LimitReader(body, MaxBodyBytes+1))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return http.StatusRequestEntityTooLarge, false, fmt.Errorf("body is larger than %d bytes", MaxBodyBytes)
		}
		return http.StatusBadRequest, false, fmt.Errorf("reading body: %v", err)
	}
	if len(b) > MaxBodyBytes {
		return http.StatusRequestEntityTooLarge, false, fmt.Errorf("body is larger than %d bytes", MaxBodyBytes)
	}
	if key := r.cfg.SigningKey; key != nil {
		id, ts, sig := h.Get(HeaderWebhookID), h.Get(HeaderWebhookTimestamp), h.Get(HeaderWebhookSignature)
		if err := VerifySignature(key, id, ts, sig, b, r.cfg.Now()); err != nil {
			return http.StatusUnauthorized, false, err
		}
	}
	ev, err := ParseEvent(b)
	if err != nil {
		return http.StatusBadRequest, false, err
	}
	if ev.StoreHash() != r.cfg.StoreHash {
		return http.StatusForbidden, false, fmt.Errorf("callback from store %q, this receiver serves %q", ev.StoreHash(), r.cfg.StoreHash)
	}
	if r.cfg.StoreID != "" && ev.StoreID != "" && ev.StoreID != r.cfg.StoreID {
		return http.StatusForbidden, false, fmt.Errorf("callback for store_id %q, this receiver serves %q", ev.StoreID, r.cfg.StoreID)
	}
	stream, rid, _, _ := ev.Resource()
	added, err := r.enqueue(ctx, state.InboxEvent{
		Connection: r.cfg.Connection,
		DedupeKey:  ev.DedupeKey(),
		Scope:      ev.Scope,
		Stream:     stream,
		ResourceID: rid,
		Payload:    b,
		ReceivedAt: r.cfg.Now(),
	})
	switch {
	case errors.Is(err, errClosed):
		return http.StatusServiceUnavailable, false, err
	case err != nil:
		return http.StatusInternalServerError, false, err
	}
	return http.StatusOK, !added, nil
}

// ServeHTTP answers a BigCommerce callback; see Accept.
func (r *Receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "use POST"})
		return
	}
	// Refuse a declared oversize body before reading any of it.
	if req.ContentLength > MaxBodyBytes {
		writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": "body too large"})
		return
	}
	status, dup, err := r.Accept(req.Context(), req.Header, http.MaxBytesReader(w, req.Body, MaxBodyBytes))
	if status != http.StatusOK {
		// The reason is logged, not returned: a forger learns nothing.
		r.cfg.Logger.Warn("webhook refused", "status", status, "remote", req.RemoteAddr, "reason", err)
		writeJSON(w, status, map[string]string{"error": http.StatusText(status)})
		return
	}
	result := "accepted"
	if dup {
		result = "duplicate"
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": result})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
