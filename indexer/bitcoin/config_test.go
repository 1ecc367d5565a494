package bitcoin

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/btcsuite/btcd/btcutil"
	"github.com/btcsuite/btcd/chaincfg"
	"gopkg.in/yaml.v3"
)

func validConfig(t testing.TB) Config {
	return Config{
		Name:    "bitcoin-regtest",
		Network: "regtest",
		Providers: []ProviderConfig{
			{Kind: KindRPC, URL: "http://127.0.0.1:18443", User: "u", Password: "p"},
			{Kind: KindEsplora, URL: "https://mempool.space/api"},
		},
		Collections: []CollectionConfig{
			{Name: "embers", Creator: testAddress(t, "p2wpkh", 1, regtest)},
			{Name: "other", Creator: testAddress(t, "p2tr", 2, regtest), MinFeeSats: 10_000, MinConfirmations: 3},
		},
	}
}

func TestConfigValidate(t *testing.T) {
	mainnetAddr := testAddress(t, "p2wpkh", 1, &chaincfg.MainNetParams)
	for _, tc := range []struct {
		name string
		edit func(c *Config)
		want []string // substrings of the error; none for a valid config
	}{
		{"valid", func(c *Config) {}, nil},
		{"no name", func(c *Config) { c.Name = "" }, []string{"name: is empty"}},
		{"unknown network", func(c *Config) { c.Network = "testnet5" }, []string{`network: unknown "testnet5"`}},
		{"no network", func(c *Config) { c.Network = "" }, []string{"network: is empty"}},
		{"negatives", func(c *Config) {
			c.StartHeight, c.ReorgWindow, c.BatchSize, c.Concurrency, c.RequestTimeout = -1, -1, -1, -1, -time.Second
		}, []string{"start_height: is negative", "reorg_window: is negative", "batch_size: is negative",
			"concurrency: is negative", "request_timeout: is negative"}},
		{"no providers", func(c *Config) { c.Providers = nil }, []string{"providers: none configured"}},
		{"provider kind", func(c *Config) { c.Providers[1].Kind = "electrum" }, []string{`providers[1].kind: unknown "electrum"`}},
		{"provider without kind", func(c *Config) { c.Providers[0].Kind = "" }, []string{"providers[0].kind: is empty"}},
		{"provider url", func(c *Config) { c.Providers[0].URL = "127.0.0.1:8332" }, []string{"providers[0].url:"}},
		{"provider url hides secrets", func(c *Config) { c.Providers[0].URL = "ftp://user:hunter22@host/x" },
			[]string{"providers[0].url:", "ftp://host/x"}},
		{"esplora with credentials", func(c *Config) { c.Providers[1].Password = "x" }, []string{"providers[1].kind: esplora takes no"}},
		{"cert for http", func(c *Config) { c.Providers[0].CertFile = "rpc.cert" }, []string{"providers[0].cert_file:"}},
		{"duplicate collection", func(c *Config) { c.Collections[1].Name = "embers" },
			[]string{`collections[1].name: "embers" is already the name of collections[0]`}},
		{"collection without name", func(c *Config) { c.Collections[0].Name = "" }, []string{"collections[0].name: is empty"}},
		{"collection without creator", func(c *Config) { c.Collections[1].Creator = "" }, []string{"collections[1].creator: is empty"}},
		{"creator of another network", func(c *Config) { c.Collections[1].Creator = mainnetAddr },
			[]string{"collections[1].creator:", "not a regtest address"}},
		{"creator not an address", func(c *Config) { c.Collections[0].Creator = "bcrt1qnope" }, []string{"collections[0].creator:"}},
		{"negative fee", func(c *Config) { c.Collections[0].MinFeeSats = -1 }, []string{"collections[0].min_fee_sats: is negative"}},
		{"negative confirmations", func(c *Config) { c.Collections[0].MinConfirmations = -1 },
			[]string{"collections[0].min_confirmations: is negative"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := validConfig(t)
			tc.edit(&c)
			err := c.Validate()
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate = nil, want errors %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate = %q, want it to contain %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "hunter22") {
				t.Errorf("Validate shows a password: %q", err)
			}
			// The caller prefixes the entry's place.
			if wrapped := fmt.Errorf("bitcoin[0].%w", err); !strings.HasPrefix(wrapped.Error(), "bitcoin[0].") {
				t.Errorf("wrapped error %q", wrapped)
			}
		})
	}
}

