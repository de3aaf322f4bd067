package importer

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// The kinds of import, as bigc import and bigc worker's import folders name
// them.
const (
	KindProducts  = "products"
	KindInventory = "inventory"
	KindCustomers = "customers"
)

// LeaseName names the lease a process holds while it imports the file whose
// Identity is importID. bigc import and bigc worker take the same one, so a
// file is imported by one process at a time whichever started it.
func LeaseName(importID string) string { return "import/" + importID }

// FormatOf tells a file's format from its extension: FormatJSONL for .jsonl,
// .ndjson and .json, FormatCSV for .csv, "" for anything else.
func FormatOf(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".jsonl", ".ndjson", ".json":
		return FormatJSONL
	case ".csv":
		return FormatCSV
	}
	return ""
}

// FileError is a file that cannot be read as its kind at all (an unknown
// format, a header without the required columns): no row was read, and
// running it again will not help.
type FileError struct{ Err error }

func (e *FileError) Error() string { return e.Err.Error() }
func (e *FileError) Unwrap() error { return e.Err }

// ImportFile imports the records of kind (KindProducts, KindInventory or
// KindCustomers) that r holds in format. A file that cannot be read as kind
// comes back as a *FileError before anything is sent.
func (j *Job) ImportFile(ctx context.Context, kind, format string, r io.Reader) (Summary, error) {
	switch kind {
	case KindProducts:
		rd, err := ProductReader(format, r)
		if err != nil {
			return Summary{}, &FileError{err}
		}
		return j.ImportProducts(ctx, rd)
	case KindInventory:
		rd, err := StockReader(format, r)
		if err != nil {
			return Summary{}, &FileError{err}
		}
		return j.ImportInventory(ctx, rd)
	case KindCustomers:
		rd, err := CustomerReader(format, r)
		if err != nil {
			return Summary{}, &FileError{err}
		}
		return j.ImportCustomers(ctx, rd)
	}
	return Summary{}, &FileError{fmt.Errorf("%q: want %s, %s or %s", kind, KindProducts, KindInventory, KindCustomers)}
}
