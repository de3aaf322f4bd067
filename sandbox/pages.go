package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// V3 content pages (/v3/content/pages: list, create, update, delete by
// id:in, each taking one object or an array; /v3/content/pages/{id}: get,
// update, delete). body is answered only with include=body, as on
// BigCommerce. The seed makes a few pages of each type on channel 1.

type contentPage struct {
	ID              int     `json:"id"`
	ChannelID       int     `json:"channel_id"`
	Name            string  `json:"name"`
	IsVisible       bool    `json:"is_visible"`
	ParentID        int     `json:"parent_id"`
	SortOrder       int     `json:"sort_order"`
	Type            string  `json:"type"`
	IsHomepage      bool    `json:"is_homepage"`
	IsCustomersOnly bool    `json:"is_customers_only"`
	URL             string  `json:"url,omitempty"`
	MetaTitle       string  `json:"meta_title"`
	MetaKeywords    *string `json:"meta_keywords"`
	MetaDescription string  `json:"meta_description"`
	SearchKeywords  string  `json:"search_keywords"`
	Link            string  `json:"link,omitempty"`
	Email           *string `json:"email,omitempty"`
	ContactFields   *string `json:"contact_fields,omitempty"`
	ContentType     *string `json:"content_type,omitempty"`
	Body            *string `json:"body,omitempty"`
}

var pageTypes = []string{"page", "raw", "contact_form", "blog", "link"}

func seedPages() recordBook[contentPage] {
	b := newRecordBook[contentPage](1)
	for i, p := range []*contentPage{
		{Name: "Shipping & Returns", Type: "page", Body: ptr("<p>We ship within two days; returns within 30 days.</p>")},
		{Name: "About Us", Type: "page", Body: ptr("<p>A family business since 1998.</p>")},
		{Name: "Contact Us", Type: "contact_form", Body: ptr("<p>Write to us.</p>"), Email: ptr("help@example.com"), ContactFields: ptr("fullname,phone,orderno")},
		{Name: "Blog", Type: "blog", Body: ptr("")},
		{Name: "Size Guide", Type: "raw", Body: ptr("<table><tr><td>S</td><td>M</td></tr></table>"), ContentType: ptr("text/html")},
		{Name: "Our Instagram", Type: "link", Link: "https://instagram.example.com/store"},
	} {
		p.ChannelID, p.IsVisible, p.SortOrder, p.MetaKeywords = 1, true, i, ptr("")
		if p.Type != "link" {
			p.URL = "/" + slug(p.Name) + "/"
		}
		p.ID = b.add(p)
	}
	return b
}

// pageView is p as answered: body only when include asks for it.
func (c *call) pageView(p *contentPage) contentPage {
	v := *p
	if !c.includes()["body"] {
		v.Body = nil
	}
	return v
}

func (c *call) pageViews(list []*contentPage) []contentPage {
	out := make([]contentPage, len(list))
	for i, p := range list {
		out[i] = c.pageView(p)
	}
	return out
}

// pageFilter is channel_id, id:in, name and name:like.
func (c *call) pageFilter() (func(*contentPage) bool, bool) {
	ids, err := c.v3Num("id", intParser())
	var chans numFilter
	if err == nil {
		chans, err = c.v3Num("channel_id", intParser())
	}
	if err != nil {
		c.badFilter(err)
		return nil, false
	}
	names := c.v3Str("name")
	return func(p *contentPage) bool {
		return ids.match(int64(p.ID)) && chans.match(int64(p.ChannelID)) && names.match(p.Name)
	}, true
}

// listPages serves GET /v3/content/pages.
func (s *Store) listPages(c *call) {
	if keep, ok := c.pageFilter(); ok {
		v3List(c, c.pageViews(s.pgs.list(keep)))
	}
}

