// Package webhooks subscribes to BigCommerce webhooks and receives them so
// that every real event reaches the output exactly once and no forged one
// does.
//
// # Subscribing
//
// Subscriptions.Subscribe registers a hook (POST /v3/hooks) whose custom
// header SecretHeader carries a fresh 32-byte secret, and keeps the secret in
// a mode-0600 file (SecretStore). Subscribing again to the same scope and
// destination reuses the hook and its secret. Destinations are https, as
// BigCommerce requires, or plain http to a loopback host, where only a local
// sandbox delivers.
//
// # Receiving
//
// Receiver is the callback endpoint. In order, it refuses: a missing or wrong
// secret header (401, compared in constant time), a body over 1 MiB (413),
// when a signing key (the client secret BigCommerce signs with) is
// configured, a missing, bad or stale Standard Webhooks signature (401; the
// timestamp must be within 5 minutes, so an old callback cannot be
// replayed), a body that is not a callback (400), and a callback from another
// store (403). None of these stores anything. An accepted event is committed
// to the inbox (a state.Store: SQLite, or PostgreSQL shared by receivers
// behind a load balancer) before the 200; concurrent callbacks share one
// commit. A redelivered event (same hash, scope, record and created_at) is
// answered 200 and stored once, whichever receiver it reaches. Workers claim
// the events they work on (WorkerConfig.ClaimHold), so workers sharing an
// inbox never work on one event at once.
//
// # Emitting
//
// Worker reads the inbox, fetches the record each event names (Fetcher; the
// sync's hydration path) and appends it to the output in the sync's envelope
// through syncer's Writer, whose ledger keeps one line per (stream, id,
// date_modified) even when a polling sync writes the same file; a stream
// such as stdout, which has no ledger of its own, gets one from
// StreamLedger. Only after the output is synced to disk is the event marked
// done; a failure leaves it for a retry with backoff, and a restarted worker
// takes up every event still owed. Orders created incomplete (status 0) are held and re-checked until
// they become real, or dropped, per IncompletePolicy.
//
// A deletion event (store/product/deleted, store/customer/deleted,
// store/category/deleted, store/shipment/deleted, store/order/archived) is
// not turned into a line here: the worker records the deletion in the state
// (state.RecordDeletions) and settles the event, and the next sync of the
// stream into each destination writes its tombstone, once
// (syncer/tombstones.go). The tombstone so comes from one side only, the
// sync's, which also finds archived orders itself and knows what each
// destination already has; a receiver's own output gets it when a sync
// shares that output.
package webhooks
