#!/bin/sh
# run.sh — what `make bench` runs: the benchmark harness against build/zwasm
# (override with ZWASM=path), node and wasm2c+gcc. Extra arguments go to
# run.py, e.g.  sh bench/run.sh --runs 5 --only '^st_'
cd "$(dirname "$0")/.." || exit 1
exec python3 bench/run.py --zwasm "${ZWASM:-build/zwasm}" "$@"
