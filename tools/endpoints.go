package tools

import (
	"encoding/json"
	"slices"
	"strings"
)

// The endpoint guide: for the parts of the BigCommerce API that no tool
// covers, what an agent needs to call them through raw-api-request. It is
// written in our own words from what the connector knows of the API; no
// part of BigCommerce's specifications is copied. In a minimal body, a
// string in angle brackets ("<product id>") is a value to fill in, and a
// path's {braces} name the ids to put there.

// EndpointStep is one call of a guide.
type EndpointStep struct {
	Method string `json:"method"`
	Path   string `json:"path"`
	// Does says what the call is for.
	Does string `json:"does"`
	// Required names the body's (or query's) required fields.
	Required []string `json:"required,omitempty"`
	// Body is the smallest body that works.
	Body json.RawMessage `json:"body,omitempty"`
}

// EndpointGuide is one topic of the guide.
type EndpointGuide struct {
	Topic   string `json:"topic"`
	Summary string `json:"summary"`
	// Scope is the API account scope the calls need (modify for writes).
	Scope    string         `json:"scope"`
	Steps    []EndpointStep `json:"steps"`
	Pitfalls []string       `json:"pitfalls"`
}

// MaxGuideBytes bounds one topic of the guide as compact JSON, so that a
// guide costs a model little.
const MaxGuideBytes = 2048

func body(s string) json.RawMessage { return json.RawMessage(s) }

