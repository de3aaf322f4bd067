package importer

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Record is one item read from an input file, with the line it starts on, or
// the reason its lines were rejected.
type Record[T any] struct {
	Line int
	Item T
	Err  *RowError
}

// Reader reads records one at a time; Next returns io.EOF at the end. An
// error other than a rejected record (Record.Err) means the file itself
// cannot be read further.
type Reader[T any] interface {
	Next() (Record[T], error)
}

// maxLine bounds one JSON line (a product with hundreds of variants fits).
const maxLine = 16 << 20

// jsonlReader reads JSON Lines: one JSON object per line, blank lines skipped.
// Unknown fields are rejected so a misspelt field name is not silently lost.
type jsonlReader[T any] struct {
	sc   *bufio.Scanner
	line int
}

func newJSONLReader[T any](r io.Reader) *jsonlReader[T] {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	return &jsonlReader[T]{sc: sc}
}

func (r *jsonlReader[T]) Next() (Record[T], error) {
	for r.sc.Scan() {
		r.line++
		b := bytes.TrimSpace(r.sc.Bytes())
		if r.line == 1 {
			b = bytes.TrimPrefix(b, []byte("\ufeff"))
		}
		if len(b) == 0 {
			continue
		}
		rec := Record[T]{Line: r.line}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&rec.Item); err != nil {
			rec.Err = jsonRowError(err)
			if rec.Err.Field == "" {
				rec.Err.Field = badJSONField[T](b)
			}
		} else if dec.More() {
			rec.Err = rowErr("", "more than one JSON value on the line")
		}
		return rec, nil
	}
	if err := r.sc.Err(); err != nil {
		return Record[T]{}, fmt.Errorf("line %d: %w", r.line+1, err)
	}
	return Record[T]{}, io.EOF
}

// jsonRowError names the field a JSON decoding error is about.
func jsonRowError(err error) *RowError {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return rowErr(te.Field, "has a JSON %s; want %s", te.Value, te.Type)
	}
	msg := err.Error()
	if f, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return rowErr(strings.Trim(f, `"`), "is not a field of this import (see docs/imports.md)")
	}
	return rowErr("", "not a JSON object: %s", strings.TrimPrefix(msg, "json: "))
}

// badJSONField finds the top-level field of line that fails to decode into a
// T on its own: a type's own decoder (a decimal, say) reports no field name.
func badJSONField[T any](line []byte) string {
	var fields map[string]json.RawMessage
	if json.Unmarshal(line, &fields) != nil {
		return ""
	}
	for k, v := range fields {
		one, _ := json.Marshal(map[string]json.RawMessage{k: v})
		var item T
		if json.Unmarshal(one, &item) != nil {
			return k
		}
	}
	return ""
}

// csvTable reads a CSV file with a header row, by column name.
type csvTable struct {
	r    *csv.Reader
	cols map[string]int // lower-cased, trimmed header -> index
	head []string
}

func newCSVTable(r io.Reader) (*csvTable, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	head, err := cr.Read()
	if err == io.EOF {
		return nil, errors.New("the file is empty: want a header row")
	}
	if err != nil {
		return nil, fmt.Errorf("reading the header row: %w", err)
	}
	t := &csvTable{r: cr, cols: map[string]int{}, head: head}
	for i, h := range head {
		if i == 0 {
			h = strings.TrimPrefix(h, "\ufeff") // Excel and WooCommerce write a BOM
		}
		t.cols[strings.ToLower(strings.TrimSpace(h))] = i
	}
	return t, nil
}

// has reports whether the header has the column.
func (t *csvTable) has(name string) bool {
	_, ok := t.cols[strings.ToLower(name)]
	return ok
}

// column finds the first column whose name starts with prefix, e.g. "weight ("
// for WooCommerce's "Weight (kg)".
func (t *csvTable) columnWithPrefix(prefix string) string {
	for _, h := range t.head {
		if strings.HasPrefix(strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))), prefix) {
			return strings.ToLower(strings.TrimSpace(h))
		}
	}
	return ""
}

// csvRow is one data row.
type csvRow struct {
	t    *csvTable
	rec  []string
	line int
}

// next returns the next row; io.EOF at the end. A row the CSV reader cannot
// parse (a stray quote) comes back as a *RowError with its line.
func (t *csvTable) next() (csvRow, error) {
	for {
		rec, err := t.r.Read()
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return csvRow{line: pe.StartLine}, rowErr("", "CSV: %v", pe.Err)
			}
			return csvRow{}, err
		}
		line, _ := t.r.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // blank line
		}
		return csvRow{t: t, rec: rec, line: line}, nil
	}
}

// get returns the trimmed value of a column, "" when the column or value is absent.
func (r csvRow) get(name string) string {
	i, ok := r.t.cols[strings.ToLower(name)]
	if !ok || i >= len(r.rec) {
		return ""
	}
	return strings.TrimSpace(r.rec[i])
}

// grouper turns rows into records of several rows each (a product and its
// variants), with one row of look-ahead.
type grouper[T any] struct {
	t       *csvTable
	pending *csvRow
	// start begins a record with its first row; add adds a following row to
	// it, or returns false when the row starts the next record.
	start func(r csvRow, rec *Record[T])
	add   func(r csvRow, rec *Record[T]) bool
	// finish checks a whole record (e.g. fills a variable product's price).
	finish func(rec *Record[T])
}

func (g *grouper[T]) Next() (Record[T], error) {
	var first csvRow
	if g.pending != nil {
		first, g.pending = *g.pending, nil
	} else {
		r, err := g.t.next()
		if re, ok := err.(*RowError); ok {
			return Record[T]{Line: r.line, Err: re}, nil
		}
		if err != nil {
			return Record[T]{}, err
		}
		first = r
	}
	rec := Record[T]{Line: first.line}
	g.start(first, &rec)
	for {
		r, err := g.t.next()
		if re, ok := err.(*RowError); ok {
			// A broken row ends the record; it is rejected on its own next.
			g.pending = nil
			if rec.Err == nil {
				rec.Err = rowErr(re.Field, "line %d: %s", r.line, re.Reason)
			}
			break
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return rec, err
		}
		if !g.add(r, &rec) {
			g.pending = &r
			break
		}
	}
	if rec.Err == nil && g.finish != nil {
		g.finish(&rec)
	}
	return rec, nil
}

// splitList splits s on sep, trimming items and dropping empty ones.
func splitList(s, sep string) []string {
	var out []string
	for _, p := range strings.Split(s, sep) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
