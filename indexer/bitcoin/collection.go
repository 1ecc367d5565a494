package bitcoin

import (
	"errors"
	"fmt"

	"github.com/btcsuite/btcd/btcutil"
	"github.com/btcsuite/btcd/chaincfg"
	"github.com/btcsuite/btcd/txscript"
)

// Defaults of a collection's settings (spec/registrations.md).
const (
	DefaultMinFeeSats       = 50_000
	DefaultMinConfirmations = 1
)

// Collection is a launched collection: registrations pay its creator address.
type Collection struct {
	Name string
	// Address is the creator address; PkScript is its output script, which a
	// payment must match byte for byte.
	Address          btcutil.Address
	PkScript         []byte
	MinFeeSats       int64
	MinConfirmations int64
}

// NewCollection validates a collection's configuration for the network net.
// A zero minFee or minConf takes the default (50,000 sats, 1 confirmation).
func NewCollection(name, address string, net *chaincfg.Params, minFee, minConf int64) (Collection, error) {
	if name == "" {
		return Collection{}, errors.New("collection name is empty")
	}
	if net == nil {
		return Collection{}, fmt.Errorf("collection %s: no network", name)
	}
	if minFee < 0 {
		return Collection{}, fmt.Errorf("collection %s: negative min fee %d", name, minFee)
	}
	if minConf < 0 {
		return Collection{}, fmt.Errorf("collection %s: negative min confirmations %d", name, minConf)
	}
	if minFee == 0 {
		minFee = DefaultMinFeeSats
	}
	if minConf == 0 {
		minConf = DefaultMinConfirmations
	}

	addr, err := btcutil.DecodeAddress(address, net)
	if err != nil {
		return Collection{}, fmt.Errorf("collection %s: creator address %q: %w", name, address, err)
	}
	// DecodeAddress checks the network of base58 addresses only; a bech32
	// address of any registered network decodes, so check it here.
	if !addr.IsForNet(net) {
		return Collection{}, fmt.Errorf("collection %s: creator address %q is not a %s address", name, address, net.Name)
	}
	// A hex public key decodes as an address too, but it is nobody's
	// receiving address and its script (P2PK) would not match what the
	// address encodes to.
	if _, ok := addr.(*btcutil.AddressPubKey); ok {
		return Collection{}, fmt.Errorf("collection %s: creator address %q is a public key, not an address", name, address)
	}
	pkScript, err := txscript.PayToAddrScript(addr)
	if err != nil {
		return Collection{}, fmt.Errorf("collection %s: creator address %q: %w", name, address, err)
	}
	return Collection{
		Name:             name,
		Address:          addr,
		PkScript:         pkScript,
		MinFeeSats:       minFee,
		MinConfirmations: minConf,
	}, nil
}
