package tools_test

import (
	"encoding/json"
	"fmt"

	"github.com/bigc-dev/bigc/bigcommerce"
	"github.com/bigc-dev/bigc/tools"
)

// Inputs are checked against the tool's schema before any request; the error
// names the field and says what would be valid.
func ExampleTool_CheckInput() {
	reg := tools.NewRegistry()
	tool, _ := reg.Lookup("update-product")
	fmt.Println(tool.CheckInput(json.RawMessage(`{"id": 112, "price": "17.99"}`)))
	fmt.Println(tool.CheckInput(json.RawMessage(`{"id": 112, "price": 1e3}`)))
	fmt.Println(tool.CheckInput(json.RawMessage(`{"id": 112, "prise": 17.99}`)) != nil)
	// Output:
	// <nil>
	// bad_input: price: must be a decimal amount such as 19.99 (a JSON number or a string like "19.99"; no exponent, at most 24 digits on each side of the point), got 1e3
	// true
}

// AsError gives every failure a category and a next step.
func ExampleAsError() {
	err := fmt.Errorf("create-product: %w", bigcommerce.ErrOutcomeUnknown)
	e := tools.AsError(err)
	fmt.Println(e.Category)
	fmt.Println(e.Next)
	// Output:
	// outcome_unknown
	// the write may or may not have happened and was not resent; look the record up by a natural key (SKU, name or email) before trying again
}
