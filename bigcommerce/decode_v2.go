//go:build go1.27 && goexperiment.jsonv2

package bigcommerce

import (
	"encoding/json"
	jsonv2 "encoding/json/v2"
)

// decodeOptions are encoding/json's own (field names matched without regard
// to case, duplicate names and invalid UTF-8 accepted, the types' UnmarshalJSON
// methods called) less its legacy error reporting, which reads the whole value
// once to check it before decoding it a second time.
var decodeOptions = jsonv2.JoinOptions(json.DefaultOptionsV1(), json.ReportErrorsWithLegacySemantics(false))

// decodeJSON decodes an API answer into out in one pass: the decoder checks
// the JSON as it reads it. A syntax error may come after a type error in a
// body that is both cut off and of another shape; do tells the two apart with
// json.Valid, on that rare path only. This is the build for Go 1.27 and later;
// decode.go is the one for earlier releases.
func decodeJSON(data []byte, out any) error {
	return jsonv2.Unmarshal(data, out, decodeOptions)
}
