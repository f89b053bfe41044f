#!/bin/sh
# tests/symbols.sh BUILD — the shared library's interface: it exports only
# wasm_*, wasi_* and zwasm_* symbols, and every function the public headers
# declare (include/*.h) is defined in it.  One check per symbol; last line
# "symbols: N passed, N failed".
BUILD=${1:-build}
here=$(dirname "$0")
lib=$BUILD/libzwasm.so
pass=0; fail=0
exported=$(mktemp); declared=$(mktemp); trap 'rm -f "$exported" "$declared"' EXIT
nm -D --defined-only "$lib" | awk '{print $3}' | sort -u >"$exported"
[ -s "$exported" ] || { echo "no symbols in $lib"; echo "symbols: 0 passed, 1 failed"; exit 1; }
for s in $(cat "$exported"); do
    case $s in
    wasm_*|wasi_*|zwasm_*) pass=$((pass + 1)) ;;
    *) echo "FAIL exported symbol outside the API: $s"; fail=$((fail + 1)) ;;
    esac
done
# every declaration the headers make visible: the preprocessed headers,
# one declaration per line, the name before "(" after the visibility attribute
for h in "$here"/../include/*.h; do
    ${CC:-cc} -E -P -I"$here/../include" "$h" | tr '\n' ' ' | tr ';' '\n' |
        grep 'visibility("default")' | sed -E 's/^.*visibility\("default"\)\)\) *//' |
        sed -E 's/^([^(]*[^a-zA-Z0-9_(])?([a-z][a-zA-Z0-9_]*) *\(.*/\2/'
done | sort -u >"$declared"
for s in $(cat "$declared"); do
    if grep -qx "$s" "$exported"; then pass=$((pass + 1))
    else echo "FAIL declared in include/ but not in $lib: $s"; fail=$((fail + 1)); fi
done
echo "symbols: $pass passed, $fail failed"
[ $fail -eq 0 ]
