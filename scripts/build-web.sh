#!/usr/bin/env bash
# Builds the web UI (web/src, Preact + htm, bundled by esbuild) into web/dist, the folder
# `pcrm serve` serves. Installs the npm packages first (npm ci, from web/package-lock.json)
# when web/node_modules is missing or older than the lock file.
set -euo pipefail
cd "$(dirname "$0")/../web"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	echo "build-web: node and npm are needed to build the web UI (Debian: apt-get install nodejs npm)" >&2
	exit 1
fi

stamp=node_modules/.package-lock.json
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
	echo "build-web: installing npm packages (npm ci)"
	npm ci --no-audit --no-fund --loglevel=error
fi

node build.mjs
