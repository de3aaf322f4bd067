package sandbox

import (
	"net/http"
	"strconv"
)

// write sends c's answer, spoiled as plan says, once its latency is over.
func (s *Store) write(w http.ResponseWriter, c *call, plan faultPlan) {
	if !c.answerAt.IsZero() && !sleepUntil(c.r.Context(), c.answerAt) {
		c.status = 499 // the client went away during the latency
		return
	}
	h := w.Header()
	for k, v := range c.header {
		h[k] = v
	}
	h.Set("X-BC-Store-Version", "7.6.0")
	switch plan.kind {
	case faultCommitThenDrop:
		// The change is already applied; the client never hears of it.
		s.stats.update(func(st *Stats) { st.ConnectionsDropped++ })
		panic(http.ErrAbortHandler)
	case faultReset:
		s.stats.update(func(st *Stats) { st.ConnectionsDropped++ })
		h.Set("Content-Length", strconv.Itoa(len(c.body)))
		w.WriteHeader(c.status)
		w.Write(c.body[:len(c.body)/2])
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		panic(http.ErrAbortHandler)
	case faultTruncate:
		s.stats.update(func(st *Stats) { st.ConnectionsDropped++ })
		cut := c.body[:len(c.body)*2/3]
		h.Set("Content-Length", strconv.Itoa(len(cut)))
		h.Set("Connection", "close")
		w.WriteHeader(c.status)
		w.Write(cut)
		return
	}
	if c.body != nil {
		h.Set("Content-Length", strconv.Itoa(len(c.body)))
	}
	w.WriteHeader(c.status)
	w.Write(c.body)
}

// answerFault answers a fault that replaces the handler: a 5xx, or a 429
// without any rate-limit header (platform load).
func (s *Store) answerFault(w http.ResponseWriter, c *call, plan faultPlan) {
	if plan.kind == fault429NoHeaders {
		for _, k := range []string{"X-Rate-Limit-Time-Window-Ms", "X-Rate-Limit-Time-Reset-Ms", "X-Rate-Limit-Requests-Quota", "X-Rate-Limit-Requests-Left"} {
			c.header.Del(k)
		}
		c.fail(http.StatusTooManyRequests, "Too many requests: the platform is under heavy load.", nil)
		s.write(w, c, faultPlan{})
		return
	}
	if plan.status == http.StatusBadGateway || plan.status == http.StatusGatewayTimeout {
		// Gateways answer HTML, as BigCommerce's edge does.
		c.status = plan.status
		c.header.Set("Content-Type", "text/html")
		c.body = []byte("<html><head><title>" + strconv.Itoa(plan.status) + " " + http.StatusText(plan.status) +
			"</title></head><body><h1>" + http.StatusText(plan.status) + "</h1></body></html>")
		s.write(w, c, faultPlan{})
		return
	}
	c.fail(plan.status, "The sandbox injected a "+strconv.Itoa(plan.status)+" fault ("+http.StatusText(plan.status)+").", nil)
	s.write(w, c, faultPlan{})
}
