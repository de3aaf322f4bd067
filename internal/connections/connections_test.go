package connections

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/bigc-dev/bigc/bigcommerce"
)

const secret = "tok-3f9a8c7d2e1b0a"

func TestValidateName(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"us-production", true},
		{"staging2", true},
		{"a", true},
		{strings.Repeat("a", 64), true},
		{strings.Repeat("a", 65), false},
		{"", false},
		{"US-Production", false},
		{"us_production", false},
		{"-us", false},
		{"us-", false},
		{"us--production", false},
		{"../etc", false},
		{"a/b", false},
		{"sandbox", false},
	} {
		err := ValidateName(tc.name)
		if (err == nil) != tc.ok {
			t.Errorf("ValidateName(%q) = %v, want ok=%v", tc.name, err, tc.ok)
		}
		if err != nil && !errors.Is(err, ErrInvalid) {
			t.Errorf("ValidateName(%q) = %v, want ErrInvalid", tc.name, err)
		}
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	// tokenShaped has the form of a real access token: 31 lowercase letters and digits.
	const tokenShaped = "tnhfxns71aakisd22jiwpunk0grz7rc"
	base := Connection{Name: "prod", StoreHash: "abc123", Token: secret}
	for _, tc := range []struct {
		name   string
		change func(c *Connection)
		want   string // substring of the error; "" means valid
	}{
		{"valid with a token", func(c *Connection) {}, ""},
		{"valid with an env var", func(c *Connection) { c.Token, c.TokenEnv = "", "BIGC_TOKEN" }, ""},
		{"valid with a base URL", func(c *Connection) { c.BaseURL = "http://127.0.0.1:8080" }, ""},
		{"no token", func(c *Connection) { c.Token = "" }, "no token"},
		{"both token sources", func(c *Connection) { c.TokenEnv = "X" }, "not both"},
		{"bad env var name", func(c *Connection) { c.Token, c.TokenEnv = "", "MY-TOKEN" }, "not an environment variable name"},
		{"the token itself given as the env var", func(c *Connection) { c.Token, c.TokenEnv = "", tokenShaped }, "looks like an access token itself"},
		{"a token starting with a digit as the env var", func(c *Connection) { c.Token, c.TokenEnv = "", "9"+tokenShaped }, "looks like an access token itself"},
		{"valid lower-case env var name", func(c *Connection) { c.Token, c.TokenEnv = "", "bigc_token_2" }, ""},
		{"token with a newline", func(c *Connection) { c.Token = "abc\r\nX-Evil: 1" }, "control character"},
		{"bad store hash", func(c *Connection) { c.StoreHash = "abc 123" }, "store_hash"},
		{"store hash as a path", func(c *Connection) { c.StoreHash = "stores/abc123" }, `want the bare hash "abc123"`},
		{"bad base URL", func(c *Connection) { c.BaseURL = "ftp://example.com" }, "base_url"},
	} {
		c := base
		tc.change(&c)
		err := c.Validate()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: Validate() = %v, want nil", tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: Validate() = %v, want an error containing %q", tc.name, err, tc.want)
		case err != nil && (strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), tokenShaped)):
			t.Errorf("%s: the error %q holds the token", tc.name, err)
		}
	}
}

func TestSaveLoadListRemove(t *testing.T) {
	t.Parallel()
	cfg := t.TempDir()
	d := Open(cfg)
	c := &Connection{Name: "us-production", StoreHash: "abc123", Token: secret, Production: true}
	if err := d.Save(c, false); err != nil {
		t.Fatalf("Save: %v", err)
	}
	fi, err := os.Stat(filepath.Join(cfg, "connections", "us-production.json"))
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o600 {
		t.Errorf("file mode = %04o, want 0600", got)
	}
	di, err := os.Stat(filepath.Join(cfg, "connections"))
	if err != nil {
		t.Fatal(err)
	}
	if got := di.Mode().Perm(); got != 0o700 {
		t.Errorf("directory mode = %04o, want 0700", got)
	}

	got, err := d.Load("us-production")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if diff := cmp.Diff(c, got); diff != "" {
		t.Errorf("Load mismatch (-saved +loaded):\n%s", diff)
	}

	if err := d.Save(&Connection{Name: "us-production", StoreHash: "zzz", Token: "other"}, false); !errors.Is(err, ErrExists) {
		t.Errorf("Save over an existing name = %v, want ErrExists", err)
	}
	if got, _ := d.Load("us-production"); got.StoreHash != "abc123" {
		t.Errorf("a refused Save changed the file: store hash %q", got.StoreHash)
	}
	if err := d.Save(&Connection{Name: "us-production", StoreHash: "zzz", Token: "other"}, true); err != nil {
		t.Errorf("Save with overwrite = %v", err)
	}
	if err := d.Save(&Connection{Name: "staging", StoreHash: "def456", TokenEnv: "BIGC_STAGING"}, false); err != nil {
		t.Fatal(err)
	}
	names, err := d.Names()
	if err != nil || !cmp.Equal(names, []string{"staging", "us-production"}) {
		t.Errorf("Names() = %v, %v", names, err)
	}
	leftovers, _ := filepath.Glob(filepath.Join(cfg, "connections", ".*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left behind: %v", leftovers)
	}

	if err := d.Remove("staging"); err != nil {
		t.Errorf("Remove: %v", err)
	}
	if err := d.Remove("staging"); !errors.Is(err, ErrNotFound) {
		t.Errorf("second Remove = %v, want ErrNotFound", err)
	}
	_, err = d.Load("staging")
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "us-production") {
		t.Errorf("Load of a removed connection = %v, want ErrNotFound listing us-production", err)
	}
}

