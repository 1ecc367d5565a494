package bitcoin

import (
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/btcsuite/btcd/chaincfg"
	"github.com/btcsuite/btcd/chaincfg/chainhash"
	"github.com/btcsuite/btcd/wire"

	"github.com/herald-indexer/herald/indexer/provider"
)

// Defaults of a chain's settings.
const (
	DefaultReorgWindow    = 100
	DefaultBatchSize      = 50
	DefaultConcurrency    = 8
	DefaultRequestTimeout = 30 * time.Second
)

// Provider kinds.
const (
	KindRPC     = "rpc"
	KindEsplora = "esplora"
)

// Config is one Bitcoin chain as herald indexes it. It is embedded in
// herald's YAML configuration, one entry of its bitcoin list.
type Config struct {
	// Name is the chain's name in the database and the API, e.g.
	// "bitcoin-regtest".
	Name string `yaml:"name"`
	// Network is mainnet, testnet3, testnet4, signet or regtest. It decides
	// how creator addresses are read and which genesis block the providers
	// must serve.
	Network string `yaml:"network"`
	// StartHeight is the first block indexed when the chain has no cursor.
	StartHeight int64 `yaml:"start_height"`
	// ReorgWindow is how deep a reorg may go (default 100).
	ReorgWindow int64 `yaml:"reorg_window"`
	// BatchSize is the most blocks applied in one transaction (default 50).
	BatchSize int64 `yaml:"batch_size"`
	// Concurrency is how many blocks are fetched at once (default 8).
	Concurrency int `yaml:"concurrency"`
	// RequestTimeout bounds one request to one provider (default 30s): a
	// mainnet block is up to 4 MB, more than the pool's generic default
	// allows for on a slow link.
	RequestTimeout time.Duration `yaml:"request_timeout"`
	// Providers are tried in order; the first healthy one serves.
	Providers []ProviderConfig `yaml:"providers"`
	// Collections are the launched collections whose registrations are
	// indexed.
	Collections []CollectionConfig `yaml:"collections"`
}

// ProviderConfig is one block source.
type ProviderConfig struct {
	// Kind is "rpc" (Bitcoin Core or btcd JSON-RPC) or "esplora" (the
	// mempool.space / blockstream.info REST API).
	Kind string `yaml:"kind"`
	// URL is the endpoint: http(s)://host:port for RPC, the API root (such
	// as https://mempool.space/api) for Esplora. It may carry credentials;
	// they are never logged.
	URL string `yaml:"url"`
	// User and Password authenticate to RPC.
	User     string `yaml:"user"`
	Password string `yaml:"password"`
	// CookieFile is Bitcoin Core's .cookie, used for RPC when no password is
	// set. It is read again when the node refuses it, since bitcoind writes
	// a new one each time it starts.
	CookieFile string `yaml:"cookie_file"`
	// CertFile is a PEM certificate to trust for an https RPC URL, such as
	// btcd's self-signed rpc.cert.
	CertFile string `yaml:"cert_file"`
}

// CollectionConfig is one launched collection.
type CollectionConfig struct {
	Name string `yaml:"name"`
	// Creator is the creator address registrations pay.
	Creator string `yaml:"creator"`
	// MinFeeSats defaults to 50,000, MinConfirmations to 1.
	MinFeeSats       int64 `yaml:"min_fee_sats"`
	MinConfirmations int64 `yaml:"min_confirmations"`
}

// withDefaults fills in the settings left zero.
func (c Config) withDefaults() Config {
	if c.ReorgWindow == 0 {
		c.ReorgWindow = DefaultReorgWindow
	}
	if c.BatchSize == 0 {
		c.BatchSize = DefaultBatchSize
	}
	if c.Concurrency == 0 {
		c.Concurrency = DefaultConcurrency
	}
	if c.RequestTimeout == 0 {
		c.RequestTimeout = DefaultRequestTimeout
	}
	return c
}

