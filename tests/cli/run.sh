#!/bin/sh
# run.sh ZWASM — end-to-end checks of the command-line tool: results printed
# by --invoke, and bad input (truncated/malformed/invalid modules, unknown
# exports, wrong arguments, missing imports, runaway recursion) giving one
# clear error line and the right non-zero exit status.
Z=${1:-build/zwasm}
D=$(dirname "$0")
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
pass=0; fail=0

# expect NAME STATUS PATTERN -- command...   (PATTERN: grep -E on stdout+stderr;
# CLI_FILTER, a substring of NAME, runs only the matching checks)
expect() {
    name=$1 want=$2 pat=$3; shift 4
    case $name in *"${CLI_FILTER:-}"*) ;; *) return ;; esac
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
# --wasm: add.wat's swap returns two values (multi-value, Wasm 2.0)
expect validate-2.0 0 '^$' -- "$Z" validate --wasm 2.0 "$D/add.wat"
expect validate-1.0 1 'add.wat: invalid result arity' -- "$Z" validate --wasm 1.0 "$D/add.wat"
expect validate-wasm-bad 2 "unknown WebAssembly version '9'" -- "$Z" validate --wasm 9 "$D/add.wat"
# shared memories (threads, issue 11): only with --wasm threads, and with a maximum
printf '(module (memory 1 2 shared) (func (export "f") (result i32) (i32.const 7)))' > "$T/shared.wat"
printf '(module (memory 1 shared))' > "$T/shared-nomax.wat"
expect shared-off 1 'offset 0x16: shared memory: the threads feature is not enabled' -- "$Z" run --wasm 2.0 --invoke f "$T/shared.wat"
expect shared-on 0 '^7$' -- "$Z" run --wasm threads --invoke f "$T/shared.wat"
expect shared-default 0 '^7$' -- "$Z" run --invoke f "$T/shared.wat"
expect shared-nomax 1 'shared memory must have maximum' -- "$Z" run --wasm threads "$T/shared-nomax.wat"
# the atomic instructions (prefix 0xFE) are illegal opcodes without the feature (in the default set)
printf '(module (memory 1) (func (export "f") (result i32) (i32.atomic.rmw.add (i32.const 0) (i32.const 5))))' > "$T/atomic.wat"
expect atomic-off 1 'illegal opcode' -- "$Z" run --wasm 2.0 --invoke f "$T/atomic.wat"
expect atomic-on 0 '^0$' -- "$Z" run --invoke f "$T/atomic.wat"
expect wasm-bad 2 'unknown WebAssembly version' -- "$Z" run --wasm 3.0+thread "$T/atomic.wat"
# wasi-threads: the program ends as a whole, with the first thread's status
expect threads-trap 3 'thread 1: unreachable' -- "$Z" run --invoke spawn_trap "$D/threads.wat"
expect threads-exit 9 '^$' -- "$Z" run --invoke spawn_exit "$D/threads.wat"
expect threads-main-returns 0 '^5$' -- "$Z" run --invoke spawn_spin "$D/threads.wat"
expect threads-max 0 '^3$' -- "$Z" run --max-threads 3 --invoke spawn_many "$D/threads.wat"
expect threads-sequential 0 '^2000$' -- "$Z" run --invoke spawn_seq "$D/threads.wat"
# ... also one at a time: each spawn right after the last thread ended
expect threads-sequential-max1 0 '^2000$' -- "$Z" run --max-threads 1 --invoke spawn_seq "$D/threads.wat"
expect threads-max-bad 2 'max-threads expects a number' -- "$Z" run --max-threads -1 --invoke spawn_many "$D/threads.wat"
expect threads-timeout 3 'interrupted' -- "$Z" run --timeout 200ms --invoke wait_main "$D/threads.wat"
expect threads-timeout-spin 3 'interrupted' -- "$Z" run --engine jit --timeout 200ms --invoke spin_all "$D/threads.wat"
expect threads-timeout-spin-interp 3 'interrupted' -- "$Z" run --engine interp --timeout 200ms --invoke spin_all "$D/threads.wat"
# a thread's write to stdout while main blocks reading stdin (a pipe that
# stays open and empty: fd 3 holds its write end) goes through at once, and
# its proc_exit ends the program a second later, main still blocked
mkfifo "$T/fifo"
exec 3<>"$T/fifo"
expect threads-write-while-reading 4 '^hi$' -- timeout 20 "$Z" run --invoke read_main "$D/threads.wat" <"$T/fifo"
expect threads-write-while-polling 4 '^hi$' -- timeout 20 "$Z" run --invoke poll_main "$D/threads.wat" <"$T/fifo"
exec 3>&-
expect no-export 1 'nosuch' -- "$Z" run --invoke nosuch "$D/add.wat"
expect few-args 1 'add.*2 arguments' -- "$Z" run --invoke add "$D/add.wat" 1
expect bad-arg 1 'add.*(i32|argument)' -- "$Z" run --invoke add "$D/add.wat" 1 x
expect missing-import 1 'env.*missing' -- "$Z" run "$D/import.wat"
expect wasi-exit 7 '' -- "$Z" run "$D/wasi.wat"
expect trap 3 'integer divide by zero' -- "$Z" run --invoke div "$D/add.wat" 1 0
expect exhaustion 3 'call stack exhausted' -- "$Z" run --invoke loop "$D/add.wat"
expect fuel 3 'out of fuel' -- "$Z" run --fuel 1000000 --invoke spin "$D/add.wat"
expect no-file 1 'nofile.wasm' -- "$Z" run "$T/nofile.wasm"
expect dir-file 1 'read error: Is a directory' -- "$Z" validate "$T"
expect usage 2 '' -- "$Z" frobnicate
expect dump-ir 0 'call_local' -- "$Z" run --dump-ir "$D/../../examples/fac.wat"
expect trace 0 'i64.mul' -- "$Z" run --trace --invoke fac "$D/../../examples/fac.wat" 3
expect engine-jit 0 '^3$' -- "$Z" run --engine jit --invoke add "$D/add.wat" 1 2
expect engine-jit-backtrace 3 '#1 middle \(func 1, offset 0x31\)' -- "$Z" run --engine jit --invoke outer "$D/backtrace.wat" 5
expect engine-jit-inlined 3 '#0 inner \(func 0, offset 0x2b, inlined\)' -- "$Z" run --engine jit --invoke outer "$D/backtrace.wat" 5
[ -x "$(dirname "$Z")/embed" ] && expect embed 0 '^fac\(20\) = 2432902008176640000$' -- "$(dirname "$Z")/embed" 20
# byte offsets as wasm-objdump shows them: div_s at 0x2b inlined into
# middle (call at 0x31), called from outer at 0x42
expect backtrace 3 'trap: integer divide by zero \(func 0, offset 0x2b\)' -- "$Z" run --invoke outer "$D/backtrace.wat" 5
expect backtrace-inlined 3 '#0 inner \(func 0, offset 0x2b, inlined\)' -- "$Z" run --invoke outer "$D/backtrace.wat" 5
expect backtrace-caller 3 '#1 middle \(func 1, offset 0x31\)' -- "$Z" run --invoke outer "$D/backtrace.wat" 5
expect backtrace-outer 3 '#2 func 3, offset 0x42' -- "$Z" run --invoke outer "$D/backtrace.wat" 5
expect inspect-defined 0 'globals: 2 \(1 imported, 1 defined' -- "$Z" inspect "$D/inspect.wat"
expect inspect 0 'add' -- "$Z" inspect "$D/add.wat"
expect inspect-gc-types 0 '1: \(rec 0 2\) \(func \(param \(ref 0\)\) \(result anyref\)\)' -- "$Z" inspect "$D/gc_types.wat"
expect inspect-typed-import 0 'env\.g: global \(ref null 0\)' -- "$Z" inspect "$D/gc_types.wat"
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


