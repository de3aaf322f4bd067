// Package syncer is Direct mode's incremental sync: it reads one stream of a
// store (orders, products, customers, or one of the streams streams.go
// declares) changed since the last run and appends each changed record,
// whole, exactly once to a JSON Lines output or a table.
//
// # Streams
//
// A Spec (streams.go) declares a stream: its key, its cursor, the token
// scopes it needs, the JSON Schema of its records (schemas/) and how it
// reads. Orders, products and customers are read by date_modified window
// (below). The streams BigCommerce gives no change filter for are
// ChangeSources (changes.go): read whole (brands, categories, ...), per
// order for the orders whose date_modified moved (transactions,
// shipments), or by creation window (refunds); a content hash per record in
// the state lets only changed records through, and an ID gone from a whole
// scope (read twice to be sure) becomes a tombstone,
// {"stream","id","date_modified","deleted":true}, once.
//
// # The window and the cursor
//
// A run reads the window (checkpoint, upper]: the upper bound is frozen when the
// run starts (the store's clock from GET /v2/time minus a safety lag), so a
// record changed while the run is under way is not chased; its new version
// falls after the upper bound and comes in the next run. The clock is read
// while the window's first requests go out, their bound guessed from this
// machine's clock a second further back; the store's clock must confirm the
// guess before anything is written, or the run starts over (clock.go).
// Records are read in
// date_modified order. The API filters and sorts by date_modified with second
// granularity and does not promise any order among records that share a
// second, so the cursor is a timestamp T plus the set of record IDs at T
// already emitted. Every page query is keyset-based: it starts again at T
// (inclusive) and skips the IDs already emitted there. Offset paging over a
// result set that can shrink while it is read skips records (a record
// modified mid-run leaves the window and every later offset shifts), so it is
// not trusted: when a whole page shares one timestamp, the reader walks that
// timestamp's group by ID keyset (orders, products) or by the API's cursor
// (customers). To cut round trips when latency rather than the quota bounds a
// sync, orders, products and customers are read by page number with up to
// --workers pages in flight, each answer sending the next page (window.go),
// but a page is used only when it vouches for itself: a V3 answer's
// meta.pagination.total is the window's size the other pages found; an
// orders page (V2 carries no size) starts with the last records of the page
// before it, across a change of second (chain.go), or else a count sent
// after it finds the window's size unchanged. Every page but the last must
// be full and no record may appear twice; otherwise the rest is read by
// keyset queries. A sync from the beginning sends its first pages with page
// 1. A page's records are hydrated as it arrives, in the window's order
// (prefetch.go), and written once it is vouched for, a page's worth of
// records to a batch with its own checkpoint.
//
// # Output and exactly-once
//
// Each line is an Envelope: {"stream","id","date_modified","record"}. A Writer
// appends a batch, flushes and fsyncs it, and only then records it in the
// emitted ledger of the state database; the checkpoint moves after that. A
// writer killed at any instant leaves at worst a torn last line (cut off on
// the next open) and lines not yet in the ledger (read back into the ledger on
// the next open), so a rerun neither loses nor repeats a record. The ledger is
// keyed by (stream, id, date_modified) per output file and the file is locked
// while a batch is appended, so a webhook receiver and a polling sync can share
// one output file without duplicates.
//
// # Archived and incomplete orders, deleted records
//
// GET /v2/orders leaves out archived orders (is_deleted) unless asked, and the
// sync does not export them: an archived order is one the merchant removed,
// and exporting it downstream would resurrect it. An order archived after a
// run is withdrawn by the next: each run lists the orders archived in its
// window (is_deleted=true; archiving moves date_modified) and writes a
// tombstone for each (tombstones.go). Deletions BigCommerce reports only
// through webhooks (store/product/deleted, store/customer/deleted, ...) are
// recorded by the webhook receiver in the state, and each destination's
// next run of the stream writes their tombstones. Either way a record gets
// one tombstone per destination, across reruns and kills. Incomplete orders
// (status 0, abandoned checkouts) are skipped unless IncludeIncomplete is
// set.
package syncer
