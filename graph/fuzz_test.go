package graph_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/herald-indexer/herald/graph"
	"github.com/herald-indexer/herald/graph/apierr"
	"github.com/herald-indexer/herald/graph/generated"
	"github.com/herald-indexer/herald/graph/limits"
	"github.com/herald-indexer/herald/store"
	"github.com/herald-indexer/herald/store/storetest"
)

// FuzzGateway sends documents and variables built from herald's schema —
// any field, any argument, values valid or not, NUL bytes, huge numbers,
// fragments — through the real gateway on real PostgreSQL: no client input
// may produce INTERNAL_SERVER_ERROR or a 5xx, or make the gateway work
// more than in proportion to the document (its analysis visits each node
// once) or past its request deadline.
func FuzzGateway(f *testing.F) {
	var visits atomic.Int64
	writer, url := storetest.NewWithURL(f)
	lim := limits.Defaults()
	lim.RatePerSecond = 0
	e := newEnvOn(f, writer, url, lim, graph.ObserveAnalyses(func(a limits.Analysis) { visits.Store(int64(a.Visits)) }),
		func(o *graph.Options) { o.Logger = slog.New(slog.DiscardHandler) }) // a fuzz target may not log through f
	blocks := bitcoinBlocks(3)
	blocks[1].Registrations = []store.Registration{registration(nftID(1), txid("fuzz"), 1, store.StatusValid, 50000)}
	if err := writer.Apply(f.Context(), store.Batch{Chain: btcChain, Blocks: blocks, Head: 3, KeepBlocks: 100}); err != nil {
		f.Fatal(err)
	}
	schema := generated.NewExecutableSchema(generated.Config{}).Schema()
	client := &http.Client{Timeout: lim.RequestTimeout + 10*time.Second}
	for _, seed := range [][]byte{
		{}, {1, 2, 3, 4, 5, 6, 7, 8}, []byte("registrations nullifiers nfts"), bytes.Repeat([]byte{0xff}, 64),
		[]byte{0, 0, 0, 0, 9, 9, 9, 9, 0x80, 0x40, 0x20}, bytes.Repeat([]byte{7, 0, 3}, 40),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		query, vars := (&docGen{data: data, schema: schema}).document()
		body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
		if err != nil {
			return // not a JSON-representable input (invalid UTF-8 is replaced, not refused)
		}
		visits.Store(0)
		resp, err := client.Post(e.srv.URL+"/graphql", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatalf("%s\nvariables %v\nno answer: %v", query, vars, err)
		}
		out, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode >= 500 || bytes.Contains(out, []byte(apierr.Internal)) {
			t.Fatalf("%s\nvariables %v\nanswered %d %s", query, vars, resp.StatusCode, out)
		}
		if v := visits.Load(); v > int64(len(query)) {
			t.Fatalf("%s\nthe analysis made %d visits for %d bytes", query, v, len(query))
		}
	})
}

// docGen builds a GraphQL document from fuzz data: each choice consumes a
// byte, and the data's end makes every further choice the first option.
type docGen struct {
	data    []byte
	schema  *ast.Schema
	vars    map[string]any
	varDefs []string
	frags   []string
}

func (g *docGen) next() byte {
	if len(g.data) == 0 {
		return 0
	}
	b := g.data[0]
	g.data = g.data[1:]
	return b
}

func (g *docGen) intn(n int) int {
	if n <= 1 {
		return 0
	}
	return int(g.next()) % n
}

func (g *docGen) document() (string, map[string]any) {
	g.vars = map[string]any{}
	sel := g.selection(g.schema.Query, 0)
	head := "query"
	if len(g.varDefs) > 0 {
		head += "(" + strings.Join(g.varDefs, ", ") + ")"
	}
	return head + " " + sel + "\n" + strings.Join(g.frags, "\n"), g.vars
}

// selection selects 1–3 fields of def, recursing up to a depth.
func (g *docGen) selection(def *ast.Definition, depth int) string {
	var parts []string
	for range 1 + g.intn(3) {
		if len(def.Fields) == 0 {
			break
		}
		f := def.Fields[g.intn(len(def.Fields))]
		field := f.Name
		if g.intn(4) == 0 {
			field = "a" + strconv.Itoa(len(parts)) + ": " + field
		}
		if args := g.arguments(f); args != "" {
			field += "(" + args + ")"
		}
		if t := g.schema.Types[f.Type.Name()]; t != nil && (t.Kind == ast.Object || t.Kind == ast.Interface) {
			if depth >= 4 {
				field += " { __typename }"
			} else {
				field += " " + g.selection(t, depth+1)
			}
		}
		switch g.intn(8) {
		case 0: // in an inline fragment
			field = "... on " + def.Name + " { " + field + " }"
		case 1: // in a named fragment, spread once or several times
			name := fmt.Sprintf("F%d", len(g.frags))
			g.frags = append(g.frags, "fragment "+name+" on "+def.Name+" { "+field+" }")
			field = strings.Repeat("..."+name+" ", 1+g.intn(4))
		}
		parts = append(parts, field)
	}
	if len(parts) == 0 {
		parts = append(parts, "__typename")
	}
	return "{ " + strings.Join(parts, " ") + " }"
}

