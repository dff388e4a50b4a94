#!/usr/bin/env bash
# make bench: measures pcrm against baselines run in the same invocation, and appends the
# numbers to bench/RESULTS.md. Ratios, not absolute times, are what to compare.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh --bench
# BENCH_PEOPLE (default 560000, about a million source records) sizes the import run.

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

# Customer import: generated residents (about 1.8 records each), cleansed, matched and
# written, against sqlite3 .import of the same CSV into a bare table.
PEOPLE=${BENCH_PEOPLE:-560000}
./build/pcrm init --data "$work/cust" --demo >/dev/null 2>&1
./build/pcrm gen residents --data "$work/cust" --people "$PEOPLE" --seed 11 >/dev/null
csv="$work/cust/generated/residents.csv"
records=$(($(wc -l <"$csv") - 1))
t0=$(date +%s.%N)
sqlite3 "$work/bare.db" -cmd ".mode csv" ".import $csv raw"
t1=$(date +%s.%N)
./build/pcrm import records --data "$work/cust" --source gen "$csv" >"$work/import.out"
t2=$(date +%s.%N)
sqlite_rate=$(awk -v n="$records" -v a="$t0" -v b="$t1" 'BEGIN { printf "%d", n / (b - a) }')
pcrm_rate=$(awk -v n="$records" -v a="$t1" -v b="$t2" 'BEGIN { printf "%d", n / (b - a) }')
./build/pcrm export records --data "$work/cust" --source gen >"$work/export.csv"
quality=$(python3 - "$work/export.csv" "$work/cust/generated/residents.truth.csv" <<'PY'
import collections, csv, sys
got = {r["source_id"]: r["customer_id"] for r in csv.DictReader(open(sys.argv[1]))}
truth = {r["source_id"]: r["person_id"] for r in csv.DictReader(open(sys.argv[2]))}
pairs = lambda c: sum(n * (n - 1) // 2 for n in c.values())
tp = pairs(collections.Counter((got[s], truth[s]) for s in truth))
pp = pairs(collections.Counter(got[s] for s in truth))
tt = pairs(collections.Counter(truth.values()))
print("%.4f %.4f" % (tp / pp, tp / tt))
PY
)
read -r precision recall <<<"$quality"
read -r _ phone_med _ phone_p99 _ name_med _ name_p99 < <(./build/bench/bench_search "$work/cust" "$csv" 5000)

# Routing accuracy on a held-out fifth of the shipped examples (bench/route_eval.sh).
route_json=$(PCRM=./build/pcrm ./bench/route_eval.sh 2>/dev/null || echo '{}')

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
| sqlite3 .import of $records generated records (baseline) | $sqlite_rate rows | 1.00 |
| pcrm import records (cleanse + match + write) | $pcrm_rate rows | $(ratio "$pcrm_rate" "$sqlite_rate") |

Matching on $PEOPLE generated residents ($records records): pairwise precision $precision,
recall $recall. Customer search over them (5,000 queries each, µs): by mobile median
$phone_med, p99 $phone_p99; by name or name prefix median $name_med, p99 $name_p99.
Complaint routing on a held-out fifth of data/routing-examples.csv: $route_json
REPORT
)
echo "$report"
[ -f bench/RESULTS.md ] || printf '# Benchmark results\n\nAppended by `make bench` (bench/run.sh). Each section is one run; compare ratios.\n' >bench/RESULTS.md
echo "$report" >>bench/RESULTS.md
