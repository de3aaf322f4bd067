package cli

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bigc-dev/bigc/internal/syncbuf"
	"github.com/bigc-dev/bigc/sandbox"
	"github.com/bigc-dev/bigc/state"
	"github.com/bigc-dev/bigc/syncer"
	"github.com/bigc-dev/bigc/tools"
	"github.com/bigc-dev/bigc/webhooks"
)

type subscriptionOut struct {
	ID          int    `json:"id"`
	Scope       string `json:"scope"`
	Destination string `json:"destination"`
	IsActive    bool   `json:"is_active"`
	HasSecret   bool   `json:"has_secret"`
	Reused      bool   `json:"reused"`
}

func TestWebhooksBadInput(t *testing.T) {
	t.Parallel()
	cfg := t.TempDir()
	for _, args := range [][]string{
		{"webhooks", "subscribe", "--sandbox", "--destination", "https://example.com/h"},
		{"webhooks", "subscribe", "--sandbox", "--scope", "store/order/created"},
		{"webhooks", "delete", "abc", "--sandbox"},
		{"webhooks", "reactivate", "0", "--sandbox"},
		{"webhooks", "listen", "--sandbox", "--incomplete", "keep"},
		{"webhooks", "listen", "--sandbox", "--tls-cert", "c.pem"},
		{"webhooks", "listen", "--sandbox", "--addr", "8443"},
		{"webhooks", "listen", "--sandbox", "--signing-secret-env", "BIGC_TEST_SURELY_UNSET_VARIABLE"},
		{"webhooks", "listen", "--sandbox", "--tls-cert", "c.pem", "--tls-key", "k.pem"},
		{"webhooks", "listen", "--sandbox", "--addr", "192.0.2.1:8443"},
	} {
		r := runBigc(t, cfg, "", args...)
		if r.code != exitBadInput {
			t.Errorf("bigc %s: exit %d, want %d; stderr:\n%s", strings.Join(args, " "), r.code, exitBadInput, r.stderr)
		}
	}
}

