package syncer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/bigc-dev/bigc/state"
	"github.com/bigc-dev/bigc/state/statetest"
)

func env(stream string, id int64, sec int) Envelope {
	return Envelope{Stream: stream, ID: id, DateModified: base.Add(time.Duration(sec) * time.Second),
		Record: json.RawMessage(fmt.Sprintf(`{"id":%d,"v":%d}`, id, sec))}
}

func keysOf(envs ...Envelope) []state.EmittedKey {
	var ks []state.EmittedKey
	for _, e := range envs {
		ks = append(ks, e.Key())
	}
	return ks
}

func TestEnvelopeLine(t *testing.T) {
	t.Parallel()
	e := env("orders", 42, 5)
	b, err := e.appendLine(nil)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"stream":"orders","id":42,"date_modified":"2025-03-01T10:00:05Z","record":{"id":42,"v":5}}` + "\n"
	if string(b) != want {
		t.Errorf("line = %s, want %s", b, want)
	}
	var back Envelope
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Key() != e.Key() {
		t.Errorf("round trip key = %v, want %v", back.Key(), e.Key())
	}
	for _, bad := range []json.RawMessage{nil, json.RawMessage("{\n}")} {
		e.Record = bad
		if _, err := e.appendLine(nil); err == nil {
			t.Errorf("record %q accepted", bad)
		}
	}
}

func TestWriterRepairsWhatAKilledWriterLeft(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// damage changes the file after the first Append, as a crash would.
		damage func(t *testing.T, path string)
		// want is every key the file should hold after appending a, b and c again.
		want []state.EmittedKey
		// lost: the damage took data committed to the file, which OpenFile
		// refuses and only RepairFile accepts.
		lost bool
	}{
		{
			name:   "torn last line",
			damage: func(t *testing.T, path string) { appendRaw(t, path, `{"stream":"orders","id":2,"date_mod`) },
			want:   keysOf(env("orders", 1, 1), env("orders", 2, 2), env("orders", 3, 3)),
		},
		{
			name: "lines written but not recorded, then a torn one",
			damage: func(t *testing.T, path string) {
				e := env("orders", 2, 2)
				line, _ := e.appendLine(nil)
				appendRaw(t, path, string(line)+`{"stream":"orders","id":3`)
			},
			want: keysOf(env("orders", 1, 1), env("orders", 2, 2), env("orders", 3, 3)),
		},
		{
			name:   "file emptied by hand",
			damage: func(t *testing.T, path string) { os.Truncate(path, 0) },
			want:   keysOf(env("orders", 1, 1), env("orders", 2, 2), env("orders", 3, 3)),
			lost:   true,
		},
		{
			name:   "file removed by hand",
			damage: func(t *testing.T, path string) { os.Remove(path) },
			want:   keysOf(env("orders", 1, 1), env("orders", 2, 2), env("orders", 3, 3)),
			lost:   true,
		},
		{
			name: "committed line cut short",
			damage: func(t *testing.T, path string) {
				st, _ := os.Stat(path)
				os.Truncate(path, st.Size()-5)
			},
			want: keysOf(env("orders", 1, 1), env("orders", 2, 2), env("orders", 3, 3)),
			lost: true,
		},
		{
			name: "file replaced by one of the same size",
			damage: func(t *testing.T, path string) {
				e := env("orders", 9, 1) // same length as order 1's line
				line, _ := e.appendLine(nil)
				if err := os.WriteFile(path, line, 0o600); err != nil {
					t.Fatal(err)
				}
			},
			want: keysOf(env("orders", 9, 1), env("orders", 1, 1), env("orders", 2, 2), env("orders", 3, 3)),
			lost: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db := statetest.Open(t)
			path := filepath.Join(t.TempDir(), "out.jsonl")
			w, err := OpenFile(t.Context(), db, path)
			if err != nil {
				t.Fatal(err)
			}
			if n, err := w.Append(t.Context(), []Envelope{env("orders", 1, 1)}); err != nil || n != 1 {
				t.Fatalf("Append = %d, %v", n, err)
			}
			w.Close()
			key := state.CheckpointKey{Connection: "c", Stream: "orders", Destination: w.Path()}
			if err := db.SaveCheckpoint(t.Context(), key, "{}"); err != nil {
				t.Fatal(err)
			}
			tt.damage(t, path)
			w, err = OpenFile(t.Context(), db, path)
			if tt.lost {
				var de *OutputDamagedError
				if !errors.As(err, &de) || de.Path != key.Destination {
					t.Fatalf("OpenFile after the damage = %v, want an OutputDamagedError naming the file", err)
				}
				// Refused again: nothing was repaired behind the caller's back.
				if _, err := OpenFile(t.Context(), db, path); !errors.Is(err, ErrOutputDamaged) {
					t.Fatalf("second OpenFile = %v, want ErrOutputDamaged", err)
				}
				w, err = RepairFile(t.Context(), db, path)
				if _, ok, _ := db.Checkpoint(t.Context(), key); ok {
					t.Error("the checkpoint that vouched for the lost data survived RepairFile")
				}
			}
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			if _, err := w.Append(t.Context(), []Envelope{env("orders", 1, 1), env("orders", 2, 2), env("orders", 3, 3)}); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, readOutput(t, path)); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWriterRefusesAForeignLine(t *testing.T) {
	t.Parallel()
	db := statetest.Open(t)
	path := filepath.Join(t.TempDir(), "out.jsonl")
	os.WriteFile(path, []byte("not json\n"), 0o600)
	if _, err := OpenFile(t.Context(), db, path); err == nil || !strings.Contains(err.Error(), "byte 0") {
		t.Errorf("OpenFile over a foreign file = %v, want an error naming the offset", err)
	}
}

