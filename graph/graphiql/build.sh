#!/usr/bin/env bash
# Rebuilds graph/graphiql/assets/vendor/ from the npm registry. The output is
# checked in: neither the Go build nor CI runs npm, so herald serves GraphiQL
# with no network access. Run it only to change the pinned versions below.
#
# GraphiQL 3.x is the last line that ships a prebuilt UMD bundle (React and
# ReactDOM stay external; graphql-js, @graphiql/toolkit and graphql-ws are
# inside it), so no bundler is needed. GraphiQL 4+ is ESM-only.
set -euo pipefail

GRAPHIQL_VERSION=3.9.0
REACT_VERSION=18.3.1

here="$(cd "$(dirname "$0")" && pwd)"
out="$here/assets/vendor"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

cd "$tmp"
npm pack --silent "graphiql@$GRAPHIQL_VERSION" "react@$REACT_VERSION" "react-dom@$REACT_VERSION" >/dev/null
for pkg in graphiql react react-dom; do
	mkdir "$pkg"
	tar -xzf "$pkg"-[0-9]*.tgz -C "$pkg" --strip-components=1
done

rm -rf "$out"
mkdir -p "$out"

# The source maps are 4 MB and not shipped; drop the comments pointing at them
# so browser devtools don't request files that 404.
strip_map() { sed -e '/^\/\/# sourceMappingURL=/d' -e 's#/\*\# sourceMappingURL=[^*]*\*/##' "$1" >"$2"; }
strip_map graphiql/graphiql.min.js "$out/graphiql.min.js"
strip_map graphiql/graphiql.min.css "$out/graphiql.min.css"
strip_map react/umd/react.production.min.js "$out/react.production.min.js"
strip_map react-dom/umd/react-dom.production.min.js "$out/react-dom.production.min.js"

cp graphiql/LICENSE "$out/LICENSE.graphiql.txt"
cp react/LICENSE "$out/LICENSE.react.txt"
cp react-dom/LICENSE "$out/LICENSE.react-dom.txt"

# The GraphiQL bundle inlines its dependency tree. Collect those licenses from
# the tree npm resolves for the pinned version (types-only packages are not in
# the bundle).
mkdir tree
(
	cd tree
	echo '{"private":true}' >package.json
	npm install --silent --ignore-scripts --no-audit --no-fund \
		"graphiql@$GRAPHIQL_VERSION" "react@$REACT_VERSION" "react-dom@$REACT_VERSION" >/dev/null
	node - >"$out/THIRD_PARTY_LICENSES.txt" <<'JS'
const fs = require('fs');
const path = require('path');
const dirs = [];
for (const name of fs.readdirSync('node_modules')) {
	if (name.startsWith('.') || name === '@types') continue;
	if (name.startsWith('@')) {
		for (const sub of fs.readdirSync(path.join('node_modules', name))) dirs.push(path.join('node_modules', name, sub));
	} else {
		dirs.push(path.join('node_modules', name));
	}
}
dirs.sort();
console.log('Licenses of the packages bundled into graphiql.min.js (and of React),');
console.log('from the dependency tree npm resolved for the pinned versions.\n');
for (const dir of dirs) {
	const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
	const file = fs.readdirSync(dir).find((f) => /^(licen[cs]e|copying)/i.test(f));
	console.log('='.repeat(78));
	console.log(`${pkg.name}@${pkg.version} (${pkg.license || 'see package'})`);
	console.log('='.repeat(78));
	console.log(file ? fs.readFileSync(path.join(dir, file), 'utf8').trim() : `License: ${pkg.license} (no license file in the package)`);
	console.log();
}
JS
)

cat >"$out/VERSIONS.txt" <<VERSIONS
graphiql@$GRAPHIQL_VERSION (graphiql.min.js, graphiql.min.css)
react@$REACT_VERSION (umd/react.production.min.js)
react-dom@$REACT_VERSION (umd/react-dom.production.min.js)
VERSIONS

# Precompressed copies, served to clients that accept gzip. -n keeps the
# output byte-identical across rebuilds.
for f in "$out"/*.js "$out"/*.css; do
	gzip -9 -n -k "$f"
done

du -cb "$out"/* | tail -n 1
