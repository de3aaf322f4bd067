package cli

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestLibrariesNameNoCommandLine is issue 17's rule that library packages do
// not name the command line: no string in a package outside internal/cli and
// the programs (package main) (messages, error texts, schema descriptions) names a flag (--full) or a
// bigc command (bigc connection verify). A library returns a typed error or
// a value, and this package words it with the flags a person types; the same
// library serves the MCP server, the worker and other programs, which have
// other ways to say it.
func TestLibrariesNameNoCommandLine(t *testing.T) {
	t.Parallel()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	var cmds []string
	for _, c := range (&app{}).rootCmd().Commands() {
		cmds = append(cmds, regexp.QuoteMeta(c.Name()))
	}
	flag := regexp.MustCompile(`(^|[^\w-])--[a-z][a-z-]*`)
	command := regexp.MustCompile(`\bbigc (` + strings.Join(cmds, "|") + `)\b`)
	// Strings that name a command as the author of data written to the
	// store, not as advice: the reason of an inventory adjustment and the
	// description of the order metafield a sync sets.
	authorship := map[string]bool{
		"bigc import": true,
		"set by bigc sync when the order was exported": true,
	}
	skip := map[string]bool{
		"internal/cli": true, "cmd": true, "testdata": true,
		// Test support: its messages are for a developer starting services.
		"internal/testservices": true,
	}
	files := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if skip[rel] || strings.HasPrefix(d.Name(), ".") && rel != "." || d.Name() == "testdata" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, src, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		if f.Name.Name == "main" {
			return nil // a program (cmd/bigc, bench): its flags are its own
		}
		files++
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil || authorship[s] {
				return true
			}
			if m := flag.FindString(s); m != "" {
				t.Errorf("%s:%d names the flag %q: %s", rel, lineOf(src, lit.Pos()-f.FileStart), strings.TrimLeft(m, " ("), lit.Value)
			}
			if m := command.FindString(s); m != "" {
				t.Errorf("%s:%d names the command %q: %s", rel, lineOf(src, lit.Pos()-f.FileStart), m, lit.Value)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 100 {
		t.Fatalf("read %d library files under %s; the walk missed the tree", files, root)
	}
}

// lineOf is the line of offset in src, counting from 1.
func lineOf(src []byte, offset token.Pos) int {
	return 1 + strings.Count(string(src[:offset]), "\n")
}
