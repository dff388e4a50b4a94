#!/usr/bin/env bash
# Prints the demo city's sign-in details (from data/demo-staff.csv) before `make run`.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-var/demo}
echo
echo "pcrm demo — 부산광역시 (tenant: busan), data in $data"
echo "  sign in at http://127.0.0.1:8080 with tenant 'busan' and one of:"
tail -n +2 data/demo-staff.csv | while IFS=, read -r user name role dept email phone password; do
	printf '    %-10s %-16s %-22s password %s\n' "$user" "$role" "$name ($dept)" "$password"
done
echo
