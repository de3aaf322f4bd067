package sandbox

import (
	"encoding/json"
	"fmt"
	"slices"
)

// catalog holds products and everything that hangs off them, plus brands
// and category trees.
type catalog struct {
	products    map[int]*product
	productList []*product // ascending id; scanning it needs no map lookups
	byModified  modIndex   // products by (date_modified, id), for incremental syncs
	variants    map[int]*variant
	skus        map[string]int // SKU -> variant id (a product's own SKU is its base variant's)
	productSKUs map[string]int // a product's own SKU -> product id, with or without variants
	names       map[string]int // product name -> product id
	brands      map[int]*brand
	brandIDs    []int
	trees       map[int]*tree
	categories  map[int]*category
	catIDs      []int
}

func newCatalog() catalog {
	return catalog{
		products: map[int]*product{}, variants: map[int]*variant{}, skus: map[string]int{}, productSKUs: map[string]int{},
		names: map[string]int{}, brands: map[int]*brand{}, trees: map[int]*tree{}, categories: map[int]*category{},
	}
}

// product is a V3 catalog product. Its JSON tags are the V3 field names; the
// sub-collections are rendered only when included.
type product struct {
	ID                      int            `json:"id"`
	Name                    string         `json:"name"`
	Type                    string         `json:"type"`
	SKU                     string         `json:"sku"`
	Description             string         `json:"description"`
	Weight                  decimal        `json:"weight"`
	Width                   decimal        `json:"width"`
	Depth                   decimal        `json:"depth"`
	Height                  decimal        `json:"height"`
	Price                   decimal        `json:"price"`
	CostPrice               decimal        `json:"cost_price"`
	RetailPrice             decimal        `json:"retail_price"`
	SalePrice               decimal        `json:"sale_price"`
	MapPrice                decimal        `json:"map_price"`
	TaxClassID              int            `json:"tax_class_id"`
	ProductTaxCode          string         `json:"product_tax_code"`
	CalculatedPrice         decimal        `json:"calculated_price"`
	Categories              []int          `json:"categories"`
	BrandID                 int            `json:"brand_id"`
	OptionSetID             *int           `json:"option_set_id"`
	OptionSetDisplay        string         `json:"option_set_display"`
	InventoryLevel          int            `json:"inventory_level"`
	InventoryWarningLevel   int            `json:"inventory_warning_level"`
	InventoryTracking       string         `json:"inventory_tracking"`
	ReviewsRatingSum        int            `json:"reviews_rating_sum"`
	ReviewsCount            int            `json:"reviews_count"`
	TotalSold               int            `json:"total_sold"`
	FixedCostShippingPrice  decimal        `json:"fixed_cost_shipping_price"`
	IsFreeShipping          bool           `json:"is_free_shipping"`
	IsVisible               bool           `json:"is_visible"`
	IsFeatured              bool           `json:"is_featured"`
	RelatedProducts         []int          `json:"related_products"`
	Warranty                string         `json:"warranty"`
	BinPickingNumber        string         `json:"bin_picking_number"`
	LayoutFile              string         `json:"layout_file"`
	UPC                     string         `json:"upc"`
	MPN                     string         `json:"mpn"`
	GTIN                    string         `json:"gtin"`
	SearchKeywords          string         `json:"search_keywords"`
	Availability            string         `json:"availability"`
	AvailabilityDescription string         `json:"availability_description"`
	SortOrder               int            `json:"sort_order"`
	Condition               string         `json:"condition"`
	IsConditionShown        bool           `json:"is_condition_shown"`
	OrderQuantityMinimum    int            `json:"order_quantity_minimum"`
	OrderQuantityMaximum    int            `json:"order_quantity_maximum"`
	PageTitle               string         `json:"page_title"`
	MetaDescription         string         `json:"meta_description"`
	MetaKeywords            []string       `json:"meta_keywords"`
	ViewCount               int            `json:"view_count"`
	IsPriceHidden           bool           `json:"is_price_hidden"`
	PriceHiddenLabel        string         `json:"price_hidden_label"`
	CustomURL               customURL      `json:"custom_url"`
	BaseVariantID           *int           `json:"base_variant_id"`
	DateCreated             isoTime        `json:"date_created"`
	DateModified            isoTime        `json:"date_modified"`
	Options                 []*option      `json:"-"`
	Variants                []*variant     `json:"-"`
	Images                  []*image       `json:"-"`
	CustomFields            []*customField `json:"-"`
}

