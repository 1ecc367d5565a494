package graph_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/herald-indexer/herald/graph/apierr"
	"github.com/herald-indexer/herald/graph/limits"
	"github.com/herald-indexer/herald/store"
)

// No silent answers: a chain or collection nothing is indexed under, and a
// block above the indexed tip, are BAD_USER_INPUT naming the argument and
// what is there — in literals, variables, fragments and subscriptions, on
// both read paths — while a chain configured but not indexed yet is known.
func TestUnknownNamesAreBadInput(t *testing.T) {
	e := newEnv(t, limits.Defaults())
	blocks := bitcoinBlocks(5)
	blocks[2].Registrations = []store.Registration{registration(nftID(1), txid("k", 1), 1, store.StatusValid, 1)}
	applyBitcoin(t, e, blocks)
	tip := blocks[len(blocks)-1].Height
	if err := e.writer.ReportChainState(context.Background(), store.ChainState{Chain: "later", State: "STARTING"}); err != nil {
		t.Fatal(err)
	}
	above, far := strconv.FormatInt(tip+1, 10), strconv.FormatInt(tip+1000, 10)

	for _, c := range []struct {
		name, query string
		vars        map[string]any
		arg         string
		says        []string
	}{
		{"an unknown chain", `{ registrations(where: {chain: "elsewhere"}) { totalCount } }`, nil,
			"where.chain", []string{`"elsewhere"`, "bitcoin-regtest", "later"}},
		{"an unknown collection", `{ registrations(where: {collection: "embers"}, first: 5) { nodes { txid } } }`, nil,
			"where.collection", []string{`"embers"`, "demo"}},
		{"a collection of another chain", `{ registrations(where: {chain: "later", collection: "demo"}) { totalCount } }`, nil,
			"where.collection", []string{`"demo"`, "on later", "none yet"}},
		{"an unknown chain in a variable", `query($c: String) { usedNullifiers(where: {chain: $c}) { totalCount } }`, map[string]any{"c": "abstrct"},
			"where.chain", []string{`"abstrct"`}},
		{"an unknown chain in a fragment", `{ ...F } fragment F on Query { stats(chain: "nope") { badgeClaims { count } } }`, nil,
			"chain", []string{`"nope"`}},
		{"a block above the chain's tip", `{ registrations(where: {chain: "bitcoin-regtest"}, block: {number: ` + above + `}) { totalCount } }`, nil,
			"block.number", []string{above, "bitcoin-regtest", strconv.FormatInt(tip, 10)}},
		{"a block above every tip", `query($n: Int!) { badgeClaims(block: {number: $n}) { totalCount } }`, map[string]any{"n": tip + 1000},
			"block.number", []string{far, "every chain", strconv.FormatInt(tip, 10)}},
	} {
		resp := e.post(map[string]any{"query": c.query, "variables": c.vars})
		if resp.code() != apierr.BadUserInput {
			t.Errorf("%s: %+v, want BAD_USER_INPUT", c.name, resp.Errors)
			continue
		}
		if arg := resp.Errors[0].Extensions["argument"]; arg != c.arg {
			t.Errorf("%s: argument %v, want %s", c.name, arg, c.arg)
		}
		for _, s := range c.says {
			if !strings.Contains(resp.Errors[0].Message, s) {
				t.Errorf("%s: %q does not say %s", c.name, resp.Errors[0].Message, s)
			}
		}
	}

	for _, q := range []string{
		`{ registrations(where: {chain: "bitcoin-regtest", collection: "demo"}, block: {number: ` + strconv.FormatInt(tip, 10) + `}) { totalCount } }`,
		`{ registrations(where: {chain: "later"}) { totalCount } }`,
		`{ stats(chain: "bitcoin-regtest", collection: "demo") { registrations { count } } }`,
	} {
		e.query(q, nil, nil)
	}

	ws := dialWS(t, e, nil)
	defer ws.close()
	ws.subscribe("1", `subscription { registrationEvents(collection: "embers") { eventId } }`, nil)
	// gqlgen answers an operation refused before it runs with its errors
	// in a next message, then complete.
	if m := ws.nextFor("1"); m.Type != "next" || !strings.Contains(string(m.Payload), apierr.BadUserInput) || !strings.Contains(string(m.Payload), "demo") {
		t.Errorf("a subscription to an unknown collection: %s %s", m.Type, m.Payload)
	}
}
