#!/usr/bin/env bash
# Held-out accuracy of the complaint router on the shipped examples: every 5th example of
# each label (the 5th, 10th, ... in file order) is held out, the router is trained on the
# rest with `pcrm route train` and measured on the held-out ones with `pcrm route eval`.
# tests/unit/test_route.c asserts top-1 >= 0.85 on the same split.
#
#   bench/route_eval.sh            prints {"n":..,"top1":..,"top3":..}
#   PCRM=/path/to/pcrm bench/route_eval.sh    (default: ./build/pcrm)
set -euo pipefail
cd "$(dirname "$0")/.."
pcrm=${PCRM:-./build/pcrm}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 - data/routing-examples.csv "$work/train.csv" "$work/test.csv" <<'PY'
import collections, csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8", newline="")))
seen = collections.Counter()
out = {k: csv.writer(open(p, "w", encoding="utf-8", newline=""), lineterminator="\n")
       for k, p in (("train", sys.argv[2]), ("test", sys.argv[3]))}
for w in out.values():
    w.writerow(["text", "label"])
for r in rows:
    seen[r["label"]] += 1
    out["test" if seen[r["label"]] % 5 == 0 else "train"].writerow([r["text"], r["label"]])
PY

"$pcrm" init --data "$work/data" --demo >/dev/null 2>&1
"$pcrm" route train --data "$work/data" "$work/train.csv" >/dev/null
"$pcrm" route eval --data "$work/data" "$work/test.csv"
