package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// maxExampleWidth is the widest line an example may have: GraphiQL's editor
// and a terminal show 80 columns without scrolling.
const maxExampleWidth = 80

// example is one GraphQL operation shown to users.
type example struct {
	// where names it in failures: docs/api.md:LINE, the banner, a tab.
	where string
	query string
	// variables are given ones (GraphiQL's tabs); the rest come from the
	// live data.
	variables map[string]any
	// wantError is the code of the error the example shows; empty when it
	// must answer data.
	wantError string
}

var (
	docBlock  = regexp.MustCompile("(?ms)^```graphql([^\\n]*)\\n(.*?)^```$")
	errorCode = regexp.MustCompile(`\berror=([A-Z_]+)\b`)
)

// docExamples are docs/api.md's ```graphql blocks. A block marked
// "```graphql error=CODE" shows an error with that code.
func docExamples(t *testing.T) []example {
	t.Helper()
	doc, err := os.ReadFile("../../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	var out []example
	for _, m := range docBlock.FindAllSubmatchIndex(doc, -1) {
		info, body := string(doc[m[2]:m[3]]), string(doc[m[4]:m[5]])
		ex := example{where: fmt.Sprintf("docs/api.md:%d", 1+bytes.Count(doc[:m[0]], []byte("\n"))), query: body}
		if c := errorCode.FindStringSubmatch(info); c != nil {
			ex.wantError = c[1]
		} else if strings.TrimSpace(info) != "" {
			t.Errorf("%s: unknown marking %q (only error=CODE)", ex.where, info)
		}
		out = append(out, ex)
	}
	if len(out) < 6 {
		t.Fatalf("docs/api.md has %d graphql examples; the pattern misses them", len(out))
	}
	return out
}

// bannerExamples are the lines under "Try in GraphiQL" in the banner.
func bannerExamples(t *testing.T, banner string) []example {
	t.Helper()
	_, rest, ok := strings.Cut(banner, "Try in GraphiQL")
	if !ok {
		t.Fatalf("the banner shows no examples:\n%s", banner)
	}
	var out []example
	for _, line := range strings.Split(rest, "\n")[1:] {
		if strings.TrimSpace(line) == "" {
			break
		}
		out = append(out, example{where: "the banner: " + strings.TrimSpace(line), query: line})
	}
	if len(out) == 0 {
		t.Fatalf("the banner shows no examples:\n%s", banner)
	}
	return out
}

// checkWidth fails t for a line of text wider than maxExampleWidth.
func checkWidth(t *testing.T, where, text string) {
	t.Helper()
	for i, line := range strings.Split(text, "\n") {
		if n := utf8.RuneCountInString(line); n > maxExampleWidth {
			t.Errorf("%s: line %d is %d columns wide (at most %d): %s", where, i+1, n, maxExampleWidth, line)
		}
	}
}

// liveValues are the examples' variables, read from herald dev through
// GraphQL: what a user would paste.
func liveValues(base string) (map[string]any, error) {
	var live struct {
		Registrations struct {
			Nodes []struct{ InscriptionID string }
		}
		Players    struct{ Nodes []struct{ Address string } }
		Nullifiers struct{ Nodes []struct{ Nullifier string } } `json:"usedNullifiers"`
		Meta       struct {
			Chains []struct {
				Chain         string
				IndexedHeight *int64
			}
		} `json:"_meta"`
	}
	r, err := postGraphQL(context.Background(), base, `{
		registrations(first: 20, where: {status: [VALID]}) { nodes { inscriptionId } }
		players(first: 2) { nodes { address } }
		usedNullifiers(first: 2) { nodes { nullifier } }
		_meta { chains { chain indexedHeight } } }`, nil)
	if err != nil {
		return nil, err
	}
	if len(r.Errors) > 0 {
		return nil, fmt.Errorf("live values: %s", r.raw)
	}
	if err := json.Unmarshal(r.Data, &live); err != nil {
		return nil, err
	}
	var ids []string
	for _, n := range live.Registrations.Nodes {
		if len(ids) < 3 && !slices.Contains(ids, n.InscriptionID) {
			ids = append(ids, n.InscriptionID)
		}
	}
	var addresses, hashes []string
	for _, n := range live.Players.Nodes {
		addresses = append(addresses, n.Address)
	}
	for _, n := range live.Nullifiers.Nodes {
		hashes = append(hashes, n.Nullifier)
	}
	v := map[string]any{
		"after": "0", // the whole log: a first event comes at once
		"since": time.Now().Add(-time.Hour).UTC().Format(time.RFC3339),
	}
	if len(ids) > 0 {
		v["ids"] = ids
	}
	if len(addresses) > 0 {
		v["address"], v["addresses"] = addresses[0], addresses
	}
	if len(hashes) > 0 {
		v["hashes"] = hashes
	}
	for _, c := range live.Meta.Chains {
		// A few blocks below the tip: a reorg (the devnet's are at most 2
		// deep) may lower the tip before the example asks, and a height
		// above it is BAD_USER_INPUT.
		if c.Chain == devBitcoinChain && c.IndexedHeight != nil {
			v["height"] = max(*c.IndexedHeight-3, 0)
		}
	}
	return v, nil
}

// gqlResult is a GraphQL response, and its text for messages.
type gqlResult struct {
	Data   json.RawMessage
	Errors []struct {
		Message    string
		Extensions struct{ Code string }
	}
	raw string
}

func postGraphQL(ctx context.Context, base, query string, vars map[string]any) (gqlResult, error) {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return gqlResult{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/graphql", bytes.NewReader(body))
	if err != nil {
		return gqlResult{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return gqlResult{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return gqlResult{}, err
	}
	return decodeResult(raw)
}

func decodeResult(raw []byte) (gqlResult, error) {
	r := gqlResult{raw: string(raw)}
	if err := json.Unmarshal(raw, &r); err != nil {
		return r, fmt.Errorf("not a GraphQL response: %w: %s", err, raw)
	}
	return r, nil
}

// firstEvent subscribes over SSE and returns the first event's response,
// then ends the subscription.
func firstEvent(ctx context.Context, base, query string, vars map[string]any) (gqlResult, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // closes the stream: the subscription ends
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return gqlResult{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/graphql", bytes.NewReader(body))
	if err != nil {
		return gqlResult{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return gqlResult{}, err
	}
	defer resp.Body.Close()
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		raw, _ := io.ReadAll(resp.Body)
		return decodeResult(raw)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
			return decodeResult([]byte(data))
		}
	}
	return gqlResult{}, fmt.Errorf("the stream ended without an event: %w", errors.Join(sc.Err(), ctx.Err()))
}

// emptyFields names the fields of data that show nothing: null, or
// holding lists that are all empty. An answer a user would call "no data"
// is one of those.
func emptyFields(data json.RawMessage) []string {
	var fields map[string]any
	if err := json.Unmarshal(data, &fields); err != nil || len(fields) == 0 {
		return []string{"data"}
	}
	var empty []string
	for name, v := range fields {
		if v == nil {
			empty = append(empty, name)
			continue
		}
		if lists, filled := holdsLists(v); lists && !filled {
			empty = append(empty, name)
		}
	}
	slices.Sort(empty)
	return empty
}

// holdsLists reports whether v holds lists, and whether one of them is not
// empty.
func holdsLists(v any) (lists, filled bool) {
	switch v := v.(type) {
	case []any:
		return true, len(v) > 0
	case map[string]any:
		for _, f := range v {
			l, fl := holdsLists(f)
			lists = lists || l
			if fl {
				return true, true
			}
		}
	}
	return lists, false
}

// run runs ex against base with variables from live, and says why it did
// not answer as it should; retry is whether more data may change that.
func (ex example) run(ctx context.Context, base string, live map[string]any) (reason string, retry bool) {
	doc, err := parser.ParseQuery(&ast.Source{Input: ex.query})
	if err != nil {
		return fmt.Sprintf("does not parse: %v", err), false
	}
	if len(doc.Operations) != 1 {
		return fmt.Sprintf("holds %d operations, want 1", len(doc.Operations)), false
	}
	op := doc.Operations[0]
	vars := map[string]any{}
	for _, d := range op.VariableDefinitions {
		if v, ok := ex.variables[d.Variable]; ok {
			vars[d.Variable] = v
		} else if v, ok := live[d.Variable]; ok {
			vars[d.Variable] = v
		} else if d.Type.NonNull && d.DefaultValue == nil {
			return fmt.Sprintf("the live data has no value for $%s yet", d.Variable), true
		}
	}
	var r gqlResult
	if op.Operation == ast.Subscription {
		r, err = firstEvent(ctx, base, ex.query, vars)
	} else {
		r, err = postGraphQL(ctx, base, ex.query, vars)
	}
	if err != nil {
		return err.Error(), true
	}
	if ex.wantError != "" {
		if len(r.Errors) == 0 || r.Errors[0].Extensions.Code != ex.wantError {
			return fmt.Sprintf("answered %s, want an error with code %s", r.raw, ex.wantError), false
		}
		return "", false
	}
	if len(r.Errors) > 0 {
		return fmt.Sprintf("answered errors (variables %v): %s", vars, r.raw), false
	}
	if empty := emptyFields(r.Data); len(empty) > 0 {
		return fmt.Sprintf("shows no data in %v (variables %v): %s", empty, vars, r.raw), true
	}
	return "", false
}

// runAll runs every example until it answers as it should, waiting for
// the devnets' traffic to make the rows an example shows (some, like a
// threshold update, come every few seconds), and fails t for each that
// does not by the deadline or that answers errors.
func runAll(t *testing.T, base string, examples []example, deadline time.Time) {
	t.Helper()
	pending := examples
	for len(pending) > 0 {
		live, err := liveValues(base)
		if err != nil {
			t.Fatal(err)
		}
		var again []example
		reasons := map[string]string{}
		for _, ex := range pending {
			ctx, cancel := context.WithDeadline(context.Background(), deadline)
			reason, retry := ex.run(ctx, base, live)
			cancel()
			switch {
			case reason == "":
			case retry && time.Now().Before(deadline):
				again = append(again, ex)
				reasons[ex.where] = reason
			default:
				t.Errorf("%s %s\n%s", ex.where, reason, ex.query)
			}
		}
		pending = again
		if len(pending) > 0 {
			time.Sleep(500 * time.Millisecond)
		}
	}
}

// TestDocExamples runs every example a user is shown against `herald dev`:
// docs/api.md's graphql blocks, the banner's lines and GraphiQL's tabs as a
// page load fills them. Each must answer data without errors (a doc block
// marked error=CODE must fail with that code), with its variables filled
// from the devnets' data, and fit 80 columns.
func TestDocExamples(t *testing.T) {
	docs := docExamples(t)
	for _, ex := range docs {
		checkWidth(t, ex.where, ex.query)
	}
	base, banner := startDevBanner(t)
	fromBanner := bannerExamples(t, banner)
	for _, ex := range fromBanner {
		checkWidth(t, ex.where, ex.query)
	}

	// The devnets' traffic first: registrations and badges indexed.
	deadline := time.Now().Add(3 * time.Minute)
	for {
		var s struct{ Registrations, Badges struct{ TotalCount int } }
		gqlQuery(t, base, `{ registrations(first: 1) { totalCount } badges(first: 1) { totalCount } }`, &s)
		if s.Registrations.TotalCount > 0 && s.Badges.TotalCount > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after three minutes: %d registrations, %d badges", s.Registrations.TotalCount, s.Badges.TotalCount)
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Logf("%d examples from docs/api.md, %d from the banner", len(docs), len(fromBanner))
	runAll(t, base, append(docs, fromBanner...), deadline)

	t.Run("GraphiQL tabs", func(t *testing.T) {
		tabs := liveTabs(t, base, deadline)
		var examples []example
		for i, tab := range tabs {
			where := fmt.Sprintf("GraphiQL's tab %d", i+1)
			checkWidth(t, where, tab.Query)
			checkWidth(t, where+"'s variables", tab.Variables)
			var vars map[string]any
			if tab.Variables != "" {
				if err := json.Unmarshal([]byte(tab.Variables), &vars); err != nil {
					t.Fatalf("%s: variables %q: %v", where, tab.Variables, err)
				}
			}
			examples = append(examples, example{where: where, query: tab.Query, variables: vars})
		}
		t.Logf("%d tabs; the first's variables: %s", len(tabs), tabs[0].Variables)
		runAll(t, base, examples, time.Now().Add(time.Minute))
	})
}

// pageTab is a tab as GraphiQL's page carries it.
type pageTab struct{ Query, Variables string }

var pageConfigBlock = regexp.MustCompile(`(?s)<script id="graphiql-config" type="application/json">(.*?)</script>`)

// liveTabs loads GraphiQL's page until its tabs hold the live data: the
// newest registered NFTs in the first, the top player in the player's.
func liveTabs(t *testing.T, base string, deadline time.Time) []pageTab {
	t.Helper()
	for {
		resp, err := http.Get(base + "/")
		if err != nil {
			t.Fatal(err)
		}
		page, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		m := pageConfigBlock.FindSubmatch(page)
		if m == nil {
			t.Fatalf("GraphiQL's page has no config:\n%s", page)
		}
		var cfg struct{ Tabs []pageTab }
		if err := json.Unmarshal(m[1], &cfg); err != nil {
			t.Fatal(err)
		}
		if len(cfg.Tabs) < 4 {
			t.Fatalf("GraphiQL has %d tabs: %s", len(cfg.Tabs), m[1])
		}
		var first struct{ IDs []string }
		var player struct{ Address string }
		_ = json.Unmarshal([]byte(cfg.Tabs[0].Variables), &first)
		_ = json.Unmarshal([]byte(cfg.Tabs[3].Variables), &player)
		live := len(first.IDs) > 0 && player.Address != "" && player.Address != "0x0000000000000000000000000000000000000000"
		if live {
			return cfg.Tabs
		}
		if time.Now().After(deadline) {
			t.Fatalf("GraphiQL's tabs never held live ids: %s", m[1])
		}
		time.Sleep(time.Second)
	}
}

// An answer shows no data when a field is null or all its lists are empty.
func TestEmptyFields(t *testing.T) {
	tests := []struct {
		data string
		want []string
	}{
		{`{"nfts": [{"id": "a"}], "_meta": {"chains": [{"chain": "x"}]}}`, nil},
		{`{"players": {"totalCount": 0, "nodes": []}, "some": {"nodes": [{"a": 1}]}}`, []string{"players"}},
		{`{"player": null}`, []string{"player"}},
		// No lists: a count or an object is data.
		{`{"registrations": {"totalCount": 0}}`, nil},
		// One filled list among empty ones is enough.
		{`{"stats": {"tiers": [], "gas": [{"time": "t"}], "uniquePlayers": 0}}`, nil},
		{`{"stats": {"tiers": [], "gas": []}}`, []string{"stats"}},
		{`{}`, []string{"data"}},
		{`null`, []string{"data"}},
	}
	for _, tt := range tests {
		if got := emptyFields(json.RawMessage(tt.data)); !slices.Equal(got, tt.want) {
			t.Errorf("emptyFields(%s) = %v, want %v", tt.data, got, tt.want)
		}
	}
}
