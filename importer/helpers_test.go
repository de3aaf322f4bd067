package importer

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"strings"
	"testing"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/sandbox"
	"github.com/bigc-dev/bigc/state"
)

// testStore starts a sandbox store with opts and returns a client of it.
func testStore(t *testing.T, opts sandbox.Options) (*bigcommerce.Client, *sandbox.Server) {
	t.Helper()
	srv, err := sandbox.Start("", opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	c, err := bigcommerce.NewClient(srv.StoreHash, srv.Tokens.Full, bigcommerce.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	return c, srv
}

// run imports text in format with a fresh job on the journal db and returns
// the summary, the plan and the rejected lines.
func runProducts(t *testing.T, c *bigcommerce.Client, db *state.DB, format, text string, tweak func(*Job)) (Summary, string, string) {
	t.Helper()
	var plan, rejected bytes.Buffer
	j := &Job{Client: c, Journal: db, ImportID: "test/" + format + "/" + hashText(text), Plan: &plan, Rejected: &rejected}
	if tweak != nil {
		tweak(j)
	}
	rd, err := ProductReader(format, strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	sum, err := j.ImportProducts(context.Background(), rd)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	return sum, plan.String(), rejected.String()
}

func hashText(s string) string {
	return fmt.Sprintf("%x", sha256.Sum256([]byte(s)))
}