func TestTokenEnvKeepsTheSecretOffDisk(t *testing.T) {
	t.Parallel()
	cfg := t.TempDir()
	d := Open(cfg)
	if err := d.Save(&Connection{Name: "staging", StoreHash: "def456", TokenEnv: "BIGC_STAGING"}, false); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(d.Path("staging"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"token_env": "BIGC_STAGING"`) || strings.Contains(string(data), `"token":`) {
		t.Errorf("file = %s, want the variable's name and no token", data)
	}
	c, _ := d.Load("staging")
	env := map[string]string{"BIGC_STAGING": " " + secret + "\n"}
	tok, err := c.ResolveToken(func(k string) string { return env[k] })
	if err != nil || tok != secret {
		t.Errorf("ResolveToken = %q, %v; want the variable's trimmed value", tok, err)
	}
	_, err = c.ResolveToken(func(string) string { return "" })
	if err == nil || !strings.Contains(err.Error(), "BIGC_STAGING") || !strings.Contains(err.Error(), "not set") {
		t.Errorf("ResolveToken with the variable unset = %v, want an error naming BIGC_STAGING", err)
	}
}

func TestLoadRefusesAReadableTokenFile(t *testing.T) {
	t.Parallel()
	d := Open(t.TempDir())
	if err := d.Save(&Connection{Name: "prod", StoreHash: "abc123", Token: secret}, false); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(d.Path("prod"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := d.Load("prod")
	if err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("Load of a 0644 token file = %v, want a chmod 600 hint", err)
	}
}

func TestSummaryNeverHoldsTheToken(t *testing.T) {
	t.Parallel()
	for _, c := range []*Connection{
		{Name: "a", StoreHash: "abc", Token: secret},
		{Name: "b", StoreHash: "abc", TokenEnv: "BIGC_B"},
	} {
		b, err := json.Marshal(c.Summary())
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), secret) || strings.Contains(string(b), `"token"`) {
			t.Errorf("Summary JSON %s holds a token", b)
		}
	}
	if got := (&Connection{TokenEnv: "BIGC_B"}).Summary().TokenSource; got != "environment variable BIGC_B" {
		t.Errorf("TokenSource = %q", got)
	}
}

// fakeStore answers the endpoints Verify reads and probes. Tokens choose what
// it allows: "full" everything, "no-info" everything but GET /v2/store,
// "no-orders" everything but orders, "read-only" every read and no write,
// anything else a 401. An allowed write is refused with 422 (a probe's body
// is never valid).
func fakeStore(t *testing.T) *httptest.Server {
	t.Helper()
	forbidden := func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		w.Write([]byte(`{"status":403,"title":"You don't have a required scope to access the endpoint"}`))
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := r.Header.Get("X-Auth-Token")
		path := strings.TrimPrefix(r.URL.Path, "/stores/abc123")
		if tok != "full" && tok != "no-info" && tok != "no-orders" && tok != "read-only" {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte("Unauthorized"))
			return
		}
		if r.URL.Query().Get("limit") != "" && r.URL.Query().Get("limit") != "1" {
			t.Errorf("%s: limit=%s, want a cheap probe with limit=1", path, r.URL.Query().Get("limit"))
		}
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method != http.MethodGet && (tok == "read-only" || tok == "no-orders" && path == "/v2/orders"):
			forbidden(w)
		case r.Method != http.MethodGet:
			w.WriteHeader(http.StatusUnprocessableEntity)
			w.Write([]byte(`{"status":422,"title":"JSON data is missing or invalid"}`))
		case path == "/v2/store" && tok == "no-info":
			forbidden(w)
		case path == "/v2/store":
			w.Write([]byte(`{"id":"abc123","name":"Plant Shop","plan_name":"Plus","domain":"plants.example"}`))
		case path == "/v2/time":
			w.Write([]byte(`{"time":1529512970}`))
		case path == "/v2/orders" && tok == "no-orders":
			forbidden(w)
		case path == "/v2/orders":
			w.Write([]byte(`[]`))
		case strings.HasPrefix(path, "/v3/"):
			w.Write([]byte(`{"data":[],"meta":{"pagination":{"total":0,"count":0,"per_page":1,"current_page":1,"total_pages":0}}}`))
		default:
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"status":404,"title":"not found"}`))
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestVerify(t *testing.T) {
	t.Parallel()
	srv := fakeStore(t)
	type access = bigcommerce.GroupAccess
	all := []access{{Group: "products", Read: true, Write: true}, {Group: "categories", Read: true, Write: true},
		{Group: "orders", Read: true, Write: true}, {Group: "customers", Read: true, Write: true}, {Group: "inventory", Read: true, Write: true}}
	var readOnly []access
	for _, a := range all {
		scope := map[string]string{"orders": "store_v2_orders", "customers": "store_v2_customers", "inventory": "store_inventory"}[a.Group]
		if scope == "" {
			scope = "store_v2_products"
		}
		readOnly = append(readOnly, access{Group: a.Group, Read: true, MissingScope: scope,
			Note: "the token may read but not change " + a.Group + ": it lacks the scope " + scope})
	}
	tests := []struct {
		token       string
		wantName    string
		checkedWith string
		groups      []access
	}{
		{"full", "Plant Shop", "GET /v2/store", all},
		{"no-info", "", "GET /v2/time", all},
		{"read-only", "Plant Shop", "GET /v2/store", readOnly},
		{"no-orders", "Plant Shop", "GET /v2/store", []access{all[0], all[1],
			{Group: "orders", MissingScope: "store_v2_orders", Note: "the token lacks the read scope store_v2_orders_read_only"},
			all[3], all[4]}},
	}
	for _, tc := range tests {
		c := &Connection{Name: "x", StoreHash: "abc123", Token: tc.token, BaseURL: srv.URL}
		client, err := c.NewClient(os.Getenv, bigcommerce.WithMaxRetries(0))
		if err != nil {
			t.Fatal(err)
		}
		ch, err := Verify(context.Background(), client)
		if err != nil {
			t.Errorf("token %s: Verify = %v", tc.token, err)
			continue
		}
		if ch.StoreName != tc.wantName || ch.CheckedWith != tc.checkedWith {
			t.Errorf("token %s: store %q checked with %q, want %q and %q", tc.token, ch.StoreName, ch.CheckedWith, tc.wantName, tc.checkedWith)
		}
		if diff := cmp.Diff(tc.groups, ch.Groups); diff != "" {
			t.Errorf("token %s: groups mismatch (-want +got):\n%s", tc.token, diff)
		}
	}

	c := &Connection{Name: "x", StoreHash: "abc123", Token: "wrong-" + secret, BaseURL: srv.URL}
	client, _ := c.NewClient(os.Getenv, bigcommerce.WithMaxRetries(0))
	_, err := Verify(context.Background(), client)
	if !errors.Is(err, bigcommerce.ErrUnauthorized) {
		t.Errorf("Verify with a wrong token = %v, want ErrUnauthorized", err)
	}
	if err != nil && strings.Contains(err.Error(), secret) {
		t.Errorf("the error %q holds the token", err)
	}
}

func TestRecord(t *testing.T) {
	t.Parallel()
	c := &Connection{}
	at := time.Date(2026, 1, 2, 3, 4, 5, 6, time.FixedZone("x", 3600))
	groups := []bigcommerce.GroupAccess{{Group: "products", Read: true, MissingScope: "store_v2_products"}}
	c.Record(&Check{StoreName: "Plant Shop", Plan: "Plus", Groups: groups}, at)
	if c.StoreName != "Plant Shop" || c.Plan != "Plus" || !c.VerifiedAt.Equal(at.Truncate(time.Second)) || c.VerifiedAt.Location() != time.UTC ||
		!cmp.Equal(c.Access, groups) {
		t.Errorf("Record gave %+v", c)
	}
}

func TestConcurrentSavesOfOneNameOneWins(t *testing.T) {
	t.Parallel()
	d := Open(t.TempDir())
	const n = 8
	errs := make(chan error, n)
	for i := range n {
		go func() {
			errs <- d.Save(&Connection{Name: "prod", StoreHash: "abc123", Token: fmt.Sprintf("token-%d", i)}, false)
		}()
	}
	won := 0
	for range n {
		switch err := <-errs; {
		case err == nil:
			won++
		case !errors.Is(err, ErrExists):
			t.Errorf("Save = %v, want nil or ErrExists", err)
		}
	}
	if won != 1 {
		t.Errorf("%d saves of the same name succeeded, want 1", won)
	}
}

// TestOneNameRule: CheckName is the rule every package applies; only a saved
// connection may not take the sandbox's name.
func TestOneNameRule(t *testing.T) {
	t.Parallel()
	for name, ok := range map[string]bool{"us-production": true, "sandbox": true, "a1": true, "Prod": false, "a_b": false,
		"a--b": false, "-a": false, "": false, strings.Repeat("a", 65): false} {
		if err := CheckName(name); (err == nil) != ok {
			t.Errorf("CheckName(%q) = %v, want ok=%v", name, err, ok)
		}
	}
	if err := ValidateName(SandboxName); err == nil {
		t.Error("ValidateName accepted the sandbox's name for a saved connection")
	}
}
