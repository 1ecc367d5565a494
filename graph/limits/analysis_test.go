package limits_test

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/complexity"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"

	"github.com/herald-indexer/herald/graph/generated"
	"github.com/herald-indexer/herald/graph/limits"
)

func schema(lim limits.Limits) graphql.ExecutableSchema {
	return limits.CountingHashes(generated.NewExecutableSchema(generated.Config{Complexity: limits.Complexity(lim)}))
}

// analyze runs the analysis on a document as the gateway does, after
// parsing and validation.
func analyze(t *testing.T, es graphql.ExecutableSchema, lim limits.Limits, query string, vars map[string]any) (limits.Analysis, *graphql.OperationContext, *gqlerror.Error) {
	t.Helper()
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil {
		t.Fatalf("parse %q: %v", query, err)
	}
	if errs := validator.Validate(es.Schema(), doc); len(errs) > 0 {
		t.Fatalf("validate %q: %v", query, errs)
	}
	op := &graphql.OperationContext{Doc: doc, Operation: doc.Operations[0], Variables: vars, RawQuery: query}
	var got limits.Analysis
	ext := limits.Analyze(lim, func(a limits.Analysis) { got = a })
	if err := ext.Validate(es); err != nil {
		t.Fatal(err)
	}
	gerr := ext.(graphql.OperationContextMutator).MutateOperationContext(context.Background(), op)
	return got, op, gerr
}

// corpus is every operation the documentation shows a user.
func corpus(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("../../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range regexp.MustCompile("(?s)```graphql\n(.*?)```").FindAllStringSubmatch(string(b), -1) {
		out = append(out, m[1])
	}
	out = append(out,
		`{ nfts(ids: ["`+strings.Repeat("a", 64)+`i0"]) { id isRegistered registrations(first: 50) { totalCount nodes { txid record { problems } } } } }`,
		`query { a: registrations(first: 10) { nodes { ...R } } b: registrations(first: 20) { nodes { ...R } } }
		 fragment R on Registration { txid nft { registrationCount registrations(first: 3) { nodes { txid } } } }`,
		`{ player(address: "0x0000000000000000000000000000000000000000") { badges(first: 5) { nodes { claim { tier } } } claims { totalCount } } }`,
		`{ __schema { types { name fields { name type { name ofType { name } } } } } }`,
		`{ registrations(last: 40, before: "x") { nodes { txid nft { registrations(last: 5) { nodes { txid } } } } } players(last: 7) { totalCount } }`,
	)
	if len(out) < 8 {
		t.Fatalf("only %d operations found in docs/api.md", len(out))
	}
	return out
}

// The analysis prices every operation exactly as gqlgen's complexity
// package does; it only does so without walking a fragment twice.
func TestCostIsGqlgens(t *testing.T) {
	lim := limits.Defaults()
	es := schema(lim)
	for _, q := range corpus(t) {
		got, op, err := analyze(t, es, lim, q, nil)
		if err != nil && err.Extensions["code"] != limits.CodeComplexityLimit {
			t.Errorf("%q: %v", q, err)
		}
		if want := complexity.Calculate(context.Background(), es, op.Operation, nil); got.Cost != want {
			t.Errorf("cost %d, gqlgen's %d, of %q", got.Cost, want, q)
		}
	}
}

// fanOut is a document of levels fragments, each spreading the next width
// times: width^levels expansions in a few hundred bytes.
func fanOut(levels, width int) string {
	var b strings.Builder
	b.WriteString("query { ...F0 }\n")
	for i := range levels {
		fmt.Fprintf(&b, "fragment F%d on Query {%s }\n", i, strings.Repeat(fmt.Sprintf(" ...F%d", i+1), width))
	}
	fmt.Fprintf(&b, "fragment F%d on Query { a: _meta { chains { chain } } }\n", levels)
	return b.String()
}