# Resource limits, fuel and deadlines (the bombs of tests/cli/bombs.wat).
expect max-memory 0 '^1024$' -- "$Z" run --max-memory 64M --invoke grow "$D/bombs.wat"
expect max-memory-default 0 '^32768$' -- "$Z" run --invoke grow "$D/bombs.wat"
expect max-memory-unlimited 0 '^65536$' -- "$Z" run --max-memory unlimited --invoke grow "$D/bombs.wat"
expect table-bomb 1 'table [0-9]+: memory limit: a table of 10000000 elements' -- "$Z" run "$D/table_bomb.wat"
expect fill-bomb 3 'trap: out of fuel' -- "$Z" run --fuel 10 --invoke fill "$D/bombs.wat" 32767
expect fill-in-budget 0 '^85$' -- "$Z" run --fuel 3000 --invoke fill "$D/bombs.wat" 1
expect timeout 3 'interrupted' -- "$Z" run --timeout 300ms --invoke spin "$D/bombs.wat"
expect timeout-note 3 '--timeout 300ms expired' -- "$Z" run --timeout 300ms --invoke spin "$D/bombs.wat"
expect timeout-blocked 3 'did not stop within 1 s' -- "$Z" run --timeout 200ms "$D/sleep.wat"
expect timeout-not-reached 0 '^1024$' -- "$Z" run --timeout 1m --max-memory 64M --invoke grow "$D/bombs.wat"
expect fuel-zero 2 'positive' -- "$Z" run --fuel 0 --invoke add "$D/add.wat" 1 2
expect depth-range 2 '1 to 1000000' -- "$Z" run --max-call-depth 4294967295 --invoke add "$D/add.wat" 1 2
expect depth-zero 2 '1 to 1000000' -- "$Z" run --max-call-depth 0 --invoke add "$D/add.wat" 1 2
expect max-memory-bad 2 'max-memory' -- "$Z" run --max-memory 12X --invoke add "$D/add.wat" 1 2
expect timeout-bad 2 'timeout' -- "$Z" run --timeout 0 --invoke add "$D/add.wat" 1 2

