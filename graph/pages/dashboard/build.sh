#!/usr/bin/env bash
# Rebuilds assets/vendor/ from the npm registry. The output is checked in:
# neither the Go build nor CI runs npm, so the dashboard loads nothing from
# any other origin. Run it only to change the pinned version below.
#
# uPlot ships a prebuilt browser bundle (dist/uPlot.iife.min.js, the global
# uPlot) and its stylesheet; it has no dependencies, so no bundler is needed.
set -euo pipefail

UPLOT_VERSION=1.6.32

here="$(cd "$(dirname "$0")" && pwd)"
out="$here/assets/vendor"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

cd "$tmp"
npm pack --silent "uplot@$UPLOT_VERSION" >/dev/null
mkdir uplot
tar -xzf uplot-[0-9]*.tgz -C uplot --strip-components=1

rm -rf "$out"
mkdir -p "$out"
# No source maps are shipped; drop comments pointing at them.
strip_map() { sed -e '/^\/\/# sourceMappingURL=/d' -e 's#/\*\# sourceMappingURL=[^*]*\*/##' "$1" >"$2"; }
strip_map uplot/dist/uPlot.iife.min.js "$out/uPlot.iife.min.js"
strip_map uplot/dist/uPlot.min.css "$out/uPlot.min.css"
cp uplot/LICENSE "$out/LICENSE.uplot.txt"
echo "uplot@$UPLOT_VERSION (dist/uPlot.iife.min.js, dist/uPlot.min.css)" >"$out/VERSIONS.txt"
du -cb "$out"/* | tail -n 1
