package webhooks

import (
	"errors"
	"strings"
	"testing"
)

const orderCreated = `{"scope":"store/order/created","store_id":"1025646","data":{"type":"order","id":250},"hash":"dd70c0976e06b67aaf671e73f49dcb79230ebf9d","created_at":1561479335,"producer":"stores/abc123"}`

func TestParseEvent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		body       string
		wantErr    string // substring; "" means success
		wantStream string
		wantID     int64
		wantGone   bool
		// wantDeleted names the stream whose tombstone the event owes
		// (Deletion); its ID is wantDeletedID, or wantID when 0.
		wantDeleted   string
		wantDeletedID int64
	}{
		{name: "order created", body: orderCreated, wantStream: "orders", wantID: 250},
		{name: "status updated", body: `{"scope":"store/order/statusUpdated","store_id":"1","data":{"type":"order","id":9,"status":{"previous_status_id":0,"new_status_id":11}},"hash":"h","created_at":5,"producer":"stores/abc123"}`, wantStream: "orders", wantID: 9},
		{name: "order message", body: `{"scope":"store/order/message/created","store_id":"1","data":{"type":"order","id":9,"message":{"order_message_id":3}},"hash":"h","created_at":5,"producer":"stores/abc123"}`, wantStream: "orders", wantID: 9},
		{name: "shipment names its order", body: `{"scope":"store/shipment/created","store_id":"1","data":{"type":"shipment","id":12,"orderId":250},"hash":"h","created_at":5,"producer":"stores/abc123"}`, wantStream: "orders", wantID: 250},
		{name: "product deleted", body: `{"scope":"store/product/deleted","store_id":"1","data":{"type":"product","id":77},"hash":"h","created_at":5,"producer":"stores/abc123"}`, wantStream: "products", wantID: 77, wantGone: true, wantDeleted: "products"},
		{name: "order archived", body: `{"scope":"store/order/archived","store_id":"1","data":{"type":"order","id":9},"hash":"h","created_at":5,"producer":"stores/abc123"}`, wantStream: "orders", wantID: 9, wantGone: true, wantDeleted: "orders"},
		{name: "customer deleted", body: `{"scope":"store/customer/deleted","store_id":"1","data":{"type":"customer","id":3},"hash":"h","created_at":5,"producer":"stores/abc123"}`, wantStream: "customers", wantID: 3, wantGone: true, wantDeleted: "customers"},
		{name: "category deleted", body: `{"scope":"store/category/deleted","store_id":"1","data":{"type":"category","id":4},"hash":"h","created_at":5,"producer":"stores/abc123"}`, wantDeleted: "categories", wantDeletedID: 4},
		{name: "shipment deleted", body: `{"scope":"store/shipment/deleted","store_id":"1","data":{"type":"shipment","id":12,"orderId":250},"hash":"h","created_at":5,"producer":"stores/abc123"}`, wantStream: "orders", wantID: 250, wantDeleted: "shipments", wantDeletedID: 12},
		{name: "inventory", body: `{"scope":"store/product/inventory/updated","store_id":"1","data":{"type":"product","id":77,"inventory":{"product_id":77,"method":"absolute","value":5,"variant_id":1}},"hash":"h","created_at":5,"producer":"stores/abc123"}`, wantStream: "products", wantID: 77},
		{name: "sku", body: `{"scope":"store/sku/updated","store_id":"1","data":{"type":"sku","id":5,"sku":{"product_id":77,"variant_id":5}},"hash":"h","created_at":5,"producer":"stores/abc123"}`, wantStream: "products", wantID: 77},
		{name: "sku inventory names its product", body: `{"scope":"store/sku/inventory/updated","store_id":"1","data":{"type":"sku","id":461,"inventory":{"product_id":206,"method":"absolute","value":5,"variant_id":509}},"hash":"h","created_at":5,"producer":"stores/abc123"}`, wantStream: "products", wantID: 206},
		{name: "sku inventory order names its product", body: `{"scope":"store/sku/inventory/order/updated","store_id":"1","data":{"type":"sku","id":461,"inventory":{"product_id":206,"method":"relative","value":-2,"variant_id":509}},"hash":"h","created_at":5,"producer":"stores/abc123"}`, wantStream: "products", wantID: 206},
		{name: "sku inventory without product", body: `{"scope":"store/sku/inventory/updated","store_id":"1","data":{"type":"sku","id":461,"inventory":{"method":"absolute","value":5}},"hash":"h","created_at":5,"producer":"stores/abc123"}`},
		{name: "customer address", body: `{"scope":"store/customer/address/updated","store_id":"1","data":{"type":"customer","id":60,"address":{"customer_id":32}},"hash":"h","created_at":5,"producer":"stores/abc123"}`, wantStream: "customers", wantID: 32},
		{name: "numeric store_id", body: `{"scope":"store/customer/created","store_id":1025646,"data":{"type":"customer","id":3},"hash":"h","created_at":5,"producer":"stores/abc123"}`, wantStream: "customers", wantID: 3},
		{name: "metafield is not emitted", body: `{"scope":"store/order/metafield/created","store_id":"1","data":{"metafield_id":4,"resource_id":"9","resource_type":"order"},"hash":"h","created_at":5,"producer":"stores/abc123"}`},
		{name: "category is not emitted", body: `{"scope":"store/category/created","store_id":"1","data":{"type":"category","id":4},"hash":"h","created_at":5,"producer":"stores/abc123"}`},
		{name: "empty", body: ``, wantErr: "not a JSON object"},
		{name: "array", body: `[]`, wantErr: "not a JSON object"},
		{name: "trailing", body: orderCreated + `{}`, wantErr: "trailing"},
		{name: "no scope", body: `{"store_id":"1","data":{"id":1},"hash":"h","created_at":5,"producer":"stores/abc123"}`, wantErr: "scope"},
		{name: "foreign scope", body: `{"scope":"other/x","store_id":"1","data":{"id":1},"hash":"h","created_at":5,"producer":"stores/abc123"}`, wantErr: "scope"},
		{name: "no hash", body: `{"scope":"store/order/created","store_id":"1","data":{"id":1},"created_at":5,"producer":"stores/abc123"}`, wantErr: "hash"},
		{name: "bad producer", body: `{"scope":"store/order/created","store_id":"1","data":{"id":1},"hash":"h","created_at":5,"producer":"abc123"}`, wantErr: "producer"},
		{name: "empty producer hash", body: `{"scope":"store/order/created","store_id":"1","data":{"id":1},"hash":"h","created_at":5,"producer":"stores/"}`, wantErr: "producer"},
		{name: "created_at string", body: `{"scope":"store/order/created","store_id":"1","data":{"id":1},"hash":"h","created_at":"5","producer":"stores/abc123"}`, wantStream: "orders", wantID: 1},
		{name: "created_at zero", body: `{"scope":"store/order/created","store_id":"1","data":{"id":1},"hash":"h","created_at":0,"producer":"stores/abc123"}`, wantErr: "created_at"},
		{name: "created_at fraction", body: `{"scope":"store/order/created","store_id":"1","data":{"id":1},"hash":"h","created_at":1.5,"producer":"stores/abc123"}`, wantErr: "created_at"},
		{name: "data not object", body: `{"scope":"store/order/created","store_id":"1","data":[1],"hash":"h","created_at":5,"producer":"stores/abc123"}`, wantErr: "data"},
		{name: "id string", body: `{"scope":"store/order/created","store_id":"1","data":{"id":"1"},"hash":"h","created_at":5,"producer":"stores/abc123"}`, wantErr: "data"},
		{name: "negative id", body: `{"scope":"store/order/created","store_id":"1","data":{"id":-1},"hash":"h","created_at":5,"producer":"stores/abc123"}`, wantErr: "negative"},
		{name: "store_id object", body: `{"scope":"store/order/created","store_id":{},"data":{"id":1},"hash":"h","created_at":5,"producer":"stores/abc123"}`, wantErr: "store_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ev, err := ParseEvent([]byte(tt.body))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, ErrMalformed) {
					t.Fatalf("ParseEvent error = %v, want one mentioning %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseEvent: %v", err)
			}
			stream, id, gone, ok := ev.Resource()
			if stream != tt.wantStream || id != tt.wantID || gone != tt.wantGone || ok != (tt.wantStream != "") {
				t.Errorf("Resource() = %q, %d, gone %v, ok %v; want %q, %d, gone %v", stream, id, gone, ok, tt.wantStream, tt.wantID, tt.wantGone)
			}
			wantID := tt.wantDeletedID
			if wantID == 0 && tt.wantDeleted != "" {
				wantID = tt.wantID
			}
			if stream, id, ok := ev.Deletion(); stream != tt.wantDeleted || id != wantID || ok != (tt.wantDeleted != "") {
				t.Errorf("Deletion() = %q, %d, ok %v; want %q, %d", stream, id, ok, tt.wantDeleted, wantID)
			}
		})
	}
}

