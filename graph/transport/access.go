package transport

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strings"

	"gopkg.in/yaml.v3"
)

// Access says who may call the gateway, and how much: configured API keys
// with limits of their own, anonymous clients limited per address.
type Access struct {
	// APIKeys are the clients that identify themselves (X-API-Key, or
	// apiKey in a websocket's connection_init payload).
	APIKeys []APIKey `yaml:"api_keys"`
	// APIKeysFile names a YAML file holding more keys, in the same form:
	// secrets can stay out of the main configuration.
	APIKeysFile string `yaml:"api_keys_file"`
	// RequireAPIKey refuses anonymous clients (401 UNAUTHENTICATED).
	RequireAPIKey bool `yaml:"require_api_key"`
	// TrustedProxies are the CIDRs of reverse proxies whose X-Forwarded-For
	// names the client. Any other peer is the client itself.
	TrustedProxies []string `yaml:"trusted_proxies"`
}

// APIKey is one client that identifies itself. Give the key itself, or its
// SHA-256 in hex (so that the configuration holds no secret).
type APIKey struct {
	Name   string `yaml:"name"`
	Key    string `yaml:"key"`
	SHA256 string `yaml:"sha256"`
	// RatePerSecond, Burst and MaxConnections override the limits'
	// rate_per_second, rate_burst and max_connections_per_client for this
	// client; 0 keeps them.
	RatePerSecond  float64 `yaml:"rate_per_second"`
	Burst          int     `yaml:"burst"`
	MaxConnections int     `yaml:"max_connections"`
}

// ParseAPIKeys reads HERALD_API_KEYS: name=key pairs, comma-separated.
func ParseAPIKeys(s string) ([]APIKey, error) {
	var keys []APIKey
	for i, pair := range strings.Split(s, ",") {
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		name, key, ok := strings.Cut(pair, "=")
		if !ok || name == "" || key == "" {
			return nil, fmt.Errorf("HERALD_API_KEYS entry %d: want name=key", i+1)
		}
		keys = append(keys, APIKey{Name: name, Key: key})
	}
	return keys, nil
}

// Load returns a with the keys of its APIKeysFile added.
func (a Access) Load() (Access, error) {
	if a.APIKeysFile == "" {
		return a, nil
	}
	raw, err := os.ReadFile(a.APIKeysFile)
	if err != nil {
		return a, fmt.Errorf("access.api_keys_file: %w", err)
	}
	var more []APIKey
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&more); err != nil {
		return a, fmt.Errorf("access.api_keys_file %s: %w", a.APIKeysFile, err)
	}
	a.APIKeys = append(append([]APIKey(nil), a.APIKeys...), more...)
	return a, nil
}

// Validate checks the configuration; errors name the key.
func (a Access) Validate() error {
	var errs []error
	names := map[string]bool{}
	for i, k := range a.APIKeys {
		key := fmt.Sprintf("access.api_keys[%d]", i)
		switch {
		case k.Name == "":
			errs = append(errs, fmt.Errorf("%s.name: empty", key))
		case names[k.Name]:
			errs = append(errs, fmt.Errorf("%s.name: %q is the name of another key", key, k.Name))
		}
		names[k.Name] = true
		switch {
		case (k.Key == "") == (k.SHA256 == ""):
			errs = append(errs, fmt.Errorf("%s: give key or sha256, one of them", key))
		case k.SHA256 != "" && !isSHA256Hex(k.SHA256):
			errs = append(errs, fmt.Errorf("%s.sha256: not 64 hex characters", key))
		case k.Key != "" && len(k.Key) < 16:
			errs = append(errs, fmt.Errorf("%s.key: shorter than 16 characters: too easy to guess", key))
		}
		if k.RatePerSecond < 0 || k.Burst < 0 || k.MaxConnections < 0 {
			errs = append(errs, fmt.Errorf("%s: rate_per_second, burst and max_connections must not be negative", key))
		}
	}
	for i, c := range a.TrustedProxies {
		if _, err := netip.ParsePrefix(c); err != nil {
			errs = append(errs, fmt.Errorf("access.trusted_proxies[%d]: %q is not a CIDR (e.g. 10.0.0.0/8)", i, c))
		}
	}
	return errors.Join(errs...)
}

func isSHA256Hex(s string) bool {
	b, err := hex.DecodeString(s)
	return err == nil && len(b) == sha256.Size
}

// clients tells who a request comes from.
type clients struct {
	keys    []resolvedKey
	require bool
	proxies []netip.Prefix
}

type resolvedKey struct {
	APIKey
	digest [sha256.Size]byte
}

// client is who a request comes from: a configured key, or an address.
type client struct {
	id  string  // the rate-limit and connection-count identity
	key *APIKey // nil for anonymous clients
}

// errUnknownKey is an API key that no configured key is.
var errUnknownKey = errors.New("unknown API key")

// errKeyRequired is an anonymous client where keys are required.
var errKeyRequired = errors.New("this gateway requires an API key (X-API-Key)")

func newClients(a Access) *clients {
	c := &clients{require: a.RequireAPIKey}
	for _, k := range a.APIKeys {
		rk := resolvedKey{APIKey: k}
		if k.Key != "" {
			rk.digest = sha256.Sum256([]byte(k.Key))
		} else {
			b, _ := hex.DecodeString(k.SHA256) // validated
			copy(rk.digest[:], b)
		}
		c.keys = append(c.keys, rk)
	}
	for _, p := range a.TrustedProxies {
		if prefix, err := netip.ParsePrefix(p); err == nil {
			c.proxies = append(c.proxies, prefix.Masked())
		}
	}
	return c
}

// identify names the client of a request from its key, or its address.
func (c *clients) identify(r *http.Request, apiKey string) (client, error) {
	if apiKey != "" {
		return c.byKey(apiKey)
	}
	if c.require {
		return client{}, errKeyRequired
	}
	return client{id: "ip:" + c.address(r)}, nil
}

// byKey finds a configured key, comparing digests in constant time.
func (c *clients) byKey(apiKey string) (client, error) {
	digest := sha256.Sum256([]byte(apiKey))
	for i := range c.keys {
		if subtle.ConstantTimeCompare(digest[:], c.keys[i].digest[:]) == 1 {
			return client{id: "key:" + c.keys[i].Name, key: &c.keys[i].APIKey}, nil
		}
	}
	return client{}, errUnknownKey
}

// address is the client's address as limits count it: the peer, or the
// address a trusted proxy forwarded for, with IPv6 addresses counted per
// /64 (one subscriber's whole network: an address there costs nothing).
func (c *clients) address(r *http.Request) string { return network(c.clientAddr(r)) }

// clientAddr is the client's own address: the peer, or the address a
// trusted proxy forwarded for.
func (c *clients) clientAddr(r *http.Request) netip.Addr {
	addr := peer(r.RemoteAddr)
	if addr.IsValid() && c.trusted(addr) {
		// The rightmost entry the proxies did not add is the client.
		hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
		for i := len(hops) - 1; i >= 0; i-- {
			hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
			if err != nil {
				break
			}
			addr = hop.Unmap()
			if !c.trusted(addr) {
				break
			}
		}
	}
	return addr
}

func (c *clients) trusted(a netip.Addr) bool {
	for _, p := range c.proxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// peer is the address of a RemoteAddr.
func peer(remote string) netip.Addr {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	a, _ := netip.ParseAddr(host)
	return a.Unmap()
}

// network is how limits count an address: IPv4 by address, IPv6 by /64.
func network(a netip.Addr) string {
	if !a.IsValid() {
		return "unknown"
	}
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}
