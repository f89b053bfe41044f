#!/bin/sh
# fuzz/seed_corpus.sh [OUT [SHARED]] — the fuzzers' seed corpora; `make fuzz`
# runs it after building the fuzzers and build-fuzz/seed_corpus
# (fuzz/seed_corpus.c).  OUT defaults to build-fuzz, SHARED to ../shared.
#
#   OUT/corpus-module/  binary seeds for fuzz_module: every module of the
#       testsuite (SHARED/spec: wasm-2.0, wasm-3.0, proposals; each .wast
#       script's text, binary and quoted modules encoded by zwasm's own text
#       front end, malformed binaries included), the benchmark modules
#       (SHARED/bench), the WASI testsuite modules (SHARED/wasi), and this
#       repository's .wasm/.wat test inputs and examples.
#   OUT/corpus-wat/     text seeds for fuzz_wat: the source of each of those
#       (module ...) forms, the text of each (module quote ...), and every
#       .wat file of SHARED/bench and of this repository.
#
# Seeds are named by a hash of their contents: rerunning adds only what is
# new, and what a fuzzer saved into the folders stays.  Remove the folders to
# start over.
#
# Running the fuzzers (from the repository root, after `make fuzz`):
#
#   build-fuzz/fuzz_module -dict=fuzz/wasm.dict -max_total_time=600 build-fuzz/corpus-module
#   build-fuzz/fuzz_wat    -dict=fuzz/wat.dict  -max_total_time=600 build-fuzz/corpus-wat
#
# - The first folder given is also where a fuzzer saves the new inputs it
#   finds; add -artifact_prefix=build-fuzz/ to put crash-*/timeout-* files
#   there instead of the current folder, and -jobs=2 -workers=2 to use both
#   cores.  Reproduce a crash with `build-fuzz/fuzz_module FILE`.
# - fuzz_module runs what it loads (every exported function, with fuel);
#   ZWASM_FUZZ_EXEC=0 in the environment stops at instantiation.
# - Without -max_len libFuzzer takes the largest seed as the limit, capped at
#   1 MiB, and truncates larger seeds (the Rust WASI tests are about 2 MiB);
#   -max_len=65536 mutates faster at the price of truncating the big seeds.
# - -merge=1 NEW_DIR build-fuzz/corpus-module minimizes a corpus into NEW_DIR.
# - A crash that is fixed becomes a regression input: put it in
#   tests/regress/ with its expected outcome in tests/regress/expected.txt.
set -e
OUT=${1:-build-fuzz}
SHARED=${2:-../shared}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
TOOL=$OUT/seed_corpus
if [ ! -x "$TOOL" ]; then
    echo "seed_corpus.sh: $TOOL is not built (make fuzz builds it)" >&2
    exit 2
fi
for d in spec bench wasi; do
    if [ ! -d "$SHARED/$d" ]; then
        echo "seed_corpus.sh: $SHARED/$d: no such folder (give SHARED as the second argument)" >&2
        exit 2
    fi
done
mkdir -p "$OUT/corpus-module" "$OUT/corpus-wat"
# one seed_corpus run per source (xargs splits long lists)
seeds() { xargs "$TOOL" "$OUT/corpus-module" "$OUT/corpus-wat"; }
find "$SHARED/spec" -name '*.wast' | sort | seeds
find "$SHARED/bench" "$SHARED/wasi" \( -name '*.wasm' -o -name '*.wat' \) | sort | seeds
find "$ROOT/tests" "$ROOT/examples" \( -name '*.wasm' -o -name '*.wat' \) | sort | seeds
echo "seed_corpus.sh: $(ls "$OUT/corpus-module" | wc -l) files in $OUT/corpus-module," \
     "$(ls "$OUT/corpus-wat" | wc -l) in $OUT/corpus-wat"
