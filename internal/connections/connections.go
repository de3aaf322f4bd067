// Package connections keeps bigc's named store connections: one JSON file per
// connection under <config>/connections/NAME.json, mode 0600 in a 0700
// directory. A connection holds the store hash, an optional API host, whether
// the store is production, and either the access token itself or the name of
// the environment variable that holds it. Nothing here prints a token:
// Summary is the form meant for output.
package connections

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/bigc-dev/bigc/bigcommerce"
)

// ErrNotFound is returned (wrapped) for a connection name that has no file.
var ErrNotFound = errors.New("no such connection")

// ErrExists is returned (wrapped) by Save for a name already taken.
var ErrExists = errors.New("connection already exists")

// ErrInvalid is returned (wrapped) for a bad name, store hash, URL or token
// source: the caller's input, not the store's answer.
var ErrInvalid = errors.New("invalid connection")

// ErrReservedName is returned (wrapped, with ErrInvalid) for a connection
// named SandboxName: that store is asked for by the caller's own switch.
var ErrReservedName = errors.New("the name is reserved for the embedded store")

// ErrNoToken is returned (wrapped, with ErrInvalid) for a connection that has
// no access token nor a variable to read it from.
var ErrNoToken = errors.New("no token")

// FieldError is an invalid value of one field of a Connection, named by its
// JSON name (store_hash, base_url, token_env): a caller taking the field from
// a flag or a file says which. errors.Is(err, ErrInvalid) holds for it.
type FieldError struct {
	Field   string
	Message string
}

func (e *FieldError) Error() string { return fmt.Sprintf("%v: %s: %s", ErrInvalid, e.Field, e.Message) }

// Is makes errors.Is(err, ErrInvalid) hold.
func (e *FieldError) Is(target error) bool { return target == ErrInvalid }

// SandboxName is the name the embedded sandbox store goes by; no saved
// connection may take it.
const SandboxName = "sandbox"

// Connection is one named store connection as saved on disk.
type Connection struct {
	Name      string `json:"name"`
	StoreHash string `json:"store_hash"`
	// BaseURL is the API host when it is not api.bigcommerce.com (a sandbox).
	BaseURL string `json:"base_url,omitempty"`
	// Production marks a live store: every write through it needs confirmation.
	Production bool `json:"production"`
	// TokenEnv names the environment variable holding the token; the token
	// itself is then never written to disk.
	TokenEnv string `json:"token_env,omitempty"`
	// Token is the access token, when it was given on standard input.
	Token string `json:"token,omitempty"`
	// StoreName, Plan and VerifiedAt record the last successful verification.
	StoreName  string    `json:"store_name,omitempty"`
	Plan       string    `json:"plan,omitempty"`
	VerifiedAt time.Time `json:"verified_at,omitzero"`
	// Access is what the token could do per tool group at VerifiedAt.
	Access []bigcommerce.GroupAccess `json:"access,omitempty"`
}

// Summary is a connection as it may be printed: never with its token.
type Summary struct {
	Name        string    `json:"name"`
	StoreHash   string    `json:"store_hash"`
	BaseURL     string    `json:"base_url,omitempty"`
	Production  bool      `json:"production"`
	TokenSource string    `json:"token_source"`
	StoreName   string    `json:"store_name,omitempty"`
	Plan        string    `json:"plan,omitempty"`
	VerifiedAt  time.Time `json:"verified_at,omitzero"`
}

// Summary describes c without its token.
func (c *Connection) Summary() Summary {
	src := "stored in the connection file"
	if c.TokenEnv != "" {
		src = "environment variable " + c.TokenEnv
	}
	return Summary{
		Name: c.Name, StoreHash: c.StoreHash, BaseURL: c.BaseURL, Production: c.Production,
		TokenSource: src, StoreName: c.StoreName, Plan: c.Plan, VerifiedAt: c.VerifiedAt,
	}
}

