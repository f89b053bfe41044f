#!/bin/sh
# tests/regress/run.sh ZWASM — run the fuzzer-found regression inputs.
#
# For every tests/regress/*.wasm and *.wat, `ZWASM validate FILE` and
# `ZWASM run FILE` must finish within $REGRESS_TIMEOUT seconds (default 60)
# with exit status 0..3 (ok / error / usage / trap), without being killed by
# a signal and without a sanitizer report on stderr.  Use an ASan/UBSan
# build (make asan: build-asan/zwasm) to get the most out of it.
# The last line of output is "regress: N passed, N failed".

if [ $# -ne 1 ]; then
    echo "usage: $0 ZWASM" >&2
    exit 2
fi
ZWASM=$1
DIR=$(cd "$(dirname "$0")" && pwd)
TMO=${REGRESS_TIMEOUT:-60}
ERR=$(mktemp "${TMPDIR:-/tmp}/regress.XXXXXX") || exit 2
trap 'rm -f "$ERR"' EXIT INT TERM
# Make sanitizer failures loud and deterministic even without -fno-sanitize-recover.
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export ASAN_OPTIONS UBSAN_OPTIONS

if command -v timeout >/dev/null 2>&1; then TIMEOUT="timeout -k 5 $TMO"; else TIMEOUT=; fi

pass=0
fail=0
for f in "$DIR"/*.wasm "$DIR"/*.wat; do
    [ -f "$f" ] || continue
    for cmd in validate run; do
        $TIMEOUT "$ZWASM" $cmd "$f" >/dev/null 2>"$ERR" </dev/null
        rc=$?
        why=
        if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
            why="timeout (${TMO}s)"
        elif [ $rc -gt 3 ]; then
            why="exit status $rc"
        fi
        if grep -q -E 'Sanitizer|runtime error:|AddressSanitizer|LeakSanitizer' "$ERR"; then
            why="${why:+$why, }sanitizer report"
        fi
        if [ -n "$why" ]; then
            fail=$((fail + 1))
            echo "FAIL: $cmd $(basename "$f"): $why"
            sed -n '1,20p' "$ERR" | sed 's/^/    /'
        else
            pass=$((pass + 1))
        fi
    done
done
echo "regress: $pass passed, $fail failed"
[ $fail -eq 0 ]
