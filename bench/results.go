package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// sample is one run of one client on one stream.
type sample struct {
	records, requests int
	elapsed           time.Duration
	// cpu is the CPU time the client used: the benchmark process's for
	// bigc and the serial client (the sandbox runs in a process of its
	// own), the node process's for an npm client.
	cpu time.Duration
}

// series is every run of one client on one stream.
type series struct {
	client  string
	samples []sample
}

// median is the series' median run by wall time (the lower middle one for an
// even count).
func (s *series) median() sample {
	sorted := slices.Clone(s.samples)
	slices.SortFunc(sorted, func(a, b sample) int { return int(a.elapsed - b.elapsed) })
	return sorted[(len(sorted)-1)/2]
}

// results are the samples by stream, clients in the order first measured.
type results struct {
	config    config
	load      string
	loadAfter string
	streams   []string
	byStream  map[string][]*series
}

func (r *results) add(stream, client string, s sample) {
	if r.byStream == nil {
		r.byStream = map[string][]*series{}
	}
	if _, ok := r.byStream[stream]; !ok {
		r.streams = append(r.streams, stream)
	}
	list := r.byStream[stream]
	i := slices.IndexFunc(list, func(s *series) bool { return s.client == client })
	if i < 0 {
		list = append(list, &series{client: client})
		i = len(list) - 1
		r.byStream[stream] = list
	}
	list[i].samples = append(list[i].samples, s)
}

// fastestPeer is the ratio of the fastest other client's median to bigc's
// (the first client's), and that client.
func (r *results) fastestPeer(stream string) (float64, string) {
	list := r.byStream[stream]
	if len(list) < 2 {
		return 0, ""
	}
	best := list[1]
	for _, s := range list[2:] {
		if s.median().elapsed < best.median().elapsed {
			best = s
		}
	}
	return best.median().elapsed.Seconds() / list[0].median().elapsed.Seconds(), best.client
}

// mismatched names the clients whose record count differs from bigc's on
// any run of the stream.
func (r *results) mismatched(stream string) []string {
	list := r.byStream[stream]
	want := list[0].samples[0].records
	var bad []string
	for _, s := range list {
		for _, x := range s.samples {
			if x.records != want {
				bad = append(bad, s.client)
				break
			}
		}
	}
	return bad
}

// write prints the markdown table, the ratio against the fastest peer per
// stream, and every run's time.
func (r *results) write(w io.Writer) {
	c := r.config
	fmt.Fprintf(w, "Sandbox: %d orders, %d products, %d customers, seed %d, %s added to every answer; %d rounds, clients alternated; %s; load average %s before, %s after.\n\n",
		c.orders, c.products, c.customers, c.seed, c.latency, c.rounds, machine(), r.load, r.loadAfter)
	fmt.Fprintf(w, "| Stream | Client | Records | Requests | Wall time (median) | Ratio to bigc | CPU time |\n|---|---|--:|--:|--:|--:|--:|\n")
	for _, stream := range r.streams {
		list := r.byStream[stream]
		base := list[0].median().elapsed.Seconds()
		for _, s := range list {
			m := s.median()
			fmt.Fprintf(w, "| %s | %s | %d | %d | %s | %.2f× | %s |\n", stream, s.client, m.records, m.requests, seconds(m.elapsed), m.elapsed.Seconds()/base, seconds(m.cpu))
		}
	}
	fmt.Fprintln(w)
	for _, stream := range r.streams {
		if ratio, peer := r.fastestPeer(stream); peer != "" {
			verdict := "met"
			if ratio < 1.5 {
				verdict = "missed"
			}
			fmt.Fprintf(w, "- %s: the fastest peer (%s) takes %.2f× bigc's time; the goal, at least 1.5×, is %s.\n", stream, peer, ratio, verdict)
		}
		if bad := r.mismatched(stream); len(bad) > 0 {
			fmt.Fprintf(w, "- %s: record counts differ from bigc's: %s.\n", stream, strings.Join(bad, ", "))
		}
	}
	fmt.Fprintln(w, "\nEvery run (seconds):")
	fmt.Fprintln(w)
	for _, stream := range r.streams {
		for _, s := range r.byStream[stream] {
			times := make([]string, len(s.samples))
			for i, x := range s.samples {
				times[i] = fmt.Sprintf("%.3f", x.elapsed.Seconds())
			}
			fmt.Fprintf(w, "- %s, %s: %s\n", stream, s.client, strings.Join(times, ", "))
		}
	}
}

// seconds prints d as seconds with three significant figures or so.
func seconds(d time.Duration) string {
	s := d.Seconds()
	switch {
	case s >= 10:
		return fmt.Sprintf("%.1f s", s)
	case s >= 1:
		return fmt.Sprintf("%.2f s", s)
	}
	return fmt.Sprintf("%.3f s", s)
}
