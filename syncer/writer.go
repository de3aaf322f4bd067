package syncer

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/bigc-dev/bigc/internal/filelock"
	"github.com/bigc-dev/bigc/state"
)

// Writer appends envelopes to a JSON Lines output. A file Writer is
// exactly-once: it keeps the emitted ledger in the state database, repairs what
// a killed writer left behind, and locks the file while it appends, so several
// processes (a sync and a webhook receiver) can share one file. A stream
// Writer (stdout) has no ledger: across a crash it may repeat the last batch.
type Writer struct {
	db   state.Store // nil for a stream writer
	path string      // absolute path of the file; "" for a stream writer
	f    *os.File
	w    io.Writer // a stream writer's destination

	mu  sync.Mutex // one batch at a time within the process; flock does it across processes
	buf []byte
	// repair accepts, once, a file that lost committed data (RepairFile).
	repair bool
}

// ErrOutputDamaged marks an output file that no longer holds what was
// committed to it: removed, cut short or replaced since the last write.
var ErrOutputDamaged = errors.New("output lost data already committed to it")

// OutputDamagedError is an output file found damaged: which file and how.
type OutputDamagedError struct {
	Path   string
	Reason string // "is 120 bytes, shorter than the 4096 committed"
}

func (e *OutputDamagedError) Error() string {
	return fmt.Sprintf("syncer: %s %s: %v", e.Path, e.Reason, ErrOutputDamaged)
}

// Unwrap makes errors.Is(err, ErrOutputDamaged) hold.
func (e *OutputDamagedError) Unwrap() error { return ErrOutputDamaged }

// OpenFile opens (creating with mode 0600, since orders and customers hold
// personal data) the output file at path for appending, repairs a torn last
// line and brings the ledger up to date with the file. The file's directory
// must exist. A file that lost data already committed to it (removed, cut
// short, replaced) is an *OutputDamagedError: checkpoints vouch for that data,
// so writing on would skip records silently. RepairFile accepts such a file.
func OpenFile(ctx context.Context, db state.Store, path string) (*Writer, error) {
	return openFile(ctx, db, path, false)
}

// RepairFile is OpenFile that accepts a damaged file as it now is: the ledger
// is rebuilt from the lines the file holds and every checkpoint that vouched
// for the file is forgotten, so the next sync into it re-reads from the
// beginning and writes back only what is missing.
func RepairFile(ctx context.Context, db state.Store, path string) (*Writer, error) {
	return openFile(ctx, db, path, true)
}

func openFile(ctx context.Context, db state.Store, path string, repair bool) (*Writer, error) {
	if db == nil {
		return nil, errors.New("syncer: a file output needs the state database for its ledger")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("syncer: output path %q: %w", path, err)
	}
	f, err := os.OpenFile(abs, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("syncer: opening output: %w", err)
	}
	w := &Writer{db: db, path: abs, f: f, repair: repair}
	if err := w.locked(func() error { return w.reconcile(ctx) }); err != nil {
		f.Close()
		return nil, err
	}
	w.repair = false
	return w, nil
}

// NewStreamWriter returns a Writer to a stream such as stdout. It flushes
// after every batch and syncs when the stream is a file.
func NewStreamWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Path is the output file's absolute path, or "" for a stream writer.
func (w *Writer) Path() string { return w.path }

// Close closes the output file. It does not close a stream writer's stream.
func (w *Writer) Close() error {
	if w.f != nil {
		return w.f.Close()
	}
	return nil
}

// Append writes the envelopes that the output does not already hold, makes
// them durable (flush and fsync), and only then records them in the ledger. It
// returns how many it wrote; the rest were duplicates (same stream, ID and
// date_modified) of lines already in the output, whoever wrote them.
func (w *Writer) Append(ctx context.Context, envs []Envelope) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil {
		return w.appendStream(envs)
	}
	var n int
	err := w.locked(func() error {
		if err := w.reconcile(ctx); err != nil {
			return err
		}
		keys := make([]state.EmittedKey, len(envs))
		for i := range envs {
			keys[i] = envs[i].Key()
		}
		found, err := w.db.Emitted(ctx, w.path, keys)
		if err != nil {
			return err
		}
		// Every line is checked before any is written, so a bad envelope
		// writes nothing.
		fresh := keys[:0:0]
		write := make([]int, 0, len(envs))
		inBatch := make(map[state.EmittedKey]bool, len(envs))
		for i := range envs {
			if found[i] || inBatch[keys[i]] {
				continue
			}
			if err := envs[i].check(); err != nil {
				return err
			}
			inBatch[keys[i]] = true
			fresh = append(fresh, keys[i])
			write = append(write, i)
		}
		if len(fresh) == 0 {
			return nil
		}
		w.buf = w.buf[:0]
		for n, i := range write {
			w.buf = envs[i].appendChecked(w.buf)
			if len(w.buf) < writeChunk && n < len(write)-1 {
				continue
			}
			if _, err := w.f.Write(w.buf); err != nil {
				return fmt.Errorf("syncer: writing output: %w", err)
			}
			w.buf = w.buf[:0]
		}
		if err := w.f.Sync(); err != nil {
			return fmt.Errorf("syncer: syncing output: %w", err)
		}
		st, err := w.f.Stat()
		if err != nil {
			return fmt.Errorf("syncer: output: %w", err)
		}
		// The lines are on disk: record them even if ctx ended meanwhile,
		// so that the count returned is what the file holds.
		if err := w.record(context.WithoutCancel(ctx), fresh, st.Size()); err != nil {
			return err
		}
		n = len(fresh)
		return nil
	})
	return n, err
}

