#!/usr/bin/env bash
# Delivery throughput of the outbox per channel (issue 5), appended to bench/RESULTS.md.
# For each transport, bench_delivery enqueues N notices as complaint events do, delivers
# them through the outbox (claim, send, record with a contact row) and, as the baseline in
# the same run, sends the same number through the bare transport with no database. The
# gateway is nginx answering 200 with a JSON id; the SMTP server is Debian's aiosmtpd
# (tests/api/tools/smtp_sink.py), which is slower than a real MTA: the e-mail figures show
# pcrm's cost relative to whatever server it talks to.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${BENCH_MESSAGES:-3000}
work=$(mktemp -d)
pids=()
cleanup() {
	exec 3>&- # the SMTP sink's stdin: closing it ends the sink
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait "${pids[@]}" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

gport=$(free_port)
mkdir -p "$work/nginx"
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 1;
error_log $work/nginx/error.log;
pid $work/nginx/nginx.pid;
events { worker_connections 256; }
http {
  access_log off;
  server { listen 127.0.0.1:$gport; location /sms { default_type application/json; return 200 '{"id":"gw-1"}'; } }
}
CONF
nginx -c "$work/nginx/nginx.conf" -g 'daemon off;' &
pids+=($!)
mkdir -p "$work/mail"
# The sink serves until its stdin closes: a FIFO held open on fd 3 until cleanup.
mkfifo "$work/hold"
/usr/bin/python3 tests/api/tools/smtp_sink.py "$work/mail" >"$work/smtp.port" <"$work/hold" &
pids+=($!)
exec 3>"$work/hold"
for _ in $(seq 50); do grep -q PORT "$work/smtp.port" 2>/dev/null && break; sleep 0.1; done
sport=$(awk '/PORT/ {print $2}' "$work/smtp.port")
sleep 0.5

run() { # label medium n [VAR=value ...]
	local label=$1 medium=$2 n=$3 dir
	shift 3
	dir="$work/$label"
	mkdir -p "$dir"
	env -u PCRM_SMS_URL -u PCRM_SMTP_URL "$@" ./build/bench/bench_delivery "$dir" "$medium" "$n"
}
rows=""
add() { # the bench's line: MEDIUM TRANSPORT enqueue E deliver D bare B
	local ratio
	ratio=$(awk -v d="$6" -v b="$8" 'BEGIN { printf "%.2f", (b > 0 ? d / b : 0) }')
	rows+="| $1 via $2 | $4 | $6 | $8 | $ratio |"$'\n'
}
add $(run file-sms sms "$N")
add $(run file-email email "$N")
add $(run gateway sms "$N" PCRM_SMS_URL="http://127.0.0.1:$gport/sms")
add $(run smtp email "$((N / 3))" PCRM_SMTP_URL="smtp://127.0.0.1:$sport")

report=$(cat <<REPORT

## $(date -u +%Y-%m-%d) — outbox delivery per channel (\`bench/delivery.sh\`, N=$N; SMTP N=$((N / 3)))

| channel | enqueue msg/s (one transaction each) | outbox delivery msg/s | bare transport msg/s (baseline) | ratio |
|---|---|---|---|---|
$rows
Delivery claims up to 64 due messages in one transaction, sends each, and records the
batch's outcomes (and contact rows) in one more; the file transport fsyncs every message.
REPORT
)
echo "$report"
echo "$report" >>bench/RESULTS.md
