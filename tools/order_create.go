package tools

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/bigc-dev/bigc/bigcommerce"
)

// ---- create-order: POST /v2/orders

// CreateOrderInput is a new order for a customer or a guest.
type CreateOrderInput struct {
	CustomerID     int              `json:"customer_id,omitempty" bigc:"minimum=1"`
	BillingAddress *NewOrderAddress `json:"billing_address,omitempty" jsonschema:"default the customer's"`
	Lines          []NewOrderLine   `json:"lines" bigc:"minItems=1;maxItems=100"`
	Status         OrderStatus      `json:"status,omitempty" jsonschema:"default Pending"`
	StaffNotes     string           `json:"staff_notes,omitempty"`
}

// NewOrderAddress is the billing address of a new order.
type NewOrderAddress struct {
	FirstName   string `json:"first_name" bigc:"pattern=nonblank"`
	LastName    string `json:"last_name" bigc:"pattern=nonblank"`
	Email       string `json:"email" bigc:"pattern=email"`
	Street1     string `json:"street_1,omitempty"`
	City        string `json:"city,omitempty"`
	State       string `json:"state,omitempty"`
	Zip         string `json:"zip,omitempty"`
	Country     string `json:"country,omitempty"`
	CountryISO2 string `json:"country_iso2,omitempty" jsonschema:"e.g. US" bigc:"pattern=country"`
	Phone       string `json:"phone,omitempty"`
}

// NewOrderLine is one line of a new order: a product, or a variant by SKU.
type NewOrderLine struct {
	ProductID int    `json:"product_id,omitempty" jsonschema:"one without options; else sku" bigc:"minimum=1"`
	SKU       string `json:"sku,omitempty" jsonschema:"variant SKU"`
	Quantity  int    `json:"quantity" bigc:"minimum=1;maximum=10000"`
}

// CreateOrderOutput is the order created.
type CreateOrderOutput struct {
	Order      OrderSummary `json:"order" jsonschema:"as stored; get-order shows its lines"`
	Reconciled bool         `json:"reconciled" jsonschema:"true: the answer was lost and the order found (created once)"`
}

func addCreateOrder(r *Registry) {
	add(r, Spec[CreateOrderInput, CreateOrderOutput]{
		Name:        "create-order",
		Title:       "Create an order",
		Description: "Create an order for customer_id or a guest (billing_address).",
		Annotations: Annotations{OpenWorld: true},
		Preview:     previewCreateOrder,
		Handler:     createOrder,
	})
}

// plannedOrder is a checked order request and what it is for, in words.
type plannedOrder struct {
	req     *bigcommerce.OrderCreateRequest
	summary string
}

// planOrder checks in against the store (the customer, each SKU) and builds
// the request, changing nothing.
func planOrder(ctx context.Context, env *Env, in CreateOrderInput) (*plannedOrder, error) {
	req := &bigcommerce.OrderCreateRequest{CustomerID: in.CustomerID, StaffNotes: in.StaffNotes}
	who := "a guest"
	status := "Pending"
	if in.Status != "" {
		id, err := in.Status.id()
		if err != nil {
			return nil, err
		}
		req.StatusID, status = id, orderStatuses[id]
	}
	if b := in.BillingAddress; b != nil {
		req.BillingAddress = &bigcommerce.BillingAddress{FirstName: b.FirstName, LastName: b.LastName, Email: strings.TrimSpace(b.Email),
			Street1: b.Street1, City: b.City, State: b.State, Zip: b.Zip, Country: b.Country, CountryISO2: strings.ToUpper(b.CountryISO2), Phone: b.Phone}
		who = "guest " + req.BillingAddress.Email
	}
	switch {
	case in.CustomerID > 0:
		c, _, err := env.Client.Customers.Get(ctx, in.CustomerID)
		if err != nil {
			return nil, apiError(err, "call list-customers to find the customer id")
		}
		who = fmt.Sprintf("customer %d (%s)", c.ID, c.Email)
		if req.BillingAddress == nil {
			req.BillingAddress = &bigcommerce.BillingAddress{FirstName: c.FirstName, LastName: c.LastName, Email: c.Email, Phone: c.Phone, Company: c.Company}
			if len(c.Addresses) > 0 {
				a := c.Addresses[0]
				req.BillingAddress.Street1, req.BillingAddress.Street2, req.BillingAddress.City = a.Address1, a.Address2, a.City
				req.BillingAddress.State, req.BillingAddress.Zip, req.BillingAddress.CountryISO2 = a.StateOrProvince, a.PostalCode, a.CountryCode
			}
		}
	case req.BillingAddress == nil:
		return nil, BadInput("billing_address", "is required for a guest order (or give customer_id)")
	}
	for i, l := range in.Lines {
		field := fmt.Sprintf("lines[%d]", i)
		line := &bigcommerce.OrderProductRequest{Quantity: l.Quantity}
		switch sku := strings.TrimSpace(l.SKU); {
		case l.ProductID > 0 && sku != "":
			return nil, BadInput(field, "give product_id or sku, not both")
		case sku != "":
			v, err := env.Client.Variants.FindBySKU(ctx, sku)
			if err != nil {
				return nil, apiError(err, fmt.Sprintf("no variant has SKU %q; call find-variant or list-products to find it", sku))
			}
			line.ProductID, line.VariantID = v.ProductID, v.ID
		case l.ProductID > 0:
			vs, _, err := env.Client.Variants.ListByProduct(ctx, l.ProductID, &bigcommerce.ProductVariantListOptions{Limit: 2})
			if err != nil {
				return nil, apiError(err, "call list-products to find the product id")
			}
			if len(vs) != 1 {
				return nil, BadInput(field+".product_id", "product %d has options (several variants): give the variant's sku instead (get-product lists them)", l.ProductID)
			}
			line.ProductID, line.VariantID = l.ProductID, vs[0].ID
		default:
			return nil, BadInput(field, "needs product_id or sku")
		}
		req.Products = append(req.Products, line)
	}
	return &plannedOrder{req: req, summary: fmt.Sprintf("a %s order for %s with %d lines", status, who, len(req.Products))}, nil
}

