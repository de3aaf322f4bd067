package webhooks

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// MaxBodyBytes is the largest callback body the receiver reads. BigCommerce's
// callbacks are thin (a few hundred bytes); anything near this is not one.
const MaxBodyBytes = 1 << 20

// Event is a BigCommerce webhook callback: a thin notice that names the record
// that changed, never the record itself.
type Event struct {
	Scope     string          `json:"scope"`      // e.g. "store/order/created"
	StoreID   string          `json:"store_id"`   // a string in the payload
	Data      json.RawMessage `json:"data"`       // scope-specific; see Resource
	Hash      string          `json:"hash"`       // SHA-1 of the data; equal on redelivery
	CreatedAt int64           `json:"created_at"` // Unix seconds
	Producer  string          `json:"producer"`   // "stores/<store_hash>"

	data eventData
}

// eventData holds the fields of data that select the record to fetch. Which of
// them a scope fills is listed in BigCommerce's events reference.
type eventData struct {
	Type    string `json:"type"`
	ID      int64  `json:"id"`
	OrderID int64  `json:"orderId"` // shipments, converted carts
	Address *struct {
		CustomerID int64 `json:"customer_id"`
	} `json:"address"` // customer address events
	SKU *struct {
		ProductID int64 `json:"product_id"`
	} `json:"sku"` // store/sku/{created,updated,deleted}
	Inventory *struct {
		ProductID int64 `json:"product_id"`
	} `json:"inventory"` // store/{product,sku}/inventory/* events
}

// ErrMalformed is wrapped by every ParseEvent error.
var ErrMalformed = errors.New("webhooks: malformed callback")

