package tools

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/importer"
)

// UpsertProductInput is a product to create or bring up to date, found by
// its SKU or any of its variants' SKUs: bigc import's logic for one product.
type UpsertProductInput struct {
	Name              string              `json:"name" bigc:"pattern=nonblank;maxLength=250"`
	SKU               string              `json:"sku,omitempty" jsonschema:"finds the product (or a variant's)" bigc:"maxLength=255"`
	Type              string              `json:"type,omitempty" jsonschema:"default physical" bigc:"enum=physical|digital"`
	Description       *string             `json:"description,omitempty" jsonschema:"HTML"`
	Price             bigcommerce.Decimal `json:"price,omitempty" jsonschema:"default the first variant's" bigc:"minimum=0"`
	SalePrice         bigcommerce.Decimal `json:"sale_price,omitempty" bigc:"minimum=0"`
	Weight            bigcommerce.Decimal `json:"weight,omitempty" bigc:"minimum=0"`
	Categories        []string            `json:"categories,omitempty" jsonschema:"paths, e.g. Apparel/Shirts" bigc:"items.pattern=nonblank"`
	CreateCategories  bool                `json:"create_categories,omitempty"`
	Brand             string              `json:"brand,omitempty"`
	InventoryLevel    *int                `json:"inventory_level,omitempty" jsonschema:"for inventory_tracking=product" bigc:"minimum=0"`
	InventoryTracking string              `json:"inventory_tracking,omitempty" bigc:"enum=none|product|variant"`
	IsVisible         *bool               `json:"is_visible,omitempty"`
	Variants          []UpsertVariantArg  `json:"variants,omitempty"`
	CustomFields      []CustomFieldArg    `json:"custom_fields,omitempty" jsonschema:"set by name"`
	Images            []ImageArg          `json:"images,omitempty" jsonschema:"added when missing"`
}

// UpsertVariantArg is one variant of an upserted product.
type UpsertVariantArg struct {
	SKU            string              `json:"sku" bigc:"pattern=nonblank;maxLength=255"`
	Options        []OptionValueOut    `json:"options" bigc:"minItems=1"`
	Price          bigcommerce.Decimal `json:"price,omitempty" bigc:"minimum=0"`
	SalePrice      bigcommerce.Decimal `json:"sale_price,omitempty" bigc:"minimum=0"`
	InventoryLevel *int                `json:"inventory_level,omitempty" jsonschema:"for inventory_tracking=variant" bigc:"minimum=0"`
}

// FieldChange is one field an upsert changed (or would change).
type FieldChange struct {
	Field string `json:"field" jsonschema:"field, e.g. price or variants[SKU-1].inventory_level"`
	From  string `json:"from" jsonschema:"value before"`
	To    string `json:"to" jsonschema:"value after"`
}

// UpsertProductOutput says what the upsert did and shows the product after.
type UpsertProductOutput struct {
	Action    string        `json:"action" bigc:"enum=created|updated|unchanged"`
	Product   ProductDetail `json:"product" jsonschema:"the product as stored now"`
	Changes   []FieldChange `json:"changes" jsonschema:"fields changed"`
	Completed []string      `json:"completed" jsonschema:"variants, images and custom fields added"`
}

func addUpsertProduct(r *Registry) {
	add(r, Spec[UpsertProductInput, UpsertProductOutput]{
		Name:        "upsert-product",
		Title:       "Create or update a product by SKU",
		Description: "Create a product, or update the one with its SKU (or a variant's), adding what is missing.",
		Annotations: Annotations{Idempotent: true, OpenWorld: true},
		Preview:     previewUpsertProduct,
		Handler:     upsertProduct,
	})
}

func (in *UpsertProductInput) product() importer.Product {
	p := importer.Product{Name: in.Name, SKU: in.SKU, Type: in.Type, Description: in.Description, Price: in.Price, SalePrice: in.SalePrice,
		Weight: in.Weight, Categories: append([]string(nil), in.Categories...),
		Brand: in.Brand, InventoryLevel: in.InventoryLevel, InventoryTracking: in.InventoryTracking, IsVisible: in.IsVisible}
	for _, v := range in.Variants {
		iv := importer.Variant{SKU: v.SKU, Price: v.Price, SalePrice: v.SalePrice, InventoryLevel: v.InventoryLevel}
		for _, o := range v.Options {
			iv.Options = append(iv.Options, importer.OptionValue{Option: o.Option, Value: o.Value})
		}
		p.Variants = append(p.Variants, iv)
	}
	for _, cf := range in.CustomFields {
		p.CustomFields = append(p.CustomFields, importer.CustomField{Name: cf.Name, Value: cf.Value})
	}
	for _, img := range in.Images {
		p.Images = append(p.Images, importer.Image{URL: img.URL, IsThumbnail: img.IsThumbnail, Description: img.Description})
	}
	return p
}

// importerError turns an importer failure into a tool error: a row the store
// cannot take names its field, anything else is the API's error.
func importerError(err error) error {
	var re *importer.RowError
	if errors.As(err, &re) {
		return BadInput(re.Field, "%s", re.Reason)
	}
	return apiError(err, "")
}

func fieldChanges(ch map[string][2]any) []FieldChange {
	out := []FieldChange{}
	for f, v := range ch {
		out = append(out, FieldChange{Field: f, From: fmt.Sprint(v[0]), To: fmt.Sprint(v[1])})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}

var upsertActions = map[string]string{"create": "created", "update": "updated", "unchanged": "unchanged"}

func upsertProduct(ctx context.Context, env *Env, in UpsertProductInput) (UpsertProductOutput, error) {
	var out UpsertProductOutput
	res, err := importer.UpsertProduct(ctx, env.Client, in.product(), in.CreateCategories, false)
	if err != nil {
		return out, importerError(err)
	}
	p, err := getProductDetail(ctx, env, res.ID)
	if err != nil {
		return out, err
	}
	out.Action, out.Product, out.Changes = upsertActions[res.Action], productDetail(p), fieldChanges(res.Changes)
	out.Completed = append([]string{}, res.Completes...)
	return out, nil
}

// previewUpsertProduct says what upsert-product would do, reading only.
func previewUpsertProduct(ctx context.Context, env *Env, in UpsertProductInput) (string, error) {
	res, err := importer.UpsertProduct(ctx, env.Client, in.product(), in.CreateCategories, true)
	if err != nil {
		return "", importerError(err)
	}
	switch res.Action {
	case "create":
		extra := ""
		if len(res.Changes) > 0 {
			extra = " and " + describeChanges(fieldChanges(res.Changes))
		}
		return fmt.Sprintf("would create product %q with %d variants%s", in.Name, len(in.Variants), extra), nil
	case "unchanged":
		return fmt.Sprintf("product %d already matches; the call would change nothing", res.ID), nil
	}
	parts := []string{describeChanges(fieldChanges(res.Changes))}
	if len(res.Completes) > 0 {
		parts = append(parts, "add "+strings.Join(res.Completes, ", "))
	}
	return fmt.Sprintf("would change product %d: %s", res.ID, strings.Join(parts, "; ")), nil
}

func describeChanges(cs []FieldChange) string {
	var parts []string
	for _, c := range cs {
		parts = append(parts, fmt.Sprintf("%s %s → %s", c.Field, c.From, c.To))
	}
	return strings.Join(parts, ", ")
}