// TestE2EWebhooks drives subscribe, list, listen (with TLS), reactivate and
// delete with the binary against `bigc sandbox serve`. The hook's https
// destination on port 443 is never delivered to, so listen is reached by
// callbacks the test posts itself, forged ones among them;
// TestE2EWebhooksSharedWithSync has the sandbox deliver.
func TestE2EWebhooks(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t)
	b := newBin(t)
	b.addConnection(sb, "shop", sb.Tokens.Full)

	dest := "https://127.0.0.1/bigc/hooks" // port 443 on loopback: nothing is ever delivered
	sub := decodeJSON[subscriptionOut](t, b.mustRun("", "webhooks", "subscribe", "--connection", "shop",
		"--scope", "store/order/created", "--destination", dest))
	if sub.ID == 0 || !sub.IsActive || !sub.HasSecret || sub.Reused {
		t.Fatalf("subscribe = %+v", sub)
	}
	again := decodeJSON[subscriptionOut](t, b.mustRun("", "webhooks", "subscribe", "--connection", "shop",
		"--scope", "store/order/created", "--destination", dest))
	if again.ID != sub.ID || !again.Reused {
		t.Errorf("second subscribe = %+v, want hook %d reused", again, sub.ID)
	}
	secretPath := filepath.Join(b.cfg, "webhooks", "shop.json")
	for path, want := range map[string]os.FileMode{secretPath: 0o600, filepath.Dir(secretPath): 0o700} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s has mode %04o, want %04o", path, fi.Mode().Perm(), want)
		}
	}
	kept, err := webhooks.SecretStore{Dir: filepath.Dir(secretPath)}.Load("shop")
	if err != nil || len(kept) != 1 {
		t.Fatalf("kept secrets: %v, %v", kept, err)
	}
	secret := string(kept[0].Secret)
	list := b.mustRun("", "webhooks", "list", "--connection", "shop")
	if strings.Contains(list, secret) || strings.Contains(list, "whsec_") {
		t.Errorf("webhooks list prints a secret:\n%s", list)
	}
	if hooks := decodeJSON[[]subscriptionOut](t, list); len(hooks) != 1 || hooks[0].ID != sub.ID || !hooks[0].HasSecret {
		t.Errorf("webhooks list = %s", list)
	}

	// listen, and a real order announced by an authentic callback.
	addr := freeAddr(t)
	out := filepath.Join(t.TempDir(), "orders.jsonl")
	certFile, keyFile, httpsClient := selfSignedCert(t)
	l := startListen(t, b, "--connection", "shop", "--addr", addr, "--out", out, "--tls-cert", certFile, "--tls-key", keyFile)
	l.waitFor(t, "listening on https://")
	orderID := createSandboxOrder(t, sb.URL)

	req, _ := http.NewRequest(http.MethodGet, sb.URL+"/stores/"+sb.StoreHash+"/v2/store", nil)
	req.Header.Set("X-Auth-Token", sb.Tokens.Full)
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var info struct {
		StoreID int64 `json:"store_id"`
	}
	json.NewDecoder(resp.Body).Decode(&info)
	resp.Body.Close()
	body := fmt.Sprintf(`{"scope":"store/order/created","store_id":"%d","data":{"type":"order","id":%d},"hash":"h%d","created_at":%d,"producer":"stores/%s"}`,
		info.StoreID, orderID, orderID, time.Now().Unix(), sb.StoreHash)
	post := func(secret, body string) int {
		req, _ := http.NewRequest(http.MethodPost, "https://"+addr+"/bigc/hooks", strings.NewReader(body))
		if secret != "" {
			req.Header.Set(webhooks.SecretHeader, secret)
		}
		resp, err := httpsClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := post("", body); got != http.StatusUnauthorized {
		t.Errorf("callback without the secret: %d, want 401", got)
	}
	if got := post("whsec_forged", body); got != http.StatusUnauthorized {
		t.Errorf("callback with a wrong secret: %d, want 401", got)
	}
	if got := post(secret, strings.Replace(body, `"store_id":"`, `"store_id":"9`, 1)); got != http.StatusForbidden {
		t.Errorf("callback for another store: %d, want 403", got)
	}
	for range 2 { // a redelivery is answered 200 and emitted once
		if got := post(secret, body); got != http.StatusOK {
			t.Fatalf("authentic callback: %d, want 200; stderr:\n%s", got, l.stderr.String())
		}
	}
	waitForWebhook(t, "the order in the output", func() bool { return outputCounts(t, out)[orderID] > 0 })
	l.stop(t)
	if got := outputCounts(t, out); len(got) != 1 || got[orderID] != 1 {
		t.Errorf("output holds orders %v, want order %d once", got, orderID)
	}
	if !strings.Contains(l.stderr.String(), "0 pending") || strings.Contains(l.stderr.String(), secret) {
		t.Errorf("listen's stderr (want a summary with nothing pending, and no secret):\n%s", l.stderr.String())
	}

	// reactivate, delete; a deleted hook is not found.
	if r := decodeJSON[subscriptionOut](t, b.mustRun("", "webhooks", "reactivate", fmt.Sprint(sub.ID), "--connection", "shop")); !r.IsActive {
		t.Errorf("reactivate = %+v", r)
	}
	b.mustRun("", "webhooks", "delete", fmt.Sprint(sub.ID), "--connection", "shop")
	if kept, _ := (webhooks.SecretStore{Dir: filepath.Dir(secretPath)}).Load("shop"); len(kept) != 0 {
		t.Errorf("secrets kept after delete: %d", len(kept))
	}
	b.wantExit(exitNotFound, tools.CategoryNotFound, "", "webhooks", "delete", fmt.Sprint(sub.ID), "--connection", "shop")
	b.wantExit(exitNotFound, tools.CategoryNotFound, "", "webhooks", "reactivate", fmt.Sprint(sub.ID), "--connection", "shop")
}

// selfSignedCert writes a certificate for 127.0.0.1 and its key, and returns
// their paths and a client that trusts the certificate.
func selfSignedCert(t *testing.T) (certFile, keyFile string, client *http.Client) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
}

