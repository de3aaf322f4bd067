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
}

func newSealer(now func() time.Time) (*sealer, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("mcpserver: confirmation key: %w", err)
	}
	return &sealer{key: key, now: now}, nil
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
}

func inputDigest(canonical []byte) string {
	sum := sha256.Sum256(canonical)
	return hex.EncodeToString(sum[:])
}

func (s *sealer) seal(c claim) string {
	c.Expires = s.now().Add(confirmTTL).Unix()
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

// confirm decides whether a call that needs confirmation may go ahead. It
// returns ok with a nil result when the user has confirmed; otherwise the
// result to answer with, and nothing is written.
//
// With a client that supports elicitation, the first call answers with an
// input request (the SDK turns it into elicitation/create for older
// clients) asking the user to type the record's id or name; the retry
// carries the answer and the signed state. Without elicitation, the first
// call answers with the preview and a signed confirmation token that the
// model passes back unchanged once the user agrees.
func (s *Server) confirm(ctx context.Context, req *mcp.CallToolRequest, st *servedTool, env *tools.Env,
	args map[string]any, canonical []byte, token string) (*mcp.CallToolResult, bool) {
	name := st.spec.name
	p := req.Params
	askAgain := "call " + name + " again to ask the user once more"
	noRetry := "do not retry unless the user asks for it again"
	if len(p.InputResponses) > 0 || p.RequestState != "" {
		c, err := s.seal.open(p.RequestState, purposeElicit, name, env.Connection, canonical)
		if err != nil {
			return notConfirmed("", "the confirmation could not be checked: "+err.Error()+".", askAgain), false
		}
		resp, _ := p.InputResponses[elicitKey].(*mcp.ElicitResult)
		if resp == nil {
			return notConfirmed("", "the client sent no answer to the confirmation request.", askAgain), false
		}
		switch resp.Action {
		case "accept":
			typed, _ := resp.Content[elicitProperty].(string)
			if answerMatches(typed, c.Answers) {
				return nil, true
			}
			return notConfirmed("", fmt.Sprintf("the user typed %q, which does not match %s.", typed, strings.Join(quoteAll(c.Answers), " or ")),
				"ask the user whether they really want this; call "+name+" again only if they do"), false
		case "decline":
			return notConfirmed("", "the user declined.", noRetry), false
		default:
			return notConfirmed("", "the user cancelled the confirmation.", noRetry), false
		}
	}
	elicit := clientElicits(req)
	if token != "" && !elicit {
		if _, err := s.seal.open(token, purposeToken, name, env.Connection, canonical); err != nil {
			return notConfirmed(argConfirmationToken, err.Error()+".",
				"call "+name+" again without confirmation_token to get a new preview and token"), false
		}
		return nil, true
	}
	preview, err := st.spec.preview(ctx, env, canonical)
	if err != nil {
		return errorResult(bodyOf(tools.AsError(err))), false
	}
	preview = cleanText(preview)
	answers := confirmAnswers(name, args, preview)
	c := claim{Tool: name, Connection: env.Connection, Input: inputDigest(canonical)}
	if elicit {
		c.Purpose, c.Answers = purposeElicit, answers
		return &mcp.CallToolResult{
			InputRequests: mcp.InputRequestMap{elicitKey: &mcp.ElicitParams{
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
			}},
			RequestState: s.seal.seal(c),
		}, false
	}
	c.Purpose = purposeToken
	return errorResult(errorBody{
		Category: tools.CategoryConfirmationRequired,
		Message:  preview + " Nothing has been changed yet.",
		Next: "show this to the user and ask them to confirm; only if they agree, call " + name +
			" again with the same arguments plus confirmation_token (valid 5 minutes)",
		ConfirmationToken: s.seal.seal(c),
	}), false
}

// notConfirmed answers a call that may not go ahead, saying that nothing was
// written and what to do next; field names the argument at fault, if any.
func notConfirmed(field, message, next string) *mcp.CallToolResult {
	return errorResult(errorBody{Category: tools.CategoryConfirmationRequired, Field: field,
		Message: message + " Nothing was changed.", Next: next})
}

func quoteAll(ss []string) []string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return q
}
