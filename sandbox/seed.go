package sandbox

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// First ids, chosen apart from each other so that an id of the wrong kind
// rarely names a record by accident.
const (
	firstProductID  = 111
	firstVariantID  = 1001
	firstCustomerID = 1
	firstOrderID    = 100
)

// seed fills the store with the deterministic data of opts.Seed. Every date
// is derived from the fixed anchor, never from the clock.
func (s *Store) seed() {
	s.cat, s.crm, s.meta, s.hks = newCatalog(), newCustomerBook(), newMetafieldBook(), newHookBook()
	s.ord = newOrderBook(firstOrderID)
	s.inv, s.crt, s.pay = newInventoryBook(), newCartBook(), newPaymentBook(s.opts.Orders)
	s.chn, s.cpn, s.grp, s.pgs = seedChannels(), seedCoupons(), seedCustomerGroups(), seedPages()
	s.ids = idCounters{product: firstProductID - 1, variant: firstVariantID - 1, option: 100, optionValue: 200, image: 300,
		customField: 400, customer: firstCustomerID - 1, address: 0, orderLine: 0, shippingAddress: 0, shipment: 5000000}
	rng := rand.New(rand.NewPCG(uint64(s.opts.Seed), 0x5eed))
	for _, x := range []*modIndex{&s.cat.byModified, &s.crm.byModified, &s.ord.byModified} {
		x.seeding = true
		defer x.endSeeding()
	}
	s.seedBrands()
	s.seedCategories(rng)
	for range s.opts.Products {
		s.seedProduct(rng)
	}
	for range s.opts.Customers {
		s.seedCustomer(rng)
	}
	g := newOrderGen(s, rng)
	for i := range s.opts.Orders {
		g.seedOrder(i)
	}
}

