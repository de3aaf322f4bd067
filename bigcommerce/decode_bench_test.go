package bigcommerce

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"
)

// productPageJSON builds a V3 page of n products, each with variants variants,
// two images and two custom fields, shaped like GET
// /v3/catalog/products?include=variants,images,custom_fields.
func productPageJSON(n, variants int) []byte {
	var b strings.Builder
	b.WriteString(`{"data":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		id := i + 1
		fmt.Fprintf(&b, `{"id":%d,"name":"Product %d","type":"physical","sku":"SKU-%d","description":"<p>A fine product with a description long enough to matter.</p>",
"weight":1.25,"width":10,"depth":5,"height":2.5,"price":%d.99,"cost_price":%d.10,"retail_price":0,"sale_price":0,"map_price":0,
"tax_class_id":0,"product_tax_code":"","calculated_price":%d.99,"categories":[23,%d],"brand_id":%d,"option_set_id":null,
"option_set_display":"right","inventory_level":%d,"inventory_warning_level":5,"inventory_tracking":"variant",
"reviews_rating_sum":0,"reviews_count":0,"total_sold":%d,"fixed_cost_shipping_price":0,"is_free_shipping":false,
"is_visible":true,"is_featured":false,"related_products":[-1],"warranty":"","bin_picking_number":"","layout_file":"product.html",
"upc":"","mpn":"","gtin":"","date_last_imported":"","search_keywords":"mug, coffee","availability":"available",
"availability_description":"","gift_wrapping_options_type":"any","gift_wrapping_options_list":[],"sort_order":0,
"condition":"New","is_condition_shown":false,"order_quantity_minimum":0,"order_quantity_maximum":0,"page_title":"",
"meta_keywords":[],"meta_description":"","date_created":"2025-01-15T00:03:17+00:00","date_modified":"2025-02-%02dT10:00:00+00:00",
"view_count":%d,"preorder_release_date":null,"preorder_message":"","is_preorder_only":false,"is_price_hidden":false,
"price_hidden_label":"","custom_url":{"url":"/product-%d/","is_customized":false},"base_variant_id":null,
"open_graph_type":"product","open_graph_title":"","open_graph_description":"","open_graph_use_meta_description":true,
"open_graph_use_product_name":true,"open_graph_use_image":true,"variants":[`,
			id, id, id, id%200, id%50, id%200, 24+id%10, id%30, id*3, id%17, id%28+1, id*11, id)
		for v := range variants {
			if v > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"id":%d,"product_id":%d,"sku":"SKU-%d-%d","sku_id":%d,"price":null,"calculated_price":%d.99,
"sale_price":null,"retail_price":null,"map_price":null,"weight":null,"calculated_weight":1.25,"width":null,"height":null,
"depth":null,"is_free_shipping":false,"fixed_cost_shipping_price":null,"purchasing_disabled":false,
"purchasing_disabled_message":"","image_url":"","cost_price":null,"upc":"","mpn":"","gtin":"","inventory_level":%d,
"inventory_warning_level":0,"bin_picking_number":"","option_values":[{"id":%d,"label":"Option %d","option_id":%d,"option_display_name":"Color"}]}`,
				id*10+v, id, id, v, id*10+v, id%200, v*4, 100+v, v, 200+id%7)
		}
		fmt.Fprintf(&b, `],"images":[{"id":%d,"product_id":%d,"is_thumbnail":true,"sort_order":0,"description":"",
"image_file":"a/%d/front.jpg","url_zoom":"https://cdn11.bigcommerce.com/s-abc123/images/stencil/1280x1280/products/%d/1/front.jpg",
"url_standard":"https://cdn11.bigcommerce.com/s-abc123/images/stencil/500x659/products/%d/1/front.jpg",
"url_thumbnail":"https://cdn11.bigcommerce.com/s-abc123/images/stencil/100x100/products/%d/1/front.jpg",
"url_tiny":"https://cdn11.bigcommerce.com/s-abc123/images/stencil/44x44/products/%d/1/front.jpg","date_modified":"2025-02-01T10:00:00+00:00"}],
"custom_fields":[{"id":%d,"name":"Material","value":"Ceramic"},{"id":%d,"name":"Origin","value":"Portugal"}]}`,
			id*2, id, id, id, id, id, id, id*2, id*2+1)
	}
	fmt.Fprintf(&b, `],"meta":{"pagination":{"total":%d,"count":%d,"per_page":250,"current_page":1,"total_pages":1,"links":{"current":"?page=1&limit=250"}}}}`, n, n)
	return []byte(b.String())
}

// orderPageJSON builds a V2 page of n orders as GET /v2/orders returns them.
func orderPageJSON(n int) []byte {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = v2Order(1000 + i)
	}
	return []byte("[" + strings.Join(parts, ",") + "]")
}

