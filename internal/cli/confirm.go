package cli

import (
	"fmt"
	"io"
	"strings"
)

// confirmer returns what asks the person at the terminal to confirm a write
// (y/N, after the preview of the change), or nil when stdin and stderr are
// not both terminals: a script gets the refusal and exit 2 instead, never a
// prompt it cannot answer.
func (a *app) confirmer() func(preview string) bool {
	if !a.terminal(a.stdin) || !a.terminal(a.stderr) {
		return nil
	}
	return func(preview string) bool {
		fmt.Fprintf(a.stderr, "bigc: %s\nGo ahead? [y/N] ", preview)
		answer, err := readLine(a.stdin)
		// Anything but y or yes is a no; the refusal that follows says
		// nothing was sent.
		return err == nil && (strings.EqualFold(answer, "y") || strings.EqualFold(answer, "yes"))
	}
}

// readLine reads one line from r a byte at a time, so that nothing after it
// is taken from a stream the command may read on; the line is trimmed.
func readLine(r io.Reader) (string, error) {
	var b strings.Builder
	buf := make([]byte, 1)
	for {
		n, err := r.Read(buf)
		if n == 1 {
			if buf[0] == '\n' {
				return strings.TrimSpace(b.String()), nil
			}
			b.WriteByte(buf[0])
		}
		if err != nil {
			if err == io.EOF && b.Len() > 0 {
				return strings.TrimSpace(b.String()), nil
			}
			return "", err
		}
	}
}
