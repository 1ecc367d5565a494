package evm

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"

	"github.com/herald-indexer/herald/indexer"
	"github.com/herald-indexer/herald/indexer/provider"
)

// Defaults of a chain's settings.
const (
	// DefaultConfirmations suits Abstract, whose sequencer rarely reorders
	// more than a block or two.
	DefaultConfirmations  = 3
	DefaultReorgWindow    = 64
	DefaultBatchSize      = 500
	DefaultMaxLogRange    = 2000
	DefaultHeaderBatch    = 100
	DefaultRequestTimeout = 30 * time.Second
)

// Config is one EVM chain as herald indexes it. It is embedded in herald's
// YAML configuration, one entry of its evm list.
type Config struct {
	// Name is the chain's name in the database and the API, e.g.
	// "abstract-testnet".
	Name string `yaml:"name"`
	// ChainID is the chain's EIP-155 id; every RPC must report it.
	ChainID uint64 `yaml:"chain_id"`
	// RPC are the JSON-RPC endpoints (http, https, ws or wss), tried in
	// order; the first healthy one serves. A WebSocket endpoint also
	// announces new blocks, so the indexer need not poll. URLs may carry
	// API keys; they are never logged.
	RPC []string `yaml:"rpc"`
	// StartBlock is the first block indexed when the chain has no cursor:
	// the contracts' deployment block.
	StartBlock int64 `yaml:"start_block"`
	// Confirmations is how deep a block must be before it is indexed; 1
	// indexes the tip itself (default 3).
	Confirmations int64 `yaml:"confirmations"`
	// ReorgWindow is how deep a reorg may go (default 64).
	ReorgWindow int64 `yaml:"reorg_window"`
	// BatchSize is the most blocks applied in one transaction (default 500).
	BatchSize int64 `yaml:"batch_size"`
	// MaxLogRange is the most blocks one eth_getLogs request covers (default
	// 2000); the range shrinks below it while a provider refuses it.
	MaxLogRange int64 `yaml:"max_log_range"`
	// HeaderBatch is how many block headers one batched JSON-RPC request
	// reads (default 100); lower it for providers that limit batch sizes.
	HeaderBatch int64 `yaml:"header_batch"`
	// RequestTimeout bounds one request to one provider (default 30s).
	RequestTimeout time.Duration `yaml:"request_timeout"`
	// Finalized reads the "finalized" block tag for the chain's finality
	// (default true); a provider that does not know the tag leaves the
	// finalized height unknown.
	Finalized *bool `yaml:"finalized"`
	// FailedCalls indexes every call to a configured contract, reverted
	// ones with the error they reverted with (default false). It reads
	// each block with its transactions, every such call's receipt, and
	// replays each reverted call once (eth_call): see docs/operations.md
	// for the cost.
	FailedCalls bool `yaml:"failed_calls"`
	// Contracts are the indexed contracts.
	Contracts []ContractConfig `yaml:"contracts"`
}

// ContractConfig is one indexed contract.
type ContractConfig struct {
	Address string `yaml:"address"`
	// Kind is "badge" (XPBadge, ERC-721 or ERC-1155) or "verifier"
	// (XPVerifier).
	Kind ContractKind `yaml:"kind"`
	// Name labels the contract in logs; optional.
	Name string `yaml:"name"`
	// ABI is a JSON ABI file (a solc or Foundry artifact's "abi" array,
	// or the artifact itself) naming the contract's functions and custom
	// errors for failed calls; optional, herald's bundled ABIs of the
	// contract's kind otherwise.
	ABI string `yaml:"abi"`
}

// UseFinalized reports whether the chain reads the finalized block tag.
func (c Config) UseFinalized() bool { return c.Finalized == nil || *c.Finalized }

// withDefaults fills in the settings left zero.
func (c Config) withDefaults() Config {
	if c.Confirmations == 0 {
		c.Confirmations = DefaultConfirmations
	}
	if c.ReorgWindow == 0 {
		c.ReorgWindow = DefaultReorgWindow
	}
	if c.BatchSize == 0 {
		c.BatchSize = DefaultBatchSize
	}
	if c.MaxLogRange == 0 {
		c.MaxLogRange = DefaultMaxLogRange
	}
	if c.HeaderBatch == 0 {
		c.HeaderBatch = DefaultHeaderBatch
	}
	if c.RequestTimeout == 0 {
		c.RequestTimeout = DefaultRequestTimeout
	}
	return c
}

