package mcpserver

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/bigc-dev/bigc/tools"
)

// confirmTTL is how long a confirmation token or a pending elicitation stays valid.
const confirmTTL = 5 * time.Minute

// Purposes keep a confirmation token from being replayed as elicitation
// state and the other way round.
const (
	purposeToken   = "token"
	purposeElicit  = "elicit"
	elicitKey      = "confirm"
	elicitProperty = "confirm"
)

// sealer signs the confirmation tokens and elicitation state this process
// hands out, so that a client can carry them between calls but neither forge
// nor alter them. The key is random per process: a restart invalidates every
// outstanding token, which is what a five-minute token wants anyway.
type sealer struct {
	key []byte
	now func() time.Time

	mu    sync.Mutex
	spent map[string]int64 // nonce of each claim used -> its expiry, Unix seconds
}

func newSealer(now func() time.Time) (*sealer, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("mcpserver: confirmation key: %w", err)
	}
	return &sealer{key: key, now: now, spent: map[string]int64{}}, nil
}

// claim is what a token or an elicitation state says: which call it
// confirms, until when, and (for an elicitation) the answers that confirm it.
type claim struct {
	Purpose    string   `json:"p"`
	Tool       string   `json:"t"`
	Connection string   `json:"c"`
	Input      string   `json:"i"` // SHA-256 of the canonical input, hex
	Expires    int64    `json:"e"` // Unix seconds
	Answers    []string `json:"a,omitempty"`
	Nonce      string   `json:"n"` // makes each token unique, so it can be spent once
}

func inputDigest(canonical []byte) string {
	sum := sha256.Sum256(canonical)
	return hex.EncodeToString(sum[:])
}

func (s *sealer) seal(c claim) string {
	c.Expires = s.now().Add(confirmTTL).Unix()
	nonce := make([]byte, 16)
	rand.Read(nonce) // crypto/rand.Read never fails
	c.Nonce = hex.EncodeToString(nonce)
	payload, _ := json.Marshal(c) // a struct of strings and ints always marshals
	mac := hmac.New(sha256.New, s.key)
	mac.Write(payload)
	enc := base64.RawURLEncoding
	return enc.EncodeToString(payload) + "." + enc.EncodeToString(mac.Sum(nil))
}

var (
	errBadToken     = errors.New("the confirmation token is not one this server issued, or it was changed")
	errOtherCall    = errors.New("the confirmation token was issued for a different call: the tool, connection and every argument must be the same")
	errTokenExpired = errors.New("the confirmation token has expired")
)

// open checks a sealed value against the call it must confirm.
func (s *sealer) open(sealed, purpose, tool, connection string, canonical []byte) (claim, error) {
	var c claim
	enc := base64.RawURLEncoding
	p, m, ok := strings.Cut(sealed, ".")
	if !ok {
		return c, errBadToken
	}
	payload, err1 := enc.DecodeString(p)
	sum, err2 := enc.DecodeString(m)
	if err1 != nil || err2 != nil {
		return c, errBadToken
	}
	mac := hmac.New(sha256.New, s.key)
	mac.Write(payload)
	if !hmac.Equal(sum, mac.Sum(nil)) {
		return c, errBadToken
	}
	if err := json.Unmarshal(payload, &c); err != nil || c.Purpose != purpose {
		return c, errBadToken
	}
	if c.Tool != tool || c.Connection != connection || c.Input != inputDigest(canonical) {
		return c, errOtherCall
	}
	if s.now().Unix() > c.Expires {
		return c, errTokenExpired
	}
	return c, nil
}

// spend marks a sealed claim as used, once: it reports false when the claim
// was spent before. A confirmation authorises exactly one write, whichever
// session or transport brings it back and however many calls race with it;
// the check and the mark happen under one lock. Spent claims are forgotten
// once they have expired, since open refuses them anyway from then on.
func (s *sealer) spend(c claim) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now().Unix()
	for n, exp := range s.spent {
		if exp < now {
			delete(s.spent, n)
		}
	}
	if _, used := s.spent[c.Nonce]; used {
		return false
	}
	s.spent[c.Nonce] = c.Expires
	return true
}

// quoted finds names a preview shows in double or curly quotes.
var quoted = regexp.MustCompile(`"([^"]{1,200})"|“([^”]{1,200})”`)

