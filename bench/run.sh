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

# Complaint intake and tracking (issue 4, "Speed"): pcrm serving the customer database just
# imported ($PEOPLE generated residents), with a trained router and no public rate limit,
# against nginx's static file, interleaved over BENCH_ROUNDS rounds of wrk --latency at
# BENCH_INTAKE_CONNECTIONS connections. Each intake is a new complaint (match the resident,
# classify, deadline, complaint + event + outbox row in one durable transaction).
ROUNDS=${BENCH_ROUNDS:-3}
ICONNS=${BENCH_INTAKE_CONNECTIONS:-64}
./build/pcrm route train --data "$work/cust" >/dev/null
python3 - "$csv" >"$work/residents.tsv" <<'PY'
import csv, sys
for r in csv.DictReader(open(sys.argv[1], encoding="utf-8")):
    m = "".join(c for c in r["mobile"] if c.isdigit())
    if r["name"] and len(m) == 11 and m.startswith("01"):
        print("%s\t%s-%s-%s" % (r["name"], m[:3], m[3:7], m[7:]))
PY
# Public intake is group-committed (src/store/sqlite.c): a batch holds as many intakes as
# HTTP threads are waiting on the writer, and a worker blocks for its request's commit, so
# the default of one thread per core would make batches of two. BENCH_PCRM_THREADS sets
# PCRM_THREADS for this server (64, one per wrk connection).
PTHREADS=${BENCH_PCRM_THREADS:-64}
iport=$(free_port)
PCRM_THREADS=$PTHREADS PCRM_PUBLIC_RATE_LIMIT=0 PCRM_LOG_LEVEL=warn ./build/pcrm serve \
	--data "$work/cust" --listen "127.0.0.1:$iport" >"$work/intake.out" 2>&1 &
pids+=($!)
sleep 1
# Receipts and PINs for the tracking lookups, filed through the API.
python3 - "$iport" "$work/residents.tsv" >"$work/receipts.tsv" <<'PY'
import http.client, json, random, sys
port, residents = int(sys.argv[1]), [l.rstrip("\n").split("\t") for l in open(sys.argv[2])]
random.seed(7)
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
for i in range(500):
    name, mobile = random.choice(residents)
    body = {"tenant": "busan", "title": "도로 파손 신고 %d" % i,
            "body": "해운대구 우동 %d번지 앞 차로에 포트홀이 생겼습니다. 보수 부탁드립니다." % i,
            "resident": {"name": name, "mobile": mobile}}
    conn.request("POST", "/api/v1/public/complaints", json.dumps(body, ensure_ascii=False).encode(),
                 {"Content-Type": "application/json"})
    r = conn.getresponse()
    got = json.loads(r.read())
    if r.status != 201:
        sys.exit("intake for the tracking set: %d %s" % (r.status, got))
    print("%s\t%s" % (got["receipt_no"], got["pin"]))
PY
# One wrk run: "requests/s p50_ms p99_ms non2xx".
wrk_lat() {
	wrk -t2 -c"$ICONNS" -d"${DUR}s" --latency "$@" | awk '
		function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0;
		                 if (v ~ /s$/) return v * 1000; return v }
		/^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) }
		/Requests\/sec/ { rps = int($2) } /Non-2xx/ { bad = $NF }
		END { printf "%d %.2f %.2f %d\n", rps, p50, p99, bad }'
}
: >"$work/rounds"
for round in $(seq "$ROUNDS"); do
	echo "nginx $(wrk_lat "http://127.0.0.1:$nport/index.html")" >>"$work/rounds"
	echo "intake $(BENCH_RESIDENTS="$work/residents.tsv" wrk_lat -s bench/intake.lua \
		"http://127.0.0.1:$iport")" >>"$work/rounds"
	echo "track $(BENCH_RECEIPTS="$work/receipts.tsv" wrk_lat -s bench/track.lua \
		"http://127.0.0.1:$iport")" >>"$work/rounds"
done
# Per measure: the median round's rate, the median p50 and p99, and every round's rate.
summary() {
	awk -v m="$1" '$1 == m { r[++n] = $2; a[n] = $3; b[n] = $4; bad += $5; all = all (n > 1 ? ", " : "") $2 }
		function med(x, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
			if (x[j] < x[i]) { t = x[i]; x[i] = x[j]; x[j] = t } return x[int((n + 1) / 2)] }
		END { printf "%d %.2f %.2f %d %s\n", med(r, n), med(a, n), med(b, n), bad, all }' "$work/rounds"
}
read -r ng_rps ng_p50 ng_p99 ng_bad ng_all < <(summary nginx)
read -r in_rps in_p50 in_p99 in_bad in_all < <(summary intake)
read -r tr_rps tr_p50 tr_p99 tr_bad tr_all < <(summary track)
filed=$(sqlite3 "$work/cust/pcrm.db" "SELECT count(*) FROM complaints")

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

Complaint intake and tracking (wrk -t2 -c$ICONNS -d${DUR}s --latency, $ROUNDS interleaved
rounds, median round shown; pcrm on the $PEOPLE-resident database above, router trained,
synchronous=FULL, PCRM_PUBLIC_RATE_LIMIT=0, PCRM_THREADS=$PTHREADS; every intake a new complaint):
| measure | req/s | p50 ms | p99 ms | ratio to nginx | non-2xx | req/s per round |
|---|---|---|---|---|---|---|
| nginx: GET /index.html (baseline) | $ng_rps | $ng_p50 | $ng_p99 | 1.00 | $ng_bad | $ng_all |
| pcrm: POST /api/v1/public/complaints (intake) | $in_rps | $in_p50 | $in_p99 | $(ratio "$in_rps" "$ng_rps") | $in_bad | $in_all |
| pcrm: GET /api/v1/public/complaints/{receipt} (tracking) | $tr_rps | $tr_p50 | $tr_p99 | $(ratio "$tr_rps" "$ng_rps") | $tr_bad | $tr_all |

Targets (issue 4): intake ≥ 0.25 of nginx with p99 ≤ 20 ms; tracking ≥ 0.50 of nginx.
Complaints on file after the run: $filed.
REPORT
)
echo "$report"
[ -f bench/RESULTS.md ] || printf '# Benchmark results\n\nAppended by `make bench` (bench/run.sh). Each section is one run; compare ratios.\n' >bench/RESULTS.md
echo "$report" >>bench/RESULTS.md