var (
	nameRE   = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	envVarRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

// maxNameLen bounds a connection name, which is also a file name.
const maxNameLen = 64

// ValidateName checks the name of a connection to save: CheckName, and not
// the name the embedded sandbox goes by.
func ValidateName(name string) error {
	if err := CheckName(name); err != nil {
		return err
	}
	if name == SandboxName {
		return fmt.Errorf("%w: %q: %w", ErrInvalid, name, ErrReservedName)
	}
	return nil
}

// CheckName is the one rule for a connection name, wherever one is used (a
// saved connection, a webhook secret file, a checkpoint): 1 to 64 lowercase
// letters, digits and single hyphens, such as "us-production" or "sandbox".
// Names are file names, and lower case keeps "Prod" and "prod" from meaning
// the same file on some systems.
func CheckName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("%w: the connection name is empty: want lowercase letters, digits and hyphens, e.g. us-production", ErrInvalid)
	case len(name) > maxNameLen:
		return fmt.Errorf("%w: the connection name is %d characters long: want at most %d", ErrInvalid, len(name), maxNameLen)
	case !nameRE.MatchString(name):
		return fmt.Errorf("%w: connection name %q: want lowercase letters, digits and single hyphens, e.g. us-production", ErrInvalid, name)
	}
	return nil
}

// Validate checks every field of c that can be checked without the network.
func (c *Connection) Validate() error {
	if err := ValidateName(c.Name); err != nil {
		return err
	}
	hash, err := bigcommerce.ParseStoreHash(c.StoreHash)
	if err != nil {
		return &FieldError{"store_hash", strings.TrimPrefix(err.Error(), "bigcommerce: ")}
	}
	if hash != c.StoreHash {
		return &FieldError{"store_hash", fmt.Sprintf("%q: want the bare hash %q", c.StoreHash, hash)}
	}
	if c.BaseURL != "" {
		if _, err := bigcommerce.NewClient(c.StoreHash, "x", bigcommerce.WithBaseURL(c.BaseURL)); err != nil {
			return &FieldError{"base_url", strings.TrimPrefix(err.Error(), "bigcommerce: ")}
		}
		if err := checkPlainHTTP(c.BaseURL); err != nil {
			return err
		}
	}
	switch {
	case c.TokenEnv != "" && c.Token != "":
		return fmt.Errorf("%w: give the token either in an environment variable or on standard input, not both", ErrInvalid)
	case c.TokenEnv != "":
		// A token pasted where its variable's name belongs would otherwise be
		// echoed in this and later errors ("the variable tnh..., which is not set").
		if looksLikeToken(c.TokenEnv) {
			return &FieldError{"token_env", "want the name of an environment variable (e.g. BIGC_TOKEN), but this looks like an access token itself (not shown); export it in a variable and pass that name"}
		}
		if !envVarRE.MatchString(c.TokenEnv) {
			return &FieldError{"token_env", fmt.Sprintf("%q is not an environment variable name (want e.g. BIGC_TOKEN)", c.TokenEnv)}
		}
	case c.Token != "":
		if err := CheckToken(c.Token); err != nil {
			return err
		}
	default:
		return fmt.Errorf("%w: %w: give the token itself or the name of the environment variable that holds it", ErrInvalid, ErrNoToken)
	}
	return nil
}

// checkPlainHTTP refuses a plain http base URL to anything but this machine:
// every request carries the access token in a header, which would cross the
// network unencrypted.
func checkPlainHTTP(raw string) error {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Scheme != "http" {
		return nil // https, or refused above
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); strings.EqualFold(host, "localhost") || (ip != nil && ip.IsLoopback()) {
		return nil
	}
	return &FieldError{"base_url", raw + ": plain http would send the access token across the network unencrypted; use https, or http only to a loopback host (127.0.0.1, ::1, localhost)"}
}

// CheckToken refuses a token that cannot be one: empty, or holding spaces or
// control characters (which would also let it forge HTTP headers).
func CheckToken(token string) error {
	if token == "" {
		return fmt.Errorf("%w: the access token is empty", ErrInvalid)
	}
	for _, r := range token {
		if r <= ' ' || r == 0x7f {
			return fmt.Errorf("%w: the access token holds a space or control character; paste only the token", ErrInvalid)
		}
	}
	return nil
}

