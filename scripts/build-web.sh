#!/usr/bin/env bash
# Publishes the web UI into web/dist, the folder `pcrm serve` serves. For now the UI is a
# static placeholder page in web/public; the bundler step joins here when the UI lands.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p web/dist
cp -a web/public/. web/dist/
