#!/bin/bash
# fuzz/diff_ttf.sh [SECONDS [OUT]] — generator-driven differential testing of
# the interpreter against the JIT.  Loops until SECONDS (default 300) have
# passed: generate modules -> the stand-alone driver of fuzz/fuzz_diff.c,
# which runs each module on both engines and compares everything observable
# (fuzz_diff.c's header).  Generators (GEN=):
#
#   ttf     (default) random bytes -> binaryen `wasm-opt -ttf` (translate to
#           fuzz: a valid module with real code, restricted to Wasm 2.0
#           features; half of them also optimized with -O1..-O4 or -Os)
#   csmith  csmith (Debian: csmith, libcsmith-dev) random C programs ->
#           clang --target=wasm32 at -O0..-Oz, with or without SIMD
#           (autovectorized), bulk memory, sign-ext, nontrapping conversions
#           -> wasm-ld; no libc (a stand-in csmith.h written to OUT/inc): the
#           export "run" runs main, every value csmith checksums is passed to
#           the host import env.log, whose arguments the driver compares.
#           Fuel per call is 20M (ZWASM_DIFF_FUEL) so that most programs end.
#
#   OUT (default /tmp/diff-ttf) gets
#     corpus/    every generated module that is valid for zwasm (seeds for
#                build-fuzz/fuzz_diff)
#     found/     modules on which the engines differ or the driver crashed or
#                hung, with the driver's report (NAME.txt)
#     stats      modules generated / valid / same / different / crashed
#
# Environment:
#   DRIVER=path   the driver to use (default build-diff/diff_engines, built here
#                 with `make BUILD=build-diff build-diff/diff_engines`)
#   STRESS=1      use a JIT built with -DZW_JIT_STRESS (two registers per file:
#                 spills and reloads everywhere), built in /tmp/diff-stress
#   NOBUILD=1     do not (re)build the driver
#   LIBDIR=dir    with NOBUILD=1: the driver is dir/diff_engines
#   BATCH=N       modules per driver run (default 25 for ttf, 10 for csmith)
#   A64=1         the AArch64 cross build (aarch64-linux-gnu-gcc) run under
#                 qemu-aarch64 (issue 10): built in build-diff-a64, or
#                 /tmp/diff-stress-a64 with STRESS=1
#
# Examples (from the repository root):
#   bash fuzz/diff_ttf.sh 300
#   STRESS=1 bash fuzz/diff_ttf.sh 300 /tmp/diff-ttf-stress
#   A64=1 STRESS=1 bash fuzz/diff_ttf.sh 600 /tmp/diff-a64
#   GEN=csmith bash fuzz/diff_ttf.sh 600 /tmp/diff-csmith
set -u
SECONDS_MAX=${1:-300}
OUT=${2:-/tmp/diff-ttf}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
GEN=${GEN:-ttf}
case $GEN in
ttf) BATCH=${BATCH:-25} ;;
csmith) BATCH=${BATCH:-10}
    export ZWASM_DIFF_FUEL=${ZWASM_DIFF_FUEL:-20000000}
    for t in csmith clang wasm-ld; do
        command -v $t >/dev/null || { echo "diff_ttf.sh: GEN=csmith needs $t" >&2; exit 2; }
    done
    [ -f /usr/include/csmith/safe_math.h ] || { echo "diff_ttf.sh: GEN=csmith needs libcsmith-dev" >&2; exit 2; } ;;
*) echo "diff_ttf.sh: GEN is ttf or csmith" >&2; exit 2 ;;
esac
# (binaryen 108 generates tail calls, about one module in 10; with
# exception handling on it still generates no try/throw (checked: 0 of 240
# modules); its -ttf makes no 64-bit memories and it has no multi-memory;
# its GC and typed references are pre-standard encodings, so the 3.0
# features are fuzzed from the testsuite's seeds by build-fuzz/fuzz_diff)
FEATURES="-mvp --enable-mutable-globals --enable-sign-ext --enable-nontrapping-float-to-int
          --enable-bulk-memory --enable-simd --enable-multivalue --enable-tail-call
          --enable-exception-handling"
# Binaryen 108's reference types are the old proposal's (anyref, funcref <:
# externref): most modules it generates with them are not valid Wasm 2.0.
# A few are, so one module in 8 is generated with them.
REFTYPES="--enable-reference-types"