var (
	brandNames = []string{"Northwind", "Acme", "Blue Ridge", "Copper & Co", "Driftwood", "Evergreen", "Fieldstone", "Granite Peak"}
	adjectives = []string{"Classic", "Rustic", "Modern", "Vintage", "Urban", "Coastal", "Alpine", "Everyday", "Premium", "Compact"}
	materials  = []string{"Cotton", "Oak", "Steel", "Leather", "Linen", "Ceramic", "Bamboo", "Wool", "Copper", "Canvas"}
	nouns      = []string{"Shirt", "Table", "Mug", "Backpack", "Lamp", "Blanket", "Chair", "Bottle", "Jacket", "Planter", "Notebook", "Scarf"}
	topCats    = []string{"Apparel", "Home", "Kitchen", "Outdoors", "Office"}
	subCats    = []string{"New Arrivals", "Best Sellers", "Essentials", "Gifts", "Sale"}
	firstNames = []string{"Alex", "Sam", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Avery", "Quinn", "Robin", "Drew"}
	lastNames  = []string{"Smith", "Johnson", "Lee", "Garcia", "Brown", "Martin", "Nguyen", "Patel", "Kim", "Lopez", "Clark", "Young"}
	cities     = []struct{ city, state, zip, cc string }{
		{"Austin", "Texas", "78701", "US"}, {"Portland", "Oregon", "97201", "US"}, {"Denver", "Colorado", "80202", "US"},
		{"Toronto", "Ontario", "M5H 2N2", "CA"}, {"London", "England", "EC1A 1BB", "GB"}, {"Sydney", "New South Wales", "2000", "AU"},
	}
	sizes  = []string{"S", "M", "L", "XL"}
	colors = []string{"Red", "Blue", "Green", "Black"}
)

func (s *Store) seedBrands() {
	at := isoTime(anchor.Add(-400 * 24 * time.Hour).Unix())
	for _, n := range brandNames {
		s.ids.brand++
		b := &brand{ID: s.ids.brand, Name: n, PageTitle: n, MetaKeywords: []string{}, SearchKeywords: n,
			CustomURL: customURL{URL: "/brands/" + slug(n) + ".html"}, dateModified: at}
		s.cat.addBrand(b)
	}
}

// seedCategories builds one tree whose categories reach depth 4.
func (s *Store) seedCategories(rng *rand.Rand) {
	s.ids.tree++
	s.cat.trees[s.ids.tree] = &tree{ID: s.ids.tree, Name: "Default", Channels: []int{1}}
	for i, top := range topCats {
		t := s.seedCategory(0, top)
		for j, sub := range subCats[:2+rng.IntN(3)] {
			deep := i == 0 && j == 0 // one branch always reaches depth 4
			c2 := s.seedCategory(t.ID, top+" "+sub)
			if deep || rng.IntN(2) == 0 {
				c3 := s.seedCategory(c2.ID, c2.Name+" Featured")
				if deep || rng.IntN(2) == 0 {
					s.seedCategory(c3.ID, c3.Name+" Limited")
				}
			}
		}
	}
}

func (s *Store) seedCategory(parent int, name string) *category {
	s.ids.category++
	c := &category{ID: s.ids.category, ParentID: parent, TreeID: 1, Name: name, IsVisible: true,
		URL: categoryURL{Path: "/" + slug(name) + "/"}, DefaultProductSort: "use_store_settings", MetaKeywords: []string{}}
	s.cat.addCategory(c)
	return c
}

// pick is a random element of list.
func pick[T any](rng *rand.Rand, list []T) T { return list[rng.IntN(len(list))] }

// between is a uniformly random Unix time in [from, to).
func between(rng *rand.Rand, from, to time.Time) int64 {
	span := to.Sub(from) / time.Second
	if span <= 0 {
		return from.Unix()
	}
	return from.Unix() + rng.Int64N(int64(span))
}

func (s *Store) seedProduct(rng *rand.Rand) {
	s.ids.product++
	id := s.ids.product
	name := fmt.Sprintf("%s %s %s %05d", pick(rng, adjectives), pick(rng, materials), pick(rng, nouns), id)
	created := between(rng, anchor.AddDate(-1, 0, 0), anchor)
	price := decimal(500+rng.IntN(49500)) * 100 // 5.00 to 499.99
	p := &product{ID: id, Name: name, Type: "physical", SKU: fmt.Sprintf("SKU-%05d", id), Description: "<p>" + name + "</p>",
		Weight: decimal(1+rng.IntN(200)) * 1000, Price: price, CostPrice: price * 6 / 10 / 100 * 100, Categories: []int{},
		BrandID: 1 + rng.IntN(len(brandNames)), Availability: "available", Condition: "New", InventoryTracking: "none",
		IsVisible: rng.IntN(10) > 0, IsFeatured: rng.IntN(10) == 0, RelatedProducts: []int{-1}, MetaKeywords: []string{},
		OptionSetDisplay: "right", CustomURL: customURL{URL: "/" + slug(name) + "/"},
		DateCreated: isoTime(created), DateModified: isoTime(created + rng.Int64N(max(1, anchor.Unix()-created)))}
	p.CalculatedPrice = p.Price
	for range 1 + rng.IntN(2) {
		p.Categories = append(p.Categories, 1+rng.IntN(s.ids.category))
	}
	if rng.IntN(10) < 4 {
		s.seedVariants(rng, p)
	} else {
		s.addVariantsFromInput(p, nil)
		if rng.IntN(10) < 6 {
			p.InventoryTracking = "product"
			p.InventoryLevel = rng.IntN(500)
			p.Variants[0].InventoryLevel = p.InventoryLevel
		}
	}
	for range 1 + rng.IntN(2) {
		s.addImage(p, imageInput{ImageURL: ptr(fmt.Sprintf("https://images.example.com/%s.jpg", slug(name)))})
		p.Images[len(p.Images)-1].DateModified = p.DateModified
	}
	for j := range rng.IntN(3) {
		s.ids.customField++
		p.CustomFields = append(p.CustomFields, &customField{ID: s.ids.customField, Name: []string{"Material", "Origin"}[j], Value: pick(rng, materials)})
	}
	s.cat.addProduct(p)
}

func ptr[T any](v T) *T { return &v }

// seedVariants gives p a Size option, sometimes a Color option, and one
// variant per combination, with stock tracked per variant.
func (s *Store) seedVariants(rng *rand.Rand, p *product) {
	var ins []variantInput
	nSizes, nColors := 2+rng.IntN(3), 0
	if rng.IntN(2) == 0 {
		nColors = 2 + rng.IntN(2)
	}
	for _, size := range sizes[:nSizes] {
		if nColors == 0 {
			ins = append(ins, variantInput{SKU: ptr(p.SKU + "-" + size), OptionValues: []optionValueInput{{OptionDisplayName: "Size", Label: size}}})
			continue
		}
		for _, color := range colors[:nColors] {
			ins = append(ins, variantInput{SKU: ptr(p.SKU + "-" + size + "-" + color[:3]),
				OptionValues: []optionValueInput{{OptionDisplayName: "Size", Label: size}, {OptionDisplayName: "Color", Label: color}}})
		}
	}
	s.addVariantsFromInput(p, ins)
	if rng.IntN(10) < 8 {
		p.InventoryTracking = "variant"
		for _, v := range p.Variants {
			v.InventoryLevel = rng.IntN(100)
		}
		p.syncInventory()
	}
}

func (s *Store) seedCustomer(rng *rand.Rand) {
	s.ids.customer++
	id := s.ids.customer
	first, last := pick(rng, firstNames), pick(rng, lastNames)
	created := between(rng, anchor.AddDate(-2, 0, 0), anchor.AddDate(0, -1, 0))
	cu := &customer{ID: id, FirstName: first, LastName: last, Email: fmt.Sprintf("%s.%s.%d@example.com", lower(first), lower(last), id),
		Phone: fmt.Sprintf("555-%04d", rng.IntN(10000)), DateCreated: isoTime(created), OriginChannelID: 1, ChannelIDs: []int{1},
		DateModified: isoTime(created + rng.Int64N(max(1, anchor.Unix()-created))), StoreCreditAmounts: []storeCredit{{}},
		RegistrationIPAddress: fmt.Sprintf("198.51.100.%d", id%250+1), AcceptsMarketing: rng.IntN(2) == 0}
	if rng.IntN(5) == 0 {
		cu.Company = pick(rng, brandNames) + " Ltd"
	}
	for range 1 + rng.IntN(2) {
		c := pick(rng, cities)
		in := addressInput{FirstName: &first, LastName: &last, Address1: ptr(fmt.Sprintf("%d Main St", 1+rng.IntN(999))),
			City: &c.city, StateOrProvince: &c.state, PostalCode: &c.zip, CountryCode: &c.cc, Phone: &cu.Phone}
		cu.Addresses = append(cu.Addresses, s.newAddress(id, &in))
	}
	cu.CustomerGroupID = seededGroupOf(id)
	s.crm.add(cu)
	cu.billing = billingFor(cu)
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// seedStatuses weights the status spread: mostly completed and shipped
// orders, every status 0-14 present.
var seedStatuses = []uint8{10, 10, 10, 10, 10, 2, 2, 2, 11, 11, 9, 1, 7, 0, 3, 4, 5, 6, 8, 12, 13, 14}

// orderGen makes seeded orders cheaply: one per call, with dates rising
// with the id across the year before the anchor.
type orderGen struct {
	s       *Store
	rng     *rand.Rand
	from    int64
	step    float64
	horizon int64
}

func newOrderGen(s *Store, rng *rand.Rand) *orderGen {
	from := anchor.AddDate(-1, 0, 0).Unix()
	return &orderGen{s: s, rng: rng, from: from, step: float64(anchor.Unix()-from) / float64(max(1, s.opts.Orders)), horizon: anchor.Unix()}
}

func (g *orderGen) seedOrder(i int) {
	s, rng := g.s, g.rng
	created := g.from + int64(float64(i)*g.step)
	modified := min(g.horizon, created+rng.Int64N(30*86400))
	o := &order{id: s.ord.nextID, status: pick(rng, seedStatuses), channelID: 1, created: created, modified: modified,
		payment: uint8(rng.IntN(4))}
	s.ids.shippingAddress++
	o.shippingAddrID = s.ids.shippingAddress
	if n := len(s.crm.ids); n > 0 && rng.IntN(10) > 0 {
		cu := s.crm.customers[s.crm.ids[rng.IntN(n)]]
		o.customerID, o.billing = cu.ID, cu.billing
	} else {
		o.billing = guestAddress(rng, o.id)
	}
	g.lines(o)
	if rng.IntN(3) == 0 {
		o.shipping = 999 * 100
	}
	if rng.IntN(10) == 0 {
		o.discount = 500 * 100
	}
	o.recompute()
	o.refunded = seededRefund(o)
	switch o.status {
	case 2, 3, 10:
		o.shipped = min(modified, created+86400*int64(1+rng.IntN(5)))
	}
	s.ord.nextID++
	s.ord.add(o)
}

func (g *orderGen) lines(o *order) {
	s, rng := g.s, g.rng
	n := 1 + rng.IntN(3)
	o.lines = make([]orderLine, 0, n)
	for range n {
		s.ids.orderLine++
		l := orderLine{id: s.ids.orderLine, qty: 1 + rng.IntN(3)}
		if np := len(s.cat.productList); np > 0 {
			p := s.cat.productList[rng.IntN(np)]
			v := p.Variants[rng.IntN(len(p.Variants))]
			l.productID, l.variantID, l.name, l.sku, l.price, l.options = p.ID, v.ID, p.Name, v.SKU, v.CalculatedPrice, v.OptionValues
			p.TotalSold += l.qty
		} else {
			l.name, l.sku, l.price = "Custom item", "", decimal(1000+rng.IntN(9000))*100
		}
		switch o.status {
		case 2, 10:
			l.qtyShipped = l.qty
		case 3:
			l.qtyShipped = l.qty / 2
		}
		o.lines = append(o.lines, l)
	}
}

func guestAddress(rng *rand.Rand, id int) *OrderAddress {
	first, last, c := pick(rng, firstNames), pick(rng, lastNames), pick(rng, cities)
	return &OrderAddress{FirstName: first, LastName: last, Street1: fmt.Sprintf("%d Oak Ave", 1+rng.IntN(999)), City: c.city,
		State: c.state, Zip: c.zip, Country: countryNames[c.cc], CountryISO2: c.cc,
		Email: fmt.Sprintf("guest.%d@example.com", id)}
}