// looksLikeToken reports whether s has the shape of a BigCommerce access
// token (20 or more lowercase letters and digits, both present) rather than of
// an environment variable's name, which has capitals or underscores.
func looksLikeToken(s string) bool {
	if len(s) < 20 {
		return false
	}
	var letter, digit bool
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z':
			letter = true
		case r >= '0' && r <= '9':
			digit = true
		default:
			return false
		}
	}
	return letter && digit
}

// ResolveToken returns c's access token, from the file or from the
// environment variable it names (read with getenv).
func (c *Connection) ResolveToken(getenv func(string) string) (string, error) {
	if c.TokenEnv == "" {
		if c.Token == "" {
			return "", fmt.Errorf("%w: connection %q: %w", ErrInvalid, c.Name, ErrNoToken)
		}
		return c.Token, nil
	}
	tok := strings.TrimSpace(getenv(c.TokenEnv))
	if tok == "" {
		return "", fmt.Errorf("%w: connection %q reads its access token from the environment variable %s, which is not set", ErrInvalid, c.Name, c.TokenEnv)
	}
	if err := CheckToken(tok); err != nil {
		return "", fmt.Errorf("environment variable %s: %w", c.TokenEnv, err)
	}
	return tok, nil
}

// NewClient returns a client for c's store, its token resolved with getenv.
func (c *Connection) NewClient(getenv func(string) string, opts ...bigcommerce.Option) (*bigcommerce.Client, error) {
	tok, err := c.ResolveToken(getenv)
	if err != nil {
		return nil, err
	}
	if c.BaseURL != "" {
		opts = append([]bigcommerce.Option{bigcommerce.WithBaseURL(c.BaseURL)}, opts...)
	}
	return bigcommerce.NewClient(c.StoreHash, tok, opts...)
}

// Dir is the directory of connection files, <config>/connections.
type Dir struct{ path string }

// Open returns the connection directory of the configuration directory
// configDir. Nothing is created until a connection is saved.
func Open(configDir string) Dir { return Dir{path: filepath.Join(configDir, "connections")} }

// Path returns the file a connection of that name is kept in.
func (d Dir) Path(name string) string { return filepath.Join(d.path, name+".json") }

// Prepare creates the connections directory (mode 0700) and checks that a
// file can be written in it, so that a command finds an unwritable
// configuration directory before it asks the store anything.
func (d Dir) Prepare() error {
	if err := os.MkdirAll(d.path, 0o700); err != nil {
		return fmt.Errorf("creating %s: %w", d.path, err)
	}
	// MkdirAll leaves an existing directory's mode alone; tighten it.
	if err := os.Chmod(d.path, 0o700); err != nil {
		return fmt.Errorf("%s: %w", d.path, err)
	}
	f, err := os.CreateTemp(d.path, ".probe-*.tmp")
	if err != nil {
		return fmt.Errorf("%s is not writable: %w", d.path, err)
	}
	f.Close()
	return os.Remove(f.Name())
}

// Save writes c, refusing a name already taken unless overwrite is set. The
// file is written whole under a temporary name with mode 0600 and then moved
// into place, so a reader never sees half a file and the token is never
// readable by others, not even for a moment.
func (d Dir) Save(c *Connection, overwrite bool) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if err := d.Prepare(); err != nil {
		return err
	}
	data, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(d.path, "."+c.Name+"-*.tmp") // CreateTemp uses mode 0600
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	dst := d.Path(c.Name)
	if overwrite {
		return os.Rename(tmp.Name(), dst)
	}
	// A hard link fails if dst exists, so two concurrent adds cannot both win.
	err = os.Link(tmp.Name(), dst)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, fs.ErrExist):
		return fmt.Errorf("%w: %q", ErrExists, c.Name)
	}
	// Some file systems have no hard links: check, then rename.
	if _, serr := os.Lstat(dst); serr == nil {
		return fmt.Errorf("%w: %q", ErrExists, c.Name)
	}
	return os.Rename(tmp.Name(), dst)
}