// endpointGuides are the topics, in the order describe-endpoint lists them.
var endpointGuides = []EndpointGuide{
	{
		Topic:   "carts",
		Summary: "Server-side carts a shopper can check out; the cart id is a UUID string.",
		Scope:   "Carts (store_cart)",
		Steps: []EndpointStep{
			{Method: "POST", Path: "/v3/carts", Does: "create a cart with its first lines; the answer's data.id is the cart id",
				Required: []string{"line_items (or custom_items)"}, Body: body(`{"line_items":[{"product_id":"<product id>","quantity":1}]}`)},
			{Method: "POST", Path: "/v3/carts/{cartId}/items", Does: "add lines; the same product and variant again adds to its quantity",
				Required: []string{"line_items"}, Body: body(`{"line_items":[{"product_id":"<product id>","quantity":1}]}`)},
			{Method: "GET", Path: "/v3/carts/{cartId}", Does: "read the cart: data.line_items.physical_items and digital_items, data.cart_amount"},
			{Method: "PUT", Path: "/v3/carts/{cartId}/items/{itemId}", Does: "change one line's quantity",
				Required: []string{"line_item"}, Body: body(`{"line_item":{"product_id":"<product id>","quantity":2}}`)},
			{Method: "DELETE", Path: "/v3/carts/{cartId}/items/{itemId}", Does: "remove one line"},
			{Method: "POST", Path: "/v3/carts/{cartId}/redirect_urls", Does: "get cart_url and checkout_url for the shopper"},
		},
		Pitfalls: []string{
			"A product with options needs variant_id (from get-product or find-variant) or option_selections; product_id alone fails.",
			"The line's id (itemId) is a UUID from the cart, not the product id.",
			"Removing the last line deletes the cart.",
			"A cart left alone for 30 days expires.",
		},
	},
	{
		Topic:   "checkouts",
		Summary: "Turn a cart into an order server-side; the checkout id is the cart id.",
		Scope:   "Checkouts (store_checkout)",
		Steps: []EndpointStep{
			{Method: "GET", Path: "/v3/checkouts/{cartId}", Does: "read the checkout: totals, consignments, billing address"},
			{Method: "POST", Path: "/v3/checkouts/{cartId}/billing-address", Does: "set the billing address",
				Required: []string{"email", "country_code"}, Body: body(`{"email":"<email>","country_code":"US"}`)},
			{Method: "POST", Path: "/v3/checkouts/{cartId}/consignments", Does: "say where lines ship; add query include=consignments.available_shipping_options to see the options",
				Required: []string{"address", "line_items"}, Body: body(`[{"address":{"email":"<email>","country_code":"US"},"line_items":[{"item_id":"<cart line id>","quantity":1}]}]`)},
			{Method: "PUT", Path: "/v3/checkouts/{cartId}/consignments/{consignmentId}", Does: "choose a shipping option",
				Required: []string{"shipping_option_id"}, Body: body(`{"shipping_option_id":"<option id>"}`)},
			{Method: "POST", Path: "/v3/checkouts/{cartId}/orders", Does: "create the order (Incomplete until paid); data.id is the order id"},
		},
		Pitfalls: []string{
			"Every physical line needs a consignment with a chosen shipping option before the order can be created.",
			"Creating the order takes no payment: the order stays Incomplete until paid through the Payments API or marked paid with update-order.",
		},
	},
	{
		Topic:   "refunds",
		Summary: "Refund an order's lines, shipping or an amount; ask for a quote first.",
		Scope:   "Orders and Order Transactions (store_v2_orders, store_v2_transactions)",
		Steps: []EndpointStep{
			{Method: "POST", Path: "/v3/orders/{orderId}/payment_actions/refund_quotes", Does: "price a refund; data.refund_methods lists how it can be paid back",
				Required: []string{"items"}, Body: body(`{"items":[{"item_type":"PRODUCT","item_id":"<order product id>","quantity":1}]}`)},
			{Method: "POST", Path: "/v3/orders/{orderId}/payment_actions/refunds", Does: "make the refund",
				Required: []string{"items", "payments"}, Body: body(`{"items":[{"item_type":"PRODUCT","item_id":"<order product id>","quantity":1}],"payments":[{"provider_id":"<from the quote>","amount":"<from the quote>","offline":false}]}`)},
			{Method: "GET", Path: "/v3/orders/{orderId}/payment_actions/refunds", Does: "list the order's refunds"},
		},
		Pitfalls: []string{
			"item_id is the order product id (get-order's line id), not the catalog product id.",
			"item_type is one of PRODUCT, SHIPPING, HANDLING, GIFT_WRAPPING, ORDER; ORDER refunds an amount, not a line.",
			"payments must add up to the quote; a refund cannot be undone.",
		},
	},
	{
		Topic:   "price-lists",
		Summary: "Prices per variant and currency for customer groups or channels.",
		Scope:   "Products (store_v2_products)",
		Steps: []EndpointStep{
			{Method: "POST", Path: "/v3/pricelists", Does: "create a price list; data.id is its id",
				Required: []string{"name"}, Body: body(`{"name":"<name>","active":true}`)},
			{Method: "PUT", Path: "/v3/pricelists/{priceListId}/records", Does: "set prices, up to 1,000 records a call (creates or replaces)",
				Required: []string{"variant_id or sku", "price", "currency"}, Body: body(`[{"sku":"<variant sku>","price":"<amount>","currency":"usd"}]`)},
			{Method: "GET", Path: "/v3/pricelists/{priceListId}/records", Does: "read the prices; filter with sku:in or variant_id:in"},
			{Method: "POST", Path: "/v3/pricelists/assignments", Does: "make the list apply to a customer group and/or channel",
				Required: []string{"price_list_id"}, Body: body(`[{"price_list_id":"<price list id>","customer_group_id":"<group id>"}]`)},
		},
		Pitfalls: []string{
			"A price list changes nothing until it is assigned.",
			"Each record is per variant and currency; currency codes are lower case.",
		},
	},
	{
		Topic:   "inventory-locations",
		Summary: "Stock per location (multi-location inventory); location 1 is the default.",
		Scope:   "Inventory (store_inventory)",
		Steps: []EndpointStep{
			{Method: "GET", Path: "/v3/inventory/locations", Does: "list the locations and their ids"},
			{Method: "GET", Path: "/v3/inventory/locations/{locationId}/items", Does: "stock of each variant at a location"},
			{Method: "PUT", Path: "/v3/inventory/adjustments/absolute", Does: "set stock levels",
				Required: []string{"reason", "items"}, Body: body(`{"reason":"<why>","items":[{"location_id":1,"sku":"<variant sku>","quantity":5}]}`)},
			{Method: "POST", Path: "/v3/inventory/adjustments/relative", Does: "add to or take from stock levels",
				Required: []string{"reason", "items"}, Body: body(`{"reason":"<why>","items":[{"location_id":1,"sku":"<variant sku>","quantity":-2}]}`)},
		},
		Pitfalls: []string{
			"An item names its variant by exactly one of variant_id, sku or product_id (product_id only for products without variants).",
			"Absolute adjustments overwrite: read the level first when another process may sell at the same time.",
			"Stock only matters for products that track inventory.",
		},
	},
	{
		Topic:   "promotions",
		Summary: "Automatic discounts and coupon promotions (the current discount engine).",
		Scope:   "Marketing (store_v2_marketing)",
		Steps: []EndpointStep{
			{Method: "GET", Path: "/v3/promotions", Does: "list promotions; filter with redemption_type or status"},
			{Method: "POST", Path: "/v3/promotions", Does: "create a promotion; this body takes 10% off every cart",
				Required: []string{"name", "redemption_type", "rules"},
				Body:     body(`{"name":"<name>","redemption_type":"AUTOMATIC","rules":[{"action":{"cart_value":{"discount":{"percentage_amount":"10"}}}}],"status":"ENABLED"}`)},
			{Method: "POST", Path: "/v3/promotions/{promotionId}/codes", Does: "add a coupon code to a COUPON promotion",
				Required: []string{"code"}, Body: body(`{"code":"<CODE>","max_uses":100}`)},
			{Method: "DELETE", Path: "/v3/promotions/{promotionId}", Does: "delete a promotion"},
		},
		Pitfalls: []string{
			"redemption_type is AUTOMATIC or COUPON; a COUPON promotion does nothing until it has a code.",
			"Amounts in rules are decimal strings.",
			"Legacy coupons live at /v2/coupons; see the coupons topic.",
		},
	},
	{
		Topic:   "coupons",
		Summary: "Legacy coupon codes (V2).",
		Scope:   "Marketing (store_v2_marketing)",
		Steps: []EndpointStep{
			{Method: "GET", Path: "/v2/coupons", Does: "list coupons; filter with code"},
			{Method: "POST", Path: "/v2/coupons", Does: "create a coupon",
				Required: []string{"name", "code", "type", "amount", "applies_to"},
				Body:     body(`{"name":"<name>","code":"<CODE>","type":"percentage_discount","amount":"10","applies_to":{"entity":"categories","ids":[0]}}`)},
			{Method: "DELETE", Path: "/v2/coupons/{couponId}", Does: "delete a coupon"},
		},
		Pitfalls: []string{
			"type is one of per_item_discount, percentage_discount, per_total_discount, shipping_discount, free_shipping.",
			"applies_to with entity categories and ids [0] means every category.",
			"A page with no coupons answers 204 with no body.",
		},
	},
	{
		Topic:   "redirects",
		Summary: "301 redirects for a storefront (site).",
		Scope:   "Content (store_v2_content)",
		Steps: []EndpointStep{
			{Method: "GET", Path: "/v3/sites", Does: "find the site_id of the storefront"},
			{Method: "GET", Path: "/v3/storefront/redirects", Does: "list redirects; filter with site_id or keyword"},
			{Method: "PUT", Path: "/v3/storefront/redirects", Does: "create or replace redirects (keyed by from_path and site_id)",
				Required: []string{"from_path", "site_id", "to"}, Body: body(`[{"from_path":"/old-page/","site_id":"<site id>","to":{"type":"url","url":"/new-page/"}}]`)},
			{Method: "DELETE", Path: "/v3/storefront/redirects", Does: "delete redirects named by query id:in"},
		},
		Pitfalls: []string{
			"to.type is product, brand, category, page, post (with entity_id) or url (with url).",
			"from_path is a path on the storefront, starting with /.",
		},
	},
	{
		Topic:   "shipments",
		Summary: "Shipments of an order; create-shipment and list-shipments cover the usual cases.",
		Scope:   "Orders (store_v2_orders)",
		Steps: []EndpointStep{
			{Method: "GET", Path: "/v2/orders/{orderId}/shipping_addresses", Does: "find order_address_id"},
			{Method: "POST", Path: "/v2/orders/{orderId}/shipments", Does: "ship lines; the order moves to Shipped or Partially Shipped",
				Required: []string{"order_address_id", "items"}, Body: body(`{"order_address_id":"<address id>","tracking_number":"<tracking>","items":[{"order_product_id":"<order product id>","quantity":1}]}`)},
			{Method: "GET", Path: "/v2/orders/{orderId}/shipments", Does: "list the order's shipments (204 when none)"},
			{Method: "DELETE", Path: "/v2/orders/{orderId}/shipments/{shipmentId}", Does: "delete a shipment; its lines become unshipped"},
		},
		Pitfalls: []string{
			"order_product_id is the order's line id, not the catalog product id.",
			"A line cannot ship more than it has left unshipped.",
		},
	},
	{
		Topic:   "transactions",
		Summary: "Payment transactions of an order (read only).",
		Scope:   "Order Transactions (store_v2_transactions_read_only)",
		Steps: []EndpointStep{
			{Method: "GET", Path: "/v3/orders/{orderId}/transactions", Does: "list payments, captures, refunds and voids of the order"},
		},
		Pitfalls: []string{"Amounts are numbers in the order's currency; gateway fields vary by payment provider."},
	},
	{
		Topic:   "customer-groups",
		Summary: "Customer groups and their discounts (V2).",
		Scope:   "Customers (store_v2_customers)",
		Steps: []EndpointStep{
			{Method: "GET", Path: "/v2/customer_groups", Does: "list groups and their ids"},
			{Method: "POST", Path: "/v2/customer_groups", Does: "create a group", Required: []string{"name"}, Body: body(`{"name":"<name>"}`)},
			{Method: "PUT", Path: "/v2/customer_groups/{groupId}", Does: "rename a group or change its discount rules", Body: body(`{"name":"<name>"}`)},
		},
		Pitfalls: []string{"Put a customer in a group with update-customer (customer_group_id)."},
	},
	{
		Topic:   "channels",
		Summary: "Sales channels (storefronts, marketplaces, POS); the default storefront is channel 1.",
		Scope:   "Channel Settings (store_channel_settings)",
		Steps: []EndpointStep{
			{Method: "GET", Path: "/v3/channels", Does: "list channels and their ids"},
			{Method: "GET", Path: "/v3/channels/{channelId}", Does: "read one channel"},
		},
		Pitfalls: []string{"Orders, carts and price lists take a channel_id; leave it out for the default storefront."},
	},
	{
		Topic:   "pages",
		Summary: "Storefront web pages (content pages).",
		Scope:   "Content (store_v2_content)",
		Steps: []EndpointStep{
			{Method: "GET", Path: "/v3/content/pages", Does: "list pages; filter with name"},
			{Method: "POST", Path: "/v3/content/pages", Does: "create a page",
				Required: []string{"name", "type"}, Body: body(`{"name":"<title>","type":"page","body":"<p>Text</p>","is_visible":true}`)},
			{Method: "PUT", Path: "/v3/content/pages/{pageId}", Does: "change a page", Body: body(`{"body":"<p>New text</p>"}`)},
		},
		Pitfalls: []string{"type is page, raw, contact_form, feed, link or blog; body is HTML."},
	},
}

