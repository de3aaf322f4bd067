package importer

import (
	"context"
	"io"

	"github.com/bigc-dev/bigc/state"
)

// outcome is what became of one row: what the plan, the rejected file, the
// summary and the journal say about it. Each kind's row type embeds it.
type outcome struct {
	line      int
	key       string // SKU or email, for the plan and the rejected file
	action    string // create, update, unchanged; actionDone for a journaled row
	id        int    // the store record, when known
	ref       string // set once the row is applied: what the journal records, e.g. "product 12"
	err       *RowError
	changes   changes
	completes []string
	variants  int
}

func (o *outcome) base() *outcome { return o }

// row is any kind's row type.
type row interface{ base() *outcome }

// readBatches reads rd to the end and calls run with batches of at most
// size records, in file order, with the journaled rows among them. A record
// whose key (SKU, email) repeats one already in the batch starts the next
// batch, so that a batch never holds two writes to one record. prepare
// checks each record that was read whole.
func readBatches[T any](ctx context.Context, j *Job, rd Reader[T], size int, prepare func(*T) *RowError, keys func(*T) []string,
	run func(batch []Record[T], done map[int]state.ImportRow) error) error {
	var carry *Record[T]
	for eof := false; !eof; {
		var batch []Record[T]
		seen := map[string]bool{}
		take := func(rec Record[T]) bool {
			if rec.Err == nil {
				ks := keys(&rec.Item)
				for _, k := range ks {
					if seen[k] {
						return false
					}
				}
				for _, k := range ks {
					seen[k] = true
				}
			}
			batch = append(batch, rec)
			return true
		}
		if carry != nil {
			take(*carry)
			carry = nil
		}
		for len(batch) < size {
			rec, err := rd.Next()
			if err == io.EOF {
				eof = true
				break
			}
			if err != nil {
				return err
			}
			j.mu.Lock()
			j.sum.Rows++
			j.mu.Unlock()
			if rec.Err == nil {
				rec.Err = prepare(&rec.Item)
			}
			if !take(rec) {
				carry = &rec
				break
			}
		}
		if len(batch) > 0 {
			done, err := j.journaled(ctx, batch[0].Line, batch[len(batch)-1].Line)
			if err != nil {
				return err
			}
			if err := run(batch, done); err != nil {
				return err
			}
		}
		j.progress()
	}
	return nil
}

// newRows makes a row of each record of batch, keyed by key(item) (newRow
// gives it its outcome), and returns them in line order with those still to
// plan (todo).
func newRows[T any, R any](batch []Record[T], done map[int]state.ImportRow, key func(*T) string, newRow func(outcome, *T) R) (rows, todo []R) {
	for i := range batch {
		rec := &batch[i]
		o, ok := newOutcome(rec.Line, key(&rec.Item), rec.Err, done)
		r := newRow(o, &rec.Item)
		if ok {
			todo = append(todo, r)
		}
		rows = append(rows, r)
	}
	return rows, todo
}

// newOutcome starts a row's outcome from its record: rejected already, done
// in an earlier run, or to be planned (todo).
func newOutcome(line int, key string, err *RowError, done map[int]state.ImportRow) (o outcome, todo bool) {
	o = outcome{line: line, key: key, err: err}
	if d, ok := done[line]; ok {
		o.action, o.err, o.ref = actionDone, nil, d.Ref
		return o, false
	}
	return o, err == nil
}

// finish ends a batch, in line order: rejected rows go to the rejected file,
// a dry run's rows to the plan, applied rows to the summary and the journal.
// After a failure (stop) that is not a row's, nothing is journaled: which
// rows were wholly applied is not known row by row, and the rerun looks them
// up and finds nothing left to write.
func finish[R row](ctx context.Context, j *Job, rows []R, stop error) error {
	var journal []state.ImportRow
	for _, r := range rows {
		o := r.base()
		switch {
		case o.err != nil:
			if err := j.reject(o.line, o.key, o.err); err != nil {
				return err
			}
		case o.action == actionDone:
			j.count(actionDone)
			if j.DryRun {
				if err := j.writeLine(j.Plan, PlanLine{Line: o.line, Action: actionDone, Key: o.ref}); err != nil {
					return err
				}
			}
		case j.DryRun:
			j.count(o.action)
			pl := PlanLine{Line: o.line, Action: o.action, Key: o.key, ID: o.id, Completes: o.completes, Variants: o.variants}
			if len(o.changes) > 0 {
				pl.Changes = o.changes
			}
			if err := j.writeLine(j.Plan, pl); err != nil {
				return err
			}
		case stop == nil && o.ref != "":
			j.count(o.action)
			journal = append(journal, state.ImportRow{Line: o.line, Outcome: o.action, Ref: o.ref})
		}
	}
	if stop != nil {
		return stop
	}
	return j.record(ctx, journal)
}