// orderPageLinesJSON builds a V2 page of n orders with lines line items
// each, shaped like GET /v2/orders?include=consignments.line_items&
// consignment_structure=object: the order's members, its billing address,
// links to its sub-resources and a consignments object whose one shipping
// consignment holds the line items with one product option each.
func orderPageLinesJSON(n, lines int) []byte {
	var b strings.Builder
	b.WriteByte('[')
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		id := 1000 + i
		fmt.Fprintf(&b, `{"id":%d,"customer_id":%d,"date_created":"Mon, 11 Mar 2019 15:17:25 +0000","date_modified":"Tue, %02d Mar 2019 08:00:01 +0000",
"date_shipped":"","status_id":11,"status":"Awaiting Fulfillment","custom_status":"Awaiting Fulfillment","subtotal_ex_tax":"%d.6793",
"subtotal_inc_tax":"%d.6900","subtotal_tax":"5.0107","base_shipping_cost":"9.9900","shipping_cost_ex_tax":"9.9900","shipping_cost_inc_tax":"9.9900",
"shipping_cost_tax":"0.0000","shipping_cost_tax_class_id":0,"base_handling_cost":"0.0000","handling_cost_ex_tax":"0.0000",
"handling_cost_inc_tax":"0.0000","handling_cost_tax":"0.0000","base_wrapping_cost":"0.0000","wrapping_cost_ex_tax":"0.0000",
"wrapping_cost_inc_tax":"0.0000","wrapping_cost_tax":"0.0000","total_ex_tax":"%d.6693","total_inc_tax":"%d.6800","total_tax":"5.0107",
"items_total":%d,"items_shipped":0,"payment_method":"Credit Card","payment_provider_id":null,"payment_status":"captured",
"refunded_amount":"0.0000","order_is_digital":false,"store_credit_amount":"0.0000","gift_certificate_amount":"0.0000",
"ip_address":"192.0.2.%d","ip_address_v6":"","geoip_country":"United States","geoip_country_iso2":"US","currency_id":1,
"currency_code":"USD","currency_exchange_rate":"1.0000000000","default_currency_id":1,"default_currency_code":"USD",
"store_default_currency_code":"USD","staff_notes":"","customer_message":"","discount_amount":"0.0000","coupon_discount":"0.0000",
"shipping_address_count":1,"is_deleted":false,"is_email_opt_in":false,"order_source":"www","channel_id":1,"external_source":null,
"external_id":null,"external_order_id":"","cart_id":"","customer_locale":"en",
"billing_address":{"first_name":"Jane","last_name":"Doe","company":"","street_1":"%d Oak Ave","street_2":"","city":"Austin",
"state":"Texas","zip":"78751","country":"United States","country_iso2":"US","phone":"","email":"guest.%d@example.com","form_fields":[]},
"products":{"url":"https://api.bigcommerce.com/stores/abc123/v2/orders/%d/products","resource":"/orders/%d/products"},
"shipping_addresses":{"url":"https://api.bigcommerce.com/stores/abc123/v2/orders/%d/shipping_addresses","resource":"/orders/%d/shipping_addresses"},
"coupons":{"url":"https://api.bigcommerce.com/stores/abc123/v2/orders/%d/coupons","resource":"/orders/%d/coupons"},
"consignments":{"pickups":[],"shipping":[{"id":%d,"order_id":%d,"first_name":"Jane","last_name":"Doe","company":"","street_1":"%d Oak Ave",
"street_2":"","city":"Austin","state":"Texas","zip":"78751","country":"United States","country_iso2":"US","phone":"",
"email":"guest.%d@example.com","items_total":%d,"items_shipped":0,"shipping_method":"Flat Rate","base_cost":"9.9900",
"cost_ex_tax":"9.9900","cost_inc_tax":"9.9900","cost_tax":"0.0000","cost_tax_class_id":0,"shipping_zone_id":1,
"shipping_zone_name":"United States","form_fields":[],"shipping_quotes":{"url":"https://api.bigcommerce.com/stores/abc123/v2/orders/%d/shipping_addresses/%d/shipping_quotes",
"resource":"/orders/%d/shipping_addresses/%d/shipping_quotes"},"line_items":[`,
			id, id%90+1, id%28+1, 50+id%50, 55+id%50, 60+id%50, 65+id%50, lines, id%250+1, id%999+1, id,
			id, id, id, id, id, id, id+5000, id, id%999+1, id, lines, id, id+5000, id, id+5000)
		for l := range lines {
			if l > 0 {
				b.WriteByte(',')
			}
			line := id*10 + l
			fmt.Fprintf(&b, `{"id":%d,"order_id":%d,"product_id":%d,"variant_id":%d,"order_address_id":%d,"name":"Product %d",
"name_customer":"Product %d","name_merchant":"Product %d","sku":"SKU-%d-%d","upc":"","type":"physical","base_price":"%d.9900",
"price_ex_tax":"%d.9900","price_inc_tax":"%d.7900","price_tax":"0.8000","base_total":"%d.9800","total_ex_tax":"%d.9800",
"total_inc_tax":"%d.5800","total_tax":"1.6000","quantity":2,"base_cost_price":"0.0000","is_refunded":false,"quantity_refunded":0,
"refund_amount":"0.0000","quantity_shipped":0,"fixed_shipping_cost":"0.0000","is_bundled_product":false,"parent_order_product_id":null,
"applied_discounts":[],"product_options":[{"id":%d,"option_id":%d,"order_product_id":%d,"product_option_id":%d,"display_name":"Color",
"display_value":"Option %d","value":"%d","type":"Multiple choice","name":"Color","display_style":"Rectangle"}],"configurable_fields":[]}`,
				line, id, 100+l+id%40, 500+l+id%40*3, id+5000, 100+l+id%40, 100+l+id%40, 100+l+id%40, 100+l+id%40, l,
				10+l, 10+l, 10+l, 21+2*l, 21+2*l, 23+2*l, line*10, 200+l, line, 200+l, l, 300+l)
		}
		b.WriteString(`]}],"downloads":[],"email":{"gift_certificates":[]}}}`)
	}
	b.WriteByte(']')
	return []byte(b.String())
}

