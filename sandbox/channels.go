package sandbox

import (
	"fmt"
	"net/http"
	"slices"
)

// V3 channels (/v3/channels: list, create; /v3/channels/{id}: get,
// update). Every seeded order and customer belongs to channel 1, the
// store's BigCommerce storefront; the seed adds a marketplace channel with
// no orders. BigCommerce deletes no channel: a channel is retired with
// status "deleted" (or "archived"), which is what PUT does here too.

type channel struct {
	ID               int            `json:"id"`
	Name             string         `json:"name"`
	Type             string         `json:"type"`
	Platform         string         `json:"platform"`
	Status           string         `json:"status"`
	ExternalID       string         `json:"external_id"`
	IconURL          string         `json:"icon_url"`
	IsListableFromUI bool           `json:"is_listable_from_ui"`
	IsVisible        bool           `json:"is_visible"`
	IsEnabled        bool           `json:"is_enabled"`
	ConfigMeta       map[string]any `json:"config_meta"`
	DateCreated      isoTime        `json:"date_created"`
	DateModified     isoTime        `json:"date_modified"`
}

var (
	channelTypes    = []string{"storefront", "marketplace", "pos", "marketing"}
	channelStatuses = []string{"active", "prelaunch", "inactive", "connected", "disconnected", "archived", "deleted", "terminated"}
)

// seedChannels makes the storefront every seeded record is on, and a
// marketplace channel.
func seedChannels() recordBook[channel] {
	b := newRecordBook[channel](1)
	at := isoTime(anchor.AddDate(-2, 0, 0).Unix())
	for _, ch := range []*channel{
		{Name: "Default storefront", Type: "storefront", Platform: "bigcommerce", Status: "active"},
		{Name: "Amazon US", Type: "marketplace", Platform: "amazon", Status: "connected", ExternalID: "amzn-us"},
	} {
		ch.IsListableFromUI, ch.IsVisible, ch.IsEnabled, ch.ConfigMeta = true, true, true, map[string]any{}
		ch.DateCreated, ch.DateModified = at, at
		ch.ID = b.add(ch)
	}
	return b
}

type channelInput struct {
	Name             *string        `json:"name"`
	Type             *string        `json:"type"`
	Platform         *string        `json:"platform"`
	Status           *string        `json:"status"`
	ExternalID       *string        `json:"external_id"`
	IsListableFromUI *bool          `json:"is_listable_from_ui"`
	IsVisible        *bool          `json:"is_visible"`
	ConfigMeta       map[string]any `json:"config_meta"`
}

// checkChannel validates a create (all of name, type, platform) or update
// body; type and platform cannot change once set (the channels spec's
// "Update Type and Platform Error" 422).
func checkChannel(in *channelInput, create bool) map[string]string {
	errs := map[string]string{}
	if create {
		for name, v := range map[string]*string{"name": in.Name, "type": in.Type, "platform": in.Platform} {
			if v == nil || *v == "" {
				errs[name] = fmt.Sprintf("The field '%s' is required.", name)
			}
		}
	} else {
		if in.Type != nil {
			errs["type"] = "The field 'type' cannot be changed."
		}
		if in.Platform != nil {
			errs["platform"] = "The field 'platform' cannot be changed."
		}
	}
	if create && in.Type != nil && *in.Type != "" && !slices.Contains(channelTypes, *in.Type) {
		errs["type"] = "The field 'type' must be one of storefront, marketplace, pos, marketing."
	}
	if in.Status != nil && !slices.Contains(channelStatuses, *in.Status) {
		errs["status"] = "The field 'status' must be one of active, prelaunch, inactive, connected, disconnected, archived, deleted, terminated."
	}
	if in.Name != nil && *in.Name == "" {
		errs["name"] = "The field 'name' cannot be empty."
	}
	return errs
}