// Load reads the named connection. A file that others can read while it holds
// a token is refused, as ssh refuses such a key.
func (d Dir) Load(name string) (*Connection, error) {
	if err := ValidateName(name); err != nil {
		return nil, err
	}
	path := d.Path(name)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		names, _ := d.Names()
		hint := "no connections are saved"
		if len(names) > 0 {
			hint = "saved connections: " + strings.Join(names, ", ")
		}
		return nil, fmt.Errorf("%w: %q (%s)", ErrNotFound, name, hint)
	}
	if err != nil {
		return nil, err
	}
	var c Connection
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("%s: not a connection file: %w", path, err)
	}
	if c.Name != name {
		return nil, fmt.Errorf("%s: the file names the connection %q, want %q", path, c.Name, name)
	}
	if err := checkPlainHTTP(c.BaseURL); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	// Windows has no Unix permission bits to check; its ACLs are the user's own.
	if c.Token != "" && runtime.GOOS != "windows" {
		fi, err := os.Stat(path)
		if err != nil {
			return nil, err
		}
		if fi.Mode().Perm()&0o077 != 0 {
			return nil, fmt.Errorf("%s holds an access token but has mode %04o; run chmod 600 %s", path, fi.Mode().Perm(), path)
		}
	}
	return &c, nil
}

// Names lists the saved connections' names, sorted.
func (d Dir) Names() ([]string, error) {
	entries, err := os.ReadDir(d.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || e.IsDir() || ValidateName(name) != nil {
			continue
		}
		names = append(names, name)
	}
	slices.Sort(names)
	return names, nil
}

// List loads every saved connection, sorted by name.
func (d Dir) List() ([]*Connection, error) {
	names, err := d.Names()
	if err != nil {
		return nil, err
	}
	out := make([]*Connection, 0, len(names))
	for _, n := range names {
		c, err := d.Load(n)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// Remove deletes the named connection's file.
func (d Dir) Remove(name string) error {
	if err := ValidateName(name); err != nil {
		return err
	}
	err := os.Remove(d.Path(name))
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w: %q", ErrNotFound, name)
	}
	return err
}

// Check is what Verify learned about a store and a token.
type Check struct {
	StoreHash string `json:"store_hash"`
	StoreName string `json:"store_name,omitempty"`
	Plan      string `json:"plan,omitempty"`
	Domain    string `json:"domain,omitempty"`
	// CheckedWith is the endpoint that proved the token: GET /v2/store, or
	// GET /v2/time when the token may not read the store's profile.
	CheckedWith string `json:"checked_with"`
	// Groups says, per tool group, whether the token can read and write it
	// (bigcommerce.ProbeScopes, which writes nothing).
	Groups []bigcommerce.GroupAccess `json:"tool_groups"`
}

// Verify proves that client's token works with a lightweight read (GET
// /v2/store, or GET /v2/time when the token may not read store information),
// then learns per tool group (products, categories, orders, customers,
// inventory) whether the token can read and write it, with
// bigcommerce.ProbeScopes: one read with limit=1 and one write the store must
// refuse, so nothing is written. It fails only when the token does not work
// at all.
func Verify(ctx context.Context, client *bigcommerce.Client) (*Check, error) {
	ch := &Check{StoreHash: client.StoreHash(), CheckedWith: "GET /v2/store"}
	info, err := client.Store.Info(ctx)
	switch {
	case err == nil:
		ch.StoreName, ch.Plan, ch.Domain = info.Name, info.PlanName, info.Domain
	case errors.Is(err, bigcommerce.ErrForbidden):
		ch.CheckedWith = "GET /v2/time"
		if _, err := client.Store.Time(ctx); err != nil {
			return nil, err
		}
	default:
		return nil, err
	}
	if ch.Groups, err = bigcommerce.ProbeScopes(ctx, client); err != nil {
		return nil, err
	}
	return ch, nil
}

// Record copies what a verification learned into c, to be saved with it:
// the store's name and plan, and what the token may do, which bigc mcp reads
// to refuse a write the token cannot make before it asks anyone to confirm it.
func (c *Connection) Record(ch *Check, at time.Time) {
	c.StoreName, c.Plan, c.VerifiedAt = ch.StoreName, ch.Plan, at.UTC().Truncate(time.Second)
	c.Access = ch.Groups
}
