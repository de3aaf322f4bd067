package webhooks

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// SecretHeader is the custom header bigc registers on each hook it creates;
// BigCommerce sends it with every callback and the receiver checks it.
const SecretHeader = "X-Bigc-Webhook-Secret"

// The Standard Webhooks headers (standard-webhooks spec), which BigCommerce's
// HTTPS webhooks carry.
const (
	HeaderWebhookID        = "webhook-id"
	HeaderWebhookTimestamp = "webhook-timestamp"
	HeaderWebhookSignature = "webhook-signature"
)

// SignatureTolerance is how far a signed timestamp may be from the receiver's
// clock, either way; older signed callbacks are replays.
const SignatureTolerance = 5 * time.Minute

// secretPrefix marks a secret in the Standard Webhooks form: the prefix, then
// the base64 of the key bytes. A Standard Webhooks library given the same
// string signs with the same key.
const secretPrefix = "whsec_"

// Secret is a hook's shared secret as it travels in SecretHeader.
type Secret string

// NewSecret returns a fresh secret of 32 random bytes.
func NewSecret() (Secret, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("webhooks: random secret: %w", err)
	}
	return Secret(secretPrefix + base64.StdEncoding.EncodeToString(b[:])), nil
}

// Key is the HMAC key for signatures: the secret's random bytes, or the
// string's bytes for a secret not in the whsec_ form.
func (s Secret) Key() []byte {
	if rest, ok := strings.CutPrefix(string(s), secretPrefix); ok {
		if k, err := base64.StdEncoding.DecodeString(rest); err == nil && len(k) > 0 {
			return k
		}
	}
	return []byte(s)
}

// matchSecret reports whether got equals one of secrets, in time that depends
// only on the lengths, and returns the matching one. Every candidate is
// compared, so the time does not tell which one matched.
func matchSecret(got string, secrets []Secret) (Secret, bool) {
	var match Secret
	found := 0
	for _, s := range secrets {
		eq := subtle.ConstantTimeCompare([]byte(got), []byte(s))
		if eq == 1 {
			match = s
		}
		found |= eq
	}
	return match, found == 1 && got != ""
}

// Sign returns the webhook-signature value for a message: "v1," and the
// base64 HMAC-SHA256 of "{id}.{timestamp}.{body}".
func Sign(key []byte, id string, timestamp int64, body []byte) string {
	return "v1," + base64.StdEncoding.EncodeToString(mac(key, id, strconv.FormatInt(timestamp, 10), body))
}

func mac(key []byte, id, ts string, body []byte) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(id))
	h.Write([]byte{'.'})
	h.Write([]byte(ts))
	h.Write([]byte{'.'})
	h.Write(body)
	return h.Sum(nil)
}

// Signature check failures.
var (
	ErrBadSignature = errors.New("webhooks: signature does not match")
	ErrStale        = errors.New("webhooks: signed timestamp is outside the tolerance (replay?)")
)

// VerifySignature checks Standard Webhooks headers: signatures is the
// webhook-signature value (one or more space-separated "v1,<base64>"), and
// timestamp must be within SignatureTolerance of now. The MAC comparison is
// constant-time.
func VerifySignature(key []byte, id, timestamp, signatures string, body []byte, now time.Time) error {
	if id == "" || len(id) > 256 {
		return fmt.Errorf("%w: %s header is missing or too long", ErrBadSignature, HeaderWebhookID)
	}
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: %s %q is not Unix seconds", ErrBadSignature, HeaderWebhookTimestamp, timestamp)
	}
	// Compare in seconds so that huge values cannot overflow a Duration.
	if d := now.Unix() - ts; d > int64(SignatureTolerance/time.Second) || d < -int64(SignatureTolerance/time.Second) {
		return ErrStale
	}
	want := mac(key, id, timestamp, body)
	ok := 0
	for _, sig := range strings.Fields(signatures) {
		v, b64, found := strings.Cut(sig, ",")
		if !found || v != "v1" {
			continue // other versions (e.g. v1a, asymmetric) are not ours to check
		}
		got, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			continue
		}
		ok |= subtle.ConstantTimeCompare(got, want)
	}
	if ok != 1 {
		return ErrBadSignature
	}
	return nil
}