// Validate checks the configuration. Its errors name the offending key
// relative to the chain's entry ("collections[1].creator: ..."), so that
// the caller can prefix the entry's own place: fmt.Errorf("bitcoin[%d].%w",
// i, err) gives "bitcoin[0].collections[1].creator: ...".
func (c Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", key, fmt.Sprintf(format, args...)))
	}
	if c.Name == "" {
		bad("name", "is empty")
	}
	params, err := NetworkParams(c.Network)
	if err != nil {
		bad("network", "%v", err)
	}
	if c.StartHeight < 0 {
		bad("start_height", "is negative (%d)", c.StartHeight)
	}
	if c.ReorgWindow < 0 {
		bad("reorg_window", "is negative (%d)", c.ReorgWindow)
	}
	if c.BatchSize < 0 {
		bad("batch_size", "is negative (%d)", c.BatchSize)
	}
	if c.Concurrency < 0 {
		bad("concurrency", "is negative (%d)", c.Concurrency)
	}
	if c.RequestTimeout < 0 {
		bad("request_timeout", "is negative (%s)", c.RequestTimeout)
	}
	if len(c.Providers) == 0 {
		bad("providers", "none configured")
	}
	for i, p := range c.Providers {
		if err := p.validate(); err != nil {
			errs = append(errs, fmt.Errorf("providers[%d].%w", i, err))
		}
	}
	names := make(map[string]int, len(c.Collections))
	for i, col := range c.Collections {
		key := fmt.Sprintf("collections[%d]", i)
		if j, dup := names[col.Name]; dup && col.Name != "" {
			bad(key+".name", "%q is already the name of collections[%d]", col.Name, j)
			continue
		}
		names[col.Name] = i
		if params == nil {
			continue // the network error is reported already
		}
		if err := col.validate(params); err != nil {
			errs = append(errs, fmt.Errorf("%s.%w", key, err))
		}
	}
	return errors.Join(errs...)
}

func (p ProviderConfig) validate() error {
	switch p.Kind {
	case KindRPC, KindEsplora:
	case "":
		return errors.New("kind: is empty (want rpc or esplora)")
	default:
		return fmt.Errorf("kind: unknown %q (want rpc or esplora)", p.Kind)
	}
	u, err := url.Parse(p.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		// The URL itself may hold secrets: show only its redacted form.
		return fmt.Errorf("url: %q is not an http(s) URL with a host", provider.Redact(p.URL))
	}
	if p.Kind == KindEsplora && (p.User != "" || p.Password != "" || p.CookieFile != "" || p.CertFile != "") {
		return errors.New("kind: esplora takes no user, password, cookie_file or cert_file")
	}
	if p.CertFile != "" && u.Scheme != "https" {
		return errors.New("cert_file: set, but the url is not https")
	}
	return nil
}

func (c CollectionConfig) validate(params *chaincfg.Params) error {
	if c.Name == "" {
		return errors.New("name: is empty")
	}
	if c.Creator == "" {
		return errors.New("creator: is empty")
	}
	if c.MinFeeSats < 0 {
		return fmt.Errorf("min_fee_sats: is negative (%d)", c.MinFeeSats)
	}
	if c.MinConfirmations < 0 {
		return fmt.Errorf("min_confirmations: is negative (%d)", c.MinConfirmations)
	}
	if _, err := NewCollection(c.Name, c.Creator, params, c.MinFeeSats, c.MinConfirmations); err != nil {
		return fmt.Errorf("creator: %w", err)
	}
	return nil
}

// NetworkParams returns the parameters of a network by its configuration
// name: mainnet, testnet3, testnet4, signet or regtest.
func NetworkParams(network string) (*chaincfg.Params, error) {
	switch network {
	case "mainnet":
		return &chaincfg.MainNetParams, nil
	case "testnet3":
		return &chaincfg.TestNet3Params, nil
	case "testnet4":
		return testNet4Params(), nil
	case "signet":
		return &chaincfg.SigNetParams, nil
	case "regtest":
		return &chaincfg.RegressionNetParams, nil
	case "":
		return nil, errors.New("is empty (want mainnet, testnet3, testnet4, signet or regtest)")
	default:
		return nil, fmt.Errorf("unknown %q (want mainnet, testnet3, testnet4, signet or regtest)", network)
	}
}

// testNet4GenesisHash is the hash of testnet4's genesis block (BIP 94).
var testNet4GenesisHash = chainhash.Hash{
	0x43, 0xf0, 0x8b, 0xda, 0xb0, 0x50, 0xe3, 0x5b,
	0x56, 0x7c, 0x86, 0x4b, 0x91, 0xf4, 0x7f, 0x50,
	0xae, 0x72, 0x5a, 0xe2, 0xde, 0x53, 0xbc, 0xfb,
	0xba, 0xf2, 0x84, 0xda, 0x00, 0x00, 0x00, 0x00,
}

// testNet4Params returns testnet4 (BIP 94) as far as herald needs it, since
// btcd v0.24.2 does not define it: addresses are testnet3's (bech32 "tb",
// the same base58 prefixes) and only the genesis hash, the message start
// and the port differ. The consensus fields are testnet3's and are not used
// by herald. The params are a fresh copy each time and not registered with
// chaincfg, which would be global state.
func testNet4Params() *chaincfg.Params {
	p := chaincfg.TestNet3Params
	p.Name = "testnet4"
	p.Net = wire.BitcoinNet(0x283f161c)
	p.DefaultPort = "48333"
	p.DNSSeeds = nil
	p.GenesisBlock = nil
	p.GenesisHash = &testNet4GenesisHash
	p.Checkpoints = nil
	return &p
}
