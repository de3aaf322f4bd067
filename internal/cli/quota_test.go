package cli

import (
	"encoding/json"
	"net"
	"strings"
	"testing"
)

// TestQuotaRedisRefusesABadURL: a URL that is not Redis's is bad input named
// by its flag, and its password is not repeated.
func TestQuotaRedisRefusesABadURL(t *testing.T) {
	t.Parallel()
	r := runBigc(t, t.TempDir(), "", "sync", "orders", "--sandbox", "--out", "-", "--quota-redis", "http://u:s3cret@example.com/")
	if r.code != exitBadInput || !strings.Contains(r.stderr, "--quota-redis") || strings.Contains(r.stderr, "s3cret") {
		t.Errorf("exit %d, stderr %q; want %d naming --quota-redis without the password", r.code, r.stderr, exitBadInput)
	}
}

// TestQuotaRedisUnreachableStillSyncs: with the Redis named by
// BIGC_REDIS_URL unreachable, a sync completes on local pacing and says once
// why.
func TestQuotaRedisUnreachableStillSyncs(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	t.Setenv(redisURLEnv, "redis://"+addr+"/0")
	dir := t.TempDir()
	r := runBigc(t, dir, "", "sync", "customers", "--sandbox", "--lag", "0s", "--out", dir+"/c.jsonl")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var sum struct{ Records int }
	if err := json.Unmarshal([]byte(r.stdout), &sum); err != nil || sum.Records == 0 {
		t.Errorf("summary %q (%v): want the customers synced", r.stdout, err)
	}
	if n := strings.Count(r.stderr, "Redis is unreachable"); n != 1 {
		t.Errorf("stderr says %d times that Redis is unreachable, want once:\n%s", n, r.stderr)
	}
}
