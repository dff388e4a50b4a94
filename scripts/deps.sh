#!/usr/bin/env bash
# Installs the Debian packages pcrm needs to build, run and test, and only those that are
# missing. Idempotent and quiet when everything is there already. Needs root (or sudo)
# only when something is missing.
set -euo pipefail

debs=(
	build-essential cmake pkg-config
	libmicrohttpd-dev libjansson-dev libsqlite3-dev libsodium-dev libcurl4-openssl-dev
	libcmocka-dev
	sqlite3 curl python3
	python3-aiosmtpd chromium fonts-nanum
)

# `deps.sh --bench` adds what the benchmarks compare against and load with.
if [ "${1:-}" = "--bench" ]; then
	debs+=(wrk nginx-light)
fi

missing=()
for p in "${debs[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done

if [ ${#missing[@]} -gt 0 ]; then
	echo "deps: installing ${missing[*]}"
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -qq
	$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The web UI's npm packages (esbuild, Preact, Chart.js, playwright-core for the browser
# tests), from web/package-lock.json, when they are missing or the lock file changed.
web_dir="$(cd "$(dirname "$0")/../web" && pwd)"
if [ -f "$web_dir/package-lock.json" ] && { [ ! -f "$web_dir/node_modules/.package-lock.json" ] ||
	[ "$web_dir/package-lock.json" -nt "$web_dir/node_modules/.package-lock.json" ]; }; then
	echo "deps: installing the web UI's npm packages (npm ci)"
	(cd "$web_dir" && npm ci --no-audit --no-fund --loglevel=error)
fi
