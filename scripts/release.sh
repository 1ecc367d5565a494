#!/usr/bin/env bash
# Release herald VERSION (x.y.z): CHANGELOG.md must already have its section
# (## [x.y.z] - YYYY-MM-DD, below a fresh ## [Unreleased]), and make test
# must pass. Writes the schema snapshot that graph/contract checks the next
# changes against, commits it and tags vx.y.z. Pushing is left to you.
set -euo pipefail
cd "$(dirname "$0")/.."

version=${1:?usage: scripts/release.sh x.y.z}
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "release: $version is not x.y.z" >&2; exit 1; }
[[ -z $(git status --porcelain) ]] || { echo "release: the work tree has uncommitted changes" >&2; exit 1; }
git rev-parse -q --verify "refs/tags/v$version" >/dev/null && { echo "release: v$version is already tagged" >&2; exit 1; }
grep -Eq "^## \[$version\] - [0-9]{4}-[0-9]{2}-[0-9]{2}$" CHANGELOG.md ||
	{ echo "release: CHANGELOG.md has no '## [$version] - YYYY-MM-DD' section" >&2; exit 1; }

# The checks run against the previous release, before the snapshot moves.
go test ./graph/contract -count=1 -run "TestSchemaIsCurrent|TestNoUnannouncedBreakingChange" -releasing "$version"
{
	echo "# herald v$version — the schema of the last release, which graph/contract checks changes against (scripts/release.sh writes it)."
	tail -n +3 graph/schema.graphql
} > graph/contract/released.graphql
go test ./graph/contract -count=1 -run "TestSchemaIsCurrent|TestNoUnannouncedBreakingChange"
git add graph/contract/released.graphql
git commit -m "release v$version"
git tag -a "v$version" -m "herald $version"
echo "tagged v$version; push it with: git push origin main v$version"
