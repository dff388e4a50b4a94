#!/usr/bin/env bash
# Runs every test: unit tests plainly and under ASan+UBSan, then the API tests against a
# real `pcrm serve` (the sanitized build). Ends with one line "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."

passed=0
failed=0
artifacts=tests/artifacts
mkdir -p "$artifacts"

# cmocka prints "[  PASSED  ] N test(s)." and "[  FAILED  ] M test(s)"; a program that
# dies before printing them counts as one failure.
run_unit_dir() {
	local dir=$1 label=$2 t out rc p f
	for t in "$dir"/tests/test_*; do
		[ -x "$t" ] || continue
		out=$(CMOCKA_MESSAGE_OUTPUT=stdout "$t" 2>&1)
		rc=$?
		p=$(grep -oE '\[  PASSED  \] [0-9]+' <<<"$out" | grep -oE '[0-9]+$' | tail -1)
		f=$(grep -oE '\[  FAILED  \] [0-9]+' <<<"$out" | grep -oE '[0-9]+$' | tail -1)
		p=${p:-0}
		f=${f:-0}
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
			f=1
		fi
		passed=$((passed + p))
		failed=$((failed + f))
		if [ "$f" -ne 0 ]; then
			echo "FAIL $label $(basename "$t") (exit $rc):"
			echo "$out" | grep -vE '^\[ +(RUN|OK) +\]' | tail -40
		else
			echo "ok   $label $(basename "$t"): $p passed"
		fi
	done
}

run_unit_dir build unit
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
	run_unit_dir build-asan unit+asan

api_log="$artifacts/api.log"
python3 tests/api/run.py --pcrm build-asan/pcrm >"$api_log" 2>&1
api_rc=$?
line=$(grep -E '^api: [0-9]+ passed, [0-9]+ failed' "$api_log" | tail -1)
if [ -n "$line" ]; then
	p=$(sed -E 's/^api: ([0-9]+) passed.*/\1/' <<<"$line")
	f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
else
	p=0
	f=1
fi
if [ "$api_rc" -ne 0 ] && [ "$f" -eq 0 ]; then
	f=1
fi
passed=$((passed + p))
failed=$((failed + f))
if [ "$f" -ne 0 ]; then
	echo "FAIL api tests (exit $api_rc); last lines of $api_log:"
	tail -60 "$api_log"
else
	echo "ok   api: $p passed"
fi

# Browser tests of the web UI (tests/web/run.mjs): playwright-core driving Debian's
# Chromium against the optimised build's `pcrm serve`, screenshots in tests/artifacts/web.
web_log="$artifacts/web.log"
PCRM_BIN=build/pcrm node tests/web/run.mjs >"$web_log" 2>&1
web_rc=$?
line=$(grep -E '^web: [0-9]+ passed, [0-9]+ failed' "$web_log" | tail -1)
if [ -n "$line" ]; then
	p=$(sed -E 's/^web: ([0-9]+) passed.*/\1/' <<<"$line")
	f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
else
	p=0
	f=1
fi
if [ "$web_rc" -ne 0 ] && [ "$f" -eq 0 ]; then
	f=1
fi
passed=$((passed + p))
failed=$((failed + f))
if [ "$f" -ne 0 ]; then
	echo "FAIL web tests (exit $web_rc); last lines of $web_log:"
	tail -60 "$web_log"
else
	echo "ok   web: $p passed"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
