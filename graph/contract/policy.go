package contract

import (
	"bufio"
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
	"golang.org/x/mod/semver"
)

// MinimumDeprecation is how long a deprecated field, argument or enum
// value stays before it may be removed (docs/api.md).
const MinimumDeprecation = 90 * 24 * time.Hour

// Release is one version's section of CHANGELOG.md (Keep a Changelog).
type Release struct {
	// Version is "Unreleased" or a semantic version without its v.
	Version string
	// Date is the release's date, or "unreleased" for a version that is
	// being prepared.
	Date string
	Text string
}

var releaseHeading = regexp.MustCompile(`^## \[(Unreleased|\d+\.\d+\.\d+)\](?: - (\d{4}-\d{2}-\d{2}|unreleased))?\s*$`)

// ParseChangelog reads CHANGELOG.md's sections; a heading that is not
// Keep a Changelog's is an error naming its line.
func ParseChangelog(md []byte) ([]Release, error) {
	var out []Release
	sc := bufio.NewScanner(bytes.NewReader(md))
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if !strings.HasPrefix(text, "## ") {
			if len(out) > 0 {
				out[len(out)-1].Text += text + "\n"
			}
			continue
		}
		m := releaseHeading.FindStringSubmatch(text)
		if m == nil {
			return nil, fmt.Errorf("CHANGELOG.md:%d: %q is not a release heading (## [Unreleased], ## [1.2.3] - 2026-12-01 or ## [2.0.0] - unreleased)", line, text)
		}
		if m[1] != "Unreleased" && m[2] == "" {
			return nil, fmt.Errorf("CHANGELOG.md:%d: release %s has no date", line, m[1])
		}
		out = append(out, Release{Version: m[1], Date: m[2], Text: ""})
	}
	return out, sc.Err()
}

// LastRelease is the newest version with a date.
func LastRelease(log []Release) (Release, bool) {
	for _, r := range log {
		if r.Version != "Unreleased" && r.Date != "unreleased" {
			return r, true
		}
	}
	return Release{}, false
}

// breakingStep reports whether version v may break clients of released:
// a new major version, or below 1.0.0 a new minor one, as Go modules and
// Cargo treat 0.x versions.
func breakingStep(released, v string) bool {
	released, v = "v"+released, "v"+v
	if semver.Compare(v, released) <= 0 {
		return false
	}
	if semver.Major(released) == "v0" {
		return semver.MajorMinor(v) != semver.MajorMinor(released)
	}
	return semver.Major(v) != semver.Major(released)
}

// Deprecation is a deprecated part of a schema and its earliest removal.
type Deprecation struct {
	Coordinate string
	Reason     string
	// RemovableAfter is the date the reason gives; zero if it gives none.
	RemovableAfter time.Time
}

var removableAfter = regexp.MustCompile(`removed after (\d{4}-\d{2}-\d{2})`)

// Deprecations lists what schema deprecates, by coordinate.
func Deprecations(schema *ast.Schema) map[string]Deprecation {
	out := map[string]Deprecation{}
	note := func(coord string, dirs ast.DirectiveList) {
		d := dirs.ForName("deprecated")
		if d == nil {
			return
		}
		dep := Deprecation{Coordinate: coord}
		if arg := d.Arguments.ForName("reason"); arg != nil && arg.Value != nil {
			dep.Reason = arg.Value.Raw
		}
		if m := removableAfter.FindStringSubmatch(dep.Reason); m != nil {
			dep.RemovableAfter, _ = time.Parse(time.DateOnly, m[1])
		}
		out[coord] = dep
	}
	for _, name := range sortedKeys(schema.Types) {
		def := schema.Types[name]
		if def.BuiltIn {
			continue
		}
		for _, f := range def.Fields {
			note(name+"."+f.Name, f.Directives)
			for _, a := range f.Arguments {
				note(name+"."+f.Name+"("+a.Name+":)", a.Directives)
			}
		}
		for _, v := range def.EnumValues {
			note(name+"."+v.Name, v.Directives)
		}
	}
	return out
}

// Check applies herald's API policy (docs/api.md) to the change from the
// released schema to the current one:
//   - every deprecation says when it may be removed, at least
//     MinimumDeprecation after today for a new one;
//   - a removal removes what the released schema deprecated, once its
//     date has passed;
//   - every breaking change is named, as `Coordinate`, in CHANGELOG.md
//     under a version that may break clients of the released one.
func Check(released *ast.Schema, releasedVersion string, current *ast.Schema, changelog []Release, today time.Time) []error {
	var errs []error
	old, now := Deprecations(released), Deprecations(current)
	for _, coord := range sortedKeys(now) {
		d := now[coord]
		switch _, before := old[coord]; {
		case d.RemovableAfter.IsZero():
			errs = append(errs, fmt.Errorf("%s: a deprecation's reason says what replaces it and when it goes, as \"removed after YYYY-MM-DD\" (got %q)", coord, d.Reason))
		case !before && d.RemovableAfter.Before(today.Add(MinimumDeprecation)):
			errs = append(errs, fmt.Errorf("%s: deprecated today, removable after %s: less than the %d days the policy gives clients", coord, d.RemovableAfter.Format(time.DateOnly), int(MinimumDeprecation.Hours()/24)))
		}
	}
	for _, c := range Breaking(released, current) {
		if isRemoval(c) {
			d, deprecated := old[c.Coordinate]
			switch {
			case !deprecated:
				errs = append(errs, fmt.Errorf("%s: removed without being deprecated in %s first", c, releasedVersion))
				continue
			case today.Before(d.RemovableAfter):
				errs = append(errs, fmt.Errorf("%s: removed before its deprecation's date, %s", c, d.RemovableAfter.Format(time.DateOnly)))
				continue
			}
		}
		if !announced(c, releasedVersion, changelog) {
			errs = append(errs, fmt.Errorf("%s: a breaking change; name `%s` in CHANGELOG.md under a new major version (after %s)", c, c.Coordinate, releasedVersion))
		}
	}
	return errs
}

func isRemoval(c Change) bool {
	return strings.HasSuffix(c.Message, " removed") && c.Message != "type removed"
}

func announced(c Change, releasedVersion string, changelog []Release) bool {
	for _, r := range changelog {
		if r.Version != "Unreleased" && breakingStep(releasedVersion, r.Version) && strings.Contains(r.Text, "`"+c.Coordinate+"`") {
			return true
		}
	}
	return false
}

// SnapshotVersion reads the version a released snapshot's first line
// names ("# herald v0.1.0 …").
func SnapshotVersion(sdl []byte) (string, error) {
	first, _, _ := bytes.Cut(sdl, []byte("\n"))
	f := strings.Fields(string(first))
	if len(f) < 3 || f[0] != "#" || f[1] != "herald" || !semver.IsValid(f[2]) {
		return "", fmt.Errorf("the released schema's first line is %q, want \"# herald vX.Y.Z …\"", first)
	}
	return strings.TrimPrefix(f[2], "v"), nil
}
