package bigcommerce

import "fmt"

// APIError is every failure the API reports. errors.Is classifies it.
type APIError struct {
	Status int
	Method string
	Path   string
	Title  string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("bigcommerce: %s %s: %d %s", e.Method, e.Path, e.Status, e.Title)
}