func applyChannel(ch *channel, in *channelInput) {
	setIf(&ch.Name, in.Name)
	setIf(&ch.Type, in.Type)
	setIf(&ch.Platform, in.Platform)
	setIf(&ch.Status, in.Status)
	setIf(&ch.ExternalID, in.ExternalID)
	setIf(&ch.IsListableFromUI, in.IsListableFromUI)
	setIf(&ch.IsVisible, in.IsVisible)
	if in.ConfigMeta != nil {
		ch.ConfigMeta = in.ConfigMeta
	}
	ch.IsEnabled = ch.Status != "deleted" && ch.Status != "terminated" && ch.Status != "archived"
}

// listChannels serves GET /v3/channels with type:in, platform:in,
// status:in and date_created / date_modified :min/:max.
func (s *Store) listChannels(c *call) {
	types, platforms, statuses := c.v3Str("type"), c.v3Str("platform"), c.v3Str("status")
	created, err := c.v3Num("date_created", c.dateParser())
	var modified numFilter
	if err == nil {
		modified, err = c.v3Num("date_modified", c.dateParser())
	}
	if err != nil {
		c.badFilter(err)
		return
	}
	v3List(c, s.chn.list(func(ch *channel) bool {
		return types.match(ch.Type) && platforms.match(ch.Platform) && statuses.match(ch.Status) &&
			created.match(int64(ch.DateCreated)) && modified.match(int64(ch.DateModified))
	}))
}

// createChannel serves POST /v3/channels (200; 422 for a name, platform and
// type another channel has).
func (s *Store) createChannel(c *call) {
	var in channelInput
	if !c.decode(&in) {
		return
	}
	if errs := checkChannel(&in, true); len(errs) > 0 {
		c.invalid("The channel is not valid", errs)
		return
	}
	if other := s.channelTaken(*in.Name, *in.Platform, *in.Type, 0); other != nil {
		// The spec lists only 200 and 422 for a create; its 409 is an update's.
		c.invalid("A channel with the same name, platform and type already exists", takenMessage(other))
		return
	}
	now := isoTime(c.now.Unix())
	ch := &channel{Status: "active", IsListableFromUI: true, IsVisible: true, ConfigMeta: map[string]any{}, DateCreated: now, DateModified: now}
	applyChannel(ch, &in)
	ch.ID = s.chn.add(ch)
	c.v3Data(http.StatusOK, ch)
}

// channelTaken is a channel other than id with this name, platform and
// type, a combination the channels spec keeps unique, or nil.
func (s *Store) channelTaken(name, platform, typ string, id int) *channel {
	taken := s.chn.list(func(o *channel) bool {
		return o.ID != id && o.Name == name && o.Platform == platform && o.Type == typ
	})
	if len(taken) == 0 {
		return nil
	}
	return taken[0]
}

func takenMessage(ch *channel) map[string]string {
	return map[string]string{"name": fmt.Sprintf("Channel %d is already named %q on %s (%s).", ch.ID, ch.Name, ch.Platform, ch.Type)}
}

// getChannel serves GET /v3/channels/{id}.
func (s *Store) getChannel(c *call) {
	if ch := recordOr404(c, &s.chn); ch != nil {
		c.v3Data(http.StatusOK, ch)
	}
}

// updateChannel serves PUT /v3/channels/{id}: 409 for a name another channel
// of the same platform and type has, 422 for a change of type or platform or
// to a deleted or terminated channel.
func (s *Store) updateChannel(c *call) {
	ch := recordOr404(c, &s.chn)
	var in channelInput
	if ch == nil || !c.decode(&in) {
		return
	}
	if errs := checkChannel(&in, false); len(errs) > 0 {
		c.invalid("The channel is not valid", errs)
		return
	}
	if ch.Status == "deleted" || ch.Status == "terminated" {
		c.invalid("The channel is not valid", map[string]string{"status": fmt.Sprintf("Channel %d is %s and can no longer be updated.", ch.ID, ch.Status)})
		return
	}
	if in.Name != nil {
		if other := s.channelTaken(*in.Name, ch.Platform, ch.Type, ch.ID); other != nil {
			c.conflict("A channel with the same name, platform and type already exists", takenMessage(other))
			return
		}
	}
	applyChannel(ch, &in)
	ch.DateModified = isoTime(c.now.Unix())
	c.v3Data(http.StatusOK, ch)
}
