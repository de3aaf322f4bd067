package cli

import (
	"bufio"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/bigc-dev/bigc/tools"
)

func TestSandboxServeAnswersBothTokens(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, "--seed", "3", "--quota", "100/30s")
	for name, tok := range map[string]string{"full": sb.Tokens.Full, "read_only": sb.Tokens.ReadOnly} {
		req, _ := http.NewRequest("GET", sb.URL+"/stores/"+sb.StoreHash+"/v2/time", nil)
		req.Header.Set("X-Auth-Token", tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body struct {
			Time int64 `json:"time"`
		}
		err = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != 200 || err != nil || body.Time == 0 {
			t.Errorf("GET /v2/time with the %s token: %d %+v %v", name, resp.StatusCode, body, err)
		}
		if resp.Header.Get("X-Rate-Limit-Requests-Quota") != "100" {
			t.Errorf("--quota 100/30s: quota header %q", resp.Header.Get("X-Rate-Limit-Requests-Quota"))
		}
	}
}

// TestSandboxServeStopsOnInterrupt checks the ready line is the only stdout
// output and that SIGINT ends the process with exit code 0.
func TestSandboxServeStopsOnInterrupt(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(bigcBin, "sandbox", "serve", "--orders", "3", "--products", "3", "--customers", "3")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	if !sc.Scan() {
		t.Fatal("no ready line")
	}
	var ready map[string]any
	if err := json.Unmarshal(sc.Bytes(), &ready); err != nil || len(ready) != 4 || ready["url"] == nil || ready["store_hash"] == nil || ready["tokens"] == nil || ready["client_secret"] == nil {
		t.Fatalf("ready line %q: %v", sc.Text(), err)
	}
	cmd.Process.Signal(os.Interrupt)
	done := make(chan error, 1)
	go func() {
		for sc.Scan() {
			t.Errorf("more stdout after the ready line: %q", sc.Text())
		}
		done <- cmd.Wait()
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("after SIGINT: %v, want exit 0", err)
		}
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("bigc sandbox serve did not stop on SIGINT")
	}
}

func TestSandboxServeRefusesBadFlags(t *testing.T) {
	t.Parallel()
	b := newBin(t)
	for _, args := range [][]string{
		{"--quota", "150"},
		{"--quota", "x/30s"},
		{"--quota", "150/soon"},
		{"--faults", "explode=1"},
		{"--faults", "reset=2"},
		{"--orders", "-1"},
		{"--live", "-2"},
		{"--seed", "0"},
		{"--webhook-retry-scale", "0"},
		{"--webhook-retry-scale", "1.5"},
		{"--webhook-retry-scale", "-0.1"},
		{"--plan", "gold"},
		{"--plan", "enterprise"},
		{"--plan", "pro", "--quota", "10/1s"},
	} {
		r := b.wantExit(exitBadInput, tools.CategoryBadInput, "", append([]string{"sandbox", "serve"}, args...)...)
		if strings.Contains(r.stdout, `"store_hash"`) {
			t.Errorf("%v started a sandbox: %s", args, r.stdout)
		}
	}
}

func TestParseQuota(t *testing.T) {
	t.Parallel()
	q, w, err := parseQuota("150/30s")
	if err != nil || q != 150 || w != 30*time.Second {
		t.Errorf("parseQuota(150/30s) = %d %v %v", q, w, err)
	}
	for _, bad := range []string{"", "150", "0/30s", "150/0s", "a/b"} {
		if _, _, err := parseQuota(bad); err == nil {
			t.Errorf("parseQuota(%q) accepted", bad)
		}
	}
}

func TestSandboxServeFlagsToOptions(t *testing.T) {
	t.Parallel()
	f := sandboxServeFlags{seed: 4, products: 2, customers: 0, orders: 7, live: 0.5, webhookRetryScale: 0.001, stateDir: "/tmp/x"}
	opts, err := f.options()
	if err != nil {
		t.Fatal(err)
	}
	if opts.StateDir != "/tmp/x" || opts.WebhookRetryScale != 0.001 || opts.Seed != 4 || opts.Products != 2 || opts.Customers != -1 || opts.Orders != 7 || opts.Live != 0.5 {
		t.Errorf("options = %+v", opts)
	}
	for _, scale := range []float64{0, -1, 1.01} {
		f.webhookRetryScale = scale
		if _, err := f.options(); err == nil || !strings.Contains(err.Error(), "--webhook-retry-scale") {
			t.Errorf("--webhook-retry-scale %v: err = %v, want one naming the flag", scale, err)
		}
	}
}

func TestSandboxServePlanSetsItsQuota(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		plan, quota string
		want        int
	}{{"standard", "", 150}, {"Plus", "", 150}, {"pro", "", 450}, {"enterprise", "900/30s", 900}, {"", "", 0}} {
		f := sandboxServeFlags{seed: 1, plan: tt.plan, quota: tt.quota, webhookRetryScale: 1}
		opts, err := f.options()
		if err != nil || opts.Quota != tt.want || tt.want != 0 && opts.Window != 30*time.Second {
			t.Errorf("--plan %q --quota %q: quota %d per %v, %v; want %d per 30s", tt.plan, tt.quota, opts.Quota, opts.Window, err, tt.want)
		}
	}
}