func (w *Writer) appendStream(envs []Envelope) (int, error) {
	w.buf = w.buf[:0]
	var err error
	for i := range envs {
		if w.buf, err = envs[i].appendLine(w.buf); err != nil {
			return 0, err
		}
	}
	if _, err := w.w.Write(w.buf); err != nil {
		return 0, fmt.Errorf("syncer: writing output: %w", err)
	}
	if fl, ok := w.w.(interface{ Flush() error }); ok {
		if err := fl.Flush(); err != nil {
			return 0, fmt.Errorf("syncer: flushing output: %w", err)
		}
	}
	if f, ok := w.w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			if err := f.Sync(); err != nil {
				return 0, fmt.Errorf("syncer: syncing output: %w", err)
			}
		}
	}
	return len(envs), nil
}

func (w *Writer) locked(fn func() error) error {
	if err := filelock.Lock(w.f); err != nil {
		return fmt.Errorf("syncer: locking output %s: %w", w.path, err)
	}
	defer filelock.Unlock(w.f)
	return fn()
}

// writeChunk is how many bytes of lines Append gathers before writing them:
// a batch of thousands of records goes to the file in pieces, from a buffer
// that stays small and warm, not from one grown to the batch's whole size.
// The lines are durable only at the fsync after the last piece either way.
const writeChunk = 256 << 10

// tailSize is how many bytes before the committed size are hashed to tell
// the file that was written from one put in its place.
const tailSize = 4096

// commitAt is the ledger's record of the file up to size: the size and a
// hash of the bytes just before it.
func (w *Writer) commitAt(size int64) (state.OutputCommit, error) {
	from := max(0, size-tailSize)
	h := sha256.New()
	if _, err := io.Copy(h, io.NewSectionReader(w.f, from, size-from)); err != nil {
		return state.OutputCommit{}, fmt.Errorf("syncer: reading output %s: %w", w.path, err)
	}
	return state.OutputCommit{Size: size, TailHash: hex.EncodeToString(h.Sum(nil))}, nil
}

// reconcile brings the ledger level with the file. Bytes past the ledger's
// committed size were written by a writer killed before it recorded them: the
// complete lines among them are in the output, so they join the ledger; a torn
// last line is cut off, so its record is written again, whole. A file shorter
// than the ledger says, or whose bytes before the committed size changed, was
// cut or replaced by hand: that is an *OutputDamagedError unless repairing,
// when its ledger is rebuilt from what it holds and the checkpoints that
// vouched for it are forgotten.
func (w *Writer) reconcile(ctx context.Context) error {
	committed, known, err := w.db.OutputCommitted(ctx, w.path)
	if err != nil {
		return err
	}
	st, err := w.f.Stat()
	if err != nil {
		return fmt.Errorf("syncer: output: %w", err)
	}
	size := st.Size()
	if known {
		reason := ""
		if size < committed.Size {
			reason = fmt.Sprintf("is %d bytes, shorter than the %d bytes committed to it", size, committed.Size)
		} else if now, err := w.commitAt(committed.Size); err != nil {
			return err
		} else if now.TailHash != committed.TailHash {
			reason = fmt.Sprintf("no longer holds the bytes committed to it (its content before byte %d changed)", committed.Size)
		}
		switch {
		case reason != "" && !w.repair:
			return &OutputDamagedError{Path: w.path, Reason: reason}
		case reason != "":
			if err := w.db.ResetOutput(ctx, w.path); err != nil {
				return err
			}
			if err := w.db.DeleteDestinationCheckpoints(ctx, w.path); err != nil {
				return err
			}
			committed = state.OutputCommit{}
		case size == committed.Size:
			return nil
		}
	}
	return w.scan(ctx, committed.Size, size)
}

// scan reads the lines in [from, size) into the ledger and cuts a torn tail.
func (w *Writer) scan(ctx context.Context, from, size int64) error {
	r := bufio.NewReaderSize(io.NewSectionReader(w.f, from, size-from), 1<<20)
	var keys []state.EmittedKey
	end := from // offset just past the last complete line
	for {
		line, err := r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			// A line longer than the buffer: gather it whole.
			long := append([]byte(nil), line...)
			for errors.Is(err, bufio.ErrBufferFull) {
				line, err = r.ReadSlice('\n')
				long = append(long, line...)
			}
			line = long
		}
		if err == io.EOF {
			break // what is left (possibly nothing) is a torn line
		}
		if err != nil {
			return fmt.Errorf("syncer: reading output: %w", err)
		}
		body := bytes.TrimRight(line, "\r\n")
		if len(bytes.TrimSpace(body)) > 0 {
			k, err := ParseLine(body)
			if err != nil {
				return fmt.Errorf("syncer: %s at byte %d: %w", w.path, end, err)
			}
			keys = append(keys, k)
		}
		end += int64(len(line))
		if len(keys) >= 10000 {
			if err := w.record(ctx, keys, end); err != nil {
				return err
			}
			keys = keys[:0]
		}
	}
	if end < size {
		if err := w.f.Truncate(end); err != nil {
			return fmt.Errorf("syncer: cutting torn last line of %s: %w", w.path, err)
		}
		if err := w.f.Sync(); err != nil {
			return fmt.Errorf("syncer: syncing output: %w", err)
		}
	}
	return w.record(ctx, keys, end)
}

// record adds keys to the ledger with the file accounted for up to size.
func (w *Writer) record(ctx context.Context, keys []state.EmittedKey, size int64) error {
	commit, err := w.commitAt(size)
	if err != nil {
		return err
	}
	return w.db.RecordEmitted(ctx, w.path, keys, commit)
}