cd "$ROOT" || exit 2
RUN=() SUFFIX="" CCARG=""
if [ "${A64:-0}" = 1 ]; then
    # (the rpath: the cross toolchain's libc, not libc6:arm64's; see the Makefile's A64_LDFLAGS)
    RUN=(qemu-aarch64 -L /usr/aarch64-linux-gnu) SUFFIX=-a64
    CCARG="CC=aarch64-linux-gnu-gcc LDFLAGS=-Wl,-rpath,/usr/aarch64-linux-gnu/lib"
    for t in qemu-aarch64 aarch64-linux-gnu-gcc; do
        command -v $t >/dev/null || { echo "diff_ttf.sh: A64=1 needs $t" >&2; exit 2; }
    done
fi
if [ -n "${LIBDIR:-}" ]; then
    MAKEARGS="BUILD=$LIBDIR $CCARG"
elif [ "${STRESS:-0}" = 1 ]; then
    LIBDIR=/tmp/diff-stress$SUFFIX
    MAKEARGS="BUILD=$LIBDIR CFLAGS=-DZW_JIT_STRESS $CCARG"
else
    LIBDIR=build-diff$SUFFIX
    MAKEARGS="BUILD=$LIBDIR $CCARG"
fi
DRIVER=${DRIVER:-$LIBDIR/diff_engines}
if [ "${NOBUILD:-0}" != 1 ]; then
    make --no-print-directory -j2 $MAKEARGS "$LIBDIR/diff_engines" >/dev/null || exit 2
fi
[ -x "$DRIVER" ] || { echo "diff_ttf.sh: no driver $DRIVER" >&2; exit 2; }
command -v wasm-opt >/dev/null || { echo "diff_ttf.sh: wasm-opt (binaryen) is needed" >&2; exit 2; }
OUT=$(mkdir -p "$OUT" && cd "$OUT" && pwd)

mkdir -p "$OUT/corpus" "$OUT/found" "$OUT/work"
W=$OUT/work

if [ "$GEN" = csmith ]; then
    mkdir -p "$OUT/inc"
    echo '/* empty: fabs and fabsf are builtins (csmith.h) */' >"$OUT/inc/math.h"
    cat >"$OUT/inc/csmith.h" <<'EOF'
/* A freestanding stand-in for csmith.h (fuzz/diff_ttf.sh): no libc; every
 * value csmith checksums goes to the host (env.log), and so does the final
 * checksum; the export "run" runs main. */
#include <stdint.h>
#include <limits.h>
#include <stddef.h>
#include <float.h>
#define fabsf __builtin_fabsf
#define fabs __builtin_fabs
#define STATIC static
#define UNDEFINED(v) (v)
#define LOG_INDEX
#define LOG_EXEC
#define assert(x)
#define FUNC_NAME(x) (safe_##x)
#include "/usr/include/csmith/safe_math.h"
#undef FUNC_NAME
#define _CSMITH_BITFIELD(x) ((x > 32) ? (x % 32) : x)
__attribute__((import_module("env"), import_name("log"))) void host_log(uint64_t v);
static uint64_t crc32_context = 0xFFFFFFFFUL;
static inline void platform_main_begin(void) {}
static inline void crc32_gentab(void) {}
static void transparent_crc(uint64_t val, char *vname, int flag) {
    (void)vname; (void)flag;
    crc32_context = (crc32_context * 31) ^ val;
    host_log(val);
}
static void transparent_crc_bytes(char *ptr, int nbytes, char *vname, int flag) {
    (void)vname; (void)flag;
    for (int i = 0; i < nbytes; i++) crc32_context = crc32_context * 31 ^ (uint8_t)ptr[i];
    host_log(crc32_context);
}
static void platform_main_end(uint64_t crc, int flag) { (void)flag; host_log(crc ^ 0xABCDEF); }
static int printf(const char *f, ...) { (void)f; return 0; }
int strcmp(const char *a, const char *b) {
    for (; *a == *b; a++, b++) if (!*a) return 0;
    return (unsigned char)*a - (unsigned char)*b;
}
void *memcpy(void *d, const void *s, size_t n) {
    unsigned char *dd = d; const unsigned char *ss = s;
    while (n--) *dd++ = *ss++;
    return d;
}
void *memset(void *d, int c, size_t n) {
    unsigned char *dd = d;
    while (n--) *dd++ = (unsigned char)c;
    return d;
}
int csmith_main(int argc, char **argv);
__attribute__((export_name("run"))) int run(void) {
    char *argv[] = {"p", 0};
    return csmith_main(1, argv);
}
#define main csmith_main
EOF
fi
CS_OPT=(-O0 -O1 -O2 -O3 -Os -Oz)
CS_FEAT=("" "-msimd128" "-mbulk-memory -msign-ext -mnontrapping-fptoint"
         "-msimd128 -mbulk-memory -msign-ext -mnontrapping-fptoint")

