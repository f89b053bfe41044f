#!/bin/sh
# tests/install.sh BUILD — make install into a fresh prefix, then build
# examples/hello.c against what was installed, found through pkg-config
# (linked with the shared library, and statically), run both, and make
# uninstall leaves the prefix empty.  Skipped for sanitizer builds (their
# library needs the sanitizer runtime).  Last line "install: N passed, N failed".
BUILD=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
root=$here/..
pass=0; fail=0
ok() { echo "ok $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
if [ "$BUILD" != build ]; then
    echo "install: 0 passed, 0 failed, 1 skipped"; exit 0
fi
if ! command -v pkg-config >/dev/null 2>&1; then
    echo "pkg-config not found (.ci/run installs it)"; echo "install: 0 passed, 1 failed"; exit 1
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
if make -s -C "$root" install PREFIX="$prefix" >"$tmp/log" 2>&1; then ok "make install"; else bad "make install"; cat "$tmp/log"; fi
for f in include/wasm.h include/wasi.h include/zwasm.h lib/libzwasm.a lib/libzwasm.so lib/pkgconfig/zwasm.pc bin/zwasm; do
    if [ -e "$prefix/$f" ]; then ok "installed $f"; else bad "missing $f"; fi
done
soname=$(readelf -d "$prefix/lib/libzwasm.so" 2>/dev/null | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
if [ -n "$soname" ] && [ -e "$prefix/lib/$soname" ]; then ok "soname $soname"; else bad "soname '$soname'"; fi
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
flags=$(pkg-config --cflags --libs zwasm)
static=$(pkg-config --static --cflags --libs zwasm)
if ${CC:-cc} -o "$tmp/hello" "$root/examples/hello.c" $flags >"$tmp/log" 2>&1 &&
   (cd "$root/examples" && LD_LIBRARY_PATH=$prefix/lib "$tmp/hello") >"$tmp/out" 2>&1 &&
   diff -u "$root/examples/expected/hello.out" "$tmp/out" &&
   LD_LIBRARY_PATH=$prefix/lib ldd "$tmp/hello" | grep -q "$prefix/lib/$soname"; then
    ok "hello, shared, via pkg-config"
else
    bad "hello, shared, via pkg-config ($flags)"; cat "$tmp/log" "$tmp/out" 2>/dev/null
fi
if ${CC:-cc} -static-libgcc -o "$tmp/hello_static" "$root/examples/hello.c" $(echo "$static" | sed "s|-lzwasm|$prefix/lib/libzwasm.a|") >"$tmp/log" 2>&1 &&
   (cd "$root/examples" && "$tmp/hello_static") >"$tmp/out" 2>&1 &&
   diff -u "$root/examples/expected/hello.out" "$tmp/out"; then
    ok "hello, static library"
else
    bad "hello, static library"; cat "$tmp/log" "$tmp/out" 2>/dev/null
fi
if "$prefix/bin/zwasm" run --invoke fac "$root/examples/fac.wat" 5 2>&1 | grep -qx 120; then ok "installed CLI runs"; else bad "installed CLI runs"; fi
make -s -C "$root" uninstall PREFIX="$prefix" >/dev/null 2>&1
left=$(find "$prefix" -type f -o -type l | head -5)
if [ -z "$left" ]; then ok "make uninstall"; else bad "make uninstall left: $left"; fi
echo "install: $pass passed, $fail failed"
[ $fail -eq 0 ]