# Lowering stays linear in time and memory on hostile shapes (each took
# 10-20+ s, or half a gigabyte, before; tests/cli/lowering_bombs.py).
python3 "$D/lowering_bombs.py" "$T"
expect bomb-localset 0 '' -- timeout 10 "$Z" run --invoke f "$T/localset.wasm"
expect bomb-blocks 0 '' -- timeout 10 "$Z" run --invoke f "$T/blocks.wasm"
expect bomb-brtable 0 '' -- timeout 10 "$Z" run --invoke f "$T/brtable.wasm"
expect bomb-moves 1 'implementation limit' -- timeout 10 "$Z" run --invoke f "$T/moves.wasm"
expect bomb-chain 0 '^7$' -- timeout 10 "$Z" run --invoke f "$T/chain.wasm" 0
expect bomb-chain-jit 0 '^7$' -- timeout 10 "$Z" run --engine jit --invoke f "$T/chain.wasm" 0

# The JIT stays within a small factor of the interpreter on hostile shapes
# (each took 15-170 s, or gigabytes, before; tests/cli/jit_bombs.py).
python3 "$D/jit_bombs.py" "$T"
expect jit-bomb-coldlocals 0 '^800020089$' -- timeout 20 "$Z" run --engine jit --invoke f "$T/coldlocals.wasm"
expect jit-bomb-callslive 0 '^199990000$' -- timeout 20 "$Z" run --engine jit --invoke f "$T/callslive.wasm"
expect jit-bomb-brtable 0 '^0$' -- timeout 20 "$Z" run --engine jit --invoke f "$T/brtable.wasm"
expect jit-bomb-across 0 '^210$' -- timeout 20 "$Z" run --engine jit --invoke f "$T/across.wasm"
expect jit-bomb-ranges 0 '^0$' -- timeout 20 "$Z" run --engine jit --invoke f "$T/ranges.wasm"
expect jit-bomb-trapwalk 3 'more frames' -- timeout 20 "$Z" run --engine jit --invoke f "$T/trapwalk.wasm"

# stdout redirected to a file: the guest may append, not truncate or rewind.
printf 'old\n' > "$T/out.txt"
expect stdout-file 0 '' -- sh -c '"$1" run "$2" >> "$3"' sh "$Z" "$D/stdout_file.wat" "$T/out.txt"
expect stdout-file-kept 0 '^old$' -- head -n 1 "$T/out.txt"
expect stdout-file-appended 0 '^new$' -- tail -n 1 "$T/out.txt"

# stdio keeps the host's status flags, and a directory as stdin gives no rights.
expect stdin-flags 76 '' -- sh -c '(sleep 1) | "$1" run "$2"' sh "$Z" "$D/stdin_flags.wat"
mkdir "$T/stdin_dir" && printf 'x\n' > "$T/stdin_dir/data"
expect stdin-dir 76 '' -- sh -c '"$1" run "$2" < "$3"' sh "$Z" "$D/stdin_dir.wat" "$T/stdin_dir"
expect stdin-dir-kept 0 '^x$' -- cat "$T/stdin_dir/data"

