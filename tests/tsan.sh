#!/bin/sh
# tsan.sh [BUILD] — the threads tests under ThreadSanitizer (make test-tsan,
# BUILD default build-tsan): the stress tests of tests/unit/test_threads.c
# and the parking lot's (test_atomic.c) on both engines, tests/threads and
# the proposal's scripts, the CLI's wasi-threads checks and the threaded C
# program.  A race TSan reports in zwasm's own code makes its suite fail
# (exit status 66); tests/tsan.supp lists the races WebAssembly allows
# (a guest's plain loads and stores of shared memory), each with its reason.
# Compiled code is not instrumented: the interpreter runs everything too.
BUILD=${1:-build-tsan}
SPEC_DIR=${SPEC_DIR:-../shared/spec}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/suite.sh"
TSAN_OPTIONS="suppressions=$here/tsan.supp exitcode=66 second_deadlock_stack=1 ${TSAN_OPTIONS:-}"
export TSAN_OPTIONS

for engine in interp jit; do
    run_suite "tsan-unit-threads-$engine" "$BUILD/unit_tests" --engine "$engine" threads_
    run_suite "tsan-threads-cases-$engine" "$BUILD/zwasm" wast --engine "$engine" --wasm 3.0+threads "$here"/threads/*.wast
    run_suite "tsan-spec-threads-$engine" "$BUILD/zwasm" wast --engine "$engine" --wasm 1.0+threads \
        "$SPEC_DIR"/proposals/threads/*.wast
    run_suite "tsan-programs-$engine" env ZWASM_TEST_ENGINE="$engine" PROGRAMS_FILTER=threads \
        sh "$here/programs/run.sh" "$BUILD/zwasm"
done
run_suite tsan-unit-atomic "$BUILD/unit_tests" atomic_
run_suite tsan-cli-threads env CLI_FILTER=threads sh "$here/cli/run.sh" "$BUILD/zwasm"
summary