// confirmAnswers are what the user may type to confirm a call: the values of
// the identifying arguments (id, *_id, sku, name, email, path), and any name
// the preview quotes; the tool's name when there is nothing better.
func confirmAnswers(toolName string, input map[string]any, preview string) []string {
	var answers []string
	add := func(s string) {
		s = strings.TrimSpace(s)
		if s != "" && !slices.Contains(answers, s) {
			answers = append(answers, s)
		}
	}
	keys := make([]string, 0, len(input))
	for k := range input {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if k != "id" && !strings.HasSuffix(k, "_id") && !slices.Contains([]string{"sku", "name", "email", "path"}, k) {
			continue
		}
		switch v := input[k].(type) {
		case string:
			add(v)
		case json.Number:
			add(v.String())
		}
	}
	for _, m := range quoted.FindAllStringSubmatch(preview, -1) {
		add(m[1] + m[2])
	}
	if len(answers) == 0 {
		add(toolName)
	}
	return answers
}

// answerMatches compares what the user typed with the accepted answers,
// ignoring surrounding space and letter case.
func answerMatches(typed string, answers []string) bool {
	typed = strings.TrimSpace(typed)
	return slices.ContainsFunc(answers, func(a string) bool { return strings.EqualFold(a, typed) })
}

func confirmPrompt(preview string, answers []string) string {
	var b strings.Builder
	b.WriteString(preview)
	b.WriteString("\n\nTo confirm, type ")
	for i, a := range answers {
		if i > 0 {
			b.WriteString(" or ")
		}
		b.WriteString(strconv.Quote(a))
	}
	b.WriteString(". Decline to leave the store unchanged.")
	return b.String()
}

// Categories of the answers the adapter gives on its own, besides the
// tools' categories.
const (
	// categoryNotConfirmed: the user did not confirm (declined, cancelled,
	// typed something else, or the dialog failed); nothing was changed.
	categoryNotConfirmed tools.Category = "not_confirmed"
	// categoryConfirmationUsed: the confirmation was spent on an earlier call.
	categoryConfirmationUsed tools.Category = "confirmation_used"
)

// adapterCategories are the categories only the adapter answers with.
func adapterCategories() []tools.Category {
	return []tools.Category{categoryNotConfirmed, categoryConfirmationUsed}
}

// clientElicits reports whether the caller can show the user a form.
func clientElicits(req *mcp.CallToolRequest) bool {
	caps := req.ClientCapabilities()
	if caps == nil || caps.Elicitation == nil {
		return false
	}
	// A client that lists only URL mode cannot show a form; one that lists
	// neither mode supports forms (the spec's default).
	return caps.Elicitation.Form != nil || caps.Elicitation.URL == nil
}

// mrtrVersion is the first protocol revision in which a client answers an
// input request by calling the tool again (multi round-trip requests).
const mrtrVersion = "2026-07-28"

// clientRoundTrips reports whether the caller speaks multi round-trip
// requests; older clients are asked with elicitation/create during the call.
func clientRoundTrips(req *mcp.CallToolRequest) bool {
	ss, ok := req.GetSession().(*mcp.ServerSession)
	if !ok {
		return true
	}
	ip := ss.InitializeParams()
	return ip == nil || ip.ProtocolVersion >= mrtrVersion
}

