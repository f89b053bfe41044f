#!/bin/sh
# run_all.sh — the whole test suite (make test).  Runs each suite, echoes its
# output, and ends with one line "N passed, N failed[, N skipped]" summing
# the suites' own summary lines.  Exit status is non-zero if anything failed.
BUILD=${BUILD:-build}
SPEC_DIR=${SPEC_DIR:-../shared/spec}
here=$(dirname "$0")
total_p=0; total_f=0; total_s=0; status=0
log=$(mktemp); trap 'rm -f "$log"' EXIT

run_suite() { # name, command...
    name=$1; shift
    echo "== $name: $1 ..."
    "$@" >"$log" 2>&1
    rc=$?
    cat "$log"
    line=$(grep -E '^([a-z0-9 -]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
    if [ -z "$line" ]; then
        echo "== $name: no summary line (exit $rc): counted as 1 failure"
        total_f=$((total_f + 1)); status=1; return
    fi
    p=$(echo "$line" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+')
    f=$(echo "$line" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+')
    s=$(echo "$line" | grep -oE '[0-9]+ skipped' | grep -oE '[0-9]+')
    total_p=$((total_p + p)); total_f=$((total_f + f)); total_s=$((total_s + ${s:-0}))
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "== $name: exit status $rc with no failure counted: counted as 1 failure"
        total_f=$((total_f + 1))
    fi
    [ "$rc" -ne 0 ] && status=1
}

run_suite layers python3 "$here/layers.py"
run_suite unit "$BUILD/unit_tests"
run_suite unit-interp "$BUILD/unit_tests" --engine interp
run_suite spec-2.0 "$BUILD/zwasm" wast --engine interp --known-failures "$here/spec/known-failures-2.0.txt" "$SPEC_DIR"/wasm-2.0/*.wast
run_suite cli sh "$here/cli/run.sh" "$BUILD/zwasm"
export ZWASM_TEST_ENGINE=interp   # the WASI and program suites' engine (their run scripts)
run_suite wasi sh "$here/wasi/run.sh" "$BUILD/zwasm"
run_suite programs sh "$here/programs/run.sh" "$BUILD/zwasm"
unset ZWASM_TEST_ENGINE
run_suite regress sh "$here/regress/run.sh" "$BUILD/zwasm"
# the same suites on the JIT, and the JIT's own cases on both engines (the
# other suites run with the default engine, auto)
run_suite jit-cases "$BUILD/zwasm" wast --engine interp "$here"/jit/*.wast
run_suite jit-cases-jit "$BUILD/zwasm" wast --engine jit "$here"/jit/*.wast
run_suite spec-2.0-jit "$BUILD/zwasm" wast --engine jit --known-failures "$here/spec/known-failures-2.0.txt" "$SPEC_DIR"/wasm-2.0/*.wast
export ZWASM_TEST_ENGINE=jit
run_suite wasi-jit sh "$here/wasi/run.sh" "$BUILD/zwasm"
run_suite programs-jit sh "$here/programs/run.sh" "$BUILD/zwasm"
unset ZWASM_TEST_ENGINE
# the JIT built with two registers per file (make test-jit-stress)
if [ -n "$STRESS_ZWASM" ]; then
    run_suite jit-stress "$STRESS_ZWASM" wast --engine jit --known-failures "$here/spec/known-failures-2.0.txt" \
        "$SPEC_DIR"/wasm-2.0/*.wast "$here"/jit/*.wast
fi

if [ "$total_s" -gt 0 ]; then
    echo "$total_p passed, $total_f failed, $total_s skipped"
else
    echo "$total_p passed, $total_f failed"
fi
exit $status