func (g *docGen) arguments(f *ast.FieldDefinition) string {
	var args []string
	for _, a := range f.Arguments {
		if a.Type.NonNull || g.intn(3) == 0 {
			v := g.value(a.Type, 0)
			if g.intn(2) == 0 { // as a variable
				name := fmt.Sprintf("v%d", len(g.varDefs))
				g.varDefs = append(g.varDefs, "$"+name+": "+a.Type.String())
				g.vars[name] = v
				args = append(args, a.Name+": $"+name)
			} else {
				args = append(args, a.Name+": "+literal(v, a.Type, g.schema))
			}
		}
	}
	return strings.Join(args, ", ")
}

// value is a Go value (as JSON variables carry it) for t: often a valid
// one, sometimes not.
func (g *docGen) value(t *ast.Type, depth int) any {
	if t.Elem != nil {
		var list []any
		for range g.intn(4) {
			list = append(list, g.value(t.Elem, depth+1))
		}
		if list == nil {
			list = []any{}
		}
		return list
	}
	def := g.schema.Types[t.NamedType]
	switch {
	case def == nil:
		return nil
	case def.Kind == ast.Enum:
		if g.intn(6) == 0 {
			return "NOT_A_VALUE"
		}
		return def.EnumValues[g.intn(len(def.EnumValues))].Name
	case def.Kind == ast.InputObject:
		obj := map[string]any{}
		if depth < 3 {
			for _, f := range def.Fields {
				if f.Type.NonNull || g.intn(3) == 0 {
					obj[f.Name] = g.value(f.Type, depth+1)
				}
			}
		}
		return obj
	}
	switch t.NamedType {
	case "Int":
		return []any{0, 1, -1, 20, 1000, 1001, 1 << 31, int64(1) << 53, -1 << 40}[g.intn(9)]
	case "Boolean":
		return g.intn(2) == 0
	case "InscriptionID":
		return g.pick(nftID(1), nftID(g.intn(9))+"0", strings.ToUpper(nftID(2)), "x", txid("fuzz")+"i01")
	case "TxID":
		return g.pick(txid("fuzz"), txid("x")[:63], strings.Repeat("g", 64))
	case "Address":
		return g.pick("0x0000000000000000000000000000000000000000", "0x12", "0xZZ00000000000000000000000000000000000000")
	case "Bytes32":
		return g.pick("0x"+strings.Repeat("ab", 32), "0x"+strings.Repeat("a", 63), "ab")
	case "BigInt":
		return g.pick("0", "115792089237316195423570985008687907853269984665640564039457584007913129639935",
			"115792089237316195423570985008687907853269984665640564039457584007913129639936", "-1", "1e5", "+3")
	case "Time":
		return g.pick("2026-11-01T00:00:00Z", "yesterday", "2026-13-01T00:00:00Z", "0001-01-01T00:00:00Z")
	}
	return g.str()
}

func (g *docGen) pick(options ...string) string {
	if g.intn(5) == 0 {
		return g.str() // anything at all
	}
	return options[g.intn(len(options))]
}

// str is a string from the data: NULs, quotes, backslashes and non-ASCII
// included.
func (g *docGen) str() string {
	var b strings.Builder
	for range g.intn(24) {
		switch c := g.next(); {
		case c%11 == 0:
			b.WriteByte(0)
		case c%13 == 0:
			b.WriteString(`"\`)
		case c%7 == 0:
			b.WriteString("é☃")
		default:
			b.WriteByte('a' + c%26)
		}
	}
	if g.intn(16) == 0 {
		b.WriteString(strings.Repeat("x", 5000))
	}
	return b.String()
}

// literal writes v as a GraphQL literal of type t.
func literal(v any, t *ast.Type, schema *ast.Schema) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case []any:
		var parts []string
		for _, e := range v {
			parts = append(parts, literal(e, t.Elem, schema))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		var parts []string
		def := schema.Types[t.NamedType]
		for k, e := range v {
			var ft *ast.Type
			if def != nil {
				if f := def.Fields.ForName(k); f != nil {
					ft = f.Type
				}
			}
			parts = append(parts, k+": "+literal(e, ft, schema))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case string:
		if t != nil {
			if def := schema.Types[t.NamedType]; def != nil && def.Kind == ast.Enum {
				return v
			}
		}
		b, _ := json.Marshal(v)
		return string(b)
	default:
		b, _ := json.Marshal(v)
		return string(b)
	}
}
