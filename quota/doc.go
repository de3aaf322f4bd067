// Package quota shares a BigCommerce store's request quota between
// processes through Redis, so that every process that talks to one store, on
// any machine, spends one budget between them instead of each pacing itself
// to the whole quota and together drawing 429s.
//
// A Budget is a bigcommerce.SharedQuota. Its state lives in Redis under the
// store's key and changes only inside Lua scripts, which Redis runs
// atomically, on Redis's clock. Requests are spaced by the generic cell rate
// algorithm (GCRA): the store allows Quota requests per Window, so the
// budget hands out one start time every Window/(Quota-1), in order, to
// whichever process asks next; one request below the quota is the margin
// that keeps a window's count under the quota whichever way the store's
// windows fall. Each Reserve is one Redis call that books a start time, so
// waiting processes do not poll. The quota and window are learned from the
// answers' X-Rate-Limit-* headers (Observe); an answer saying fewer requests
// are left than the spacing expects (another app spending, or a 429) pushes
// the next start time back.
//
// When Redis cannot be reached a Budget does not fail its requests: it says
// so once in the log, paces locally at a little under 1/N of the quota (so
// that N processes fit in a window whatever their phase), N being the number
// of processes it last saw sharing the store, and goes back to Redis when
// Redis answers again (it tries every 250 ms, so that processes disagree
// only briefly about whether it is there).
package quota