// getPage serves GET /v3/content/pages/{id}: 404 also when the page does
// not pass the query's filters, as the spec warns.
func (s *Store) getPage(c *call) {
	keep, ok := c.pageFilter()
	if !ok {
		return
	}
	p := s.pgs.get(c.id(0))
	if p == nil || !keep(p) {
		c.notFound()
		return
	}
	c.v3Data(http.StatusOK, c.pageView(p))
}

type pageInput struct {
	ID              *int    `json:"id"`
	ChannelID       *int    `json:"channel_id"`
	Name            *string `json:"name"`
	IsVisible       *bool   `json:"is_visible"`
	ParentID        *int    `json:"parent_id"`
	SortOrder       *int    `json:"sort_order"`
	Type            *string `json:"type"`
	IsHomepage      *bool   `json:"is_homepage"`
	IsCustomersOnly *bool   `json:"is_customers_only"`
	URL             *string `json:"url"`
	MetaTitle       *string `json:"meta_title"`
	MetaKeywords    *string `json:"meta_keywords"`
	MetaDescription *string `json:"meta_description"`
	SearchKeywords  *string `json:"search_keywords"`
	Link            *string `json:"link"`
	Email           *string `json:"email"`
	ContactFields   *string `json:"contact_fields"`
	ContentType     *string `json:"content_type"`
	Body            *string `json:"body"`
}

// decodePages reads one page object or an array of them.
func decodePages(c *call) ([]pageInput, bool) {
	var raw json.RawMessage
	if !c.decode(&raw) {
		return nil, false
	}
	var in []pageInput
	var err error
	if t := bytes.TrimSpace(raw); len(t) > 0 && t[0] == '[' {
		err = json.Unmarshal(t, &in)
	} else {
		in = make([]pageInput, 1)
		err = json.Unmarshal(t, &in[0])
	}
	if err != nil {
		c.invalid("Input is invalid", map[string]string{"body": "The body is not a page object or an array of them: " + err.Error()})
		return nil, false
	}
	return in, true
}

// checkPage validates one page of a body as it would be after the change
// (was is the page updated, nil on create); prefix names the fields.
func (s *Store) checkPage(in *pageInput, was *contentPage, prefix string, errs map[string]string) {
	f := func(name string) string { return prefix + name }
	v := contentPage{Type: "page"}
	if was != nil {
		v = *was
	}
	applyPage(&v, in)
	if v.Name == "" {
		errs[f("name")] = "missing the required field: name"
	}
	if !slices.Contains(pageTypes, v.Type) {
		errs[f("type")] = "The field 'type' must be one of " + strings.Join(pageTypes, ", ") + "."
	}
	if (v.Type == "page" || v.Type == "raw") && (v.Body == nil || *v.Body == "") {
		errs[f("body")] = "missing the required field: body"
	}
	if v.Type == "link" && v.Link == "" {
		errs[f("link")] = "missing the required field: link"
	}
	if v.ChannelID != 0 && s.chn.get(v.ChannelID) == nil {
		errs[f("channel_id")] = fmt.Sprintf("Channel %d does not exist.", v.ChannelID)
	}
	if v.ParentID != 0 && s.pgs.get(v.ParentID) == nil {
		errs[f("parent_id")] = fmt.Sprintf("Page %d does not exist.", v.ParentID)
	}
}

func applyPage(p *contentPage, in *pageInput) {
	setIf(&p.ChannelID, in.ChannelID)
	setIf(&p.Name, in.Name)
	setIf(&p.IsVisible, in.IsVisible)
	setIf(&p.ParentID, in.ParentID)
	setIf(&p.SortOrder, in.SortOrder)
	setIf(&p.Type, in.Type)
	setIf(&p.IsHomepage, in.IsHomepage)
	setIf(&p.IsCustomersOnly, in.IsCustomersOnly)
	setIf(&p.URL, in.URL)
	setIf(&p.MetaTitle, in.MetaTitle)
	setIf(&p.MetaDescription, in.MetaDescription)
	setIf(&p.SearchKeywords, in.SearchKeywords)
	setIf(&p.Link, in.Link)
	for _, f := range []struct{ src, dst **string }{{&in.MetaKeywords, &p.MetaKeywords}, {&in.Email, &p.Email},
		{&in.ContactFields, &p.ContactFields}, {&in.ContentType, &p.ContentType}, {&in.Body, &p.Body}} {
		if *f.src != nil {
			*f.dst = ptr(**f.src)
		}
	}
}

