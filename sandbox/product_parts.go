package sandbox

import (
	"fmt"
	"path"
	"slices"
)

// This file serves a product's options, images and custom fields.

// findPart finds the item of a product's sub-collection with the path's second id.
func findPart[T any](c *call, items []T, id func(T) int) (T, bool) {
	for _, it := range items {
		if id(it) == c.id(1) {
			return it, true
		}
	}
	var zero T
	c.notFound()
	return zero, false
}

type optionInput struct {
	DisplayName  *string             `json:"display_name"`
	Type         *string             `json:"type"`
	SortOrder    *int                `json:"sort_order"`
	Config       map[string]any      `json:"config"`
	OptionValues []optionValueCreate `json:"option_values"`
}

type optionValueCreate struct {
	ID        int            `json:"id"`
	Label     string         `json:"label"`
	SortOrder int            `json:"sort_order"`
	IsDefault bool           `json:"is_default"`
	ValueData map[string]any `json:"value_data"`
}

var optionTypes = []string{"radio_buttons", "rectangles", "dropdown", "product_list", "product_list_with_images", "swatch"}

func (s *Store) listOptions(c *call) {
	if p := c.productOr404(); p != nil {
		v3List(c, p.Options)
	}
}

func (s *Store) getOption(c *call) {
	if p := c.productOr404(); p != nil {
		if o, ok := findPart(c, p.Options, func(o *option) int { return o.ID }); ok {
			c.v3Data(200, o)
		}
	}
}

// createOption serves POST /v3/catalog/products/{id}/options.
func (s *Store) createOption(c *call) {
	p := c.productOr404()
	var in optionInput
	if p == nil || !c.decode(&in) {
		return
	}
	errs := map[string]string{}
	if in.DisplayName == nil || *in.DisplayName == "" {
		errs["display_name"] = "Please provide a display_name."
	}
	if in.Type == nil || !slices.Contains(optionTypes, *in.Type) {
		errs["type"] = "The field 'type' must be one of: radio_buttons, rectangles, dropdown, product_list, product_list_with_images, swatch."
	}
	if len(in.OptionValues) == 0 {
		errs["option_values"] = "Please provide at least one option value."
	}
	if len(errs) > 0 {
		c.invalid("Missing or invalid fields", errs)
		return
	}
	s.ids.option++
	o := &option{ID: s.ids.option, ProductID: p.ID, DisplayName: *in.DisplayName, Type: *in.Type,
		Name: fmt.Sprintf("%s%d", *in.DisplayName, s.ids.option), Config: in.Config, SortOrder: len(p.Options)}
	if o.Config == nil {
		o.Config = map[string]any{}
	}
	setIf(&o.SortOrder, in.SortOrder)
	for _, v := range in.OptionValues {
		s.ids.optionValue++
		o.OptionValues = append(o.OptionValues, &optionValue{ID: s.ids.optionValue, Label: v.Label, SortOrder: v.SortOrder, IsDefault: v.IsDefault, ValueData: v.ValueData})
	}
	p.Options = append(p.Options, o)
	s.touchProduct(p)
	c.v3Data(200, o)
}

// updateOption serves PUT /v3/catalog/products/{id}/options/{id}.
func (s *Store) updateOption(c *call) {
	p := c.productOr404()
	if p == nil {
		return
	}
	o, ok := findPart(c, p.Options, func(o *option) int { return o.ID })
	var in optionInput
	if !ok || !c.decode(&in) {
		return
	}
	setIf(&o.DisplayName, in.DisplayName)
	setIf(&o.Type, in.Type)
	setIf(&o.SortOrder, in.SortOrder)
	for _, v := range in.OptionValues {
		if v.ID == 0 {
			s.ids.optionValue++
			o.OptionValues = append(o.OptionValues, &optionValue{ID: s.ids.optionValue, Label: v.Label, SortOrder: v.SortOrder, IsDefault: v.IsDefault, ValueData: v.ValueData})
		}
	}
	s.touchProduct(p)
	c.v3Data(200, o)
}

// deleteOption serves DELETE /v3/catalog/products/{id}/options/{id}; the
// variants that use it go with it, as on the real API.
func (s *Store) deleteOption(c *call) {
	p := c.productOr404()
	if p == nil {
		return
	}
	o, ok := findPart(c, p.Options, func(o *option) int { return o.ID })
	if !ok {
		return
	}
	p.Options = slices.DeleteFunc(p.Options, func(x *option) bool { return x == o })
	p.Variants = slices.DeleteFunc(p.Variants, func(v *variant) bool {
		uses := slices.ContainsFunc(v.OptionValues, func(r optionValueRef) bool { return r.OptionID == o.ID })
		if uses {
			delete(s.cat.variants, v.ID)
			delete(s.cat.skus, v.SKU)
		}
		return uses
	})
	p.syncInventory()
	s.touchProduct(p)
	c.noContent()
}

type imageInput struct {
	ImageURL    *string `json:"image_url"`
	IsThumbnail *bool   `json:"is_thumbnail"`
	SortOrder   *int    `json:"sort_order"`
	Description *string `json:"description"`
}

// addImage stores an image given by URL (the sandbox fetches nothing).
func (s *Store) addImage(p *product, in imageInput) *image {
	s.ids.image++
	img := &image{ID: s.ids.image, ProductID: p.ID, DateModified: isoTime(s.now().Unix())}
	url := ""
	setIf(&url, in.ImageURL)
	s.fillImage(img, url)
	setIf(&img.IsThumbnail, in.IsThumbnail)
	setIf(&img.SortOrder, in.SortOrder)
	setIf(&img.Description, in.Description)
	if len(p.Images) == 0 {
		img.IsThumbnail = true
	}
	p.Images = append(p.Images, img)
	return img
}

