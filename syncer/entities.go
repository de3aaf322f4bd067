package syncer

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/bigc-dev/bigc/bigcommerce"
)

// transactionsOf reads an order's payments: GET /v3/orders/{id}/transactions
// (204 when it has none).
func transactionsOf(ctx context.Context, c *bigcommerce.Client, o orderRef) ([]Raw, error) {
	list, err := listAll(ctx, c, "/v3/orders/"+strconv.Itoa(o.ID)+"/transactions", nil)
	if err != nil {
		return nil, err
	}
	return raws(list, "id")
}

// shipmentsOf reads an order's shipments with their tracking and items: GET
// /v2/orders/{id}/shipments. An order that has shipped nothing has none, and
// is not asked.
func shipmentsOf(ctx context.Context, c *bigcommerce.Client, o orderRef) ([]Raw, error) {
	if o.ItemsShipped == 0 {
		return nil, nil
	}
	list, err := listAll(ctx, c, "/v2/orders/"+strconv.Itoa(o.ID)+"/shipments", nil)
	if err != nil {
		return nil, err
	}
	return raws(list, "id")
}

// refundsCreated reads the refunds created in [from, to] across the store:
// GET /v3/orders/payment_actions/refunds?created:min=&created:max=.
func refundsCreated(ctx context.Context, c *bigcommerce.Client, from, to time.Time) ([]Raw, error) {
	q := url.Values{}
	if !from.IsZero() {
		q.Set("created:min", from.UTC().Format(time.RFC3339))
	}
	q.Set("created:max", to.UTC().Format(time.RFC3339))
	list, err := listAll(ctx, c, "/v3/orders/payment_actions/refunds", q)
	if err != nil {
		return nil, err
	}
	return raws(list, "id")
}

// categoriesWithPaths reads every category of every tree (GET
// /v3/catalog/trees/categories) and adds to each parent_ids and
// parent_path: its ancestors' IDs and names from the tree's root down, so
// that a loader needs no recursive query. A renamed or moved ancestor
// changes the paths of everything under it, and those records are emitted
// again.
func categoriesWithPaths(ctx context.Context, c *bigcommerce.Client) ([]Raw, error) {
	list, err := listAll(ctx, c, "/v3/catalog/trees/categories", nil)
	if err != nil {
		return nil, err
	}
	type node struct {
		ID       int64  `json:"category_id"`
		ParentID int64  `json:"parent_id"`
		Name     string `json:"name"`
	}
	nodes := make(map[int64]node, len(list))
	objs := make([]map[string]any, len(list))
	for i, raw := range list {
		var n node
		if err := json.Unmarshal(raw, &n); err != nil {
			return nil, fmt.Errorf("syncer: decoding a category: %w", err)
		}
		nodes[n.ID] = n
		d := json.NewDecoder(bytes.NewReader(raw))
		d.UseNumber()
		if err := d.Decode(&objs[i]); err != nil {
			return nil, fmt.Errorf("syncer: decoding a category: %w", err)
		}
	}
	out := make([]Raw, 0, len(list))
	for _, obj := range objs {
		var id int64
		if n, ok := obj["category_id"].(json.Number); ok {
			id, _ = n.Int64()
		}
		if id <= 0 {
			return nil, fmt.Errorf("syncer: a category has no positive category_id")
		}
		ids, names := []int64{}, []string{}
		for p, hops := nodes[id].ParentID, 0; p != 0 && hops < len(nodes); hops++ {
			parent, ok := nodes[p]
			if !ok {
				break // a parent outside the listing: the path stops there
			}
			ids, names = append([]int64{p}, ids...), append([]string{parent.Name}, names...)
			p = parent.ParentID
		}
		obj["parent_ids"], obj["parent_path"] = ids, names
		b, err := json.Marshal(obj)
		if err != nil {
			return nil, err
		}
		out = append(out, Raw{ID: id, JSON: b})
	}
	return out, nil
}

// storeSnapshot reads the store's settings (GET /v2/store) as the one record
// of the store stream, ID 1.
func storeSnapshot(ctx context.Context, c *bigcommerce.Client) ([]Raw, error) {
	raw, err := getOne(ctx, c, "/v2/store")
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return nil, fmt.Errorf("syncer: decoding the store: %w", err)
	}
	return []Raw{{ID: 1, JSON: b.Bytes()}}, nil
}
