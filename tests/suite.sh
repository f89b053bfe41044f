# suite.sh — sourced by run_all.sh, aarch64.sh, clang.sh and tsan.sh: run a suite, add its
# summary line ("N passed, N failed[, N skipped]", the last such line of
# its output) to the totals, and print the totals as the last line.
total_p=0; total_f=0; total_s=0; status=0
# The scripts of the 3.0 suites (under SPEC_DIR, which the sourcing script
# sets first; a word list for unquoted use): 3.0 with its legacy and custom
# scripts, and the proposals beyond 3.0 that zwasm implements.
SPEC_3="$SPEC_DIR/wasm-3.0/*.wast $SPEC_DIR/wasm-3.0/legacy/*.wast $SPEC_DIR/wasm-3.0/custom/*.wast $SPEC_DIR/proposals/wide-arithmetic/*.wast $SPEC_DIR/proposals/custom-page-sizes/*.wast"
log=$(mktemp); trap 'rm -f "$log"' EXIT

# count NAME LOG RC: add the suite's summary in LOG (its exit status RC)
count() {
    name=$1 log_=$2 rc=$3
    line=$(grep -E '^([a-z0-9 -]+: )?[0-9]+ passed, [0-9]+ failed' "$log_" | tail -n 1)
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

# run_suite NAME COMMAND...: run it now, echo its output, count it
run_suite() {
    name=$1; shift
    echo "== $name: $1 ..."
    "$@" >"$log" 2>&1
    rc=$?
    cat "$log"
    count "$name" "$log" "$rc"
}

# summary: the totals, and the exit status
summary() {
    if [ "$total_s" -gt 0 ]; then
        echo "$total_p passed, $total_f failed, $total_s skipped"
    else
        echo "$total_p passed, $total_f failed"
    fi
    exit $status
}