// A document's analysis visits each of its nodes once, so its work is
// bounded by the document's size however its fragments fan out; and the
// expansion is still priced in full, and rejected.
func TestAnalysisWorkIsLinearInTheDocument(t *testing.T) {
	lim := limits.Defaults()
	es := schema(lim)
	for _, levels := range []int{3, 6, 9, 12} {
		doc := fanOut(levels, 10)
		got, _, err := analyze(t, es, lim, doc, nil)
		if got.Visits > len(doc) {
			t.Errorf("%d levels (%d bytes): %d visits", levels, len(doc), got.Visits)
		}
		if levels >= 6 && (err == nil || err.Extensions["code"] != limits.CodeComplexityLimit) {
			t.Errorf("%d levels: err %v, want COMPLEXITY_LIMIT_EXCEEDED", levels, err)
		}
		if levels == 6 && got.Cost != 3_000_000 {
			t.Errorf("6 levels priced %d, want 3,000,000 (10⁶ expansions of 3 fields)", got.Cost)
		}
		if levels == 12 && got.Aliases <= lim.MaxAliases {
			t.Errorf("12 levels: %d aliases counted; the expansion has 10¹²", got.Aliases)
		}
	}
}

func TestDepthAliasesAndPageSize(t *testing.T) {
	lim := limits.Defaults()
	lim.MaxDepth, lim.MaxAliases = 4, 2
	es := schema(lim)
	for _, tc := range []struct {
		query, code string
	}{
		{`{ registrations { nodes { nft { lastRegistration { txid } } } } }`, "DEPTH_LIMIT_EXCEEDED"},
		{`{ registrations { nodes { txid } } }`, ""},
		{`{ a: _meta { chains { chain } } b: _meta { chains { chain } } c: _meta { chains { chain } } }`, "ALIAS_LIMIT_EXCEEDED"},
		{`query { ...M ...M } fragment M on Query { a: _meta { chains { chain } } }`, ""}, // one alias, spread twice: the same field
		{`{ registrations(first: 100000) { nodes { txid } } }`, "BAD_USER_INPUT"},
		{`{ registrations(first: -1) { nodes { txid } } }`, "BAD_USER_INPUT"},
		{`{ registrations(last: 100000) { nodes { txid } } }`, "BAD_USER_INPUT"},
		{`{ nft(id: "x") { registrations(last: -1) { nodes { txid } } } }`, "BAD_USER_INPUT"},
		{`{ registrations(first: 10, last: 10) { nodes { txid } } }`, "BAD_USER_INPUT"},
		{`{ registrations(first: null, last: 10) { nodes { txid } } }`, ""},
		{`{ registrations(first: 100000, last: 10) { nodes { txid } } }`, "BAD_USER_INPUT"},
		{`{ __schema { types { fields { type { ofType { ofType { ofType { name } } } } } } } }`, ""}, // introspection is exempt
	} {
		_, _, err := analyze(t, es, lim, tc.query, nil)
		code := ""
		if err != nil {
			code, _ = err.Extensions["code"].(string)
		}
		if code != tc.code {
			t.Errorf("%s: code %q (%v), want %q", tc.query, code, err, tc.code)
		}
	}
}

// `last` is priced as `first` is, and is bounded as it is; `first`'s
// default is neither when `last` is given.
func TestLastIsPricedAndBoundedAsFirst(t *testing.T) {
	lim := limits.Defaults()
	lim.DefaultPageSize, lim.MaxPageSize = 100, 50 // the schema's default for first (100) is over the maximum
	es := schema(lim)
	// nodes costs 4 an item: itself, txid, block and its height.
	q := `query($first: Int, $last: Int) { registrations(first: $first, last: $last) { nodes { txid block { height } } } }`
	for _, tc := range []struct {
		vars map[string]any
		cost int
		arg  string // of the error
	}{
		{map[string]any{"first": 7}, 1 + 7*4, ""},
		{map[string]any{"last": 7}, 1 + 7*4, ""},
		{map[string]any{"first": nil, "last": 7}, 1 + 7*4, ""},
		{map[string]any{"last": 51}, 0, "last"},
		{map[string]any{"first": 7, "last": 7}, 0, "last"},
		{map[string]any{}, 0, "first"}, // first's default, over this gateway's maximum
	} {
		got, _, err := analyze(t, es, lim, q, tc.vars)
		switch {
		case tc.arg != "" && (err == nil || err.Extensions["argument"] != tc.arg || err.Extensions["code"] != "BAD_USER_INPUT"):
			t.Errorf("%v: %v, want BAD_USER_INPUT for %s", tc.vars, err, tc.arg)
		case tc.arg == "" && (err != nil || got.Cost != tc.cost):
			t.Errorf("%v: cost %d (%v), want %d", tc.vars, got.Cost, err, tc.cost)
		}
		if tc.arg == "last" && err != nil && tc.vars["first"] != nil && !strings.Contains(err.Message, "Relay") {
			t.Errorf("first and last: %q does not say why", err.Message)
		}
	}
}