// TestWritersShareAFile is a webhook receiver and a sync writing the same
// records into one file at once: each version lands once.
func TestWritersShareAFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := statetest.Open(t)
	path := filepath.Join(dir, "out.jsonl")
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			wr, err := OpenFile(t.Context(), db, path)
			if err != nil {
				t.Error(err)
				return
			}
			defer wr.Close()
			for i := 1; i <= 50; i++ {
				batch := []Envelope{env("orders", int64(i), i), env("orders", int64(i+w), i+w), env("products", int64(i), i)}
				if _, err := wr.Append(t.Context(), batch); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	got := readOutput(t, path)
	seen := map[state.EmittedKey]bool{}
	for _, k := range got {
		if seen[k] {
			t.Errorf("%v written twice", k)
		}
		seen[k] = true
	}
	if len(seen) != 53+50 {
		t.Errorf("%d distinct lines, want %d", len(seen), 53+50)
	}
}

// TestWriterLargeBatch appends a batch several times writeChunk, written in
// pieces, then one with a bad envelope last: the first is whole in the file
// and the ledger, line for line; the second writes nothing, not even the
// good envelopes before the bad one.
func TestWriterLargeBatch(t *testing.T) {
	t.Parallel()
	db := statetest.Open(t)
	path := filepath.Join(t.TempDir(), "out.jsonl")
	w, err := OpenFile(t.Context(), db, path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	pad := strings.Repeat("x", 2000)
	var batch []Envelope
	for i := 1; len(batch)*len(pad) < 3*writeChunk; i++ {
		e := env("orders", int64(i), i)
		e.Record = json.RawMessage(fmt.Sprintf(`{"id":%d,"pad":"%s"}`, i, pad))
		batch = append(batch, e)
	}
	if n, err := w.Append(t.Context(), batch); err != nil || n != len(batch) {
		t.Fatalf("Append = %d, %v; want %d, nil", n, err, len(batch))
	}
	if got, want := readOutput(t, path), keysOf(batch...); !cmp.Equal(got, want) {
		t.Errorf("the file's lines differ from the batch: %s", cmp.Diff(want, got))
	}
	found, err := db.Emitted(t.Context(), path, keysOf(batch...))
	if err != nil {
		t.Fatal(err)
	}
	for i, ok := range found {
		if !ok {
			t.Errorf("line %d not in the ledger", i+1)
		}
	}
	before, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	var more []Envelope
	for i := range len(batch) {
		more = append(more, env("orders", int64(10000+i), i))
	}
	more = append(more, Envelope{Stream: "orders", ID: 99999, DateModified: base}) // no record
	if _, err := w.Append(t.Context(), more); err == nil {
		t.Fatal("a batch with an envelope without a record was accepted")
	}
	if after, err := os.Stat(path); err != nil || after.Size() != before.Size() {
		t.Errorf("the refused batch changed the file: %d bytes, was %d (%v)", after.Size(), before.Size(), err)
	}
}

func TestStreamWriter(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	w := NewStreamWriter(&buf)
	if n, err := w.Append(t.Context(), []Envelope{env("customers", 7, 1), env("customers", 8, 2)}); err != nil || n != 2 {
		t.Fatalf("Append = %d, %v", n, err)
	}
	if got := strings.Count(buf.String(), "\n"); got != 2 || w.Path() != "" {
		t.Errorf("%d lines, path %q; want 2 lines and no path", got, w.Path())
	}
}

func TestCursorEncoding(t *testing.T) {
	t.Parallel()
	for _, c := range []Cursor{{}, {DateModified: base, IDs: []int64{3, 9}}, {DateModified: base, Through: true}} {
		back, err := DecodeCursor(c.encode())
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(c, back); diff != "" {
			t.Errorf("round trip (-want +got):\n%s", diff)
		}
	}
	for _, bad := range []string{`{"version":2}`, `nope`, `{"version":1,"date_modified":"yesterday"}`} {
		if _, err := DecodeCursor(bad); !errors.Is(err, ErrBadCheckpoint) {
			t.Errorf("DecodeCursor(%q) = %v, want ErrBadCheckpoint", bad, err)
		}
	}
}

func TestParseOrderStatusAndTag(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int{"0": 0, "11": 11, "Awaiting Fulfillment": 11, "awaiting_fulfillment": 11, "partially-shipped": 3} {
		if got, err := ParseOrderStatus(in); err != nil || got != want {
			t.Errorf("ParseOrderStatus(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"15", "-1", "shipped-ish", ""} {
		if _, err := ParseOrderStatus(bad); err == nil {
			t.Errorf("ParseOrderStatus(%q) accepted", bad)
		}
	}
	if ns, key, err := ParseTag("bigc/exported"); err != nil || ns != "bigc" || key != "exported" {
		t.Errorf("ParseTag = %q, %q, %v", ns, key, err)
	}
	for _, bad := range []string{"bigc", "/x", "x/", "a/b/c", strings.Repeat("n", 65) + "/k"} {
		if _, _, err := ParseTag(bad); err == nil {
			t.Errorf("ParseTag(%q) accepted", bad)
		}
	}
}

func FuzzParseLine(f *testing.F) {
	e := env("orders", 1, 1)
	line, _ := e.appendLine(nil)
	f.Add(bytes.TrimSpace(line))
	f.Add([]byte(`{"stream":"orders","id":1}`))
	f.Add([]byte(`{"stream":"","id":0,"date_modified":"x"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		k, err := ParseLine(b)
		if err == nil && (k.Stream == "" || k.ID == 0) {
			t.Errorf("ParseLine(%q) = %v without an error", b, k)
		}
	})
}

func appendRaw(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}
