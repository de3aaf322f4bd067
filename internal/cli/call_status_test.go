package cli

import (
	"encoding/json"
	"fmt"
	"testing"
)

// TestCallOrderStatus: `bigc call list-orders` takes a status by its name
// (in any case) or its id, both as -F and in --input, and refuses any other
// status with exit 2 naming the field.
func TestCallOrderStatus(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"-F", "status=Awaiting Fulfillment"}, {"-F", "status=awaiting_fulfillment"}, {"-F", "status=11"},
		{"--input", `{"status": 11}`}, {"--input", `{"status": "AWAITING-FULFILLMENT"}`},
	} {
		r := runBigc(t, t.TempDir(), "", append([]string{"call", "list-orders", "--sandbox"}, args...)...)
		var got struct {
			Items []struct {
				StatusID int `json:"status_id"`
			}
		}
		if r.code != exitOK || json.Unmarshal([]byte(r.stdout), &got) != nil || len(got.Items) == 0 {
			t.Errorf("%v: exit %d, %s %s", args, r.code, r.stdout, r.stderr)
			continue
		}
		for _, o := range got.Items {
			if o.StatusID != 11 {
				t.Errorf("%v: an order with status_id %d", args, o.StatusID)
			}
		}
	}
	for _, bad := range []string{`"Lost in the post"`, `15`, `"15"`} {
		r := runBigc(t, t.TempDir(), "", "call", "list-orders", "--sandbox", "--input", fmt.Sprintf(`{"status": %s}`, bad))
		if r.code != exitBadInput || r.errorObject(t).Field != "status" {
			t.Errorf("status %s: exit %d, %s", bad, r.code, r.stderr)
		}
	}
}
