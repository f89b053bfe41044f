#!/bin/sh
# run.sh ZWASM — end-to-end checks of the command-line tool: results printed
# by --invoke, and bad input (truncated/malformed/invalid modules, unknown
# exports, wrong arguments, missing imports, runaway recursion) giving one
# clear error line and the right non-zero exit status.
Z=${1:-build/zwasm}
D=$(dirname "$0")
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
pass=0; fail=0

# expect NAME STATUS PATTERN -- command...   (PATTERN: grep -E on stdout+stderr)
expect() {
    name=$1 want=$2 pat=$3; shift 4
    out=$("$@" 2>&1); rc=$?
    if [ "$rc" -eq "$want" ] && printf '%s\n' "$out" | grep -qE -- "$pat"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL $name: exit $rc (want $want), output:"; printf '%s\n' "$out" | head -5
    fi
}

printf '\000asm\001\000\000\000\001\005' > "$T/trunc.wasm"
printf 'notwasm!' > "$T/junk.wasm"
printf '\000asm\001\000\000\000\001\004\001\140\000\000\003\002\001\000\012\005\001\003\000\152\013' > "$T/invalid.wasm"

expect demo 0 '^2432902008176640000$' -- "$Z" run --invoke fac "$D/../../examples/fac.wat" 20
expect add 0 '^5$' -- "$Z" run --invoke add "$D/add.wat" 2 3
expect add-neg 0 '^-1$' -- "$Z" run --invoke add "$D/add.wat" 0 -1
expect add-hex 0 '^16$' -- "$Z" run --invoke add "$D/add.wat" 0x10 0
expect multi 0 '^7$' -- "$Z" run --invoke swap "$D/add.wat" 3 7
expect truncated 1 'trunc.wasm.*(offset|unexpected end)' -- "$Z" run "$T/trunc.wasm"
expect junk 1 'junk.wasm.*magic' -- "$Z" run "$T/junk.wasm"
expect invalid 1 'invalid.wasm.*type mismatch' -- "$Z" validate "$T/invalid.wasm"
expect validate-ok 0 '^$' -- "$Z" validate "$D/add.wat"
expect no-export 1 'nosuch' -- "$Z" run --invoke nosuch "$D/add.wat"
expect few-args 1 'add.*2 arguments' -- "$Z" run --invoke add "$D/add.wat" 1
expect bad-arg 1 'add.*(i32|argument)' -- "$Z" run --invoke add "$D/add.wat" 1 x
expect missing-import 1 'env.*missing' -- "$Z" run "$D/import.wat"
expect wasi-exit 7 '' -- "$Z" run "$D/wasi.wat"
expect trap 3 'integer divide by zero' -- "$Z" run --invoke div "$D/add.wat" 1 0
expect exhaustion 3 'call stack exhausted' -- "$Z" run --invoke loop "$D/add.wat"
expect fuel 3 'interrupted' -- "$Z" run --fuel 1000000 --invoke spin "$D/add.wat"
expect no-file 1 'nofile.wasm' -- "$Z" run "$T/nofile.wasm"
expect dir-file 1 'read error: Is a directory' -- "$Z" validate "$T"
expect usage 2 '' -- "$Z" frobnicate
expect dump-ir 0 'call_local' -- "$Z" run --dump-ir "$D/../../examples/fac.wat"
expect trace 0 'i64.mul' -- "$Z" run --trace --invoke fac "$D/../../examples/fac.wat" 3
expect engine-jit 2 'jit' -- "$Z" run --engine jit --invoke add "$D/add.wat" 1 2
[ -x "$(dirname "$Z")/embed" ] && expect embed 0 '^fac\(20\) = 2432902008176640000$' -- "$(dirname "$Z")/embed" 20
expect backtrace 3 '#1 func 3' -- "$Z" run --invoke outer "$D/backtrace.wat" 5
expect inspect-defined 0 'globals: 2 \(1 imported, 1 defined' -- "$Z" inspect "$D/inspect.wat"
expect inspect 0 'add' -- "$Z" inspect "$D/add.wat"
expect start-trap 3 'trap: unreachable' -- "$Z" run "$D/start.wat"
expect v128 0 '^i32x4 0x00000001 0x00000002 0xfffffffd 0x00000004$' -- \
    "$Z" run --invoke v "$D/values.wat" i32x4:1,2,-3,4
expect v128-hex 0 '^i32x4 0x0c0d0e0f 0x08090a0b 0x04050607 0x00010203$' -- \
    "$Z" run --invoke v "$D/values.wat" 0x000102030405060708090a0b0c0d0e0f
expect floats 0 '^0.5$' -- "$Z" run --invoke f "$D/values.wat" 0x1p-1 inf
expect bad-v128 1 'v128 as 0x' -- "$Z" run --invoke v "$D/values.wat" i32x4:1,2

# assert_invalid/assert_malformed must fail in the right phase (wast.c)
W="$D/wrong_phase.wast"
expect wrong-phase-text 1 ':6: assert_invalid: wrong phase: expected INVALID .* got MALFORMED: .*unknown operator.*\(text phase\)' -- "$Z" wast "$W"
expect wrong-phase-binary 1 ':8: assert_invalid: wrong phase: expected INVALID .* got MALFORMED at offset 0x8: malformed section id \(binary decoding phase\)' -- "$Z" wast "$W"
expect wrong-phase-valid 1 ':10: assert_malformed: wrong phase: expected MALFORMED .* got INVALID .*type mismatch.*\(validation phase\)' -- "$Z" wast "$W"
expect wrong-phase-count 1 '^3 passed, 3 failed$' -- "$Z" wast "$W"

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
