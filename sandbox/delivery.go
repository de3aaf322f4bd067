package sandbox

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// retrySchedule is BigCommerce's wait before each retry of a failed
// delivery; after the last one the hook is deactivated.
var retrySchedule = []time.Duration{60, 180, 300, 600, 900, 1800, 3600, 7200, 21600, 50400, 86400}

// job is one event on its way to one hook.
type job struct {
	hookID             int
	scope, destination string
	headers            map[string]string
	body               []byte
	msgID              string // webhook-id: the same on every attempt and duplicate
}

// Delivery is one delivery attempt, as GET /_sandbox/deliveries lists it.
type Delivery struct {
	HookID      int             `json:"hook_id"`
	Scope       string          `json:"scope"`
	Destination string          `json:"destination"`
	Attempt     int             `json:"attempt"` // 0 for the first try, 1.. for retries
	Duplicate   bool            `json:"duplicate"`
	Status      int             `json:"status"` // 0 when no answer came
	Error       string          `json:"error,omitempty"`
	At          time.Time       `json:"at"`
	Payload     json.RawMessage `json:"payload"`
}

const maxDeliveryLog = 10000

// maxDeliveriesInFlight bounds the delivery attempts on the wire at once. A
// burst of events (live orders, a bulk update under a store/* hook) queues
// for a slot instead of dialling a connection per event, which under load
// starved the store's own API of CPU and sockets.
const maxDeliveriesInFlight = 32

// deliverer runs every delivery in its own goroutine, retries on
// BigCommerce's schedule (scaled) and stops when the store closes.
type deliverer struct {
	s      *Store
	client *http.Client
	slots  chan struct{} // maxDeliveriesInFlight tokens
	seq    atomic.Int64  // numbers the messages for webhook-id
	mu     sync.Mutex
	closed bool
	wg     sync.WaitGroup
	log    []Delivery
}

func newDeliverer(s *Store) *deliverer {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = maxDeliveriesInFlight
	return &deliverer{s: s,
		client: &http.Client{Timeout: 10 * time.Second, Transport: transport},
		slots:  make(chan struct{}, maxDeliveriesInFlight)}
}

func (d *deliverer) enqueue(j job) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return
	}
	j.msgID = "msg_" + d.s.hash + "_" + strconv.FormatInt(d.seq.Add(1), 10)
	d.wg.Add(1)
	go d.run(j)
}

func (d *deliverer) close() {
	d.mu.Lock()
	d.closed = true
	d.mu.Unlock()
	d.wg.Wait()
	d.client.CloseIdleConnections()
}

func (d *deliverer) run(j job) {
	defer d.wg.Done()
	for attempt := 0; ; attempt++ {
		if d.send(j, attempt, false) {
			if d.s.faults.duplicate() {
				d.send(j, attempt, true)
			}
			return
		}
		if attempt == len(retrySchedule) || !d.s.hookActive(j.hookID) {
			if attempt == len(retrySchedule) {
				d.s.deactivateHook(j.hookID)
			}
			return
		}
		if !d.wait(attempt) {
			return
		}
	}
}

// wait sleeps before retry attempt+1, counting the delivery as pending,
// and reports false when the store closed meanwhile.
func (d *deliverer) wait(attempt int) bool {
	d.s.stats.update(func(st *Stats) { st.DeliveriesPending++ })
	defer d.s.stats.update(func(st *Stats) { st.DeliveriesPending-- })
	t := time.NewTimer(time.Duration(float64(retrySchedule[attempt]*time.Second) * d.s.opts.WebhookRetryScale))
	defer t.Stop()
	select {
	case <-d.s.done:
		return false
	case <-t.C:
		return true
	}
}

// send makes one attempt and reports whether it got a 2xx.
func (d *deliverer) send(j job, attempt int, dup bool) bool {
	select {
	case d.slots <- struct{}{}:
		defer func() { <-d.slots }()
	case <-d.s.done:
		return false
	}
	ctx, cancel := d.s.untilClosed()
	defer cancel()
	rec := Delivery{HookID: j.hookID, Scope: j.scope, Destination: j.destination, Attempt: attempt, Duplicate: dup,
		At: d.s.now(), Payload: json.RawMessage(j.body)}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, j.destination, bytes.NewReader(j.body))
	if err == nil {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("User-Agent", "bigc-sandbox-webhooks/1")
		for k, v := range j.headers {
			req.Header.Set(k, v)
		}
		ts := d.s.now().Unix()
		req.Header.Set("webhook-id", j.msgID)
		req.Header.Set("webhook-timestamp", strconv.FormatInt(ts, 10))
		req.Header.Set("webhook-signature", signDelivery([]byte(d.s.clientSecret), j.msgID, ts, j.body))
		var resp *http.Response
		if resp, err = d.client.Do(req); err == nil {
			resp.Body.Close()
			rec.Status = resp.StatusCode
		}
	}
	if err != nil {
		rec.Error = err.Error()
	}
	ok := rec.Status >= 200 && rec.Status < 300
	d.record(rec, ok)
	return ok
}

// signDelivery is the Standard Webhooks signature BigCommerce's HTTPS
// webhooks page tells receivers to verify: "v1," and the base64
// HMAC-SHA256, keyed by the client secret, of "{webhook-id}.{timestamp}.{body}".
// (The page's samples hand the Standard Webhooks libraries the secret
// base64-encoded, which they decode back to these bytes.) Each attempt is
// signed afresh with its own timestamp.
func signDelivery(key []byte, id string, ts int64, body []byte) string {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(id + "." + strconv.FormatInt(ts, 10) + "."))
	h.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(h.Sum(nil))
}

func (d *deliverer) record(rec Delivery, ok bool) {
	d.s.stats.update(func(st *Stats) {
		st.Deliveries++
		if !ok {
			st.DeliveriesFailed++
		}
	})
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.log) >= maxDeliveryLog {
		d.log = d.log[1:]
	}
	d.log = append(d.log, rec)
}

// Deliveries returns the webhook delivery attempts made so far (the last 10,000).
func (s *Store) Deliveries() []Delivery {
	s.delivery.mu.Lock()
	defer s.delivery.mu.Unlock()
	return append([]Delivery{}, s.delivery.log...)
}

func (s *Store) hookActive(id int) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	h := s.hks.hooks[id]
	return h != nil && h.IsActive
}

// deactivateHook turns a hook off after its last failed retry, as BigCommerce does.
func (s *Store) deactivateHook(id int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if h := s.hks.hooks[id]; h != nil && h.IsActive {
		h.IsActive = false
		h.UpdatedAt = s.now().Unix()
		s.stats.update(func(st *Stats) { st.HooksDeactivated++ })
		if s.replayAt.IsZero() {
			s.record(&call{now: s.now()}, journalEntry{Kind: "deactivate", HookID: id})
		}
	}
}