func TestEventFields(t *testing.T) {
	t.Parallel()
	ev, err := ParseEvent([]byte(orderCreated))
	if err != nil {
		t.Fatal(err)
	}
	if ev.StoreHash() != "abc123" || ev.StoreID != "1025646" || ev.Time().Unix() != 1561479335 {
		t.Errorf("fields: store %q, store_id %q, time %v", ev.StoreHash(), ev.StoreID, ev.Time())
	}
	want := "store/order/created|250|1561479335|dd70c0976e06b67aaf671e73f49dcb79230ebf9d"
	if ev.DedupeKey() != want {
		t.Errorf("DedupeKey = %q, want %q", ev.DedupeKey(), want)
	}
	// The same data sent later is another event.
	later, _ := ParseEvent([]byte(strings.Replace(orderCreated, "1561479335", "1561479336", 1)))
	if later.DedupeKey() == ev.DedupeKey() {
		t.Error("events at different times share a dedupe key")
	}
}

func FuzzParseEvent(f *testing.F) {
	f.Add([]byte(orderCreated))
	f.Add([]byte(`{"scope":"store/customer/address/updated","store_id":1,"data":{"address":{"customer_id":32}},"hash":"h","created_at":5,"producer":"stores/x"}`))
	f.Add([]byte(`{"scope":"store/sku/updated","data":{"sku":null},"hash":"h","created_at":1e3,"producer":"stores/x"}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := ParseEvent(body)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		// What the parser accepts must satisfy what the receiver relies on.
		if !strings.HasPrefix(ev.Scope, "store/") || ev.Hash == "" || ev.StoreHash() == "" || ev.CreatedAt <= 0 {
			t.Fatalf("accepted an event missing required fields: %+v", ev)
		}
		if ev.DedupeKey() == "" {
			t.Fatal("empty dedupe key")
		}
		if stream, id, _, ok := ev.Resource(); ok && (stream == "" || id <= 0) {
			t.Fatalf("Resource() = %q, %d, ok", stream, id)
		}
	})
}
