package bigcommerce

import (
	"fmt"
	"net/url"
	"strings"
)

// maxStoreHashLen bounds a store hash; real ones are about ten characters.
const maxStoreHashLen = 64

// ParseStoreHash returns the store hash in s. It accepts the hash itself
// ("abc123"), the API path BigCommerce shows when an API account is created
// ("stores/abc123", "/stores/abc123/v3/"), a full API URL
// ("https://api.bigcommerce.com/stores/abc123/v3/catalog/products") and the
// control panel host ("store-abc123.mybigcommerce.com"). A hash is 1 to 64
// lowercase letters and digits; upper case is folded to lower case.
func ParseStoreHash(s string) (string, error) {
	in := strings.TrimSpace(s)
	if in == "" {
		return "", fmt.Errorf("store hash is empty: want the letters and digits after stores/ in the API path, e.g. abc123")
	}
	p := in
	if strings.Contains(p, "://") {
		u, err := url.Parse(p)
		if err != nil {
			return "", fmt.Errorf("store hash %q: not a URL nor a hash: want e.g. abc123 or https://api.bigcommerce.com/stores/abc123/v3/", shortText(in))
		}
		if h, ok := controlPanelHash(u.Hostname()); ok && strings.Trim(u.Path, "/") == "" {
			p = h
		} else {
			p = u.Path
		}
	} else if h, ok := controlPanelHash(strings.TrimRight(p, "/")); ok {
		p = h
	}
	segs := strings.FieldsFunc(p, func(r rune) bool { return r == '/' })
	hash := ""
	switch {
	case len(segs) == 1 && segs[0] != "stores":
		hash = segs[0]
	default:
		for i := 0; i+1 < len(segs); i++ {
			if segs[i] == "stores" {
				hash = segs[i+1]
				break
			}
		}
	}
	if hash == "" {
		return "", fmt.Errorf("store hash %q: no hash found: want e.g. abc123, stores/abc123 or https://api.bigcommerce.com/stores/abc123/v3/", shortText(in))
	}
	hash = strings.ToLower(hash)
	if len(hash) > maxStoreHashLen {
		return "", fmt.Errorf("store hash %q is %d characters long: want 1 to %d lowercase letters and digits", shortText(hash), len(hash), maxStoreHashLen)
	}
	for _, r := range hash {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return "", fmt.Errorf("store hash %q has the character %q: want only lowercase letters and digits, e.g. abc123", shortText(hash), r)
		}
	}
	return hash, nil
}

// controlPanelHash reads the hash out of a control panel host such as
// "store-abc123.mybigcommerce.com".
func controlPanelHash(host string) (string, bool) {
	host = strings.ToLower(host)
	rest, ok := strings.CutPrefix(host, "store-")
	if !ok {
		return "", false
	}
	h, ok := strings.CutSuffix(rest, ".mybigcommerce.com")
	if !ok || h == "" || strings.ContainsAny(h, "./") {
		return "", false
	}
	return h, true
}
