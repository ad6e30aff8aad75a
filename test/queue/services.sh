#!/usr/bin/env bash
# PostgreSQL 15 and Redis from Debian's packages, for the queue-mode suite.
# Installs only what is missing; the suite starts its own instances on
# loopback ports with temporary data dirs and never uses the system services.
set -euo pipefail
missing=()
[ -x /usr/lib/postgresql/15/bin/initdb ] || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO="sudo"
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq
	$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
/usr/lib/postgresql/15/bin/initdb --version
redis-server --version
