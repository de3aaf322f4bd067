package syncer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/bigc-dev/bigc/state"
)

// Stream names.
const (
	StreamOrders    = "orders"
	StreamProducts  = "products"
	StreamCustomers = "customers"
)

// Envelope is one line of output: a whole record and the key that identifies
// this version of it. Webhook-driven output uses the same envelope.
type Envelope struct {
	Stream       string          `json:"stream"`
	ID           int64           `json:"id"`
	DateModified time.Time       `json:"date_modified"`
	Record       json.RawMessage `json:"record,omitempty"`
	// Deleted marks a tombstone: the record was deleted in the store. It has
	// no Record; DateModified is when the deletion was seen.
	Deleted bool `json:"deleted,omitempty"`
}

// Key is what de-duplication compares: the stream, the record ID and the
// version's date_modified in Unix seconds (the API's granularity).
func (e *Envelope) Key() state.EmittedKey {
	return state.EmittedKey{Stream: e.Stream, ID: e.ID, DateModified: e.DateModified.Unix()}
}

// appendLine appends the envelope as one JSON line, once check finds it
// whole.
func (e *Envelope) appendLine(b []byte) ([]byte, error) {
	if err := e.check(); err != nil {
		return b, err
	}
	return e.appendChecked(b), nil
}

// check finds whether the envelope can be written as a line: a stream, a
// positive ID, a date_modified and, but for a tombstone, a compact record.
func (e *Envelope) check() error {
	if e.Stream == "" || e.ID <= 0 || e.DateModified.IsZero() {
		return fmt.Errorf("syncer: envelope needs a stream, a positive id and a date_modified (got %q, %d, %v)", e.Stream, e.ID, e.DateModified)
	}
	if !e.Deleted && (len(e.Record) == 0 || bytes.ContainsAny(e.Record, "\n\r")) {
		return fmt.Errorf("syncer: %s %d: record must be non-empty compact JSON", e.Stream, e.ID)
	}
	return nil
}

// appendChecked appends the line of an envelope check passed. It is written
// by hand because Record is already compact JSON: encoding/json would
// re-validate and re-compact every record, which dominates the CPU cost of a
// large export.
func (e *Envelope) appendChecked(b []byte) []byte {
	b = append(b, `{"stream":`...)
	b = strconv.AppendQuote(b, e.Stream)
	b = append(b, `,"id":`...)
	b = strconv.AppendInt(b, e.ID, 10)
	b = append(b, `,"date_modified":"`...)
	b = e.DateModified.UTC().AppendFormat(b, time.RFC3339)
	if e.Deleted {
		return append(b, `","deleted":true}`+"\n"...)
	}
	b = append(b, `","record":`...)
	b = append(b, e.Record...)
	return append(b, "}\n"...)
}

// lineKey is the part of a line needed to rebuild the ledger.
type lineKey struct {
	Stream       string    `json:"stream"`
	ID           int64     `json:"id"`
	DateModified time.Time `json:"date_modified"`
}

// ParseLine reads the key of one output line (without its newline).
func ParseLine(line []byte) (state.EmittedKey, error) {
	var k lineKey
	if err := json.Unmarshal(line, &k); err != nil {
		return state.EmittedKey{}, fmt.Errorf("syncer: output line is not an envelope: %w", err)
	}
	if k.Stream == "" || k.ID == 0 || k.DateModified.IsZero() {
		return state.EmittedKey{}, fmt.Errorf("syncer: output line lacks stream, id or date_modified")
	}
	return state.EmittedKey{Stream: k.Stream, ID: k.ID, DateModified: k.DateModified.Unix()}, nil
}
