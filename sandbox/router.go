package sandbox

import (
	"net/http"
	"strconv"
	"strings"
)

// handlerFunc serves one API call. It runs with the store lock held as the
// route's write flag says (read lock for reads, write lock for writes).
type handlerFunc func(c *call)

// route is one API path pattern. Segments "{id}" match a positive integer,
// "{key}" any segment (the handler reads it with call.pathKey).
type route struct {
	pattern  string
	segments []string
	scope    string // BigCommerce OAuth scope; "" for the default scope (hooks)
	methods  map[string]handlerFunc
}

// routeTable lists every API path the sandbox serves, relative to /stores/{hash}/.
func (s *Store) routeTable() []*route {
	const (
		products     = "store_v2_products"
		orders       = "store_v2_orders"
		customers    = "store_v2_customers"
		info         = "store_v2_information"
		inventory    = "store_inventory"
		carts        = "store_cart"
		transactions = "store_v2_transactions"
		channels     = "store_channel_settings"
		marketing    = "store_v2_marketing"
		content      = "store_v2_content"
	)
	type m = map[string]handlerFunc
	return []*route{
		{pattern: "v2/time", scope: info, methods: m{"GET": s.getTime}},
		{pattern: "v2/store", scope: info, methods: m{"GET": s.getStoreInfo}},

		{pattern: "v2/orders", scope: orders, methods: m{"GET": s.listOrders, "POST": s.createOrderAPI, "DELETE": s.deleteAllOrders}},
		{pattern: "v2/orders/count", scope: orders, methods: m{"GET": s.countOrders}},
		{pattern: "v2/orders/{id}", scope: orders, methods: m{"GET": s.getOrder, "PUT": s.updateOrderAPI, "DELETE": s.archiveOrderAPI}},
		{pattern: "v2/orders/{id}/products", scope: orders, methods: m{"GET": s.listOrderProducts}},
		{pattern: "v2/orders/{id}/products/{id}", scope: orders, methods: m{"GET": s.getOrderProduct}},
		{pattern: "v2/orders/{id}/shipping_addresses", scope: orders, methods: m{"GET": s.listShippingAddresses}},
		{pattern: "v2/orders/{id}/shipping_addresses/{id}", scope: orders, methods: m{"GET": s.getShippingAddress}},
		{pattern: "v2/orders/{id}/shipments", scope: orders, methods: m{"GET": s.listShipments, "POST": s.createShipment, "DELETE": s.deleteAllShipments}},
		{pattern: "v2/orders/{id}/shipments/count", scope: orders, methods: m{"GET": s.countShipments}},
		{pattern: "v2/orders/{id}/shipments/{id}", scope: orders, methods: m{"GET": s.getShipment, "PUT": s.updateShipment, "DELETE": s.deleteShipment}},
		{pattern: "v2/orders/{id}/coupons", scope: orders, methods: m{"GET": s.listOrderCoupons}},
		{pattern: "v2/order_statuses", scope: orders, methods: m{"GET": s.listOrderStatuses}},
		{pattern: "v2/order_statuses/{id}", scope: orders, methods: m{"GET": s.getOrderStatus}},
		{pattern: "v3/orders/{id}/transactions", scope: transactions, methods: m{"GET": s.listTransactions}},
		{pattern: "v3/orders/{id}/payment_actions/refunds", scope: orders, methods: m{"GET": s.listOrderRefunds, "POST": s.createRefund}},
		{pattern: "v3/orders/{id}/payment_actions/refund_quotes", scope: orders, methods: m{"POST": s.createRefundQuote}},
		{pattern: "v3/orders/payment_actions/refunds", scope: orders, methods: m{"GET": s.listRefunds}},
		{pattern: "v3/orders/payment_actions/refunds/{id}", scope: orders, methods: m{"GET": s.getRefund}},
		{pattern: "v3/orders/{id}/metafields", scope: orders, methods: m{"GET": s.listMetafields(kindOrder), "POST": s.createMetafield(kindOrder)}},
		{pattern: "v3/orders/{id}/metafields/{id}", scope: orders, methods: m{"GET": s.getMetafield(kindOrder), "PUT": s.updateMetafield(kindOrder), "DELETE": s.deleteMetafield(kindOrder)}},

		{pattern: "v3/catalog/products", scope: products, methods: m{"GET": s.listProducts, "POST": s.createProductAPI, "PUT": s.batchUpdateProducts, "DELETE": s.deleteProducts}},
		{pattern: "v3/catalog/products/{id}", scope: products, methods: m{"GET": s.getProduct, "PUT": s.updateProductAPI, "DELETE": s.deleteProduct}},
		{pattern: "v3/catalog/products/{id}/variants", scope: products, methods: m{"GET": s.listProductVariants, "POST": s.createVariant}},
		{pattern: "v3/catalog/products/{id}/variants/{id}", scope: products, methods: m{"GET": s.getVariant, "PUT": s.updateVariantAPI, "DELETE": s.deleteVariant}},
		{pattern: "v3/catalog/products/{id}/options", scope: products, methods: m{"GET": s.listOptions, "POST": s.createOption}},
		{pattern: "v3/catalog/products/{id}/options/{id}", scope: products, methods: m{"GET": s.getOption, "PUT": s.updateOption, "DELETE": s.deleteOption}},
		{pattern: "v3/catalog/products/{id}/images", scope: products, methods: m{"GET": s.listImages, "POST": s.createImage}},
		{pattern: "v3/catalog/products/{id}/images/{id}", scope: products, methods: m{"GET": s.getImage, "PUT": s.updateImage, "DELETE": s.deleteImage}},
		{pattern: "v3/catalog/products/{id}/custom-fields", scope: products, methods: m{"GET": s.listCustomFields, "POST": s.createCustomField}},
		{pattern: "v3/catalog/products/{id}/custom-fields/{id}", scope: products, methods: m{"GET": s.getCustomField, "PUT": s.updateCustomField, "DELETE": s.deleteCustomField}},
		{pattern: "v3/catalog/products/{id}/metafields", scope: products, methods: m{"GET": s.listMetafields(kindProduct), "POST": s.createMetafield(kindProduct)}},
		{pattern: "v3/catalog/products/{id}/metafields/{id}", scope: products, methods: m{"GET": s.getMetafield(kindProduct), "PUT": s.updateMetafield(kindProduct), "DELETE": s.deleteMetafield(kindProduct)}},
		{pattern: "v3/catalog/products/{id}/variants/{id}/metafields", scope: products, methods: m{"GET": s.listMetafields(kindVariant), "POST": s.createMetafield(kindVariant)}},
		{pattern: "v3/catalog/products/{id}/variants/{id}/metafields/{id}", scope: products, methods: m{"GET": s.getMetafield(kindVariant), "PUT": s.updateMetafield(kindVariant), "DELETE": s.deleteMetafield(kindVariant)}},
		{pattern: "v3/catalog/brands/{id}/metafields", scope: products, methods: m{"GET": s.listMetafields(kindBrand), "POST": s.createMetafield(kindBrand)}},
		{pattern: "v3/catalog/brands/{id}/metafields/{id}", scope: products, methods: m{"GET": s.getMetafield(kindBrand), "PUT": s.updateMetafield(kindBrand), "DELETE": s.deleteMetafield(kindBrand)}},
		{pattern: "v3/catalog/categories/{id}/metafields", scope: products, methods: m{"GET": s.listMetafields(kindCategory), "POST": s.createMetafield(kindCategory)}},
		{pattern: "v3/catalog/categories/{id}/metafields/{id}", scope: products, methods: m{"GET": s.getMetafield(kindCategory), "PUT": s.updateMetafield(kindCategory), "DELETE": s.deleteMetafield(kindCategory)}},
		{pattern: "v3/catalog/variants", scope: products, methods: m{"GET": s.listAllVariants, "PUT": s.batchUpdateVariants}},
		{pattern: "v3/catalog/trees", scope: products, methods: m{"GET": s.listTrees, "PUT": s.upsertTrees, "DELETE": s.deleteTrees}},
		{pattern: "v3/catalog/trees/categories", scope: products, methods: m{"GET": s.listCategories, "POST": s.createCategories, "PUT": s.updateCategories, "DELETE": s.deleteCategories}},
		{pattern: "v3/catalog/trees/{id}/categories", scope: products, methods: m{"GET": s.getCategoryTree}},
		{pattern: "v3/catalog/brands", scope: products, methods: m{"GET": s.listBrands, "POST": s.createBrand}},
		{pattern: "v3/catalog/brands/{id}", scope: products, methods: m{"GET": s.getBrand, "PUT": s.updateBrand, "DELETE": s.deleteBrand}},

		{pattern: "v3/customers", scope: customers, methods: m{"GET": s.listCustomers, "POST": s.createCustomersAPI, "PUT": s.updateCustomers, "DELETE": s.deleteCustomers}},
		{pattern: "v3/customers/addresses", scope: customers, methods: m{"GET": s.listAddresses, "POST": s.createAddresses, "PUT": s.updateAddresses, "DELETE": s.deleteAddresses}},
		{pattern: "v3/customers/{id}/metafields", scope: customers, methods: m{"GET": s.listMetafields(kindCustomer), "POST": s.createMetafield(kindCustomer)}},
		{pattern: "v3/customers/{id}/metafields/{id}", scope: customers, methods: m{"GET": s.getMetafield(kindCustomer), "PUT": s.updateMetafield(kindCustomer), "DELETE": s.deleteMetafield(kindCustomer)}},

		{pattern: "v3/inventory/adjustments/absolute", scope: inventory, methods: m{"PUT": s.absoluteAdjustment}},
		{pattern: "v3/inventory/adjustments/relative", scope: inventory, methods: m{"POST": s.relativeAdjustment}},
		{pattern: "v3/inventory/items", scope: inventory, methods: m{"GET": s.listInventoryItems}},
		{pattern: "v3/inventory/locations", scope: inventory, methods: m{"GET": s.listLocations, "POST": s.createLocations, "PUT": s.updateLocations, "DELETE": s.deleteLocations}},
		{pattern: "v3/inventory/locations/{id}/items", scope: inventory, methods: m{"GET": s.listLocationItems, "PUT": s.updateLocationItems}},

		{pattern: "v3/carts", scope: carts, methods: m{"POST": s.createCart}},
		{pattern: "v3/carts/{key}", scope: carts, methods: m{"GET": s.getCart, "DELETE": s.deleteCart}},
		{pattern: "v3/carts/{key}/items", scope: carts, methods: m{"POST": s.addCartItems}},
		{pattern: "v3/carts/{key}/items/{key}", scope: carts, methods: m{"PUT": s.updateCartItem, "DELETE": s.deleteCartItem}},

		{pattern: "v3/channels", scope: channels, methods: m{"GET": s.listChannels, "POST": s.createChannel}},
		{pattern: "v3/channels/{id}", scope: channels, methods: m{"GET": s.getChannel, "PUT": s.updateChannel}},
		{pattern: "v2/coupons", scope: marketing, methods: m{"GET": s.listCoupons, "POST": s.createCoupon}},
		{pattern: "v2/coupons/count", scope: marketing, methods: m{"GET": s.countCoupons}},
		{pattern: "v2/coupons/{id}", scope: marketing, methods: m{"GET": s.getCoupon, "PUT": s.updateCoupon, "DELETE": s.deleteCoupon}},
		{pattern: "v2/customer_groups", scope: customers, methods: m{"GET": s.listCustomerGroups, "POST": s.createCustomerGroup}},
		{pattern: "v2/customer_groups/count", scope: customers, methods: m{"GET": s.countCustomerGroups}},
		{pattern: "v2/customer_groups/{id}", scope: customers, methods: m{"GET": s.getCustomerGroup, "PUT": s.updateCustomerGroup, "DELETE": s.deleteCustomerGroup}},
		{pattern: "v3/content/pages", scope: content, methods: m{"GET": s.listPages, "POST": s.createPages, "PUT": s.updatePages, "DELETE": s.deletePages}},
		{pattern: "v3/content/pages/{id}", scope: content, methods: m{"GET": s.getPage, "PUT": s.updatePage, "DELETE": s.deletePage}},

		{pattern: "v3/hooks", methods: m{"GET": s.listHooks, "POST": s.createHook}},
		{pattern: "v3/hooks/{id}", methods: m{"GET": s.getHook, "PUT": s.updateHook, "DELETE": s.deleteHook}},
	}
}

