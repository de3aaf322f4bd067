package sandbox

import (
	"fmt"
	"testing"
)

type channelJSON struct {
	ID        int    `json:"id"`
	Name      string `json:"name"`
	Type      string `json:"type"`
	Platform  string `json:"platform"`
	Status    string `json:"status"`
	IsEnabled bool   `json:"is_enabled"`
}

func TestChannels(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Orders: 20, Customers: 5, Products: 5})
	list := must[envelope[[]channelJSON]](t, c.get("/v3/channels"), 200)
	if len(list.Data) < 1 || list.Data[0].ID != 1 || list.Data[0].Type != "storefront" || list.Meta.Pagination == nil {
		t.Fatalf("channels = %+v", list)
	}
	// Every seeded order and customer is on a channel that exists.
	for _, o := range must[[]struct {
		ChannelID int `json:"channel_id"`
	}](t, c.get("/v2/orders?limit=20"), 200) {
		if r := c.get(fmt.Sprintf("/v3/channels/%d", o.ChannelID)); r.status != 200 {
			t.Errorf("order channel %d = %d", o.ChannelID, r.status)
		}
	}
	if got := must[envelope[[]channelJSON]](t, c.get("/v3/channels?type:in=marketplace"), 200).Data; len(got) != 1 || got[0].Type != "marketplace" {
		t.Errorf("type:in=marketplace = %+v", got)
	}
	e := must[v3Err](t, c.do("POST", "/v3/channels", obj{"name": "POS", "type": "till"}), 422)
	if _, ok := e.Errors["type"]; !ok {
		t.Errorf("bad type: errors %v", e.Errors)
	}
	if _, ok := e.Errors["platform"]; !ok {
		t.Errorf("missing platform: errors %v", e.Errors)
	}
	made := must[envelope[channelJSON]](t, c.do("POST", "/v3/channels", obj{"name": "Shop POS", "type": "pos", "platform": "square"}), 200).Data
	if made.ID == 0 || made.Status != "active" || !made.IsEnabled {
		t.Errorf("created = %+v", made)
	}
	upd := must[envelope[channelJSON]](t, c.do("PUT", fmt.Sprintf("/v3/channels/%d", made.ID), obj{"status": "deleted"}), 200).Data
	if upd.Status != "deleted" || upd.IsEnabled {
		t.Errorf("after status deleted = %+v", upd)
	}
	if r := c.do("PUT", fmt.Sprintf("/v3/channels/%d", made.ID), obj{"type": "storefront"}); r.status != 422 {
		t.Errorf("changing type = %d, want 422", r.status)
	}
	if r := c.do("DELETE", fmt.Sprintf("/v3/channels/%d", made.ID), nil); r.status != 405 {
		t.Errorf("DELETE channel = %d, want 405 (channels are retired by status)", r.status)
	}
	if r := c.get("/v3/channels/99"); r.status != 404 {
		t.Errorf("unknown channel = %d", r.status)
	}
}

// TestChannelRulesFromTheSpec: the channels spec keeps a channel's name,
// platform and type unique (422 on create, where it lists no 409; 409 on
// update), and answers 422 for a change of platform and for any change to a
// deleted or terminated channel.
func TestChannelRulesFromTheSpec(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Products: 1, Orders: 1})
	made := must[envelope[channelJSON]](t, c.do("POST", "/v3/channels", obj{"name": "Shop POS", "type": "pos", "platform": "square"}), 200).Data
	if r := c.do("POST", "/v3/channels", obj{"name": "Shop POS", "type": "pos", "platform": "square"}); r.status != 422 {
		t.Errorf("creating a second channel with one name, platform and type = %d, want 422: %s", r.status, r.body)
	}
	other := must[envelope[channelJSON]](t, c.do("POST", "/v3/channels", obj{"name": "Till 2", "type": "pos", "platform": "square"}), 200).Data
	if r := c.do("PUT", fmt.Sprintf("/v3/channels/%d", other.ID), obj{"name": "Shop POS"}); r.status != 409 {
		t.Errorf("renaming to a taken name = %d, want 409: %s", r.status, r.body)
	}
	if r := c.do("PUT", fmt.Sprintf("/v3/channels/%d", other.ID), obj{"platform": "clover"}); r.status != 422 {
		t.Errorf("changing platform = %d, want 422", r.status)
	}
	clover := must[envelope[channelJSON]](t, c.do("POST", "/v3/channels", obj{"name": "Back office", "type": "pos", "platform": "clover"}), 200).Data
	if r := c.do("PUT", fmt.Sprintf("/v3/channels/%d", made.ID), obj{"name": clover.Name}); r.status != 200 {
		t.Errorf("a name a channel of another platform holds = %d, want 200", r.status)
	}
	must[envelope[channelJSON]](t, c.do("PUT", fmt.Sprintf("/v3/channels/%d", made.ID), obj{"status": "terminated"}), 200)
	if r := c.do("PUT", fmt.Sprintf("/v3/channels/%d", made.ID), obj{"status": "active"}); r.status != 422 {
		t.Errorf("updating a terminated channel = %d, want 422", r.status)
	}
}
