package cli

import (
	"log/slog"
	"os"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/quota"
)

// redisURLEnv names the environment variable that, like --quota-redis, names
// the Redis through which every process talking to a store shares its quota.
const redisURLEnv = "BIGC_REDIS_URL"

// sharedQuota returns the client option that makes the store's requests draw
// from its budget in the Redis that --quota-redis (or BIGC_REDIS_URL) names,
// and what closes the connection; with neither set, no option. An
// unreachable Redis is not an error: the budget paces locally and says so.
func (a *app) sharedQuota(f *targetFlags, baseURL, storeHash string) ([]bigcommerce.Option, func(), error) {
	raw := f.quotaRedis
	if raw == "" {
		raw = os.Getenv(redisURLEnv)
	}
	if raw == "" {
		return nil, func() {}, nil
	}
	rdb, err := quota.Open(raw)
	if err != nil {
		return nil, nil, badInputf("--quota-redis (or %s): %v", redisURLEnv, err)
	}
	if baseURL == "" {
		baseURL = bigcommerce.DefaultBaseURL
	}
	logger := slog.New(slog.NewTextHandler(a.stderr, nil))
	budget := quota.NewBudget(rdb, quota.Key(baseURL, storeHash), logger)
	gov := bigcommerce.NewGovernor(f.concurrency, budget)
	return []bigcommerce.Option{bigcommerce.WithGovernor(gov)}, func() { rdb.Close() }, nil
}