// ParseEvent decodes and checks a callback body. It refuses anything that is
// not one JSON object with a scope under "store/", a producer "stores/<hash>",
// a hash, a positive created_at and an object as data.
func ParseEvent(body []byte) (Event, error) {
	var raw struct {
		Scope     string          `json:"scope"`
		StoreID   json.RawMessage `json:"store_id"`
		Data      json.RawMessage `json:"data"`
		Hash      string          `json:"hash"`
		CreatedAt json.Number     `json:"created_at"`
		Producer  string          `json:"producer"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return Event{}, fmt.Errorf("%w: body is not a JSON object: %v", ErrMalformed, err)
	}
	if dec.More() {
		return Event{}, fmt.Errorf("%w: trailing data after the JSON object", ErrMalformed)
	}
	var e Event
	switch {
	case !strings.HasPrefix(raw.Scope, "store/") || len(raw.Scope) > 128 || !printable(raw.Scope):
		return Event{}, fmt.Errorf("%w: scope %q is not a BigCommerce scope (want e.g. store/order/created)", ErrMalformed, raw.Scope)
	case raw.Hash == "" || len(raw.Hash) > 128 || !printable(raw.Hash):
		return Event{}, fmt.Errorf("%w: hash is missing or not a digest", ErrMalformed)
	case !strings.HasPrefix(raw.Producer, "stores/") || len(raw.Producer) == len("stores/") || len(raw.Producer) > 128 || !printable(raw.Producer):
		return Event{}, fmt.Errorf("%w: producer %q is not stores/<store_hash>", ErrMalformed, raw.Producer)
	}
	created, err := strconv.ParseInt(raw.CreatedAt.String(), 10, 64)
	if err != nil || created <= 0 {
		return Event{}, fmt.Errorf("%w: created_at %q is not a positive Unix time in seconds", ErrMalformed, raw.CreatedAt.String())
	}
	if d := bytes.TrimSpace(raw.Data); len(d) == 0 || d[0] != '{' {
		return Event{}, fmt.Errorf("%w: data is not an object", ErrMalformed)
	}
	if err := json.Unmarshal(raw.Data, &e.data); err != nil {
		return Event{}, fmt.Errorf("%w: data: %v", ErrMalformed, err)
	}
	if e.data.ID < 0 || e.data.OrderID < 0 {
		return Event{}, fmt.Errorf("%w: data.id is negative", ErrMalformed)
	}
	// store_id is documented as a string; accept a number too, as a
	// sender that re-encodes the payload may write one.
	if s := bytes.TrimSpace(raw.StoreID); len(s) > 0 && !bytes.Equal(s, []byte("null")) {
		if s[0] == '"' {
			if err := json.Unmarshal(s, &e.StoreID); err != nil {
				return Event{}, fmt.Errorf("%w: store_id: %v", ErrMalformed, err)
			}
		} else if _, err := strconv.ParseUint(string(s), 10, 64); err == nil {
			e.StoreID = string(s)
		} else {
			return Event{}, fmt.Errorf("%w: store_id is neither a string nor a number", ErrMalformed)
		}
	}
	e.Scope, e.Data, e.Hash, e.CreatedAt, e.Producer = raw.Scope, raw.Data, raw.Hash, created, raw.Producer
	return e, nil
}

func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// StoreHash is the store the callback says it comes from.
func (e Event) StoreHash() string { return strings.TrimPrefix(e.Producer, "stores/") }

// Time is when BigCommerce sent the event.
func (e Event) Time() time.Time { return time.Unix(e.CreatedAt, 0).UTC() }

// DedupeKey identifies the event: BigCommerce redelivers an event with the
// same hash, and scope, record and time keep two different events with equal
// data (an order updated twice to the same state) apart. Should a redelivery
// ever carry another created_at, it is stored twice but still written once:
// the output keeps one line per record version.
func (e Event) DedupeKey() string {
	return e.Scope + "|" + strconv.FormatInt(e.data.ID, 10) + "|" + strconv.FormatInt(e.CreatedAt, 10) + "|" + e.Hash
}

// Resource names the record the event is about, as a sync stream and an ID.
// ok is false for scopes whose records bigc does not emit (carts, categories,
// metafields, ...); such events are acknowledged and recorded but not emitted.
// gone reports that the scope itself says the record no longer exists.
func (e Event) Resource() (stream string, id int64, gone bool, ok bool) {
	parts := strings.Split(e.Scope, "/")
	if len(parts) < 3 {
		return "", 0, false, false
	}
	verb := parts[len(parts)-1]
	switch parts[1] {
	case "order":
		// message, refund and transaction events are about the order too.
		if e.data.ID > 0 && (len(parts) == 3 || e.data.Type == "order") {
			return "orders", e.data.ID, len(parts) == 3 && verb == "archived", true
		}
		if e.data.OrderID > 0 {
			return "orders", e.data.OrderID, false, true
		}
	case "shipment":
		if e.data.OrderID > 0 {
			return "orders", e.data.OrderID, false, true
		}
	case "cart":
		if verb == "converted" && e.data.OrderID > 0 {
			return "orders", e.data.OrderID, false, true
		}
	case "product":
		if len(parts) == 3 && e.data.ID > 0 {
			return "products", e.data.ID, verb == "deleted", true
		}
		// inventory events: data.id is the product's.
		if parts[2] == "inventory" && e.data.ID > 0 {
			return "products", e.data.ID, false, true
		}
	case "sku":
		if e.data.SKU != nil && e.data.SKU.ProductID > 0 {
			return "products", e.data.SKU.ProductID, false, true
		}
		// store/sku/inventory/* events: data.id is the SKU's, and the
		// product is named only in data.inventory.product_id.
		if parts[2] == "inventory" && e.data.Inventory != nil && e.data.Inventory.ProductID > 0 {
			return "products", e.data.Inventory.ProductID, false, true
		}
	case "customer":
		if len(parts) == 3 && e.data.ID > 0 {
			return "customers", e.data.ID, verb == "deleted", true
		}
		if parts[2] == "address" && e.data.Address != nil && e.data.Address.CustomerID > 0 {
			return "customers", e.data.Address.CustomerID, false, true
		}
	}
	return "", 0, false, false
}

// deletionStreams maps each deletion event to the stream whose tombstone it
// owes: store/product/deleted, store/customer/deleted, store/category/deleted
// and store/shipment/deleted (data.id is the record's), and
// store/order/archived (the order stream's deletion: DELETE /v2/orders/{id}
// archives).
var deletionStreams = map[string]string{
	"store/product/deleted":  "products",
	"store/customer/deleted": "customers",
	"store/category/deleted": "categories",
	"store/shipment/deleted": "shipments",
	"store/order/archived":   "orders",
}

// DeletionScopes are the events Deletion understands, sorted: a receiver
// must be subscribed to them for its streams' tombstones.
func DeletionScopes() []string {
	return slices.Sorted(maps.Keys(deletionStreams))
}

// Deletion names the record a deletion event reports gone, as the stream
// whose tombstone it owes and the record's ID (see deletionStreams). ok is
// false for every other event.
func (e Event) Deletion() (stream string, id int64, ok bool) {
	stream, ok = deletionStreams[e.Scope]
	if !ok || e.data.ID <= 0 {
		return "", 0, false
	}
	return stream, e.data.ID, true
}
