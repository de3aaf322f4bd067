package mcpserver

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// An answer travels twice in a tool result: as structured content and as
// its compact JSON text, which the JSON-RPC message carries as a string with
// every quote escaped. The budget covers both. Fitting an answer measures
// every value once (weigh), cuts the largest lists from their end by exact
// arithmetic on those weights, and shortens long strings only when lists
// cannot make room; a few passes over the answer at most, so the cost grows
// linearly with its size. The note then says what was left out and the
// exact arguments that fetch it.

// resultSize is how many bytes an answer v takes in a tool result: v as
// structured content plus its text copy as a JSON string, both as
// encoding/json writes them (HTML-escaped, as the SDK sends them).
func resultSize(v any) int { return weigh(v) + 2 }

// weigh is v's share of resultSize: its bytes as structured content plus its
// bytes inside the text copy's string (without that string's two quotes).
func weigh(v any) int {
	switch x := v.(type) {
	case nil:
		return 8
	case bool:
		if x {
			return 8
		}
		return 10
	case json.Number:
		return 2 * len(x)
	case string:
		return strWeight(x)
	case map[string]any:
		n := 4
		first := true
		for k, e := range x {
			if !first {
				n += 2
			}
			first = false
			n += strWeight(k) + 2 + weigh(e)
		}
		return n
	case []any:
		n := 4
		for i, e := range x {
			if i > 0 {
				n += 2
			}
			n += weigh(e)
		}
		return n
	default:
		// toGeneric yields only the types above; measure anything else the slow way.
		b, _ := json.Marshal(x)
		t, _ := json.Marshal(compactJSON(x))
		return len(b) + len(t) - 2
	}
}

// strWeight is weigh for a string, following encoding/json's escaping: in
// the structured copy <, > and & become \u003c and the like, control
// characters and U+2028/U+2029 become \uXXXX, an invalid byte U+FFFD (see
// invalidByteWeight); the text copy
// writes the string without HTML escaping, and that text is escaped again as
// one JSON string.
func strWeight(s string) int {
	n := 2 + 4 // the quotes: "…" in the structured copy, \"…\" in the text
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				n += 2 + 4
			case c == '<' || c == '>' || c == '&':
				n += 6 + 6
			case c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f':
				n += 2 + 3
			case c < 0x20:
				n += 6 + 7
			default:
				n += 2
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			n += invalidByteWeight
		case r == '\u2028', r == '\u2029':
			n += 6 + 7
		default:
			n += 2 * size
		}
		i += size
	}
	return n
}

// invalidByteWeight is what one invalid UTF-8 byte weighs in both copies.
// encoding/json replaces it with U+FFFD, written raw by Go 1.27 and as the
// escape \ufffd by Go 1.26, so it is measured once on the running encoder.
var invalidByteWeight = func() int {
	structured, _ := json.Marshal("\xff")
	text, _ := json.Marshal(string(structured[1 : len(structured)-1]))
	return len(structured) - 2 + len(text) - 2
}()

// arrayCut records a list the budget shortened: where it is in the answer
// (keys from the top; "[]" marks a step into a list's items), how many of
// its items were kept, and how many it had.
type arrayCut struct {
	path        []string
	kept, total int
}

// fitting is what fit left out of an answer.
type fitting struct {
	arrays    []arrayCut
	shortened int  // strings shortened
	overflow  bool // even so the answer did not fit
}

// fitRounds bounds the passes fit makes over an answer.
const fitRounds = 6

// fit shortens out, in place, until resultSize(out) is at most limit:
// first the largest list, from its end, keeping at least its first item,
// then the next largest, and only then the longest strings. Each round
// measures the answer once; a list's cut is then exact arithmetic on the
// weights of its items.
func fit(out map[string]any, limit int) fitting {
	var f fitting
	refs, total := measure(out)
	total += 2
	for round := 0; round < fitRounds && total > limit; round++ {
		if round > 0 {
			refs, total = measure(out)
			total += 2
		}
		best := -1
		for i, r := range refs {
			if len(r.items) > 1 && (best < 0 || r.weight > refs[best].weight) {
				best = i
			}
		}
		if best < 0 {
			break
		}
		r := refs[best]
		allowed := r.weight - (total - limit)
		kept, w := 1, 4+r.itemWeights[0]
		for kept < len(r.items) {
			next := w + 2 + r.itemWeights[kept]
			if next > allowed {
				break
			}
			kept, w = kept+1, next
		}
		r.set(r.items[:kept])
		total -= r.weight - w
		f.record(r.path, kept, len(r.items))
		if total <= limit {
			return f
		}
	}
	for round := 0; round < fitRounds && total > limit; round++ {
		n := shortenStrings(out, total-limit)
		if n == 0 {
			break
		}
		f.shortened += n
		total = resultSize(out)
	}
	f.overflow = total > limit
	return f
}