func waitForWebhook(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// lockedBuffer is safe for a process's writes and the test's reads.
type lockedBuffer = syncbuf.Buffer

// listenProc is a running `bigc webhooks listen`.
type listenProc struct {
	cmd    *exec.Cmd
	stderr *lockedBuffer
	exited chan error
}

// startListen runs bigc webhooks listen with args; it is killed when the
// test ends if stop was not called.
func startListen(t *testing.T, b *bin, args ...string) *listenProc {
	t.Helper()
	cmd := exec.Command(bigcBin, append([]string{"--config", b.cfg, "webhooks", "listen"}, args...)...)
	cmd.Env = append(os.Environ(), b.env...)
	l := &listenProc{cmd: cmd, stderr: &lockedBuffer{}, exited: make(chan error, 1)}
	cmd.Stderr = l.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { l.exited <- cmd.Wait() }()
	t.Cleanup(func() { cmd.Process.Kill() })
	return l
}

// waitFor waits until listen has written text on stderr.
func (l *listenProc) waitFor(t *testing.T, text string) {
	t.Helper()
	waitForWebhook(t, fmt.Sprintf("listen to print %q", text), func() bool { return strings.Contains(l.stderr.String(), text) })
}

// stop interrupts listen, as Ctrl-C does, and waits for a clean exit.
func (l *listenProc) stop(t *testing.T) {
	t.Helper()
	l.cmd.Process.Signal(os.Interrupt)
	select {
	case err := <-l.exited:
		if err != nil {
			t.Errorf("listen exited with %v; stderr:\n%s", err, l.stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("listen did not stop on SIGINT")
	}
}

// createSandboxOrder creates a real (status 11) order through the operator
// endpoint of the sandbox at baseURL and returns its ID.
func createSandboxOrder(t *testing.T, baseURL string) int64 {
	t.Helper()
	resp, err := http.Post(baseURL+"/_sandbox/orders", "application/json", strings.NewReader(`{"status_id":11,
		"billing_address":{"first_name":"Ada","last_name":"L","street_1":"1 Main St","city":"Austin","state":"Texas","zip":"78701","country":"United States","country_iso2":"US","email":"ada@example.com"},
		"products":[{"name":"Gift","quantity":1,"price_ex_tax":"5.00","price_inc_tax":"5.00"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var order struct{ ID int64 }
	json.NewDecoder(resp.Body).Decode(&order)
	if order.ID == 0 {
		t.Fatalf("creating an order in the sandbox: status %d", resp.StatusCode)
	}
	return order.ID
}

// outputCounts reads a JSON Lines output and returns how many lines it holds
// per order ID; it fails the test if a version of any record (same stream,
// ID and date_modified) is there twice.
func outputCounts(t *testing.T, path string) map[int64]int {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	seen := map[state.EmittedKey]bool{}
	orders := map[int64]int{}
	for _, line := range strings.Split(string(data), "\n") {
		if line == "" {
			continue
		}
		k, err := syncer.ParseLine([]byte(line))
		if err != nil {
			t.Fatalf("%s: line %q: %v", path, line, err)
		}
		if seen[k] {
			t.Errorf("%s: %s %d version %d is there twice", path, k.Stream, k.ID, k.DateModified)
		}
		seen[k] = true
		if k.Stream == syncer.StreamOrders {
			orders[k.ID]++
		}
	}
	return orders
}

// TestE2EWebhooksListenSandbox runs listen --sandbox, which subscribes the
// embedded sandbox to itself: an order created in that sandbox (through the
// operator endpoint listen names) is delivered, verified, stored and written
// to --out once, and the hooks and their secrets are gone after the stop.
func TestE2EWebhooksListenSandbox(t *testing.T) {
	t.Parallel()
	b := newBin(t)
	out := filepath.Join(t.TempDir(), "events.jsonl")
	l := startListen(t, b, "--sandbox", "--addr", "127.0.0.1:0", "--out", out)
	l.waitFor(t, "POST ")
	_, rest, _ := strings.Cut(l.stderr.String(), "embedded sandbox at ")
	sandboxURL, _, _ := strings.Cut(rest, " ")
	orderID := createSandboxOrder(t, sandboxURL)
	waitForWebhook(t, "the new order in the output", func() bool { return outputCounts(t, out)[orderID] > 0 })
	l.stop(t)
	// Live orders arrive in this sandbox too (outputCounts checks that no
	// version of them is written twice); none changes the order made here
	// in these few seconds.
	if n := outputCounts(t, out)[orderID]; n != 1 {
		t.Errorf("order %d is in the output %d times, want once; stderr:\n%s", orderID, n, l.stderr.String())
	}
	kept, err := webhooks.SecretStore{Dir: filepath.Join(b.cfg, "webhooks")}.Load("sandbox")
	if err != nil || len(kept) != 0 {
		t.Errorf("secrets kept after listen --sandbox stopped: %d, %v", len(kept), err)
	}
	if !strings.Contains(l.stderr.String(), "stopped; inbox:") || strings.Contains(l.stderr.String(), "no hook secrets") {
		t.Errorf("listen's stderr (want a summary, and no warning about missing secrets):\n%s", l.stderr.String())
	}
}

// TestE2EWebhooksSharedWithSync has the sandbox deliver order callbacks
// (duplicated half the time) to listen while sync orders polls the same
// store into the same output file: every order is written once.
func TestE2EWebhooksSharedWithSync(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, "--faults", "duplicate-delivery=0.5")
	b := newBin(t)
	b.addConnection(sb, "shop", sb.Tokens.Full)
	addr := freeAddr(t)
	out := filepath.Join(t.TempDir(), "orders.jsonl")
	l := startListen(t, b, "--connection", "shop", "--addr", addr, "--out", out)
	l.waitFor(t, "listening on http://")
	// The client takes a plain http destination on a loopback host, which
	// only a local sandbox delivers to.
	b.mustRun("", "webhooks", "subscribe", "--connection", "shop", "--scope", "store/order/created",
		"--destination", "http://"+addr+"/bigc/hooks")
	pollOnce := func() syncSummary {
		t.Helper()
		return decodeJSON[syncSummary](t, b.mustRun("", "sync", "orders", "--connection", "shop", "--out", out, "--lag", "1ms"))
	}
	// nextSecond waits until the store's second-granular clock has moved
	// past the orders just made, so that the sync's window takes them in.
	nextSecond := func() {
		made := time.Now().Truncate(time.Second)
		for time.Now().Truncate(time.Second).Equal(made) {
			time.Sleep(10 * time.Millisecond)
		}
	}
	first := pollOnce() // the seeded orders, by polling only

	// Written by webhooks first, then read again by the sync.
	var ids []int64
	for range 3 {
		ids = append(ids, createSandboxOrder(t, sb.URL))
	}
	waitForWebhook(t, "the webhooks' orders in the output", func() bool {
		got := outputCounts(t, out)
		return got[ids[0]] > 0 && got[ids[1]] > 0 && got[ids[2]] > 0
	})
	nextSecond()
	if s := pollOnce(); s.Records != 0 || s.Duplicates < len(ids) {
		t.Errorf("sync after the webhooks wrote %d orders: %d written, %d already there; want 0 and at least %d", len(ids), s.Records, s.Duplicates, len(ids))
	}
	// Both at once.
	for range 3 {
		ids = append(ids, createSandboxOrder(t, sb.URL))
	}
	nextSecond()
	pollOnce()
	waitForWebhook(t, "every order in the output", func() bool {
		got := outputCounts(t, out)
		for _, id := range ids {
			if got[id] == 0 {
				return false
			}
		}
		return true
	})
	l.stop(t)
	got := outputCounts(t, out)
	for _, id := range ids {
		if got[id] != 1 {
			t.Errorf("order %d is in the output %d times, want once", id, got[id])
		}
	}
	if len(got) != first.Records+len(ids) {
		t.Errorf("output holds %d orders, want the %d the first sync wrote and the %d made since", len(got), first.Records, len(ids))
	}
}

// freeAddr returns a loopback host:port nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestListenOutputPathCheckedFirst: webhooks listen --out naming a directory
// or a path through a file is the user's to fix: exit 2 with the path
// named, before the store is asked anything (issue 10 section 5).
func TestListenOutputPathCheckedFirst(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "a-file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, out, want string
	}{
		{"a directory", dir, dir},
		{"a file in the path", filepath.Join(file, "dir", "x.jsonl"), "--out " + file + "/dir/x.jsonl: " + file + " is a file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, srv := savedStore(t, sandbox.Options{Seed: 1}, "shop", false)
			r := runBigc(t, cfg, "", "webhooks", "listen", "--connection", "shop", "--addr", "127.0.0.1:0", "--out", tt.out)
			if r.code != exitBadInput || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q named", r.code, r.stderr, tt.want)
			}
			if n := srv.Store.Stats().Requests; n != 0 {
				t.Errorf("%d requests sent before the refusal", n)
			}
		})
	}
}

// TestListenSandboxSubscribesToEveryDeletion: listen --sandbox subscribes to
// each deletion event the worker turns into a tombstone, so a category or
// shipment deleted in the embedded sandbox reaches the next sync.
func TestListenSandboxSubscribesToEveryDeletion(t *testing.T) {
	for _, event := range webhooks.DeletionScopes() {
		covered := false
		for _, scope := range sandboxScopes {
			if scope == event || (strings.HasSuffix(scope, "/*") && strings.HasPrefix(event, strings.TrimSuffix(scope, "*"))) {
				covered = true
			}
		}
		if !covered {
			t.Errorf("listen --sandbox subscribes to %v, none of which delivers %s", sandboxScopes, event)
		}
	}
}
