package webhooks

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/bigc-dev/bigc/internal/filelock"
)

// ErrListening is returned by (SecretStore).LockListener when another process
// already receives the connection's callbacks.
var ErrListening = errors.New("webhooks: another receiver is running for this connection")

// LockListener makes sure one receiver at a time serves a connection: two
// workers on one inbox would fetch every record twice, and write it twice to
// an output without a ledger (stdout). The lock is a file beside the
// connection's secrets, held until unlock is called or the process ends.
func (s SecretStore) LockListener(connection string) (unlock func(), err error) {
	p, err := s.path(connection)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("webhooks: lock: %w", err)
	}
	f, err := os.OpenFile(p[:len(p)-len(filepath.Ext(p))]+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("webhooks: lock: %w", err)
	}
	held, err := filelock.TryLock(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("webhooks: lock: %w", err)
	}
	if !held {
		f.Close()
		return nil, fmt.Errorf("%w (connection %q)", ErrListening, connection)
	}
	return func() { f.Close() }, nil
}
