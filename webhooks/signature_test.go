package webhooks

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestNewSecret(t *testing.T) {
	t.Parallel()
	a, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewSecret()
	if a == b {
		t.Fatal("two secrets are equal")
	}
	if !strings.HasPrefix(string(a), "whsec_") || len(a.Key()) != 32 {
		t.Errorf("secret %d chars, key %d bytes; want whsec_ form with a 32-byte key", len(a), len(a.Key()))
	}
	if got := Secret("plain").Key(); string(got) != "plain" {
		t.Errorf("Key of a plain secret = %q", got)
	}
}

func TestMatchSecret(t *testing.T) {
	t.Parallel()
	secrets := []Secret{"whsec_one", "whsec_two"}
	tests := []struct {
		got   string
		want  Secret
		match bool
	}{
		{"whsec_two", "whsec_two", true},
		{"whsec_one", "whsec_one", true},
		{"whsec_tw", "", false},
		{"whsec_two ", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		s, ok := matchSecret(tt.got, secrets)
		if s != tt.want || ok != tt.match {
			t.Errorf("matchSecret(%q) = %q, %v; want %q, %v", tt.got, s, ok, tt.want, tt.match)
		}
	}
	if _, ok := matchSecret("", []Secret{""}); ok {
		t.Error("an empty header matched an empty secret")
	}
}

func TestVerifySignature(t *testing.T) {
	t.Parallel()
	key := []byte("0123456789abcdef0123456789abcdef")
	now := time.Unix(1_700_000_000, 0)
	body := []byte(orderCreated)
	ts := strconv.FormatInt(now.Unix(), 10)
	good := Sign(key, "msg_1", now.Unix(), body)
	tests := []struct {
		name         string
		id, ts, sigs string
		body         []byte
		key          []byte
		wantErr      error
	}{
		{name: "valid", id: "msg_1", ts: ts, sigs: good, body: body, key: key},
		{name: "one of several", id: "msg_1", ts: ts, sigs: "v1,AAAA " + good + " v1a,xyz", body: body, key: key},
		{name: "4m59s old", id: "msg_1", ts: strconv.FormatInt(now.Unix()-299, 10), sigs: Sign(key, "msg_1", now.Unix()-299, body), body: body, key: key},
		{name: "replayed 6 minutes later", id: "msg_1", ts: strconv.FormatInt(now.Unix()-360, 10), sigs: Sign(key, "msg_1", now.Unix()-360, body), body: body, key: key, wantErr: ErrStale},
		{name: "from the future", id: "msg_1", ts: strconv.FormatInt(now.Unix()+360, 10), sigs: Sign(key, "msg_1", now.Unix()+360, body), body: body, key: key, wantErr: ErrStale},
		{name: "huge timestamp", id: "msg_1", ts: "9223372036854775807", sigs: good, body: body, key: key, wantErr: ErrStale},
		{name: "wrong key", id: "msg_1", ts: ts, sigs: good, body: body, key: []byte("other"), wantErr: ErrBadSignature},
		{name: "body changed", id: "msg_1", ts: ts, sigs: good, body: append([]byte(" "), body...), key: key, wantErr: ErrBadSignature},
		{name: "id changed", id: "msg_2", ts: ts, sigs: good, body: body, key: key, wantErr: ErrBadSignature},
		{name: "no signature", id: "msg_1", ts: ts, sigs: "", body: body, key: key, wantErr: ErrBadSignature},
		{name: "wrong version", id: "msg_1", ts: ts, sigs: strings.Replace(good, "v1,", "v2,", 1), body: body, key: key, wantErr: ErrBadSignature},
		{name: "not base64", id: "msg_1", ts: ts, sigs: "v1,!!!", body: body, key: key, wantErr: ErrBadSignature},
		{name: "no id", id: "", ts: ts, sigs: good, body: body, key: key, wantErr: ErrBadSignature},
		{name: "bad timestamp", id: "msg_1", ts: "yesterday", sigs: good, body: body, key: key, wantErr: ErrBadSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := VerifySignature(tt.key, tt.id, tt.ts, tt.sigs, tt.body, now)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Errorf("VerifySignature = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func FuzzVerifySignature(f *testing.F) {
	key := []byte("fuzz-key")
	now := time.Unix(1_700_000_000, 0)
	f.Add("msg_1", "1700000000", Sign(key, "msg_1", 1_700_000_000, []byte("{}")), []byte("{}"))
	f.Add("msg_1", "1700000000", "v1,"+strings.Repeat("A", 44), []byte("{}"))
	f.Add("", "", "", []byte(nil))
	f.Add("x", "-9223372036854775808", "v1, v1,, ,", []byte("x"))
	f.Fuzz(func(t *testing.T, id, ts, sigs string, body []byte) {
		err := VerifySignature(key, id, ts, sigs, body, now)
		if err == nil {
			// Accepted only if one of the signatures really is the MAC.
			n, perr := strconv.ParseInt(ts, 10, 64)
			if perr != nil {
				t.Fatalf("accepted unparsable timestamp %q", ts)
			}
			if d := now.Unix() - n; d > 300 || d < -300 {
				t.Fatalf("accepted timestamp %d outside tolerance", n)
			}
			want := strings.TrimPrefix(Sign(key, id, n, body), "v1,")
			if ts != strconv.FormatInt(n, 10) {
				return // a non-canonical timestamp string is signed as sent
			}
			found := false
			for _, s := range strings.Fields(sigs) {
				if s == "v1,"+want {
					found = true
				}
			}
			if !found {
				t.Fatalf("accepted %q without a matching signature", sigs)
			}
		} else if !errors.Is(err, ErrBadSignature) && !errors.Is(err, ErrStale) {
			t.Fatalf("unexpected error class: %v", err)
		}
	})
}
