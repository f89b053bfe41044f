#!/bin/sh
# aarch64.sh [--quick] — the AArch64 cross build (BUILD, default
# build-aarch64) under qemu-aarch64 (issue 10): the unit tests, the spec
# suites, the JIT's own cases, WASI, the test programs and the differential
# cases, on both engines, and the stress build (two registers per file, the
# collector at every allocation) on the 3.0 suite.  Two lanes run side by
# side (qemu runs one guest thread per process); their outputs are printed
# in order after both end, then the last line "N passed, N failed".
# --quick (what make test runs when the cross tools are installed): the
# JIT's cases, the threads cases (on the JIT twice: atomics with LSE and,
# with ZWASM_JIT_NO_LSE=1, with exclusive loops) and the 2.0 suite on the JIT.  The unit tests listed in
# tests/unit/known-failures-aarch64.txt are not run under qemu (each says why).
# Environment: QEMU (default "qemu-aarch64 -L /usr/aarch64-linux-gnu"),
# STRESS_ZWASM (the stress build; none: its suites are not run), SPEC_DIR.
BUILD=${BUILD:-build-aarch64}
SPEC_DIR=${SPEC_DIR:-../shared/spec}
QEMU=${QEMU:-qemu-aarch64 -L /usr/aarch64-linux-gnu}
here=$(dirname "$0")
quick=0; [ "$1" = --quick ] && quick=1
. "$here/suite.sh"

# The CLI under qemu, as one program for the scripts that take a zwasm
# path (a Python exec, not a shell: the environment reaches the guest as is)
Z="$BUILD/zwasm-qemu"
cat >"$Z" <<PY
#!/usr/bin/env python3
import os, sys
q = "$QEMU".split()
os.execvp(q[0], q + ["$(pwd)/$BUILD/zwasm"] + sys.argv[1:])
PY
chmod +x "$Z"
[ -n "$STRESS_ZWASM" ] && { sed "s|$BUILD/zwasm\"|$STRESS_ZWASM\"|" "$Z" >"$Z-stress"; chmod +x "$Z-stress"; }

