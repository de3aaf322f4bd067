package sandbox

import (
	"maps"
	"strconv"
	"sync"
	"time"
)

// Stats is a snapshot of what the store has answered.
type Stats struct {
	Requests           int            `json:"requests"`            // API requests answered (operator calls excluded)
	ByStatus           map[string]int `json:"by_status"`           // status code -> count
	ByPath             map[string]int `json:"by_path"`             // route pattern, e.g. "/v2/orders/{id}" -> count
	RateLimited        int            `json:"rate_limited"`        // 429s, whether from the quota or a fault
	Deliveries         int            `json:"deliveries"`          // webhook delivery attempts made
	DeliveriesFailed   int            `json:"deliveries_failed"`   // attempts that got no 2xx
	DeliveriesPending  int            `json:"deliveries_pending"`  // deliveries waiting for a retry
	HooksDeactivated   int            `json:"hooks_deactivated"`   // hooks turned off after the last retry
	ConnectionsDropped int            `json:"connections_dropped"` // resets, truncations and commit-then-drop
	// AnswerSeconds is the time the store spent on the API requests it
	// answered, each from its arrival to its answer written, latency
	// included, added up: the time a client's requests held their slots at
	// the store.
	AnswerSeconds float64 `json:"answer_seconds"`
}

type stats struct {
	mu sync.Mutex
	s  Stats
}

func newStats() *stats {
	return &stats{s: Stats{ByStatus: map[string]int{}, ByPath: map[string]int{}}}
}

func (st *stats) record(status int, pattern string, took time.Duration) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.s.Requests++
	st.s.AnswerSeconds += took.Seconds()
	st.s.ByStatus[strconv.Itoa(status)]++
	st.s.ByPath[pattern]++
	if status == 429 {
		st.s.RateLimited++
	}
}

func (st *stats) update(f func(*Stats)) {
	st.mu.Lock()
	defer st.mu.Unlock()
	f(&st.s)
}

func (st *stats) snapshot() Stats {
	st.mu.Lock()
	defer st.mu.Unlock()
	out := st.s
	out.ByStatus = maps.Clone(st.s.ByStatus)
	out.ByPath = maps.Clone(st.s.ByPath)
	return out
}

// Stats returns counts of what the store has answered and delivered.
func (s *Store) Stats() Stats { return s.stats.snapshot() }
