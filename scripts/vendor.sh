#!/usr/bin/env bash
# Rebuild the committed front-end bundles from the npm registry (pinned in
# scripts/vendor/package.json). Only needed when upgrading them: the app needs no Node at
# run time, and the outputs are committed.
#   static/vendor/code-editor.js   CodeMirror 6 (PostgreSQL + DBML), window.ErdCodeEditor
#   tests/e2e/vendor/axe.min.js    axe-core, injected by the browser tests
#   static/vendor/fonts/arimo-*    Arimo (Latin, 400 and 700; SIL OFL): the canvas's font, with
#                                  Arial's widths, which Graphviz measures without Pango
set -euo pipefail
cd "$(dirname "$0")/.."
command -v npm >/dev/null || { echo "ERROR: npm is needed to rebuild the bundles" >&2; exit 1; }

build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT
cp scripts/vendor/package.json scripts/vendor/code-editor.mjs "$build"/
(cd "$build" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
"$build"/node_modules/.bin/esbuild "$build"/code-editor.mjs --bundle --minify \
  --format=iife --target=es2020 --legal-comments=none \
  --outfile=static/vendor/code-editor.js
mkdir -p tests/e2e/vendor
cp "$build"/node_modules/axe-core/axe.min.js tests/e2e/vendor/axe.min.js
mkdir -p static/vendor/fonts
for weight in 400 700; do
  cp "$build/node_modules/@fontsource/arimo/files/arimo-latin-$weight-normal.woff2" static/vendor/fonts/
done
cp "$build"/node_modules/@fontsource/arimo/LICENSE static/vendor/fonts/ARIMO-LICENSE.txt
echo "==> static/vendor/code-editor.js $(wc -c <static/vendor/code-editor.js) bytes"
echo "==> tests/e2e/vendor/axe.min.js $(wc -c <tests/e2e/vendor/axe.min.js) bytes"
