package sandbox

import (
	"fmt"
	"testing"
)

type pageJSON struct {
	ID        int     `json:"id"`
	ChannelID int     `json:"channel_id"`
	Name      string  `json:"name"`
	Type      string  `json:"type"`
	URL       string  `json:"url"`
	Body      *string `json:"body"`
}

func TestPages(t *testing.T) {
	t.Parallel()
	c := newClient(t, Options{Orders: 2, Customers: 2, Products: 2})
	list := must[envelope[[]pageJSON]](t, c.get("/v3/content/pages"), 200).Data
	if len(list) < 3 {
		t.Fatalf("seeded pages = %+v", list)
	}
	for _, p := range list {
		if p.Body != nil {
			t.Errorf("page %d has a body without include=body", p.ID)
		}
	}
	withBody := must[envelope[pageJSON]](t, c.get(fmt.Sprintf("/v3/content/pages/%d?include=body", list[0].ID)), 200).Data
	if withBody.Body == nil || *withBody.Body == "" {
		t.Errorf("include=body gave %+v", withBody)
	}
	if r := c.get(fmt.Sprintf("/v3/content/pages/%d?channel_id=2", list[0].ID)); r.status != 404 {
		t.Errorf("a page outside the filter = %d, want 404", r.status)
	}
	one := must[envelope[[]pageJSON]](t, c.do("POST", "/v3/content/pages", obj{"name": "FAQ", "type": "page", "body": "<p>Q</p>"}), 201).Data
	if len(one) != 1 || one[0].ChannelID != 1 || one[0].URL == "" {
		t.Errorf("single create = %+v", one)
	}
	e := must[v3Err](t, c.do("POST", "/v3/content/pages", []obj{{"name": "Ok", "type": "link", "link": "https://example.com"}, {"name": "Raw", "type": "raw"}}), 422)
	if _, ok := e.Errors["1.body"]; !ok {
		t.Errorf("raw without body: errors %v", e.Errors)
	}
	if got := must[envelope[[]pageJSON]](t, c.get("/v3/content/pages?name=Ok"), 200).Data; len(got) != 0 {
		t.Errorf("a refused batch made %+v", got)
	}
	two := must[envelope[[]pageJSON]](t, c.do("POST", "/v3/content/pages", []obj{{"name": "A", "type": "page", "body": "a"}, {"name": "B", "type": "link", "link": "https://example.com/b"}}), 201).Data
	if len(two) != 2 {
		t.Fatalf("batch create = %+v", two)
	}
	upd := must[envelope[[]pageJSON]](t, c.do("PUT", "/v3/content/pages", []obj{{"id": two[0].ID, "name": "A2"}}), 200).Data
	if upd[0].Name != "A2" {
		t.Errorf("batch update = %+v", upd)
	}
	if r := c.do("PUT", "/v3/content/pages", []obj{{"name": "no id"}}); r.status != 422 {
		t.Errorf("update without id = %d, want 422", r.status)
	}
	if r := c.do("DELETE", "/v3/content/pages", nil); r.status != 422 {
		t.Errorf("DELETE without id:in = %d, want 422", r.status)
	}
	if r := c.do("DELETE", fmt.Sprintf("/v3/content/pages?id:in=%d,%d,99999", two[0].ID, two[1].ID), nil); r.status != 404 {
		t.Errorf("DELETE with a missing id = %d, want 404", r.status)
	}
	if r := c.get(fmt.Sprintf("/v3/content/pages/%d", two[0].ID)); r.status != 404 {
		t.Errorf("deleted page = %d, want 404 (the pages that existed are deleted)", r.status)
	}
	if got := must[envelope[[]pageJSON]](t, c.get("/v3/content/pages?name:like=FA"), 200).Data; len(got) != 1 || got[0].Name != "FAQ" {
		t.Errorf("name:like = %+v", got)
	}
}
