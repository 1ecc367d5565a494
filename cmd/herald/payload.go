package main

import (
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"

	"github.com/herald-indexer/herald/domain"
	"github.com/herald-indexer/herald/indexer/bitcoin"
)

// payloadFlags are `herald payload`'s own flags.
func payloadFlags(fs *flag.FlagSet) {
	fs.Bool("data", false, "print the payload's bytes (hex) instead of the whole script: what a wallet's \"data\" output takes (Bitcoin Core's walletcreatefundedpsbt, createrawtransaction)")
}

// payload prints the OP_RETURN output script that registers an NFT until
// an expiry height (docs/creators.md).
func payload(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("herald payload", flag.ContinueOnError)
	fs.SetOutput(stderr)
	payloadFlags(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() != 2 {
		return errors.New("usage: herald payload [-data] INSCRIPTION_ID EXPIRY_HEIGHT")
	}
	id, err := domain.ParseInscriptionID(fs.Arg(0))
	if err != nil {
		return err
	}
	expiry, err := strconv.ParseInt(fs.Arg(1), 10, 64)
	if err != nil || expiry < 0 || expiry > bitcoin.MaxExpiryHeight {
		return fmt.Errorf("expiry height %q: want a block height from 0 to %d", fs.Arg(1), bitcoin.MaxExpiryHeight)
	}
	out, err := bitcoin.PayloadScript(id, expiry)
	if fs.Lookup("data").Value.(flag.Getter).Get().(bool) {
		out, err = bitcoin.PayloadData(id, expiry)
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, hex.EncodeToString(out))
	return nil
}
