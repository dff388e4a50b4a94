#!/usr/bin/env bash
# make bench: measures pcrm against baselines run in the same invocation, and appends the
# numbers to bench/RESULTS.md. Ratios, not absolute times, are what to compare.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh --bench

DUR=${BENCH_SECONDS:-5}
CONNS=${BENCH_CONNECTIONS:-32}
work=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rps() { wrk -t2 -c"$CONNS" -d"${DUR}s" "$@" | awk '/Requests\/sec/ {print int($2)}'; }

# pcrm with the demo city and an API key.
./build/pcrm init --data "$work/data" --demo >/dev/null 2>&1
key=$(./build/pcrm apikey add --data "$work/data" --tenant busan --role admin --name bench 2>/dev/null)
pport=$(free_port)
PCRM_LOG_LEVEL=warn ./build/pcrm serve --data "$work/data" --listen "127.0.0.1:$pport" \
	--web web/dist >"$work/pcrm.out" 2>&1 &
pids+=($!)

# nginx serving the same web/dist, as the static-file baseline.
nport=$(free_port)
mkdir -p "$work/nginx"
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 2;
error_log $work/nginx/error.log;
pid $work/nginx/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  server { listen 127.0.0.1:$nport; root $PWD/web/dist; }
}
CONF
nginx -c "$work/nginx/nginx.conf" -g 'daemon off;' &
pids+=($!)
sleep 1

nginx_static=$(rps "http://127.0.0.1:$nport/index.html")
pcrm_static=$(rps "http://127.0.0.1:$pport/index.html")
pcrm_health=$(rps "http://127.0.0.1:$pport/api/v1/health")
pcrm_depts=$(rps -H "Authorization: Bearer $key" "http://127.0.0.1:$pport/api/v1/departments")

mkdir -p "$work/audit"
./build/bench/bench_audit "$work/audit" 3000 >"$work/audit.out" 2>/dev/null
read -r _ audit_rate _ plain_rate <"$work/audit.out"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
report=$(cat <<REPORT

## $(date -u +%Y-%m-%dT%H:%MZ) — \`make bench\` (wrk -t2 -c$CONNS -d${DUR}s; $(nproc) cores)
| measure | per second | ratio to baseline |
|---|---|---|
| nginx: GET /index.html (baseline) | $nginx_static | 1.00 |
| pcrm: GET /index.html | $pcrm_static | $(ratio "$pcrm_static" "$nginx_static") |
| pcrm: GET /api/v1/health (DB query) | $pcrm_health | $(ratio "$pcrm_health" "$nginx_static") |
| pcrm: GET /api/v1/departments (API key, 20 rows) | $pcrm_depts | $(ratio "$pcrm_depts" "$nginx_static") |
| sqlite: plain durable insert (baseline) | $plain_rate | 1.00 |
| pcrm: audited append (hash chain + head) | $audit_rate | $(ratio "$audit_rate" "$plain_rate") |
REPORT
)
echo "$report"
[ -f bench/RESULTS.md ] || printf '# Benchmark results\n\nAppended by `make bench` (bench/run.sh). Each section is one run; compare ratios.\n' >bench/RESULTS.md
echo "$report" >>bench/RESULTS.md
