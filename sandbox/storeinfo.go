package sandbox

import "fmt"

// getTime serves GET /v2/time: {"time": unix seconds}.
func (s *Store) getTime(c *call) {
	c.json(200, map[string]int64{"time": c.now.Unix()})
}

// storeID is the numeric store id webhooks carry (as a string) and
// /v2/store reports; derived from the seed.
func (s *Store) storeID() int64 {
	return 1000000 + (s.opts.Seed%8999999+8999999)%8999999
}

// getStoreInfo serves GET /v2/store: the store profile.
func (s *Store) getStoreInfo(c *call) {
	domain := fmt.Sprintf("sandbox-%s.mybigcommerce.com", s.hash)
	c.json(200, map[string]any{
		"id": s.hash, "account_uuid": fmt.Sprintf("00000000-0000-4000-8000-%012d", s.storeID()),
		"domain": domain, "secure_url": "https://" + domain, "control_panel_base_url": "https://store-" + s.hash + ".mybigcommerce.com",
		"status": "live", "name": "bigc Sandbox Store", "first_name": "Sandbox", "last_name": "Owner",
		"address": "1 Sandbox Way\nAustin, Texas 78701\nUnited States", "country": "United States", "country_code": "US",
		"phone": "", "admin_email": "owner@example.com", "order_email": "orders@example.com",
		"favicon_url": "", "timezone": map[string]any{"name": "Etc/UTC", "raw_offset": 0, "dst_offset": 0, "dst_correction": false,
			"date_format": map[string]string{"display": "M jS Y", "export": "M jS Y", "extended_display": "M jS Y @ g:i A"}},
		"language": "en", "currency": "USD", "currency_symbol": "$", "decimal_separator": ".", "thousands_separator": ",",
		"decimal_places": 2, "currency_symbol_location": "left", "weight_units": "LBS", "dimension_units": "Inches",
		"dimension_decimal_places": 2, "dimension_decimal_token": ".", "dimension_thousands_token": ",",
		"plan_name": "Sandbox", "plan_level": "Sandbox", "plan_is_trial": false, "industry": "Sandbox",
		"logo": []any{}, "is_price_entered_with_tax": false, "store_id": s.storeID(), "default_channel_id": 1,
		"default_site_id": 1000, "active_comparison_modules": []any{},
		"features": map[string]any{"stencil_enabled": true, "sitewidehttps_enabled": true, "facebook_catalog_id": "",
			"checkout_type": "optimized", "wishlists_enabled": false, "graphql_storefront_api_enabled": true,
			"shopper_consent_tracking_enabled": false, "multi_storefront_enabled": false, "storefront_limits": map[string]int{"active": 1, "total_including_inactive": 1}},
	})
}
