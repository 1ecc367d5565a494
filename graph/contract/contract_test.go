package contract_test

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/herald-indexer/herald/graph/contract"
	"github.com/herald-indexer/herald/graph/generated"
)

var (
	update    = flag.Bool("update", false, "rewrite graph/schema.graphql from the schema files")
	releasing = flag.String("releasing", "", "the version scripts/release.sh is making, which CHANGELOG.md names before the snapshot does")
)

const (
	schemaFile   = "../schema.graphql"
	releasedFile = "released.graphql"
	changelog    = "../../CHANGELOG.md"
)

// graph/schema.graphql is the schema herald serves, so that clients and
// reviewers see every change to it in the diff.
func TestSchemaIsCurrent(t *testing.T) {
	served := contract.SDL(generated.NewExecutableSchema(generated.Config{}).Schema())
	if *update {
		if err := os.WriteFile(schemaFile, served, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	committed, err := os.ReadFile(schemaFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(committed, served) {
		t.Fatalf("graph/schema.graphql is not the schema herald serves: run make generate and commit it")
	}
}

// The schema may change only as docs/api.md's policy allows, against the
// last release's.
func TestNoUnannouncedBreakingChange(t *testing.T) {
	releasedSDL, err := os.ReadFile(releasedFile)
	if err != nil {
		t.Fatal(err)
	}
	version, err := contract.SnapshotVersion(releasedSDL)
	if err != nil {
		t.Fatal(err)
	}
	released, err := contract.Load(releasedFile, releasedSDL)
	if err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(changelog)
	if err != nil {
		t.Fatal(err)
	}
	log, err := contract.ParseChangelog(md)
	if err != nil {
		t.Fatal(err)
	}
	if last, ok := contract.LastRelease(log); !ok || last.Version != version && last.Version != *releasing {
		t.Fatalf("graph/contract/released.graphql is v%s's, but CHANGELOG.md's last release is %q: release with scripts/release.sh", version, last.Version)
	}
	if len(log) == 0 || log[0].Version != "Unreleased" && log[0].Date != "unreleased" {
		t.Errorf("CHANGELOG.md starts with the changes since %s: ## [Unreleased], or ## [x.y.z] - unreleased for the version being prepared", version)
	}
	current := generated.NewExecutableSchema(generated.Config{}).Schema()
	for _, err := range contract.Check(released, version, current, log, time.Now()) {
		t.Error(err)
	}
}

const base = `
type Query {
  nft(id: ID!): NFT!
  nfts(ids: [ID!]!, first: Int = 10): [NFT!]!
  old: Int @deprecated(reason: "use nft; removed after 2026-01-01")
}
type NFT { id: ID! name: String count: Int! kind: Kind! }
enum Kind { A B LEGACY @deprecated(reason: "removed after 2026-01-01") }
input Filter { kind: Kind name: String }
union Thing = NFT | Other
type Other { id: ID! }
type Lone { id: ID! }
`

func mustLoad(t *testing.T, sdl string) *ast.Schema {
	t.Helper()
	s, err := contract.Load("test", []byte(sdl))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Each kind of break is found, and what keeps clients working is not.
func TestBreaking(t *testing.T) {
	cases := []struct {
		name, from, to string
		want           []string // coordinates
	}{
		{"field removed", "name: String", "", []string{"NFT.name"}},
		{"output made nullable", "count: Int!", "count: Int", []string{"NFT.count"}},
		{"output type changed", "name: String", "name: Int", []string{"NFT.name"}},
		{"output made a list", "name: String", "name: [String]", []string{"NFT.name"}},
		{"argument removed", "nft(id: ID!)", "nft", []string{"Query.nft(id:)"}},
		{"argument made required", "first: Int = 10", "first: Int!", []string{"Query.nfts(first:)"}},
		{"required argument added", "nft(id: ID!)", "nft(id: ID!, at: Int!)", []string{"Query.nft(at:)"}},
		{"required list argument added", "ids: [ID!]!", "ids: [ID!]!, more: [ID!]!", []string{"Query.nfts(more:)"}},
		{"list elements made nullable", "nfts(ids: [ID!]!, first: Int = 10): [NFT!]!", "nfts(ids: [ID!]!, first: Int = 10): [NFT]!", []string{"Query.nfts"}},
		{"optional list argument added", "ids: [ID!]!", "ids: [ID!]!, tags: [String]", nil},
		{"enum value removed", "enum Kind { A B", "enum Kind { A", []string{"Kind.B"}},
		{"input field made required", "input Filter { kind: Kind", "input Filter { kind: Kind!", []string{"Filter.kind"}},
		{"required input field added", "name: String }\nunion", "name: String size: Int! }\nunion", []string{"Filter.size"}},
		{"union member removed", "= NFT | Other", "= NFT", []string{"Thing"}},
		{"type removed", "type Lone { id: ID! }", "", []string{"Lone"}},
		{"kind changed", "type Lone { id: ID! }", "input Lone { id: ID! }", []string{"Lone"}},
		{"output made non-null", "name: String", "name: String!", nil},
		{"argument made optional", "nft(id: ID!)", "nft(id: ID)", nil},
		{"optional argument added", "nft(id: ID!)", "nft(id: ID!, at: Int)", nil},
		{"required argument with a default added", "nft(id: ID!)", "nft(id: ID!, at: Int! = 1)", nil},
		{"field added", "name: String", "name: String size: Int", nil},
		{"enum value added", "enum Kind { A B", "enum Kind { A B C", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			changed := strings.Replace(base, c.from, c.to, 1)
			if changed == base {
				t.Fatalf("%q is not in the base schema", c.from)
			}
			var got []string
			for _, ch := range contract.Breaking(mustLoad(t, base), mustLoad(t, changed)) {
				got = append(got, ch.Coordinate)
			}
			slices.Sort(got)
			if !slices.Equal(got, c.want) {
				t.Errorf("breaking changes %v, want %v", got, c.want)
			}
		})
	}
}

// The policy: deprecate with a date, remove after it, announce under a
// new major version.
func TestPolicy(t *testing.T) {
	today := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	released := mustLoad(t, base)
	entry := func(version, text string) []contract.Release {
		return []contract.Release{{Version: "Unreleased"}, {Version: version, Date: "unreleased", Text: text}, {Version: "0.3.1", Date: "2026-06-01"}}
	}
	cases := []struct {
		name, from, to string
		log            []contract.Release
		want           string // a fragment of the one error, or "" for none
	}{
		{"additions", "name: String", "name: String size: Int", nil, ""},
		{"a type change announced under 0.4.0", "count: Int!", "count: Int", entry("0.4.0", "- `NFT.count` may be null"), ""},
		{"a type change announced under a patch", "count: Int!", "count: Int", entry("0.3.2", "- `NFT.count` may be null"), "CHANGELOG.md under a new major version"},
		{"a type change unannounced", "count: Int!", "count: Int", entry("0.4.0", "- NFT.count may be null"), "CHANGELOG.md under a new major version"},
		{"removing what was not deprecated", "name: String", "", entry("1.0.0", "- `NFT.name` removed"), "without being deprecated"},
		{"removing a deprecated field after its date", "  old: Int @deprecated(reason: \"use nft; removed after 2026-01-01\")\n", "", entry("1.0.0", "`Query.old` removed"), ""},
		{"removing a deprecated value after its date", " LEGACY @deprecated(reason: \"removed after 2026-01-01\")", "", entry("1.0.0", "`Kind.LEGACY` removed"), ""},
		{"removing a deprecated field unannounced", "  old: Int @deprecated(reason: \"use nft; removed after 2026-01-01\")\n", "", entry("1.0.0", ""), "CHANGELOG.md"},
		{"a deprecation without a date", "name: String", "name: String @deprecated(reason: \"use id\")", nil, "removed after YYYY-MM-DD"},
		{"a deprecation too short", "name: String", "name: String @deprecated(reason: \"use id; removed after 2027-01-01\")", nil, "less than the 90 days"},
		{"a deprecation long enough", "name: String", "name: String @deprecated(reason: \"use id; removed after 2027-03-02\")", nil, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			current := mustLoad(t, strings.Replace(base, c.from, c.to, 1))
			errs := contract.Check(released, "0.3.1", current, c.log, today)
			switch {
			case c.want == "" && len(errs) > 0:
				t.Errorf("errors %v, want none", errs)
			case c.want != "" && (len(errs) != 1 || !strings.Contains(errs[0].Error(), c.want)):
				t.Errorf("errors %v, want one with %q", errs, c.want)
			}
		})
	}
	// A deprecated field removed before its date is refused, announced
	// or not.
	early := time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)
	current := mustLoad(t, strings.Replace(base, "  old: Int @deprecated(reason: \"use nft; removed after 2026-01-01\")\n", "", 1))
	if errs := contract.Check(released, "0.3.1", current, entry("1.0.0", "`Query.old` removed"), early); len(errs) != 1 || !strings.Contains(errs[0].Error(), "before its deprecation's date") {
		t.Errorf("early removal: %v", errs)
	}
}

func TestParseChangelog(t *testing.T) {
	log, err := contract.ParseChangelog([]byte("# Changelog\n\n## [Unreleased]\n### Added\n- x\n\n## [2.0.0] - unreleased\n- `A.b` removed\n\n## [1.0.0] - 2026-11-01\n- first\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 3 || log[1].Version != "2.0.0" || !strings.Contains(log[1].Text, "`A.b`") {
		t.Fatalf("parsed %+v", log)
	}
	if last, _ := contract.LastRelease(log); last.Version != "1.0.0" {
		t.Errorf("last release %q, want 1.0.0", last.Version)
	}
	for _, bad := range []string{"## Unreleased\n", "## [1.0.0]\n", "## [v1.0.0] - 2026-11-01\n", "## [1.0] - 2026-11-01\n"} {
		if _, err := contract.ParseChangelog([]byte("# Changelog\n\n" + bad)); err == nil || !strings.Contains(err.Error(), "CHANGELOG.md:3") {
			t.Errorf("%q: err %v, want one naming line 3", bad, err)
		}
	}
}

// scripts/release.sh, in a clone: it refuses a version CHANGELOG.md does
// not name, and otherwise moves the snapshot, commits and tags.
func TestReleaseScript(t *testing.T) {
	root, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		t.Skipf("not a git checkout: %v", err)
	}
	clone := filepath.Join(t.TempDir(), "herald")
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = clone
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	if out, err := exec.Command("git", "clone", "-q", "--no-tags", strings.TrimSpace(string(root)), clone).CombinedOutput(); err != nil {
		t.Fatalf("clone: %v\n%s", err, out)
	}
	release := func(version string) ([]byte, error) {
		cmd := exec.Command("./scripts/release.sh", version)
		cmd.Dir = clone
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
		return cmd.CombinedOutput()
	}
	if out, err := release("9.0.0"); err == nil || !strings.Contains(string(out), "no '## [9.0.0]") {
		t.Fatalf("a version CHANGELOG.md does not name: %v\n%s", err, out)
	}
	path := filepath.Join(clone, "CHANGELOG.md")
	md, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// The changes being prepared become 9.0.0, under a fresh [Unreleased].
	first := regexp.MustCompile(`(?m)^## \[.*$`).FindIndex(md)
	if first == nil {
		t.Fatal("CHANGELOG.md has no release heading")
	}
	md = slices.Concat(md[:first[0]], []byte("## [Unreleased]\n\n## [9.0.0] - 2026-12-01"), md[first[1]:])
	if err := os.WriteFile(path, md, 0o644); err != nil {
		t.Fatal(err)
	}
	git("commit", "-qam", "changelog: 9.0.0")
	if out, err := release("9.0.0"); err != nil {
		t.Fatalf("release: %v\n%s", err, out)
	}
	if tags := git("tag", "--list", "v9.0.0"); strings.TrimSpace(tags) != "v9.0.0" {
		t.Fatalf("tags after the release: %q", tags)
	}
	snapshot, err := os.ReadFile(filepath.Join(clone, "graph/contract/released.graphql"))
	if err != nil {
		t.Fatal(err)
	}
	if v, err := contract.SnapshotVersion(snapshot); err != nil || v != "9.0.0" {
		t.Fatalf("the snapshot is %q's (%v)", v, err)
	}
	if status := git("status", "--porcelain"); status != "" {
		t.Errorf("the release left changes behind:\n%s", status)
	}
}
