package syncer

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"
)

// cursorVersion is the version of the checkpoint encoding this build writes.
// A checkpoint from a newer build is refused rather than misread.
const cursorVersion = 1

// ErrBadCheckpoint marks a saved checkpoint this build cannot use: unreadable,
// or written by a newer bigc. A sync that starts again from the beginning (or
// from a given time) does not read it; the caller says how to ask for that.
var ErrBadCheckpoint = errors.New("checkpoint cannot be used")

// Cursor is where a stream's sync stands. Through false: every record with
// date_modified before DateModified, and those at DateModified whose IDs are
// listed, were emitted. Through true: every record with date_modified at or
// before DateModified was emitted (a finished window). The zero Cursor is the
// start of time.
type Cursor struct {
	DateModified time.Time
	IDs          []int64
	Through      bool
}

type cursorJSON struct {
	Version      int     `json:"version"`
	DateModified string  `json:"date_modified,omitempty"`
	IDs          []int64 `json:"ids,omitempty"`
	Through      bool    `json:"through,omitempty"`
}

// String is the cursor for messages: "2025-01-15T00:03:17Z (through)".
func (c Cursor) String() string {
	if c.DateModified.IsZero() {
		return "the beginning"
	}
	s := c.DateModified.UTC().Format(time.RFC3339)
	if c.Through {
		return s + " (through)"
	}
	return fmt.Sprintf("%s (+%d records at that second)", s, len(c.IDs))
}

func (c Cursor) encode() string {
	j := cursorJSON{Version: cursorVersion, IDs: c.IDs, Through: c.Through}
	if !c.DateModified.IsZero() {
		j.DateModified = c.DateModified.UTC().Format(time.RFC3339)
	}
	b, _ := json.Marshal(j) // cannot fail: plain fields
	return string(b)
}

// DecodeCursor reads a checkpoint saved by Job (state.DB.Checkpoint).
func DecodeCursor(s string) (Cursor, error) {
	var j cursorJSON
	if err := json.Unmarshal([]byte(s), &j); err != nil {
		return Cursor{}, fmt.Errorf("syncer: %w: not readable (%v)", ErrBadCheckpoint, err)
	}
	if j.Version > cursorVersion {
		return Cursor{}, fmt.Errorf("syncer: %w: written by a newer bigc (version %d, this one reads %d); upgrade bigc", ErrBadCheckpoint, j.Version, cursorVersion)
	}
	c := Cursor{IDs: j.IDs, Through: j.Through}
	if j.DateModified != "" {
		t, err := time.Parse(time.RFC3339, j.DateModified)
		if err != nil {
			return Cursor{}, fmt.Errorf("syncer: %w: date_modified %q: %v", ErrBadCheckpoint, j.DateModified, err)
		}
		c.DateModified = t.UTC()
	}
	return c, nil
}

// from is the lowest date_modified a record not yet emitted can have: the
// cursor's second, or the next one when that second is wholly emitted.
func (c Cursor) from() time.Time {
	if c.Through {
		return c.DateModified.Add(time.Second)
	}
	return c.DateModified
}

// after reports whether a record is past the cursor, i.e. not yet emitted.
func (c *Cursor) after(dm time.Time, id int64, seen map[int64]bool) bool {
	switch dm.Compare(c.DateModified) {
	case 1:
		return true
	case 0:
		return !c.Through && !seen[id]
	}
	return false
}

func idsOf(seen map[int64]bool) []int64 {
	ids := make([]int64, 0, len(seen))
	for id := range seen {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}
