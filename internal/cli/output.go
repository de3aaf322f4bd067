package cli

import (
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"golang.org/x/term"
)

// isTerminal reports whether w is a terminal: a person reads it, so bigc
// prints tables and one-line errors there, and JSON everywhere else.
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// terminal reports whether w is a terminal, as the app sees it (tests that
// run in process stand in for one with app.terminal).
func (a *app) terminal(w any) bool {
	if a.isTerminal != nil {
		return a.isTerminal(w)
	}
	return isTerminal(w)
}

// wantTable reports whether a list command prints an aligned table: stdout is
// a terminal and --json was not given. Anything else (a pipe, a file, --json)
// gets JSON, which programs read.
func (a *app) wantTable(asJSON bool) bool {
	return !asJSON && a.terminal(a.stdout)
}

// writeTable writes header and rows to stdout, aligned in columns; an empty
// cell is shown as "-" so that columns stay readable.
func (a *app) writeTable(header []string, rows [][]string) error {
	tw := tabwriter.NewWriter(a.stdout, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, row := range rows {
		cells := make([]string, len(row))
		for i, c := range row {
			if c == "" {
				c = "-"
			}
			cells[i] = strings.ReplaceAll(c, "\t", " ")
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	return tw.Flush()
}

// note prints msg as a line on stderr for the person watching, unless the
// command was given --quiet.
func (a *app) note(msg string) {
	if !a.quiet {
		fmt.Fprintln(a.stderr, msg)
	}
}

// plural is "1 record", "2 records": n and noun, in the plural unless n is 1.
// A noun whose plural is not noun+"s" is given as "singular/plural"
// ("1 entry", "2 entries" from "entry/entries").
func plural[N ~int | ~int64](n N, noun string) string {
	one, many, ok := strings.Cut(noun, "/")
	if !ok {
		many = one + "s"
	}
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
