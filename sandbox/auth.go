package sandbox

import (
	"crypto/subtle"
	"net/http"
	"strings"
)

// token is what an accepted X-Auth-Token may do.
type token struct {
	readOnly bool
}

// name is how RequestCounts names the token, never its value.
func (t *token) name() string {
	if t.readOnly {
		return "read_only"
	}
	return "full"
}

// authenticate checks X-Auth-Token and the store hash. Both a missing or
// unknown token and a token used on another store's hash get 401: tokens
// belong to one store, so for any other hash the token is not valid. The
// package doc says why this is not the 403 BigCommerce's status-codes page
// hints at.
func (s *Store) authenticate(c *call, rest string) *token {
	got := c.r.Header.Get("X-Auth-Token")
	hash, _, _ := strings.Cut(strings.TrimPrefix(c.r.URL.Path, "/stores/"), "/")
	var tok *token
	switch {
	case got == "":
	case subtle.ConstantTimeCompare([]byte(got), []byte(s.tokens.Full)) == 1:
		tok = &token{}
	case subtle.ConstantTimeCompare([]byte(got), []byte(s.tokens.ReadOnly)) == 1:
		tok = &token{readOnly: true}
	}
	if tok == nil || hash != s.hash {
		c.fail(http.StatusUnauthorized, unauthorizedTitle(got, hash == s.hash), nil)
		return nil
	}
	return tok
}

func unauthorizedTitle(tok string, hashOK bool) string {
	switch {
	case tok == "":
		return "No credentials were supplied: send the X-Auth-Token header."
	case !hashOK:
		return "Unauthorized - the auth token in the request is not valid for this store."
	}
	return "Unauthorized - the v3 Auth client ID or token in the request are not a valid combination for this store."
}

// allows checks the token's scopes for a route. The read-only token holds
// the read-only form of every scope, so it may read anything and write
// nothing that needs a scope. Hooks use the default scope every API account
// has, so both tokens may manage them, as on the real API.
func (t *token) allows(c *call, scope string, write bool) bool {
	if !write || !t.readOnly || scope == "" {
		return true
	}
	title := "You don't have a required scope to access the endpoint"
	msg := "This token lacks the scope " + scope + " (modify); it has only " + scope + "_read_only. Re-issue the token with the modify scope."
	if c.v2 {
		c.json(http.StatusForbidden, []v2Error{{Status: http.StatusForbidden, Message: title + ": " + scope}})
		return false
	}
	c.json(http.StatusForbidden, v3Error{Status: http.StatusForbidden, Title: title, Type: statusCodesURL,
		Errors: map[string]string{"scope": msg}})
	c.status = http.StatusForbidden
	return false
}