// createPages serves POST /v3/content/pages (201): every page is checked
// before any is made.
func (s *Store) createPages(c *call) {
	in, ok := decodePages(c)
	if !ok {
		return
	}
	errs := map[string]string{}
	for i := range in {
		if in[i].ChannelID == nil {
			in[i].ChannelID = ptr(1)
		}
		s.checkPage(&in[i], nil, fmt.Sprintf("%d.", i), errs)
	}
	if len(errs) > 0 {
		c.invalid("Input is invalid", errs)
		return
	}
	out := make([]*contentPage, len(in))
	for i := range in {
		p := &contentPage{Type: "page", IsVisible: true}
		applyPage(p, &in[i])
		if p.URL == "" && p.Type != "link" {
			p.URL = "/" + slug(p.Name) + "/"
		}
		p.ID = s.pgs.add(p)
		out[i] = p
	}
	c.v3Data(http.StatusCreated, c.pageViews(out))
}

// updatePages serves PUT /v3/content/pages: each item names its page by id.
func (s *Store) updatePages(c *call) {
	in, ok := decodePages(c)
	if !ok {
		return
	}
	errs := map[string]string{}
	for i := range in {
		if in[i].ID == nil {
			errs[fmt.Sprintf("%d.id", i)] = "missing the required field: id"
			continue
		}
		p := s.pgs.get(*in[i].ID)
		if p == nil {
			c.notFound()
			return
		}
		s.checkPage(&in[i], p, fmt.Sprintf("%d.", i), errs)
	}
	if len(errs) > 0 {
		c.invalid("Input is invalid", errs)
		return
	}
	out := make([]*contentPage, len(in))
	for i := range in {
		out[i] = s.pgs.get(*in[i].ID)
		applyPage(out[i], &in[i])
	}
	c.v3Data(http.StatusOK, c.pageViews(out))
}

// updatePage serves PUT /v3/content/pages/{id}.
func (s *Store) updatePage(c *call) {
	p := recordOr404(c, &s.pgs)
	if p == nil {
		return
	}
	var in pageInput
	if !c.decode(&in) {
		return
	}
	errs := map[string]string{}
	if s.checkPage(&in, p, "", errs); len(errs) > 0 {
		c.invalid("Input is invalid", errs)
		return
	}
	applyPage(p, &in)
	c.v3Data(http.StatusOK, c.pageView(p))
}

// deletePages serves DELETE /v3/content/pages?id:in=...: 422 without
// id:in; the pages that exist are deleted and a missing one answers 404.
func (s *Store) deletePages(c *call) {
	raw, ok := c.q["id:in"]
	if !ok {
		c.invalid("Input is invalid", map[string]string{"id:in": "missing the required field: id"})
		return
	}
	missing := 0
	for _, v := range split(strings.Join(raw, ",")) {
		id, err := strconv.Atoi(v)
		if err != nil {
			c.invalid("Input is invalid", map[string]string{"id:in": fmt.Sprintf("%q is not a page id.", v)})
			return
		}
		if s.pgs.get(id) == nil {
			missing = id
			continue
		}
		s.pgs.remove(id)
	}
	if missing != 0 {
		c.fail(http.StatusNotFound, fmt.Sprintf("A Page was not found with an ID of %d", missing), nil)
		return
	}
	c.noContent()
}

// deletePage serves DELETE /v3/content/pages/{id} (204).
func (s *Store) deletePage(c *call) {
	if recordOr404(c, &s.pgs) == nil {
		return
	}
	s.pgs.remove(c.id(0))
	c.noContent()
}
