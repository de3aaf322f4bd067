package sandbox

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// A store with Options.StateDir keeps its changes across restarts: every
// write that succeeds (an API write answered 2xx, an operator change, a
// hook deactivated after its last retry) is appended to DIR/journal.jsonl
// while the store lock is held, so the journal's order is the order the
// writes applied in, and before the answer goes out, so a client that saw
// a 2xx finds its write after a restart. A new process seeds the same store
// (DIR/sandbox.json pins the seed and counts) and applies the journal again
// at each write's own time, with no webhooks sent, before it serves.
//
// Replaying instead of saving a snapshot keeps one source of truth, the
// handlers: whatever a write did the first time, it does again.

const (
	journalFile = "journal.jsonl"
	pinFile     = "sandbox.json"
)

// journalEntry is one write in the journal.
type journalEntry struct {
	At     int64  `json:"at"`   // Unix nanoseconds the write applied at
	Kind   string `json:"kind"` // "api", "operator" or "deactivate"
	Method string `json:"method,omitempty"`
	Path   string `json:"path,omitempty"` // after /stores/{hash}/ for "api", after /_sandbox/ for "operator"
	Query  string `json:"query,omitempty"`
	Body   []byte `json:"body,omitempty"`
	HookID int    `json:"hook_id,omitempty"` // "deactivate"
}

// journal appends entries to the open journal file.
type journal struct {
	mu sync.Mutex
	f  *os.File
}

// statePin is what a state directory was made with; a store opened on it
// must be made the same way, or the journal would apply to another store.
type statePin struct {
	Seed      int64   `json:"seed"`
	StoreHash string  `json:"store_hash"`
	Products  int     `json:"products"`
	Customers int     `json:"customers"`
	Orders    int     `json:"orders"`
	Live      float64 `json:"live"`
}

func pinOf(o Options) statePin {
	return statePin{Seed: o.Seed, StoreHash: o.StoreHash, Products: o.Products, Customers: o.Customers, Orders: o.Orders, Live: o.Live}
}

// openState pins dir to the store's options (or checks the pin), replays
// the journal into s and opens it for appending.
func (s *Store) openState(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("sandbox: state directory: %w", err)
	}
	pin := pinOf(s.opts)
	pinPath := filepath.Join(dir, pinFile)
	switch b, err := os.ReadFile(pinPath); {
	case errors.Is(err, os.ErrNotExist):
		b, _ := json.MarshalIndent(pin, "", "  ")
		if err := os.WriteFile(pinPath, append(b, '\n'), 0o600); err != nil {
			return fmt.Errorf("sandbox: state directory: %w", err)
		}
	case err != nil:
		return fmt.Errorf("sandbox: state directory: %w", err)
	default:
		var was statePin
		if err := json.Unmarshal(b, &was); err != nil {
			return fmt.Errorf("sandbox: %s is damaged: %v", pinPath, err)
		}
		if was != pin {
			return fmt.Errorf("sandbox: state directory %s holds a store made with seed %d, hash %s, %d products, %d customers, %d orders, live %v; "+
				"start with the same options, or give another directory", dir, was.Seed, was.StoreHash, was.Products, was.Customers, was.Orders, was.Live)
		}
	}
	path := filepath.Join(dir, journalFile)
	good, err := s.replay(path)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("sandbox: state directory: %w", err)
	}
	if err := f.Truncate(good); err != nil { // drop a torn last line before appending
		f.Close()
		return fmt.Errorf("sandbox: journal: %w", err)
	}
	s.journal = &journal{f: f}
	return nil
}

// replay applies every entry of the journal at path and returns the length
// of its whole lines. A last line cut short (the process died while
// writing it) is dropped: its write never answered.
func (s *Store) replay(path string) (int64, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("sandbox: journal: %w", err)
	}
	defer f.Close()
	r := bufio.NewReader(f)
	var good int64
	for n := 1; ; n++ {
		line, err := r.ReadBytes('\n')
		if errors.Is(err, io.EOF) {
			return good, nil // a line without its newline is a write cut short
		}
		if err != nil {
			return 0, fmt.Errorf("sandbox: journal: %w", err)
		}
		good += int64(len(line))
		var e journalEntry
		if err := json.Unmarshal(line, &e); err != nil {
			return 0, fmt.Errorf("sandbox: journal %s line %d is damaged: %v", path, n, err)
		}
		if err := s.apply(e); err != nil {
			return 0, fmt.Errorf("sandbox: journal %s line %d: %v", path, n, err)
		}
	}
}

// apply repeats one journaled write at its own time, without webhooks.
func (s *Store) apply(e journalEntry) error {
	at := time.Unix(0, e.At)
	s.live.catchUp(at)
	s.replayAt = at
	defer func() { s.replayAt = time.Time{} }()
	switch e.Kind {
	case "deactivate":
		s.deactivateHook(e.HookID)
		return nil
	case "api", "operator":
	default:
		return fmt.Errorf("unknown entry kind %q", e.Kind)
	}
	prefix := "/stores/" + s.hash + "/"
	if e.Kind == "operator" {
		prefix = "/_sandbox/"
	}
	r, err := http.NewRequest(e.Method, prefix+e.Path+"?"+e.Query, bytes.NewReader(e.Body))
	if err != nil {
		return err
	}
	c := &call{s: s, r: r, q: r.URL.Query(), now: at, header: http.Header{}, replaying: true}
	if e.Kind == "operator" {
		s.operate(c, e.Path)
	} else {
		c.v2 = len(e.Path) > 3 && e.Path[:3] == "v2/"
		rt, ids := s.router.match(e.Path)
		if rt == nil || rt.methods[e.Method] == nil {
			return fmt.Errorf("%s %s is not a route", e.Method, e.Path)
		}
		c.ids, c.rest = ids, e.Path
		s.run(c, rt.methods[e.Method], true)
	}
	if c.status >= 300 {
		return fmt.Errorf("%s %s answered %d on replay: %s", e.Method, e.Path, c.status, c.body)
	}
	return nil
}

// record appends a write that succeeded; the caller holds s.mu, so the
// journal keeps the order writes applied in. A failure to write the
// journal is the write's failure: the answer becomes a 500, so that no
// client believes in a change a restart would lose.
func (s *Store) record(c *call, e journalEntry) {
	if s.journal == nil || c.replaying || c.status >= 300 {
		return
	}
	e.At = c.now.UnixNano()
	line, _ := json.Marshal(e)
	s.journal.mu.Lock()
	defer s.journal.mu.Unlock()
	if _, err := s.journal.f.Write(append(line, '\n')); err != nil {
		c.fail(http.StatusInternalServerError, "The sandbox could not keep the change in its state directory: "+err.Error(), nil)
	}
}

func (j *journal) close() error {
	if j == nil {
		return nil
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.f.Close()
}

// readBody reads a request body once so that it can be both handled and
// journaled.
func readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, 8<<20+1))
	r.Body = io.NopCloser(bytes.NewReader(b))
	return b, err
}
