// Package sandbox is a stateful simulation of one BigCommerce store: the
// embedded store behind bigc's --sandbox flag and the test double of every
// other package. It imports none of bigc's packages and keeps its own
// models, so that a wrong JSON tag cannot hide by being wrong on both the
// client's side and the simulator's.
//
// # Starting one
//
//	srv := sandboxtest.NewServer(t, sandbox.Options{Seed: 7, Orders: 20})
//	// API at srv.URL + "/stores/" + srv.StoreHash + "/v3/..." with
//	// X-Auth-Token: srv.Tokens.Full (or srv.Tokens.ReadOnly).
//
// New returns the *Store, an http.Handler; Start serves it on loopback;
// Serve prints the ready line {"url":...,"store_hash":...,"tokens":{...}}
// and serves until its context ends (that is `bigc sandbox serve`).
//
// # The API it serves
//
// Under /stores/{hash}/: V2 /time, /store, /orders (list, create, count,
// get, update, archive), /orders/{id}/products, /shipping_addresses,
// /shipments (list, create, get, update, delete, delete all, count; a
// status move to Shipped ships nothing, a shipment moves the status to
// Shipped or Partially Shipped and items_shipped with it), /coupons,
// /order_statuses; V3 /catalog/products (list, create, batch update, delete
// by filter, get, update, delete) with /variants, /options, /images and
// /custom-fields; /catalog/variants (list, batch update); /catalog/trees,
// /catalog/trees/categories, /catalog/trees/{id}/categories;
// /catalog/brands; /customers (cursor paged), /customers/addresses;
// /hooks; /inventory/adjustments/absolute and /relative (at most 2,000
// items, all checked before any applies; 413 above), /inventory/items,
// /inventory/locations (list, create, update, delete) and
// /inventory/locations/{id}/items (up to 1,000 items a page; levels and
// settings per location: the catalog's inventory_level is the total over
// the locations, and an order takes stock from the default location
// first); /carts (create, get,
// delete), /carts/{id}/items (add) and /carts/{id}/items/{id} (change,
// remove; the last line removed deletes the cart), with UUID ids, the
// same product added again joining its line, 409 on a stale version, 422
// for more than a tracked item holds, and store/cart/* events;
// /orders/{id}/transactions (204 when none), /orders/{id}/payment_actions/refunds
// (list, create: the order moves to Partially Refunded or Refunded and
// store/order/refund/created fires), /orders/{id}/payment_actions/refund_quotes
// (the refund's amount, tax and refund methods for the items, changing
// nothing), /orders/payment_actions/refunds
// (store-wide, with order_id:in, id:in, created:min and created:max) and
// /orders/payment_actions/refunds/{id} (the payments of seeded and live
// orders are derived from their status and payment method; orders created
// through POST /v2/orders have none); /channels (list, create) and
// /channels/{id} (get, update; a channel is retired by status, never
// deleted; name, platform and type together are unique: 422 on create,
// 409 on update, as the spec lists them; a change of type or platform, or
// any change to a deleted or terminated channel, is 422); V2 /coupons (list, create, count, get, update, delete; the
// seeded orders' coupons are the five seeded coupons, num_uses counting
// them) and /customer_groups (the same operations; seeded customer n is
// in group n mod 4, 0 meaning none); V3 /content/pages (list, create,
// update and delete by id:in, one object or an array; body only with
// include=body) and /content/pages/{id}; and {resource}/{id}/metafields (cursor paged) for products,
// variants, brands, categories (/catalog/categories/{id}), orders
// (/orders/{id}) and customers. An unknown
// path is 404 and a known path with the wrong method 405, in BigCommerce's
// error shapes (V3 object, V2 array).
//
// Behaviour reproduced from the real API: V3 {data, meta} envelopes whose
// pagination links are relative query strings; V2 bare arrays and 204 with
// no body for an empty page; limit default 50, maximum 250 (a larger limit
// is answered 413, as the status-codes page documents); the filter
// operators :in, :not_in, :min, :max, :like, :greater, :less; date filters
// in RFC-2822, ISO-8601 or Unix seconds, a bare date getting the current
// time of day; include_fields and exclude_fields (the id is never
// excluded) on products, variants, brands and categories; V2 money as
// decimal strings and dates in RFC-2822, V3 numbers and ISO dates; 200
// (not 201) for V3 product, customer and hook creation and V2 order and
// customer group creation; 422 (V3) or 400 (V2) with field messages for invalid input;
// 409 for a duplicate product name, for a SKU any other product or variant
// holds (SKUs are unique across both, a product's own SKU included once it
// has variants) and for a metafield namespace and key; 422 for a duplicate
// customer email, for a category name a sibling has, and for a second hook
// with the same scope and destination (the hooks spec lists no 409); 413
// above the batch limits (10 products, 50 variants, 10 customers), and a
// batch update refused for any item (two items setting one SKU or name
// included) changing nothing (a 422 of PUT /v3/catalog/variants in the
// variants spec's {"batch_errors": [error]} body); DELETE
// /v3/catalog/products without a filter refused (422); DELETE /v3/customers
// without id:in answering 204 and deleting nothing; DELETE
// /v3/catalog/trees/categories answering 202 with {meta: {total, success,
// failed}}, and the category-tree endpoints' own error shapes (a 400 as
// {"errors": [{status, title, type}]}, a 422 as {"errors": {status, title,
// type, errors}, "meta"}); DELETE /v2/orders/{id} archiving (is_deleted) so
// the order leaves lists (is_deleted=true lists archived ones); PUT
// /v2/orders/{id} patching status, notes, addresses and products (a line
// with id changes, quantity 0 removes, one without id adds);
// include=options capping a product page at 10. DELETE /v2/orders (archive
// everything) is refused with 400. Every change moves date_modified; order
// lines reference real variants and SKUs; an order takes stock where the
// product tracks it (inventory_tracking product or variant). A product
// tracking stock by variant takes each variant's inventory_level and
// reports their sum; a product-level inventory_level given to it is
// ignored, as the spec's prose says ("Simple inventory tracking must be
// enabled ... for this to take any effect").
//
// # Where the documentation is silent
//
// An order for more units than are in stock is accepted: the stock goes to
// 0, never below, and total_sold counts every unit. BigCommerce's
// documentation does not say whether the real API refuses such an order.
// Enterprise quotas are not published, so no plan default stands for them
// (PlanQuota).
//
// # Auth, quota and faults
//
// X-Auth-Token is required; a missing or unknown token gets 401. The
// tokens and the store hash derive from the seed (so a second process with
// the same seed accepts the same tokens): the sandbox is a simulator bound to
// loopback, not a security boundary. A token
// used with another store's hash also gets 401 (the token is not valid for
// that store). BigCommerce's status-codes page lists "are the endpoint and
// store hash correct?" among the causes of a 403, but a 403 is what a
// missing scope answers, and bigc's client reads every 403 as a missing
// scope and would tell the user to re-issue the token with more scopes;
// 401 leads them to check the store hash and token instead. The read-only token may read everything and gets 403 with
// "You don't have a required scope to access the endpoint" and the scope
// name (e.g. store_v2_products) on any write; hooks use BigCommerce's
// default scope, so both tokens may manage them, as on the real API.
//
// Every authenticated API response carries X-Rate-Limit-Time-Window-Ms,
// -Time-Reset-Ms, -Requests-Quota and -Requests-Left. With Options.Quota
// set (PlanQuota gives a plan's published figure: Standard and Plus 150,
// Pro 450 per 30 s), requests past the quota in a fixed window get 429 with
// X-Retry-After; every token and client draws from the one quota, as on
// BigCommerce, where it belongs to the store. With no quota (the default,
// so that a quick start is fast) the headers count down from a notional
// 1,000,000 and nothing is refused. Faults (ParseFaults) are drawn from a generator seeded with
// Seed, so a run with the same requests in the same order sees the same
// faults: 5xx answers (502 and 504 as HTML pages, as a gateway sends), a
// connection reset after half the body, a truncated JSON body with a
// matching Content-Length, latency, commit-then-drop (a write is applied
// and the connection closed with no answer), 429 without any rate-limit
// header, and duplicate webhook deliveries.
//
// # Webhooks
//
// Hooks (POST /v3/hooks) receive BigCommerce's thin payload {scope,
// store_id (a string), data, hash (SHA-1 hex of the JSON data), created_at,
// producer "stores/{hash}"} with their custom headers, for every event of
// BigCommerce's webhook events reference that touches a record the sandbox
// models: store/order/created, updated, statusUpdated (data.status),
// archived; store/product/created, updated, deleted; store/sku/created,
// updated, deleted (data.sku{product_id, variant_id}, data.id the
// variant's sku_id) for variants with options; stock changes as
// store/product/inventory/updated and .../inventory/order/updated for a
// product without variants or one tracking stock by product, and as
// store/sku/inventory/updated and .../inventory/order/updated (data.type
// "sku") for one tracking stock by variant, each with
// data.inventory{product_id, method, value[, variant_id]};
// store/customer/created, updated, deleted, address/*; store/category/*;
// store/shipment/created, updated, deleted (data.orderId); and metafield
// created, updated and deleted under the owner's scope
// (store/order/metafield/*, store/product/metafield/*,
// store/product/variant/metafield/*, store/brand/metafield/*,
// store/category/metafield/*; data{metafield_id, resource_id}) and under
// store/metafield/* (adding resource_type; customer metafields fire only
// these, the reference listing no store/customer/metafield scope). A scope
// ending in * is a wildcard. Destinations must be https on port 443 or, in
// the sandbox, plain http to a loopback address. Every attempt is signed as
// BigCommerce's HTTPS webhooks page describes, with Standard Webhooks
// headers: webhook-id (the same on retries and duplicates),
// webhook-timestamp (Unix seconds of the attempt) and webhook-signature
// "v1,<base64 HMAC-SHA256 of id.timestamp.body>" keyed by the client secret
// (Store.ClientSecret, "client_secret" in Serve's ready line). A delivery that gets no 2xx is retried after
// 60, 180, 300, 600, 900, 1800, 3600, 7200, 21600, 50400 and 86400 seconds,
// each multiplied by Options.WebhookRetryScale; after the last retry the
// hook is deactivated (is_active false). Deliveries stop on Close.
//
// # Seeded data and live orders
//
// The seeded store is a function of Seed and a fixed anchor instant
// (2026-01-01T00:00:00Z), never of the start time: brands, one category
// tree four levels deep, products with options, variants, images and custom
// fields (stock tracked per product, per variant or not at all), customers
// with addresses, and orders over the year before the anchor whose lines
// reference real variants, with every status 0-14. With Options.Live > 0,
// slot n of the live schedule falls at anchor + n/Live seconds and creates
// order 100000000 + n, its lines and contents drawn from (Seed, n) alone;
// every other slot also moves one of the previous 50 slots' orders one
// status along (an order reaching Shipped ships all its items in one
// shipment, whose id is the order's). A slot always maps to the same id and contents, so a
// process started later with the same seed and rate serves the earlier
// live orders plus those that have arrived since, under the same ids, as
// long as nobody writes to them. To bound the work of a start (or a clock
// jump), a store only makes the slots of the last hour, and at most the
// last 2,000 of them. Seeded orders, and orders created through POST
// /v2/orders or the operator endpoints, take ids upwards from 100, below
// the live range, so they never collide with a live order (unlike on
// BigCommerce, a created order's id is then lower than the live orders
// before it).
// A million orders take about the memory BENCHMARKS.md reports.
//
// # Faithful beyond one process
//
// With Options.StateDir (bigc sandbox serve --state DIR) every write that
// succeeds is journaled in DIR before its answer, and a store started again
// on DIR with the same seed and counts replays the journal (at each write's
// own time, sending no webhooks) before it serves, so a test can restart
// the store mid-sync. Deliveries, statistics, quota and faults are the
// process's and start afresh.
//
// # Operator endpoints
//
// Outside /stores/, with no token, quota or faults, and not counted in the
// statistics:
//
//	GET  /_sandbox/stats         request counts by status and route, 429s, deliveries (Stats)
//	GET  /_sandbox/deliveries    every webhook delivery attempt (the last 10,000)
//	GET  /_sandbox/requests      requests and 429s per token, per client (X-Auth-Client, else
//	                             User-Agent) and per quota window (RequestCounts)
//	POST /_sandbox/orders        create an order from a V2 order body; one without products makes a
//	                             random order with the fields given (status_id, customer_id, ...) applied
//	PUT  /_sandbox/orders/{id}   change an order as PUT /v2/orders/{id} does (e.g. {"status_id": 2})
//	POST /_sandbox/products      create a product from a V3 product body
//	PUT  /_sandbox/products/{id} change a product as PUT /v3/catalog/products/{id} does
//	POST /_sandbox/customers     create customers from one V3 customer object or an array
//	POST /_sandbox/faults        replace the faults: {"spec": "503=0.1,reset=0.05"}
//	POST /_sandbox/quota         replace the quota: {"quota": 150, "window": "30s"} (0 turns it off)
//	                             or {"plan": "pro"}
//
// The same operations exist as Go methods on *Store for tests: Stats,
// Deliveries, CreateOrder, UpdateOrderStatus, ArchiveOrder, Order,
// OrderMetafields, ProductMetafields, Product, ProductIDs, CustomerIDs,
// Counts, HookActive, Requests, SetFaults and SetQuota.
//
// # Conformance
//
// TestConformance drives every operation the router serves (each method of
// each path), success and error answers of both API versions, and checks
// each body against our own schema fragments in testdata/conformance,
// written from BigCommerce's published specs (the fields a client relies on,
// their types, nullability and the spec's required lists; never a copy). It
// fails for an operation no case drives, unless conformanceExceptions names
// it with a reason (none does today), so a new endpoint cannot skip the
// comparison. testdata/conformance/COVERAGE.md is the table of the
// operations and the answers checked for each, generated from the cases and
// compared with them on every run.
//
// Fields the sandbox may send as null although the spec's schema types them
// plainly, because the spec's prose or examples allow null there: an order's
// external_source and external_id (null unless an external system made the
// order), a variant's sku_id (null on a product's base variant), an
// inventory item's identity.sku_id (the same), a webhook's headers (null
// when none were set), a cart item's parent_id (the carts spec types it as a
// string, "bundled items will have the ID of their parent item"; null on an
// item that is not bundled), and a variant's price, sale_price,
// retail_price, map_price, cost_price, weight, width, height, depth and
// fixed_cost_shipping_price (null when the variant inherits the product's;
// the spec marks them x-nullable and its prose says what null means), and a
// refund item's requested_amount in the refund lists and the create answer
// (null for an item refunded by quantity; the spec's Refund schema types it
// as a number, its schema for a single refund as a nullable string, with
// null in its example). Where the spec's schema itself allows null (a
// page's meta_title, meta_keywords, meta_description and search_keywords)
// nothing is listed. A refund item carries quantity only for item_type
// PRODUCT, as the refunds spec's prose says; GET
// /v3/orders/payment_actions/refunds/{id} sends requested_amount as that
// operation's schema has it, a two-place decimal string, and every other
// refund answer as a number. One field has a type the spec's schema does
// not give it: a cart's custom item sends quantity and list_price as
// numbers, as the carts spec's own response example does, where its
// ItemCustom schema types them as strings.
package sandbox
