package tools

// NewRegistry returns the registry of every tool, in a fixed order.
func NewRegistry() *Registry {
	r := &Registry{}
	// One call per tool, grouped by entity; each lives in its entity's file.
	return r
}