func TestBenchFixturesDecode(t *testing.T) {
	t.Parallel()
	var env envelope[[]*Product]
	if err := json.Unmarshal(productPageJSON(250, 3), &env); err != nil {
		t.Fatal(err)
	}
	if len(env.Data) != 250 || len(env.Data[249].Variants) != 3 || env.Data[0].Price != "1.99" || env.Meta.Pagination.Total != 250 {
		t.Fatalf("product page decoded wrongly: %d products", len(env.Data))
	}
	var orders []*Order
	if err := json.Unmarshal(orderPageJSON(250), &orders); err != nil {
		t.Fatal(err)
	}
	if len(orders) != 250 || orders[249].ID != 1249 || orders[0].TotalIncTax != "67.6900" {
		t.Fatalf("order page decoded wrongly: %d orders", len(orders))
	}
	var withLines []*Order
	if err := json.Unmarshal(orderPageLinesJSON(250, 2), &withLines); err != nil {
		t.Fatal(err)
	}
	if o := withLines[249]; len(withLines) != 250 || o.ID != 1249 || o.Consignments == nil || len(o.Consignments.Shipping) != 1 ||
		len(o.Consignments.Shipping[0].LineItems) != 2 || o.Consignments.Shipping[0].LineItems[1].ProductOptions[0].Value != "301" {
		t.Fatalf("order page with line items decoded wrongly: %d orders", len(withLines))
	}
}

// cpuTime is the CPU time the process has used (user and system, every
// thread, so the garbage collector's work is counted).
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU adds the CPU time per operation and the bytes decoded per CPU
// second: on a loaded machine wall time measures the neighbours, CPU time
// measures the code.
func reportCPU(b *testing.B, start time.Duration, size int) {
	cpu := cpuTime(b) - start
	if b.N == 0 || cpu <= 0 {
		return
	}
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(size)*float64(b.N)/cpu.Seconds()/1e6, "cpu-MB/s")
}

// BenchmarkDecodeProductPage decodes a 250-product V3 page with 3 variants,
// 2 images and 2 custom fields per product, as the client does (decodeJSON).
func BenchmarkDecodeProductPage(b *testing.B) {
	data := productPageJSON(250, 3)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	start := cpuTime(b)
	for b.Loop() {
		var env envelope[[]*Product]
		if err := decodeJSON(data, &env); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, start, len(data))
}

// BenchmarkDecodeOrderPage decodes a 250-order V2 page (decimal strings,
// RFC-2822 dates).
func BenchmarkDecodeOrderPage(b *testing.B) {
	benchmarkDecodeOrders(b, orderPageJSON(250))
}

// BenchmarkDecodeOrderPageLines decodes a 250-order V2 page with two line
// items per order, as OrdersService.List reads it with IncludeConsignments
// (include=consignments.line_items&consignment_structure=object).
func BenchmarkDecodeOrderPageLines(b *testing.B) {
	benchmarkDecodeOrders(b, orderPageLinesJSON(250, 2))
}

// benchmarkDecodeOrders decodes a page of orders as OrdersService.List does.
func benchmarkDecodeOrders(b *testing.B, data []byte) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	start := cpuTime(b)
	for b.Loop() {
		var orders orderList
		if err := decodeJSON(data, &orders); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, start, len(data))
}

// BenchmarkProductsListPage is one Products.List call of 250 products with
// variants through the whole client (transport, governor, decode) against a
// local server.
func BenchmarkProductsListPage(b *testing.B) {
	data := productPageJSON(250, 3)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(data)
	}))
	defer srv.Close()
	c, err := NewClient(testHash, resourceTestToken, WithBaseURL(srv.URL))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	opts := &ProductListOptions{Include: []string{"variants", "images", "custom_fields"}, Limit: 250}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	start := cpuTime(b)
	for b.Loop() {
		ps, _, err := c.Products.List(ctx, opts)
		if err != nil || len(ps) != 250 {
			b.Fatalf("%d products, %v", len(ps), err)
		}
	}
	reportCPU(b, start, len(data))
}
