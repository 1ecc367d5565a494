package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/herald-indexer/herald/graph"
	"github.com/herald-indexer/herald/graph/limits"
	"github.com/herald-indexer/herald/store"
	"github.com/herald-indexer/herald/store/storetest"
)

// The nullifier fast path must write exactly what gqlgen's execution
// writes, for every field, alias, fragment and directive a client may use,
// and leave everything it does not handle — errors included — to gqlgen.
func TestNullifierFastPathMatchesExecutor(t *testing.T) {
	lim := limits.Defaults()
	lim.MaxNullifierHashes = 5
	fast := newEnv(t, lim)
	generated := newEnvOn(t, fast.writer, fast.url, lim, graph.GeneratedOnly)

	refs := storetest.Chain(1, 6, storetest.Hash("fastpath"), "fastpath")
	var blocks []store.Block
	for _, r := range refs {
		blocks = append(blocks, storetest.SampleBlock(r))
	}
	// A nullifier used on a second verifier (two uses), without threshold.
	blocks[5].NullifierUses = append(blocks[5].NullifierUses, store.NullifierUse{
		Position: store.Position{Chain: "abstract", BlockHeight: refs[5].Height, BlockHash: refs[5].Hash, BlockTime: refs[5].Time},
		Contract: storetest.Address(77), Nullifier: "0x" + storetest.Hash("nullifier", 1), LogIndex: 9,
		TxHash: "0x" + storetest.Hash("second-verifier"), Event: store.EventProofVerified, Player: storetest.Address(2),
		ClaimedXP: "5", Verified: true,
	})
	if err := fast.writer.Apply(context.Background(), store.Batch{Chain: "abstract", Blocks: blocks, Head: 6, KeepBlocks: 100}); err != nil {
		t.Fatal(err)
	}
	caughtUp(t, fast)
	caughtUp(t, generated)

	used1 := "0x" + storetest.Hash("nullifier", 1)
	used2 := "0x" + strings.ToUpper(storetest.Hash("nullifier", 2)) // normalised to lower case
	unused := "0x" + storetest.Hash("never used")
	all := `hash used __typename uses { __typename nullifier contract event player claimedXP threshold verified txHash logIndex
		block { __typename chain height hash time confirmations } }`
	type queryCase struct {
		name  string
		query string
		vars  map[string]any
	}
	cases := []queryCase{
		{"every field", `query($h: [Bytes32!]!) { nullifiers(hashes: $h) { ` + all + ` } }`,
			map[string]any{"h": []string{used1, unused, used2, used1}}},
		{"single", `query($h: Bytes32!) { nullifier(hash: $h) { ` + all + ` } }`, map[string]any{"h": used1}},
		{"literal arguments, aliases, both fields", `{ a: nullifier(hash: "` + used2 + `") { used u: uses { p: player } }
			__typename b: nullifiers(hashes: ["` + unused + `", "` + used1 + `"]) { h: hash used } }`, nil},
		{"fragments and directives", `query($skip: Boolean!, $h: [Bytes32!]!) { nullifiers(hashes: $h) {
			...S uses @skip(if: $skip) { event } uses @include(if: $skip) { player } } }
			fragment S on NullifierStatus { hash ... on NullifierStatus { used uses { block { height } } } }`,
			map[string]any{"skip": true, "h": []string{used1, unused}}},
		{"a fragment merged with different siblings", `query($h: [Bytes32!]!) {
			x: nullifiers(hashes: $h) { ...U } y: nullifiers(hashes: $h) { ...U uses { player } } }
			fragment U on NullifierStatus { uses { event } }`, map[string]any{"h": []string{used1}}},
		{"no hashes", `{ nullifiers(hashes: []) { hash } }`, nil},
		// gqlgen's own: errors and fields the fast path does not know.
		{"bad hash", `{ nullifiers(hashes: ["0x12"]) { hash } }`, nil},
		{"too many hashes", `query($h: [Bytes32!]!) { nullifiers(hashes: $h) { hash } }`,
			map[string]any{"h": []string{used1, used1, used1, used1, used1, used1}}},
		{"another root field", `{ nullifier(hash: "` + used1 + `") { used } _meta { chains { chain } } }`, nil},
	}
	// Each field alone: the fast path reads only the columns it renders.
	for _, f := range strings.Fields(`nullifier contract event player claimedXP threshold verified txHash logIndex
		block{chain} block{height} block{hash} block{time} block{confirmations}`) {
		cases = append(cases, queryCase{"only " + f, `query($h: [Bytes32!]!) { nullifiers(hashes: $h) { uses { ` + f + ` } } }`,
			map[string]any{"h": []string{used1, unused, used2}}})
	}
	for _, c := range cases {
		body, _ := json.Marshal(map[string]any{"query": c.query, "variables": c.vars})
		want := rawPost(t, generated, body)
		before := graph.FastPathAnswers(fast.gateway)
		got := rawPost(t, fast, body)
		gqlgens := slices.Contains([]string{"bad hash", "too many hashes", "another root field"}, c.name)
		if answered := graph.FastPathAnswers(fast.gateway) > before; answered == gqlgens {
			t.Errorf("%s: answered by the fast path: %v", c.name, answered)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s:\nfast path: %s\ngqlgen:    %s", c.name, got, want)
		}
		if c.name == "every field" && (!bytes.Contains(got, []byte(`"claimedXP"`)) || !bytes.Contains(got, []byte(`"threshold":null`))) {
			t.Fatalf("every field: no uses rendered, or none without a threshold: %s", got)
		}
	}
}

