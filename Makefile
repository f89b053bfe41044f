# zwasm — build, test and benchmark.
#   make            build/zwasm, build/libzwasm.a, build/libzwasm.so
#   make test       unit tests + spec testsuite (+ WASI when it lands)
#   make asan       the same binaries under ASan+UBSan in build-asan/
#   make test-asan  the test suite against the sanitizer build
#   make test-tsan  the threads tests under ThreadSanitizer in build-tsan/
#   make test-clang the unit tests and spec suites built with clang in build-clang/
#   make demo       build and run the bundled example
#   make bench      benchmark harness (see bench/README.md); bench-compile, bench-call
#   make fuzz       libFuzzer targets and their seed corpora in build-fuzz/ (fuzz/seed_corpus.sh)
#   make install    PREFIX=/usr/local (DESTDIR too): headers, libzwasm.a, libzwasm.so.$(ABI),
#                   zwasm.pc, the CLI; make uninstall removes them

CC      ?= cc
BUILD   ?= build
OPT     ?= -O2
SAN     ?=
CFLAGS_BASE = -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter -g $(OPT) $(SAN) \
              -fPIC -fvisibility=hidden -Iinclude -Isrc
CFLAGS  ?=
ALL_CFLAGS = $(CFLAGS_BASE) $(CFLAGS)
LDFLAGS ?=
LIBS    = -lm -pthread

