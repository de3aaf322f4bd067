package cli

import (
	"fmt"
	"os"
	"path/filepath"
)

// configPath returns the configuration directory: --config, else
// $BIGC_CONFIG_DIR, else the user's config directory + "/bigc".
func (a *app) configPath() (string, error) {
	if a.configDir != "" {
		return a.configDir, nil
	}
	if d := os.Getenv("BIGC_CONFIG_DIR"); d != "" {
		return d, nil
	}
	d, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no configuration directory: pass --config DIR or set BIGC_CONFIG_DIR (%v)", err)
	}
	return filepath.Join(d, "bigc"), nil
}
