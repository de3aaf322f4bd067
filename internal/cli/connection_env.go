package cli

import (
	"fmt"
	"os"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/internal/connections"
)

// The environment variables of a one-off connection: a store hash and an
// access token (and, for a store that is not api.bigcommerce.com, its API
// host), used by a command given neither --connection nor --sandbox without
// saving anything, as CI jobs and containers pass credentials.
const (
	storeHashEnv   = "BIGC_STORE_HASH"
	accessTokenEnv = "BIGC_ACCESS_TOKEN"
	baseURLEnv     = "BIGC_BASE_URL"
)

// envConnection is the one-off connection $BIGC_STORE_HASH and
// $BIGC_ACCESS_TOKEN describe, or nil when neither is set. Its token is read
// from the variable each time (TokenEnv), as a saved --token-env connection's
// is, so nothing here holds or prints it; its name, env-HASH, keeps the
// checkpoints of two stores apart. Only one of the two set, or
// $BIGC_CONNECTION set beside them, is refused: which store was meant is not
// clear.
func envConnection() (*connections.Connection, error) {
	hash, token := os.Getenv(storeHashEnv), os.Getenv(accessTokenEnv)
	switch {
	case hash == "" && token == "":
		return nil, nil
	case hash == "":
		return nil, badInputf("$%s is set but $%s is not: set both for a one-off connection, or unset %s", accessTokenEnv, storeHashEnv, accessTokenEnv)
	case token == "":
		return nil, badInputf("$%s is set but $%s is not: set both for a one-off connection, or unset %s", storeHashEnv, accessTokenEnv, storeHashEnv)
	case os.Getenv(connectionEnv) != "":
		return nil, badInputf("$%s and $%s are both set: unset one (or pass --connection NAME)", connectionEnv, storeHashEnv)
	}
	parsed, err := bigcommerce.ParseStoreHash(hash)
	if err != nil {
		return nil, badInputf("$%s: %v", storeHashEnv, err)
	}
	c := &connections.Connection{Name: "env-" + parsed, StoreHash: parsed, BaseURL: os.Getenv(baseURLEnv), TokenEnv: accessTokenEnv}
	if err := c.Validate(); err != nil {
		return nil, badInputf("one-off connection from $%s and $%s: %v", storeHashEnv, accessTokenEnv, err)
	}
	if _, err := c.ResolveToken(os.Getenv); err != nil {
		return nil, badInput(err)
	}
	return c, nil
}

// envConnectionNote is what a command says on stderr when it uses the
// one-off connection: where the store came from, never the token.
func envConnectionNote(c *connections.Connection) string {
	where := ""
	if c.BaseURL != "" {
		where = fmt.Sprintf(" at %s ($%s)", c.BaseURL, baseURLEnv)
	}
	return fmt.Sprintf("bigc: using store %s%s from $%s and $%s (one-off connection %q, not saved)", c.StoreHash, where, storeHashEnv, accessTokenEnv, c.Name)
}
