package worker

import (
	"context"
	"os"
	"path/filepath"
	"sync"

	"github.com/bigc-dev/bigc/syncer"
	"github.com/bigc-dev/bigc/webhooks"
)

// hydrator turns one connection's webhook events, stored in the state's
// inbox by a receiver (bigc webhooks listen) on any machine, into records in
// the same outputs as the connection's syncs: the outputs' ledgers keep each
// version once whichever side writes it first. Workers sharing the state
// claim events through the inbox, so each is hydrated once.
type hydrator struct {
	worker *webhooks.Worker
	out    *streamOutputs
}

// newHydrators makes one hydrator per connection of the streams.
func (w *Worker) newHydrators() ([]*hydrator, error) {
	var hs []*hydrator
	seen := map[string]bool{}
	for _, s := range w.cfg.Streams {
		if seen[s.Connection] {
			continue
		}
		seen[s.Connection] = true
		out := &streamOutputs{w: w, connection: s.Connection, open: map[string]*syncer.Writer{}}
		hw, err := webhooks.NewWorker(webhooks.WorkerConfig{Connection: s.Connection, Inbox: w.cfg.State,
			Fetcher: webhooks.NewClientFetcher(s.Client), Output: out, Logger: w.cfg.Logger})
		if err != nil {
			return nil, err
		}
		hs = append(hs, &hydrator{worker: hw, out: out})
	}
	return hs, nil
}

// streamOutputs is a webhooks.Output that appends each envelope to its
// stream's output, OutDir/CONNECTION/STREAM.jsonl, opened on first use.
type streamOutputs struct {
	w          *Worker
	connection string

	mu   sync.Mutex
	open map[string]*syncer.Writer
}

// Append appends envs, stream by stream, and returns how many were new.
func (o *streamOutputs) Append(ctx context.Context, envs []syncer.Envelope) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	byStream := map[string][]syncer.Envelope{}
	var order []string
	for _, e := range envs {
		if _, ok := byStream[e.Stream]; !ok {
			order = append(order, e.Stream)
		}
		byStream[e.Stream] = append(byStream[e.Stream], e)
	}
	added := 0
	for _, stream := range order {
		out, ok := o.open[stream]
		if !ok {
			path := o.w.OutputPath(o.connection, stream)
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return added, err
			}
			var err error
			if out, err = syncer.OpenFile(ctx, o.w.cfg.State, path); err != nil {
				return added, err
			}
			o.open[stream] = out
		}
		n, err := out.Append(ctx, byStream[stream])
		added += n
		if err != nil {
			return added, err
		}
	}
	return added, nil
}

// Close closes the outputs opened.
func (o *streamOutputs) Close() {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, out := range o.open {
		out.Close()
	}
	clear(o.open)
}
