package testservices

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"
)

// TestPostgresSchemasAreSeparate: a table made through one test's URL is not
// seen through another's.
func TestPostgresSchemasAreSeparate(t *testing.T) {
	ctx := context.Background()
	a, b := PostgresURL(t), PostgresURL(t)
	if a == b {
		t.Fatalf("two calls gave the same URL %q", a)
	}
	ca, err := pgx.Connect(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	defer ca.Close(ctx)
	if _, err := ca.Exec(ctx, `CREATE TABLE mine (x int)`); err != nil {
		t.Fatal(err)
	}
	cb, err := pgx.Connect(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	defer cb.Close(ctx)
	var n int
	if err := cb.QueryRow(ctx, `SELECT count(*) FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_name = 'mine'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("the second schema sees the first one's table")
	}
}

// TestRedisDatabasesAreSeparate: a key set through one test's URL is not
// seen through another's.
func TestRedisDatabasesAreSeparate(t *testing.T) {
	ctx := context.Background()
	a, b := RedisURL(t), RedisURL(t)
	oa, err := redis.ParseURL(a)
	if err != nil {
		t.Fatal(err)
	}
	ob, err := redis.ParseURL(b)
	if err != nil {
		t.Fatal(err)
	}
	ra, rb := redis.NewClient(oa), redis.NewClient(ob)
	defer ra.Close()
	defer rb.Close()
	if err := ra.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if n, err := rb.Exists(ctx, "k").Result(); err != nil || n != 0 {
		t.Fatalf("the second database sees the first one's key (n=%d, err=%v)", n, err)
	}
}

// TestMissingServer: with no URL a test skips, naming how to enable it, and
// with BIGC_REQUIRE_SERVICES=1 it fails instead.
func TestMissingServer(t *testing.T) {
	if os.Getenv("TESTSERVICES_CHILD") == "1" {
		PostgresURL(t)
		return
	}
	run := func(require string) (string, error) {
		cmd := exec.Command(os.Args[0], "-test.run=^TestMissingServer$", "-test.v")
		cmd.Env = append(os.Environ(), "TESTSERVICES_CHILD=1", "BIGC_TEST_POSTGRES_URL=", "BIGC_REQUIRE_SERVICES="+require)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := run("")
	if err != nil || !strings.Contains(out, "SKIP") || !strings.Contains(out, ".ci/with-services") {
		t.Errorf("without the URL: want a skip naming .ci/with-services, got err=%v\n%s", err, out)
	}
	out, err = run("1")
	if err == nil || !strings.Contains(out, "FAIL") || !strings.Contains(out, "BIGC_REQUIRE_SERVICES=1") {
		t.Errorf("without the URL but required: want a failure, got err=%v\n%s", err, out)
	}
}

func TestWithParam(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://u@/db?host=/tmp/x": "postgres://u@/db?host=%2Ftmp%2Fx&search_path=s",
		"host=/tmp/x user=u":           "host=/tmp/x user=u search_path=s",
	} {
		if got := withParam(t, in, "search_path", "s"); got != want {
			t.Errorf("withParam(%q) = %q, want %q", in, got, want)
		}
	}
}