// record notes a list cut, keeping the list's original length when the
// same list is cut twice.
func (f *fitting) record(path []string, kept, total int) {
	for i, c := range f.arrays {
		if slices.Equal(c.path, path) {
			f.arrays[i].kept = kept
			return
		}
	}
	f.arrays = append(f.arrays, arrayCut{path: path, kept: kept, total: total})
}

// arrayRef is a list found in an answer, with its weight, its items'
// weights, and the way to replace it.
type arrayRef struct {
	path        []string
	items       []any
	weight      int
	itemWeights []int
	set         func([]any)
}

// measure weighs v in one pass and lists every list in it (nested ones
// too), in a stable order: keys sorted, outer lists before the lists in
// their items.
func measure(v any) ([]arrayRef, int) {
	var refs []arrayRef
	var walk func(v any, path []string, set func([]any)) int
	walk = func(v any, path []string, set func([]any)) int {
		switch x := v.(type) {
		case map[string]any:
			n := 4 + 2*max(len(x)-1, 0)
			for _, k := range slices.Sorted(maps.Keys(x)) {
				n += strWeight(k) + 2
				switch e := x[k].(type) {
				case map[string]any, []any:
					n += walk(e, append(slices.Clip(path), k), func(a []any) { x[k] = a })
				default:
					n += weigh(e)
				}
			}
			return n
		case []any:
			i := len(refs)
			refs = append(refs, arrayRef{path: path, items: x, set: set, itemWeights: make([]int, len(x))})
			n := 4 + 2*max(len(x)-1, 0)
			for j, e := range x {
				w := walk(e, append(slices.Clip(path), "[]"), func(a []any) { x[j] = a })
				refs[i].itemWeights[j] = w
				n += w
			}
			refs[i].weight = n
			if set == nil {
				refs = slices.Delete(refs, i, i+1) // the top level itself is never cut
			}
			return n
		default:
			return weigh(v)
		}
	}
	return refs, walk(v, nil, nil)
}

const cutMark = "…[cut]"

// minCut is the shortest string worth shortening.
const minCut = 2*len(cutMark) + 16

// shortenStrings cuts the longest string values in v to one common length,
// chosen so that together they give up about excess bytes of result, and
// returns how many it cut.
func shortenStrings(v any, excess int) int {
	type strRef struct {
		s   string
		set func(string)
	}
	var refs []strRef
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if s, ok := e.(string); ok {
					if len(s) > minCut {
						refs = append(refs, strRef{s, func(t string) { x[k] = t }})
					}
					continue
				}
				walk(e)
			}
		case []any:
			for i, e := range x {
				if s, ok := e.(string); ok {
					if len(s) > minCut {
						refs = append(refs, strRef{s, func(t string) { x[i] = t }})
					}
					continue
				}
				walk(e)
			}
		}
	}
	walk(v)
	if len(refs) == 0 {
		return 0
	}
	slices.SortFunc(refs, func(a, b strRef) int { return len(b.s) - len(a.s) })
	// Each byte cut saves at least two (one per copy); each cut adds the mark.
	need := excess/2 + 1
	capLen, sum := minCut, 0
	for j, r := range refs {
		sum += len(r.s)
		c := (sum - (j+1)*len(cutMark) - need) / (j + 1)
		next := minCut
		if j+1 < len(refs) {
			next = len(refs[j+1].s)
		}
		if c >= next || j+1 == len(refs) {
			capLen = max(c, minCut)
			break
		}
	}
	n := 0
	for _, r := range refs {
		if len(r.s) <= capLen {
			break
		}
		keep := capLen
		for keep > 0 && !utf8.RuneStart(r.s[keep]) {
			keep--
		}
		r.set(r.s[:keep] + cutMark)
		n++
	}
	return n
}

// pagingArgs are the list tool's input properties the size note may name.
type pagingArgs struct {
	limit, page, cursor bool
}

