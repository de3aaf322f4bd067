package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// statusCodesURL is the "type" BigCommerce puts in V3 error bodies.
const statusCodesURL = "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes"

// call is one API request being served: its input, and the answer the
// handler builds. The answer is buffered so that faults can cut it short.
type call struct {
	s   *Store
	r   *http.Request
	q   url.Values
	ids []int // the "{id}" segments of the path, in order
	v2  bool  // a /v2/ path: V2 error and date shapes
	now time.Time
	inc map[string]bool // the include parameter, once read
	// overLimit is a limit parameter over the list's maximum, limitMax,
	// that paging met (0 if none).
	overLimit, limitMax int
	// rest is the path after /stores/{hash}/ (API) or /_sandbox/ (operator);
	// rawBody the body of a write, read once when the store keeps a journal.
	rest      string
	rawBody   []byte
	replaying bool // a journaled write applied again at start
	status    int
	header    http.Header
	body      []byte
	pooled    *[]byte   // body's buffer, from bodyPool (jsonwrite.go)
	base      *apiBase  // once joined
	answerAt  time.Time // a read is answered no sooner (its latency)
}

// id returns the i-th integer path segment.
func (c *call) id(i int) int { return c.ids[i] }

// json answers status with v encoded as JSON.
func (c *call) json(status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		c.fail(http.StatusInternalServerError, "The sandbox could not encode the answer: "+err.Error(), nil)
		return
	}
	c.release()
	c.status, c.body = status, b
	c.header.Set("Content-Type", "application/json")
}

// noContent answers 204 with no body (an empty V2 page, a delete).
func (c *call) noContent() {
	c.release()
	c.status, c.body = http.StatusNoContent, nil
}

// v3Data answers 200 with {data, meta:{}} (a V3 single object or write result).
func (c *call) v3Data(status int, data any) {
	c.json(status, map[string]any{"data": data, "meta": struct{}{}})
}

// v3Error is BigCommerce's V3 error object.
type v3Error struct {
	Status int               `json:"status"`
	Title  string            `json:"title"`
	Type   string            `json:"type"`
	Detail string            `json:"detail,omitempty"`
	Errors map[string]string `json:"errors"`
}

// MarshalJSON writes no field errors as "errors":{}, as BigCommerce does,
// never as null.
func (e v3Error) MarshalJSON() ([]byte, error) {
	type plain v3Error
	if e.Errors == nil {
		e.Errors = map[string]string{}
	}
	return json.Marshal(plain(e))
}

// v2Error is one element of BigCommerce's V2 error array.
type v2Error struct {
	Status  int    `json:"status"`
	Message string `json:"message"`
}

// fail answers an error in the shape of the path's API family: a V3 object
// {status,title,type,errors} or a V2 array [{status,message}], one element
// per field error.
func (c *call) fail(status int, title string, fields map[string]string) {
	if c.v2 {
		c.json(status, v2Errors(status, title, fields))
	} else {
		if fields == nil {
			fields = map[string]string{}
		}
		c.json(status, v3Error{Status: status, Title: title, Type: statusCodesURL, Errors: fields})
	}
	c.status = status
}

func v2Errors(status int, title string, fields map[string]string) []v2Error {
	if len(fields) == 0 {
		return []v2Error{{Status: status, Message: title}}
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]v2Error, 0, len(keys))
	for _, k := range keys {
		out = append(out, v2Error{Status: status, Message: fields[k]})
	}
	return out
}

func (c *call) notFound() {
	c.fail(http.StatusNotFound, "The requested resource was not found.", nil)
}

// invalid answers 422 (V3) or 400 (V2) naming the fields at fault, as each
// API family does.
func (c *call) invalid(title string, fields map[string]string) {
	if c.v2 {
		c.fail(http.StatusBadRequest, title, fields)
		return
	}
	c.fail(http.StatusUnprocessableEntity, title, fields)
}

func (c *call) conflict(title string, fields map[string]string) {
	c.fail(http.StatusConflict, title, fields)
}

// tooMany answers 413 for a batch over its limit, with BigCommerce's text.
func (c *call) tooMany(limit int) {
	c.fail(http.StatusRequestEntityTooLarge, fmt.Sprintf("The request payload is too large. The maximum items allowed in the array is %d.", limit), nil)
}

// decode reads the JSON body into v. It answers 400 (V2) or 422 (V3) itself
// and returns false when the body is not valid JSON of the expected shape.
func (c *call) decode(v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(nil, c.r.Body, 8<<20))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		msg := "The request body is not valid JSON: " + err.Error()
		if c.v2 {
			c.fail(http.StatusBadRequest, msg, nil)
		} else {
			c.fail(http.StatusUnprocessableEntity, "JSON data is missing or invalid", map[string]string{"body": msg})
		}
		return false
	}
	return true
}

// decodeBatch reads a JSON array body of at most limit items into in, as
// decode does; a longer array gets BigCommerce's 413.
func decodeBatch[T any](c *call, in *[]T, limit int) bool {
	if !c.decode(in) {
		return false
	}
	if len(*in) > limit {
		c.tooMany(limit)
		return false
	}
	return true
}

// split is a comma-separated query value as a list, without empty items.
func split(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
