#!/bin/sh
# clang.sh — make test-clang: what the clang build (BUILD, default
# build-clang) must pass: the unit tests on both engines, and the 2.0, 3.0
# and threads suites on the JIT (the interpreter's handler table and the
# code generators are where gcc and clang differ most).
BUILD=${BUILD:-build-clang}
SPEC_DIR=${SPEC_DIR:-../shared/spec}
here=$(dirname "$0")
. "$here/suite.sh"
run_suite clang-unit "$BUILD/unit_tests"
run_suite clang-unit-interp "$BUILD/unit_tests" --engine interp
run_suite clang-spec-2.0-jit "$BUILD/zwasm" wast --engine jit --wasm 2.0 --known-failures "$here/spec/known-failures-2.0.txt" "$SPEC_DIR"/wasm-2.0/*.wast
# shellcheck disable=SC2086
run_suite clang-spec-3.0-jit "$BUILD/zwasm" wast --engine jit --known-failures "$here/spec/known-failures-3.0.txt" $SPEC_3
run_suite clang-spec-threads-jit "$BUILD/zwasm" wast --engine jit --wasm 1.0+threads "$SPEC_DIR"/proposals/threads/*.wast
run_suite clang-threads-cases "$BUILD/zwasm" wast --engine interp --wasm 3.0+threads "$here"/threads/*.wast
summary