// intArg reads a positive integer argument (a JSON number, or a string of
// digits as raw-api-request's query holds them), or def when it is absent.
func intArg(args map[string]any, name string, def int) int {
	var n int64
	var err error
	switch v := args[name].(type) {
	case json.Number:
		n, err = v.Int64()
	case string:
		n, err = strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	default:
		return def
	}
	if err != nil || n <= 0 {
		return def
	}
	return int(n)
}

// pageAfter answers, for a page of a list paged by number (page at limit
// items a page) of which only the first kept items are shown: the largest
// page size at most kept whose pages line up with the page's start, and the
// number of the page, at that size, that comes right after the items shown.
// Asking for it repeats at most kept-size items and skips none.
func pageAfter(page, limit, kept int) (size, after int) {
	start := (page - 1) * limit
	size = max(kept, 1)
	for size > 1 && start%size != 0 {
		size--
	}
	return size, start/size + 2
}

// note tells the model what fit left out and the exact arguments that
// fetch it. For a page list it also points next.page at the first item left
// out, at the smaller page size the note names.
func (f fitting) note(out map[string]any, maxBytes int, st *servedTool, args map[string]any) string {
	var notes []string
	kb := maxBytes / 1000
	for _, c := range f.arrays {
		notes = append(notes, arrayNote(c, kb, out, st, args))
	}
	if f.shortened > 0 {
		notes = append(notes, fmt.Sprintf("%d long text values were shortened (they end with %q) to fit the %d KB limit.", f.shortened, cutMark, kb))
	}
	if f.overflow {
		notes = append(notes, fmt.Sprintf("The answer is still over %d KB: ask for less.", kb))
	}
	return strings.Join(notes, " ")
}

func arrayNote(c arrayCut, kb int, out map[string]any, st *servedTool, args map[string]any) string {
	var b strings.Builder
	where := strings.ReplaceAll(strings.Join(c.path, "."), ".[]", "[]")
	fmt.Fprintf(&b, "Only the first %d of the %d items of %s are shown, to fit the %d KB limit.", c.kept, c.total, where, kb)
	name := st.spec.name
	key := c.path[len(c.path)-1]
	switch {
	case st.list != nil && len(c.path) == 1 && key == st.list.property:
		next, _ := out["next"].(map[string]any)
		switch {
		case st.paging.page && st.paging.limit:
			size, after := pageAfter(intArg(args, "page", 1), intArg(args, "limit", c.total), c.kept)
			fmt.Fprintf(&b, " To continue after them, call %s again with limit=%d and page=%d", name, size, after)
			if next != nil {
				next["page"] = json.Number(strconv.Itoa(after))
				b.WriteString(" (next.page says so too)")
			}
			b.WriteString(".")
		case st.paging.limit && st.paging.cursor:
			fmt.Fprintf(&b, " next.cursor skips the items left out: to see every item, start again with limit=%d and the same filters, and follow next.cursor from there.", c.kept)
		case st.paging.limit:
			fmt.Fprintf(&b, " Ask for fewer items with limit=%d.", c.kept)
		}
		if len(st.list.fields) > 0 {
			b.WriteString(" Passing fields with only the fields you need fits more items.")
		}
	case name == RawToolName && (slices.Equal(c.path, []string{"body"}) || slices.Equal(c.path, []string{"body", "data"})):
		query := map[string]any{}
		if q, ok := args["query"].(map[string]any); ok {
			maps.Copy(query, q)
		}
		size, after := pageAfter(intArg(query, "page", 1), intArg(query, "limit", c.total), c.kept)
		query["limit"], query["page"] = strconv.Itoa(size), strconv.Itoa(after)
		fmt.Fprintf(&b, " To continue after them, call %s again with method GET, path %s and query %s.", name, fmt.Sprint(args["path"]), compactJSON(query))
	case !slices.Contains(c.path, "[]") && hasInput(st, key+"_page") && hasInput(st, key+"_limit"):
		size, after := pageAfter(intArg(args, key+"_page", 1), intArg(args, key+"_limit", c.total), c.kept)
		fmt.Fprintf(&b, " To continue after them, call %s again with the same arguments and %s_limit=%d and %s_page=%d.", name, key, size, key, after)
	default:
		b.WriteString(" Ask for less (a narrower filter, fewer sub-resources) to see the rest.")
	}
	return b.String()
}

// hasInput reports whether the tool takes the named argument.
func hasInput(st *servedTool, name string) bool {
	return st.spec.input != nil && st.spec.input.Properties[name] != nil
}