type customURL struct {
	URL          string `json:"url"`
	IsCustomized bool   `json:"is_customized"`
}

// variant is a V3 product variant. A product without options has exactly one
// variant, its base variant, which carries the product's SKU.
type variant struct {
	ID                        int              `json:"id"`
	ProductID                 int              `json:"product_id"`
	SKU                       string           `json:"sku"`
	SKUID                     *int             `json:"sku_id"`
	Price                     optDecimal       `json:"price"`
	CalculatedPrice           decimal          `json:"calculated_price"`
	SalePrice                 optDecimal       `json:"sale_price"`
	RetailPrice               optDecimal       `json:"retail_price"`
	MapPrice                  optDecimal       `json:"map_price"`
	Weight                    optDecimal       `json:"weight"`
	CalculatedWeight          decimal          `json:"calculated_weight"`
	Width                     optDecimal       `json:"width"`
	Height                    optDecimal       `json:"height"`
	Depth                     optDecimal       `json:"depth"`
	IsFreeShipping            bool             `json:"is_free_shipping"`
	FixedCostShippingPrice    optDecimal       `json:"fixed_cost_shipping_price"`
	PurchasingDisabled        bool             `json:"purchasing_disabled"`
	PurchasingDisabledMessage string           `json:"purchasing_disabled_message"`
	ImageURL                  string           `json:"image_url"`
	CostPrice                 optDecimal       `json:"cost_price"`
	UPC                       string           `json:"upc"`
	MPN                       string           `json:"mpn"`
	GTIN                      string           `json:"gtin"`
	InventoryLevel            int              `json:"inventory_level"`
	InventoryWarningLevel     int              `json:"inventory_warning_level"`
	BinPickingNumber          string           `json:"bin_picking_number"`
	OptionValues              []optionValueRef `json:"option_values"`
}

// optionValueRef is a variant's choice of one option value.
type optionValueRef struct {
	ID                int    `json:"id"`
	Label             string `json:"label"`
	OptionID          int    `json:"option_id"`
	OptionDisplayName string `json:"option_display_name"`
}

// option is a V3 variant option (e.g. Size) with its values.
type option struct {
	ID           int            `json:"id"`
	ProductID    int            `json:"product_id"`
	DisplayName  string         `json:"display_name"`
	Type         string         `json:"type"`
	Config       map[string]any `json:"config"`
	SortOrder    int            `json:"sort_order"`
	OptionValues []*optionValue `json:"option_values"`
	Name         string         `json:"name"`
}

type optionValue struct {
	ID        int       `json:"id"`
	Label     string    `json:"label"`
	SortOrder int       `json:"sort_order"`
	ValueData valueData `json:"value_data"`
	IsDefault bool      `json:"is_default"`
}

// valueData is an option value's value_data. The options spec types it as an
// object, and its example gives a radio button's value {}, so a value with no
// data sends {}, never null.
type valueData map[string]any

// MarshalJSON writes a nil valueData as {}.
func (v valueData) MarshalJSON() ([]byte, error) {
	if v == nil {
		return []byte("{}"), nil
	}
	return json.Marshal(map[string]any(v))
}

type image struct {
	ID           int     `json:"id"`
	ProductID    int     `json:"product_id"`
	IsThumbnail  bool    `json:"is_thumbnail"`
	SortOrder    int     `json:"sort_order"`
	Description  string  `json:"description"`
	ImageFile    string  `json:"image_file"`
	URLZoom      string  `json:"url_zoom"`
	URLStandard  string  `json:"url_standard"`
	URLThumbnail string  `json:"url_thumbnail"`
	URLTiny      string  `json:"url_tiny"`
	DateModified isoTime `json:"date_modified"`
}

type customField struct {
	ID    int    `json:"id"`
	Name  string `json:"name"`
	Value string `json:"value"`
}

