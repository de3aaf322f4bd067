// Package importer is Direct mode's write direction: bulk, resumable,
// idempotent imports of products (upsert by SKU), inventory levels (absolute,
// by SKU) and customers (upsert by email) from JSON Lines or CSV files,
// including WooCommerce's and Shopify's product CSV exports.
//
// Exactly once: every row is looked up in the store by its natural key (SKU,
// email) before anything is written, so a row is created at most once however
// often the import is killed and rerun; a create whose answer was lost is
// reconciled by SKU, never repeated blindly. A row is journaled in the state
// database once the store holds it, so a rerun of a finished import sends no
// request at all for it. A bad row never stops the import: it is written to
// the rejected file with its line, field and reason.
//
// Requests are batched where BigCommerce allows it (products updated 10 at a
// time, variants 50, stock 2,000, SKU look-ups 100) and paced by the client's
// governor.
package importer
