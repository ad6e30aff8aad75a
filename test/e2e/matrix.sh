#!/usr/bin/env bash
# The end-to-end suite over a matrix of n8n versions: the full suite on the
# pinned version, the scenarios that differ between n8n lines ("[lines]") on the
# others. Each version is installed once and cached (install-n8n.sh).
#   HAILUO_MATRIX_PINNED    full-suite version (default 2.40.7)
#   HAILUO_MATRIX_OTHERS    space-separated versions for the subset
#                           (default: the newest 1.123.x and the newest 2.x that install)
# Prints the wall time of each install and each run; exits non-zero if any run failed.
set -uo pipefail
cd "$(dirname "$0")/../.."

PINNED="${HAILUO_MATRIX_PINNED:-2.40.7}"
OTHERS="${HAILUO_MATRIX_OTHERS:-1.123.81 2.41.1}"
CACHE_ROOT="${HAILUO_E2E_CACHE:-$HOME/.cache/n8n-nodes-hailuo}"

npm run build --silent || exit 1

summary=()
failed=0
run() {
	local version="$1" subset="$2" install_state install_s run_s status started
	if [ -f "$CACHE_ROOT/n8n-$version/.complete" ]; then install_state=cached; else install_state=cold; fi
	started=$(date +%s)
	if ! N8N_VERSION="$version" bash test/e2e/install-n8n.sh > /dev/null; then
		summary+=("$(printf '%-10s %-6s install FAILED after %ss' "$version" "$subset" "$(( $(date +%s) - started ))")")
		failed=1
		return
	fi
	install_s=$(( $(date +%s) - started ))
	started=$(date +%s)
	echo "=== n8n $version: ${subset} suite" >&2
	if N8N_VERSION="$version" HAILUO_E2E_SUBSET="$([ "$subset" = lines ] && echo lines)" \
		npx jest -c jest.e2e.config.js; then status=passed; else status=FAILED; failed=1; fi
	run_s=$(( $(date +%s) - started ))
	summary+=("$(printf '%-10s %-6s install %4ss (%s)  suite %4ss  %s' "$version" "$subset" "$install_s" "$install_state" "$run_s" "$status")")
}

total_started=$(date +%s)
run "$PINNED" full
for version in $OTHERS; do run "$version" lines; done

echo
echo "n8n version matrix (wall time)"
printf '%s\n' "${summary[@]}"
echo "total $(( $(date +%s) - total_started ))s"
exit "$failed"
