package sandbox

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Faults says how often the sandbox misbehaves. Each probability is in [0, 1].
// The zero value injects nothing. The connection faults (Reset,
// CommitThenDrop) abort the handler with http.ErrAbortHandler, which a
// net/http server turns into a dropped connection; serve the store with
// Start or sandboxtest.NewServer when using them.
type Faults struct {
	ServerErrors      map[int]float64 // 5xx status -> probability of answering it instead
	Reset             float64         // connection reset after part of the body
	Truncate          float64         // body cut short (invalid JSON), connection closed
	CommitThenDrop    float64         // for writes: the change is applied, then the connection is reset
	DuplicateDelivery float64         // a webhook delivery is sent twice
	RateLimitNoHeader float64         // 429 without any X-Rate-Limit-* header (platform load)
	Latency           time.Duration   // added to Options.Latency: each answer's least time
}

// faultNames maps the spec keys to setters; used by ParseFaults and String.
var faultNames = map[string]func(*Faults) *float64{
	"reset":              func(f *Faults) *float64 { return &f.Reset },
	"truncate":           func(f *Faults) *float64 { return &f.Truncate },
	"commit-then-drop":   func(f *Faults) *float64 { return &f.CommitThenDrop },
	"duplicate-delivery": func(f *Faults) *float64 { return &f.DuplicateDelivery },
	"429-noheaders":      func(f *Faults) *float64 { return &f.RateLimitNoHeader },
}

// ParseFaults reads a fault spec such as
// "500=0.05,503=0.05,reset=0.02,truncate=0.01,latency=50ms,commit-then-drop=0.05,duplicate-delivery=0.2,429-noheaders=0.05".
// Keys: any status 500-599, reset, truncate, commit-then-drop,
// duplicate-delivery, 429-noheaders (probabilities in [0,1]) and latency (a Go
// duration). An empty spec means no faults.
func ParseFaults(spec string) (Faults, error) {
	var f Faults
	for _, item := range strings.Split(spec, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		key, val, ok := strings.Cut(item, "=")
		if !ok {
			return Faults{}, fmt.Errorf("fault %q: want key=value, e.g. 503=0.05 or latency=50ms", item)
		}
		if err := f.set(strings.TrimSpace(key), strings.TrimSpace(val)); err != nil {
			return Faults{}, err
		}
	}
	return f, nil
}

func (f *Faults) set(key, val string) error {
	if key == "latency" {
		d, err := time.ParseDuration(val)
		if err != nil || d < 0 {
			return fmt.Errorf("fault latency=%q: want a duration such as 50ms", val)
		}
		f.Latency = d
		return nil
	}
	p, err := strconv.ParseFloat(val, 64)
	if err != nil || p < 0 || p > 1 {
		return fmt.Errorf("fault %s=%q: want a probability between 0 and 1", key, val)
	}
	if code, err := strconv.Atoi(key); err == nil {
		if code < 500 || code > 599 {
			return fmt.Errorf("fault %s: status faults must be 500-599", key)
		}
		if f.ServerErrors == nil {
			f.ServerErrors = map[int]float64{}
		}
		f.ServerErrors[code] = p
		return nil
	}
	ptr, ok := faultNames[key]
	if !ok {
		return fmt.Errorf("fault %q: unknown; valid: 500-599, reset, truncate, latency, commit-then-drop, duplicate-delivery, 429-noheaders", key)
	}
	*ptr(f) = p
	return nil
}

// String is the spec ParseFaults reads back to the same Faults.
func (f Faults) String() string {
	var parts []string
	for _, c := range slices.Sorted(maps.Keys(f.ServerErrors)) {
		parts = append(parts, fmt.Sprintf("%d=%g", c, f.ServerErrors[c]))
	}
	for _, n := range slices.Sorted(maps.Keys(faultNames)) {
		if p := *faultNames[n](&f); p > 0 {
			parts = append(parts, fmt.Sprintf("%s=%g", n, p))
		}
	}
	if f.Latency > 0 {
		parts = append(parts, "latency="+f.Latency.String())
	}
	return strings.Join(parts, ",")
}

// faultKind is what the fault injector decided for one response.
type faultKind int

const (
	faultNone faultKind = iota
	faultStatus
	faultReset
	faultTruncate
	faultCommitThenDrop
	fault429NoHeaders
)

// faultPlan is one response's decision.
type faultPlan struct {
	kind   faultKind
	status int
}

// injector draws fault decisions from one seeded generator. The draws happen
// in request order under a mutex, so a run with the same requests in the same
// order sees the same faults.
type injector struct {
	mu     sync.Mutex
	rng    *rand.Rand
	faults Faults
	codes  []int // faults.ServerErrors' statuses, sorted: map order is random, the draws must not be
}

func newInjector(seed int64, f Faults) *injector {
	in := &injector{rng: rand.New(rand.NewPCG(uint64(seed), 0xfa017))}
	in.set(f)
	return in
}

// set replaces the faults. It keeps its own copy of the status map, so the
// sorted statuses stay those of the map the draws read.
func (in *injector) set(f Faults) {
	f.ServerErrors = maps.Clone(f.ServerErrors)
	codes := slices.Sorted(maps.Keys(f.ServerErrors))
	in.mu.Lock()
	in.faults, in.codes = f, codes
	in.mu.Unlock()
}

func (in *injector) get() Faults {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.faults
}

// before decides the faults that replace the handler (a 5xx or 429 answer).
func (in *injector) before() faultPlan {
	in.mu.Lock()
	defer in.mu.Unlock()
	f := in.faults
	if f.RateLimitNoHeader > 0 && in.rng.Float64() < f.RateLimitNoHeader {
		return faultPlan{kind: fault429NoHeaders, status: 429}
	}
	for _, c := range in.codes {
		if p := f.ServerErrors[c]; p > 0 && in.rng.Float64() < p {
			return faultPlan{kind: faultStatus, status: c}
		}
	}
	return faultPlan{}
}

// after decides the faults applied to the handler's answer.
func (in *injector) after(write bool) faultPlan {
	in.mu.Lock()
	defer in.mu.Unlock()
	f := in.faults
	if write && f.CommitThenDrop > 0 && in.rng.Float64() < f.CommitThenDrop {
		return faultPlan{kind: faultCommitThenDrop}
	}
	if f.Reset > 0 && in.rng.Float64() < f.Reset {
		return faultPlan{kind: faultReset}
	}
	if f.Truncate > 0 && in.rng.Float64() < f.Truncate {
		return faultPlan{kind: faultTruncate}
	}
	return faultPlan{}
}

// duplicate says whether one webhook delivery is sent twice.
func (in *injector) duplicate() bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	p := in.faults.DuplicateDelivery
	return p > 0 && in.rng.Float64() < p
}
