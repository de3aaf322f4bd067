package webhooks

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/bigc-dev/bigc/syncer"
)

// TestStreamLedger writes to a stream (as listen does to stdout): events for
// an unchanged record, processed apart or by a restarted worker, add no line;
// a new version does.
func TestStreamLedger(t *testing.T) {
	t.Parallel()
	f := newWorkerFixture(t, IncompleteHold)
	var buf bytes.Buffer
	newWorker := func() *Worker {
		w, err := NewWorker(WorkerConfig{Connection: "test", Inbox: f.db, Fetcher: f.fetch, Now: f.clock.Now,
			Output: StreamLedger(f.db, "stdout:test", syncer.NewStreamWriter(&buf))})
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	lines := func() []string {
		var out []string
		for line := range strings.Lines(buf.String()) {
			k, err := syncer.ParseLine([]byte(line))
			if err != nil {
				t.Fatalf("output line %q: %v", line, err)
			}
			out = append(out, fmt.Sprintf("%s/%d@%d", k.Stream, k.ID, k.DateModified))
		}
		return out
	}
	process := func(w *Worker) {
		t.Helper()
		if _, err := w.ProcessDue(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	t0 := f.clock.Now()
	f.fetch.set("orders", 1, t0, 11)
	w := newWorker()
	f.deliver(t, event("store/order/created", 1, 100))
	process(w)
	f.deliver(t, event("store/order/updated", 1, 101)) // same version, a later pass
	process(w)
	f.deliver(t, event("store/order/statusUpdated", 1, 102))
	process(newWorker()) // same version, after a restart
	f.fetch.set("orders", 1, t0.Add(time.Minute), 2)
	f.deliver(t, event("store/order/statusUpdated", 1, 160))
	process(newWorker())
	if diff := cmp.Diff([]string{"orders/1@1700000000", "orders/1@1700000060"}, lines()); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
}