// Validate checks the configuration. Its errors name the offending key
// relative to the chain's entry ("contracts[1].address: ..."), so that the
// caller can prefix the entry's own place: fmt.Errorf("evm[%d].%w", i, err)
// gives "evm[0].contracts[1].address: ...".
func (c Config) Validate() error {
	var errs []error
	if len(c.RPC) == 0 {
		errs = append(errs, errors.New("rpc: none configured"))
	}
	for i, u := range c.RPC {
		if err := validateRPC(u); err != nil {
			errs = append(errs, fmt.Errorf("rpc[%d]: %w", i, err))
		}
	}
	return errors.Join(append(errs, c.validateChain())...)
}

// validateChain checks everything but the RPC URLs.
func (c Config) validateChain() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", key, fmt.Sprintf(format, args...)))
	}
	if c.Name == "" {
		bad("name", "is empty")
	}
	if c.ChainID == 0 {
		bad("chain_id", "is missing (want the chain's EIP-155 id, e.g. 11124 for Abstract testnet)")
	}
	for _, s := range []struct {
		key string
		v   int64
	}{
		{"start_block", c.StartBlock}, {"confirmations", c.Confirmations}, {"reorg_window", c.ReorgWindow},
		{"batch_size", c.BatchSize}, {"max_log_range", c.MaxLogRange}, {"header_batch", c.HeaderBatch},
	} {
		if s.v < 0 {
			bad(s.key, "is negative (%d)", s.v)
		}
	}
	if c.RequestTimeout < 0 {
		bad("request_timeout", "is negative (%s)", c.RequestTimeout)
	}
	if len(c.Contracts) == 0 {
		bad("contracts", "none configured")
	}
	seen := make(map[common.Address]int, len(c.Contracts))
	for i, ct := range c.Contracts {
		key := fmt.Sprintf("contracts[%d]", i)
		addr, err := ct.address()
		if err != nil {
			bad(key+".address", "%v", err)
		} else if j, dup := seen[addr]; dup {
			bad(key+".address", "%s is already contracts[%d]", ct.Address, j)
		} else {
			seen[addr] = i
		}
		switch ct.Kind {
		case KindBadge, KindVerifier:
		case "":
			bad(key+".kind", "is empty (want badge or verifier)")
		default:
			bad(key+".kind", "unknown %q (want badge or verifier)", ct.Kind)
		}
	}
	return errors.Join(errs...)
}

func validateRPC(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("%q is not a URL with a host", provider.Redact(raw))
	}
	switch u.Scheme {
	case "http", "https", "ws", "wss":
		return nil
	default:
		// The URL itself may hold secrets: show only its redacted form.
		return fmt.Errorf("%q: scheme must be http, https, ws or wss", provider.Redact(raw))
	}
}

func (ct ContractConfig) address() (common.Address, error) {
	if !strings.HasPrefix(ct.Address, "0x") && !strings.HasPrefix(ct.Address, "0X") || !common.IsHexAddress(ct.Address) {
		return common.Address{}, fmt.Errorf("%q is not a 0x-prefixed 20-byte hex address", ct.Address)
	}
	addr := common.HexToAddress(ct.Address)
	if addr == (common.Address{}) {
		return common.Address{}, errors.New("is the zero address")
	}
	return addr, nil
}

// decoderContracts returns the contracts for NewDecoder, with their ABI
// files read; cfg is valid.
func (c Config) decoderContracts() ([]Contract, error) {
	out := make([]Contract, 0, len(c.Contracts))
	for i, ct := range c.Contracts {
		addr, _ := ct.address()
		dc := Contract{Address: addr, Kind: ct.Kind}
		if ct.ABI != "" {
			a, err := readABI(ct.ABI)
			if err != nil {
				return nil, fmt.Errorf("contracts[%d].abi: %w", i, err)
			}
			dc.ABI = a
		}
		out = append(out, dc)
	}
	return out, nil
}

// readABI reads a JSON ABI: an array of entries, or an artifact object
// holding one under "abi".
func readABI(path string) (*abi.ABI, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var artifact struct {
		ABI json.RawMessage `json:"abi"`
	}
	if trimmed := bytes.TrimSpace(raw); len(trimmed) > 0 && trimmed[0] == '{' {
		if err := json.Unmarshal(trimmed, &artifact); err != nil || len(artifact.ABI) == 0 {
			return nil, fmt.Errorf("%s: an object without an \"abi\" array", path)
		}
		raw = artifact.ABI
	}
	a, err := abi.JSON(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &a, nil
}

// FollowerConfig returns the follower settings of cfg, defaults applied.
func (c Config) FollowerConfig() indexer.Config {
	c = c.withDefaults()
	return indexer.Config{
		Chain:         c.Name,
		StartHeight:   c.StartBlock,
		ReorgWindow:   c.ReorgWindow,
		Confirmations: c.Confirmations,
		BatchSize:     c.BatchSize,
	}
}
