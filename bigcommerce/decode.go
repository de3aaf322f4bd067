//go:build !(go1.27 && goexperiment.jsonv2)

package bigcommerce

import "encoding/json"

// decodeJSON decodes an API answer into out. This is the build for Go before
// 1.27 (or with json/v2 turned off), where encoding/json checks the whole
// value before decoding it; decode_v2.go is the one-pass build.
func decodeJSON(data []byte, out any) error {
	return json.Unmarshal(data, out)
}