// EndpointTopics names the guide's topics, in order.
func EndpointTopics() []string {
	topics := make([]string, len(endpointGuides))
	for i, g := range endpointGuides {
		topics[i] = g.Topic
	}
	return topics
}

// EndpointGuides returns the guide, every topic.
func EndpointGuides() []EndpointGuide { return slices.Clone(endpointGuides) }

// EndpointGuideFor finds the topic a path belongs to: the topic with a step
// whose path matches it ({braces} match any one segment; the query is
// ignored), else the topic whose steps share the longest leading segments.
func EndpointGuideFor(path string) (EndpointGuide, bool) {
	segs := pathSegments(path)
	best, bestLen := -1, 1 // at least the version and one more segment must agree
	for i, g := range endpointGuides {
		for _, st := range g.Steps {
			pat := pathSegments(st.Path)
			n := 0
			for n < len(pat) && n < len(segs) && (pat[n] == segs[n] || strings.HasPrefix(pat[n], "{")) {
				n++
			}
			if n == len(pat) && n == len(segs) {
				return g, true
			}
			if n > bestLen {
				best, bestLen = i, n
			}
		}
	}
	if best < 0 {
		return EndpointGuide{}, false
	}
	return endpointGuides[best], true
}

func pathSegments(path string) []string {
	path, _, _ = strings.Cut(path, "?")
	return strings.FieldsFunc(strings.ToLower(path), func(r rune) bool { return r == '/' })
}
