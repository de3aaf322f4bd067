package sandbox

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// anchor is the fixed instant the seeded history ends at. Seeded dates are a
// function of Seed and anchor only, never of the process start time, so two
// processes with the same seed serve byte-identical records.
var anchor = time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC)

// Options configures a sandbox store. The zero value is a small, fault-free
// store with seed 1.
type Options struct {
	Seed      int64  // default 1
	StoreHash string // default derived from Seed: 10 lowercase alphanumeric characters

	// Seeded counts; 0 means the default (50, 40, 300), a negative count means none.
	Products, Customers, Orders int

	Quota   int           // requests per Window; 0 = no quota (headers still sent)
	Window  time.Duration // default 30s
	Latency time.Duration // each API answer's least time: a read's work counts in it, a write waits it out first
	Faults  Faults        // see ParseFaults

	// Live is the number of new orders per second that arrive as wall time
	// passes (0 = off). See the package doc for the schedule.
	Live float64

	Now func() time.Time // clock; default time.Now

	// StateDir, when set, keeps the store's changes across restarts in that
	// directory (see journal.go): a store started again on it with the same
	// seed and counts serves every write made before. Empty: the store
	// lives in memory only.
	StateDir string

	// WebhookRetryScale multiplies BigCommerce's retry schedule
	// (60 s ... 86400 s): more than 0 and at most 1; 0 means 1. Tests use
	// e.g. 0.001.
	WebhookRetryScale float64
}

const (
	defaultProducts  = 50
	defaultCustomers = 40
	defaultOrders    = 300
	defaultWindow    = 30 * time.Second
)

// withDefaults returns a copy of o with every default filled in.
func (o Options) withDefaults() (Options, error) {
	if o.Seed == 0 {
		o.Seed = 1
	}
	o.Products = countOrDefault(o.Products, defaultProducts)
	o.Customers = countOrDefault(o.Customers, defaultCustomers)
	o.Orders = countOrDefault(o.Orders, defaultOrders)
	if o.Window <= 0 {
		o.Window = defaultWindow
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.WebhookRetryScale == 0 {
		o.WebhookRetryScale = 1
	}
	if o.StoreHash == "" {
		o.StoreHash = derivedString(o.Seed, 0x5707e, 10)
	}
	switch {
	case !validStoreHash(o.StoreHash):
		return o, fmt.Errorf("sandbox: StoreHash %q: want 1 to 64 lowercase letters and digits", o.StoreHash)
	case o.Quota < 0:
		return o, fmt.Errorf("sandbox: Quota %d: want 0 (off) or more", o.Quota)
	case o.Live < 0:
		return o, fmt.Errorf("sandbox: Live %v: want 0 (off) or a positive rate", o.Live)
	case !(o.WebhookRetryScale > 0 && o.WebhookRetryScale <= 1):
		return o, fmt.Errorf("sandbox: WebhookRetryScale %v: want more than 0 and at most 1 (0 means 1)", o.WebhookRetryScale)
	case o.Latency < 0:
		return o, fmt.Errorf("sandbox: Latency %v: want 0 or more", o.Latency)
	}
	return o, nil
}

func countOrDefault(n, def int) int {
	switch {
	case n < 0:
		return 0
	case n == 0:
		return def
	}
	return n
}

func validStoreHash(h string) bool {
	if len(h) == 0 || len(h) > 64 {
		return false
	}
	for _, r := range h {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// derivedString is a deterministic lowercase alphanumeric string of length n
// drawn from (seed, salt).
func derivedString(seed int64, salt uint64, n int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	rng := rand.New(rand.NewPCG(uint64(seed), salt))
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return string(b)
}

// Tokens are the two access tokens a sandbox accepts.
type Tokens struct {
	Full     string `json:"full"`      // every scope, read and modify
	ReadOnly string `json:"read_only"` // every scope, read only
}

func tokensFor(seed int64, hash string) Tokens {
	salt := hashSalt(hash)
	return Tokens{
		Full:     derivedString(seed, salt^0xf011, 31),
		ReadOnly: derivedString(seed, salt^0x4ead, 31),
	}
}

// clientSecretFor is the store's client secret, derived like the tokens.
func clientSecretFor(seed int64, hash string) string {
	return derivedString(seed, hashSalt(hash)^0x5ec7e7, 32)
}

func hashSalt(hash string) uint64 {
	var salt uint64
	for _, r := range hash {
		salt = salt*31 + uint64(r)
	}
	return salt
}