# One module into $W/m$1.wasm; false when the generator failed.
gen_ttf() {
    head -c $(( (RANDOM % 24 + 1) * 1000 )) /dev/urandom >"$W/in.bin"
    local opts="" rt=""
    case $((RANDOM % 10)) in
    0) opts=-O1 ;; 1) opts=-O2 ;; 2) opts=-O3 ;; 3) opts=-O4 ;; 4) opts=-Os ;;
    esac
    [ $((RANDOM % 8)) = 0 ] && rt=$REFTYPES
    # (binaryen itself aborts on a few inputs: the braces keep bash quiet about it)
    # shellcheck disable=SC2086
    { wasm-opt -ttf "$W/in.bin" $FEATURES $rt $opts -o "$W/m$1.wasm"; } 2>/dev/null
}
gen_csmith() {
    local fl="" o=${CS_OPT[$((RANDOM % 6))]} m=${CS_FEAT[$((RANDOM % 4))]}
    [ $((RANDOM % 3)) = 0 ] && fl=--float
    # shellcheck disable=SC2086
    # (in the work folder: csmith writes platform.info where it runs)
    (cd "$W" && timeout 30 csmith --seed "$RANDOM$RANDOM" $fl --max-funcs 8 -o "$W/p$1.c") >/dev/null 2>&1 || return 1
    # shellcheck disable=SC2086
    timeout 120 clang --target=wasm32 $o $m -nostdlib -ffreestanding -w -I"$OUT/inc" \
        -c "$W/p$1.c" -o "$W/p$1.o" 2>/dev/null &&
        wasm-ld --no-entry --allow-undefined -o "$W/m$1.wasm" "$W/p$1.o" 2>/dev/null || return 1
    # the source, with how it was compiled, next to the module
    { echo "/* clang --target=wasm32 $o $m -nostdlib -ffreestanding -I$OUT/inc */"; cat "$W/p$1.c"; } >"$W/m$1.c"
}
gen=0 valid=0 same=0 differ=0 crashed=0
start=$(date +%s)

# A report of one module that differs, crashes or hangs: keep it.
keep() { # FILE WHY
    local h
    h=$(sha1sum "$1" | cut -c1-16)
    cp "$1" "$OUT/found/$2-$h.wasm"
    [ -f "${1%.wasm}.c" ] && cp "${1%.wasm}.c" "$OUT/found/$2-$h.c"
    timeout 60 "${RUN[@]}" "$DRIVER" "$1" >"$OUT/found/$2-$h.txt" 2>&1
    echo "diff_ttf.sh: $2: $OUT/found/$2-$h.wasm"
}

while [ $(( $(date +%s) - start )) -lt "$SECONDS_MAX" ]; do
    rm -f "$W"/m*.wasm "$W"/m*.c "$W"/p*
    for i in $(seq 1 "$BATCH"); do
        if gen_$GEN "$i"; then gen=$((gen + 1)); fi
    done
    ls "$W"/m*.wasm >/dev/null 2>&1 || continue
    timeout 300 "${RUN[@]}" "$DRIVER" "$W"/m*.wasm >"$W/report" 2>"$W/errors"
    rc=$?
    # per module: same / invalid / DIFFERENT
    while read -r file what; do
        file=${file%:}
        case $what in
        same) same=$((same + 1)); valid=$((valid + 1))
              cp "$file" "$OUT/corpus/$(sha1sum "$file" | cut -c1-16).wasm" ;;
        DIFFERENT) differ=$((differ + 1)); valid=$((valid + 1)); keep "$file" diff ;;
        esac
    done <"$W/report"
    if [ $rc -gt 1 ]; then
        # a crash or a hang: find the module (the first one without a report line)
        for f in "$W"/m*.wasm; do
            grep -q "^$f: " "$W/report" && continue
            crashed=$((crashed + 1))
            keep "$f" crash
            break
        done
    fi
    printf 'generated %d valid %d same %d different %d crashed %d (%ds)\n' \
        "$gen" "$valid" "$same" "$differ" "$crashed" $(( $(date +%s) - start )) >"$OUT/stats"
done
cat "$OUT/stats"
[ "$differ" = 0 ] && [ "$crashed" = 0 ]
