// Package testservices hands tests a real PostgreSQL and Redis of their own.
//
// The servers are named by BIGC_TEST_POSTGRES_URL and BIGC_TEST_REDIS_URL
// (.ci/with-services starts throwaway ones and sets both). When a URL is
// unset the test skips with a message saying how to enable it, unless
// BIGC_REQUIRE_SERVICES=1 (set by CI), where a missing server fails the test.
// Each test gets its own PostgreSQL schema and its own Redis database, both
// emptied when the test ends, so tests and packages can run in parallel.
package testservices

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"
)

const howTo = "run the tests through .ci/with-services (e.g. `.ci/with-services go test ./...`), " +
	"which starts a throwaway PostgreSQL 15 and Redis and sets BIGC_TEST_POSTGRES_URL and BIGC_TEST_REDIS_URL"

// required reports whether a missing server fails the test rather than
// skipping it.
func required() bool { return os.Getenv("BIGC_REQUIRE_SERVICES") == "1" }

// serverURL returns the environment variable's value, or ends the test: a
// skip on a developer's machine, a failure where services are required.
func serverURL(t testing.TB, env string) string {
	t.Helper()
	u := os.Getenv(env)
	if u != "" {
		return u
	}
	if required() {
		t.Fatalf("%s is not set but BIGC_REQUIRE_SERVICES=1; %s", env, howTo)
	}
	t.Skipf("%s is not set; to run this test, %s", env, howTo)
	return ""
}

// PostgresURL returns a connection URL whose search_path is a fresh schema
// of the test's own, dropped (with everything in it) when the test ends. A
// process given the URL (a child bigc, say) works in the same schema.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := serverURL(t, "BIGC_TEST_POSTGRES_URL")
	schema := "bigc_test_" + randomHex(8)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("testservices: connecting to BIGC_TEST_POSTGRES_URL: %v", err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("testservices: creating schema: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Errorf("testservices: dropping schema %s: %v", schema, err)
			return
		}
		defer conn.Close(context.Background())
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("testservices: dropping schema %s: %v", schema, err)
		}
	})
	return withParam(t, base, "search_path", schema)
}

// withParam adds a run-time parameter to a PostgreSQL connection string in
// either of its forms (URL or key=value).
func withParam(t testing.TB, conn, key, value string) string {
	t.Helper()
	if !strings.HasPrefix(conn, "postgres://") && !strings.HasPrefix(conn, "postgresql://") {
		return conn + " " + key + "=" + value
	}
	u, err := url.Parse(conn)
	if err != nil {
		t.Fatalf("testservices: BIGC_TEST_POSTGRES_URL: %v", err)
	}
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String()
}

// RedisURL returns a URL selecting a Redis database of the test's own,
// flushed before it is handed out and when the test ends. Databases are
// allocated round-robin through a counter in database 0, so the server must
// be a throwaway one with many databases (.ci/with-services starts Redis with
// 4096).
func RedisURL(t testing.TB) string {
	t.Helper()
	base := serverURL(t, "BIGC_TEST_REDIS_URL")
	opts, err := redis.ParseURL(base)
	if err != nil {
		t.Fatalf("testservices: BIGC_TEST_REDIS_URL: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin := redis.NewClient(opts)
	defer admin.Close()
	cfg, err := admin.ConfigGet(ctx, "databases").Result()
	if err != nil {
		t.Fatalf("testservices: asking Redis how many databases it has: %v", err)
	}
	var databases int
	if _, err := fmt.Sscan(cfg["databases"], &databases); err != nil || databases < 2 {
		t.Fatalf("testservices: Redis has %q databases; a test needs a database of its own besides 0 (start it with --databases 4096)", cfg["databases"])
	}
	n, err := admin.Incr(ctx, "bigc:testservices:next-db").Result()
	if err != nil {
		t.Fatalf("testservices: allocating a Redis database: %v", err)
	}
	opts.DB = 1 + int(n%int64(databases-1))
	flush := func() error {
		c := redis.NewClient(opts)
		defer c.Close()
		return c.FlushDB(context.Background()).Err()
	}
	if err := flush(); err != nil {
		t.Fatalf("testservices: emptying Redis database %d: %v", opts.DB, err)
	}
	t.Cleanup(func() {
		if err := flush(); err != nil {
			t.Errorf("testservices: emptying Redis database %d: %v", opts.DB, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("testservices: BIGC_TEST_REDIS_URL: %v", err)
	}
	u.Path = fmt.Sprintf("/%d", opts.DB)
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