// fillImage derives the CDN URLs BigCommerce reports from the image's file name.
func (s *Store) fillImage(img *image, url string) {
	name := path.Base(url)
	if name == "." || name == "/" || name == "" {
		name = fmt.Sprintf("image-%d.jpg", img.ID)
	}
	img.ImageFile = fmt.Sprintf("a/%03d/%s", img.ID%1000, name)
	base := fmt.Sprintf("https://cdn11.bigcommerce.com/s-%s/products/%d/images/%d/", s.hash, img.ProductID, img.ID)
	img.URLZoom = base + name + "?c=2"
	img.URLStandard = base + "standard__" + name
	img.URLThumbnail = base + "thumb__" + name
	img.URLTiny = base + "tiny__" + name
}

func (s *Store) listImages(c *call) {
	p := c.productOr404()
	if p == nil {
		return
	}
	if len(p.Images) == 0 {
		c.noContent() // the real API answers 204 when a product has no images
		return
	}
	v3List(c, p.Images)
}

func (s *Store) getImage(c *call) {
	if p := c.productOr404(); p != nil {
		if img, ok := findPart(c, p.Images, func(i *image) int { return i.ID }); ok {
			c.v3Data(200, img)
		}
	}
}

// createImage serves POST /v3/catalog/products/{id}/images (image_url only).
func (s *Store) createImage(c *call) {
	p := c.productOr404()
	var in imageInput
	if p == nil || !c.decode(&in) {
		return
	}
	if in.ImageURL == nil || *in.ImageURL == "" {
		c.invalid("Missing Required Fields", map[string]string{"image_url": "Please provide an image_url (file uploads are not simulated)."})
		return
	}
	img := s.addImage(p, in)
	s.touchProduct(p)
	c.v3Data(200, img)
}

func (s *Store) updateImage(c *call) {
	p := c.productOr404()
	if p == nil {
		return
	}
	img, ok := findPart(c, p.Images, func(i *image) int { return i.ID })
	var in imageInput
	if !ok || !c.decode(&in) {
		return
	}
	if in.ImageURL != nil {
		s.fillImage(img, *in.ImageURL)
	}
	setIf(&img.IsThumbnail, in.IsThumbnail)
	setIf(&img.SortOrder, in.SortOrder)
	setIf(&img.Description, in.Description)
	img.DateModified = isoTime(s.now().Unix())
	s.touchProduct(p)
	c.v3Data(200, img)
}

func (s *Store) deleteImage(c *call) {
	p := c.productOr404()
	if p == nil {
		return
	}
	img, ok := findPart(c, p.Images, func(i *image) int { return i.ID })
	if !ok {
		return
	}
	p.Images = slices.DeleteFunc(p.Images, func(x *image) bool { return x == img })
	s.touchProduct(p)
	c.noContent()
}

type customFieldInput struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

func (s *Store) listCustomFields(c *call) {
	if p := c.productOr404(); p != nil {
		v3List(c, p.CustomFields)
	}
}

func (s *Store) getCustomField(c *call) {
	if p := c.productOr404(); p != nil {
		if f, ok := findPart(c, p.CustomFields, func(f *customField) int { return f.ID }); ok {
			c.v3Data(200, f)
		}
	}
}

// checkCustomField applies BigCommerce's rules: name and value 1-250
// characters, at most 200 per product, each name-value pair unique.
func checkCustomField(p *product, in customFieldInput, self int) error {
	errs := map[string]string{}
	if len(in.Name) < 1 || len(in.Name) > 250 {
		errs["name"] = "The field 'name' must be between 1 and 250 characters."
	}
	if len(in.Value) < 1 || len(in.Value) > 250 {
		errs["value"] = "The field 'value' must be between 1 and 250 characters."
	}
	if len(errs) > 0 {
		return &validationError{"Invalid fields", errs}
	}
	if self == 0 && len(p.CustomFields) >= 200 {
		return &validationError{"Too many custom fields", map[string]string{"name": "A product has at most 200 custom fields."}}
	}
	for _, f := range p.CustomFields {
		if f.ID != self && f.Name == in.Name && f.Value == in.Value {
			return &conflictError{"The custom field is a duplicate", "name", fmt.Sprintf("Custom field %q=%q already exists.", in.Name, in.Value)}
		}
	}
	return nil
}

func (s *Store) createCustomField(c *call) {
	p := c.productOr404()
	var in customFieldInput
	if p == nil || !c.decode(&in) {
		return
	}
	if !c.writeErr(checkCustomField(p, in, 0)) {
		return
	}
	s.ids.customField++
	f := &customField{ID: s.ids.customField, Name: in.Name, Value: in.Value}
	p.CustomFields = append(p.CustomFields, f)
	s.touchProduct(p)
	c.v3Data(200, f)
}

func (s *Store) updateCustomField(c *call) {
	p := c.productOr404()
	if p == nil {
		return
	}
	f, ok := findPart(c, p.CustomFields, func(f *customField) int { return f.ID })
	if !ok {
		return
	}
	in := customFieldInput{Name: f.Name, Value: f.Value}
	if !c.decode(&in) || !c.writeErr(checkCustomField(p, in, f.ID)) {
		return
	}
	f.Name, f.Value = in.Name, in.Value
	s.touchProduct(p)
	c.v3Data(200, f)
}

func (s *Store) deleteCustomField(c *call) {
	p := c.productOr404()
	if p == nil {
		return
	}
	f, ok := findPart(c, p.CustomFields, func(f *customField) int { return f.ID })
	if !ok {
		return
	}
	p.CustomFields = slices.DeleteFunc(p.CustomFields, func(x *customField) bool { return x == f })
	s.touchProduct(p)
	c.noContent()
}
