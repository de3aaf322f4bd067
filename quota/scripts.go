package quota

import "github.com/redis/go-redis/v9"

// The scripts keep every time in microseconds of Redis's clock (TIME), so
// that processes on machines whose clocks differ still agree. The state hash
// (KEYS[1]) holds quota, window (µs) and tat, the theoretical arrival time of
// the next request (µs); the process set (KEYS[2]) scores each process by
// when it last asked. The state expires after an hour without requests
// (3600000 ms); the next answer teaches the quota again.

// reserveScript books the next start time for one request. ARGV[1] is the
// process's ID. It returns {wait µs, processes sharing the store, 1 if the
// quota is known}. With no quota known yet the request starts at once: the
// local governor paces it until the first answer reports one.
var reserveScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local q = tonumber(redis.call('HGET', KEYS[1], 'quota') or '0')
local w = tonumber(redis.call('HGET', KEYS[1], 'window') or '0')
local horizon = 2 * ((w > 0) and w or 30000000)
redis.call('ZADD', KEYS[2], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - horizon)
redis.call('PEXPIRE', KEYS[2], math.ceil(horizon / 1000))
local n = redis.call('ZCARD', KEYS[2])
if q <= 0 or w <= 0 then
	return {0, n, 0}
end
local tat = tonumber(redis.call('HGET', KEYS[1], 'tat') or '0')
if tat < now then
	tat = now
end
redis.call('HSET', KEYS[1], 'tat', string.format('%.0f', tat + w / math.max(q - 1, 1)))
redis.call('PEXPIRE', KEYS[1], 3600000)
return {math.floor(tat - now), n, 1}
`)

// observeScript records what an answer said. ARGV: quota, window (µs),
// requests left, time to the window's reset (µs); a figure below 0 is
// unknown. When fewer requests are left than the spacing would start before
// the reset, the next start time moves back so that they fit.
var observeScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local q, w = tonumber(ARGV[1]), tonumber(ARGV[2])
local left, reset = tonumber(ARGV[3]), tonumber(ARGV[4])
if q > 0 then redis.call('HSET', KEYS[1], 'quota', q) else q = tonumber(redis.call('HGET', KEYS[1], 'quota') or '0') end
if w > 0 then redis.call('HSET', KEYS[1], 'window', w) else w = tonumber(redis.call('HGET', KEYS[1], 'window') or '0') end
if q > 0 and w > 0 and left >= 0 and reset >= 0 then
	local floor = now + reset - left * (w / math.max(q - 1, 1))
	local tat = tonumber(redis.call('HGET', KEYS[1], 'tat') or '0')
	if tat < floor then
		redis.call('HSET', KEYS[1], 'tat', string.format('%.0f', floor))
	end
end
redis.call('PEXPIRE', KEYS[1], 3600000)
return 1
`)
