//go:build !unix

package syncer

import "os"

// lockFile is a no-op where flock is not available: there, only one process
// may append to an output file at a time.
func lockFile(*os.File) error { return nil }

func unlockFile(*os.File) error { return nil }
