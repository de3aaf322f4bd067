package bigcommerce

// These stubs are replaced by one file per resource (products.go, orders.go, ...).

type ProductsService struct{ c *Client }
type VariantsService struct{ c *Client }
type CategoriesService struct{ c *Client }
type BrandsService struct{ c *Client }
type OrdersService struct{ c *Client }
type CustomersService struct{ c *Client }
type MetafieldsService struct{ c *Client }
type WebhooksService struct{ c *Client }
type StoreService struct{ c *Client }