// router matches a path against the route table.
type router struct {
	routes []*route
}

func newRouter(routes []*route) *router {
	for _, rt := range routes {
		rt.segments = strings.Split(rt.pattern, "/")
	}
	return &router{routes: routes}
}

// match finds the route for path (relative to /stores/{hash}/) and the
// integers its "{id}" segments hold. Literal segments win over "{id}", so
// "orders/count" is not read as an order id.
func (rt *router) match(path string) (*route, []int) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	var best *route
	var bestIDs []int
	bestLiterals := -1
	for _, r := range rt.routes {
		ids, literals, ok := matchSegments(r.segments, segs)
		if ok && literals > bestLiterals {
			best, bestIDs, bestLiterals = r, ids, literals
		}
	}
	return best, bestIDs
}

func matchSegments(pattern, segs []string) (ids []int, literals int, ok bool) {
	if len(pattern) != len(segs) {
		return nil, 0, false
	}
	for i, p := range pattern {
		if p == "{key}" { // a non-numeric id, such as a cart's UUID
			if segs[i] == "" {
				return nil, 0, false
			}
			continue
		}
		if p != "{id}" {
			if p != segs[i] {
				return nil, 0, false
			}
			literals++
			continue
		}
		n, err := strconv.Atoi(segs[i])
		if err != nil || n < 0 || strconv.Itoa(n) != segs[i] {
			return nil, 0, false
		}
		ids = append(ids, n)
	}
	return ids, literals, true
}

// allowed is the Allow header for a route.
func (r *route) allowed() string {
	var ms []string
	for _, m := range []string{"GET", "POST", "PUT", "DELETE"} {
		if _, ok := r.methods[m]; ok {
			ms = append(ms, m)
		}
	}
	return strings.Join(ms, ", ")
}

func isWrite(method string) bool {
	return method != http.MethodGet && method != http.MethodHead
}