func TestConfigYAML(t *testing.T) {
	const doc = `
name: bitcoin-mainnet
network: mainnet
start_height: 840000
reorg_window: 144
batch_size: 20
concurrency: 4
request_timeout: 45s
providers:
  - kind: esplora
    url: https://mempool.space/api
  - kind: rpc
    url: http://127.0.0.1:8332
    cookie_file: /var/lib/bitcoind/.cookie
collections:
  - name: embers
    creator: bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq
    min_fee_sats: 50000
    min_confirmations: 2
`
	var c Config
	dec := yaml.NewDecoder(strings.NewReader(doc))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	want := Config{
		Name: "bitcoin-mainnet", Network: "mainnet", StartHeight: 840000, ReorgWindow: 144, BatchSize: 20,
		Concurrency: 4, RequestTimeout: 45 * time.Second,
		Providers: []ProviderConfig{
			{Kind: KindEsplora, URL: "https://mempool.space/api"},
			{Kind: KindRPC, URL: "http://127.0.0.1:8332", CookieFile: "/var/lib/bitcoind/.cookie"},
		},
		Collections: []CollectionConfig{
			{Name: "embers", Creator: "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", MinFeeSats: 50000, MinConfirmations: 2},
		},
	}
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("decoded %+v\nwant    %+v", c, want)
	}
	f := c.FollowerConfig()
	if f.Chain != "bitcoin-mainnet" || f.StartHeight != 840000 || f.ReorgWindow != 144 || f.BatchSize != 20 || f.Confirmations != 1 {
		t.Errorf("FollowerConfig = %+v", f)
	}
	if d := (Config{Name: "x"}).FollowerConfig(); d.ReorgWindow != DefaultReorgWindow || d.BatchSize != DefaultBatchSize {
		t.Errorf("FollowerConfig defaults = %+v", d)
	}
}

func TestNetworkParams(t *testing.T) {
	for _, tc := range []struct {
		network, genesis, hrp string
	}{
		{"mainnet", "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f", "bc"},
		{"testnet3", "000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943", "tb"},
		{"testnet4", "00000000da84f2bafbbc53dee25a72ae507ff4914b867c565be350b0da8bf043", "tb"},
		{"signet", "00000008819873e925422c1ff0f99f7cc9bbb232af63a077a480a3633bee1ef6", "tb"},
		{"regtest", "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206", "bcrt"},
	} {
		t.Run(tc.network, func(t *testing.T) {
			p, err := NetworkParams(tc.network)
			if err != nil {
				t.Fatal(err)
			}
			if p.GenesisHash.String() != tc.genesis || p.Bech32HRPSegwit != tc.hrp {
				t.Errorf("genesis %s, hrp %s; want %s, %s", p.GenesisHash, p.Bech32HRPSegwit, tc.genesis, tc.hrp)
			}
		})
	}

	// testnet4 reads testnet addresses, base58 and bech32 alike.
	t4, err := NetworkParams("testnet4")
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"p2pkh", "p2sh", "p2wpkh", "p2tr"} {
		addr := testAddress(t, kind, 7, &chaincfg.TestNet3Params)
		if _, err := NewCollection("c", addr, t4, 0, 0); err != nil {
			t.Errorf("testnet4 %s address %s: %v", kind, addr, err)
		}
	}
	if _, err := NewCollection("c", testAddress(t, "p2wpkh", 7, &chaincfg.MainNetParams), t4, 0, 0); err == nil {
		t.Error("testnet4 accepted a mainnet address")
	}
	if _, err := btcutil.DecodeAddress(testAddress(t, "p2tr", 7, t4), t4); err != nil {
		t.Errorf("testnet4 address round trip: %v", err)
	}
}
