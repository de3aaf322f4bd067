package webhooks

import (
	"context"
	"fmt"
	"iter"
	"maps"
	"path/filepath"
	"testing"

	"github.com/bigc-dev/bigc/bigcommerce"
)

// fakeHooks is a hooks API whose Create makes the hook and then fails as a
// connection dropped before the answer would.
type fakeHooks struct {
	hooks      map[int]*bigcommerce.Hook
	createErr  error
	creates    int
	updates    int
	nextHookID int
}

func (f *fakeHooks) All(ctx context.Context, opts *bigcommerce.HookListOptions) iter.Seq2[*bigcommerce.Hook, error] {
	return func(yield func(*bigcommerce.Hook, error) bool) {
		for _, h := range f.hooks {
			cp := *h
			cp.Headers = maps.Clone(h.Headers)
			if !yield(&cp, nil) {
				return
			}
		}
	}
}

func (f *fakeHooks) Create(ctx context.Context, r *bigcommerce.HookCreateRequest) (*bigcommerce.Hook, *bigcommerce.Response, error) {
	f.creates++
	f.nextHookID++
	h := &bigcommerce.Hook{ID: f.nextHookID, Scope: r.Scope, Destination: r.Destination, IsActive: r.IsActive, Headers: maps.Clone(r.Headers)}
	f.hooks[h.ID] = h
	if f.createErr != nil {
		return nil, nil, f.createErr
	}
	cp := *h
	return &cp, nil, nil
}

func (f *fakeHooks) Update(ctx context.Context, id int, r *bigcommerce.HookUpdateRequest) (*bigcommerce.Hook, *bigcommerce.Response, error) {
	f.updates++
	h := f.hooks[id]
	if h == nil {
		return nil, nil, fmt.Errorf("hook %d: %w", id, bigcommerce.ErrNotFound)
	}
	if r.IsActive != nil {
		h.IsActive = *r.IsActive
	}
	if r.Headers != nil {
		h.Headers = maps.Clone(r.Headers)
	}
	cp := *h
	return &cp, nil, nil
}

func (f *fakeHooks) Delete(ctx context.Context, id int) (*bigcommerce.Hook, *bigcommerce.Response, error) {
	h := f.hooks[id]
	if h == nil {
		return nil, nil, fmt.Errorf("hook %d: %w", id, bigcommerce.ErrNotFound)
	}
	delete(f.hooks, id)
	return h, nil, nil
}

func TestSubscribeReconcilesAnUnknownOutcome(t *testing.T) {
	t.Parallel()
	for _, createErr := range []error{bigcommerce.ErrOutcomeUnknown, bigcommerce.ErrConflict} {
		t.Run(createErr.Error(), func(t *testing.T) {
			t.Parallel()
			api := &fakeHooks{hooks: map[int]*bigcommerce.Hook{}, createErr: createErr}
			subs := &Subscriptions{Hooks: api, Secrets: SecretStore{Dir: filepath.Join(t.TempDir(), "webhooks")}, Connection: "shop"}
			sub, err := subs.Subscribe(context.Background(), "store/order/created", "https://x.example/h")
			if err != nil {
				t.Fatalf("Subscribe: %v", err)
			}
			if api.creates != 1 || len(api.hooks) != 1 || !sub.HasSecret || !sub.Reused {
				t.Fatalf("after an unknown outcome: %d creates, %d hooks, %+v; want the one hook adopted", api.creates, len(api.hooks), sub)
			}
			kept, _ := subs.Secrets.Load("shop")
			if len(kept) != 1 || api.hooks[sub.ID].Headers[SecretHeader] != string(kept[0].Secret) {
				t.Errorf("kept %+v, hook headers %v: the kept secret is not the hook's", kept, api.hooks[sub.ID].Headers)
			}
			// Subscribing again changes nothing.
			updates := api.updates
			if _, err := subs.Subscribe(context.Background(), "store/order/created", "https://x.example/h"); err != nil {
				t.Fatal(err)
			}
			if api.creates != 1 || api.updates != updates {
				t.Errorf("a repeated subscribe made %d creates and %d more updates", api.creates-1, api.updates-updates)
			}
		})
	}
}

func TestSubscribeRestoresALostSecret(t *testing.T) {
	t.Parallel()
	api := &fakeHooks{hooks: map[int]*bigcommerce.Hook{}}
	subs := &Subscriptions{Hooks: api, Secrets: SecretStore{Dir: filepath.Join(t.TempDir(), "webhooks")}, Connection: "shop"}
	first, err := subs.Subscribe(context.Background(), "store/order/created", "https://x.example/h")
	if err != nil {
		t.Fatal(err)
	}
	// The secrets file is lost (another machine, a wiped config dir).
	if err := subs.Secrets.Save("shop", nil); err != nil {
		t.Fatal(err)
	}
	again, err := subs.Subscribe(context.Background(), "store/order/created", "https://x.example/h")
	if err != nil {
		t.Fatal(err)
	}
	kept, _ := subs.Secrets.Load("shop")
	if again.ID != first.ID || len(kept) != 1 || api.hooks[first.ID].Headers[SecretHeader] != string(kept[0].Secret) {
		t.Errorf("after losing the secret: hook %d (was %d), kept %+v, header %q", again.ID, first.ID, kept, api.hooks[first.ID].Headers[SecretHeader])
	}
}

func TestSubscribeRefusesEmptyInput(t *testing.T) {
	t.Parallel()
	subs := &Subscriptions{Hooks: &fakeHooks{hooks: map[int]*bigcommerce.Hook{}}, Secrets: SecretStore{Dir: t.TempDir()}, Connection: "shop"}
	for _, in := range [][2]string{{"", "https://x.example/h"}, {"store/order/created", ""}} {
		if _, err := subs.Subscribe(context.Background(), in[0], in[1]); err == nil {
			t.Errorf("Subscribe(%q, %q) succeeded", in[0], in[1])
		}
	}
}
