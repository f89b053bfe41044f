#!/bin/sh
# run.sh ZWASM — the WASI preview 1 testsuite (../shared/wasi: c, rust,
# assemblyscript) and zwasm's own sandbox-escape and race tests
# (tests/wasi/escape, tests/wasi/race).
# The work is done by run.py (JSON test descriptions need a real parser);
# the last line of output is "wasi: N passed, N failed, N skipped".
# Environment: WASI_DIR (default ../shared/wasi from the project root),
# WASI_FILTER (a substring: run only matching tests), WASI_VERBOSE=1,
# WASI_RACE_MS / WASI_RACE_PROBES / WASI_RACE_ALL (see run.py).
here=$(dirname "$0")
exec python3 "$here/run.py" "$@"
