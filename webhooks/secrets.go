package webhooks

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/bigc-dev/bigc/internal/connections"
)

// HookSecret is what bigc keeps about a hook it registered: which hook, and
// the secret BigCommerce sends back in SecretHeader.
type HookSecret struct {
	HookID      int    `json:"hook_id"`
	Scope       string `json:"scope"`
	Destination string `json:"destination"`
	Secret      Secret `json:"secret"`
}

// secretFile is the on-disk form of one connection's secrets.
type secretFile struct {
	Hooks []HookSecret `json:"hooks"`
}

// SecretStore keeps hook secrets in Dir (normally <config>/webhooks), one file
// per connection, mode 0600 in a 0700 directory.
type SecretStore struct {
	Dir string
}

func (s SecretStore) path(connection string) (string, error) {
	if err := connections.CheckName(connection); err != nil {
		return "", fmt.Errorf("webhooks: %w", err)
	}
	if s.Dir == "" {
		return "", errors.New("webhooks: secret store has no directory")
	}
	return filepath.Join(s.Dir, connection+".json"), nil
}

// Load returns the secrets kept for connection; none is not an error.
func (s SecretStore) Load(connection string) ([]HookSecret, error) {
	p, err := s.path(connection)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("webhooks: read secrets: %w", err)
	}
	var f secretFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("webhooks: secrets file %s is damaged: %v", p, err)
	}
	return f.Hooks, nil
}

// Save replaces connection's secrets. The file is written beside the old one
// and renamed over it, so a crash leaves either the old or the new set.
func (s SecretStore) Save(connection string, hooks []HookSecret) error {
	p, err := s.path(connection)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return fmt.Errorf("webhooks: secrets directory: %w", err)
	}
	if err := os.Chmod(s.Dir, 0o700); err != nil {
		return fmt.Errorf("webhooks: secrets directory: %w", err)
	}
	if hooks == nil {
		hooks = []HookSecret{}
	}
	b, err := json.MarshalIndent(secretFile{Hooks: hooks}, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(s.Dir, "."+connection+".*.tmp")
	if err != nil {
		return fmt.Errorf("webhooks: write secrets: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("webhooks: write secrets: %w", err)
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("webhooks: write secrets: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("webhooks: write secrets: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("webhooks: write secrets: %w", err)
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		return fmt.Errorf("webhooks: write secrets: %w", err)
	}
	return nil
}

// Watch returns a function for ReceiverConfig.Secrets that reads connection's
// secrets and reads them again whenever the file changes, so a receiver that
// is already listening accepts a hook subscribed after it started.
func (s SecretStore) Watch(connection string) func() ([]Secret, error) {
	var (
		mu     sync.Mutex
		last   os.FileInfo
		cached []Secret
	)
	return func() ([]Secret, error) {
		p, err := s.path(connection)
		if err != nil {
			return nil, err
		}
		fi, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("webhooks: secrets: %w", err)
		}
		mu.Lock()
		defer mu.Unlock()
		// Save renames a new file into place, so a new inode means new
		// secrets even when size and modification time (coarse on some file
		// systems) are unchanged.
		if last != nil && os.SameFile(fi, last) && fi.ModTime().Equal(last.ModTime()) && fi.Size() == last.Size() {
			return cached, nil
		}
		hooks, err := s.Load(connection)
		if err != nil {
			return nil, err
		}
		cached = cached[:0:0]
		for _, h := range hooks {
			if h.Secret != "" {
				cached = append(cached, h.Secret)
			}
		}
		last = fi
		return cached, nil
	}
}
