package importer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/state"
)

// Job is one import run over one file.
type Job struct {
	Client *bigcommerce.Client
	// Journal holds the rows already applied; nil runs without one (every
	// row is looked up again, which is still safe).
	Journal Journal
	// ImportID names the file's import in the journal (see Identity).
	ImportID string
	// DryRun writes the plan to Plan and sends no write.
	DryRun bool
	Plan   io.Writer
	// Rejected receives one JSON line per rejected row.
	Rejected io.Writer
	// CreateCategories lets a product import create the category paths it names.
	CreateCategories bool
	// Workers is how many creates run at once (default 4); the client's
	// governor paces them all.
	Workers int
	// LocationID is where inventory levels are set (default 1, the default location).
	LocationID int
	// Progress, when set, is told how far the run has got after every batch.
	Progress func(Summary)

	stats   counter
	names   *names
	started time.Time
	sum     Summary
	mu      sync.Mutex // guards sum and the writers
}

// Journal is where applied rows are recorded: a state.Store.
type Journal interface {
	ImportedRows(ctx context.Context, importID string, from, to int) (map[int]state.ImportRow, error)
	RecordImportRows(ctx context.Context, importID string, rows []state.ImportRow) error
}

// Summary is what a run did, printed as JSON for scripts.
type Summary struct {
	Kind      string  `json:"kind"`
	Rows      int     `json:"rows"`
	Created   int     `json:"created"`
	Updated   int     `json:"updated"`
	Unchanged int     `json:"unchanged"`
	Rejected  int     `json:"rejected"`
	Done      int     `json:"already_imported"`
	Reads     int64   `json:"reads"`
	Writes    int64   `json:"writes"`
	Seconds   float64 `json:"seconds"`
	DryRun    bool    `json:"dry_run,omitempty"`

	// MissingCategories counts the rejected rows that name a category path
	// that does not exist, which CreateCategories would have created.
	MissingCategories int `json:"missing_categories,omitempty"`
}

// counter counts the requests a run sends.
type counter struct{ reads, writes atomic.Int64 }

func (c *counter) read()  { c.reads.Add(1) }
func (c *counter) write() { c.writes.Add(1) }

// Identity names an import in the journal: what is imported, into which
// store, from which bytes. Rerunning the same file against the same store
// finds its journal; a changed file is a new import.
func Identity(kind, format, storeHash, path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("reading %s: %w", path, err)
	}
	return fmt.Sprintf("%s/%s/%s/%s", kind, format, storeHash, hex.EncodeToString(h.Sum(nil))), nil
}

// PlanLine is one line of a dry run's plan (and of the rejected file).
type PlanLine struct {
	Line      int               `json:"line"`
	Action    string            `json:"action"` // create, update, unchanged, rejected, done
	Key       string            `json:"key,omitempty"`
	ID        int               `json:"id,omitempty"`
	Changes   map[string][2]any `json:"changes,omitempty"`
	Creates   []string          `json:"creates,omitempty"`
	Field     string            `json:"field,omitempty"`
	Reason    string            `json:"reason,omitempty"`
	Variants  int               `json:"variants,omitempty"`
	Completes []string          `json:"completes,omitempty"`
}

// Outcomes journaled and planned.
const (
	actionCreate    = "create"
	actionUpdate    = "update"
	actionUnchanged = "unchanged"
	actionRejected  = "rejected"
	actionDone      = "done"
)

// rejectedLine is one line of FILE.rejected.jsonl.
type rejectedLine struct {
	Line   int    `json:"line"`
	Key    string `json:"key,omitempty"`
	Field  string `json:"field,omitempty"`
	Reason string `json:"reason"`
}

func (j *Job) writeLine(w io.Writer, v any) error {
	if w == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	_, err = w.Write(append(b, '\n'))
	return err
}

// reject records a rejected row: in the rejected file, the plan and the summary.
func (j *Job) reject(line int, key string, e *RowError) error {
	j.mu.Lock()
	j.sum.Rejected++
	if e.missingCategory {
		j.sum.MissingCategories++
	}
	j.mu.Unlock()
	if err := j.writeLine(j.Rejected, rejectedLine{Line: line, Key: key, Field: e.Field, Reason: e.Reason}); err != nil {
		return fmt.Errorf("writing the rejected file: %w", err)
	}
	if j.DryRun {
		return j.writeLine(j.Plan, PlanLine{Line: line, Action: actionRejected, Key: key, Field: e.Field, Reason: e.Reason})
	}
	return nil
}

// count adds an applied row to the summary.
func (j *Job) count(action string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	switch action {
	case actionCreate:
		j.sum.Created++
	case actionUpdate:
		j.sum.Updated++
	case actionUnchanged:
		j.sum.Unchanged++
	case actionDone:
		j.sum.Done++
	}
}

// journaled returns the rows of lines [from, to] already applied.
func (j *Job) journaled(ctx context.Context, from, to int) (map[int]state.ImportRow, error) {
	if j.Journal == nil {
		return nil, nil
	}
	return j.Journal.ImportedRows(ctx, j.ImportID, from, to)
}

// record journals applied rows; a dry run journals nothing.
func (j *Job) record(ctx context.Context, rows []state.ImportRow) error {
	if j.Journal == nil || j.DryRun || len(rows) == 0 {
		return nil
	}
	return j.Journal.RecordImportRows(ctx, j.ImportID, rows)
}

func (j *Job) workers() int {
	if j.Workers <= 0 {
		return 4
	}
	return j.Workers
}

func (j *Job) start(kind string) {
	j.sum = Summary{Kind: kind, DryRun: j.DryRun}
	j.started = time.Now()
}

// snapshot returns the summary so far.
func (j *Job) snapshot() Summary {
	j.mu.Lock()
	defer j.mu.Unlock()
	s := j.sum
	s.Reads, s.Writes = j.stats.reads.Load(), j.stats.writes.Load()
	s.Seconds = time.Since(j.started).Seconds()
	return s
}

func (j *Job) progress() {
	if j.Progress != nil {
		j.Progress(j.snapshot())
	}
}