// confirm decides whether a call that needs confirmation may go ahead. It
// returns ok with a nil result when the user has confirmed; otherwise the
// result to answer with, and nothing is written.
//
// A client of the 2026 protocol gets an input request on the first call
// asking the user to type the record's id or name; its retry carries the
// answer and the signed state, which is spent there and then. An older
// client that elicits is asked during the call with elicitation/create;
// whatever goes wrong with that dialog (an error, an accept without the
// answer) is a not_confirmed result, never a protocol error. A client
// without elicitation gets the preview and a signed confirmation token that
// the model passes back unchanged once the user agrees; the token is good
// for one call.
func (s *Server) confirm(ctx context.Context, req *mcp.CallToolRequest, st *servedTool, env *tools.Env,
	args map[string]any, canonical []byte, token string) (*mcp.CallToolResult, bool) {
	name := st.spec.name
	p := req.Params
	askAgain := "call " + name + " again to ask the user once more"
	if len(p.InputResponses) > 0 || p.RequestState != "" {
		c, err := s.seal.open(p.RequestState, purposeElicit, name, env.Connection, canonical)
		if err != nil {
			return notConfirmed("", "the confirmation could not be checked: "+err.Error()+".", askAgain), false
		}
		if !s.seal.spend(c) {
			return confirmationUsed(name), false
		}
		resp, _ := p.InputResponses[elicitKey].(*mcp.ElicitResult)
		return s.answered(name, resp, c.Answers)
	}
	elicit := clientElicits(req)
	if token != "" && !elicit {
		c, err := s.seal.open(token, purposeToken, name, env.Connection, canonical)
		if err != nil {
			return errorResult(errorBody{Category: tools.CategoryConfirmationRequired, Field: argConfirmationToken,
				Message: err.Error() + ". Nothing was changed.",
				Next:    "call " + name + " again without confirmation_token to get a new preview and token"}), false
		}
		if !s.seal.spend(c) {
			return confirmationUsed(name), false
		}
		return nil, true
	}
	preview, err := st.spec.preview(ctx, env, canonical)
	if err != nil {
		return errorResult(bodyOf(tools.AsError(err))), false
	}
	answers := confirmAnswers(name, args, preview)
	c := claim{Tool: name, Connection: env.Connection, Input: inputDigest(canonical)}
	if elicit {
		ask := &mcp.ElicitParams{
			Mode:    "form",
			Message: confirmPrompt(preview, answers),
			RequestedSchema: &jsonschema.Schema{
				Type: "object",
				Properties: map[string]*jsonschema.Schema{elicitProperty: {
					Type: "string", Title: "Confirm",
					Description: "Type " + strings.Join(quoteAll(answers), " or ") + " to confirm.",
				}},
				Required: []string{elicitProperty},
			},
		}
		if !clientRoundTrips(req) {
			resp, err := req.Session.Elicit(ctx, ask)
			if err != nil {
				return notConfirmed("", "the confirmation dialog failed ("+err.Error()+").", askAgain), false
			}
			return s.answered(name, resp, answers)
		}
		c.Purpose, c.Answers = purposeElicit, answers
		return &mcp.CallToolResult{
			InputRequests: mcp.InputRequestMap{elicitKey: ask},
			RequestState:  s.seal.seal(c),
		}, false
	}
	c.Purpose = purposeToken
	return errorResult(errorBody{
		Category: tools.CategoryConfirmationRequired,
		Message:  preview + " Nothing has been changed yet.",
		Next: "show this to the user and ask them to confirm; only if they agree, call " + name +
			" again with the same arguments plus confirmation_token (valid 5 minutes, for this one call)",
		ConfirmationToken: s.seal.seal(c),
	}), false
}

// answered judges the user's answer to the confirmation form.
func (s *Server) answered(name string, resp *mcp.ElicitResult, answers []string) (*mcp.CallToolResult, bool) {
	noRetry := "do not retry unless the user asks for it again"
	if resp == nil {
		return notConfirmed("", "the client sent no answer to the confirmation request.", "call "+name+" again to ask the user once more"), false
	}
	switch resp.Action {
	case "accept":
		typed, _ := resp.Content[elicitProperty].(string)
		if strings.TrimSpace(typed) == "" {
			return notConfirmed("", "the confirmation came back accepted but empty: the user typed nothing.",
				"call "+name+" again to ask the user once more"), false
		}
		if answerMatches(typed, answers) {
			return nil, true
		}
		return notConfirmed("", fmt.Sprintf("the user typed %q, which does not match %s.", typed, strings.Join(quoteAll(answers), " or ")),
			"ask the user whether they really want this; call "+name+" again only if they do"), false
	case "decline":
		return notConfirmed("", "the user declined.", noRetry), false
	default:
		return notConfirmed("", "the user cancelled the confirmation.", noRetry), false
	}
}

// notConfirmed answers a call the user did not confirm, saying that nothing
// was written and what to do next; field names the argument at fault, if any.
func notConfirmed(field, message, next string) *mcp.CallToolResult {
	return errorResult(errorBody{Category: categoryNotConfirmed, Field: field,
		Message: message + " Nothing was changed.", Next: next})
}

// confirmationUsed answers a call that brings back a confirmation already
// spent: nothing is sent to the store.
func confirmationUsed(name string) *mcp.CallToolResult {
	return errorResult(errorBody{Category: categoryConfirmationUsed, Field: argConfirmationToken,
		Message: "this confirmation was already used: a confirmation authorises exactly one call. Nothing was changed by this call.",
		Next:    "if the user wants the change made again, call " + name + " without confirmation_token to get a new preview and ask them"})
}

func quoteAll(ss []string) []string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return q
}