// addProduct indexes a new product and its variants.
func (cat *catalog) addProduct(p *product) {
	cat.products[p.ID] = p
	i, _ := slices.BinarySearchFunc(cat.productList, p.ID, byProductID)
	cat.productList = slices.Insert(cat.productList, i, p)
	cat.byModified.add(modKey{int64(p.DateModified), p.ID})
	cat.names[p.Name] = p.ID
	if p.SKU != "" {
		cat.productSKUs[p.SKU] = p.ID
	}
	for _, v := range p.Variants {
		cat.variants[v.ID] = v
		cat.skus[v.SKU] = v.ID
	}
}

// skuHolder names the record, other than the one asking, that holds sku, or
// says "" when none does: SKUs are unique across every product and variant
// (BigCommerce answers 409). productID is the asking product (0 for a new
// one) and variantID the asking variant: 0 when the product's own SKU is
// asked for, -1 for a new variant. A product and its base variant share
// one SKU.
func (cat *catalog) skuHolder(sku string, productID, variantID int) string {
	if sku == "" {
		return ""
	}
	if vid, ok := cat.skus[sku]; ok && vid != variantID {
		v := cat.variants[vid]
		ownBase := variantID == 0 && v.ProductID == productID && cat.products[productID].baseVariant() == v
		if !ownBase {
			return fmt.Sprintf("variant %d of product %d", vid, v.ProductID)
		}
	}
	if pid, ok := cat.productSKUs[sku]; ok && pid != productID {
		return fmt.Sprintf("product %d", pid)
	} else if ok && variantID != 0 {
		if bv := cat.products[pid].baseVariant(); bv == nil || bv.ID != variantID {
			return fmt.Sprintf("product %d", pid)
		}
	}
	return ""
}

// setProductSKU moves p's own SKU in the index from old to p.SKU.
func (cat *catalog) setProductSKU(p *product, old string) {
	if cat.productSKUs[old] == p.ID {
		delete(cat.productSKUs, old)
	}
	if p.SKU != "" {
		cat.productSKUs[p.SKU] = p.ID
	}
}

func byProductID(p *product, id int) int { return p.ID - id }

// setModified moves p's date_modified, keeping the index sorted.
func (cat *catalog) setModified(p *product, t int64) {
	cat.byModified.remove(modKey{int64(p.DateModified), p.ID})
	p.DateModified = isoTime(t)
	cat.byModified.add(modKey{t, p.ID})
}

// productsInIDRange is the part of the sorted product list with lo <= id <= hi.
func (cat *catalog) productsInIDRange(lo, hi int64) []*product {
	list := cat.productList
	i := 0
	if lo > 0 {
		i, _ = slices.BinarySearchFunc(list, int(min(lo, 1<<40)), byProductID)
	}
	j := len(list)
	if hi < 1<<40 {
		j, _ = slices.BinarySearchFunc(list, int(max(hi, -1))+1, byProductID)
	}
	return list[i:max(i, j)]
}

// removeProduct drops a product and its variants from every index.
func (cat *catalog) removeProduct(p *product) {
	delete(cat.products, p.ID)
	if i, ok := slices.BinarySearchFunc(cat.productList, p.ID, byProductID); ok {
		cat.productList = slices.Delete(cat.productList, i, i+1)
	}
	cat.byModified.remove(modKey{int64(p.DateModified), p.ID})
	delete(cat.names, p.Name)
	if cat.productSKUs[p.SKU] == p.ID {
		delete(cat.productSKUs, p.SKU)
	}
	for _, v := range p.Variants {
		delete(cat.variants, v.ID)
		delete(cat.skus, v.SKU)
	}
}

// baseVariant is the variant carrying the product's own SKU and stock, or nil
// for a product with options.
func (p *product) baseVariant() *variant {
	if p.BaseVariantID == nil || len(p.Variants) == 0 {
		return nil
	}
	return p.Variants[0]
}

// syncInventory recomputes the product's inventory_level from its variants
// when stock is tracked per variant, as BigCommerce reports it.
func (p *product) syncInventory() {
	if p.InventoryTracking != "variant" {
		return
	}
	sum := 0
	for _, v := range p.Variants {
		sum += v.InventoryLevel
	}
	p.InventoryLevel = sum
}