dir=$(mktemp -d); trap 'rm -rf "$dir" "$log"' EXIT
# no_lse COMMAND...: with the JIT's test knob that compiles atomics to
# exclusive loops instead of LSE (docs/jit.md; qemu-aarch64 has LSE)
no_lse() (
    ZWASM_JIT_NO_LSE=1; export ZWASM_JIT_NO_LSE
    "$@"
)
# bg NAME COMMAND...: run in this lane, its output and status kept for later
bg() {
    name=$1; shift
    echo "$name" >>"$dir/order.$lane"
    { echo "== $name: $1 ..."; "$@"; } >"$dir/$name.log" 2>&1
    echo $? >"$dir/$name.rc"
}
# unit ENGINE: the unit tests, one process each (as the wast batches, see
# wast), but those
# tests/unit/known-failures-aarch64.txt lists (skipped)
unit() {
    p=0 f=0 sk=0
    for t in $(grep -ho '^TEST([a-z0-9_]*)' "$here"/unit/*.c | sed 's/^TEST(\(.*\))$/\1/'); do
        if grep -q "^$t[[:space:]]" "$here/unit/known-failures-aarch64.txt"; then sk=$((sk + 1)); continue; fi
        out=$(timeout --foreground 300 $QEMU "$BUILD/unit_tests" --engine "$1" "$t" 2>&1)
        if echo "$out" | grep -q "^unit $1: [1-9][0-9]* passed, 0 failed"; then p=$((p + 1)); else f=$((f + 1)); echo "$out" | tail -20; echo "FAIL $t"; fi
    done
    echo "unit $1: $p passed, $f failed, $sk skipped"
}
SPEC_2="$SPEC_DIR/wasm-2.0/*.wast"
# wast OPTION... -- FILE...: the scripts BATCH at a time, each batch one
# process with --no-fork (qemu-user keeps the memory of unmapped
# reservations, so one process for a whole suite grows until it is
# killed), added up by suite.sh's count and summary (in a subshell: its
# totals are this suite's; the last line "N passed, N failed")
BATCH=${BATCH:-8}
wast() (
    opts=""; while [ "$1" != -- ]; do opts="$opts $1"; shift; done; shift
    total_p=0 total_f=0 total_s=0 status=0
    out="$dir/batch.$lane"
    while [ $# -gt 0 ]; do
        files=""; n=0
        while [ $# -gt 0 ] && [ $n -lt $BATCH ]; do files="$files $1"; shift; n=$((n + 1)); done
        # shellcheck disable=SC2086
        "$Z" wast $NOFORK $opts $files >"$out" 2>&1
        rc=$?
        [ $rc -ne 0 ] && { cat "$out"; echo "(exit $rc:$files)"; }
        count "batch" "$out" $rc
    done
    summary
)
NOFORK=--no-fork
K2="$here/spec/known-failures-2.0.txt" K3="$here/spec/known-failures-3.0.txt"
# shellcheck disable=SC2086
lane_a() {
    lane=a
    bg jit-cases-a64 wast --engine jit -- "$here"/jit/*.wast
    bg threads-cases-jit-a64 wast --engine jit --wasm 3.0+threads -- "$here"/threads/*.wast
    bg threads-cases-jit-nolse-a64 no_lse wast --engine jit --wasm 3.0+threads -- "$here"/threads/*.wast
    [ $quick = 1 ] && return
    bg unit-a64 unit jit
    bg spec-3.0-jit-a64 wast --engine jit --known-failures "$K3" -- $SPEC_3
    bg spec-2.0-a64 wast --engine interp --wasm 2.0 --known-failures "$K2" -- $SPEC_2
    bg spec-threads-jit-a64 wast --engine jit --wasm 1.0+threads -- "$SPEC_DIR"/proposals/threads/*.wast
    bg wasm-1.0-jit-a64 wast --engine jit --wasm 1.0 -- "$here"/wasm-1.0/*.wast
    bg wasi-jit-a64 env ZWASM_TEST_ENGINE=jit sh "$here/wasi/run.sh" "$Z"
    bg programs-jit-a64 env ZWASM_TEST_ENGINE=jit sh "$here/programs/run.sh" "$Z"
    if [ -n "$STRESS_ZWASM" ]; then
        Z="$Z-stress"; bg jit-stress-3.0-a64 wast --engine jit --known-failures "$K3" -- $SPEC_3 \
            $(ls "$here"/jit/*.wast | grep -v '/gc_stress\.wast$')
    fi
}
# shellcheck disable=SC2086
lane_b() {
    lane=b
    bg spec-2.0-jit-a64 wast --engine jit --wasm 2.0 --known-failures "$K2" -- $SPEC_2
    bg threads-cases-a64 wast --engine interp --wasm 3.0+threads -- "$here"/threads/*.wast
    [ $quick = 1 ] && return
    bg unit-interp-a64 unit interp
    # (gc_stress.wast's millions of objects take the interpreter minutes under qemu)
    bg jit-cases-interp-a64 wast --engine interp -- $(ls "$here"/jit/*.wast | grep -v '/gc_stress\.wast$')
    bg spec-3.0-a64 wast --engine interp --known-failures "$K3" -- $SPEC_3
    bg spec-threads-a64 wast --engine interp --wasm 1.0+threads -- "$SPEC_DIR"/proposals/threads/*.wast
    bg diff-a64 $QEMU "$BUILD/diff_engines" "$here"/diff/*.wasm "$here"/diff/ttf/*.wasm
    bg wasi-a64 env ZWASM_TEST_ENGINE=interp sh "$here/wasi/run.sh" "$Z"
    bg programs-a64 env ZWASM_TEST_ENGINE=interp sh "$here/programs/run.sh" "$Z"
    if [ -n "$STRESS_ZWASM" ]; then
        Z="$Z-stress"; bg jit-stress-2.0-a64 wast --engine jit --wasm 2.0 --known-failures "$K2" -- $SPEC_2
    fi
}
lane_a & lane_b & wait
for n in $(cat "$dir/order.a" "$dir/order.b"); do
    cat "$dir/$n.log"
    count "$n" "$dir/$n.log" "$(cat "$dir/$n.rc")"
done
summary