func previewCreateOrder(ctx context.Context, env *Env, in CreateOrderInput) (string, error) {
	p, err := planOrder(ctx, env, in)
	if err != nil {
		return "", err
	}
	return "would create " + p.summary, nil
}

func createOrder(ctx context.Context, env *Env, in CreateOrderInput) (CreateOrderOutput, error) {
	var out CreateOrderOutput
	p, err := planOrder(ctx, env, in)
	if err != nil {
		return out, err
	}
	// Orders made from here on are candidates when the answer is lost.
	since := time.Now().Add(-time.Minute)
	o, _, cerr := env.Client.Orders.Create(ctx, p.req)
	if cerr == nil {
		out.Order = orderSummary(o)
		return out, nil
	}
	if !errors.Is(cerr, bigcommerce.ErrOutcomeUnknown) {
		return out, apiError(cerr, "")
	}
	found, err := findCreatedOrder(ctx, env, p.req, since)
	if err != nil {
		return out, err
	}
	if found == nil {
		return out, withNext(cerr, "the answer was lost and no matching order exists, so none was created; call create-order again")
	}
	out.Order, out.Reconciled = orderSummary(found), true
	return out, nil
}

// findCreatedOrder looks for the order a create whose answer was lost made:
// the newest order of the same customer (or guest email) created since then
// whose lines are the request's (product, variant, quantity). BigCommerce
// takes no idempotency key for orders, so this is how a retry avoids a
// duplicate.
func findCreatedOrder(ctx context.Context, env *Env, req *bigcommerce.OrderCreateRequest, since time.Time) (*bigcommerce.Order, error) {
	opts := &bigcommerce.OrderListOptions{MinDateCreated: since, Sort: "id:desc", Limit: 50}
	if req.CustomerID > 0 {
		opts.CustomerID = req.CustomerID
	} else {
		opts.Email = req.BillingAddress.Email
	}
	orders, _, err := env.Client.Orders.List(ctx, opts)
	if err != nil {
		return nil, apiError(err, "")
	}
	want := orderLineKeys(req.Products)
	for _, o := range orders {
		lines, err := env.Client.Orders.Products(ctx, o.ID)
		if err != nil {
			return nil, apiError(err, "")
		}
		got := make([]string, 0, len(lines))
		for _, l := range lines {
			got = append(got, fmt.Sprintf("%d/%d/%d", l.ProductID, l.VariantID, l.Quantity))
		}
		slices.Sort(got)
		if slices.Equal(got, want) {
			return o, nil
		}
	}
	return nil, nil
}

// orderLineKeys are the request's lines as sorted product/variant/quantity
// keys, as the stored lines of the order will be.
func orderLineKeys(lines []*bigcommerce.OrderProductRequest) []string {
	keys := make([]string, 0, len(lines))
	for _, l := range lines {
		keys = append(keys, fmt.Sprintf("%d/%d/%d", l.ProductID, l.VariantID, l.Quantity))
	}
	slices.Sort(keys)
	return keys
}
