package evm

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/herald-indexer/herald/indexer"
)

func validConfig() Config {
	return Config{
		Name: "abstract-testnet", ChainID: 11124, RPC: []string{"https://api.testnet.abs.xyz"},
		Contracts: []ContractConfig{
			{Address: "0xE960B46dffd9de6187Ff1B48B31B3F186A07303b", Kind: KindBadge},
			{Address: "0x5e33911d9c793e5E9172D9e5C4354e21350403E3", Kind: KindVerifier},
		},
	}
}

func TestConfigValidate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(c *Config)
		// want lists fragments of the error; none means valid.
		want []string
	}{
		{"valid", func(*Config) {}, nil},
		{"ws and wss URLs", func(c *Config) { c.RPC = []string{"wss://a.example/ws", "ws://127.0.0.1:8546"} }, nil},
		{"no name", func(c *Config) { c.Name = "" }, []string{"name: is empty"}},
		{"no chain id", func(c *Config) { c.ChainID = 0 }, []string{"chain_id: is missing"}},
		{"no rpc", func(c *Config) { c.RPC = nil }, []string{"rpc: none configured"}},
		{
			"bad rpc scheme, key redacted",
			func(c *Config) { c.RPC = []string{"https://ok.example", "ftp://x.example/v2/0123456789abcdef0123"} },
			[]string{`rpc[1]: "ftp://x.example/v2/***": scheme must be`},
		},
		{"rpc without host", func(c *Config) { c.RPC = []string{"localhost:8545"} }, []string{"rpc[0]: "}},
		{
			"negative numbers",
			func(c *Config) { c.StartBlock, c.BatchSize, c.RequestTimeout = -1, -5, -time.Second },
			[]string{"start_block: is negative (-1)", "batch_size: is negative (-5)", "request_timeout: is negative"},
		},
		{"no contracts", func(c *Config) { c.Contracts = nil }, []string{"contracts: none configured"}},
		{
			"bad address",
			func(c *Config) { c.Contracts[1].Address = "0x5e33" },
			[]string{`contracts[1].address: "0x5e33" is not a 0x-prefixed 20-byte hex address`},
		},
		{
			"address without 0x",
			func(c *Config) { c.Contracts[0].Address = "E960B46dffd9de6187Ff1B48B31B3F186A07303b" },
			[]string{"contracts[0].address: "},
		},
		{
			"zero address",
			func(c *Config) { c.Contracts[0].Address = "0x0000000000000000000000000000000000000000" },
			[]string{"contracts[0].address: is the zero address"},
		},
		{
			"duplicate address in another case",
			func(c *Config) { c.Contracts[1].Address = strings.ToLower(c.Contracts[0].Address) },
			[]string{"contracts[1].address: ", "is already contracts[0]"},
		},
		{"no kind", func(c *Config) { c.Contracts[0].Kind = "" }, []string{"contracts[0].kind: is empty"}},
		{"unknown kind", func(c *Config) { c.Contracts[1].Kind = "erc20" }, []string{`contracts[1].kind: unknown "erc20"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := validConfig()
			c.Contracts = append([]ContractConfig(nil), c.Contracts...)
			tc.change(&c)
			err := c.Validate()
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate: no error, want %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestFollowerConfigDefaults(t *testing.T) {
	got := validConfig().FollowerConfig()
	want := indexer.Config{Chain: "abstract-testnet", StartHeight: 0, ReorgWindow: 64, Confirmations: 3, BatchSize: 500}
	if got != want {
		t.Errorf("FollowerConfig = %+v, want %+v", got, want)
	}
	if !validConfig().UseFinalized() {
		t.Error("the finalized tag is off by default")
	}
}

// TestExampleConfig reads docs/examples/abstract-testnet.yaml the way
// herald's configuration embeds Config, unknown keys refused.
func TestExampleConfig(t *testing.T) {
	raw, err := os.ReadFile("../../docs/examples/abstract-testnet.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		EVM []Config `yaml:"evm"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&file); err != nil {
		t.Fatalf("decode: %v", err)
	}
	if len(file.EVM) != 1 {
		t.Fatalf("%d evm entries, want 1", len(file.EVM))
	}
	c := file.EVM[0]
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if c.ChainID != 11124 || len(c.RPC) != 1 || c.RPC[0] != "https://api.testnet.abs.xyz" ||
		c.RequestTimeout != 30*time.Second || !c.UseFinalized() {
		t.Errorf("example chain = %+v", c)
	}
	kinds := map[string]ContractKind{
		"0xE960B46dffd9de6187Ff1B48B31B3F186A07303b": KindBadge,
		"0x5e33911d9c793e5E9172D9e5C4354e21350403E3": KindVerifier,
		"0x07AD4085bb0BAD821900555Ac7702614Ecb71A75": KindVerifier,
	}
	if len(c.Contracts) != len(kinds) {
		t.Fatalf("%d contracts, want %d", len(c.Contracts), len(kinds))
	}
	for _, ct := range c.Contracts {
		if kinds[ct.Address] != ct.Kind {
			t.Errorf("contract %s: kind %q, want %q", ct.Address, ct.Kind, kinds[ct.Address])
		}
	}
	contracts, err := c.decoderContracts()
	if err != nil {
		t.Fatalf("contracts of the example: %v", err)
	}
	if _, err := NewDecoder(c.Name, contracts); err != nil {
		t.Errorf("decoder of the example: %v", err)
	}
}
