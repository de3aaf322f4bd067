package mcpserver

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/bigc-dev/bigc/tools"
)

// TestAnswerAsIsMatchesTheGeneralPath: an answer that needs no shaping goes
// out encoded once, as it is; the client reads the same JSON value the
// general path (generic values, cut to fit) gives, in both copies, and the
// fast path's size bound is never below the budget's own count, so it never
// lets through an answer the general path would have cut.
func TestAnswerAsIsMatchesTheGeneralPath(t *testing.T) {
	t.Parallel()
	type line struct {
		ID    int     `json:"id"`
		Name  string  `json:"name"`
		Price float64 `json:"price"`
	}
	type order struct {
		ID      int    `json:"id"`
		Note    string `json:"note_text"`
		Lines   []line `json:"lines"`
		Missing []line `json:"missing"`
	}
	out := struct {
		Order order `json:"order"`
	}{order{ID: 7, Note: `<b>"Fast" & \ safe</b> ✓ ` + "\u2028 tab\t", Lines: []line{{1, "Rope", 5.5}, {2, "Hook", 12}}}}
	s := &Server{maxAnswer: DefaultMaxAnswerBytes}
	st := &servedTool{spec: &toolSpec{name: "get-thing"}}

	fast := s.answerAsIs(st, out, nil)
	if fast == nil {
		t.Fatal("a small object answer took the general path")
	}
	slow, err := s.answer(&servedTool{spec: st.spec, wrapped: true}, out, nil, nil) // wrapped: never the fast path
	if err != nil {
		t.Fatal(err)
	}
	var fastValue, textValue, slowValue map[string]any
	wire, _ := json.Marshal(fast.StructuredContent)
	json.Unmarshal(wire, &fastValue)
	json.Unmarshal([]byte(text(fast)), &textValue)
	slowWire, _ := json.Marshal(slow.StructuredContent)
	json.Unmarshal(slowWire, &slowValue)
	if !reflect.DeepEqual(fastValue, textValue) || !reflect.DeepEqual(map[string]any{"result": fastValue}, slowValue) {
		t.Errorf("fast %v, its text %v, general path %v: want the same value", fastValue, textValue, slowValue)
	}
	generic, _ := toGeneric(out)
	b, _ := tools.CompactJSON(out)
	if got, min := asIsSize(b), resultSize(generic); got < min {
		t.Errorf("asIsSize = %d, below resultSize's %d", got, min)
	}

	// Over the budget, with fields to trim, or wrapped: the general path.
	small := &Server{maxAnswer: answerReserve + 50}
	if small.answerAsIs(st, out, nil) != nil || s.answerAsIs(st, out, []string{"id"}) != nil ||
		s.answerAsIs(&servedTool{spec: st.spec, lists: []string{"lines"}}, out, nil) != nil {
		t.Error("an answer that needs shaping took the fast path")
	}
}