# Untrusted text reaches the terminal escaped: a function named
# "ESC[2J ESC[32mOK" in the name section, traps, and a file name.
printf '\000asm\001\000\000\000\001\004\001\140\000\000\003\002\001\000\007\005\001\001f\000\000\012\005\001\003\000\000\013\000\025\004name\001\016\001\000\013\033[2J\033[32mOK' > "$T/evil.wasm"
cp "$T/evil.wasm" "$T/$(printf 'x\033[2Jy.wasm')"
esc=$(printf '\033')
expect_clean() { # NAME STATUS PATTERN -- command...: also no ESC byte in the output
    name=$1 want=$2 pat=$3; shift 4
    out=$("$@" 2>&1); rc=$?
    if [ "$rc" -eq "$want" ] && printf '%s\n' "$out" | grep -qE -- "$pat" &&
       ! printf '%s' "$out" | grep -q "$esc"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL $name: exit $rc (want $want), output:"; printf '%s\n' "$out" | od -c | head -5
    fi
}
expect_clean escaped-backtrace 3 '#0 \\x1b\[2J\\x1b\[32mOK \(func 0, offset 0x1e\)' -- "$Z" run --invoke f "$T/evil.wasm"
expect_clean escaped-wast 1 'no export "g\\x1b\[2J"' -- "$Z" wast "$D/evil_name.wast"
expect_clean escaped-inspect-import 0 'env\\u\{202E\}\.x\\x1b\[31mred' -- "$Z" inspect "$D/evil_names.wat"
expect_clean escaped-inspect-export 0 '"ok\\u\{9B\}31m\\u\{2066\}"' -- "$Z" inspect "$D/evil_names.wat"
expect_clean escaped-import 1 'unknown import env\\u\{202E\}\.x\\x1b\[31mred' -- "$Z" run "$D/evil_names.wat"
expect_clean escaped-dump-ir 0 ';; \$\\x1b\[2J\\x1b\[32mOK' -- "$Z" run --dump-ir "$T/evil.wasm"
cp "$D/evil_name.wast" "$T/$(printf 'w\033[2J.wast')"
expect_clean escaped-wast-path 1 'w\\x1b\[2J.wast: 1 passed, 1 failed' -- "$Z" wast "$T/$(printf 'w\033[2J.wast')"
expect_clean escaped-path 1 'x\\x1b\[2Jy.wasm: no export named' -- "$Z" run --invoke g "$T/$(printf 'x\033[2Jy.wasm')"

# Text nested 100,000 deep (folded blocks and operands, in a module and in a
# script) under a 256 KiB stack: the text front end does not recurse per level.
awk 'BEGIN { n = 100000; printf "(module (func (export \"f\") (result i32)\n";
    for (i = 0; i < n; i++) printf "(block (result i32) (i32.add (i32.const 1) ";
    printf "(i32.const 0)"; for (i = 0; i < n; i++) printf "))"; print "))" }' > "$T/deep.wat"
{ cat "$T/deep.wat"; echo '(assert_return (invoke "f") (i32.const 100000))'; } > "$T/deep.wast"
awk 'BEGIN { for (i = 0; i <= 1000000; i++) printf "("; print "" }' > "$T/too-deep.wat"
small_stack() { (ulimit -s 256 && exec "$@"); }
expect deep-run 0 '^100000$' -- small_stack "$Z" run --invoke f "$T/deep.wat"
expect deep-validate 0 '^$' -- small_stack "$Z" validate "$T/deep.wat"
expect deep-wast 0 '^2 passed, 0 failed$' -- small_stack "$Z" wast "$T/deep.wast"
expect too-deep 1 'too-deep.wat: 1:1000001: nesting too deep' -- "$Z" validate "$T/too-deep.wat"

# --max-call-depth is exact in both engines (rec(n) takes n + 1 frames), and
# the trap is reported at the call that could not be made.
for e in interp jit; do
    expect depth-$e-fits 0 '^999$' -- "$Z" run --engine $e --max-call-depth 1000 --invoke rec "$D/depth.wat" 999
    expect depth-$e-over 3 'call stack exhausted \(func 0, offset 0x2f\)' -- "$Z" run --engine $e --max-call-depth 1000 --invoke rec "$D/depth.wat" 1000
done

# The JIT's views of its code: --dump-jit lists machine code under each IR
# instruction (disassembled when capstone is there, else hex); --perfmap
# announces compiled functions to perf, named after the name section.
expect dump-jit 0 'i64.mul s1, s1, s2' -- "$Z" run --dump-jit "$D/../../examples/fac.wat"
expect dump-jit-prologue 0 '\(prologue\)' -- "$Z" run --dump-jit "$D/../../examples/fac.wat"
pid=$(sh -c 'echo $$; exec "$0" run --engine jit --perfmap --invoke outer "$1" 5 >/dev/null 2>&1' "$Z" "$D/backtrace.wat")
if grep -qE '^[0-9a-f]+ [0-9a-f]+ wasm\[1\] middle$' "/tmp/perf-$pid.map" 2>/dev/null; then
    pass=$((pass + 1))
else
    fail=$((fail + 1)); echo "FAIL perfmap: /tmp/perf-$pid.map:"; head -3 "/tmp/perf-$pid.map" 2>&1
fi
rm -f "/tmp/perf-$pid.map"

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
