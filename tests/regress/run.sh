#!/bin/sh
# tests/regress/run.sh ZWASM — run the fuzzer-found regression inputs.
#
# tests/regress/expected.txt gives, for every tests/regress/*.wasm and *.wat,
# the exact exit status of `ZWASM validate FILE` and of `ZWASM run FILE`
# (and what run prints on stderr), with the reason for each.  Each command
# must exit with exactly that status within $REGRESS_TIMEOUT seconds
# (default 60), without a sanitizer report on stderr.  A file without a line
# in expected.txt, or a line without its file, is a failure.  Use an
# ASan/UBSan build (make asan: build-asan/zwasm) to get the most out of it.
# The last line of output is "regress: N passed, N failed".

if [ $# -ne 1 ]; then
    echo "usage: $0 ZWASM" >&2
    exit 2
fi
ZWASM=$1
DIR=$(cd "$(dirname "$0")" && pwd)
TABLE=$DIR/expected.txt
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
failed() { # NAME WHY: count a failure and show the command's stderr
    fail=$((fail + 1))
    echo "FAIL: $1: $2"
    sed -n '1,20p' "$ERR" | sed 's/^/    /'
}

table_error() { : >"$ERR"; failed "$@"; }
is_status() { case $1 in ''|*[!0-9]*) return 1 ;; esac; }

# check CMD FILE WANT PATTERN: PATTERN empty means stderr must be empty
check() {
    $TIMEOUT "$ZWASM" "$1" "$DIR/$2" >/dev/null 2>"$ERR" </dev/null
    rc=$?
    why=
    if [ -n "$TIMEOUT" ] && { [ $rc -eq 124 ] || [ $rc -eq 137 ]; }; then
        why="timeout (${TMO}s)"
    elif [ $rc -ne "$3" ]; then
        why="exit status $rc, expected $3"
    fi
    if grep -q -E 'Sanitizer|runtime error:' "$ERR"; then
        why="${why:+$why, }sanitizer report"
    elif [ -z "$4" ] && [ -s "$ERR" ]; then
        why="${why:+$why, }unexpected output on stderr"
    elif [ -n "$4" ] && ! grep -q -E -- "$4" "$ERR"; then
        why="${why:+$why, }stderr does not match /$4/"
    fi
    if [ -n "$why" ]; then failed "$1 $2" "$why"; else pass=$((pass + 1)); fi
}

if [ ! -f "$TABLE" ]; then
    table_error expected.txt "missing"
else
    seen=" "
    while read -r file v r pat; do
        case $file in ''|'#'*) continue ;; esac
        vs=${v#validate=}; rs=${r#run=}
        if [ "$v" = "$vs" ] || [ "$r" = "$rs" ] || ! is_status "$vs" || ! is_status "$rs"; then
            table_error expected.txt "bad line: $file $v $r $pat"
            continue
        fi
        case $seen in *" $file "*) table_error expected.txt "$file listed twice"; continue ;; esac
        seen="$seen$file "
        if [ ! -f "$DIR/$file" ]; then
            table_error expected.txt "$file is listed but does not exist"
            continue
        fi
        check validate "$file" "$vs" ""
        check run "$file" "$rs" "$pat"
    done <"$TABLE"
    for f in "$DIR"/*.wasm "$DIR"/*.wat; do
        [ -f "$f" ] || continue
        case $seen in *" $(basename "$f") "*) ;; *) table_error "$(basename "$f")" "no line in expected.txt" ;; esac
    done
fi
echo "regress: $pass passed, $fail failed"
[ $fail -eq 0 ]
