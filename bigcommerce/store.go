package bigcommerce

import (
	"context"
	"net/http"
	"time"
)

// StoreService reads store information (V2 /store and /time). GET /v2/time is
// the lightest authenticated call, used to check credentials.
type StoreService struct{ c *Client }

// StoreInfo is the store profile from GET /v2/store.
type StoreInfo struct {
	ID                    string         `json:"id"` // the store hash
	StoreID               int64          `json:"store_id"`
	AccountUUID           string         `json:"account_uuid"`
	Domain                string         `json:"domain"`
	SecureURL             string         `json:"secure_url"`
	ControlPanelBaseURL   string         `json:"control_panel_base_url"`
	Status                string         `json:"status"`
	Name                  string         `json:"name"`
	FirstName             string         `json:"first_name"`
	LastName              string         `json:"last_name"`
	Address               string         `json:"address"`
	Country               string         `json:"country"`
	CountryCode           string         `json:"country_code"`
	Phone                 string         `json:"phone"`
	AdminEmail            string         `json:"admin_email"`
	OrderEmail            string         `json:"order_email"`
	Language              string         `json:"language"`
	Currency              string         `json:"currency"`
	CurrencySymbol        string         `json:"currency_symbol"`
	DecimalSeparator      string         `json:"decimal_separator"`
	ThousandsSeparator    string         `json:"thousands_separator"`
	DecimalPlaces         int            `json:"decimal_places"`
	WeightUnits           string         `json:"weight_units"`
	DimensionUnits        string         `json:"dimension_units"`
	PlanName              string         `json:"plan_name"`
	PlanLevel             string         `json:"plan_level"`
	PlanIsTrial           bool           `json:"plan_is_trial"`
	Industry              string         `json:"industry"`
	IsPriceEnteredWithTax bool           `json:"is_price_entered_with_tax"`
	DefaultChannelID      int            `json:"default_channel_id"`
	Timezone              *StoreTimezone `json:"timezone,omitempty"`
}

// StoreTimezone is the store's time zone. Offsets are in seconds.
type StoreTimezone struct {
	Name          string `json:"name"`
	RawOffset     int    `json:"raw_offset"`
	DSTOffset     int    `json:"dst_offset"`
	DSTCorrection bool   `json:"dst_correction"`
}

// Info fetches the store profile: GET /v2/store.
func (s *StoreService) Info(ctx context.Context) (*StoreInfo, error) {
	out, _, err := v2Do[*StoreInfo](ctx, s.c, http.MethodGet, "/store", nil, nil)
	if err == nil && out == nil {
		return nil, emptyAnswer("GET /v2/store")
	}
	return out, err
}

// Time returns the store's clock, and doubles as a credential check:
// GET /v2/time, which answers {"time": unix seconds}.
func (s *StoreService) Time(ctx context.Context) (time.Time, error) {
	var out struct {
		Time *Time `json:"time"`
	}
	if _, err := s.c.do(ctx, request{method: http.MethodGet, version: "v2", path: "/time"}, &out); err != nil {
		return time.Time{}, err
	}
	if out.Time == nil || out.Time.IsZero() {
		return time.Time{}, emptyAnswer("GET /v2/time")
	}
	return out.Time.Time, nil
}
