package sandbox

import (
	"fmt"
	"slices"
	"strings"
)

type brand struct {
	ID              int       `json:"id"`
	Name            string    `json:"name"`
	PageTitle       string    `json:"page_title"`
	MetaKeywords    []string  `json:"meta_keywords"`
	MetaDescription string    `json:"meta_description"`
	ImageURL        string    `json:"image_url"`
	SearchKeywords  string    `json:"search_keywords"`
	CustomURL       customURL `json:"custom_url"`
	dateModified    isoTime
}

func (cat *catalog) addBrand(b *brand) {
	cat.brands[b.ID] = b
	i, _ := slices.BinarySearch(cat.brandIDs, b.ID)
	cat.brandIDs = slices.Insert(cat.brandIDs, i, b.ID)
}

type brandInput struct {
	Name            *string    `json:"name"`
	PageTitle       *string    `json:"page_title"`
	MetaKeywords    *[]string  `json:"meta_keywords"`
	MetaDescription *string    `json:"meta_description"`
	ImageURL        *string    `json:"image_url"`
	SearchKeywords  *string    `json:"search_keywords"`
	CustomURL       *customURL `json:"custom_url"`
}

// listBrands serves GET /v3/catalog/brands (id and name filters).
func (s *Store) listBrands(c *call) {
	ids, err := c.v3Num("id", intParser())
	if err != nil {
		c.badFilter(err)
		return
	}
	names := c.v3Str("name")
	var out []*brand
	for _, id := range s.cat.brandIDs {
		if b := s.cat.brands[id]; ids.match(int64(b.ID)) && names.match(b.Name) {
			out = append(out, b)
		}
	}
	v3FieldList(c, out, "id")
}

func (c *call) brandOr404() *brand {
	b := c.s.cat.brands[c.id(0)]
	if b == nil {
		c.notFound()
	}
	return b
}

func (s *Store) getBrand(c *call) {
	if b := c.brandOr404(); b != nil {
		c.v3Data(200, b)
	}
}

// checkBrand requires a name of 1-255 characters, unique in the store (409).
func (cat *catalog) checkBrand(in *brandInput, self int, create bool) error {
	if in.Name == nil {
		if create {
			return &validationError{"Missing Required Fields", map[string]string{"name": "Please provide a name."}}
		}
		return nil
	}
	if len(*in.Name) < 1 || len(*in.Name) > 255 {
		return &validationError{"Invalid fields", map[string]string{"name": "The field 'name' must be between 1 and 255 characters."}}
	}
	for _, b := range cat.brands {
		if b.ID != self && strings.EqualFold(b.Name, *in.Name) {
			return &conflictError{"The brand name is a duplicate", "name", fmt.Sprintf("Brand name %q is already used by brand %d.", *in.Name, b.ID)}
		}
	}
	return nil
}

func applyBrand(b *brand, in *brandInput) {
	setIf(&b.Name, in.Name)
	setIf(&b.PageTitle, in.PageTitle)
	setIf(&b.MetaKeywords, in.MetaKeywords)
	setIf(&b.MetaDescription, in.MetaDescription)
	setIf(&b.ImageURL, in.ImageURL)
	setIf(&b.SearchKeywords, in.SearchKeywords)
	setIf(&b.CustomURL, in.CustomURL)
}

// createBrand serves POST /v3/catalog/brands.
func (s *Store) createBrand(c *call) {
	var in brandInput
	if !c.decode(&in) || !c.writeErr(s.cat.checkBrand(&in, 0, true)) {
		return
	}
	s.ids.brand++
	b := &brand{ID: s.ids.brand, MetaKeywords: []string{}, dateModified: isoTime(c.now.Unix())}
	applyBrand(b, &in)
	if b.CustomURL.URL == "" {
		b.CustomURL.URL = "/brands/" + slug(b.Name) + ".html"
	}
	s.cat.addBrand(b)
	c.v3Data(200, b)
}

func (s *Store) updateBrand(c *call) {
	b := c.brandOr404()
	var in brandInput
	if b == nil || !c.decode(&in) || !c.writeErr(s.cat.checkBrand(&in, b.ID, false)) {
		return
	}
	applyBrand(b, &in)
	b.dateModified = isoTime(c.now.Unix())
	c.v3Data(200, b)
}

// deleteBrand serves DELETE /v3/catalog/brands/{id}; products keep brand_id 0.
func (s *Store) deleteBrand(c *call) {
	b := c.brandOr404()
	if b == nil {
		return
	}
	delete(s.cat.brands, b.ID)
	s.cat.brandIDs = slices.DeleteFunc(s.cat.brandIDs, func(id int) bool { return id == b.ID })
	for _, p := range s.cat.products {
		if p.BrandID == b.ID {
			p.BrandID = 0
		}
	}
	c.noContent()
}