# The JIT's code generator for the target ($(CC) -dumpmachine): x86-64's,
# or none yet (src/jit/arch_none.c: the JIT reports itself unsupported).
# Both assemblers build everywhere (their unit tests are plain encoding).
TARGET_CPU := $(firstword $(subst -, ,$(shell $(CC) -dumpmachine)))
ifeq ($(TARGET_CPU),x86_64)
JIT_ARCH_SRC := src/jit/x64/emit.c
else ifeq ($(TARGET_CPU),aarch64)
JIT_ARCH_SRC := src/jit/arm64/emit.c
else
JIT_ARCH_SRC := src/jit/arch_none.c
endif
LIB_SRC  := $(wildcard src/*.c src/decode/*.c src/validate/*.c src/ir/*.c src/interp/*.c \
                       src/runtime/*.c src/api/*.c src/text/*.c src/wasi/*.c src/jit/x64/asm.c src/jit/arm64/asm.c) \
            $(filter-out src/jit/arch_none.c,$(wildcard src/jit/*.c)) $(JIT_ARCH_SRC)
CLI_SRC  := $(wildcard src/cli/*.c)
UNIT_SRC := $(wildcard tests/unit/*.c)

# The CLI disassembles --dump-jit through capstone when its header is
# installed (Debian libcapstone-dev), loading the library only then
# (dlopen); without it, machine code is printed as hex.
HAVE_CAPSTONE := $(shell test -f /usr/include/capstone/capstone.h && echo 1)
CLI_LIBS :=
ifeq ($(HAVE_CAPSTONE),1)
CLI_LIBS += -ldl
endif

LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_OBJ := $(UNIT_SRC:%.c=$(BUILD)/obj/%.o)
DEPS     := $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(UNIT_OBJ:.o=.d)

.PHONY: all examples install uninstall test unit spec asan test-asan test-tsan test-clang test-jit-stress test-aarch64 a64-build demo bench bench-compile bench-call fuzz clean
all: $(BUILD)/zwasm $(BUILD)/libzwasm.a $(BUILD)/libzwasm.so

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libzwasm.a: $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

# The shared library's version: ABI changes with every incompatible change
# of the public headers (the soname is libzwasm.so.$(ABI)).  1: features 0
# means WebAssembly 1.0, no longer 2.0 (ZWASM_FEATURES_2_0).
VERSION = $(shell sed -n 's/^\#define ZWASM_VERSION "\(.*\)"/\1/p' include/zwasm.h)
ABI     = 1
$(BUILD)/libzwasm.so: $(LIB_OBJ)
	$(CC) $(SAN) -shared -Wl,-soname,libzwasm.so.$(ABI) -o $@ $^ $(LDFLAGS) $(LIBS)

$(BUILD)/zwasm: $(CLI_OBJ) $(BUILD)/libzwasm.a
	$(CC) $(SAN) -o $@ $(CLI_OBJ) $(BUILD)/libzwasm.a $(LDFLAGS) $(LIBS) $(CLI_LIBS)

ifeq ($(HAVE_CAPSTONE),1)
$(CLI_OBJ): ALL_CFLAGS += -DZW_HAVE_CAPSTONE
endif

$(BUILD)/embed: examples/embed.c $(BUILD)/libzwasm.a
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libzwasm.a $(LDFLAGS) $(LIBS)

# The examples of the standard C API (include/wasm.h), each with its .wat;
# tests/examples/run.sh runs them and compares with examples/expected/.
EXAMPLES = hello callback memory global table trap multi reflect finalize serialize start threads interrupt wasi
EXAMPLE_BINS = $(EXAMPLES:%=$(BUILD)/examples/%)
$(BUILD)/examples/%: examples/%.c examples/example.h include/wasm.h include/wasi.h include/zwasm.h $(BUILD)/libzwasm.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libzwasm.a $(LDFLAGS) $(LIBS)
examples: $(EXAMPLE_BINS)

# The two engines side by side on one module (fuzz/fuzz_diff.c).
$(BUILD)/diff_engines: fuzz/fuzz_diff.c fuzz/imports.h $(BUILD)/libzwasm.a
	$(CC) $(ALL_CFLAGS) -DZWASM_DIFF_MAIN -o $@ $< $(BUILD)/libzwasm.a $(LDFLAGS) $(LIBS)

# Linked with the C library's allocator wrapped, so that tests/unit/test_alloc.c
# can see whether the library calls it behind an engine's allocator.
UNIT_WRAP = -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free,--wrap=strdup
$(BUILD)/unit_tests: $(UNIT_OBJ) $(BUILD)/libzwasm.a
	$(CC) $(SAN) -o $@ $(UNIT_OBJ) $(BUILD)/libzwasm.a $(LDFLAGS) $(LIBS) $(UNIT_WRAP)

SPEC_DIR ?= ../shared/spec

# The whole test suite; the last line of output is "N passed, N failed".
test: all $(BUILD)/unit_tests $(BUILD)/embed $(BUILD)/diff_engines $(EXAMPLE_BINS)
	@$(MAKE) --no-print-directory BUILD=$(BUILD)-stress CFLAGS="$(CFLAGS) -DZW_JIT_STRESS -DZW_GC_STRESS=1" \
	    SAN="$(SAN)" OPT="$(OPT)" $(BUILD)-stress/zwasm >/dev/null
	@if [ "$(A64_TOOLS)" = 1 ] && [ "$(BUILD)" = build ]; then $(MAKE) --no-print-directory a64-build; fi
	@BUILD=$(BUILD) STRESS_ZWASM=$(BUILD)-stress/zwasm SPEC_DIR=$(SPEC_DIR) \
	    A64_QUICK=$(if $(filter build,$(BUILD)),$(A64_TOOLS)) QEMU="$(QEMU_A64)" sh tests/run_all.sh

unit: $(BUILD)/unit_tests
	$(BUILD)/unit_tests

spec: $(BUILD)/zwasm
	$(BUILD)/zwasm wast --wasm 2.0 --known-failures tests/spec/known-failures-2.0.txt $(SPEC_DIR)/wasm-2.0/*.wast
	$(BUILD)/zwasm wast --known-failures tests/spec/known-failures-3.0.txt $(SPEC_DIR)/wasm-3.0/*.wast \
	    $(SPEC_DIR)/wasm-3.0/legacy/*.wast $(SPEC_DIR)/wasm-3.0/custom/*.wast \
	    $(SPEC_DIR)/proposals/wide-arithmetic/*.wast $(SPEC_DIR)/proposals/custom-page-sizes/*.wast

# The sanitizer build also verifies the IR of every function it lowers.
ASAN_FLAGS = BUILD=build-asan OPT=-O1 CFLAGS=-DZW_VERIFY_IR \
             SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
asan:
	$(MAKE) $(ASAN_FLAGS) all build-asan/unit_tests

test-asan:
	$(MAKE) $(ASAN_FLAGS) test

# The clang build (the brief: gcc and clang, -Werror): the unit tests on
# both engines and the 2.0, 3.0 and threads suites on the JIT.
test-clang:
	$(MAKE) BUILD=build-clang CC=clang build-clang/zwasm build-clang/unit_tests
	BUILD=build-clang SPEC_DIR=$(SPEC_DIR) sh tests/clang.sh

# The threads tests under ThreadSanitizer (tests/tsan.sh): a race in zwasm's
# own code fails them; tests/tsan.supp lists the races WebAssembly allows.
TSAN_FLAGS = BUILD=build-tsan OPT=-O1 SAN="-fsanitize=thread -fno-omit-frame-pointer"
test-tsan:
	$(MAKE) $(TSAN_FLAGS) build-tsan/zwasm build-tsan/unit_tests
	SPEC_DIR=$(SPEC_DIR) sh tests/tsan.sh build-tsan

# The JIT with two registers per file (spills and reloads everywhere) and
# the collector at every allocation (precise roots: one it misses shows at
# once), on the spec suite and tests/jit (make test runs it too, and the
# interpreter on the same build).
STRESS_FLAGS = BUILD=build-stress CFLAGS="-DZW_JIT_STRESS -DZW_GC_STRESS=1"
STRESS_CASES = $(filter-out tests/jit/gc_stress.wast,$(wildcard tests/jit/*.wast))
test-jit-stress:
	$(MAKE) $(STRESS_FLAGS) build-stress/zwasm
	build-stress/zwasm wast --engine jit --wasm 2.0 --known-failures tests/spec/known-failures-2.0.txt \
	    $(SPEC_DIR)/wasm-2.0/*.wast
	build-stress/zwasm wast --engine jit --known-failures tests/spec/known-failures-3.0.txt \
	    $(SPEC_DIR)/wasm-3.0/*.wast $(STRESS_CASES)
	build-stress/zwasm wast --engine interp --known-failures tests/spec/known-failures-3.0.txt \
	    $(SPEC_DIR)/wasm-3.0/*.wast $(STRESS_CASES)

# The AArch64 cross build, run under qemu-aarch64 (issue 10; tests/aarch64.sh):
# both engines over every suite qemu can run, and the stress build.  make
# test runs its quick subset when the cross compiler and qemu are installed
# (.ci/run installs them).  The binaries find the cross toolchain's libc
# first (rpath): the guest's ld.so also reads the host's /etc/ld.so.cache,
# which lists libc6:arm64's /lib/aarch64-linux-gnu when that is installed,
# and that libc.so.6 does not match the cross ld.so (their private
# _rtld_global differs: pthread_create and fork spin in the guest).
A64_CC   ?= aarch64-linux-gnu-gcc
A64_ROOT ?= /usr/aarch64-linux-gnu
QEMU_A64 ?= qemu-aarch64 -L $(A64_ROOT)
A64_LDFLAGS = -Wl,-rpath,$(A64_ROOT)/lib
A64_TOOLS := $(shell command -v $(A64_CC) >/dev/null 2>&1 && command -v qemu-aarch64 >/dev/null 2>&1 && echo 1)
a64-build:
	@$(MAKE) --no-print-directory BUILD=build-aarch64 CC=$(A64_CC) SAN= OPT="$(OPT)" LDFLAGS="$(A64_LDFLAGS)" \
	    build-aarch64/zwasm build-aarch64/unit_tests build-aarch64/diff_engines >/dev/null
test-aarch64: a64-build
	@$(MAKE) --no-print-directory BUILD=build-aarch64-stress CC=$(A64_CC) SAN= OPT="$(OPT)" LDFLAGS="$(A64_LDFLAGS)" \
	    CFLAGS="-DZW_JIT_STRESS -DZW_GC_STRESS=1" build-aarch64-stress/zwasm >/dev/null
	@BUILD=build-aarch64 STRESS_ZWASM=build-aarch64-stress/zwasm SPEC_DIR=$(SPEC_DIR) QEMU="$(QEMU_A64)" \
	    sh tests/aarch64.sh

PREFIX     ?= /usr/local
DESTDIR    ?=
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
BINDIR     ?= $(PREFIX)/bin
install: all
	install -d $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(BINDIR)
	install -m 644 include/zwasm.h include/wasm.h include/wasi.h $(DESTDIR)$(INCLUDEDIR)/
	install -m 644 $(BUILD)/libzwasm.a $(DESTDIR)$(LIBDIR)/
	install -m 755 $(BUILD)/libzwasm.so $(DESTDIR)$(LIBDIR)/libzwasm.so.$(VERSION)
	ln -sf libzwasm.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libzwasm.so.$(ABI)
	ln -sf libzwasm.so.$(ABI) $(DESTDIR)$(LIBDIR)/libzwasm.so
	sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|; s|@INCLUDEDIR@|$(INCLUDEDIR)|; s|@VERSION@|$(VERSION)|' \
	    zwasm.pc.in >$(DESTDIR)$(LIBDIR)/pkgconfig/zwasm.pc
	install -m 755 $(BUILD)/zwasm $(DESTDIR)$(BINDIR)/
uninstall:
	rm -f $(DESTDIR)$(INCLUDEDIR)/zwasm.h $(DESTDIR)$(INCLUDEDIR)/wasm.h $(DESTDIR)$(INCLUDEDIR)/wasi.h $(DESTDIR)$(LIBDIR)/libzwasm.a \
	    $(DESTDIR)$(LIBDIR)/libzwasm.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libzwasm.so.$(ABI) \
	    $(DESTDIR)$(LIBDIR)/libzwasm.so $(DESTDIR)$(LIBDIR)/pkgconfig/zwasm.pc $(DESTDIR)$(BINDIR)/zwasm

demo: $(BUILD)/zwasm $(BUILD)/embed
	$(BUILD)/zwasm run --invoke fac examples/fac.wat 20
	$(BUILD)/embed 20

bench: $(BUILD)/zwasm
	sh bench/run.sh

# Compile speed of both engines over the benchmark corpus' modules.
$(BUILD)/compile_speed: bench/compile_speed.c $(BUILD)/libzwasm.a
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libzwasm.a $(LDFLAGS) $(LIBS)
bench-compile: $(BUILD)/compile_speed
	$(BUILD)/compile_speed $(SPEC_DIR)/../bench/*/*.wasm

# What a call from C into a small export costs (wasm_func_call, zwasm_func_call).
$(BUILD)/call_cost: bench/call_cost.c $(BUILD)/libzwasm.a
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libzwasm.a $(LDFLAGS) $(LIBS)
bench-call: $(BUILD)/call_cost
	$(BUILD)/call_cost

# interp.c is built at -O0: at -O1 clang needs over 10 CPU minutes for the
# instrumented threaded interpreter (about 5 s at -O0).
fuzz:
	$(MAKE) BUILD=build-fuzz CC=clang OPT=-O0 SAN="-fsanitize=fuzzer-no-link,address,undefined" build-fuzz/obj/src/interp/interp.o
	$(MAKE) BUILD=build-fuzz CC=clang OPT=-O1 SAN="-fsanitize=fuzzer-no-link,address,undefined" build-fuzz/libzwasm.a
	clang -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -Isrc fuzz/fuzz_module.c build-fuzz/libzwasm.a -lm -pthread -o build-fuzz/fuzz_module
	clang -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -Isrc fuzz/fuzz_wat.c build-fuzz/libzwasm.a -lm -pthread -o build-fuzz/fuzz_wat
	clang -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -Isrc fuzz/fuzz_diff.c build-fuzz/libzwasm.a -lm -pthread -o build-fuzz/fuzz_diff
	clang -std=gnu11 -g -O1 -fsanitize=fuzzer-no-link,address,undefined -Iinclude -Isrc fuzz/seed_corpus.c build-fuzz/libzwasm.a -lm -pthread -o build-fuzz/seed_corpus
	sh fuzz/seed_corpus.sh build-fuzz $(SPEC_DIR)/..

clean:
	rm -rf build build-asan build-fuzz build-stress build-asan-stress build-tsan build-clang

-include $(DEPS)
