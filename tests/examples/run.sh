#!/bin/sh
# tests/examples/run.sh BUILD — runs every example of the standard C API
# (examples/*.c, built into BUILD/examples/) in examples/ and compares its
# output with examples/expected/NAME.out.  An example must exit 0; under
# the sanitizer build a leak or an error fails it too.  Last line:
# "examples: N passed, N failed".
BUILD=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
ex=$here/../../examples
case $BUILD in /*) ;; *) BUILD=$(pwd)/$BUILD ;; esac
pass=0; fail=0
out=$(mktemp); trap 'rm -f "$out"' EXIT
for bin in "$BUILD"/examples/*; do
    name=$(basename "$bin")
    [ -x "$bin" ] || continue
    (cd "$ex" && "$bin") >"$out" 2>&1
    rc=$?
    if [ $rc -ne 0 ]; then
        echo "FAIL $name: exit $rc"; cat "$out"; fail=$((fail + 1)); continue
    fi
    if ! diff -u "$ex/expected/$name.out" "$out"; then
        echo "FAIL $name: output differs from examples/expected/$name.out"; fail=$((fail + 1)); continue
    fi
    echo "ok $name"; pass=$((pass + 1))
done
[ $pass -gt 0 ] || { echo "no examples in $BUILD/examples"; fail=$((fail + 1)); }
echo "examples: $pass passed, $fail failed"
[ $fail -eq 0 ]