// The POST transport writes data-only responses itself; everything else
// it leaves to gqlgen. Status, content type and body must not change.
func TestPostTransportWritesWhatGqlgenWrites(t *testing.T) {
	ours := newEnv(t, limits.Defaults())
	gqlgens := newEnvOn(t, ours.writer, ours.url, limits.Defaults(), graph.GeneratedOnly)
	blocks := bitcoinBlocks(2)
	blocks[1].Registrations = []store.Registration{registration(nftID(1), txid("post"), 1, store.StatusValid, 50000)}
	blocks[1].Records = []store.RegistrationRecord{{
		Position:      store.Position{Chain: btcChain, BlockHeight: blocks[1].Height, BlockHash: blocks[1].Hash, BlockTime: blocks[1].Time},
		InscriptionID: txid("html") + "i0", Parent: nftID(1), FeeTxID: txid("post"), PaidTo: "bcrt1qcreator",
		Body: "{\"note\":\"<b>&amp;</b> \u2028\"}", Timestamp: "2026-11-21T00:00:00Z",
	}}
	applyBitcoin(t, ours, blocks)
	caughtUp(t, gqlgens)
	cases := []struct {
		name, accept string
		body         string
	}{
		{"data only", "", `{"query":"{ nft(id: \"` + nftID(1) + `\") { id registrationCount } }"}`},
		{"data with HTML characters", "application/json", `{"query":"{ nft(id: \"` + nftID(1) + `\") { record { body } } }"}`},
		{"graphql-response+json", "application/graphql-response+json", `{"query":"{ _meta { chains { chain } } }"}`},
		{"unknown accept", "text/html", `{"query":"{ _meta { chains { chain } } }"}`},
		{"resolver error", "", `{"query":"{ nft(id: \"nope\") { id } }"}`},
		{"validation error", "application/graphql-response+json", `{"query":"{ nope }"}`},
		{"persisted query not found", "", `{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"` + strings.Repeat("ab", 32) + `"}}}`},
	}
	for _, c := range cases {
		want := post(t, gqlgens, c.accept, []byte(c.body))
		got := post(t, ours, c.accept, []byte(c.body))
		if got != want {
			t.Errorf("%s:\nours:   %s\ngqlgen: %s", c.name, got, want)
		}
	}
}

// A body that is not a GraphQL request is the client's mistake, said as
// such with a code, and not quoted back.
func TestMalformedBodyIsAClientError(t *testing.T) {
	e := newEnv(t, limits.Defaults())
	for _, body := range []string{`{"query":`, `{"query": {"secret-ish": 1}}`, `not json at all`, ``} {
		got := post(t, e, "", []byte(body))
		if !strings.HasPrefix(got, "400 ") || !strings.Contains(got, `"code":"BAD_REQUEST"`) || strings.Contains(got, "INTERNAL") {
			t.Errorf("body %q: %s", body, got)
		}
		if strings.Contains(got, "secret-ish") || strings.Contains(got, "not json at all") {
			t.Errorf("body %q is quoted back: %s", body, got)
		}
	}
}

var requestIDInMessage = regexp.MustCompile(`\(request [0-9a-f]+\)`)

func rawPost(t *testing.T, e *env, body []byte) []byte {
	t.Helper()
	_, out := postWith(t, e, "", body)
	return out
}

// post returns status, content type and body, request ids left out.
func post(t *testing.T, e *env, accept string, body []byte) string {
	t.Helper()
	head, out := postWith(t, e, accept, body)
	return head + " " + string(out)
}

func postWith(t *testing.T, e *env, accept string, body []byte) (string, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+"/graphql", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	client := &http.Client{Timeout: 30 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	head := fmt.Sprintf("%d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	out = requestIDInMessage.ReplaceAll(out, []byte("(request …)"))
	// Request ids differ between the two gateways; nothing else may.
	var v map[string]any
	if json.Unmarshal(out, &v) == nil {
		if errs, ok := v["errors"].([]any); ok {
			for _, e := range errs {
				if m, ok := e.(map[string]any); ok {
					if ext, ok := m["extensions"].(map[string]any); ok {
						delete(ext, "requestId")
					}
				}
			}
			if b, err := json.Marshal(v); err == nil {
				return head, b
			}
		}
	}
	return head, out
}
